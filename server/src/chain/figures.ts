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

/** Each store's figures for [from, to) (whole hours), with each store's merged dwell sketch. */
export async function chainFigures(
  storage: Storage,
  subjects: readonly StoreSubject[],
  range: { from: number; to: number },
  ownCount: OwnCount,
): Promise<Map<string, { figures: StoreFigures; hist: DenseSketch }>> {
  const { from, to } = range;
  if (from % HOUR_MS !== 0 || to % HOUR_MS !== 0) throw new Error("chainFigures: the range must start and end on whole hours");
  const ids = subjects.map((s) => s.id);
  const spans = spansOf(from, to);
  const bySubject = new Map(subjects.map((s) => [s.id, s]));
  const entrances = subjects.flatMap((s) => s.entrancesAt(from).map((zone) => ({ store: s.id, zone })));
  const [storeRows, entranceRows, doors, revisits, sales] = await Promise.all([
    storage.chain.storeSketches(ids, spans),
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
  for (const s of subjects) get(s.id).hist = storeRows.get(s.id)?.hist ?? new Float64Array(0);
  // Entrance zones: their visits and first visits; their sketches come off the store's.
  for (const z of entranceRows) {
    const a = get(z.store);
    a.enters += z.visits;
    a.visitors += z.firsts;
    if (storeRows.has(z.store)) a.hist = subtractSketch(a.hist, z.hist);
  }
  // Stores without store rollups (not built yet), or whose store rollups disagree with their zone rows: their zones' sketches merged.
  const slow = subjects.filter((s) => !storeRows.has(s.id) || acc.get(s.id)!.hist.some((n) => n < 0)).map((s) => s.id);
  if (slow.length) {
    const hists = await storage.chain.sketches(slow, spans, (store, zone) => !isEntrance(store, zone));
    for (const store of slow) get(store).hist = hists.get(store) ?? new Float64Array(0);
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
