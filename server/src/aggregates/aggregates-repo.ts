import type { PathReport } from "@footfall/core";
import { valueRows, type Db } from "../db/database.js";
import type { OpenVisitRow, PathCount, StoredCount, StoredTripSteps, StoredVisit, ZoneTotals } from "../storage/types.js";
import { holdingAny, pathHoldsPattern, tripStepsOf } from "./trip-steps.js";
import { decodeHistogram, encodeHistogram, mergeHistogram, type DwellHistogram } from "./dwell-histogram.js";
import type { AggregateDelta, VisitRow } from "./delta.js";
import { PathStore } from "./path-store.js";
import { nextStamp, storeSums } from "./store-rollups.js";
import type { Spans } from "./spans.js";
import { dayOf } from "../db/repos/events.js";

const DAY_MS = 86_400_000;

export type { OpenVisitRow, ZoneTotals };

/** Rows per multi-row INSERT of visits and trips (6 x 256 = 1,536 parameters, well under SQLite's 32,766). */
const ROWS_PER_INSERT = 256;
type Statement = ReturnType<Db["prepare"]>;

/** SQL condition over the whole-hour and whole-day rows of `spans` (grain, t columns), with its parameters. */
function rollupWhere(spans: Spans, tColumn = "t"): { sql: string; params: number[] } {
  const parts: string[] = [];
  const params: number[] = [];
  if (spans.days) {
    parts.push(`(grain = 1 AND ${tColumn} >= ? AND ${tColumn} < ?)`);
    params.push(...spans.days);
  }
  for (const h of spans.hours) {
    parts.push(`(grain = 0 AND ${tColumn} >= ? AND ${tColumn} < ?)`);
    params.push(...h);
  }
  return { sql: parts.length ? `(${parts.join(" OR ")})` : "0", params };
}

/**
 * The SQLite side of the aggregates (./schema.ts): writes a commit's {@link AggregateDelta} inside
 * the caller's transaction, and answers the rollup and raw-row reads the analytics need.
 */
export class AggregatesRepo {
  private readonly q;
  /** Path ids, counts and reports. */
  readonly paths: PathStore;

  constructor(private readonly db: Db) {
    this.paths = new PathStore(db);
    this.q = {
      visitDelete: db.prepare("DELETE FROM visits WHERE store = ? AND zone = ? AND enter_ts = ? AND enter_id = ?"),
      visitInsert: db.prepare("INSERT INTO visits (store, zone, enter_ts, enter_id, dwell_ms, prev_enter_ts) VALUES (?, ?, ?, ?, ?, ?)"),
      visitInsertMany: db.prepare(`INSERT INTO visits (store, zone, enter_ts, enter_id, dwell_ms, prev_enter_ts) VALUES ${valueRows(6, ROWS_PER_INSERT)}`),
      tripDelete: db.prepare("DELETE FROM trips WHERE store = ? AND start_ts = ? AND visitor = ?"),
      tripInsert: db.prepare("INSERT INTO trips (store, start_ts, visitor, path, step_ts) VALUES (?, ?, ?, ?, ?)"),
      tripInsertMany: db.prepare(`INSERT INTO trips (store, start_ts, visitor, path, step_ts) VALUES ${valueRows(5, ROWS_PER_INSERT)}`),
      openDelete: db.prepare("DELETE FROM open_visits WHERE store = ? AND zone = ? AND visitor = ?"),
      openUpsert: db.prepare("INSERT INTO open_visits (store, zone, visitor, last_seen_ts) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET last_seen_ts = excluded.last_seen_ts"),
      zoneGet: db.prepare<[string, number, number, string], ZoneTotals & { hist: Buffer | null }>(
        "SELECT visits, firsts, closed, dwell_sum_ms AS dwellSumMs, hist FROM zone_rollups WHERE store = ? AND grain = ? AND t = ? AND zone = ?",
      ),
      zonePut: db.prepare(
        "INSERT OR REPLACE INTO zone_rollups (store, grain, t, zone, visits, firsts, closed, dwell_sum_ms, hist) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      zoneDelete: db.prepare("DELETE FROM zone_rollups WHERE store = ? AND grain = ? AND t = ? AND zone = ?"),
      storeGet: db.prepare<[string, number, number], ZoneTotals & { stamp: number; hist: Buffer | null }>(
        "SELECT visits, firsts, closed, dwell_sum_ms AS dwellSumMs, stamp, hist FROM store_rollups WHERE store = ? AND grain = ? AND t = ?",
      ),
      storePut: db.prepare("INSERT OR REPLACE INTO store_rollups (store, grain, t, visits, firsts, closed, dwell_sum_ms, stamp, hist) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      storeDelete: db.prepare("DELETE FROM store_rollups WHERE store = ? AND grain = ? AND t = ?"),
      revisitAdd: db.prepare("INSERT INTO zone_revisits (store, hour, zone, prev_hour, n) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n"),
      revisitPrune: db.prepare("DELETE FROM zone_revisits WHERE store = ? AND hour = ? AND zone = ? AND prev_hour = ? AND n = 0"),
      pathAdd: db.prepare("INSERT INTO path_rollups (store, grain, t, path, n) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n"),
      pathPrune: db.prepare("DELETE FROM path_rollups WHERE store = ? AND grain = ? AND t = ? AND path = ? AND n = 0"),
      doorAdd: db.prepare(
        "INSERT INTO door_rollups (store, grain, t, zone, n_in, n_out) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n_in = n_in + excluded.n_in, n_out = n_out + excluded.n_out",
      ),
      visitsIn: db.prepare<[string, string, number, number], StoredVisit>(
        "SELECT enter_ts AS enterTs, dwell_ms AS dwellMs, prev_enter_ts AS prevEnterTs FROM visits WHERE store = ? AND zone = ? AND enter_ts >= ? AND enter_ts < ?",
      ),
      visitCount: db.prepare<[string, string, number, number], { n: number }>("SELECT COUNT(*) AS n FROM visits WHERE store = ? AND zone = ? AND enter_ts >= ? AND enter_ts < ?"),
      visitZones: db.prepare<[string], { zone: string }>("SELECT DISTINCT zone FROM zone_rollups WHERE store = ? AND grain = 1"),
      doorZones: db.prepare<[string], { zone: string }>("SELECT DISTINCT zone FROM door_rollups WHERE store = ? AND grain = 1"),
      countsIn: db.prepare<[string, number, number], StoredCount>(
        "SELECT zone, ts, n_in AS nIn, n_out AS nOut FROM events WHERE store = ? AND type = 2 AND ts >= ? AND ts < ?",
      ),
      hasDoors: db.prepare<[string], { one: number }>("SELECT 1 AS one FROM door_rollups WHERE store = ? LIMIT 1"),
      openSince: db.prepare<[string, number], OpenVisitRow>("SELECT zone, visitor, last_seen_ts AS lastSeenTs FROM open_visits WHERE store = ? AND last_seen_ts >= ?"),
      openExpire: db.prepare("DELETE FROM open_visits WHERE store = ? AND last_seen_ts < ?"),
      daysBefore: db.prepare<[string, number], { day: number; agent: string; min_id: string; max_id: string }>(
        "SELECT day, agent, min_id, max_id FROM event_days WHERE store = ? AND day <= ? ORDER BY day, agent",
      ),
      eventsInRangeDelete: db.prepare(
        "DELETE FROM events WHERE store = ? AND id IN (SELECT id FROM events WHERE store = ? AND id >= ? AND id <= ? AND ts < ? LIMIT ?)",
      ),
      dayDelete: db.prepare("DELETE FROM event_days WHERE store = ? AND day = ? AND agent = ?"),
      revisitHoursOfPrev: db.prepare<[string, number, number, number], { hour: number; zone: string }>(
        "SELECT hour, zone FROM zone_revisits WHERE store = ? AND prev_hour = ? AND hour >= ? AND hour < ? AND n > 0",
      ),
    };
  }

  // ---- writes (inside the caller's transaction) ----

  /** Apply one commit's changes to a store's aggregates. */
  write(store: string, d: AggregateDelta): void {
    const q = this.q;
    for (const v of d.visitDeletes) q.visitDelete.run(store, v.zone, v.enterTs, v.enterId);
    this.insertRows(d.visitInserts, 6, q.visitInsert, q.visitInsertMany, (v, out, o) => {
      out[o] = store;
      out[o + 1] = v.zone;
      out[o + 2] = v.enterTs;
      out[o + 3] = v.enterId;
      out[o + 4] = v.dwellMs;
      out[o + 5] = v.prevEnterTs;
    });
    for (const t of d.tripDeletes) q.tripDelete.run(store, t.startTs, t.visitor);
    this.insertRows(d.tripInserts, 5, q.tripInsert, q.tripInsertMany, (t, out, o) => {
      out[o] = store;
      out[o + 1] = t.startTs;
      out[o + 2] = t.visitor;
      out[o + 3] = this.paths.idOf(store, t.path);
      out[o + 4] = t.steps;
    });
    for (const o of d.openDeletes) q.openDelete.run(store, o.zone, o.visitor);
    for (const o of d.openUpserts) q.openUpsert.run(store, o.zone, o.visitor, o.lastSeenTs);
    for (const z of d.zones.values()) {
      if (z.visits === 0 && z.firsts === 0 && z.closed === 0 && z.dwellSumMs === 0 && z.hist.size === 0) continue;
      const old = q.zoneGet.get(store, z.grain, z.t, z.zone);
      const hist = decodeHistogram(old?.hist ?? null);
      mergeHistogram(hist, z.hist);
      const visits = (old?.visits ?? 0) + z.visits;
      if (visits === 0 && hist.size === 0) {
        q.zoneDelete.run(store, z.grain, z.t, z.zone);
        continue;
      }
      q.zonePut.run(store, z.grain, z.t, z.zone, visits, (old?.firsts ?? 0) + z.firsts, (old?.closed ?? 0) + z.closed, (old?.dwellSumMs ?? 0) + z.dwellSumMs, hist.size ? encodeHistogram(hist) : null);
    }
    // The store-level rows (./store-rollups.ts): the same changes summed per hour and day, ~2 rows a store a commit.
    for (const z of storeSums(d.zones.values())) {
      const old = q.storeGet.get(store, z.grain, z.t);
      const hist = decodeHistogram(old?.hist ?? null);
      mergeHistogram(hist, z.hist);
      const visits = (old?.visits ?? 0) + z.visits;
      if (visits === 0 && hist.size === 0) q.storeDelete.run(store, z.grain, z.t);
      else
        q.storePut.run(
          store,
          z.grain,
          z.t,
          visits,
          (old?.firsts ?? 0) + z.firsts,
          (old?.closed ?? 0) + z.closed,
          (old?.dwellSumMs ?? 0) + z.dwellSumMs,
          nextStamp(old?.stamp),
          hist.size ? encodeHistogram(hist) : null,
        );
    }
    for (const r of d.revisits.values()) {
      if (r.n === 0) continue;
      q.revisitAdd.run(store, r.hour, r.zone, r.prevHour, r.n);
      if (r.n < 0) q.revisitPrune.run(store, r.hour, r.zone, r.prevHour);
    }
    for (const p of d.paths.values()) {
      if (p.n === 0) continue;
      const id = this.paths.idOf(store, p.path);
      q.pathAdd.run(store, p.grain, p.t, id, p.n);
      if (p.n < 0) q.pathPrune.run(store, p.grain, p.t, id);
      if (p.grain === 1) this.paths.touchedDay(store, p.t);
      else this.paths.touchedHour(store, p.t);
    }
    for (const x of d.transitions.values()) if (x.n !== 0) this.paths.addTransition(store, x.grain, x.t, x.from, x.to, x.n);
    for (const x of d.doors.values()) q.doorAdd.run(store, x.grain, x.t, x.zone, x.in, x.out);
  }

  /**
   * Insert rows `ROWS_PER_INSERT` at a time with one multi-row statement (a statement per row costs
   * about as much again in binding and stepping), the rest one by one. `bind` writes a row's
   * parameters at `out[o..]`.
   */
  private insertRows<T>(rows: readonly T[], columns: number, one: Statement, many: Statement, bind: (row: T, out: unknown[], o: number) => void): void {
    let i = 0;
    if (rows.length >= ROWS_PER_INSERT) {
      const params = new Array<unknown>(columns * ROWS_PER_INSERT);
      for (; i + ROWS_PER_INSERT <= rows.length; i += ROWS_PER_INSERT) {
        for (let j = 0; j < ROWS_PER_INSERT; j++) bind(rows[i + j]!, params, j * columns);
        many.run(params);
      }
    }
    const single = new Array<unknown>(columns);
    for (; i < rows.length; i++) {
      bind(rows[i]!, single, 0);
      one.run(single);
    }
  }

  /** Mark a store's aggregates to be built from its stored events at the next start (an upgrade, or a repair). */
  markForBuild(store: string): void {
    this.db.prepare("INSERT INTO aggregate_state (store, built_at) VALUES (?, 0) ON CONFLICT DO UPDATE SET built_at = 0").run(store);
  }

  /** After a rolled-back transaction: forget cached path ids and counts it may have made. */
  forgetPathIds(): void {
    this.paths.forget();
  }

  // ---- reads ----

  /** Per zone: sums of the whole-hour and whole-day rollups of `spans`. */
  zoneTotals(store: string, spans: Spans): Map<string, ZoneTotals> {
    const w = rollupWhere(spans);
    const rows = this.db
      .prepare(`SELECT zone, SUM(visits) AS visits, SUM(firsts) AS firsts, SUM(closed) AS closed, SUM(dwell_sum_ms) AS dwellSumMs FROM zone_rollups WHERE store = ? AND ${w.sql} GROUP BY zone`)
      .all(store, ...w.params) as (ZoneTotals & { zone: string })[];
    return new Map(rows.map((r) => [r.zone, { visits: r.visits, firsts: r.firsts, closed: r.closed, dwellSumMs: r.dwellSumMs }]));
  }

  /** Per zone: the dwell histogram of the whole-hour and whole-day rollups of `spans`. */
  zoneHistograms(store: string, spans: Spans): Map<string, DwellHistogram> {
    const w = rollupWhere(spans);
    const out = new Map<string, DwellHistogram>();
    const stmt = this.db.prepare(`SELECT zone, hist FROM zone_rollups WHERE store = ? AND ${w.sql} AND hist IS NOT NULL`);
    for (const r of stmt.iterate(store, ...w.params) as IterableIterator<{ zone: string; hist: Buffer }>) {
      let h = out.get(r.zone);
      if (!h) out.set(r.zone, (h = new Map()));
      decodeHistogram(r.hist, h);
    }
    return out;
  }

  /** Per zone: visits entered in hours [a, b) whose previous visit (same visitor and zone) lies before hour `before`. */
  revisitsBefore(store: string, a: number, b: number, before: number): Map<string, number> {
    const rows = this.db
      .prepare("SELECT zone, SUM(n) AS n FROM zone_revisits WHERE store = ? AND hour >= ? AND hour < ? AND prev_hour < ? GROUP BY zone")
      .all(store, a, b, before) as { zone: string; n: number }[];
    return new Map(rows.map((r) => [r.zone, r.n]));
  }

  /** (hour, zone) pairs in hours [a, b) holding visits whose previous visit lies in hour `prevHour`. */
  revisitHoursOfPrev(store: string, a: number, b: number, prevHour: number): { hour: number; zone: string }[] {
    return this.q.revisitHoursOfPrev.all(store, prevHour, a, b);
  }

  /** The paths report of a range (see PathStore.report). */
  pathReport(store: string, spans: Spans, limit: number): PathReport {
    return this.paths.report(store, spans, limit);
  }

  /** Every path with its trips in the range. */
  pathCounts(store: string, spans: Spans): PathCount[] {
    return this.paths.counts(store, spans);
  }

  /** Raw trips started in [from, to) whose path holds one of `zones`, with when each step began (./trip-steps.ts). */
  tripStepsIn(store: string, zones: readonly string[], from: number, to: number): StoredTripSteps[] {
    const list = [...new Set(zones)];
    if (list.length === 0) return [];
    const like = list.map(() => "(',' || zones || ',') LIKE ? ESCAPE '\\'").join(" OR ");
    // The paths holding a queue first (a store has tens of thousands at most), then the trips of the range on one of
    // them: matching each trip's path text took 1.1-2.5 s over 93 days of 9 M events (bench:queue-report), this about half.
    const rows = this.db
      .prepare(
        `SELECT t.start_ts AS startTs, p.zones AS zones, t.step_ts AS steps FROM trips t JOIN paths p ON p.store = t.store AND p.id = t.path
          WHERE t.store = ? AND t.start_ts >= ? AND t.start_ts < ? AND t.path IN (SELECT id FROM paths WHERE store = ? AND (${like}))`,
      )
      .all(store, from, to, store, ...list.map(pathHoldsPattern)) as { startTs: number; zones: string; steps: string | null }[];
    return holdingAny(
      rows.map((r) => tripStepsOf(r.startTs, r.zones, r.steps)),
      list,
    );
  }

  /** Raw visits of a zone entered in [from, to) (within the raw-row retention). */
  visitsIn(store: string, zone: string, from: number, to: number): StoredVisit[] {
    return this.q.visitsIn.all(store, zone, from, to);
  }

  visitCount(store: string, zone: string, from: number, to: number): number {
    return this.q.visitCount.get(store, zone, from, to)?.n ?? 0;
  }

  /** Raw visits per zone of `zones` entered in [from, to) (an indexed read per zone: SQLite has no round trips to save). */
  visitsInZones(store: string, zones: readonly string[], from: number, to: number): Map<string, StoredVisit[]> {
    const out = new Map<string, StoredVisit[]>();
    for (const zone of new Set(zones)) {
      const rows = this.q.visitsIn.all(store, zone, from, to);
      if (rows.length) out.set(zone, rows);
    }
    return out;
  }

  visitCounts(store: string, zones: readonly string[], from: number, to: number): Map<string, number> {
    const out = new Map<string, number>();
    for (const zone of new Set(zones)) {
      const n = this.q.visitCount.get(store, zone, from, to)?.n ?? 0;
      if (n) out.set(zone, n);
    }
    return out;
  }

  /** Zones that ever had a visit, and zones that ever had a door count. */
  knownZones(store: string): { visits: string[]; doors: string[] } {
    return { visits: this.q.visitZones.all(store).map((r) => r.zone), doors: this.q.doorZones.all(store).map((r) => r.zone) };
  }

  /** Hour rows [a, b) of visits per zone: (zone, hour, visits). */
  zoneHours(store: string, a: number, b: number): { zone: string; t: number; n: number }[] {
    return this.db.prepare("SELECT zone, t, visits AS n FROM zone_rollups WHERE store = ? AND grain = 0 AND t >= ? AND t < ?").all(store, a, b) as { zone: string; t: number; n: number }[];
  }

  /** Hour rows [a, b) of door counts per zone. */
  doorHours(store: string, a: number, b: number): { zone: string; t: number; in: number; out: number }[] {
    return this.db.prepare("SELECT zone, t, n_in AS \"in\", n_out AS out FROM door_rollups WHERE store = ? AND grain = 0 AND t >= ? AND t < ?").all(store, a, b) as {
      zone: string;
      t: number;
      in: number;
      out: number;
    }[];
  }

  /** The first hour with a visit entered or a door count in (the primary keys' order: the first row met). */
  firstHour(store: string): number | null {
    const first = (table: string, n: string) =>
      (this.db.prepare(`SELECT t FROM ${table} WHERE store = ? AND grain = 0 AND ${n} > 0 ORDER BY t LIMIT 1`).get(store) as { t: number } | undefined)?.t ?? null;
    const hours = [first("zone_rollups", "visits"), first("door_rollups", "n_in")].filter((t): t is number => t !== null);
    return hours.length ? Math.min(...hours) : null;
  }

  /** Per zone: door sums of the whole-hour and whole-day rollups of `spans`. */
  doorTotals(store: string, spans: Spans): Map<string, { in: number; out: number }> {
    const w = rollupWhere(spans);
    const rows = this.db
      .prepare(`SELECT zone, SUM(n_in) AS "in", SUM(n_out) AS out FROM door_rollups WHERE store = ? AND ${w.sql} GROUP BY zone`)
      .all(store, ...w.params) as { zone: string; in: number; out: number }[];
    return new Map(rows.map((r) => [r.zone, { in: r.in, out: r.out }]));
  }

  /** Raw door counts in [from, to). */
  countsIn(store: string, from: number, to: number): StoredCount[] {
    return this.q.countsIn.all(store, from, to);
  }

  hasDoorCounts(store: string): boolean {
    return this.q.hasDoors.get(store) !== undefined;
  }

  openVisitsSince(store: string, since: number): OpenVisitRow[] {
    return this.q.openSince.all(store, since);
  }

  expireOpenVisits(store: string, before: number): void {
    this.q.openExpire.run(store, before);
  }

  // ---- retention ----

  /**
   * Delete up to `limit` raw rows of a store older than `before` (events first, then the derived
   * visits and trips); returns how many went (0: nothing older is left). Call in a short transaction.
   */
  deleteRawBefore(store: string, before: number, limit: number): number {
    let left = limit;
    // Events by their id ranges per agent and UTC day (event_days, migration 18; no index by time): a day
    // whose every event is older than `before` loses its row once none of its range is left.
    for (const r of this.q.daysBefore.all(store, dayOf(before))) {
      left -= this.q.eventsInRangeDelete.run(store, store, r.min_id, r.max_id, before, left).changes;
      if (left <= 0) break;
      if ((r.day + 1) * DAY_MS <= before) this.q.dayDelete.run(store, r.day, r.agent);
    }
    if (left > 0) {
      for (const { zone } of this.db.prepare<[string], { zone: string }>("SELECT DISTINCT zone FROM zone_rollups WHERE store = ? AND grain = 1").all(store)) {
        left -= this.db
          .prepare("DELETE FROM visits WHERE store = ? AND zone = ? AND enter_ts IN (SELECT enter_ts FROM visits WHERE store = ? AND zone = ? AND enter_ts < ? LIMIT ?)")
          .run(store, zone, store, zone, before, left).changes;
        if (left <= 0) break;
      }
    }
    if (left > 0) {
      left -= this.db.prepare("DELETE FROM trips WHERE store = ? AND start_ts IN (SELECT start_ts FROM trips WHERE store = ? AND start_ts < ? LIMIT ?)").run(store, store, before, left).changes;
    }
    if (left > 0) this.q.openExpire.run(store, before);
    return limit - left;
  }

  /** Delete hour and day rollups of a store that end before `before` (aggregate retention). */
  deleteRollupsBefore(store: string, before: number): number {
    const hour = Math.floor(before / 3_600_000);
    const day = Math.floor(before / 86_400_000);
    let n = 0;
    for (const table of ["zone_rollups", "store_rollups", "path_rollups", "transition_rollups", "door_rollups"]) {
      n += this.db.prepare(`DELETE FROM ${table} WHERE store = ? AND ((grain = 0 AND t < ?) OR (grain = 1 AND t < ?))`).run(store, hour, day).changes;
    }
    n += this.db.prepare("DELETE FROM zone_revisits WHERE store = ? AND hour < ?").run(store, hour).changes;
    if (n > 0) this.paths.dropCachedCounts();
    return n;
  }
}

export type { VisitRow };
