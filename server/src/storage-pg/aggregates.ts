/**
 * The aggregates on PostgreSQL (the tables of schema.ts): the batched writes of a transaction's
 * {@link AggregateDelta}s and the reads the analytics answer from, as the SQLite side
 * (../aggregates/aggregates-repo.ts and path-store.ts) answers them.
 *
 * Writes: a transaction keeps the deltas it is given in memory and writes them together, folded,
 * when it commits (or before anything in it reads or writes the aggregate tables): every store of a
 * group commit in about a dozen statements (`unnest` arrays, `INSERT ... ON CONFLICT`), not a
 * dozen per store. Folding keeps what the SQLite side does row by row: per key, the last delete or
 * insert of a visit, trip or open visit wins; increments of the rollups are summed.
 *
 * Reads: the path tallies are summed by the database (no per-day cache: another server may write a
 * store's rollups, so nothing read is kept between queries), and the top paths come out in the
 * contract's order from `ORDER BY n DESC, zones` (zones joined by "," under COLLATE "C").
 */
import { compareIds, compareZoneSequences, type PathReport, type ZoneId } from "@footfall/core";
import { PATH_SEP } from "../analytics/visitor-derivation.js";
import type { AggregateDelta } from "../aggregates/delta.js";
import { decodeHistogram, encodeHistogram, mergeHistogram, type DwellHistogram } from "../aggregates/dwell-histogram.js";
import type { Spans } from "../aggregates/spans.js";
import { nextStamp, storeSums, type RollupSum } from "../aggregates/store-rollups.js";
import type { OpenVisitRow, PathCount, StoredCount, StoredTripSteps, StoredVisit, ZoneTotals } from "../storage/types.js";
import { holdingAny, pathHoldsPattern, tripStepsOf } from "../aggregates/trip-steps.js";
import { createHash } from "node:crypto";
import type { QueryResultRow } from "pg";
import { arrayLiteral } from "./array-literal.js";
import type { TimePartitions } from "./partitions.js";
import type { PgQueryable } from "./pool.js";
import { backgroundTurn } from "./turns.js";

const names = new Map<string, string>();
/**
 * `db` with its statements prepared by name (once per connection, then planned once): the group
 * commit's statements are the same text every time.
 */
export function prepared(db: PgQueryable): { query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }> } {
  return {
    query: <R extends QueryResultRow>(text: string, values: unknown[] = []) => {
      let name = names.get(text);
      if (!name) names.set(text, (name = `footfall_${createHash("sha1").update(text).digest("hex").slice(0, 16)}`));
      return db.query<R>({ name, text, values });
    },
  };
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

// ---- folding a transaction's deltas ----

interface VisitOp {
  store: string;
  zone: string;
  enterTs: number;
  enterId: string;
  /** null: delete. */
  row: { dwellMs: number | null; prevEnterTs: number | null } | null;
}
interface TripOp {
  store: string;
  startTs: number;
  visitor: string;
  /** null: delete. */
  path: string | null;
  /** When each step began (ms after startTs, joined by ","), null: not known. */
  steps: string | null;
}
interface OpenOp {
  store: string;
  zone: string;
  visitor: string;
  /** null: delete. */
  lastSeenTs: number | null;
}
interface ZoneSum {
  store: string;
  grain: number;
  t: number;
  zone: string;
  visits: number;
  firsts: number;
  closed: number;
  dwellSumMs: number;
  hist: DwellHistogram;
}

/** What a run of deltas does, once per row. */
export interface Folded {
  visits: Map<string, VisitOp>;
  trips: Map<string, TripOp>;
  opens: Map<string, OpenOp>;
  zones: Map<string, ZoneSum>;
  revisits: Map<string, { store: string; hour: number; zone: string; prevHour: number; n: number }>;
  paths: Map<string, { store: string; grain: number; t: number; path: string; n: number }>;
  transitions: Map<string, { store: string; grain: number; t: number; from: string; to: string; n: number }>;
  doors: Map<string, { store: string; grain: number; t: number; zone: string; in: number; out: number }>;
}

const K = "\u0000";

/** Folds deltas, in the order they were written, into one change per row. */
export function fold(entries: readonly { store: string; delta: AggregateDelta }[]): Folded {
  const f: Folded = {
    visits: new Map(),
    trips: new Map(),
    opens: new Map(),
    zones: new Map(),
    revisits: new Map(),
    paths: new Map(),
    transitions: new Map(),
    doors: new Map(),
  };
  for (const { store, delta: d } of entries) {
    for (const v of d.visitDeletes)
      f.visits.set([store, v.zone, v.enterTs, v.enterId].join(K), { store, zone: v.zone, enterTs: v.enterTs, enterId: v.enterId, row: null });
    for (const v of d.visitInserts)
      f.visits.set([store, v.zone, v.enterTs, v.enterId].join(K), {
        store,
        zone: v.zone,
        enterTs: v.enterTs,
        enterId: v.enterId,
        row: { dwellMs: v.dwellMs, prevEnterTs: v.prevEnterTs },
      });
    for (const t of d.tripDeletes) f.trips.set([store, t.startTs, t.visitor].join(K), { store, startTs: t.startTs, visitor: t.visitor, path: null, steps: null });
    for (const t of d.tripInserts) f.trips.set([store, t.startTs, t.visitor].join(K), { store, startTs: t.startTs, visitor: t.visitor, path: t.path, steps: t.steps });
    for (const o of d.openDeletes) f.opens.set([store, o.zone, o.visitor].join(K), { store, zone: o.zone, visitor: o.visitor, lastSeenTs: null });
    for (const o of d.openUpserts) f.opens.set([store, o.zone, o.visitor].join(K), { store, zone: o.zone, visitor: o.visitor, lastSeenTs: o.lastSeenTs });
    for (const z of d.zones.values()) {
      if (z.visits === 0 && z.firsts === 0 && z.closed === 0 && z.dwellSumMs === 0 && z.hist.size === 0) continue;
      const key = [store, z.grain, z.t, z.zone].join(K);
      const s = f.zones.get(key);
      if (!s)
        f.zones.set(key, {
          store,
          grain: z.grain,
          t: z.t,
          zone: z.zone,
          visits: z.visits,
          firsts: z.firsts,
          closed: z.closed,
          dwellSumMs: z.dwellSumMs,
          hist: new Map(z.hist),
        });
      else {
        s.visits += z.visits;
        s.firsts += z.firsts;
        s.closed += z.closed;
        s.dwellSumMs += z.dwellSumMs;
        mergeHistogram(s.hist, z.hist);
      }
    }
    for (const r of d.revisits.values()) {
      if (r.n === 0) continue;
      const key = [store, r.hour, r.zone, r.prevHour].join(K);
      const s = f.revisits.get(key);
      if (s) s.n += r.n;
      else f.revisits.set(key, { store, hour: r.hour, zone: r.zone, prevHour: r.prevHour, n: r.n });
    }
    for (const p of d.paths.values()) {
      if (p.n === 0) continue;
      const key = [store, p.grain, p.t, p.path].join(K);
      const s = f.paths.get(key);
      if (s) s.n += p.n;
      else f.paths.set(key, { store, grain: p.grain, t: p.t, path: p.path, n: p.n });
    }
    for (const x of d.transitions.values()) {
      if (x.n === 0) continue;
      const key = [store, x.grain, x.t, x.from, x.to].join(K);
      const s = f.transitions.get(key);
      if (s) s.n += x.n;
      else f.transitions.set(key, { store, grain: x.grain, t: x.t, from: x.from, to: x.to, n: x.n });
    }
    for (const x of d.doors.values()) {
      const key = [store, x.grain, x.t, x.zone].join(K);
      const s = f.doors.get(key);
      if (s) {
        s.in += x.in;
        s.out += x.out;
      } else f.doors.set(key, { store, grain: x.grain, t: x.t, zone: x.zone, in: x.in, out: x.out });
    }
  }
  return f;
}

/** Columns of `rows` as array literals, for `unnest($1::text[], ...)`. */
function columns<T, C extends readonly ((r: T) => unknown)[]>(rows: readonly T[], ...cols: C): string[] {
  return cols.map((c) => arrayLiteral(rows.map(c)));
}

/** Path ids: a bounded cache of (store, zones) -> id shared by the storage, and the ids a transaction learned. */
export interface PathIds {
  /** Committed ids (filled after commits). */
  get(store: string, zones: string): number | undefined;
}

/**
 * Writes folded deltas with `db` (the transaction's client): path ids first (new ones from the
 * sequence), then visits, trips, open visits, and the rollups. `learned` receives the path ids
 * read or made (kept by the caller once the transaction commits).
 */
export async function writeFolded(raw: PgQueryable, f: Folded, partitions: TimePartitions, known: PathIds, learned: Map<string, number>): Promise<void> {
  // Partitions for the months of the rows about to be written.
  const tss: number[] = [];
  for (const v of f.visits.values()) if (v.row) tss.push(v.enterTs);
  for (const t of f.trips.values()) if (t.path !== null) tss.push(t.startTs);
  if (tss.length) await partitions.ensure(tss, raw);
  const db = prepared(raw);

  // Path ids of every path a trip or a rollup names, resolved once, here, into `ids`: `known` is a
  // bounded cache that other commits fill while this one waits on the database below, so an id
  // found in it now may be forgotten before the statements use it (it was: a null path id and a
  // failed commit, issue 12).
  const ids = new Map<string, number>();
  const missing: PathKey[] = [];
  const seen = new Set<string>();
  const want = (store: string, zones: string) => {
    const key = store + K + zones;
    if (seen.has(key)) return;
    seen.add(key);
    const id = learned.get(key) ?? known.get(store, zones);
    if (id === undefined) missing.push({ store, zones });
    else ids.set(key, id);
  };
  for (const t of f.trips.values()) if (t.path !== null) want(t.store, t.path);
  for (const p of f.paths.values()) want(p.store, p.path);
  if (missing.length) await internPaths(db, missing, ids, learned);
  const pathId = (store: string, zones: string): number => {
    const id = ids.get(store + K + zones);
    if (id === undefined) throw new Error(`paths: no id resolved for a path of store ${store} (a bug: every path named is resolved first)`);
    return id;
  };

  // Every table's rows in the order of their keys: two commits writing the same rows (two servers
  // on one store during a takeover, a redelivered batch) then lock them in one order and one waits
  // for the other; in the order the deltas came they locked the same rollup rows in opposite
  // orders, and PostgreSQL broke the deadlock by failing one commit.
  await backgroundTurn();
  const visits = inKeyOrder(f.visits);
  const trips = inKeyOrder(f.trips);
  const opens = inKeyOrder(f.opens);
  const revisits = inKeyOrder(f.revisits);
  const paths = inKeyOrder(f.paths);
  const transitions = inKeyOrder(f.transitions);
  const doors = inKeyOrder(f.doors);
  const zoneSums = inKeyOrder(f.zones);
  // The zone rollups' rows are read (locked) and merged first; their writes join the statement below.
  const zones = await mergeZoneRollups(raw, zoneSums);
  // The store-level rows (../aggregates/store-rollups.ts): the same changes summed per store, hour and day.
  const storeRows = await mergeStoreRollups(raw, zoneSums);

  // Every other write of the commit in ONE statement (data-modifying CTEs, each over `unnest` arrays;
  // an empty array writes nothing, so the text never changes and is prepared once per connection):
  // a round trip per table was most of a commit's time on a busy database. The keys of a table's
  // delete and its upsert are disjoint (one folded change per row), as one statement requires.
  const visitDeletes = visits.filter((v) => v.row === null);
  const visitUpserts = visits.filter((v) => v.row !== null);
  const tripDeletes = trips.filter((t) => t.path === null);
  const tripUpserts = trips.filter((t) => t.path !== null);
  const openDeletes = opens.filter((o) => o.lastSeenTs === null);
  const openUpserts = opens.filter((o) => o.lastSeenTs !== null);
  // Building and serialising this statement (thousands of array elements) is a slice of its own (./turns.ts).
  await backgroundTurn();
  await db.query(
    WRITE_ALL_SQL,
    [
      ...columns(
        visitDeletes,
        (v) => v.store,
        (v) => v.zone,
        (v) => v.enterTs,
        (v) => v.enterId,
      ),
      ...columns(
        visitUpserts,
        (v) => v.store,
        (v) => v.zone,
        (v) => v.enterTs,
        (v) => v.enterId,
        (v) => v.row!.dwellMs,
        (v) => v.row!.prevEnterTs,
      ),
      ...columns(
        tripDeletes,
        (t) => t.store,
        (t) => t.startTs,
        (t) => t.visitor,
      ),
      ...columns(
        tripUpserts,
        (t) => t.store,
        (t) => t.startTs,
        (t) => t.visitor,
        (t) => pathId(t.store, t.path!),
        (t) => t.steps,
      ),
      ...columns(
        openDeletes,
        (o) => o.store,
        (o) => o.zone,
        (o) => o.visitor,
      ),
      ...columns(
        openUpserts,
        (o) => o.store,
        (o) => o.zone,
        (o) => o.visitor,
        (o) => o.lastSeenTs,
      ),
      ...columns(
        zones.deletes,
        (z) => z.store,
        (z) => z.grain,
        (z) => z.t,
        (z) => z.zone,
      ),
      ...columns(
        zones.puts,
        (p) => p.s.store,
        (p) => p.s.grain,
        (p) => p.s.t,
        (p) => p.s.zone,
        (p) => p.visits,
        (p) => p.firsts,
        (p) => p.closed,
        (p) => p.dwellSumMs,
        (p) => p.hist,
      ),
      ...columns(
        revisits,
        (r) => r.store,
        (r) => r.hour,
        (r) => r.zone,
        (r) => r.prevHour,
        (r) => r.n,
      ),
      ...columns(
        paths,
        (p) => p.store,
        (p) => p.grain,
        (p) => p.t,
        (p) => pathId(p.store, p.path),
        (p) => p.n,
      ),
      ...columns(
        transitions,
        (x) => x.store,
        (x) => x.grain,
        (x) => x.t,
        (x) => x.from,
        (x) => x.to,
        (x) => x.n,
      ),
      ...columns(
        doors,
        (x) => x.store,
        (x) => x.grain,
        (x) => x.t,
        (x) => x.zone,
        (x) => x.in,
        (x) => x.out,
      ),
      ...columns(
        storeRows.deletes,
        (z) => z.store,
        (z) => z.grain,
        (z) => z.t,
      ),
      ...columns(
        storeRows.puts,
        (p) => p.store,
        (p) => p.grain,
        (p) => p.t,
        (p) => p.visits,
        (p) => p.firsts,
        (p) => p.closed,
        (p) => p.dwellSumMs,
        (p) => p.stamp,
        (p) => p.hist,
      ),
    ],
  );

  // Tallies that fell may have reached zero: those rows go (a statement of their own, as it must see the sums above; rare).
  const fellRevisits = revisits.filter((r) => r.n < 0);
  const fellPaths = paths.filter((p) => p.n < 0);
  if (fellRevisits.length || fellPaths.length)
    await db.query(
      `WITH r AS (DELETE FROM zone_revisits z USING unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[]) AS d(store, hour, zone, prev_hour)
          WHERE z.store = d.store AND z.hour = d.hour AND z.zone = d.zone AND z.prev_hour = d.prev_hour AND z.n = 0),
       p AS (DELETE FROM path_rollups r USING unnest($5::text[], $6::smallint[], $7::bigint[], $8::int[]) AS d(store, grain, t, path)
          WHERE r.store = d.store AND r.grain = d.grain AND r.t = d.t AND r.path = d.path AND r.n = 0)
       SELECT 1`,
      [
        ...columns(
          fellRevisits,
          (r) => r.store,
          (r) => r.hour,
          (r) => r.zone,
          (r) => r.prevHour,
        ),
        ...columns(
          fellPaths,
          (p) => p.store,
          (p) => p.grain,
          (p) => p.t,
          (p) => pathId(p.store, p.path),
        ),
      ],
    );
}

/** The values of `m` in the order of its keys (code unit order: any one order all commits share). */
function inKeyOrder<V>(m: Map<string, V>): V[] {
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
}

interface PathKey {
  store: string;
  zones: string;
}

const SELECT_PATHS_SQL =
  "SELECT p.store, p.zones, p.id FROM paths p JOIN unnest($1::text[], $2::text[]) AS k(store, zones) ON p.store = k.store AND p.zones = k.zones";
const INSERT_PATHS_SQL =
  "INSERT INTO paths (store, zones) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (store, zones) DO NOTHING RETURNING store, zones, id";

/**
 * The ids of paths `missing` (not in any cache): read, else made (from the sequence), into `ids` and
 * `learned`. Several servers share the database, and two commits may name the same new path at
 * once: the INSERT of the second waits for the first transaction and, once it committed, skips
 * the path (`DO NOTHING` returns no row for it; a SELECT in that statement could not have seen
 * it either). The paths left are read again by a statement of their own, which sees the other's
 * committed row (READ COMMITTED: a snapshot per statement); had the other rolled back, the INSERT
 * made the row itself. New paths go in one order (store, zones), so two commits inserting
 * overlapping sets wait for each other in one direction only, never in a cycle.
 */
async function internPaths(db: ReturnType<typeof prepared>, missing: readonly PathKey[], ids: Map<string, number>, learned: Map<string, number>): Promise<void> {
  let left = [...missing].sort((a, b) => (a.store < b.store ? -1 : a.store > b.store ? 1 : a.zones < b.zones ? -1 : a.zones > b.zones ? 1 : 0));
  const take = (rows: readonly { store: string; zones: string; id: number }[]) => {
    for (const r of rows) {
      const key = r.store + K + r.zones;
      ids.set(key, r.id);
      learned.set(key, r.id);
    }
    left = left.filter((w) => !ids.has(w.store + K + w.zones));
  };
  const cols = () =>
    columns(
      left,
      (w) => w.store,
      (w) => w.zones,
    );
  take((await db.query<{ store: string; zones: string; id: number }>(SELECT_PATHS_SQL, cols())).rows);
  // A path can be skipped by the INSERT and gone again before the SELECT (a store's aggregates rebuilt meanwhile): tried again, a few times.
  for (let round = 0; left.length > 0 && round < 3; round++) {
    take((await db.query<{ store: string; zones: string; id: number }>(INSERT_PATHS_SQL, cols())).rows);
    if (left.length) take((await db.query<{ store: string; zones: string; id: number }>(SELECT_PATHS_SQL, cols())).rows);
  }
  if (left.length) throw new Error(`paths: no id for ${left.length} path(s) of store ${left[0]!.store} after inserting them three times; the commit fails and its messages come again`);
}

/** The statement of {@link writeFolded}: its parameters are the columns of each part, in this order. */
const WRITE_ALL_SQL = (() => {
  let n = 0;
  const cols = (...types: string[]) => types.map((t) => `$${++n}::${t}[]`).join(", ");
  return `WITH
    visit_del AS (DELETE FROM visits v USING unnest(${cols("text", "text", "bigint", "text")}) AS d(store, zone, enter_ts, enter_id)
      WHERE v.store = d.store AND v.zone = d.zone AND v.enter_ts = d.enter_ts AND v.enter_id = d.enter_id),
    visit_put AS (INSERT INTO visits (store, zone, enter_ts, enter_id, dwell_ms, prev_enter_ts)
      SELECT * FROM unnest(${cols("text", "text", "bigint", "text", "bigint", "bigint")})
      ON CONFLICT (store, zone, enter_ts, enter_id) DO UPDATE SET dwell_ms = excluded.dwell_ms, prev_enter_ts = excluded.prev_enter_ts),
    trip_del AS (DELETE FROM trips t USING unnest(${cols("text", "bigint", "text")}) AS d(store, start_ts, visitor)
      WHERE t.store = d.store AND t.start_ts = d.start_ts AND t.visitor = d.visitor),
    trip_put AS (INSERT INTO trips (store, start_ts, visitor, path, step_ts) SELECT * FROM unnest(${cols("text", "bigint", "text", "int", "text")})
      ON CONFLICT (store, start_ts, visitor) DO UPDATE SET path = excluded.path, step_ts = excluded.step_ts),
    open_del AS (DELETE FROM open_visits o USING unnest(${cols("text", "text", "text")}) AS d(store, zone, visitor)
      WHERE o.store = d.store AND o.zone = d.zone AND o.visitor = d.visitor),
    open_put AS (INSERT INTO open_visits (store, zone, visitor, last_seen_ts) SELECT * FROM unnest(${cols("text", "text", "text", "bigint")})
      ON CONFLICT (store, zone, visitor) DO UPDATE SET last_seen_ts = excluded.last_seen_ts),
    zone_del AS (DELETE FROM zone_rollups z USING unnest(${cols("text", "smallint", "bigint", "text")}) AS d(store, grain, t, zone)
      WHERE z.store = d.store AND z.grain = d.grain AND z.t = d.t AND z.zone = d.zone),
    zone_put AS (INSERT INTO zone_rollups (store, grain, t, zone, visits, firsts, closed, dwell_sum_ms, hist)
      SELECT * FROM unnest(${cols("text", "smallint", "bigint", "text", "bigint", "bigint", "bigint", "bigint", "bytea")})
      ON CONFLICT (store, grain, t, zone) DO UPDATE SET visits = excluded.visits, firsts = excluded.firsts, closed = excluded.closed,
        dwell_sum_ms = excluded.dwell_sum_ms, hist = excluded.hist),
    revisit_add AS (INSERT INTO zone_revisits (store, hour, zone, prev_hour, n) SELECT * FROM unnest(${cols("text", "bigint", "text", "bigint", "bigint")})
      ON CONFLICT (store, hour, zone, prev_hour) DO UPDATE SET n = zone_revisits.n + excluded.n),
    path_add AS (INSERT INTO path_rollups (store, grain, t, path, n) SELECT * FROM unnest(${cols("text", "smallint", "bigint", "int", "bigint")})
      ON CONFLICT (store, grain, t, path) DO UPDATE SET n = path_rollups.n + excluded.n),
    transition_add AS (INSERT INTO transition_rollups (store, grain, t, from_zone, to_zone, n) SELECT * FROM unnest(${cols("text", "smallint", "bigint", "text", "text", "bigint")})
      ON CONFLICT (store, grain, t, from_zone, to_zone) DO UPDATE SET n = transition_rollups.n + excluded.n),
    door_add AS (INSERT INTO door_rollups (store, grain, t, zone, n_in, n_out) SELECT * FROM unnest(${cols("text", "smallint", "bigint", "text", "bigint", "bigint")})
      ON CONFLICT (store, grain, t, zone) DO UPDATE SET n_in = door_rollups.n_in + excluded.n_in, n_out = door_rollups.n_out + excluded.n_out),
    store_del AS (DELETE FROM store_rollups z USING unnest(${cols("text", "smallint", "bigint")}) AS d(store, grain, t)
      WHERE z.store = d.store AND z.grain = d.grain AND z.t = d.t),
    store_put AS (INSERT INTO store_rollups (store, grain, t, visits, firsts, closed, dwell_sum_ms, stamp, hist)
      SELECT * FROM unnest(${cols("text", "smallint", "bigint", "bigint", "bigint", "bigint", "bigint", "bigint", "bytea")})
      ON CONFLICT (store, grain, t) DO UPDATE SET visits = excluded.visits, firsts = excluded.firsts, closed = excluded.closed,
        dwell_sum_ms = excluded.dwell_sum_ms, stamp = excluded.stamp, hist = excluded.hist)
  SELECT 1`;
})();

interface ZonePut {
  s: ZoneSum;
  visits: number;
  firsts: number;
  closed: number;
  dwellSumMs: number;
  hist: Buffer | null;
}

/**
 * Zone rollups hold a histogram: the rows touched are read (locked) and merged here, then written
 * back whole by the caller; a row back at zero goes.
 */
async function mergeZoneRollups(raw: PgQueryable, sums: ZoneSum[]): Promise<{ puts: ZonePut[]; deletes: ZoneSum[] }> {
  if (sums.length === 0) return { puts: [], deletes: [] };
  const db = prepared(raw);
  const { rows } = await db.query<{
    store: string;
    grain: number;
    t: number;
    zone: string;
    visits: number;
    firsts: number;
    closed: number;
    dwell_sum_ms: number;
    hist: Buffer | null;
  }>(
    `SELECT z.store, z.grain, z.t, z.zone, z.visits, z.firsts, z.closed, z.dwell_sum_ms, z.hist
       FROM zone_rollups z JOIN unnest($1::text[], $2::smallint[], $3::bigint[], $4::text[]) AS k(store, grain, t, zone)
         ON z.store = k.store AND z.grain = k.grain AND z.t = k.t AND z.zone = k.zone
      ORDER BY z.store, z.grain, z.t, z.zone
        FOR UPDATE OF z`,
    columns(
      sums,
      (s) => s.store,
      (s) => s.grain,
      (s) => s.t,
      (s) => s.zone,
    ),
  );
  const old = new Map(rows.map((r) => [[r.store, r.grain, r.t, r.zone].join(K), r]));
  const puts: ZonePut[] = [];
  const deletes: ZoneSum[] = [];
  for (const s of sums) {
    const o = old.get([s.store, s.grain, s.t, s.zone].join(K));
    const hist = decodeHistogram(o?.hist ?? null);
    mergeHistogram(hist, s.hist);
    const visits = (o?.visits ?? 0) + s.visits;
    if (visits === 0 && hist.size === 0) {
      if (o) deletes.push(s);
      continue;
    }
    puts.push({
      s,
      visits,
      firsts: (o?.firsts ?? 0) + s.firsts,
      closed: (o?.closed ?? 0) + s.closed,
      dwellSumMs: (o?.dwell_sum_ms ?? 0) + s.dwellSumMs,
      hist: hist.size ? encodeHistogram(hist) : null,
    });
  }
  return { puts, deletes };
}

/** A store rollup row to write: the sums of `RollupSum`, its store and stamp, the histogram encoded. */
interface StorePut extends Omit<RollupSum, "hist"> {
  store: string;
  stamp: number;
  hist: Buffer | null;
}

/**
 * The store rollups the zone changes `sums` make (summed per store, grain and t): the rows touched
 * are read (locked) and merged here, written back whole by the caller; a row back at zero goes.
 */
async function mergeStoreRollups(raw: PgQueryable, sums: ZoneSum[]): Promise<{ puts: StorePut[]; deletes: { store: string; grain: number; t: number }[] }> {
  if (sums.length === 0) return { puts: [], deletes: [] };
  const byStore = new Map<string, ZoneSum[]>();
  for (const z of sums) (byStore.get(z.store) ?? byStore.set(z.store, []).get(z.store)!).push(z);
  // In key order (store, grain, t), as the caller's other rows: see writeFolded.
  const changes = [...byStore]
    .flatMap(([store, zs]) => storeSums(zs).map((s) => ({ store, ...s })))
    .sort((a, b) => (a.store < b.store ? -1 : a.store > b.store ? 1 : a.grain - b.grain || a.t - b.t));
  if (changes.length === 0) return { puts: [], deletes: [] };
  const db = prepared(raw);
  const { rows } = await db.query<{ store: string; grain: number; t: string; visits: string; firsts: string; closed: string; dwell_sum_ms: string; stamp: number; hist: Buffer | null }>(
    `SELECT z.store, z.grain, z.t, z.visits, z.firsts, z.closed, z.dwell_sum_ms, z.stamp, z.hist
       FROM store_rollups z JOIN unnest($1::text[], $2::smallint[], $3::bigint[]) AS k(store, grain, t)
         ON z.store = k.store AND z.grain = k.grain AND z.t = k.t
      ORDER BY z.store, z.grain, z.t
        FOR UPDATE OF z`,
    columns(
      changes,
      (s) => s.store,
      (s) => s.grain,
      (s) => s.t,
    ),
  );
  const old = new Map(rows.map((r) => [[r.store, Number(r.grain), Number(r.t)].join(K), r]));
  const puts: StorePut[] = [];
  const deletes: { store: string; grain: number; t: number }[] = [];
  for (const s of changes) {
    const o = old.get([s.store, s.grain, s.t].join(K));
    const hist = decodeHistogram(o?.hist ?? null);
    mergeHistogram(hist, s.hist);
    const visits = Number(o?.visits ?? 0) + s.visits;
    if (visits === 0 && hist.size === 0) {
      if (o) deletes.push(s);
      continue;
    }
    puts.push({
      store: s.store,
      grain: s.grain,
      t: s.t,
      visits,
      firsts: Number(o?.firsts ?? 0) + s.firsts,
      closed: Number(o?.closed ?? 0) + s.closed,
      dwellSumMs: Number(o?.dwell_sum_ms ?? 0) + s.dwellSumMs,
      stamp: nextStamp(o ? Number(o.stamp) : null),
      hist: hist.size ? encodeHistogram(hist) : null,
    });
  }
  return { puts, deletes };
}

// ---- reads ----

/** SQL condition over the whole-hour and whole-day rows of `spans`, its parameters numbered from `first`. */
function rollupWhere(spans: Spans, first: number, tColumn = "t"): { sql: string; params: number[] } {
  const parts: string[] = [];
  const params: number[] = [];
  const p = () => `$${first + params.length}`;
  if (spans.days) {
    const a = p();
    params.push(spans.days[0]);
    const b = p();
    params.push(spans.days[1]);
    parts.push(`(grain = 1 AND ${tColumn} >= ${a} AND ${tColumn} < ${b})`);
  }
  for (const h of spans.hours) {
    const a = p();
    params.push(h[0]);
    const b = p();
    params.push(h[1]);
    parts.push(`(grain = 0 AND ${tColumn} >= ${a} AND ${tColumn} < ${b})`);
  }
  return { sql: parts.length ? `(${parts.join(" OR ")})` : "false", params };
}

/** Raw trips in the partial hours of `spans`: SQL over `trips` with parameters numbered from `first`. */
function partialsWhere(spans: Spans, first: number): { sql: string; params: number[] } {
  const params: number[] = [];
  const parts = spans.partials.map(([a, b]) => {
    params.push(a, b);
    return `(start_ts >= $${first + params.length - 2} AND start_ts < $${first + params.length - 1})`;
  });
  return { sql: parts.length ? `(${parts.join(" OR ")})` : "false", params };
}

export async function zoneTotals(db: PgQueryable, store: string, spans: Spans): Promise<Map<string, ZoneTotals>> {
  const w = rollupWhere(spans, 2);
  const { rows } = await db.query<ZoneTotals & { zone: string }>(
    `SELECT zone, sum(visits) AS visits, sum(firsts) AS firsts, sum(closed) AS closed, sum(dwell_sum_ms) AS "dwellSumMs"
       FROM zone_rollups WHERE store = $1 AND ${w.sql} GROUP BY zone`,
    [store, ...w.params],
  );
  return new Map(rows.map((r) => [r.zone, { visits: r.visits, firsts: r.firsts, closed: r.closed, dwellSumMs: r.dwellSumMs }]));
}

export async function zoneHistograms(db: PgQueryable, store: string, spans: Spans): Promise<Map<string, DwellHistogram>> {
  const w = rollupWhere(spans, 2);
  const { rows } = await db.query<{ zone: string; hist: Buffer }>(`SELECT zone, hist FROM zone_rollups WHERE store = $1 AND ${w.sql} AND hist IS NOT NULL`, [
    store,
    ...w.params,
  ]);
  const out = new Map<string, DwellHistogram>();
  for (const r of rows) {
    let h = out.get(r.zone);
    if (!h) out.set(r.zone, (h = new Map()));
    decodeHistogram(r.hist, h);
  }
  return out;
}

export async function revisitsBefore(db: PgQueryable, store: string, a: number, b: number, before: number): Promise<Map<string, number>> {
  const { rows } = await db.query<{ zone: string; n: number }>(
    "SELECT zone, sum(n) AS n FROM zone_revisits WHERE store = $1 AND hour >= $2 AND hour < $3 AND prev_hour < $4 GROUP BY zone",
    [store, a, b, before],
  );
  return new Map(rows.map((r) => [r.zone, r.n]));
}

export async function revisitHoursOfPrev(db: PgQueryable, store: string, a: number, b: number, prevHour: number): Promise<{ hour: number; zone: string }[]> {
  const { rows } = await db.query<{ hour: number; zone: string }>(
    "SELECT hour, zone FROM zone_revisits WHERE store = $1 AND prev_hour = $2 AND hour >= $3 AND hour < $4 AND n > 0",
    [store, prevHour, a, b],
  );
  return rows;
}

/** Raw trips started in [from, to) whose path holds one of `zones`, with when each step began (../aggregates/trip-steps.ts). */
export async function tripStepsIn(db: PgQueryable, store: string, zones: readonly string[], from: number, to: number): Promise<StoredTripSteps[]> {
  const list = [...new Set(zones)];
  if (list.length === 0) return [];
  const { rows } = await db.query<{ startTs: number; zones: string; steps: string | null }>(
    `SELECT t.start_ts AS "startTs", p.zones AS zones, t.step_ts AS steps FROM trips t JOIN paths p ON p.store = t.store AND p.id = t.path
      WHERE t.store = $1 AND t.start_ts >= $2 AND t.start_ts < $3 AND t.path IN (SELECT id FROM paths WHERE store = $1 AND (',' || zones || ',') LIKE ANY($4::text[]))`,
    [store, from, to, list.map(pathHoldsPattern)],
  );
  return holdingAny(
    rows.map((r) => tripStepsOf(Number(r.startTs), r.zones, r.steps)),
    list,
  );
}

export async function visitsIn(db: PgQueryable, store: string, zone: string, from: number, to: number): Promise<StoredVisit[]> {
  const { rows } = await db.query<StoredVisit>(
    `SELECT enter_ts AS "enterTs", dwell_ms AS "dwellMs", prev_enter_ts AS "prevEnterTs" FROM visits WHERE store = $1 AND zone = $2 AND enter_ts >= $3 AND enter_ts < $4`,
    [store, zone, from, to],
  );
  return rows;
}

export async function visitCount(db: PgQueryable, store: string, zone: string, from: number, to: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>("SELECT count(*) AS n FROM visits WHERE store = $1 AND zone = $2 AND enter_ts >= $3 AND enter_ts < $4", [
    store,
    zone,
    from,
    to,
  ]);
  return rows[0]?.n ?? 0;
}

/** One statement for every zone of `zones`: the primary key (store, zone, enter_ts, ...) answers `zone = ANY(...)`. */
export async function visitsInZones(db: PgQueryable, store: string, zones: readonly string[], from: number, to: number): Promise<Map<string, StoredVisit[]>> {
  const out = new Map<string, StoredVisit[]>();
  if (zones.length === 0) return out;
  const { rows } = await db.query<StoredVisit & { zone: string }>(
    `SELECT zone, enter_ts AS "enterTs", dwell_ms AS "dwellMs", prev_enter_ts AS "prevEnterTs" FROM visits WHERE store = $1 AND zone = ANY($2::text[]) AND enter_ts >= $3 AND enter_ts < $4`,
    [store, [...new Set(zones)], from, to],
  );
  for (const { zone, ...v } of rows) {
    let list = out.get(zone);
    if (!list) out.set(zone, (list = []));
    list.push(v);
  }
  return out;
}

export async function visitCounts(db: PgQueryable, store: string, zones: readonly string[], from: number, to: number): Promise<Map<string, number>> {
  if (zones.length === 0) return new Map();
  const { rows } = await db.query<{ zone: string; n: number }>(
    "SELECT zone, count(*) AS n FROM visits WHERE store = $1 AND zone = ANY($2::text[]) AND enter_ts >= $3 AND enter_ts < $4 GROUP BY zone",
    [store, [...new Set(zones)], from, to],
  );
  return new Map(rows.map((r) => [r.zone, r.n]));
}

export async function knownZones(db: PgQueryable, store: string): Promise<{ visits: string[]; doors: string[] }> {
  const { rows } = await db.query<{ kind: number; zone: string }>(
    `SELECT DISTINCT 0 AS kind, zone FROM zone_rollups WHERE store = $1 AND grain = 1
     UNION ALL SELECT DISTINCT 1, zone FROM door_rollups WHERE store = $1 AND grain = 1`,
    [store],
  );
  return { visits: rows.filter((r) => r.kind === 0).map((r) => r.zone), doors: rows.filter((r) => r.kind === 1).map((r) => r.zone) };
}

export async function zoneHours(db: PgQueryable, store: string, a: number, b: number): Promise<{ zone: string; t: number; n: number }[]> {
  const { rows } = await db.query<{ zone: string; t: number; n: number }>(
    "SELECT zone, t, visits AS n FROM zone_rollups WHERE store = $1 AND grain = 0 AND t >= $2 AND t < $3",
    [store, a, b],
  );
  return rows;
}

export async function doorHours(db: PgQueryable, store: string, a: number, b: number): Promise<{ zone: string; t: number; in: number; out: number }[]> {
  const { rows } = await db.query<{ zone: string; t: number; in: number; out: number }>(
    `SELECT zone, t, n_in AS "in", n_out AS "out" FROM door_rollups WHERE store = $1 AND grain = 0 AND t >= $2 AND t < $3`,
    [store, a, b],
  );
  return rows;
}

/** The first hour with a visit entered or a door count in (each table's first row by its primary key's order). */
export async function firstHour(db: PgQueryable, store: string): Promise<number | null> {
  const { rows } = await db.query<{ t: string | number | null }>(
    `SELECT LEAST((SELECT t FROM zone_rollups WHERE store = $1 AND grain = 0 AND visits > 0 ORDER BY t LIMIT 1),
                  (SELECT t FROM door_rollups WHERE store = $1 AND grain = 0 AND n_in > 0 ORDER BY t LIMIT 1)) AS t`,
    [store],
  );
  const t = rows[0]?.t;
  return t === null || t === undefined ? null : Number(t);
}

export async function doorTotals(db: PgQueryable, store: string, spans: Spans): Promise<Map<string, { in: number; out: number }>> {
  const w = rollupWhere(spans, 2);
  const { rows } = await db.query<{ zone: string; in: number; out: number }>(
    `SELECT zone, sum(n_in) AS "in", sum(n_out) AS "out" FROM door_rollups WHERE store = $1 AND ${w.sql} GROUP BY zone`,
    [store, ...w.params],
  );
  return new Map(rows.map((r) => [r.zone, { in: r.in, out: r.out }]));
}

export async function countsIn(db: PgQueryable, store: string, from: number, to: number): Promise<StoredCount[]> {
  const { rows } = await db.query<StoredCount>(
    `SELECT zone, ts, n_in AS "nIn", n_out AS "nOut" FROM events WHERE store = $1 AND type = 2 AND ts >= $2 AND ts < $3`,
    [store, from, to],
  );
  return rows;
}

export async function openVisitsSince(db: PgQueryable, store: string, since: number): Promise<OpenVisitRow[]> {
  const { rows } = await db.query<OpenVisitRow>(`SELECT zone, visitor, last_seen_ts AS "lastSeenTs" FROM open_visits WHERE store = $1 AND last_seen_ts >= $2`, [
    store,
    since,
  ]);
  return rows;
}

/** {@link knownZones} and {@link openVisitsSince} of many stores, in two statements. */
export async function openMany(
  db: PgQueryable,
  stores: readonly string[],
  since: number,
): Promise<Map<string, { known: { visits: string[]; doors: string[] }; open: OpenVisitRow[] }>> {
  const out = new Map(stores.map((s) => [s, { known: { visits: [] as string[], doors: [] as string[] }, open: [] as OpenVisitRow[] }]));
  if (stores.length === 0) return out;
  const list = arrayLiteral([...out.keys()]);
  const zones = await db.query<{ store: string; kind: number; zone: string }>(
    `SELECT DISTINCT store, 0 AS kind, zone FROM zone_rollups WHERE store = ANY($1::text[]) AND grain = 1
     UNION ALL SELECT DISTINCT store, 1, zone FROM door_rollups WHERE store = ANY($1::text[]) AND grain = 1`,
    [list],
  );
  for (const r of zones.rows) (r.kind === 0 ? out.get(r.store)?.known.visits : out.get(r.store)?.known.doors)?.push(r.zone);
  const open = await db.query<OpenVisitRow & { store: string }>(
    `SELECT store, zone, visitor, last_seen_ts AS "lastSeenTs" FROM open_visits WHERE store = ANY($1::text[]) AND last_seen_ts >= $2`,
    [list, since],
  );
  for (const { store, ...row } of open.rows) out.get(store)?.open.push(row);
  return out;
}

/** The trips per path of a range: a CTE `c(path, n)` (paths with a non-zero count) and its parameters after the store's. */
function tallySql(spans: Spans): { sql: string; params: number[] } {
  const w = rollupWhere(spans, 2);
  const p = partialsWhere(spans, 2 + w.params.length);
  return {
    sql: `c AS (
      SELECT path, sum(n) AS n FROM (
        SELECT path, n FROM path_rollups WHERE store = $1 AND ${w.sql}
        UNION ALL SELECT path, count(*) AS n FROM trips WHERE store = $1 AND ${p.sql} GROUP BY path
      ) x GROUP BY path HAVING sum(n) <> 0)`,
    params: [...w.params, ...p.params],
  };
}

/**
 * The paths report of a range, ordered as the domain's: the `limit` most frequent paths (count
 * desc, then zone by zone), every transition (count desc, then from, then to), every trip. One
 * statement (a chain server asks it of stores it does not ingest, and every statement waits once
 * for its busy event loop): the trips and top paths of the tally, the transitions' rollups, and
 * the partial hours' trips by path, whose steps are transitions too.
 */
export async function pathReport(db: PgQueryable, store: string, spans: Spans, limit: number): Promise<PathReport> {
  const t = tallySql(spans);
  // The transitions read the same rollup spans and partial hours as the tally: the same parameters.
  const w = rollupWhere(spans, 2);
  const p = partialsWhere(spans, 2 + w.params.length);
  const k = Math.max(0, limit);
  const { rows } = await db.query<{ kind: number; zones: string | null; n: number; from: string | null; to: string | null }>(
    `WITH ${t.sql}
     SELECT 0 AS kind, NULL::text AS zones, coalesce(sum(n), 0) AS n, NULL::text AS "from", NULL::text AS "to" FROM c
     UNION ALL (SELECT 1, p.zones, c.n, NULL, NULL FROM c JOIN paths p ON p.store = $1 AND p.id = c.path ORDER BY c.n DESC, p.zones LIMIT ${k})
     UNION ALL SELECT 2, NULL, sum(n), from_zone, to_zone FROM transition_rollups WHERE store = $1 AND ${w.sql} GROUP BY from_zone, to_zone
     UNION ALL SELECT 3, p.zones, count(*), NULL, NULL FROM trips t JOIN paths p ON p.store = t.store AND p.id = t.path
                WHERE t.store = $1 AND ${p.sql.replaceAll("start_ts", "t.start_ts")} GROUP BY p.zones`,
    [store, ...t.params],
  );
  const trips = rows.find((r) => r.kind === 0)?.n ?? 0;
  const paths = rows
    .filter((r) => r.kind === 1)
    .map((r) => ({ zones: r.zones!.split(PATH_SEP) as ZoneId[], count: r.n }))
    .sort((a, b) => b.count - a.count || compareZoneSequences(a.zones, b.zones));
  return { paths, transitions: transitionsOf(rows.filter((r) => r.kind >= 2)), trips };
}

/** Transitions from their rollup rows (`from`, `to`) and the partial hours' trips by path (`zones`, each step one). */
function transitionsOf(rows: readonly { from: string | null; to: string | null; zones: string | null; n: number }[]): PathReport["transitions"] {
  const sums = new Map<string, { from: string; to: string; count: number }>();
  const add = (from: string, to: string, n: number) => {
    const key = from + K + to;
    const s = sums.get(key);
    if (s) s.count += n;
    else sums.set(key, { from, to, count: n });
  };
  for (const r of rows) {
    if (r.zones === null) add(r.from!, r.to!, r.n);
    else {
      const zones = r.zones.split(PATH_SEP);
      for (let i = 1; i < zones.length; i++) add(zones[i - 1]!, zones[i]!, r.n);
    }
  }
  return [...sums.values()]
    .filter((s) => s.count !== 0)
    .sort((a, b) => b.count - a.count || compareIds(a.from, b.from) || compareIds(a.to, b.to))
    .map((s) => ({ from: s.from as ZoneId, to: s.to as ZoneId, count: s.count }));
}

/** Every path with its trips in the range. */
export async function pathCounts(db: PgQueryable, store: string, spans: Spans): Promise<PathCount[]> {
  const t = tallySql(spans);
  const { rows } = await db.query<{ zones: string; n: number }>(`WITH ${t.sql} SELECT p.zones, c.n FROM c JOIN paths p ON p.store = $1 AND p.id = c.path`, [
    store,
    ...t.params,
  ]);
  return rows.map((r) => ({ zones: r.zones.split(PATH_SEP), count: r.n }));
}

// ---- retention (row by row: the contract's; partitions are dropped whole by dropRawBefore) ----

export async function deleteRawBefore(db: PgQueryable, store: string, before: number, limit: number): Promise<number> {
  let left = limit;
  const del = async (sql: string) => (await db.query(sql, [store, before, left])).rowCount ?? 0;
  left -= await del("DELETE FROM events WHERE (store, id, ts) IN (SELECT store, id, ts FROM events WHERE store = $1 AND ts < $2 LIMIT $3)");
  if (left > 0)
    left -= await del(
      "DELETE FROM visits WHERE (store, zone, enter_ts, enter_id) IN (SELECT store, zone, enter_ts, enter_id FROM visits WHERE store = $1 AND enter_ts < $2 LIMIT $3)",
    );
  if (left > 0)
    left -= await del(
      "DELETE FROM trips WHERE (store, start_ts, visitor) IN (SELECT store, start_ts, visitor FROM trips WHERE store = $1 AND start_ts < $2 LIMIT $3)",
    );
  if (left > 0) await db.query("DELETE FROM open_visits WHERE store = $1 AND last_seen_ts < $2", [store, before]);
  return limit - left;
}

export async function deleteRollupsBefore(db: PgQueryable, store: string, before: number): Promise<number> {
  const hour = Math.floor(before / HOUR_MS);
  const day = Math.floor(before / DAY_MS);
  let n = 0;
  for (const table of ["zone_rollups", "store_rollups", "path_rollups", "transition_rollups", "door_rollups"]) {
    n += (await db.query(`DELETE FROM ${table} WHERE store = $1 AND ((grain = 0 AND t < $2) OR (grain = 1 AND t < $3))`, [store, hour, day])).rowCount ?? 0;
  }
  n += (await db.query("DELETE FROM zone_revisits WHERE store = $1 AND hour < $2", [store, hour])).rowCount ?? 0;
  return n;
}
