/**
 * The chain overview's figures of many stores for one range, from the stored aggregates: one
 * statement per figure over all the stores (storage.chain), never one per store. The definitions
 * are the per-store views':
 *
 * - enters: the store's enters as `traffic` and `conversion` count them (visits opened in zones of
 *   kind entrance, plus their door counters' `in`);
 * - visitors: the distinct visitors of the entrance zones, as `dwell` counts them per zone, summed
 *   over the entrance zones (exact for a store with one entrance zone);
 * - transactions, sales, conversion (transactions / enters), average basket (sales / transactions):
 *   as `conversion`;
 * - median dwell: of every closed visit to the store's zones other than entrances, from the dwell
 *   sketch of the rollups (within max(1 s, 1 %) of the exact median, DESIGN v1.1 rule 4): the
 *   store rollup's sketch (every zone, ../aggregates/store-rollups.ts) minus the sketches of the
 *   entrance zones, exact as the counts per bin are integers; a store whose store rollups are not
 *   built yet (or disagree with its zone rows) merges its zones' sketches as before.
 *
 * Ranges are whole UTC hours (the caller checks): the rollups answer them whole. A store whose
 * layout changed inside the range has its enters and visitors counted by its own analytics
 * (a zone may have changed kind at the change).
 */
import { binValue } from "../aggregates/dwell-histogram.js";
import { spansOf } from "../aggregates/spans.js";
import { HOUR_MS } from "../analytics/time-parts.js";
import type { Storage } from "../storage/types.js";

export interface StoreFigures {
  enters: number;
  visitors: number;
  transactions: number;
  sales: number;
  /** transactions / enters, or null without enters. */
  conversion: number | null;
  /** sales / transactions, or null without transactions. */
  averageBasket: number | null;
  /** Median dwell (s) of closed visits outside entrances, or null without any. */
  dwellMedianS: number | null;
  /** The closed visits behind the median (to merge medians of several stores). */
  closed: number;
}

/** What the figures need to know of a store. */
export interface StoreSubject {
  id: string;
  /** The kind of a zone in the layout in force at `ts`. */
  kindAt(zone: string, ts: number): string | undefined;
  /** Times the store's layout changed (after its first version). */
  changes: readonly number[];
  /** The zones of kind entrance in the layout in force at `ts` (those `kindAt` calls entrance). */
  entrancesAt(ts: number): readonly string[];
}

/** Enters and visitors of one store counted by its own analytics (a layout change inside the range). */
export type OwnCount = (store: string, range: { from: number; to: number }) => Promise<{ enters: number; visitors: number }>;

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const ratio = (x: number, y: number) => (y > 0 ? round6(x / y) : null);

/** A dwell sketch as dense counts by bin (../aggregates/dwell-histogram.ts). */
export type DenseSketch = Float64Array;

/** Adds `b` into `a` (grown when shorter); returns the sum. */
export function mergeSketch(a: DenseSketch, b: DenseSketch): DenseSketch {
  const out = a.length >= b.length ? a : Float64Array.from({ length: b.length }, (_, i) => a[i] ?? 0);
  for (let i = 0; i < b.length; i++) out[i]! += b[i]!;
  return out;
}

/** `a` minus `b` (a copy, as long as the longer). */
export function subtractSketch(a: DenseSketch, b: DenseSketch): DenseSketch {
  const out = new Float64Array(Math.max(a.length, b.length));
  out.set(a);
  for (let i = 0; i < b.length; i++) out[i]! -= b[i]!;
  return out;
}

/** The k-th smallest value (1-based) the sketch stands for, in ms. */
function kthOf(h: DenseSketch, k: number): number {
  let seen = 0;
  for (let b = 0; b < h.length; b++) {
    seen += h[b]!;
    if (seen >= k) return binValue(b);
  }
  throw new RangeError(`k = ${k} is beyond the ${seen} values held`);
}

/** The median (s) of a sketch of `n` dwell times, as the per-store dwell statistics take it (the mean of the two middle values of an even count). */
export function medianOf(h: DenseSketch, n: number): number | null {
  if (n <= 0) return null;
  const m = n % 2 === 1 ? kthOf(h, (n + 1) / 2) : (kthOf(h, n / 2) + kthOf(h, n / 2 + 1)) / 2;
  return m / 1000;
}

const countOf = (h: DenseSketch) => h.reduce((x, y) => x + y, 0);

/** Sums and merged sketches of several stores' figures: a group's or the chain's totals. */
export class FigureTotals {
  enters = 0;
  visitors = 0;
  transactions = 0;
  sales = 0;
  closed = 0;
  hist: DenseSketch = new Float64Array(0);

  add(f: StoreFigures, hist: DenseSketch | undefined): void {
    this.enters += f.enters;
    this.visitors += f.visitors;
    this.transactions += f.transactions;
    this.sales += f.sales;
    if (hist) {
      this.hist = mergeSketch(this.hist, hist);
      this.closed += f.closed;
    }
  }

  figures(): StoreFigures {
    return {
      enters: this.enters,
      visitors: this.visitors,
      transactions: this.transactions,
      sales: round6(this.sales),
      conversion: ratio(this.transactions, this.enters),
      averageBasket: ratio(this.sales, this.transactions),
      dwellMedianS: medianOf(this.hist, this.closed),
      closed: this.closed,
    };
  }
}

/** What a period's memo keeps of a store: its entrance rows and its non-entrance sketch, and what they were read at. */
interface MemoEntry {
  /** The entrance zones they were read for (the layout at the range's start). */
  entrances: string;
  /** The store rollups' newest stamp and row count when read (../aggregates/store-rollups.ts). */
  stamp: number;
  rows: number;
  /** Visits and first visits of the entrance zones. */
  visits: number;
  firsts: number;
  /** The store's sketch minus its entrance zones'. */
  hist: DenseSketch;
}

/**
 * The sketches of the last few periods asked for, per store: the expensive part of the overview
 * (the dwell sketches of every day of every store). A store's entry is used again only while its
 * store rollups in the period have the same newest stamp and row count (one read without sketches)
 * and its entrance zones are the same; so a period that ended keeps being answered from memory
 * until a late event changes one of its days, and then only that store is read again. Sales, door
 * counts and revisits are read fresh every time (small reads, and sales come from imports).
 */
export class SketchMemo {
  private readonly periods = new Map<string, Map<string, MemoEntry>>();
  /** Stores answered from memory, and read, since the start (for the benchmark and tests). */
  hits = 0;
  misses = 0;
  constructor(private readonly maxPeriods = 9) {}

  period(from: number, to: number): Map<string, MemoEntry> {
    const key = `${from}|${to}`;
    let p = this.periods.get(key);
    if (p) this.periods.delete(key);
    else p = new Map();
    this.periods.set(key, p); // the newest last
    for (const k of this.periods.keys()) {
      if (this.periods.size <= this.maxPeriods) break;
      this.periods.delete(k);
    }
    return p;
  }
}

/** A sketch without its trailing empty bins (a copy). */
const trimmed = (h: DenseSketch): DenseSketch => {
  let n = h.length;
  while (n > 0 && h[n - 1] === 0) n--;
  return h.slice(0, n);
};

/** Each store's figures for [from, to) (whole hours), with each store's merged dwell sketch. */
export async function chainFigures(
  storage: Storage,
  subjects: readonly StoreSubject[],
  range: { from: number; to: number },
  ownCount: OwnCount,
  memo?: SketchMemo,
): Promise<Map<string, { figures: StoreFigures; hist: DenseSketch }>> {
  const { from, to } = range;
  if (from % HOUR_MS !== 0 || to % HOUR_MS !== 0) throw new Error("chainFigures: the range must start and end on whole hours");
  const ids = subjects.map((s) => s.id);
  const spans = spansOf(from, to);
  const bySubject = new Map(subjects.map((s) => [s.id, s]));
  const entrancesOf = new Map(subjects.map((s) => [s.id, s.entrancesAt(from)]));
  // With a memo: the stamps first, read before any sketch, so that a write landing during the reads
  // below changes the stamps after the ones kept (and the next answer reads that store again).
  const period = memo?.period(from, to);
  const stamps = period ? await storage.chain.storeStamps(ids, spans) : null;
  const kept = new Map<string, MemoEntry>();
  if (period && stamps) {
    for (const s of subjects) {
      const e = period.get(s.id);
      if (!e) continue;
      const st = stamps.get(s.id) ?? { stamp: 0, rows: 0 };
      if (e.stamp === st.stamp && e.rows === st.rows && e.entrances === entrancesOf.get(s.id)!.join("\u0000")) kept.set(s.id, e);
      else period.delete(s.id);
    }
    memo!.hits += kept.size;
    memo!.misses += subjects.length - kept.size;
  }
  const reading = subjects.filter((s) => !kept.has(s.id)).map((s) => s.id);
  const entrances = reading.flatMap((store) => entrancesOf.get(store)!.map((zone) => ({ store, zone })));
  const [storeRows, entranceRows, doors, revisits, sales] = await Promise.all([
    storage.chain.storeSketches(reading, spans),
    storage.chain.zoneSketches(entrances, spans),
    storage.chain.doorTotals(ids, spans),
    spans.whole ? storage.chain.revisitsBefore(ids, spans.whole[0], spans.whole[1]) : Promise.resolve([]),
    storage.chain.sales(ids, from, to),
  ]);
  const isEntrance = (store: string, zone: string) => bySubject.get(store)?.kindAt(zone, from) === "entrance";
  const acc = new Map<string, { enters: number; visitors: number; transactions: number; sales: number; hist: DenseSketch }>();
  const get = (store: string) => {
    let a = acc.get(store);
    if (!a) acc.set(store, (a = { enters: 0, visitors: 0, transactions: 0, sales: 0, hist: new Float64Array(0) }));
    return a;
  };
  for (const s of subjects) {
    const e = kept.get(s.id);
    const a = get(s.id);
    if (e) {
      a.enters = e.visits;
      a.visitors = e.firsts;
      a.hist = e.hist;
    } else a.hist = storeRows.get(s.id)?.hist ?? new Float64Array(0);
  }
  // Entrance zones: their visits and first visits; their sketches come off the store's.
  for (const z of entranceRows) {
    const a = get(z.store);
    a.enters += z.visits;
    a.visitors += z.firsts;
    if (storeRows.has(z.store)) a.hist = subtractSketch(a.hist, z.hist);
  }
  // Stores without store rollups (not built yet), or whose store rollups disagree with their zone rows: their zones' sketches merged.
  const slow = reading.filter((store) => !storeRows.has(store) || acc.get(store)!.hist.some((n) => n < 0));
  if (slow.length) {
    const hists = await storage.chain.sketches(slow, spans, (store, zone) => !isEntrance(store, zone));
    for (const store of slow) get(store).hist = hists.get(store) ?? new Float64Array(0);
  }
  if (period && stamps) {
    const slowSet = new Set(slow);
    for (const store of reading) {
      if (slowSet.has(store)) continue;
      const a = acc.get(store)!;
      const st = stamps.get(store) ?? { stamp: 0, rows: 0 };
      period.set(store, { entrances: entrancesOf.get(store)!.join("\u0000"), stamp: st.stamp, rows: st.rows, visits: a.enters, firsts: a.visitors, hist: trimmed(a.hist) });
    }
  }
  for (const d of doors) if (isEntrance(d.store, d.zone)) get(d.store).enters += d.in;
  for (const r of revisits) if (isEntrance(r.store, r.zone)) get(r.store).visitors += r.n;
  for (const s of sales) {
    const a = get(s.store);
    a.transactions = s.transactions;
    a.sales = s.sales;
  }
  // A layout change inside the range: the store's own analytics cut the range at it, as `traffic` does.
  const changed = subjects.filter((s) => s.changes.some((t) => t > from && t < to));
  await Promise.all(
    changed.map(async (s) => {
      const own = await ownCount(s.id, range);
      const a = get(s.id);
      a.enters = own.enters;
      a.visitors = own.visitors;
    }),
  );
  const out = new Map<string, { figures: StoreFigures; hist: DenseSketch }>();
  for (const [store, a] of acc) {
    const closed = countOf(a.hist);
    out.set(store, {
      hist: a.hist,
      figures: {
        enters: a.enters,
        visitors: a.visitors,
        transactions: a.transactions,
        sales: round6(a.sales),
        conversion: ratio(a.transactions, a.enters),
        averageBasket: ratio(a.sales, a.transactions),
        dwellMedianS: medianOf(a.hist, closed),
        closed,
      },
    });
  }
  return out;
}
