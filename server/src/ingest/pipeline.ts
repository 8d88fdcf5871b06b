import { decodeBatch, LIMITS, textFlaw, type FootfallEvent, type RejectedReceipt, type VisitorEvent } from "@footfall/core";
import type { AnalyticsRegistry } from "../analytics/registry.js";
import type { StagedAnalytics, StoreAnalytics } from "../analytics/store-analytics.js";
import type { Logger } from "../log.js";
import { rateLimitedWarn } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { IngestTally, Storage, VisitorsRequest } from "../storage/types.js";
import type { LayoutCache } from "./layouts.js";

/** One MQTT message on an events topic, with the callback that acknowledges it to the broker. */
export interface IngestMessage {
  store: string;
  agent: string;
  payload: Buffer;
  /** Called once the message's events are committed (or with an error: the broker will redeliver). */
  done(err?: Error): void;
}

export interface IngestOptions {
  storage: Storage;
  layouts: LayoutCache;
  analytics: AnalyticsRegistry;
  metrics: Metrics;
  log: Logger;
  now(): number;
  maxAgeMs: number;
  /** Called after a commit with the stores whose figures changed. */
  onCommitted(stores: ReadonlySet<string>): void;
  /**
   * Called after each commit, once per (store, agent) of the commit, with every event id of that
   * agent the commit settled: stored, a known duplicate, or rejected for good (also listed in
   * `rejected` with the reason). Never called for a commit that failed (its messages are redelivered).
   * The server publishes it as the agent's receipt.
   */
  onSettled?(store: string, agent: string, settled: string[], rejected: RejectedReceipt[]): void;
  /** Most events per group commit (default: {@link SQLITE_MAX_EVENTS_PER_COMMIT} on SQLite, 20,000 on PostgreSQL). */
  maxEventsPerCommit?: number;
  /** A commit this long or longer (ms) is logged with where its time went (default 5,000). */
  slowCommitMs?: number;
  /**
   * Several servers on one database (cluster/): called first in every commit's transaction with
   * the stores of the commit; returns those this server may no longer write (their shard's lease
   * moved on). Their messages are left unacknowledged (the shard's next owner gets them again from
   * the broker) and nothing of them is written, settled or counted.
   */
  fence?(tx: Storage, stores: readonly string[]): Promise<ReadonlySet<string>>;
}

/** What the transports and the server use of ingest: one pipeline, or one per shard in a chain (cluster/sharded-ingest.ts). */
export type Ingest = Pick<IngestPipeline, "submit" | "reject" | "drained" | "backlog" | "flush"> & {
  /** (a chain server) The first commits of these stores' pipelines get a connection first: their shards were just taken over. */
  prioritize?(stores: readonly string[]): void;
};

/** A message of a store whose shard this server no longer holds: not acknowledged, so the broker delivers it to the next owner. */
export class NotOwnedError extends Error {
  constructor(readonly store: string) {
    super(`store ${store} is ingested by another server now (its shard's lease moved on); the message is left to it`);
    this.name = "NotOwnedError";
  }
}

const decoder = new TextDecoder();

/** A reject to count and log after the commit: store, agent, reason, detail and the event id. */
type RejectRecord = [store: string, agent: string, reason: string, detail: string, eventId?: string];

/** An ISO time for a log line, or the number itself when it is no valid date (never throws). */
export function isoTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

/**
 * Whether a throw is the database failing (full disk, I/O, corruption, a lost connection), not one
 * message's doing: SQLite's result codes, or PostgreSQL's SQLSTATE classes 08 (connection), 53
 * (insufficient resources), 57 (operator intervention), 58 (system error) and XX (internal error).
 */
function isDatabaseFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return false;
  if (code.startsWith("SQLITE_")) return !/^SQLITE_(CONSTRAINT|TOOBIG|MISMATCH|RANGE)/.test(code);
  return /^(08|53|57|58|XX)[0-9A-Z]{3}$/.test(code);
}

function errorText(err: unknown): string {
  try {
    return err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 200) : String(err).slice(0, 200);
  } catch {
    return "unprintable error";
  }
}

/** Events of one message that passed every check, to be inserted in the commit (with the agent's tally). */
interface PendingWrite {
  store: string;
  agent: string;
  events: FootfallEvent[];
  tally: IngestTally & { zones?: Map<string, number> };
}

/** Event ids of one agent settled in the commit being built, for its receipt. */
interface Settlement {
  store: string;
  agent: string;
  settled: string[];
  rejected: RejectedReceipt[];
}

/**
 * Most events per group commit on SQLite (the pipeline's default there; PostgreSQL's is 20,000). A SQLite
 * commit runs synchronously on the one thread that also accepts and answers HTTP and MQTT, and the pipeline
 * runs one commit per turn of the event loop: with 20,000, the chain demo's back-fill (50 stores, 48 h) made
 * turns of 1-6 s on a loaded 2-core machine, and an HTTP ask, which takes a few turns (accept, read, answer),
 * waited about 1 s at the median and up to 6-18 s; agents' CONNACKs timed out. With 5,000 the turns are
 * short and the back-fill is no slower (`npm run bench:demo-backfill`, BENCHMARKS.md).
 */
export const SQLITE_MAX_EVENTS_PER_COMMIT = 5_000;

/** A commit this long or longer is logged with where its time went (IngestOptions.slowCommitMs). */
const SLOW_COMMIT_MS = 5_000;

/** When the steps of a commit ended (performance.now()); a step not reached is missing. */
interface CommitPhases {
  open?: number;
  check?: number;
  begin?: number;
  visitors?: number;
  insert?: number;
  stage?: number;
}

/** A rough count of a message's events, from its size (for the size of group commits). */
const estimatedEvents = (payload: Buffer) => Math.max(1, Math.round(payload.length / 120));

/**
 * Validates, deduplicates and stores event batches in group commits, then folds the accepted
 * events into the analytics. A message is acknowledged only after its commit, so a crash at
 * any point loses nothing the broker has not been told is safe, and ids make redelivery harmless.
 * After each commit, `onSettled` tells who settled what, for the agents' receipts (DESIGN v1.1).
 * One commit runs at a time; messages arriving meanwhile go into the next one.
 */
export class IngestPipeline {
  private queue: IngestMessage[] = [];
  private queuedEvents = 0;
  private scheduled = false;
  /** The commits running now (one after another), or null when idle. */
  private running: Promise<void> | null = null;
  private readonly warn;
  private idle: (() => void)[] = [];
  private readonly maxEvents: number;
  /** When each queued message arrived (ms, performance.now()), oldest first, for the backlog figure. */
  private arrivals: number[] = [];
  /** When a slow commit was last logged (performance.now()). */
  private slowLoggedAt = -Infinity;
  /** Commits still to ask for a connection before the others waiting ({@link prioritizeNext}). */
  private urgentCommits = 0;

  constructor(private readonly o: IngestOptions) {
    this.warn = rateLimitedWarn(o.log);
    // SQLite commits synchronously on the thread that answers HTTP and MQTT: smaller commits leave it turns between them.
    this.maxEvents = o.maxEventsPerCommit ?? (o.storage.kind === "sqlite" ? SQLITE_MAX_EVENTS_PER_COMMIT : 20_000);
  }

  submit(msg: IngestMessage): void {
    this.queue.push(msg);
    this.arrivals.push(performance.now());
    this.queuedEvents += estimatedEvents(msg.payload);
    // A commit running now takes what arrived meanwhile when it ends.
    if (this.running) return;
    if (this.queuedEvents >= this.maxEvents) void this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  /**
   * The next `commits` commits take a database connection before commits of other pipelines waiting
   * (PostgreSQL): a chain server's pipeline of a shard just taken over, so that the dead server's stores
   * are ingested again without waiting behind the survivor's own backlog. Later commits take their turn.
   */
  prioritizeNext(commits = 3): void {
    this.urgentCommits = Math.max(this.urgentCommits, commits);
  }

  /** Messages waiting for a commit (the one running included) and how long the oldest has waited: what `cluster status` shows as lag. */
  backlog(): { messages: number; oldestMs: number } {
    const oldest = this.arrivals[0];
    return { messages: this.arrivals.length, oldestMs: oldest === undefined ? 0 : Math.round(performance.now() - oldest) };
  }

  /** Resolves when everything submitted so far is committed (or has failed and been handed back). */
  drained(): Promise<void> {
    if (this.queue.length === 0 && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** A rejected event or message: counted, logged (rate-limited) with the agent and reason. */
  reject(store: string, agent: string, reason: string, detail: string, eventId?: string): void {
    try {
      this.o.metrics.eventsRejected.inc({ reason });
      this.o.metrics.noteReject(store, agent, reason);
      this.warn(`${store}/${agent}/${reason}`, { store, agent, reason, detail, ...(eventId ? { eventId } : {}) }, `rejected: ${detail}`);
    } catch {
      // Counting or logging a reject must never fail the message or the commit it is in.
    }
  }

  /** Commit what is queued (and what arrives meanwhile), one commit at a time; resolves when the queue is empty. */
  flush(): Promise<void> {
    this.scheduled = false;
    this.running ??= this.commitQueued().finally(() => {
      this.running = null;
      if (this.queue.length > 0) void this.flush();
      else this.settle();
    });
    return this.running;
  }

  private async commitQueued(): Promise<void> {
    while (this.queue.length > 0) {
      // At most about `maxEvents` per commit: a backlog is taken in several commits.
      let n = 0;
      let events = 0;
      while (n < this.queue.length && (n === 0 || events + estimatedEvents(this.queue[n]!.payload) <= this.maxEvents)) events += estimatedEvents(this.queue[n++]!.payload);
      const batch = this.queue.splice(0, n);
      this.queuedEvents = Math.max(0, this.queuedEvents - events);
      if (this.queue.length === 0) this.queuedEvents = 0;
      try {
        await this.commit(batch);
      } catch (err) {
        // commit() hands every failure to the messages; this is a last resort, so that the loop goes on.
        this.o.log.error({ err }, "ingest commit failed unexpectedly");
        for (const m of batch) safeDone(m, err as Error);
      }
      this.arrivals.splice(0, batch.length);
      // One commit per turn of the event loop: on SQLite a commit runs synchronously (up to `maxEvents` events,
      // a second or more on a busy machine), and a backlog's commits chained in promises alone kept everything
      // else waiting for all of them: Ctrl-C (the demo's chain back-fill: 10 s deaf), the broker, HTTP, live pushes.
      if (this.queue.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private async commit(batch: IngestMessage[]): Promise<void> {
    const { storage, analytics, layouts, metrics } = this.o;
    const now = this.o.now();
    const accepted = new Map<string, FootfallEvent[]>();
    const rejected: RejectRecord[] = [];
    const settlements = new Map<string, Settlement>();
    const stagedAnalytics: StagedAnalytics[] = [];
    const tallies = new Map<string, IngestTally & { store: string; agent: string; zones?: Map<string, number> }>();
    const started = performance.now();
    /** When each step of the commit ended (performance.now()), for the log of a slow one. */
    const phases: CommitPhases = {};
    const stores = [...new Set(batch.map((m) => m.store))];
    /** Stores of the batch this server may no longer write (cluster: their shard moved on). */
    let refused: ReadonlySet<string> = new Set();
    try {
      // Opened before the commit (so opening does not see this batch), and the layouts the checks read.
      // Held for the commit: staging never opens a store inside the transaction (that would take a second connection of the pool).
      const opened = new Map<string, StoreAnalytics>();
      await Promise.all(stores.flatMap((store) => [analytics.get(store).then((a) => void opened.set(store, a)), layouts.load(store)]));
      phases.open = performance.now();
      // Every message is decoded and checked before anything is written: what throws takes only its own message.
      const writes: PendingWrite[] = [];
      const writeOf = new Map<string, PendingWrite>();
      for (const m of batch) {
        const key = `${m.store}/${m.agent}`;
        let tally = tallies.get(key);
        if (!tally) tallies.set(key, (tally = { store: m.store, agent: m.agent, events: 0, duplicates: 0, rejects: 0, lastEventTs: null, receivedAt: now }));
        let settlement = settlements.get(key);
        if (!settlement) settlements.set(key, (settlement = { store: m.store, agent: m.agent, settled: [], rejected: [] }));
        let write = writeOf.get(key);
        if (!write) {
          writeOf.set(key, (write = { store: m.store, agent: m.agent, events: [], tally }));
          writes.push(write);
        }
        const s = settlement;
        const w = write;
        if (!this.isolate(m, tally, rejected, [s.settled, s.rejected, w.events], () => this.checkMessage(m, now, tally!, rejected, s, w))) {
          for (const id of eventIdsOf(m.payload)) settle(s, id, "internal_error");
        }
      }
      phases.check = performance.now();
      const urgent = this.urgentCommits > 0;
      if (urgent) this.urgentCommits--;
      await storage.transaction(async (tx) => {
        phases.begin = performance.now();
        if (this.o.fence) refused = await this.o.fence(tx, stores);
        // Every agent's events in one call (PostgreSQL: one statement): the hot path.
        const inserting = writes.filter((w) => w.events.length > 0 && !refused.has(w.store));
        // The stored events of the visitors the stores' caches miss, read for every store at once
        // (PostgreSQL: one statement) BEFORE the batch's own events go in: a visitor never seen
        // before then costs one index probe that finds nothing (after the insert it cost counting
        // its new rows: 1.4 -> 0.8 us an event in a micro-benchmark), and no row reads.
        const wanted = uncachedVisitors(inserting, opened);
        const loaded = wanted.length ? await tx.events.visitorsEventsMany(wanted) : new Map<string, Map<string, VisitorEvent[]>>();
        phases.visitors = performance.now();
        const freshness = await tx.events.insertGroups(inserting, now);
        phases.insert = performance.now();
        for (const [g, w] of inserting.entries()) {
          const fresh = freshness[g]!;
          let list = accepted.get(w.store);
          for (let i = 0; i < w.events.length; i++) {
            const e = w.events[i]!;
            if (fresh[i]) {
              if (!list) accepted.set(w.store, (list = []));
              list.push(e);
              w.tally.events++;
              if (w.tally.lastEventTs === null || e.ts > w.tally.lastEventTs) w.tally.lastEventTs = e.ts;
              // (issue 14) The zones the agent reports, for per-zone agent-offline rules.
              if (e.type !== "position") {
                const zones = (w.tally.zones ??= new Map<string, number>());
                const had = zones.get(e.zone);
                if (had === undefined || e.ts > had) zones.set(e.zone, e.ts);
              }
            } else w.tally.duplicates++;
          }
        }
        await tx.agents.recordIngestMany([...tallies.values()].filter((t) => !refused.has(t.store)));
        // The figures follow in the same transaction: a crash never leaves events without their aggregates.
        for (const [store, events] of accepted) {
          const staged = await this.stageAnalytics(tx, store, events, opened.get(store)!, loaded.get(store) ?? new Map<string, VisitorEvent[]>());
          if (staged) stagedAnalytics.push(staged);
        }
        phases.stage = performance.now();
      }, { urgent });
    } catch (err) {
      for (const staged of stagedAnalytics) staged.abort();
      // PostgreSQL restarting: its storage counts this and says the outage once (storage-pg/pool.ts PgLink), not once per commit.
      const lost = storage.connectionLost?.(err) ?? false;
      if (lost) this.o.log.debug({ err: (err as Error).message }, "ingest commit failed: the database does not answer; the broker will redeliver the messages");
      else this.o.log.error({ err }, "ingest commit failed; the broker will redeliver the messages");
      metrics.noteCommit(err, lost); // /api/v1/health says degraded until a commit succeeds (or PostgreSQL answers again, when it did not)
      for (const m of batch) safeDone(m, err as Error);
      return;
    }
    const ended = performance.now();
    metrics.commitSeconds.observe((ended - started) / 1000);
    if (ended - started >= (this.o.slowCommitMs ?? SLOW_COMMIT_MS)) this.slowCommit(batch.length, stores, started, phases, ended);
    metrics.noteCommit();
    if (refused.size > 0) {
      // Left to the shard's new owner: unacknowledged, unsettled, uncounted here.
      this.o.log.warn({ stores: [...refused].slice(0, 20) }, "messages of stores whose shard moved to another server are left to it");
      for (const m of batch) if (refused.has(m.store)) safeDone(m, new NotOwnedError(m.store));
      for (const [key, s] of settlements) if (refused.has(s.store)) settlements.delete(key);
      for (const [key, t] of tallies) if (refused.has(t.store)) tallies.delete(key);
      rejected.splice(0, rejected.length, ...rejected.filter((r) => !refused.has(r[0])));
    }
    for (const r of rejected) this.reject(...r);
    for (const staged of stagedAnalytics) staged.commit();
    for (const t of tallies.values()) if (t.duplicates) metrics.eventsDuplicate.inc({ store: t.store }, t.duplicates);
    for (const [store, events] of accepted) {
      metrics.eventsAccepted.inc({ store }, events.length);
      const lagNow = Date.now();
      for (const e of events) metrics.ingestLag.observe(Math.max(0, lagNow - e.ts) / 1000);
    }
    for (const m of batch) if (!refused.has(m.store)) safeDone(m);
    // Receipts only now, after the commit: an agent forgets an event only once it is stored for good.
    if (this.o.onSettled) {
      for (const s of settlements.values()) {
        if (s.settled.length === 0) continue;
        try {
          this.o.onSettled(s.store, s.agent, s.settled, s.rejected);
        } catch (err) {
          this.o.log.error({ err, store: s.store, agent: s.agent }, "could not send a receipt; the agent will send those events again");
        }
      }
    }
    if (accepted.size) this.o.onCommitted(new Set(accepted.keys()));
  }

  /**
   * A commit that took `slowCommitMs` or more: where its time went (ms a step: opening the stores and
   * their layouts, decoding and checking, waiting for a connection, the lease fence and reading the
   * stored events of visitors not cached, the insert, the agents' tallies and the staging of the figures,
   * COMMIT and after). At most one a minute a pipeline.
   */
  private slowCommit(messages: number, stores: string[], started: number, p: CommitPhases, ended: number): void {
    if (ended - this.slowLoggedAt < 60_000) return;
    this.slowLoggedAt = ended;
    const steps: [string, number | undefined][] = [["open", p.open], ["check", p.check], ["connection", p.begin], ["fenceAndVisitors", p.visitors], ["insert", p.insert], ["stage", p.stage], ["commit", ended]];
    const ms: Record<string, number> = {};
    let last = started;
    for (const [name, at] of steps) {
      if (at === undefined) continue;
      ms[name] = Math.round(at - last);
      last = at;
    }
    this.o.log.warn({ ms, totalMs: Math.round(ended - started), messages, stores: stores.length, store: stores[0] }, "a slow group commit: where its time went (ms a step)");
  }

  private settle(): void {
    if (this.queue.length === 0 && !this.running && this.idle.length) {
      const idle = this.idle;
      this.idle = [];
      for (const resolve of idle) resolve();
    }
  }

  /** Decode and check one message: its good events join `write`, the rest are rejected (and settled when they have an id). */
  private checkMessage(m: IngestMessage, now: number, tally: IngestTally, rejected: RejectRecord[], settlement: Settlement, write: PendingWrite): void {
    const decoded = decodeBatch(m.payload, (b) => decoder.decode(b));
    if (!decoded.ok) {
      const reason = decoded.reason ?? "schema";
      rejected.push([m.store, m.agent, reason, `message dropped: ${decoded.error}`]);
      tally.rejects++;
      return;
    }
    if (decoded.value.agent !== m.agent) {
      rejected.push([m.store, m.agent, "forged", `message dropped: payload says agent "${decoded.value.agent}" but was published by "${m.agent}"`]);
      tally.rejects += Math.max(1, decoded.value.events.length);
      return;
    }
    // Nothing is written here: what throws leaves only the commit's in-memory lists to cut back (see isolate).
    for (const r of decoded.value.rejected) {
      rejected.push([m.store, m.agent, r.code, `event ${r.index}: ${r.reason}`, r.id]);
      if (r.id !== undefined) settle(settlement, r.id, r.code);
    }
    tally.rejects += decoded.value.rejected.length;
    // Only a \u escape puts U+0000 or a lone surrogate in a string (JSON refuses raw control characters, the decoder
    // replaces bad UTF-8): one scan of the message, and the ids and visitors are looked at only when it holds one.
    const escapes = m.payload.includes("\\u");
    // An index loop, each event checked where it is taken: no array of problems, no [i, e] pair for each event.
    const events = decoded.value.events;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const problem = this.check(m.store, e, now, escapes);
      if (problem) {
        rejected.push([m.store, m.agent, problem[0], `event ${e.id}: ${problem[1]}`, e.id]);
        tally.rejects++;
        settle(settlement, e.id, problem[0]);
        continue;
      }
      settlement.settled.push(e.id);
      write.events.push(e);
    }
  }

  /**
   * Runs one message's checks so that a throw of its own (a bug its content hits) takes only that
   * message: every message is decoded and checked before the commit writes anything
   * (`checkMessage`), so rolling back is cutting the commit's in-memory lists back; the message is
   * rejected as `internal_error`, acknowledged and never redelivered, and every other message
   * commits. (No SAVEPOINT per message: it cost 5-6 µs a message on the hot path.) `lists` are the
   * commit's other lists the message may have appended to. A database failure (disk full, I/O
   * error) during the writes fails the whole commit, for the broker to redeliver.
   */
  private isolate(m: IngestMessage, tally: IngestTally, rejected: RejectRecord[], lists: unknown[][], check: () => void): boolean {
    const before = { tally: { ...tally }, rejected: rejected.length, lists: lists.map((l) => l.length) };
    try {
      check();
      return true;
    } catch (err) {
      if (isDatabaseFailure(err)) throw err;
      Object.assign(tally, before.tally);
      rejected.length = before.rejected;
      lists.forEach((l, i) => (l.length = before.lists[i]!));
      tally.rejects++;
      rejected.push([m.store, m.agent, "internal_error", `message dropped: ingesting it failed (${errorText(err)}); it is acknowledged and will not be retried`]);
      return false;
    }
  }

  /**
   * Write what `events` change in a store's aggregates, inside the commit, in a savepoint of its
   * own: if deriving them fails (a bug, never the data's fault), the events are still stored, the
   * store is marked for a rebuild of its aggregates from its events at the next start, and the
   * error is logged; nothing else in the commit is affected.
   */
  private async stageAnalytics(
    tx: Storage,
    store: string,
    events: FootfallEvent[],
    analytics: StoreAnalytics,
    preloaded: ReadonlyMap<string, VisitorEvent[]>,
  ): Promise<StagedAnalytics | null> {
    try {
      return await tx.savepoint((sp) => analytics.stage(sp, events, preloaded));
    } catch (err) {
      if (isDatabaseFailure(err)) throw err;
      this.o.log.error({ err, store }, "updating the store's figures failed; its events are stored and its aggregates will be rebuilt from them at the next start");
      await tx.aggregates.markForBuild(store);
      return null;
    }
  }

  /** Why an event cannot be accepted: [reason, detail], or null. `escapes`: its message holds a `\u` escape. */
  private check(store: string, e: FootfallEvent, now: number, escapes: boolean): [string, string] | null {
    // No database stores U+0000 in text (PostgreSQL refuses it): such an id would fail every commit it is in. A lone
    // surrogate becomes U+FFFD in PostgreSQL: two visitors ("v\ud800", "v\udc00") became one row and failed their commit.
    if (escapes) {
      const idFlaw = textFlaw(e.id);
      if (idFlaw) return ["schema", `event ${JSON.stringify(e.id.slice(0, 80))}: its id ${idFlaw.flaw}`];
      const visitorFlaw = e.type === "count" ? null : textFlaw(e.visitor);
      if (visitorFlaw) return ["schema", `event ${JSON.stringify(e.id.slice(0, 80))}: its visitor id ${visitorFlaw.flaw}`];
    }
    if (e.ts > now + LIMITS.maxFutureMs) return ["future", `ts ${isoTime(e.ts)} is more than 5 minutes ahead of the server clock: check the agent's clock (NTP)`];
    if (e.ts < now - this.o.maxAgeMs) return ["too_old", `ts ${isoTime(e.ts)} is older than the accepted window (${Math.round(this.o.maxAgeMs / 3_600_000)} h)`];
    if (e.type === "position") return null;
    const known = this.o.layouts.hasZone(store, e.zone, e.ts);
    if (known === undefined) return ["unknown_store", `store "${store}" has no layout yet: save one (PUT /api/v1/stores/${store}/layout)`];
    if (!known) return ["unknown_zone", `zone "${e.zone}" is not in the layout of store "${store}" in force at that time`];
    return null;
  }
}

/**
 * Per store, the visitors of `writes`' events that its analytics' cache does not hold, to be read
 * before the insert (`known` 0: every one with any stored event). Duplicates of stored events are
 * among them (their visitor has stored events); staging reads only the accepted ones' entries.
 */
function uncachedVisitors(writes: readonly PendingWrite[], opened: ReadonlyMap<string, StoreAnalytics>): VisitorsRequest[] {
  const byStore = new Map<string, Set<string>>();
  for (const w of writes) {
    const a = opened.get(w.store)!;
    let set = byStore.get(w.store);
    for (const e of w.events) {
      if (e.type === "count" || a.holdsVisitor(e.visitor)) continue;
      if (!set) byStore.set(w.store, (set = new Set()));
      set.add(e.visitor);
    }
  }
  return [...byStore].map(([store, visitors]) => ({ store, visitors: [...visitors], known: noneKnown }));
}
const noneKnown = () => 0;

/** The event ids a message holds, as far as they can be read (for settling a message that failed). */
function eventIdsOf(payload: Buffer): string[] {
  try {
    const decoded = decodeBatch(payload, (b) => decoder.decode(b));
    if (!decoded.ok) return [];
    return [...decoded.value.events.map((e) => e.id), ...decoded.value.rejected.flatMap((r) => (r.id === undefined ? [] : [r.id]))];
  } catch {
    return [];
  }
}

/** Acknowledge a message (or hand it an error); a callback that throws must not stop the others. */
function safeDone(m: IngestMessage, err?: Error): void {
  try {
    m.done(err);
  } catch {
    /* the broker's callback failed; nothing more to do for this message */
  }
}

/** An event rejected for good is settled too, with its reason. */
function settle(settlement: Settlement, id: string, reason: string): void {
  settlement.settled.push(id);
  settlement.rejected.push({ id, reason });
}
