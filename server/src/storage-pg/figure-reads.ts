/**
 * A dwell or traffic query of one store in ONE statement (issue 12: a chain server answers queries
 * of stores it does not ingest, and every statement waits once for its busy event loop). Each part
 * of the result is what the per-table read of ./aggregates.ts returns (named beside it), so that
 * StoreAnalytics computes the figures from it with its own code; UNION ALL of rows tagged by kind.
 * One statement is also one snapshot: the parts agree with each other even while a commit lands.
 */
import { decodeHistogram, type DwellHistogram } from "../aggregates/dwell-histogram.js";
import type { DwellReads, DwellReadsQuery, StoredVisit, TrafficReads, TrafficReadsQuery, ZoneTotals } from "../storage/types.js";
import type { PgQueryable } from "./pool.js";
import { prepared } from "./aggregates.js";

/** The whole-day and whole-hour rollup rows of a query's spans (null bounds: no such rows), as `rollupWhere` selects them. */
const ROLLUPS = "((grain = 1 AND t >= $3 AND t < $4) OR (grain = 0 AND t >= $5 AND t < $6) OR (grain = 0 AND t >= $7 AND t < $8))";

/**
 * $1 store, $2 zones asked, $3-$8 the rollup spans, $9-$11 the revisits (hours [$9, $10), previous
 * before $11), $12 the hour of previous visits to look up, $13/$14 the partial hours, $15/$16 the
 * range, $17 raw rows kept, $18 the exact-quantile bound (the exact zones' closed visits come as one
 * list of dwell times a zone). The exact and sketch zones are chosen by
 * their closed visits (rollups plus partial hours) as StoreAnalytics chooses them, which checks it.
 */
const DWELL_SQL = `
WITH kv AS (SELECT ARRAY(SELECT DISTINCT zone FROM zone_rollups WHERE store = $1 AND grain = 1) AS zones),
zs AS (SELECT (SELECT zones FROM kv) || $2::text[] AS zones),
tot AS (SELECT zone, sum(visits)::bigint AS visits, sum(firsts)::bigint AS firsts, sum(closed)::bigint AS closed, sum(dwell_sum_ms)::bigint AS dwell
          FROM zone_rollups WHERE store = $1 AND ${ROLLUPS} GROUP BY zone),
ph AS (SELECT hour, zone FROM zone_revisits WHERE store = $1 AND prev_hour = $12 AND hour >= $9 AND hour < $10 AND n > 0),
part AS (SELECT p.i, v.zone, v.enter_ts, v.dwell_ms, v.prev_enter_ts
           FROM unnest($13::bigint[], $14::bigint[]) WITH ORDINALITY AS p(a, b, i),
           LATERAL (SELECT zone, enter_ts, dwell_ms, prev_enter_ts FROM visits
                     WHERE store = $1 AND zone = ANY((SELECT zones FROM zs)::text[]) AND enter_ts >= p.a AND enter_ts < p.b) v),
cl AS (SELECT zone, sum(c) AS c FROM (SELECT zone, closed AS c FROM tot UNION ALL SELECT zone, count(*) FROM part WHERE dwell_ms IS NOT NULL GROUP BY zone) x
        GROUP BY zone HAVING sum(c) > 0),
ex AS (SELECT zone FROM cl WHERE $17::boolean AND c <= $18),
sk AS (SELECT zone FROM cl WHERE NOT ($17::boolean AND c <= $18))
SELECT 'k' AS kind, NULL::bigint AS i, unnest(zones) AS zone, NULL::bigint AS a, NULL::bigint AS b, NULL::bigint AS c, NULL::bigint AS d, NULL::bytea AS hist,
       NULL::text AS list FROM kv
UNION ALL SELECT 't', NULL, zone, visits, firsts, closed, dwell, NULL, NULL FROM tot
UNION ALL SELECT 'r', NULL, zone, sum(n)::bigint, NULL, NULL, NULL, NULL, NULL FROM zone_revisits
           WHERE store = $1 AND hour >= $9 AND hour < $10 AND prev_hour < $11 GROUP BY zone
UNION ALL SELECT 'h', hour, zone, NULL, NULL, NULL, NULL, NULL, NULL FROM ph
UNION ALL SELECT 'p', i, zone, enter_ts, dwell_ms, prev_enter_ts, NULL, NULL, NULL FROM part
UNION ALL SELECT 'x', NULL, zone, NULL, NULL, NULL, NULL, NULL, NULL FROM ex
UNION ALL SELECT 's', NULL, zone, NULL, NULL, NULL, NULL, NULL, NULL FROM sk
UNION ALL SELECT 'e', NULL, zone, NULL, NULL, NULL, NULL, NULL, string_agg(dwell_ms::text, ',') FROM visits
           WHERE store = $1 AND zone = ANY(ARRAY(SELECT zone FROM ex)) AND enter_ts >= $15 AND enter_ts < $16 AND dwell_ms IS NOT NULL GROUP BY zone
UNION ALL SELECT 'g', NULL, zone, NULL, NULL, NULL, NULL, hist, NULL FROM zone_rollups
           WHERE store = $1 AND ${ROLLUPS} AND hist IS NOT NULL AND zone = ANY(ARRAY(SELECT zone FROM sk))
UNION ALL SELECT 'v', ph.hour, v.zone, v.enter_ts, v.dwell_ms, v.prev_enter_ts, NULL, NULL, NULL
            FROM ph, LATERAL (SELECT zone, enter_ts, dwell_ms, prev_enter_ts FROM visits
                               WHERE store = $1 AND zone = ph.zone AND enter_ts >= ph.hour * 3600000 AND enter_ts < (ph.hour + 1) * 3600000) v`;

interface Row {
  kind: string;
  i: number | null;
  zone: string;
  a: number | null;
  b: number | null;
  c: number | null;
  d: number | null;
  hist: Buffer | null;
  list: string | null;
}

const visitOf = (r: Row): StoredVisit => ({ enterTs: r.a!, dwellMs: r.b, prevEnterTs: r.c });
function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export async function dwellReads(db: PgQueryable, store: string, q: DwellReadsQuery): Promise<DwellReads> {
  const { spans } = q;
  const hours = [spans.hours[0] ?? [null, null], spans.hours[1] ?? [null, null]];
  if (spans.hours.length > 2 || spans.partials.length > 2) throw new Error("dwellReads: spans of more than two hour runs or partial hours (spansOf makes at most two)");
  const { rows } = await prepared(db).query<Row>(DWELL_SQL, [
    store,
    [...new Set(q.zones)],
    spans.days?.[0] ?? null,
    spans.days?.[1] ?? null,
    hours[0]![0],
    hours[0]![1],
    hours[1]![0],
    hours[1]![1],
    q.revisits?.a ?? null,
    q.revisits?.b ?? null,
    q.revisits?.before ?? null,
    q.prevHour,
    spans.partials.map((p) => p[0]),
    spans.partials.map((p) => p[1]),
    q.range.from,
    q.range.to,
    q.rawOk,
    q.exactUpTo,
  ]);
  const out: DwellReads = {
    knownVisitZones: [],
    totals: new Map<string, ZoneTotals>(),
    revisits: new Map<string, number>(),
    prevHours: [],
    partials: spans.partials.map(() => new Map<string, StoredVisit[]>()),
    exactZones: [],
    sketchZones: [],
    exact: new Map<string, number[]>(),
    hists: new Map<string, DwellHistogram>(),
    prevVisits: new Map<string, StoredVisit[]>(),
  };
  for (const r of rows) {
    switch (r.kind) {
      case "k":
        out.knownVisitZones.push(r.zone);
        break;
      case "t":
        out.totals.set(r.zone, { visits: r.a!, firsts: r.b!, closed: r.c!, dwellSumMs: r.d! });
        break;
      case "r":
        out.revisits.set(r.zone, r.a!);
        break;
      case "h":
        out.prevHours.push({ hour: r.i!, zone: r.zone });
        break;
      case "p":
        push(out.partials[r.i! - 1]!, r.zone, visitOf(r));
        break;
      case "x":
        out.exactZones.push(r.zone);
        break;
      case "s":
        out.sketchZones.push(r.zone);
        break;
      case "e":
        // One row a zone: its closed visits' dwell as "ms,ms,..." (a row per visit was most of the statement's rows and parsing).
        out.exact.set(r.zone, r.list!.split(",").map(Number));
        break;
      case "g": {
        let h = out.hists.get(r.zone);
        if (!h) out.hists.set(r.zone, (h = new Map()));
        decodeHistogram(r.hist, h);
        break;
      }
      case "v":
        push(out.prevVisits, `${r.i!}|${r.zone}`, visitOf(r));
        break;
    }
  }
  return out;
}

/**
 * $1 store, $2/$3 hours [h0, h1), $4/$5 the parts of hours. Visits of parts are counted in the
 * store's known visit zones (`visitCounts(knownZones().visits, ...)`), door `in` summed per zone
 * (`countsIn`) when the store has door zones.
 */
const TRAFFIC_SQL = `
WITH kv AS (SELECT ARRAY(SELECT DISTINCT zone FROM zone_rollups WHERE store = $1 AND grain = 1) AS zones),
kd AS (SELECT ARRAY(SELECT DISTINCT zone FROM door_rollups WHERE store = $1 AND grain = 1) AS zones),
p AS (SELECT a, b, i FROM unnest($4::bigint[], $5::bigint[]) WITH ORDINALITY AS p(a, b, i))
SELECT 'v' AS kind, unnest(zones) AS zone, NULL::bigint AS t, NULL::bigint AS n, NULL::bigint AS m FROM kv
UNION ALL SELECT 'd', unnest(zones), NULL, NULL, NULL FROM kd
UNION ALL SELECT 'z', zone, t, visits, NULL FROM zone_rollups WHERE store = $1 AND grain = 0 AND t >= $2 AND t < $3
UNION ALL SELECT 'o', zone, t, n_in, n_out FROM door_rollups WHERE store = $1 AND grain = 0 AND t >= $2 AND t < $3
UNION ALL SELECT 'pv', v.zone, p.i, count(*), NULL
            FROM p, LATERAL (SELECT zone FROM visits WHERE store = $1 AND zone = ANY((SELECT zones FROM kv)::text[]) AND enter_ts >= p.a AND enter_ts < p.b) v
           GROUP BY p.i, v.zone
UNION ALL SELECT 'pd', e.zone, p.i, sum(e.n_in)::bigint, NULL
            FROM p, LATERAL (SELECT zone, n_in FROM events WHERE store = $1 AND type = 2 AND ts >= p.a AND ts < p.b) e
           WHERE cardinality((SELECT zones FROM kd)) > 0
           GROUP BY p.i, e.zone`;

export async function trafficReads(db: PgQueryable, store: string, q: TrafficReadsQuery): Promise<TrafficReads> {
  const { rows } = await prepared(db).query<{ kind: string; zone: string; t: number | null; n: number | null; m: number | null }>(TRAFFIC_SQL, [
    store,
    q.hours[0],
    q.hours[1],
    q.pieces.map((p) => p[0]),
    q.pieces.map((p) => p[1]),
  ]);
  const out: TrafficReads = { known: { visits: [], doors: [] }, zoneHours: [], doorHours: [], pieces: new Map() };
  const keys = q.pieces.map(([a, b]) => `${a}:${b}`);
  for (const k of keys) out.pieces.set(k, { visits: new Map(), doorIn: new Map() });
  for (const r of rows) {
    switch (r.kind) {
      case "v":
        out.known.visits.push(r.zone);
        break;
      case "d":
        out.known.doors.push(r.zone);
        break;
      case "z":
        out.zoneHours.push({ zone: r.zone, t: r.t!, n: r.n! });
        break;
      case "o":
        out.doorHours.push({ zone: r.zone, t: r.t!, in: r.n!, out: r.m! });
        break;
      case "pv":
        out.pieces.get(keys[r.t! - 1]!)!.visits.set(r.zone, r.n!);
        break;
      case "pd":
        out.pieces.get(keys[r.t! - 1]!)!.doorIn.set(r.zone, r.n!);
        break;
    }
  }
  return out;
}
