import { decodeBatch, LIMITS, type FootfallEvent } from "@footfall/core";
import type { AnalyticsRegistry } from "../analytics/registry.js";
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
  /** Most events per group commit. */
  maxEventsPerCommit?: number;
}

const decoder = new TextDecoder();

/**
 * Validates, deduplicates and stores event batches in group commits, then folds the accepted
 * events into the analytics. A message is acknowledged only after its commit, so a crash at
 * any point loses nothing the broker has not been told is safe, and ids make redelivery harmless.
 */
export class IngestPipeline {
  private queue: IngestMessage[] = [];
  private queuedEvents = 0;
  private scheduled = false;
  private readonly warn;
  private idle: (() => void)[] = [];

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
    this.o.metrics.eventsRejected.inc({ reason });
    this.warn(`${store}/${agent}/${reason}`, { store, agent, reason, detail, ...(eventId ? { eventId } : {}) }, `rejected: ${detail}`);
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
    const rejected: [string, string, string, string, string?][] = [];
    const started = performance.now();
    try {
      for (const m of batch) analytics.get(m.store); // built before the commit, so the load does not see this batch
      storage.transaction(() => {
        const tallies = new Map<string, IngestTally & { store: string; agent: string }>();
        for (const m of batch) {
          const key = `${m.store}/${m.agent}`;
          let tally = tallies.get(key);
          if (!tally) tallies.set(key, (tally = { store: m.store, agent: m.agent, events: 0, duplicates: 0, rejects: 0, lastEventTs: null, receivedAt: now }));
          this.ingestMessage(m, now, tally, accepted, rejected);
        }
        for (const t of tallies.values()) storage.agents.recordIngest(t.store, t.agent, t);
      });
    } catch (err) {
      this.o.log.error({ err }, "ingest commit failed; the broker will redeliver the messages");
      for (const m of batch) m.done(err as Error);
      this.settle();
      return;
    }
    metrics.commitSeconds.observe((performance.now() - started) / 1000);
    for (const r of rejected) this.reject(...r);
    for (const [store, events] of accepted) {
      try {
        analytics.get(store).apply(events);
      } catch (err) {
        this.o.log.error({ err, store }, "analytics update failed; figures for this store are stale until restart");
      }
      metrics.eventsAccepted.inc({ store }, events.length);
      const lagNow = Date.now();
      for (const e of events) metrics.ingestLag.observe(Math.max(0, lagNow - e.ts) / 1000);
    }
    for (const m of batch) m.done();
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

  private ingestMessage(m: IngestMessage, now: number, tally: IngestTally, accepted: Map<string, FootfallEvent[]>, rejected: [string, string, string, string, string?][]): void {
    const { storage } = this.o;
    const decoded = decodeBatch(m.payload, (b) => decoder.decode(b));
    if (!decoded.ok) {
      const reason = decoded.error.startsWith("oversized") ? "oversized" : decoded.error.startsWith("malformed") ? "malformed" : "schema";
      rejected.push([m.store, m.agent, reason, `message dropped: ${decoded.error}`]);
      tally.rejects++;
      return;
    }
    if (decoded.value.agent !== m.agent) {
      rejected.push([m.store, m.agent, "forged", `message dropped: payload says agent "${decoded.value.agent}" but was published by "${m.agent}"`]);
      tally.rejects += Math.max(1, decoded.value.events.length);
      return;
    }
    for (const r of decoded.value.rejected) rejected.push([m.store, m.agent, "schema", `event ${r.index}: ${r.reason}`, r.id]);
    tally.rejects += decoded.value.rejected.length;
    let list = accepted.get(m.store);
    for (const e of decoded.value.events) {
      const problem = this.check(m.store, e, now);
      if (problem) {
        rejected.push([m.store, m.agent, problem[0], `event ${e.id}: ${problem[1]}`, e.id]);
        tally.rejects++;
        continue;
      }
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

  /** Why an event cannot be accepted: [reason, detail], or null. */
  private check(store: string, e: FootfallEvent, now: number): [string, string] | null {
    if (e.ts > now + LIMITS.maxFutureMs) return ["future", `ts ${new Date(e.ts).toISOString()} is more than 5 minutes ahead of the server clock: check the agent's clock (NTP)`];
    if (e.ts < now - this.o.maxAgeMs) return ["too_old", `ts ${new Date(e.ts).toISOString()} is older than the accepted window (${Math.round(this.o.maxAgeMs / 3_600_000)} h)`];
    if (e.type === "position") return null;
    const known = this.o.layouts.hasZone(store, e.zone, e.ts);
    if (known === undefined) return ["unknown_store", `store "${store}" has no layout yet: save one (PUT /api/v1/stores/${store}/layout)`];
    if (!known) return ["unknown_zone", `zone "${e.zone}" is not in the layout of store "${store}" in force at that time`];
    return null;
  }
}
