/**
 * Reads of many stores at once, for the chain overview: one statement per figure over every store
 * asked for, never one per store. Written once for both adapters: plain SQL that SQLite and
 * PostgreSQL both run (`?` placeholders, numbered for PostgreSQL by the adapter), the set of stores
 * passed as one parameter (SQLite: a JSON array read by `json_each`; PostgreSQL: a text array).
 * PostgreSQL answers sums of bigint as strings: every number is read through `Number`.
 */
import type { Query } from "../alerts/store.js";
import type { ChainStore } from "../storage/types.js";
import { decodeHistogram } from "./dwell-histogram.js";
import type { Spans } from "./spans.js";
import { addToDense } from "./store-rollups.js";

export type Dialect = "sqlite" | "postgres";

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const str = (v: unknown): string => String(v);

/**
 * The rollup rows of `spans` as one SELECT per run of whole days or whole hours, joined by UNION
 * ALL: each run is a range on the primary key (store, grain, t, ...), where an OR of the runs in one
 * WHERE makes SQLite read every row of each store (a period reaching today has both). `select`
 * writes one run's statement ending with the condition it is given; its arguments come first.
 */
function perRun(spans: Spans, select: (cond: string) => { sql: string; args: unknown[] }, table = ""): { sql: string; args: unknown[] } {
  const col = table ? `${table}.` : "";
  const runs: [number, number, number][] = [];
  if (spans.days) runs.push([1, ...spans.days]);
  for (const h of spans.hours) runs.push([0, ...h]);
  if (!runs.length) return select("1 = 0");
  const parts = runs.map(([grain, a, b]) => {
    const q = select(`${col}grain = ? AND ${col}t >= ? AND ${col}t < ?`);
    return { sql: q.sql, args: [...q.args, grain, a, b] };
  });
  return { sql: parts.map((p) => p.sql).join(" UNION ALL "), args: parts.flatMap((p) => p.args) };
}

export function chainStore(read: Query, dialect: Dialect): ChainStore {
  /** `store IN (the stores)`, and the one argument that carries them. */
  const inStores = (stores: readonly string[], col = "store") =>
    dialect === "sqlite"
      ? { sql: `${col} IN (SELECT value FROM json_each(?))`, arg: JSON.stringify(stores) as unknown }
      : { sql: `${col} = ANY(?::text[])`, arg: [...stores] as unknown };

  return {
    zoneTotals: async (stores, spans) => {
      if (!stores.length) return [];
      const s = inStores(stores);
      const u = perRun(spans, (cond) => ({ sql: `SELECT store, zone, visits, firsts, closed, dwell_sum_ms FROM zone_rollups WHERE ${s.sql} AND ${cond}`, args: [s.arg] }));
      const rows = await read(
        `SELECT store, zone, SUM(visits) AS visits, SUM(firsts) AS firsts, SUM(closed) AS closed, SUM(dwell_sum_ms) AS dwell
           FROM (${u.sql}) r GROUP BY store, zone`,
        u.args,
      );
      return rows.map((r) => ({ store: str(r.store), zone: str(r.zone), visits: num(r.visits), firsts: num(r.firsts), closed: num(r.closed), dwellSumMs: num(r.dwell) }));
    },
    doorTotals: async (stores, spans) => {
      if (!stores.length) return [];
      const s = inStores(stores);
      const u = perRun(spans, (cond) => ({ sql: `SELECT store, zone, n_in, n_out FROM door_rollups WHERE ${s.sql} AND ${cond}`, args: [s.arg] }));
      const rows = await read(`SELECT store, zone, SUM(n_in) AS n_in, SUM(n_out) AS n_out FROM (${u.sql}) r GROUP BY store, zone`, u.args);
      return rows.map((r) => ({ store: str(r.store), zone: str(r.zone), in: num(r.n_in), out: num(r.n_out) }));
    },
    revisitsBefore: async (stores, a, b) => {
      if (!stores.length || !(b > a)) return [];
      const s = inStores(stores);
      const rows = await read(`SELECT store, zone, SUM(n) AS n FROM zone_revisits WHERE ${s.sql} AND hour >= ? AND hour < ? AND prev_hour < ? GROUP BY store, zone`, [s.arg, a, b, a]);
      return rows.map((r) => ({ store: str(r.store), zone: str(r.zone), n: num(r.n) }));
    },
    histograms: async (stores, spans) => {
      if (!stores.length) return [];
      const s = inStores(stores);
      const u = perRun(spans, (cond) => ({ sql: `SELECT store, zone, hist FROM zone_rollups WHERE ${s.sql} AND hist IS NOT NULL AND ${cond}`, args: [s.arg] }));
      const rows = await read(u.sql, u.args);
      const out = new Map<string, { store: string; zone: string; hist: Map<number, number> }>();
      for (const r of rows) {
        const key = `${str(r.store)}\u0000${str(r.zone)}`;
        let h = out.get(key);
        if (!h) out.set(key, (h = { store: str(r.store), zone: str(r.zone), hist: new Map() }));
        decodeHistogram(r.hist as Uint8Array, h.hist);
      }
      return [...out.values()];
    },
    sketches: async (stores, spans, include) => {
      const out = new Map<string, Float64Array>();
      if (!stores.length) return out;
      const s = inStores(stores);
      const u = perRun(spans, (cond) => ({ sql: `SELECT store, zone, hist FROM zone_rollups WHERE ${s.sql} AND hist IS NOT NULL AND ${cond}`, args: [s.arg] }));
      const rows = await read(u.sql, u.args);
      for (const r of rows) {
        const store = str(r.store);
        if (!include(store, str(r.zone))) continue;
        const buf = r.hist as Uint8Array;
        const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
        let dense = out.get(store) ?? new Float64Array(0);
        for (let o = 0; o + 8 <= buf.byteLength; o += 8) {
          const bin = view.getUint32(o, true);
          if (bin >= dense.length) {
            const grown = new Float64Array(Math.max(bin + 1, dense.length * 2, 512));
            grown.set(dense);
            dense = grown;
          }
          dense[bin]! += view.getInt32(o + 4, true);
        }
        out.set(store, dense);
      }
      return out;
    },
    storeSketches: async (stores, spans) => {
      const out = new Map<string, { visits: number; closed: number; hist: Float64Array; stamp: number; rows: number }>();
      if (!stores.length) return out;
      const s = inStores(stores);
      const pending = new Set((await read(`SELECT store FROM store_rollups_pending WHERE ${s.sql}`, [s.arg])).map((r) => str(r.store)));
      for (const store of stores) if (!pending.has(store)) out.set(store, { visits: 0, closed: 0, hist: new Float64Array(0), stamp: 0, rows: 0 });
      const u = perRun(spans, (cond) => ({ sql: `SELECT store, visits, closed, stamp, hist FROM store_rollups WHERE ${s.sql} AND ${cond}`, args: [s.arg] }));
      const rows = await read(u.sql, u.args);
      for (const r of rows) {
        const a = out.get(str(r.store));
        if (!a) continue;
        a.visits += num(r.visits);
        a.closed += num(r.closed);
        a.stamp = Math.max(a.stamp, num(r.stamp));
        a.rows++;
        a.hist = addToDense(a.hist, r.hist as Uint8Array | null);
      }
      return out;
    },
    storeStamps: async (stores, spans) => {
      const out = new Map<string, { stamp: number; rows: number }>();
      if (!stores.length) return out;
      const s = inStores(stores);
      const u = perRun(spans, (cond) => ({ sql: `SELECT store, stamp FROM store_rollups WHERE ${s.sql} AND ${cond}`, args: [s.arg] }));
      const rows = await read(`SELECT store, MAX(stamp) AS stamp, COUNT(*) AS n FROM (${u.sql}) r GROUP BY store`, u.args);
      for (const r of rows) out.set(str(r.store), { stamp: num(r.stamp), rows: num(r.n) });
      return out;
    },
    pieceStamps: async (stores, spans) => {
      if (!stores.length) return [];
      const s = inStores(stores);
      // Each day its row (covering index store_rollups_stamps); each run of hours grouped: one SELECT each, UNION ALL.
      const parts: { sql: string; args: unknown[] }[] = [];
      if (spans.days) parts.push({ sql: `SELECT store, grain, t, stamp, 1 AS n FROM store_rollups WHERE ${s.sql} AND grain = 1 AND t >= ? AND t < ?`, args: [s.arg, ...spans.days] });
      for (const [a, b] of spans.hours)
        parts.push({ sql: `SELECT store, MIN(grain) AS grain, MIN(t) AS t, MAX(stamp) AS stamp, COUNT(*) AS n FROM store_rollups WHERE ${s.sql} AND grain = 0 AND t >= ? AND t < ? GROUP BY store`, args: [s.arg, a, b] });
      if (!parts.length) return [];
      const rows = await read(parts.map((p) => p.sql).join(" UNION ALL "), parts.flatMap((p) => p.args));
      return rows.map((r) => ({ store: str(r.store), grain: num(r.grain), t: num(r.t), stamp: num(r.stamp), rows: num(r.n) }));
    },
    zoneSketches: async (zones, spans) => {
      if (!zones.length) return [];
      const pairs =
        dialect === "sqlite"
          ? { sql: "SELECT json_extract(value, '$[0]') AS store, json_extract(value, '$[1]') AS zone FROM json_each(?)", args: [JSON.stringify(zones.map((z) => [z.store, z.zone]))] as unknown[] }
          : { sql: "SELECT * FROM unnest(?::text[], ?::text[]) AS p(store, zone)", args: [zones.map((z) => z.store), zones.map((z) => z.zone)] as unknown[] };
      const u = perRun(spans, (cond) => ({
        sql: `SELECT z.store, z.zone, z.visits, z.firsts, z.closed, z.hist FROM (${pairs.sql}) k JOIN zone_rollups z ON z.store = k.store AND z.zone = k.zone WHERE ${cond}`,
        args: pairs.args,
      }), "z");
      const rows = await read(u.sql, u.args);
      const out = new Map<string, { store: string; zone: string; visits: number; firsts: number; closed: number; hist: Float64Array }>();
      for (const r of rows) {
        const key = `${str(r.store)}\u0000${str(r.zone)}`;
        let a = out.get(key);
        if (!a) out.set(key, (a = { store: str(r.store), zone: str(r.zone), visits: 0, firsts: 0, closed: 0, hist: new Float64Array(0) }));
        a.visits += num(r.visits);
        a.firsts += num(r.firsts);
        a.closed += num(r.closed);
        a.hist = addToDense(a.hist, r.hist as Uint8Array | null);
      }
      return [...out.values()];
    },
    countsIn: async (stores, from, to) => {
      if (!stores.length || !(to > from)) return [];
      const s = inStores(stores);
      const rows = await read(`SELECT store, SUM(n_in) AS n_in, SUM(n_out) AS n_out FROM events WHERE ${s.sql} AND type = 2 AND ts >= ? AND ts < ? GROUP BY store`, [s.arg, from, to]);
      return rows.map((r) => ({ store: str(r.store), in: num(r.n_in), out: num(r.n_out) }));
    },
    openVisitors: async (stores, since) => {
      if (!stores.length) return [];
      const s = inStores(stores);
      const rows = await read(`SELECT store, COUNT(DISTINCT visitor) AS n FROM open_visits WHERE ${s.sql} AND last_seen_ts >= ? GROUP BY store`, [s.arg, since]);
      return rows.map((r) => ({ store: str(r.store), n: num(r.n) }));
    },
    doorStores: async (stores) => {
      if (!stores.length) return [];
      // A store "has door counters" once any day rollup of door counts exists (as StoreAnalytics knows its door zones).
      const list = dialect === "sqlite" ? { sql: "SELECT value AS store FROM json_each(?)", arg: JSON.stringify(stores) } : { sql: "SELECT unnest(?::text[]) AS store", arg: [...stores] };
      const rows = await read(`SELECT s.store FROM (${list.sql}) s WHERE EXISTS (SELECT 1 FROM door_rollups d WHERE d.store = s.store AND d.grain = 1)`, [list.arg]);
      return rows.map((r) => str(r.store));
    },
    doorZones: async (stores) => {
      const out = new Map<string, string[]>();
      if (!stores.length) return out;
      const s = inStores(stores);
      // aggregates.knownZones' doors (its day rows' zones), without its visit zones, for them all.
      const rows = await read(`SELECT DISTINCT store, zone FROM door_rollups WHERE ${s.sql} AND grain = 1 ORDER BY store, zone`, [s.arg]);
      for (const r of rows) (out.get(str(r.store)) ?? out.set(str(r.store), []).get(str(r.store))!).push(str(r.zone));
      return out;
    },
    firstHours: async (stores) => {
      const out = new Map<string, number>();
      if (!stores.length) return out;
      // Each store's first hour rollup with a visit or a door count in (aggregates.firstHour), each read by the primary key's order.
      const list = dialect === "sqlite" ? { sql: "SELECT DISTINCT value AS store FROM json_each(?)", arg: JSON.stringify(stores) } : { sql: "SELECT DISTINCT unnest(?::text[]) AS store", arg: [...stores] };
      const rows = await read(
        `SELECT s.store,
           (SELECT z.t FROM zone_rollups z WHERE z.store = s.store AND z.grain = 0 AND z.visits > 0 ORDER BY z.t LIMIT 1) AS v,
           (SELECT d.t FROM door_rollups d WHERE d.store = s.store AND d.grain = 0 AND d.n_in > 0 ORDER BY d.t LIMIT 1) AS d
         FROM (${list.sql}) s`,
        [list.arg],
      );
      for (const r of rows) {
        const hours = [r.v, r.d].filter((t) => t !== null && t !== undefined).map(num);
        if (hours.length) out.set(str(r.store), Math.min(...hours));
      }
      return out;
    },
    firstSales: async (stores) => {
      const out = new Map<string, number>();
      if (!stores.length) return out;
      // Each store's oldest sale, read by the (store, ts) index: one row per store, not a scan of its sales.
      const list = dialect === "sqlite" ? { sql: "SELECT DISTINCT value AS store FROM json_each(?)", arg: JSON.stringify(stores) } : { sql: "SELECT DISTINCT unnest(?::text[]) AS store", arg: [...stores] };
      const rows = await read(`SELECT s.store, (SELECT x.ts FROM sales x WHERE x.store = s.store ORDER BY x.ts LIMIT 1) AS first FROM (${list.sql}) s`, [list.arg]);
      for (const r of rows) if (r.first !== null && r.first !== undefined) out.set(str(r.store), num(r.first));
      return out;
    },
    sales: async (stores, from, to) => {
      if (!stores.length || !(to > from)) return [];
      const s = inStores(stores);
      const rows = await read(`SELECT store, COUNT(*) AS n, SUM(amount) AS total FROM sales WHERE ${s.sql} AND ts >= ? AND ts < ? GROUP BY store`, [s.arg, from, to]);
      return rows.map((r) => ({ store: str(r.store), transactions: num(r.n), sales: num(r.total) }));
    },
    salesByDay: async (stores, from, to) => {
      if (!stores.length || !(to > from)) return [];
      const s = inStores(stores);
      const rows = await read(`SELECT store, ts / 86400000 AS day, COUNT(*) AS n, SUM(amount) AS total FROM sales WHERE ${s.sql} AND ts >= ? AND ts < ? GROUP BY store, ts / 86400000`, [s.arg, from, to]);
      return rows.map((r) => ({ store: str(r.store), day: num(r.day), transactions: num(r.n), sales: num(r.total) }));
    },
    salesMark: async (after) => {
      if (dialect !== "sqlite") return null;
      const mark = num((await read("SELECT MAX(rowid) AS m FROM sales", []))[0]?.m);
      if (after === null || mark === after) return { mark, changed: [] };
      if (mark < after) return { mark, changed: null };
      const rows = await read("SELECT store, ts FROM sales WHERE rowid > ? AND rowid <= ?", [after, mark]);
      return { mark, changed: rows.map((r) => ({ store: str(r.store), ts: num(r.ts) })) };
    },
    agents: async (stores) => {
      if (!stores.length) return [];
      const s = inStores(stores);
      const rows = await read(
        `SELECT store, COUNT(*) AS n, SUM(CASE WHEN state = 'online' THEN 1 ELSE 0 END) AS online, MAX(last_event_ts) AS last_event, MAX(last_received_at) AS last_received
           FROM agents WHERE ${s.sql} AND revoked_at IS NULL GROUP BY store`,
        [s.arg],
      );
      return rows.map((r) => ({
        store: str(r.store),
        agents: num(r.n),
        online: num(r.online),
        lastEventTs: r.last_event === null ? null : num(r.last_event),
        lastReceivedAt: r.last_received === null ? null : num(r.last_received),
      }));
    },
  };
}
