/**
 * A chain server in two threads (issue 12: query p95 while ingesting; FOOTFALL_CHAIN_INGEST=worker, the
 * default of `footfall serve` with PostgreSQL and an external broker). The ingest's CPU (decoding, staging,
 * building and serialising the group commits' statements, their garbage) ran on the thread that answers
 * HTTP: every round trip of a query waited for event-loop passes of 0.1-0.65 s (BENCHMARKS.md).
 *
 * - The worker thread (./ingest-worker-thread.ts) runs the ingest half: the shard leases and heartbeat (the
 *   process's one row in `cluster status`, with the front's URL), the shard MQTT sessions, the sharded ingest,
 *   and what runs for the stores it ingests (alert evaluator, webhooks, retained MQTT state, hours, retention),
 *   and the live tap of shards it took over.
 * - The main thread runs the front: HTTP and live push (Socket.IO) as a server that takes no lease. It follows
 *   the worker's stores as it follows other servers' (the bus: LISTEN/NOTIFY), tells the worker which stores
 *   its live clients follow (the tap reads only those), and gets the tap's pending events of those stores.
 * - The front's Prometheus listener (and /metrics) asks the worker for its metrics at each scrape and serves
 *   both texts as one: the two registries hold disjoint names (../metrics.ts). The Agents view asks it for
 *   the rejects by reason of a store's agents.
 *
 * One process is one server to operators: a kill -9 kills both threads; a worker that stops makes the process
 * exit non-zero (a supervisor restarts it), never a front without ingest; close hands the shards over first,
 * then closes HTTP. Both halves log to the same output.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { Worker } from "node:worker_threads";
import type { FootfallEvent } from "@footfall/core";
import { DEFAULT_CHAIN_WORKER_YOUNG_MB, type ServerConfig } from "../config.js";
import { createLogger } from "../log.js";
import { startHalf, type IngestState, type RunningServer, type StartOptions } from "../server.js";
import { turnMsFromEnv } from "../storage-pg/turns.js";

/** What the worker is given. */
export interface IngestWorkerData {
  config: ServerConfig;
  serverId: string;
}

/** Main thread -> worker. */
export type ToWorker =
  | { type: "front"; http: string }
  | { type: "watched"; stores: string[] }
  | { type: "latency"; window: unknown }
  | { type: "metrics"; id: number }
  | { type: "rejects"; id: number; store: string }
  | { type: "close" };
/** Worker -> main thread. */
export type FromWorker =
  | { type: "ready"; shards: number[] }
  | { type: "pending"; entries: [string, FootfallEvent[]][] }
  | { type: "state"; state: IngestState }
  | { type: "metrics"; id: number; text: string }
  | { type: "rejects"; id: number; agents: Record<string, Record<string, number>> }
  | { type: "closed" };

/** How often the front tells the worker what its live clients follow, and its latency window (ms). */
const WATCH_EVERY_MS = 500;
const LATENCY_EVERY_MS = 5_000;
/** How long a question to the worker (a scrape's metrics, the Agents view's rejects) waits for its answer before it fails. */
const ANSWER_WAIT_MS = 5_000;

/** The front on this thread, the ingest in a worker thread: one server of the chain. */
export async function startSplitServer(config: ServerConfig, opts: StartOptions = {}): Promise<RunningServer> {
  const log = opts.log ?? createLogger();
  const serverId = config.serverId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;

  // The ingest first (as one thread joins the chain before it listens): HTTP answers once the worker holds its shards.
  const data: IngestWorkerData = { config: { ...config, serverId }, serverId };
  // The worker's group commits take turns of FOOTFALL_CHAIN_WORKER_TURN_MS (default: FOOTFALL_PG_TURN_MS, 8 ms): nothing answers
  // HTTP there, but unthrottled commits (1000) did not raise throughput and the front's queries were slower (BENCHMARKS, session 7).
  // Checked here, so that a wrong value is refused naming the variable it was written in, not the worker's FOOTFALL_PG_TURN_MS.
  const env = { ...process.env, FOOTFALL_PG_TURN_MS: String(turnMsFromEnv(process.env, "FOOTFALL_CHAIN_WORKER_TURN_MS")) };
  // A larger young generation (config.chainWorkerYoungMb, 0: V8's): fewer scavenges of the commits' short-lived garbage.
  const young = config.chainWorkerYoungMb ?? DEFAULT_CHAIN_WORKER_YOUNG_MB;
  const resourceLimits = young > 0 ? { maxYoungGenerationSizeMb: young } : {};
  const worker = new Worker(new URL("./ingest-worker-thread.js", import.meta.url), { workerData: data, env, resourceLimits });
  let closing = false;
  let ready = false;
  let exitCode: number | null = null;
  const exited = new Promise<number>((resolve) => worker.once("exit", resolve));
  void exited.then((code) => (exitCode = code));
  // Why the worker could not start (a broker that does not answer, a shard count the chain disagrees with): the start fails
  // with its message, which the CLI prints as its one line, as a one-thread server's start does (the stack only at debug).
  let startError: Error | undefined;
  worker.on("error", (err: Error) => {
    if (ready) log.fatal({ err: err.message, stack: err.stack }, "the ingest worker failed");
    else {
      startError = err;
      log.debug({ err: err.message, stack: err.stack }, "the ingest worker could not start");
    }
  });
  void exited.then((code) => {
    if (closing || !ready) return;
    // Never a front without ingest: its shards' leases run out and another server (or this one, restarted) takes them.
    log.fatal({ code }, "the ingest worker thread stopped: this server exits so that its supervisor starts it again");
    process.exit(code === 0 ? 1 : code);
  });
  const send = (m: ToWorker) => {
    if (!closing) worker.postMessage(m);
  };
  const shards = await new Promise<number[]>((resolve, reject) => {
    worker.on("message", (m: FromWorker) => m.type === "ready" && resolve(m.shards));
    void exited.then((code) => reject(startError ?? new Error(`the ingest worker exited (code ${code}) before it was ready; see the log above`)));
  });

  // What the front asks the worker, whose ingest counted it: a scrape's metrics (Prometheus listener or /metrics), the Agents view's rejects.
  let asked = 0;
  const answers = new Map<number, (m: FromWorker) => void>();
  worker.on("message", (m: FromWorker) => "id" in m && answers.get(m.id)?.(m));
  const ask = (question: { type: "metrics" } | { type: "rejects"; store: string }) =>
    new Promise<FromWorker>((resolve, reject) => {
      if (closing) return reject(new Error("the ingest worker is closing"));
      const id = ++asked;
      const timer = setTimeout(() => {
        answers.delete(id);
        reject(new Error(`the ingest worker did not answer (${question.type}) within ${ANSWER_WAIT_MS} ms`));
      }, ANSWER_WAIT_MS);
      answers.set(id, (m) => {
        clearTimeout(timer);
        answers.delete(id);
        resolve(m);
      });
      worker.postMessage({ ...question, id } satisfies ToWorker);
    });
  const ingestMetrics = async () => {
    const m = await ask({ type: "metrics" });
    return m.type === "metrics" ? m.text : "";
  };
  const ingestRejects = async (store: string) => {
    const m = await ask({ type: "rejects", store });
    return m.type === "rejects" ? m.agents : {};
  };

  // The live tap's events of the stores the front's clients follow, waiting for their commit (set by the worker).
  const pending = new Map<string, FootfallEvent[]>();
  let front: Awaited<ReturnType<typeof startHalf>>;
  try {
    front = await startHalf(config, { ...opts, log }, { role: "front", serverId: `${serverId}~front`, pending: (s) => pending.get(s) ?? [], ingestMetrics, ingestRejects });
  } catch (err) {
    worker.postMessage({ type: "close" } satisfies ToWorker);
    closing = true;
    await exited;
    throw err;
  }
  if (exitCode !== null) {
    // The worker stopped while HTTP started: no front without ingest.
    closing = true;
    await front.close().catch(() => {});
    throw new Error(`the ingest worker thread stopped (code ${exitCode}) while HTTP started; see the log above`);
  }
  const { live, ...running } = front;
  worker.on("message", (m: FromWorker) => {
    if (m.type === "state") live.setIngestState(m.state);
    if (m.type !== "pending") return;
    for (const [store, events] of m.entries) {
      if (events.length > 0) pending.set(store, events);
      else pending.delete(store);
    }
    live.touch(m.entries.map(([s]) => s));
  });
  ready = true;
  send({ type: "front", http: front.httpUrl });

  let lastWatched = "";
  const timers = [
    setInterval(() => {
      const stores = live.watched();
      const key = stores.join(",");
      if (key === lastWatched) return;
      lastWatched = key;
      send({ type: "watched", stores });
    }, WATCH_EVERY_MS),
    setInterval(() => send({ type: "latency", window: live.latency() }), LATENCY_EVERY_MS),
  ];
  for (const t of timers) t.unref();
  log.info(
    { serverId, http: front.httpUrl, shards, threadId: worker.threadId, youngGenerationMb: worker.resourceLimits?.maxYoungGenerationSizeMb },
    "footfall server ready: HTTP and live push on the main thread, ingest in a worker thread",
  );

  let closed: Promise<void> | null = null;
  return {
    ...running,
    app: running.app!,
    close: () =>
      (closed ??= (async () => {
        for (const t of timers) clearInterval(t);
        // The worker hands its shards over (their commits in flight finish), then HTTP and live push close.
        closing = true;
        worker.postMessage({ type: "close" } satisfies ToWorker);
        await exited;
        await front.close();
      })()),
  };
}
