import type { PgQueryable } from "./pool.js";

const DAY = 86_400_000;

/** The UTC month [from, to) in epoch ms that holds `ts` (the partition it belongs in). */
export function monthOf(ts: number): { from: number; to: number } {
  const d = new Date(ts);
  return { from: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), to: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

/** The partition name of `table` for the month of `ts`, e.g. events_p202607. */
export function partitionName(table: string, ts: number): string {
  const d = new Date(ts);
  return `${table}_p${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

/**
 * The monthly partitions of events, visits and trips (schema.ts): made ahead, so that no insert
 * ever meets a month without one, and dropped whole by retention.
 *
 * `prepare` at start covers everything an event may still carry (its oldest accepted age) up to a
 * month ahead; `ensure` before each write covers the months of the rows about to be written, and
 * asks the database only for a month this process has not seen yet (once a month, not per batch).
 */
export class TimePartitions {
  private readonly known = new Set<number>();

  constructor(private readonly db: PgQueryable) {}

  /** At start: partitions from `now - maxAgeMs` to a month after `now`. Returns the ones created. */
  async prepare(now: number, maxAgeMs: number): Promise<string[]> {
    return this.cover(now - maxAgeMs, now + 31 * DAY);
  }

  /**
   * Before a write: partitions for the month of every ts in `tss`. Returns the ones created (usually
   * none, without a query). `db` runs the statement instead of the constructor's (the transaction
   * about to write: a partition made there is undone with it; call {@link forget} after a rollback).
   */
  async ensure(tss: Iterable<number>, db: PgQueryable = this.db): Promise<string[]> {
    let lo = Infinity;
    let hi = -Infinity;
    for (const ts of tss) {
      if (this.known.has(monthOf(ts).from)) continue;
      lo = Math.min(lo, ts);
      hi = Math.max(hi, ts);
    }
    return lo === Infinity ? [] : this.cover(lo, hi, db);
  }

  /** Forget which months exist (after a rolled-back transaction that may have made some): the next ensure asks again. */
  forget(): void {
    this.known.clear();
  }

  /**
   * Retention: drops every partition whose rows all lie before `before` (epoch ms). Returns the
   * partitions dropped. A month straddling the horizon stays until it has passed it whole.
   */
  async dropBefore(before: number): Promise<string[]> {
    const { rows } = await this.db.query<{ name: string }>("SELECT footfall_drop_partitions_before($1) AS name", [before]);
    for (const month of [...this.known]) if (monthOf(month).to <= before) this.known.delete(month);
    return rows.map((r) => r.name);
  }

  private async cover(from: number, to: number, db: PgQueryable = this.db): Promise<string[]> {
    const { rows } = await db.query<{ name: string }>("SELECT footfall_ensure_partitions($1, $2) AS name", [from, to]);
    for (let m = monthOf(from).from; m <= to; m = monthOf(m).to) this.known.add(m);
    return rows.map((r) => r.name);
  }
}
