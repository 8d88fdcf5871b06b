import { decodeBatch, LIMITS, type FootfallEvent, type RejectedReceipt } from "@footfall/core";
import type { AnalyticsRegistry } from "../analytics/registry.js";
import type { StagedAnalytics } from "../analytics/store-analytics.js";
import type { Logger } from "../log.js";
import { rateLimitedWarn } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { Storage } from "../storage.js";
import type { LayoutCache } from "./layouts.js";
import type { IngestTally } from "../db/repos/agents.js";

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
  /** Most events per group commit. */
  maxEventsPerCommit?: number;
}

const decoder = new TextDecoder();

/** A reject to count and log after the commit: store, agent, reason, detail and the event id. */
type RejectRecord = [store: string, agent: string, reason: string, detail: string, eventId?: string];

/** An ISO time for a log line, or the number itself when it is no valid date (never throws). */
export function isoTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

/** Whether a throw is the database failing (full disk, I/O, corruption), not one message's doing. */
function isDatabaseFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_") && !/^SQLITE_(CONSTRAINT|TOOBIG|MISMATCH|RANGE)/.test(code);
}

function errorText(err: unknown): string {
  try {
    return err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 200) : String(err).slice(0, 200);
  } catch {
    return "unprintable error";
  }
}

/** Event ids of one agent settled in the commit being built, for its receipt. */
interface Settlement {
  store: string;
  agent: string;
  settled: string[];
  rejected: RejectedReceipt[];
}

/**
 * Validates, deduplicates and stores event batches in group commits, then folds the accepted
 * events into the analytics. A message is acknowledged only after its commit, so a crash at
 * any point loses nothing the broker has not been told is safe, and ids make redelivery harmless.
 * After each commit, `onSettled` tells who settled what, for the agents' receipts (DESIGN v1.1).
 */
export class IngestPipeline {
  private queue: IngestMessage[] = [];
  private queuedEvents = 0;
  private scheduled = false;
  private readonly warn;
  private idle: (() => void)[] = [];
  /** Set by ingestMessage once it writes: a throw after that cannot be taken back without the database's help. */
  private writing = false;

  constructor(private readonly o: IngestOptions) {
    this.warn = rateLimitedWarn(o.log);
  }

  submit(msg: IngestMessage): void {
    this.queue.push(msg);
    this.queuedEvents += Math.max(1, Math.round(msg.payload.length / 120));
    if (this.queuedEvents >= (this.o.maxEventsPerCommit ?? 20_000)) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Resolves when everything submitted so far is committed. */
  drained(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** A rejected event or message: counted, logged (rate-limited) with the agent and reason. */
  reject(store: string, agent: string, reason: string, detail: string, eventId?: string): void {
    try {
      this.o.metrics.eventsRejected.inc({ reason });
      this.warn(`${store}/${agent}/${reason}`, { store, agent, reason, detail, ...(eventId ? { eventId } : {}) }, `rejected: ${detail}`);
    } catch {
      // Counting or logging a reject must never fail the message or the commit it is in.
    }
  }

  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    this.queuedEvents = 0;
    if (batch.length === 0) return;
    const { storage, analytics, metrics } = this.o;
    const now = this.o.now();
    const accepted = new Map<string, FootfallEvent[]>();
    const rejected: RejectRecord[] = [];
    const settlements = new Map<string, Settlement>();
    const stagedAnalytics: StagedAnalytics[] = [];
    const started = performance.now();
    try {
      for (const m of batch) analytics.get(m.store); // opened before the commit, so opening does not see this batch
      storage.transaction(() => {
        const tallies = new Map<string, IngestTally & { store: string; agent: string }>();
        for (const m of batch) {
          const key = `${m.store}/${m.agent}`;
          let tally = tallies.get(key);
          if (!tally) tallies.set(key, (tally = { store: m.store, agent: m.agent, events: 0, duplicates: 0, rejects: 0, lastEventTs: null, receivedAt: now }));
          let settlement = settlements.get(key);
          if (!settlement) settlements.set(key, (settlement = { store: m.store, agent: m.agent, settled: [], rejected: [] }));
          const s = settlement;
          if (!this.isolate(m, tally, accepted, rejected, [s.settled, s.rejected], () => this.ingestMessage(m, now, tally!, accepted, rejected, s))) {
            for (const id of eventIdsOf(m.payload)) settle(s, id, "internal_error");
          }
        }
        for (const t of tallies.values()) storage.agents.recordIngest(t.store, t.agent, t);
        // The figures follow in the same transaction: a crash never leaves events without their aggregates.
        for (const [store, events] of accepted) {
          const staged = this.stageAnalytics(store, events);
          if (staged) stagedAnalytics.push(staged);
        }
      });
    } catch (err) {
      for (const staged of stagedAnalytics) staged.abort();
      this.o.log.error({ err }, "ingest commit failed; the broker will redeliver the messages");
      metrics.noteCommit(err); // /api/v1/health says degraded until a commit succeeds
      for (const m of batch) m.done(err as Error);
      this.settle();
      return;
    }
    metrics.commitSeconds.observe((performance.now() - started) / 1000);
    metrics.noteCommit();
    for (const r of rejected) this.reject(...r);
    for (const staged of stagedAnalytics) staged.commit();
    for (const [store, events] of accepted) {
      metrics.eventsAccepted.inc({ store }, events.length);
      const lagNow = Date.now();
      for (const e of events) metrics.ingestLag.observe(Math.max(0, lagNow - e.ts) / 1000);
    }
    for (const m of batch) m.done();
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
    this.settle();
  }

  private settle(): void {
    if (this.queue.length === 0 && this.idle.length) {
      const idle = this.idle;
      this.idle = [];
      for (const resolve of idle) resolve();
    }
  }

  private ingestMessage(
    m: IngestMessage,
    now: number,
    tally: IngestTally,
    accepted: Map<string, FootfallEvent[]>,
    rejected: RejectRecord[],
    settlement: Settlement,
  ): void {
    const { storage } = this.o;
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
    // Every check before the first write: what throws here leaves nothing to roll back (see isolate).
    const problems = decoded.value.events.map((e) => this.check(m.store, e, now));
    for (const r of decoded.value.rejected) {
      rejected.push([m.store, m.agent, r.code, `event ${r.index}: ${r.reason}`, r.id]);
      if (r.id !== undefined) settle(settlement, r.id, r.code);
    }
    tally.rejects += decoded.value.rejected.length;
    let list = accepted.get(m.store);
    this.writing = true;
    for (const [i, e] of decoded.value.events.entries()) {
      const problem = problems[i];
      if (problem) {
        rejected.push([m.store, m.agent, problem[0], `event ${e.id}: ${problem[1]}`, e.id]);
        tally.rejects++;
        settle(settlement, e.id, problem[0]);
        continue;
      }
      settlement.settled.push(e.id);
      if (storage.events.insert(m.store, m.agent, e, now)) {
        if (!list) accepted.set(m.store, (list = []));
        list.push(e);
        tally.events++;
        if (tally.lastEventTs === null || e.ts > tally.lastEventTs) tally.lastEventTs = e.ts;
      } else {
        tally.duplicates++;
        this.o.metrics.eventsDuplicate.inc({ store: m.store });
      }
    }
  }

  /**
   * Runs one message's ingest so that a throw of its own (a bug its content hits, never the
   * database) takes only that message: validation and checks all run before its first write
   * (`ingestMessage`), so rolling back is cutting the commit's in-memory lists back; the message is
   * rejected as `internal_error`, acknowledged and never redelivered, and every other message
   * commits. (No SAVEPOINT per message: it cost 5-6 µs a message on the hot path.) `lists` are the
   * commit's other lists the message may have appended to. A throw once writing began, or a database
   * failure (disk full, I/O error), still fails the whole commit, for the broker to redeliver.
   */
  private isolate(m: IngestMessage, tally: IngestTally, accepted: Map<string, FootfallEvent[]>, rejected: RejectRecord[], lists: unknown[][], ingest: () => void): boolean {
    const before = { tally: { ...tally }, rejected: rejected.length, accepted: accepted.get(m.store)?.length ?? 0, lists: lists.map((l) => l.length) };
    this.writing = false;
    try {
      ingest();
      return true;
    } catch (err) {
      if (this.writing || isDatabaseFailure(err)) throw err;
      Object.assign(tally, before.tally);
      rejected.length = before.rejected;
      const list = accepted.get(m.store);
      if (list) list.length = before.accepted;
      if (list?.length === 0) accepted.delete(m.store);
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
  private stageAnalytics(store: string, events: FootfallEvent[]): StagedAnalytics | null {
    const { storage, analytics } = this.o;
    let staged: StagedAnalytics | null = null;
    try {
      storage.transaction(() => {
        staged = analytics.get(store).stage(events);
      });
      return staged;
    } catch (err) {
      if (isDatabaseFailure(err)) throw err;
      (staged as StagedAnalytics | null)?.abort();
      this.o.log.error({ err, store }, "updating the store's figures failed; its events are stored and its aggregates will be rebuilt from them at the next start");
      storage.aggregates.markForBuild(store);
      return null;
    }
  }

  /** Why an event cannot be accepted: [reason, detail], or null. */
  private check(store: string, e: FootfallEvent, now: number): [string, string] | null {
    if (e.ts > now + LIMITS.maxFutureMs) return ["future", `ts ${isoTime(e.ts)} is more than 5 minutes ahead of the server clock: check the agent's clock (NTP)`];
    if (e.ts < now - this.o.maxAgeMs) return ["too_old", `ts ${isoTime(e.ts)} is older than the accepted window (${Math.round(this.o.maxAgeMs / 3_600_000)} h)`];
    if (e.type === "position") return null;
    const known = this.o.layouts.hasZone(store, e.zone, e.ts);
    if (known === undefined) return ["unknown_store", `store "${store}" has no layout yet: save one (PUT /api/v1/stores/${store}/layout)`];
    if (!known) return ["unknown_zone", `zone "${e.zone}" is not in the layout of store "${store}" in force at that time`];
    return null;
  }
}

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

/** An event rejected for good is settled too, with its reason. */
function settle(settlement: Settlement, id: string, reason: string): void {
  settlement.settled.push(id);
  settlement.rejected.push({ id, reason });
}
