import { type CountEvent, type FootfallEvent, type VisitorEvent } from "@footfall/core";
import { valueRows, type Db } from "../database.js";
import { eventFromRow as fromRow, TYPE_CODE, type EventRow } from "../../storage/event-rows.js";

/** Accepted events, deduplicated by (store, id). */
const VISITORS_PER_QUERY = 200;
/**
 * Rows per multi-row events INSERT (12 x 256 = 3,072 parameters, well under SQLite's 32,766): one
 * statement per row cost ~0.4 us an event more in binding, stepping and its result object
 * (micro-benchmark, 300,000 events in 10,000-event transactions; 64 rows a statement saved ~0.25).
 */
export const ROWS_PER_INSERT = 256;
const EVENT_COLUMNS = 12;
const EVENT_INSERT = "INSERT INTO events (store, id, ts, type, zone, visitor, n_in, n_out, x, y, agent, received_at) VALUES";
// The planner would scan the store for a long IN list: the visitor index is named.
const countByVisitorsSql = (n: number) =>
  `SELECT visitor, COUNT(*) AS n FROM events INDEXED BY events_by_visitor WHERE store = ? AND visitor IS NOT NULL AND visitor IN (${Array.from({ length: n }, () => "?").join(", ")}) GROUP BY visitor`;

export class EventsRepo {
  private readonly q;
  constructor(private readonly db: Db) {
    this.q = {
      countByVisitors: db.prepare<string[], { visitor: string; n: number }>(countByVisitorsSql(VISITORS_PER_QUERY)),
      insert: db.prepare(`${EVENT_INSERT} ${valueRows(EVENT_COLUMNS, 1)} ON CONFLICT DO NOTHING`),
      insertChunk: db.prepare(`${EVENT_INSERT} ${valueRows(EVENT_COLUMNS, ROWS_PER_INSERT)} ON CONFLICT DO NOTHING`),
      // A chunk's own savepoint: a chunk that met a stored (or repeated) id is undone and inserted row by row.
      chunkBegin: db.prepare("SAVEPOINT footfall_events_chunk"),
      chunkEnd: db.prepare("RELEASE footfall_events_chunk"),
      chunkUndo: db.prepare("ROLLBACK TO footfall_events_chunk"),
      // The id range of an agent's events of a UTC day, widened by every insert: what retention deletes by (no time index).
      noteDay: db.prepare(
        `INSERT INTO event_days (store, day, agent, min_id, max_id) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET min_id = min(min_id, excluded.min_id), max_id = max(max_id, excluded.max_id)`,
      ),
      byVisitor: db.prepare<[string, string], EventRow>(
        "SELECT id, ts, type, zone, visitor, n_in, n_out, x, y FROM events WHERE store = ? AND visitor = ? ORDER BY ts, id",
      ),
      allVisitorEvents: db.prepare<[string], EventRow>(
        "SELECT id, ts, type, zone, visitor, n_in, n_out, x, y FROM events WHERE store = ? AND visitor IS NOT NULL ORDER BY visitor, ts, id",
      ),
      counts: db.prepare<[string], EventRow>("SELECT id, ts, type, zone, visitor, n_in, n_out, x, y FROM events WHERE store = ? AND type = 2 ORDER BY ts"),
      total: db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM events WHERE store = ?"),
      agentDoorSums: db.prepare<[string, string, number, number], { zone: string; in: number; out: number }>(
        "SELECT zone, sum(n_in) AS \"in\", sum(n_out) AS out FROM events INDEXED BY events_counts WHERE store = ? AND type = 2 AND agent = ? AND ts >= ? AND ts < ? GROUP BY zone ORDER BY zone",
      ),
    };
  }

  /** Insert one event; false when its id was already accepted for the store (a duplicate). Call inside a transaction. */
  insert(store: string, agent: string, e: FootfallEvent, receivedAt: number): boolean {
    const fresh = this.insertRow(store, agent, e, receivedAt);
    this.q.noteDay.run(store, dayOf(e.ts), agent, e.id, e.id);
    return fresh;
  }
  private insertRow(store: string, agent: string, e: FootfallEvent, receivedAt: number): boolean {
    bindRow(this.one, 0, store, agent, e, receivedAt);
    return this.q.insert.run(this.one).changes === 1;
  }
  /** One row's parameters, and a chunk's (reused: statements run synchronously). */
  private readonly one = new Array<unknown>(EVENT_COLUMNS);
  private readonly chunk = new Array<unknown>(EVENT_COLUMNS * ROWS_PER_INSERT);

  /**
   * Insert events `ROWS_PER_INSERT` at a time with one multi-row statement, each chunk in a
   * savepoint: when a chunk inserted fewer rows than it holds (an id stored before, or repeated in
   * the chunk), it is undone and its events are inserted one by one, so that every event's answer is
   * the one-by-one insert's. Sets `out[i]` (whether event i was new) for every event.
   */
  private insertRows(store: string, agent: string, events: readonly FootfallEvent[], receivedAt: number, out: boolean[]): void {
    const q = this.q;
    let i = 0;
    for (; i + ROWS_PER_INSERT <= events.length; i += ROWS_PER_INSERT) {
      const params = this.chunk;
      for (let j = 0; j < ROWS_PER_INSERT; j++) bindRow(params, j * EVENT_COLUMNS, store, agent, events[i + j]!, receivedAt);
      q.chunkBegin.run();
      let whole: boolean;
      try {
        whole = q.insertChunk.run(params).changes === ROWS_PER_INSERT;
        if (!whole) q.chunkUndo.run();
        q.chunkEnd.run();
      } catch (err) {
        // A failing statement (disk full, I/O) undid itself; the savepoint goes too, then the caller's transaction fails.
        if (this.db.inTransaction) {
          try {
            q.chunkUndo.run();
            q.chunkEnd.run();
          } catch {
            /* SQLite ended the savepoint itself; the caller's rollback follows */
          }
        }
        throw err;
      }
      if (whole) for (let j = 0; j < ROWS_PER_INSERT; j++) out[i + j] = true;
      else for (let j = 0; j < ROWS_PER_INSERT; j++) out[i + j] = this.insertRow(store, agent, events[i + j]!, receivedAt);
    }
    for (; i < events.length; i++) out[i] = this.insertRow(store, agent, events[i]!, receivedAt);
  }

  /** Insert events of one agent; for each, whether it was new. Call inside a transaction. */
  insertMany(store: string, agent: string, events: readonly FootfallEvent[], receivedAt: number): boolean[] {
    const out = new Array<boolean>(events.length);
    this.insertRows(store, agent, events, receivedAt, out);
    // Per UTC day of the events: the lowest and highest id, noted once for the call (usually one day).
    let day = Number.NaN;
    let lo = "";
    let hi = "";
    let others: Map<number, [string, string]> | null = null;
    // JavaScript's `<` is SQLite's order unless an id holds a surrogate pair (see idBefore): this
    // one check per id picks `<` or the code-point comparison, not a second one in each comparison.
    let plain = true;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const id = e.id;
      if (plain && SURROGATE.test(id)) plain = false;
      const d = dayOf(e.ts);
      if (d === day) {
        if (plain ? id < lo : codePointBefore(id, lo)) lo = id;
        else if (plain ? hi < id : codePointBefore(hi, id)) hi = id;
      } else if (i === 0) {
        day = d;
        lo = hi = id;
      } else {
        const r = (others ??= new Map()).get(d);
        if (!r) others.set(d, [id, id]);
        else if (plain ? id < r[0] : codePointBefore(id, r[0])) r[0] = id;
        else if (plain ? r[1] < id : codePointBefore(r[1], id)) r[1] = id;
      }
    }
    if (events.length) this.q.noteDay.run(store, day, agent, lo, hi);
    if (others) for (const [d, [a, b]] of others) this.q.noteDay.run(store, d, agent, a, b);
    return out;
  }
  /** A visitor's events, by ts then id. */
  visitorEvents(store: string, visitor: string): VisitorEvent[] {
    return this.q.byVisitor.all(store, visitor).map(fromRow) as VisitorEvent[];
  }
  /**
   * The events of each of `visitors` (by ts then id). `known` says how many events of a visitor the
   * caller holds already (e.g. those it just inserted): a visitor with no more than that stored is
   * answered from an index count alone, so brand-new visitors cost no row reads.
   */
  visitorsEvents(store: string, visitors: readonly string[], known?: (visitor: string) => number): Map<string, VisitorEvent[]> {
    const out = new Map<string, VisitorEvent[]>(visitors.map((v) => [v, []]));
    const toRead: string[] = [];
    for (let i = 0; i < visitors.length; i += VISITORS_PER_QUERY) {
      const chunk = visitors.slice(i, i + VISITORS_PER_QUERY);
      if (!known) {
        toRead.push(...chunk);
        continue;
      }
      const stmt = chunk.length === VISITORS_PER_QUERY ? this.q.countByVisitors : this.db.prepare<string[], { visitor: string; n: number }>(countByVisitorsSql(chunk.length));
      for (const r of stmt.iterate(store, ...chunk)) if (r.n > known(r.visitor)) toRead.push(r.visitor);
    }
    for (const visitor of toRead) out.set(visitor, this.visitorEvents(store, visitor));
    return out;
  }
  /** Every visitor event of a store, grouped by visitor (in ts order within a visitor), streamed. */
  *iterateVisitorEvents(store: string): Generator<VisitorEvent> {
    for (const r of this.q.allVisitorEvents.iterate(store)) yield fromRow(r) as VisitorEvent;
  }
  *iterateCounts(store: string): Generator<CountEvent> {
    for (const r of this.q.counts.iterate(store)) yield fromRow(r) as CountEvent;
  }
  total(store: string): number {
    return this.q.total.get(store)?.n ?? 0;
  }
  /** The door counts `agent` sent for `store` with `ts` in [from, to), summed per zone. */
  agentDoorSums(store: string, agent: string, from: number, to: number): { zone: string; in: number; out: number }[] {
    return this.q.agentDoorSums.all(store, agent, from, to);
  }
}

/** Writes an event's row parameters (the columns of `EVENT_INSERT`) at `out[o..]`. */
function bindRow(out: unknown[], o: number, store: string, agent: string, e: FootfallEvent, receivedAt: number): void {
  out[o] = store;
  out[o + 1] = e.id;
  out[o + 2] = e.ts;
  out[o + 3] = TYPE_CODE[e.type];
  out[o + 4] = e.type === "position" ? null : e.zone;
  out[o + 5] = e.type === "count" ? null : e.visitor;
  out[o + 6] = e.type === "count" ? e.in : null;
  out[o + 7] = e.type === "count" ? e.out : null;
  out[o + 8] = e.type === "position" ? e.x : null;
  out[o + 9] = e.type === "position" ? e.y : null;
  out[o + 10] = agent;
  out[o + 11] = receivedAt;
}

const DAY_MS = 86_400_000;
/** The UTC day number of a time, as SQLite computes `ts / 86400000` for an integer (truncated toward zero). */
export const dayOf = (ts: number): number => Math.trunc(ts / DAY_MS);

const SURROGATE = /[\uD800-\uDFFF]/;
/**
 * Whether id `a` sorts before `b` in SQLite's order of TEXT (BINARY: UTF-8 bytes, i.e. code points).
 * JavaScript's `<` compares UTF-16 code units, which agrees unless a surrogate pair meets a code unit
 * from U+E000 up: then the code points are compared.
 */
export function idBefore(a: string, b: string): boolean {
  return !SURROGATE.test(a) && !SURROGATE.test(b) ? a < b : codePointBefore(a, b);
}

/** `a` before `b` by code points (right for any strings; `<` agrees when neither holds a surrogate). */
function codePointBefore(a: string, b: string): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; ) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y;
    i += x > 0xffff ? 2 : 1;
  }
  return a.length < b.length;
}
