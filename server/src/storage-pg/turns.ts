/**
 * Background work in turns (issue 12: query p95 while ingesting). A chain server runs up to 64
 * group commits at once (one pipeline per shard) in the event loop that also answers HTTP. Each
 * commit is a chain of CPU slices between its statements (decoding, staging each store's
 * analytics, building and serialising a statement of thousands of array elements, the work after
 * COMMIT), and PostgreSQL answers the commits' statements together: one event-loop iteration then
 * ran the continuations of dozens of commits back to back, 0.2-0.8 s in the bench (the loop's
 * delay), and an HTTP request waited that long for each of its round trips.
 *
 * {@link backgroundTurn} queues the caller; each event-loop iteration's check phase lets waiters
 * go in order until about {@link BUDGET_MS} of background work ran in it (`setImmediate` slots:
 * what is queued from an immediate runs in the next iteration, after its poll phase). So between
 * two turns the loop always polls its sockets, and an HTTP request's callbacks wait for about one
 * budget, not for every commit that was ready. Background work is not slowed when the loop has
 * time to spare (an iteration with nothing else to do is a few microseconds).
 *
 * Callers marked interactive (../storage/interactive.ts: an HTTP request, a live client) never
 * wait for a turn.
 */
import { isInteractive } from "../storage/interactive.js";

/** Background work per event-loop iteration (ms): waiters go one after another until it is spent (the one that crosses it finishes its slice). */
const BUDGET_MS = turnMsFromEnv();

/**
 * FOOTFALL_PG_TURN_MS (default 8), or `name` (the chain's ingest worker's FOOTFALL_CHAIN_WORKER_TURN_MS, its default
 * FOOTFALL_PG_TURN_MS's): a number of milliseconds from 1 to 1000, else a start that says which variable to write what in.
 */
export function turnMsFromEnv(env: NodeJS.ProcessEnv = process.env, name: "FOOTFALL_PG_TURN_MS" | "FOOTFALL_CHAIN_WORKER_TURN_MS" = "FOOTFALL_PG_TURN_MS"): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return name === "FOOTFALL_PG_TURN_MS" ? 8 : turnMsFromEnv(env);
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms < 1 || ms > 1000) throw new Error(`${name} must be a number of milliseconds from 1 to 1000 (default ${name === "FOOTFALL_PG_TURN_MS" ? "8" : "FOOTFALL_PG_TURN_MS's, 8"}), not "${raw}"`);
  return ms;
}
/** Most waiters let go in one iteration. */
const MOST_PER_TURN = 64;

const waiting: (() => void)[] = [];
/** The batch of immediates queued for the next check phase, if any. */
let batch: { left: number; start: number } | null = null;
let turns = 0;

/**
 * Queues `min(waiting, MOST_PER_TURN)` immediates for the next check phase. Node runs the
 * microtasks of each immediate before the next one, so when a slot runs, the slice the previous
 * slot let go has run to its next real wait (a statement): the time since the batch's first slot
 * is the background work done in this iteration.
 */
function schedule(): void {
  const b = { left: Math.min(waiting.length, MOST_PER_TURN), start: -1 };
  batch = b;
  for (let i = 0; i < b.left; i++) setImmediate(slot, b);
}

function slot(b: { left: number; start: number }): void {
  const now = performance.now();
  if (b.start < 0) b.start = now;
  // The first slot always lets one go (progress); the others while the budget lasts.
  if (waiting.length > 0 && (now === b.start || now - b.start < BUDGET_MS)) {
    turns++;
    waiting.shift()!();
  }
  if (--b.left === 0) {
    batch = null;
    // Queued from a check phase: runs in the next iteration, after its poll phase.
    if (waiting.length > 0) schedule();
  }
}

/**
 * Resolves in the check phase of this or a later event-loop iteration, callers in the order they
 * asked, about {@link BUDGET_MS} of their work per iteration; at once for an interactive caller.
 */
export function backgroundTurn(): Promise<void> {
  if (isInteractive()) return Promise.resolve();
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!batch) schedule();
  });
}

/** Background callers waiting for a turn now, and the turns given since the process started (for `cluster status`). */
export function backgroundTurns(): { waiting: number; given: number } {
  return { waiting: waiting.length, given: turns };
}
