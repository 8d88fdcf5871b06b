/**
 * Store-level rollups (migration 12, issue 15): per store and UTC hour (grain 0) or day (grain 1),
 * the SUM over all its zones of the zone rollups of that hour or day: visits, firsts, closed visits,
 * dwell sum and the merged dwell histogram. Written in the same transaction as the zone rollups
 * they sum (AggregatesRepo.write on SQLite, writeFolded on PostgreSQL), so that
 * store_rollups(store, grain, t) = sum over zones of zone_rollups(store, grain, t, zone) always.
 *
 * Why a sum over ALL zones, and not "the non-entrance zones": a zone's kind comes from the layout
 * in force, and a layout may be saved with a date in the past; a sum over every zone needs no kind,
 * so it never goes stale. The chain overview (../chain/figures.ts) takes the store's dwell sketch
 * from this row and subtracts the rows of its entrance zones (kind at the range's start, as before):
 * counts per bin are integers, so the difference is exact, and it reads one row per store and day
 * plus one per entrance zone instead of one per zone (10 times fewer sketches for a 10-zone store).
 *
 * A database from before migration 12 lists its stores in `store_rollups_pending`; the server sums
 * their zone rollups once at start (buildStoreRollups, progress in the log), one store per
 * transaction. Until a store is built, the overview reads its zone rows as before.
 */
import type { Db } from "../db/database.js";
import { decodeHistogram, encodeHistogram, mergeHistogram, type DwellHistogram } from "./dwell-histogram.js";

export const STORE_ROLLUPS_SQL = `
  CREATE TABLE store_rollups (
    store TEXT NOT NULL,
    grain INTEGER NOT NULL,
    t INTEGER NOT NULL,
    visits INTEGER NOT NULL,
    firsts INTEGER NOT NULL,
    closed INTEGER NOT NULL,
    dwell_sum_ms INTEGER NOT NULL,
    -- When the row last changed (the writer's clock in ms, never going back): the overview's memo of a
    -- period stays good while the MAX and COUNT of its rows' stamps do.
    stamp INTEGER NOT NULL,
    hist BLOB,
    PRIMARY KEY (store, grain, t)
  ) STRICT, WITHOUT ROWID;
  -- Stores whose store rollups are still to be summed from their zone rollups (at the next start).
  CREATE TABLE store_rollups_pending (
    store TEXT PRIMARY KEY
  ) STRICT;
  INSERT INTO store_rollups_pending (store) SELECT DISTINCT store FROM zone_rollups;
`;

/** One change (or row) of a rollup: what zone and store rollups have in common. */
export interface RollupSum {
  grain: number;
  t: number;
  visits: number;
  firsts: number;
  closed: number;
  dwellSumMs: number;
  hist: DwellHistogram;
}

/** Zone rollup changes of ONE store summed per (grain, t): the store rollup changes they make. */
export function storeSums(zoneChanges: Iterable<RollupSum>): RollupSum[] {
  const out = new Map<string, RollupSum>();
  for (const z of zoneChanges) {
    if (z.visits === 0 && z.firsts === 0 && z.closed === 0 && z.dwellSumMs === 0 && z.hist.size === 0) continue;
    const key = `${z.grain}|${z.t}`;
    let s = out.get(key);
    if (!s) out.set(key, (s = { grain: z.grain, t: z.t, visits: 0, firsts: 0, closed: 0, dwellSumMs: 0, hist: new Map() }));
    s.visits += z.visits;
    s.firsts += z.firsts;
    s.closed += z.closed;
    s.dwellSumMs += z.dwellSumMs;
    mergeHistogram(s.hist, z.hist);
  }
  return [...out.values()];
}

/**
 * Adds (sign 1) or subtracts (-1) an encoded histogram (pairs of uint32 bin, int32 count) into a
 * dense sketch (counts by bin), grown as needed; returns the sketch (maybe a new array).
 */
export function addToDense(dense: Float64Array, buf: Uint8Array | null | undefined, sign: 1 | -1 = 1): Float64Array {
  if (!buf) return dense;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let out = dense;
  for (let o = 0; o + 8 <= buf.byteLength; o += 8) {
    const bin = view.getUint32(o, true);
    if (bin >= out.length) {
      const grown = new Float64Array(Math.max(bin + 1, out.length * 2, 512));
      grown.set(out);
      out = grown;
    }
    out[bin]! += sign * view.getInt32(o + 4, true);
  }
  return out;
}

/** A row's new stamp: the clock, but never at or before the old stamp (a clock set back still changes it). */
export const nextStamp = (old: number | null | undefined, now = Date.now()): number => Math.max(now, (old ?? 0) + 1);

/** Progress of the one-time build: stores done of total. */
export type StoreRollupProgress = (done: number, total: number, store: string) => void;

/** A zone rollup row as read for the build. */
export interface ZoneRollupRow {
  grain: number | string;
  t: number | string;
  visits: number | string;
  firsts: number | string;
  closed: number | string;
  dwell_sum_ms: number | string;
  hist: Uint8Array | null;
}

/** Zone rollup rows of one store, ordered by (grain, t), summed into its store rollup rows. */
export function* sumByPeriod(rows: Iterable<ZoneRollupRow>): Generator<RollupSum> {
  let cur: RollupSum | null = null;
  for (const r of rows) {
    const grain = Number(r.grain);
    const t = Number(r.t);
    if (!cur || cur.grain !== grain || cur.t !== t) {
      if (cur) yield cur;
      cur = { grain, t, visits: 0, firsts: 0, closed: 0, dwellSumMs: 0, hist: new Map() };
    }
    cur.visits += Number(r.visits);
    cur.firsts += Number(r.firsts);
    cur.closed += Number(r.closed);
    cur.dwellSumMs += Number(r.dwell_sum_ms);
    if (r.hist) decodeHistogram(r.hist, cur.hist);
  }
  if (cur) yield cur;
}

/**
 * The one-time sum of the store rollups of the stores listed pending (SQLite): one transaction per
 * store (run by `serialize`, the adapter's lock), which clears its store rows, writes the sums of
 * its zone rollups and takes it off the list; a turn of the event loop between stores.
 */
export async function buildStoreRollupsSqlite(db: Db, serialize: <T>(fn: () => T) => Promise<T>, progress?: StoreRollupProgress): Promise<number> {
  const pending = db.prepare("SELECT store FROM store_rollups_pending ORDER BY store").all() as { store: string }[];
  const read = db.prepare<[string], ZoneRollupRow>("SELECT grain, t, visits, firsts, closed, dwell_sum_ms, hist FROM zone_rollups WHERE store = ? ORDER BY grain, t");
  const put = db.prepare("INSERT INTO store_rollups (store, grain, t, visits, firsts, closed, dwell_sum_ms, stamp, hist) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const clear = db.prepare("DELETE FROM store_rollups WHERE store = ?");
  const done_ = db.prepare("DELETE FROM store_rollups_pending WHERE store = ?");
  let done = 0;
  for (const { store } of pending) {
    await serialize(() =>
      db.transaction(() => {
        clear.run(store);
        // Summed while reading (one row at a time), written after: a statement cannot run while another iterates.
        const sums = [...sumByPeriod(read.iterate(store))];
        const stamp = Date.now();
        for (const s of sums) put.run(store, s.grain, s.t, s.visits, s.firsts, s.closed, s.dwellSumMs, stamp, s.hist.size ? encodeHistogram(s.hist) : null);
        done_.run(store);
      })(),
    );
    progress?.(++done, pending.length, store);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return done;
}
