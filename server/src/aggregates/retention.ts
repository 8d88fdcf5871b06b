import type { Logger } from "../log.js";
import type { Storage } from "../storage/types.js";

export interface RetentionOptions {
  /** Raw events (and the visits and trips derived from them) are kept this many days; 0: for ever. */
  rawDays: number;
  /**
   * Hour and day rollups are kept this many days; 0: for ever. Agents' offline spans go with them (or with
   * the raw events, when those are kept longer): the forecast reads its history from the rollups, and a
   * span says which of their hours are no counts.
   */
  aggregateDays: number;
  /** Audit log entries are kept this many days (FOOTFALL_AUDIT_LOG_DAYS); 0 or absent: for ever. */
  auditDays?: number;
  now(): number;
  log: Logger;
  /** Rows per transaction (default 2,000): small, so that ingest never waits long for the write lock. */
  batchRows?: number;
  /** How often a pass starts (default every 10 minutes). */
  everyMs?: number;
  /**
   * A database partitioned by time (PostgreSQL): raw rows go by whole months and rollups for every
   * store at once, instead of store by store in small batches. Whole months: rows of the month that
   * straddles the horizon stay until all of it has passed it.
   */
  byPartitions?: {
    dropRawBefore(before: number): Promise<string[]>;
    deleteAllRollupsBefore(before: number): Promise<number>;
  };
}

const DAY_MS = 86_400_000;

/** Raw rows before this time may be gone, `rawDays` (FOOTFALL_RETENTION_DAYS) being kept; -Infinity when nothing is ever deleted (0). */
export function rawKeptSince(rawDays: number, now: number): number {
  return rawDays > 0 ? now - rawDays * DAY_MS : Number.NEGATIVE_INFINITY;
}

/**
 * The lifecycle of history (DESIGN v1.1, FOOTFALL_RETENTION_DAYS): raw rows older than the horizon
 * are deleted in small transactions with a turn of the event loop between them, so that ingest
 * and queries go on; aggregates stay (or go after their own horizon).
 */
export class Retention {
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;

  constructor(
    private readonly storage: Storage,
    private readonly o: RetentionOptions,
  ) {}

  /** Raw rows before this time may be gone (-Infinity when nothing is ever deleted). */
  rawSince(): number {
    return rawKeptSince(this.o.rawDays, this.o.now());
  }

  /** Hour and day rollups before this time may be gone (FOOTFALL_AGGREGATE_RETENTION_DAYS); null when they are kept for ever. */
  rollupsSince(): number | null {
    return this.o.aggregateDays > 0 ? this.o.now() - this.o.aggregateDays * DAY_MS : null;
  }

  /** Start passes now and then every `everyMs`. */
  start(): void {
    if (this.o.rawDays <= 0 && this.o.aggregateDays <= 0 && !(this.o.auditDays! > 0)) return;
    void this.pass();
    this.timer = setInterval(() => void this.pass(), this.o.everyMs ?? 10 * 60_000);
    this.timer.unref();
  }

  /** One pass over every store; resolves with the rows deleted (a pass already running is joined). */
  pass(): Promise<number> {
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => {});
  }

  /** Audit entries older than their horizon, `batch` at a time with a turn of the event loop between. */
  private async pruneAudit(batch: number): Promise<number> {
    const days = this.o.auditDays ?? 0;
    if (days <= 0) return 0;
    const before = this.o.now() - days * DAY_MS;
    let total = 0;
    for (;;) {
      if (this.stopped) return total;
      const n = await this.storage.audit.prune(before, batch);
      total += n;
      if (n < batch) break;
      await new Promise((r) => setImmediate(r));
    }
    if (total > 0) this.o.log.info({ entries: total, auditDays: days }, "retention: old audit log entries deleted");
    return total;
  }

  private async run(): Promise<number> {
    const { storage, o } = this;
    const batch = o.batchRows ?? 2_000;
    let total = 0;
    const started = performance.now();
    try {
      total += await this.pruneAudit(batch);
      // Agents' offline spans stay while either the hour rollups or the raw events of their hours do: the forecast
      // reads its history (57 weeks) from the rollups, experiments their periods from the raw events, and an outage
      // forgotten while its hours are still read would read as hours nobody came.
      const rollupsSince = this.rollupsSince();
      if (rollupsSince !== null && o.rawDays > 0) total += await storage.offlineSpans.prune(Math.min(rollupsSince, this.rawSince()));
      if (o.byPartitions) {
        if (o.rawDays > 0) {
          const dropped = await o.byPartitions.dropRawBefore(this.rawSince());
          if (dropped.length) o.log.info({ partitions: dropped }, "retention: whole months of raw rows dropped");
        }
        if (o.aggregateDays > 0) total += await o.byPartitions.deleteAllRollupsBefore(o.now() - o.aggregateDays * DAY_MS);
        return total;
      }
      for (const { id: store } of await storage.stores.list()) {
        if (o.rawDays > 0) {
          const before = this.rawSince();
          for (;;) {
            if (this.stopped) return total;
            const n = await storage.transaction((tx) => tx.aggregates.deleteRawBefore(store, before, batch));
            total += n;
            if (n < batch) break;
            await new Promise((r) => setImmediate(r));
          }
        }
        if (o.aggregateDays > 0) total += await storage.transaction((tx) => tx.aggregates.deleteRollupsBefore(store, o.now() - o.aggregateDays * DAY_MS));
      }
    } catch (err) {
      o.log.error({ err }, "retention pass failed; it runs again at the next pass");
    }
    if (total > 0) o.log.info({ rows: total, ms: Math.round(performance.now() - started), rawDays: o.rawDays, aggregateDays: o.aggregateDays }, "retention: old rows deleted");
    return total;
  }
}
