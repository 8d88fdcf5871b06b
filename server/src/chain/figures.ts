/**
 * The chain overview's figures of many stores for one range, from the stored aggregates: one
 * statement per figure over all the stores (storage.chain), never one per store. The definitions
 * are the per-store views':
 *
 * - enters: the store's enters as `traffic` and `conversion` count them (visits opened in zones of
 *   kind entrance, plus their door counters' `in`); null where the range has no data (`firsts`: the
 *   store's figures begin at or after its end), never 0;
 * - visitors: the distinct visitors of the entrance zones, as `dwell` counts them per zone, summed
 *   over the entrance zones (exact for a store with one entrance zone); null when no one was followed
 *   in them while their door counters counted people in (a door counter cannot tell visitors apart:
 *   the heatmap shows such a zone's visitors as "–", the digest as "n/a"), and null where the range
 *   has no data (`firsts`: the store's figures begin at or after its end), never 0;
 * - transactions, sales, conversion (transactions / enters), average basket (sales / transactions):
 *   as `conversion` (no conversion without a sale recorded in the range: sales not imported yet;
 *   the sales from the store's first figures on, core's `conversionSpan`, when `firsts` says when they begin);
 *   transactions and sales are null, no data, where the range ends at or before the store's first
 *   sale stored (`firsts`' `firstSale`: no till feed yet, as the Sales page's days) or its figures
 *   begin at or after its end (no sale is counted before them), never 0; a ratio with a side null is null;
 * - median dwell: core's store dwell (`countsInStoreDwell`: every closed visit to the store's zones
 *   other than entrances, checkouts and queues, kinds at the range's start), from the dwell sketch
 *   of the rollups (within max(1 s, 1 %) of the exact median, DESIGN v1.1 rule 4): the store
 *   rollup's sketch (every zone, ../aggregates/store-rollups.ts) minus the sketches of the zones
 *   left out, exact as the counts per bin are integers; a store whose store rollups are not built
 *   yet (or disagree with its zone rows) merges its other zones' sketches. The digests take the
 *   same figure from the same counts (`stayDwellSketches`).
 *
 * Ranges are whole UTC hours (the caller checks): the rollups answer them whole. A store whose
 * layout changed inside the range has its enters and visitors counted by its own analytics
 * (a zone may have changed kind at the change).
 */
import { conversionSpan, countsInStoreDwell, sketchQuantiles, storeConversion } from "@footfall/core";
import { binOf } from "../aggregates/dwell-histogram.js";
import { spansOf, type Spans } from "../aggregates/spans.js";
import { DAY_MS, HOUR_MS } from "../analytics/time-parts.js";
import { addDays } from "../db/repos/sales.js";
import type { Storage } from "../storage/types.js";

export interface StoreFigures {
  /** Null: the range has no data (the store's figures begin at or after its end), not 0 enters. */
  enters: number | null;
  /** Null: only door counters counted the store's entrances (see `visitorsOf`), or the range has no data (the store's figures begin after it). */
  visitors: number | null;
  /** Null (with sales): no sales data for the range (it ends at or before the store's first sale stored: no till feed yet; or before its figures begin), not 0. */
  transactions: number | null;
  sales: number | null;
  /** transactions / enters, or null without enters or without any transaction (no sales imported for the range), or when either is null. */
  conversion: number | null;
  /** sales / transactions, or null without transactions. */
  averageBasket: number | null;
  /** Median dwell (s): core's store dwell (closed visits outside entrances, checkouts and queues), or null without any. */
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
  /** The zones of the layout in force at `ts` whose visits are no stay (core's `countsInStoreDwell`), each saying whether it is an entrance. */
  asideAt(ts: number): readonly { zone: string; entrance: boolean }[];
}

/** Enters and visitors of one store counted by its own analytics (a layout change inside the range). */
export type OwnCount = (store: string, range: { from: number; to: number }) => Promise<{ enters: number; visitors: number | null }>;

/**
 * A store's visitors from its entrance zones' figures: `visitors` distinct visitors in `tracked`
 * followed visits, and `doorIn` people its door counters counted in there. Null when the door
 * counters counted people in and no one was followed: the store had visitors nobody can count.
 */
export function visitorsOf(tracked: number, visitors: number, doorIn: number): number | null {
  return tracked === 0 && doorIn > 0 ? null : visitors;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const ratio = (x: number | null, y: number | null) => (x !== null && y !== null && y > 0 ? round6(x / y) : null);
/** Conversion as core's `storeConversion` (none without a sale recorded: the sales are not imported yet), rounded as the conversion view; none when either side has no data. */
const conversionOf = (transactions: number | null, enters: number | null) => {
  if (transactions === null || enters === null) return null;
  const c = storeConversion(transactions, enters);
  return c === null ? null : round6(c);
};

/** A dwell sketch as dense counts by bin (../aggregates/dwell-histogram.ts). */
export type DenseSketch = Float64Array;

/** Adds `b` into `a` (grown when shorter); returns the sum. */
export function mergeSketch(a: DenseSketch, b: DenseSketch): DenseSketch {
  let out = a;
  if (a.length < b.length) {
    // Grown to at least twice: a sum over many stores grows a few times, not at every store.
    out = new Float64Array(Math.max(b.length, a.length * 2));
    out.set(a);
  }
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

/** The median (s) of a sketch of `n` dwell times: core's one quantile rule (`sketchQuantiles`), as every dwell figure takes it. */
export function medianOf(h: DenseSketch, n: number): number | null {
  return sketchQuantiles(h, n)?.median ?? null;
}

function countOf(h: DenseSketch): number {
  let n = 0;
  for (let i = 0; i < h.length; i++) n += h[i]!;
  return n;
}

/** A group's or the chain's figures: a store's, but with no sales sum over stores that sell in different currencies. */
export type TotalFigures = StoreFigures;

/**
 * Sums and merged sketches of several stores' figures: a group's or the chain's totals. Visitors
 * are summed over the stores that count them (as the digests do), null when none of the stores
 * added does (a store nobody entered in the period, 0 enters and 0 visitors, counts as neither:
 * the digests have no visitors for it either); so are enters, transactions and sales: over the stores with data for the period
 * (null, no data, when none has: never a 0 for stores not counted then); conversion is the transactions over the enters of the stores with a sale recorded (a
 * store whose sales are not imported would lower it), as the digests have it. Amounts (sales, and
 * the average basket) are added only in one currency: when the stores with a sale sell in more than
 * one (their layouts' `currency`), they are null, and `currencies` says which. A store without a
 * currency set is taken to sell in the others' one.
 */
export class FigureTotals {
  enters = 0;
  /** Enters of the stores added with a sale recorded (conversion's denominator). */
  entersSold = 0;
  visitors = 0;
  /** Stores added whose visitors are known, and those whose are not. */
  private counted = 0;
  private uncounted = 0;
  /** Stores added; whether any of them has enters, and sales data (transactions and sales). */
  private added = 0;
  private entered = false;
  private fed = false;
  transactions = 0;
  sales = 0;
  closed = 0;
  hist: DenseSketch = new Float64Array(0);
  /** The currencies of the stores added with a sale recorded. */
  private readonly sold = new Set<string>();

  add(f: StoreFigures, hist: DenseSketch | undefined, currency: string | null = null): void {
    this.added++;
    if (f.enters !== null) {
      this.enters += f.enters;
      this.entered = true;
    }
    const sold = f.transactions !== null && f.transactions > 0;
    if (sold && currency !== null) this.sold.add(currency);
    if (sold) this.entersSold += f.enters ?? 0;
    // A store nobody entered (no enters, no visitors: closed, say) tells nothing of whether its visitors
    // can be counted: it is neither, so a door-counter store's enters beside it give no visitors (null), not 0.
    if (f.visitors === null) this.uncounted++;
    else if (f.visitors > 0 || f.enters !== 0) {
      this.visitors += f.visitors;
      this.counted++;
    }
    if (f.transactions !== null) {
      this.transactions += f.transactions;
      this.sales += f.sales ?? 0;
      this.fed = true;
    }
    if (hist) {
      this.hist = mergeSketch(this.hist, hist);
      this.closed += f.closed;
    }
  }

  /**
   * The stores added whose visitors door counters only count (a door counter cannot tell people apart) while others'
   * are counted: `visitors` is the others' sum, these left out (their enters are in `enters`); 0 when none is, or when
   * none is counted (`visitors` is then null).
   */
  get visitorsLeftOut(): number {
    return this.counted > 0 ? this.uncounted : 0;
  }

  /** The currencies of the stores added with a sale recorded, in order: more than one, and no amount is added up. */
  get currencies(): string[] {
    return [...this.sold].sort();
  }

  figures(): TotalFigures {
    const oneCurrency = this.sold.size <= 1;
    // No data is not zero: a sum over stores none of which has data for the period is null (no store added: 0, an empty sum).
    const transactions = this.fed || this.added === 0 ? this.transactions : null;
    const enters = this.entered || this.added === 0 ? this.enters : null;
    return {
      enters,
      visitors: this.uncounted > 0 && this.counted === 0 ? null : this.visitors,
      transactions,
      sales: oneCurrency && transactions !== null ? round6(this.sales) : null,
      conversion: conversionOf(transactions, enters === null ? null : this.entersSold),
      averageBasket: oneCurrency && transactions !== null ? ratio(this.sales, transactions) : null,
      dwellMedianS: medianOf(this.hist, this.closed),
      closed: this.closed,
    };
  }
}

/** What a period's memo keeps of a store: its entrance rows and the sketch of its stays, and what they were read at. */
interface MemoEntry {
  /** The zones left aside they were read for (`Aside.key`: the layout at the range's start). */
  aside: string;
  /** The store rollups' newest stamp and row count when read (../aggregates/store-rollups.ts). */
  stamp: number;
  rows: number;
  /** Visits and first visits of the entrance zones. */
  visits: number;
  firsts: number;
  /** The store's sketch minus its zones' left aside (entrances, checkouts, queues). */
  hist: DenseSketch;
}

/** How a store's part of a period was answered: from memory, read for a request, or read by the warmer ahead of requests. */
export type MemoAnswer = "hit" | "read" | "warmed";

/**
 * The sketches of the last few periods asked for, per store: the expensive part of the overview
 * (the dwell sketches of every day of every store). A store's entry is used again only while its
 * store rollups in the period have the same newest stamp and row count (one read without sketches)
 * and its entrance zones are the same; so a period that ended keeps being answered from memory
 * until a late event changes one of its days, and then only that store is read again. Sales, door
 * counts and revisits are read fresh every time (small reads, and sales come from imports).
 *
 * The last `maxPeriods` periods asked for are kept, and besides them the periods pinned: the
 * standard periods of the chain view, read ahead of requests (../routes/overview-warm.ts).
 */
export class SketchMemo {
  private readonly periods = new Map<string, Map<string, MemoEntry>>();
  private pinned = new Set<string>();
  /** The same parts day by day (and per run of hours at a period's edges), shared by every period that holds them. */
  readonly pieces: PieceMemo;
  /** Each store's sales sums of the last periods asked and of the standard ones. */
  readonly sales = new SalesMemo();
  /** Stores answered from memory, read for a request, and read ahead by the warmer, since the start. */
  hits = 0;
  misses = 0;
  warmed = 0;
  constructor(
    private readonly maxPeriods = 9,
    /** Told of every count (the server's metrics). */
    private readonly onCount?: (answer: MemoAnswer, stores: number) => void,
    /** Store-pieces kept besides those of the pinned periods (~0.6 KiB each). */
    maxPieces = 100_000,
  ) {
    this.pieces = new PieceMemo(maxPieces);
  }

  static key(from: number, to: number): string {
    return `${from}|${to}`;
  }

  period(from: number, to: number): Map<string, MemoEntry> {
    const key = SketchMemo.key(from, to);
    let p = this.periods.get(key);
    if (p) this.periods.delete(key);
    else p = new Map();
    this.periods.set(key, p); // the newest last
    this.evict();
    return p;
  }

  /** Keeps these periods whatever else is asked (until the next pin); the periods pinned before are kept as recently asked ones. */
  pin(periods: readonly { from: number; to: number }[]): void {
    this.pinned = new Set(periods.map((p) => SketchMemo.key(p.from, p.to)));
    this.pieces.pin(pieceKeys(periods));
    this.evict();
  }

  /** Whether a period is kept, and for how many stores. */
  stores(from: number, to: number): number {
    return this.periods.get(SketchMemo.key(from, to))?.size ?? 0;
  }

  count(answer: MemoAnswer, stores: number): void {
    if (stores === 0) return;
    if (answer === "hit") this.hits += stores;
    else if (answer === "read") this.misses += stores;
    else this.warmed += stores;
    this.onCount?.(answer, stores);
  }

  private evict(): void {
    evictOldest(this.periods, this.pinned, this.maxPeriods, () => 1);
  }
}

/**
 * The memos' eviction: `lru` in order of use (the least recently used first, as a Map re-set on use
 * keeps it), its entries dropped from the oldest on, pinned ones passed over, until the others weigh
 * at most `max`; `dropped` is told of each.
 */
function evictOldest<V>(lru: Map<string, V>, pinned: ReadonlySet<string>, max: number, weight: (v: V) => number, dropped?: (key: string, v: V) => void): void {
  let unpinned = 0;
  for (const [k, v] of lru) if (!pinned.has(k)) unpinned += weight(v);
  for (const [k, v] of lru) {
    if (unpinned <= max) break;
    if (pinned.has(k)) continue;
    lru.delete(k);
    unpinned -= weight(v);
    dropped?.(k, v);
  }
}

/** A store's till transactions and their sum in a period. */
export interface SalesSum {
  store: string;
  transactions: number;
  sales: number;
}

/** A piece of a period for sales sums (piecesOf): the UTC days it touches and, per store, its sums in each of them in day order. */
interface SalesPiece {
  days: number[];
  from: number;
  to: number;
  stores: Map<string, { transactions: number; sales: number }[]>;
}

/**
 * Each store's sales sums per UTC day in the pieces of periods the sketches are kept in too
 * (piecesOf: each whole UTC day, each run of hours; a run holds the sums of the one or two days it
 * touches, one sum a day), as the storage's ChainStore.salesByDay answered them, used again while no
 * sale of that store in that piece was stored since: before each answer the storage's sales mark
 * (ChainStore.salesMark) lists the sales stored since the last one, and the sums of their store and
 * piece are dropped. A period's sum is its days' sums added in day order, as SQLite's sales totals
 * of the conversion view are taken (db/repos/sales.ts addDays): the same figures to the last bit, as
 * no UTC day is ever cut between two pieces. The pieces of the standard periods (read ahead) stay;
 * of others, the least recently used go beyond `maxPieces`. One answer at a time: a check of the
 * mark and the reads after it are never interleaved with another's. Where the storage cannot tell
 * (PostgreSQL), a period's sums are read whole and fresh every time (ChainStore.sales); a period
 * not of whole hours is read fresh by day (no memo).
 */
export class SalesMemo {
  private readonly pieces = new Map<string, SalesPiece>();
  private readonly byDay = new Map<number, Set<string>>();
  private pinned = new Set<string>();
  private mark: number | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** Store-pieces answered from memory, and read. */
  hits = 0;
  misses = 0;
  constructor(private readonly maxPieces = 300) {}

  /** Keeps these periods' pieces whatever else is asked (until the next pin). */
  pin(periods: readonly { from: number; to: number }[]): void {
    this.pinned = new Set(pieceKeys(periods));
    this.evict();
  }

  /** Each store's sales in [from, to) (every store of `ids`, zero without sales). */
  of(storage: Storage, ids: readonly string[], from: number, to: number): Promise<SalesSum[]> {
    const run = this.queue.then(() => this.read(storage, ids, from, to));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async read(storage: Storage, ids: readonly string[], from: number, to: number): Promise<SalesSum[]> {
    const m = await storage.chain.salesMark(this.mark);
    if (m === null) return storage.chain.sales(ids, from, to);
    if (m.changed === null) {
      this.pieces.clear();
      this.byDay.clear();
    } else
      for (const c of m.changed)
        for (const key of this.byDay.get(Math.floor(c.ts / DAY_MS)) ?? []) {
          const p = this.pieces.get(key)!;
          if (c.ts >= p.from && c.ts < p.to) p.stores.delete(c.store);
        }
    this.mark = m.mark;
    const spans = spansOf(from, to);
    if (spans.partials.length) return byDays(ids, await storage.chain.salesByDay(ids, from, to));
    const pieces = piecesOf(spans).map((x) => {
      let p = this.pieces.get(x.key);
      if (p) this.pieces.delete(x.key);
      else {
        const [a, b] = x.spans.whole!;
        p = { days: [], from: a * HOUR_MS, to: b * HOUR_MS, stores: new Map() };
        for (let day = Math.floor(p.from / DAY_MS); day * DAY_MS < p.to; day++) {
          p.days.push(day);
          (this.byDay.get(day) ?? this.byDay.set(day, new Set()).get(day)!).add(x.key);
        }
      }
      this.pieces.set(x.key, p); // the newest last
      return p;
    });
    // Only the pieces missing are read, for the stores missing them (a custom range: its edge days, and the days no other
    // period read), in one read from the first missing piece to the last: no two pieces of a period share a UTC day (whole
    // days, and runs of hours inside the days before and after them), so each row's day names its piece. A row of a piece
    // that already holds its store is left out.
    const zero = { transactions: 0, sales: 0 };
    const wanted = new Map<SalesPiece, Set<string>>();
    for (const p of pieces) {
      const missing = ids.filter((id) => !p.stores.has(id));
      this.hits += ids.length - missing.length;
      this.misses += missing.length;
      if (missing.length) wanted.set(p, new Set(missing));
    }
    if (wanted.size) {
      const stores = [...new Set([...wanted.values()].flatMap((m) => [...m]))];
      const from = Math.min(...[...wanted.keys()].map((p) => p.from));
      const to = Math.max(...[...wanted.keys()].map((p) => p.to));
      // Read after the mark: a sale stored meanwhile is in its day's sum, and listed at the next check (that piece read again).
      const rows = await storage.chain.salesByDay(stores, from, to);
      const pieceOfDay = new Map<number, SalesPiece>();
      for (const [p, missing] of wanted) {
        for (const day of p.days) pieceOfDay.set(day, p);
        for (const store of missing) p.stores.set(store, p.days.map(() => zero));
      }
      for (const r of rows) {
        const p = pieceOfDay.get(r.day);
        const sums = p && wanted.get(p)!.has(r.store) ? p.stores.get(r.store) : undefined;
        if (sums) sums[p!.days.indexOf(r.day)] = { transactions: r.transactions, sales: r.sales };
      }
    }
    this.evict();
    return ids.map((store) => ({ store, ...addDays(pieces.flatMap((p) => p.stores.get(store)!)) }));
  }

  private evict(): void {
    evictOldest(this.pieces, this.pinned, this.maxPieces, () => 1, (k, p) => {
      for (const day of p.days) this.byDay.get(day)?.delete(k);
    });
  }
}

/** Each store's sums of salesByDay's rows added in day order (every store of `ids`). */
function byDays(ids: readonly string[], rows: readonly { store: string; day: number; transactions: number; sales: number }[]): SalesSum[] {
  const sorted = [...rows].sort((a, b) => a.day - b.day);
  return ids.map((store) => ({ store, ...addDays(sorted.filter((r) => r.store === store)) }));
}

/** What the memo keeps of a store's piece (a whole UTC day, or a run of hours): as a period's entry, the sketch compact. */
interface PieceEntry {
  aside: string;
  stamp: number;
  rows: number;
  visits: number;
  firsts: number;
  /** The sketch of the stays (zones not left aside), counts by bin (no trailing empty bins): 16-bit while every count fits. */
  hist: Uint16Array | Uint32Array;
}

/** A piece of a period's spans: a whole UTC day (`d<day>`) or a run of whole hours (`h<first>-<end>`), with its own spans. */
export interface Piece {
  key: string;
  spans: Spans;
}

/**
 * The pieces of whole-hour spans, the one split of periods both memos keep (the sketches by piece,
 * PieceMemo; the sales sums, SalesMemo), in time order: each whole UTC day alone, each run of hours
 * whole. A run lies in one UTC day, or in two where a period of less than two days holds no whole
 * day; either way no UTC day is in two pieces of a period.
 */
export function piecesOf(spans: Spans): Piece[] {
  const out: Piece[] = [];
  const run = ([a, b]: [number, number]) => out.push({ key: `h${a}-${b}`, spans: { days: null, hours: [[a, b]], partials: [], whole: [a, b] } });
  const [before, after] = spans.days ? [spans.hours.filter(([a]) => a < spans.days![0] * 24), spans.hours.filter(([a]) => a >= spans.days![0] * 24)] : [spans.hours, []];
  before.forEach(run);
  if (spans.days) for (let d = spans.days[0]; d < spans.days[1]; d++) out.push({ key: `d${d}`, spans: { days: [d, d + 1], hours: [], partials: [], whole: [d * 24, (d + 1) * 24] } });
  after.forEach(run);
  return out;
}

/** The keys of the pieces of periods (whole hours), as the memos pin them. */
const pieceKeys = (periods: readonly { from: number; to: number }[]): string[] => periods.flatMap((p) => piecesOf(spansOf(p.from, p.to)).map((x) => x.key));

/** A non-negative sketch, compact (16- or 32-bit counts, trailing empty bins left out). */
function compact(h: DenseSketch): Uint16Array | Uint32Array {
  let n = h.length;
  while (n > 0 && h[n - 1] === 0) n--;
  let max = 0;
  for (let i = 0; i < n; i++) if (h[i]! > max) max = h[i]!;
  return max <= 0xffff ? Uint16Array.from(h.subarray(0, n)) : Uint32Array.from(h.subarray(0, n));
}

/**
 * Each store's part of the pieces of periods (whole UTC days, runs of hours at the edges), so that a
 * period never asked before (a custom range) is put together from the days other periods read (the
 * standard periods read ahead hold the last 30 days, the 30 before, and the same days a year before):
 * only the pieces not held, or whose store rollups' stamp changed, are read. The pieces of pinned
 * periods stay; of the others, the least recently used go beyond `maxEntries` store-pieces.
 */
export class PieceMemo {
  private readonly byKey = new Map<string, Map<string, PieceEntry>>();
  private pinned = new Set<string>();
  private entries = 0;
  constructor(private readonly maxEntries: number) {}

  /** A piece's stores (created when absent, counted as recently used). */
  piece(key: string): Map<string, PieceEntry> {
    let p = this.byKey.get(key);
    if (p) this.byKey.delete(key);
    else p = new Map();
    this.byKey.set(key, p);
    return p;
  }

  set(key: string, store: string, e: PieceEntry): void {
    const p = this.piece(key);
    if (!p.has(store)) this.entries++;
    p.set(store, e);
  }

  drop(key: string, store: string): void {
    if (this.byKey.get(key)?.delete(store)) this.entries--;
  }

  pin(keys: readonly string[]): void {
    this.pinned = new Set(keys);
    this.evict();
  }

  /** Store-pieces held (pinned ones included). */
  size(): number {
    return this.entries;
  }

  evict(): void {
    for (const [k, p] of this.byKey) if (p.size === 0 && !this.pinned.has(k)) this.byKey.delete(k); // a piece without rows
    evictOldest(this.byKey, this.pinned, this.maxEntries, (p) => p.size, (_, p) => (this.entries -= p.size));
  }
}

/** A sketch without its trailing empty bins (a copy). */
const trimmed = (h: DenseSketch): DenseSketch => {
  let n = h.length;
  while (n > 0 && h[n - 1] === 0) n--;
  return h.slice(0, n);
};

/** What the memo keeps of a store's period: its entrance zones' visits and first visits, and the sketch of its stays (the zones not left aside). */
interface SketchPart {
  visits: number;
  firsts: number;
  hist: DenseSketch;
}

/** A store's zones left out of its dwell (core's `countsInStoreDwell`), the entrances among them, and a key saying both (the memo's). */
interface Aside {
  zones: readonly string[];
  entrances: ReadonlySet<string>;
  key: string;
}

function asideOf(subject: StoreSubject, ts: number): Aside {
  const list = subject.asideAt(ts);
  return {
    zones: list.map((z) => z.zone),
    entrances: new Set(list.filter((z) => z.entrance).map((z) => z.zone)),
    key: list.map((z) => `${z.entrance ? "e" : "a"}:${z.zone}`).join("\u0000"),
  };
}

/**
 * The part of each store's figures the memo keeps, for [from, to) (whole hours): from the memo
 * where the store rollups' stamps say it is good, else read (and kept). `asides`: the zones each
 * store leaves out of its dwell (those of the whole range's start).
 */
async function sketchParts(
  storage: Storage,
  subjects: readonly StoreSubject[],
  range: { from: number; to: number },
  asides: ReadonlyMap<string, Aside>,
  isStay: (store: string, zone: string) => boolean,
  memo: SketchMemo | undefined,
  answer: "read" | "warmed",
): Promise<Map<string, SketchPart>> {
  const spans = spansOf(range.from, range.to);
  const ids = subjects.map((s) => s.id);
  // With a memo: the stamps first, read before any sketch, so that a write landing during the reads
  // below changes the stamps after the ones kept (and the next answer reads that store again).
  const period = memo?.period(range.from, range.to);
  // A period the memo holds nothing of (never asked, or every store changed) needs no stamps of its own: its pieces' stamps give them.
  const stamps = period?.size ? await storage.chain.storeStamps(ids, spans) : null;
  const out = new Map<string, SketchPart>();
  if (period && stamps) {
    for (const s of subjects) {
      const e = period.get(s.id);
      if (!e) continue;
      const st = stamps.get(s.id) ?? { stamp: 0, rows: 0 };
      if (e.stamp === st.stamp && e.rows === st.rows && e.aside === asides.get(s.id)!.key) out.set(s.id, e);
      else period.delete(s.id);
    }
    if (answer === "read") memo!.count("hit", out.size);
  }
  const reading = ids.filter((id) => !out.has(id));
  if (!reading.length) return out;
  // With a memo, put together from the pieces it holds (days other periods read), reading only the pieces missing; without, read whole.
  const { read, slow, held, stamps: pieceTotals } = memo ? await fromPieces(storage, reading, spans, asides, memo.pieces) : await readWhole(storage, reading, spans, asides);
  // Stores without store rollups (not built yet), or whose store rollups disagree with their zone rows: their stays' sketches merged.
  // Read ahead, such stores are left out (the memo does not keep them; a store rollups' build may be running).
  if (answer !== "warmed" && slow.length) {
    const entrances = slow.flatMap((store) => [...asides.get(store)!.entrances].map((zone) => ({ store, zone })));
    const [entranceRows, hists] = await Promise.all([storage.chain.zoneSketches(entrances, spans), storage.chain.sketches(slow, spans, isStay)]);
    const parts = new Map<string, SketchPart>(slow.map((store) => [store, { visits: 0, firsts: 0, hist: hists.get(store) ?? new Float64Array(0) }]));
    for (const z of entranceRows) {
      const a = parts.get(z.store)!;
      a.visits += z.visits;
      a.firsts += z.firsts;
    }
    for (const [store, a] of parts) out.set(store, a);
  }
  for (const [store, a] of read) {
    if (period) {
      const st = (stamps ?? pieceTotals)?.get(store) ?? { stamp: 0, rows: 0 };
      period.set(store, { aside: asides.get(store)!.key, stamp: st.stamp, rows: st.rows, visits: a.visits, firsts: a.firsts, hist: trimmed(a.hist) });
    }
    out.set(store, a);
  }
  if (answer === "warmed") memo?.count("warmed", read.size);
  else {
    memo?.count("hit", held);
    memo?.count("read", reading.length - held);
  }
  return out;
}

/** What a read of stores' parts of a period gives: the parts of the stores answered, the stores to read from their zone rows instead, and how many were answered without a read. */
interface PartsRead {
  read: Map<string, SketchPart>;
  slow: string[];
  held: number;
  /** Per store, the newest stamp and the row count of its store rollups in the whole period (as ChainStore.storeStamps gives them), when known. */
  stamps?: Map<string, { stamp: number; rows: number }>;
}

/** The stores' parts of `spans` read whole: the store rollups' sketch minus the sketches of the zones left aside (entrances, checkouts, queues). */
async function readWhole(storage: Storage, stores: readonly string[], spans: Spans, asides: ReadonlyMap<string, Aside>): Promise<PartsRead> {
  const aside = stores.flatMap((store) => asides.get(store)!.zones.map((zone) => ({ store, zone })));
  const [storeRows, asideRows] = await Promise.all([storage.chain.storeSketches(stores, spans), storage.chain.zoneSketches(aside, spans)]);
  const read = new Map<string, SketchPart>(stores.map((id) => [id, { visits: 0, firsts: 0, hist: storeRows.get(id)?.hist ?? new Float64Array(0) }]));
  // Entrance zones: their visits and first visits; every zone left aside: its sketch comes off the store's.
  for (const z of asideRows) {
    const a = read.get(z.store)!;
    if (asides.get(z.store)!.entrances.has(z.zone)) {
      a.visits += z.visits;
      a.firsts += z.firsts;
    }
    if (storeRows.has(z.store)) a.hist = subtractSketch(a.hist, z.hist);
  }
  const slow = stores.filter((store) => !storeRows.has(store) || read.get(store)!.hist.some((n) => n < 0));
  for (const store of slow) read.delete(store);
  return { read, slow, held: 0 };
}

/**
 * The stores' parts of `spans` put together piece by piece (each whole day, each run of hours):
 * a piece held by the memo with the stamp and row count its store rollups have now (one read of the
 * stamps, no sketch) is used as held; the others are read (one statement per piece over the stores
 * missing it) and kept. Counts per bin are integers, so the sum of the pieces is the whole's exactly.
 */
async function fromPieces(storage: Storage, stores: readonly string[], spans: Spans, asides: ReadonlyMap<string, Aside>, pieces: PieceMemo): Promise<PartsRead> {
  const list = piecesOf(spans);
  const stamps = new Map<string, { stamp: number; rows: number }>();
  const totals = new Map<string, { stamp: number; rows: number }>();
  for (const r of await storage.chain.pieceStamps(stores, spans)) {
    const run = r.grain === 1 ? null : spans.hours.find(([a, b]) => r.t >= a && r.t < b);
    const key = r.grain === 1 ? `d${r.t}` : run ? `h${run[0]}-${run[1]}` : null;
    if (key === null) continue;
    stamps.set(`${key}\u0000${r.store}`, { stamp: r.stamp, rows: r.rows });
    const t = totals.get(r.store);
    if (t) {
      t.stamp = Math.max(t.stamp, r.stamp);
      t.rows += r.rows;
    } else totals.set(r.store, { stamp: r.stamp, rows: r.rows });
  }
  const slow = new Set<string>();
  // Stores without any row in the period: empty, or their store rollups not built yet (then read from their zone rows).
  const empty = stores.filter((s) => !totals.has(s));
  if (empty.length) {
    const built = await storage.chain.storeSketches(empty, spans);
    for (const s of empty) if (!built.has(s)) slow.add(s);
  }
  const entOf = new Map(stores.map((s) => [s, asides.get(s)!.key]));
  const parts = new Map<string, PieceEntry[]>(stores.map((s) => [s, []]));
  const wasRead = new Set<string>();
  for (const p of list) {
    const held = pieces.piece(p.key);
    const missing: string[] = [];
    for (const store of stores) {
      if (slow.has(store)) continue;
      const st = stamps.get(`${p.key}\u0000${store}`);
      const e = held.get(store);
      if (!st) {
        if (e) pieces.drop(p.key, store); // its rows are gone
        continue;
      }
      if (e && e.stamp === st.stamp && e.rows === st.rows && e.aside === entOf.get(store)) parts.get(store)!.push(e);
      else missing.push(store);
    }
    if (!missing.length) continue;
    const { read, slow: bad } = await readWhole(storage, missing, p.spans, asides);
    for (const store of bad) {
      slow.add(store);
      pieces.drop(p.key, store);
    }
    for (const [store, a] of read) {
      wasRead.add(store);
      // The stamp read before the sketches: a write landing between the two makes the next answer read the piece again.
      const e: PieceEntry = { aside: entOf.get(store)!, ...stamps.get(`${p.key}\u0000${store}`)!, visits: a.visits, firsts: a.firsts, hist: compact(a.hist) };
      pieces.set(p.key, store, e);
      parts.get(store)!.push(e);
    }
  }
  pieces.evict();
  const read = new Map<string, SketchPart>();
  let held = 0;
  for (const store of stores) {
    if (slow.has(store)) continue;
    if (!wasRead.has(store)) held++;
    const ps = parts.get(store)!;
    let n = 0;
    for (const e of ps) n = Math.max(n, e.hist.length);
    const hist = new Float64Array(n);
    let visits = 0;
    let firsts = 0;
    for (const e of ps) {
      visits += e.visits;
      firsts += e.firsts;
      const h = e.hist;
      for (let i = 0; i < h.length; i++) hist[i]! += h[i]!;
    }
    read.set(store, { visits, firsts, hist });
  }
  return { read, slow: [...slow], held, stamps: totals };
}

/**
 * Reads into the memo the sketches of `subjects` for `range` (whole hours) that it does not hold
 * yet: the chain view's standard periods, read ahead of requests (../routes/overview-warm.ts).
 */
export async function warmSketches(storage: Storage, subjects: readonly StoreSubject[], range: { from: number; to: number }, memo: SketchMemo): Promise<void> {
  const bySubject = new Map(subjects.map((s) => [s.id, s]));
  const asides = new Map(subjects.map((s) => [s.id, asideOf(s, range.from)]));
  const isStay = (store: string, zone: string) => countsInStoreDwell(bySubject.get(store)?.kindAt(zone, range.from));
  await sketchParts(storage, subjects, range, asides, isStay, memo, "warmed");
}

/**
 * Where a period asked at `now` is cut for the memo: from the start of the hour before the current
 * one on, rows still change at every commit (visits close, late events of the last minutes), so
 * that part is read fresh at every answer and the part before it is kept (../routes/overview-warm.ts
 * reads it ahead at each turn of the hour).
 */
export const openFrom = (now: number): number => Math.floor(now / HOUR_MS) * HOUR_MS - HOUR_MS;

/**
 * Each store's figures for [from, to) (whole hours), with each store's merged dwell sketch. With a
 * memo, the part of the range before `open` (default: the whole range) is answered from it where it
 * holds the store, and the rest read fresh. `firsts`: when each store's figures begin and its time
 * zone; a store whose figures begin inside the range has its sales read from the local day they
 * begin (as `conversion` counts them), one without figures before its end none (null figures: no
 * data). `firstSale` (when given): its oldest sale stored (null: none), a range ending at or before
 * it has null transactions and sales (no till feed yet), not 0.
 */
export async function chainFigures(
  storage: Storage,
  subjects: readonly StoreSubject[],
  range: { from: number; to: number },
  ownCount: OwnCount,
  memo?: SketchMemo,
  open?: number,
  firsts?: ReadonlyMap<string, { first: number | null; timeZone: string; firstSale?: number | null }>,
): Promise<Map<string, { figures: StoreFigures; hist: DenseSketch }>> {
  const { from, to } = range;
  if (from % HOUR_MS !== 0 || to % HOUR_MS !== 0) throw new Error("chainFigures: the range must start and end on whole hours");
  const ids = subjects.map((s) => s.id);
  const spans = spansOf(from, to);
  const bySubject = new Map(subjects.map((s) => [s.id, s]));
  const asides = new Map(subjects.map((s) => [s.id, asideOf(s, from)]));
  const isEntrance = (store: string, zone: string) => bySubject.get(store)?.kindAt(zone, from) === "entrance";
  const isStay = (store: string, zone: string) => countsInStoreDwell(bySubject.get(store)?.kindAt(zone, from));
  // The memo's part [from, cut) and the fresh part [cut, to): visits, first visits and sketches add up.
  const cut = memo && open !== undefined ? Math.min(to, Math.max(from, Math.floor(open / HOUR_MS) * HOUR_MS)) : to;
  const none = Promise.resolve(new Map<string, SketchPart>());
  const [kept, fresh, doors, revisits, sales] = await Promise.all([
    cut > from ? sketchParts(storage, subjects, { from, to: cut }, asides, isStay, memo, "read") : none,
    cut < to ? sketchParts(storage, subjects, { from: cut, to }, asides, isStay, undefined, "read") : none,
    storage.chain.doorTotals(ids, spans),
    spans.whole ? storage.chain.revisitsBefore(ids, spans.whole[0], spans.whole[1]) : Promise.resolve([]),
    memo ? memo.sales.of(storage, ids, from, to) : storage.chain.sales(ids, from, to),
  ]);
  // enters: the entrance zones' followed visits (`tracked`) plus their door counters' in (`doorIn`);
  // visitors: the distinct visitors followed there, or the store's own count's (`own`).
  interface Acc {
    enters: number;
    tracked: number;
    doorIn: number;
    visitors: number;
    own?: number | null;
    transactions: number;
    sales: number;
    hist: DenseSketch;
  }
  const acc = new Map<string, Acc>();
  for (const s of subjects) {
    const k = kept.get(s.id);
    const f = fresh.get(s.id);
    // The memo's sketch is never changed: a sum gets a copy.
    const hist = k && f ? mergeSketch(Float64Array.from(k.hist), f.hist) : (k?.hist ?? f?.hist ?? new Float64Array(0));
    const tracked = (k?.visits ?? 0) + (f?.visits ?? 0);
    acc.set(s.id, { enters: tracked, tracked, doorIn: 0, visitors: (k?.firsts ?? 0) + (f?.firsts ?? 0), transactions: 0, sales: 0, hist });
  }
  const get = (store: string) => {
    let a = acc.get(store);
    if (!a) acc.set(store, (a = { enters: 0, tracked: 0, doorIn: 0, visitors: 0, transactions: 0, sales: 0, hist: new Float64Array(0) }));
    return a;
  };
  for (const d of doors) {
    if (!isEntrance(d.store, d.zone)) continue;
    const a = get(d.store);
    a.enters += d.in;
    a.doorIn += d.in;
  }
  for (const r of revisits) if (isEntrance(r.store, r.zone)) get(r.store).visitors += r.n;
  for (const s of sales) {
    const a = get(s.store);
    a.transactions = s.transactions;
    a.sales = s.sales;
  }
  // Sales before a store's first figures have no enters to be set against (few stores: the newly counted ones).
  await Promise.all(
    subjects.map(async (s) => {
      const f = firsts?.get(s.id);
      if (!f) return;
      const span = conversionSpan(range, f.first, f.timeZone);
      if (span?.from === from) return;
      const t = span ? await storage.sales.totals(s.id, span.from, span.to) : { transactions: 0, sales: 0 };
      const a = get(s.id);
      a.transactions = t.transactions;
      a.sales = t.sales;
    }),
  );
  // A layout change inside the range: the store's own analytics cut the range at it, as `traffic` does.
  const changed = subjects.filter((s) => s.changes.some((t) => t > from && t < to));
  await Promise.all(
    changed.map(async (s) => {
      const own = await ownCount(s.id, range);
      const a = get(s.id);
      a.enters = own.enters;
      a.own = own.visitors;
    }),
  );
  const out = new Map<string, { figures: StoreFigures; hist: DenseSketch }>();
  for (const [store, a] of acc) {
    const closed = countOf(a.hist);
    // No data is not zero: a range the store's figures begin at or after the end of (none yet, or a year
    // before it was counted, or older than the figures kept) has no enters or visitors to count, not 0 of them;
    // nor sales (none counted before its figures, as `conversion`), nor where its till feed begins at or after
    // its end (no sale stored before it: the Sales page's days' rule), not 0 sold.
    const f = firsts?.get(store);
    const noData = f !== undefined && (f.first === null || f.first >= to);
    const noSales = noData || (f?.firstSale !== undefined && (f.firstSale === null || f.firstSale >= to));
    const transactions = noSales ? null : a.transactions;
    const enters = noData ? null : a.enters;
    out.set(store, {
      hist: a.hist,
      figures: {
        enters,
        visitors: noData ? null : a.own !== undefined ? a.own : visitorsOf(a.tracked, a.visitors, a.doorIn),
        transactions,
        sales: noSales ? null : round6(a.sales),
        conversion: conversionOf(transactions, enters),
        averageBasket: ratio(noSales ? null : a.sales, transactions),
        dwellMedianS: medianOf(a.hist, closed),
        closed,
      },
    });
  }
  return out;
}

/**
 * The store dwell's sketch (core's `countsInStoreDwell`, kinds of the layout at `range.from`) of
 * one store for any [from, to), the digests' local days among them (a day of a time zone half an
 * hour off UTC does not start on a whole UTC hour): the zone rollups' sketches of its stays for the
 * whole hours, plus the closed visits of the parts of hours at the edges (`partial`: their dwell
 * in ms, from raw rows). For a range of whole hours these are the counts, bin by bin, of
 * `chainFigures`' sketch (the store rollups are the sums of the zone rollups, written with them), so
 * a store's median in the digest and in the chain view is one figure; a group's is `medianOf` its
 * stores' sketches merged, as the chain view's totals.
 */
export async function stayDwellSketch(
  storage: Storage,
  store: string,
  kindAt: (zone: string, ts: number) => string | undefined,
  range: { from: number; to: number },
  partial: (from: number, to: number, isStay: (zone: string) => boolean) => Promise<readonly number[]>,
): Promise<{ hist: DenseSketch; closed: number }> {
  const spans = spansOf(range.from, range.to);
  const isStay = (zone: string) => countsInStoreDwell(kindAt(zone, range.from));
  const [whole, ...edges] = await Promise.all([
    storage.chain.sketches([store], spans, (_store, zone) => isStay(zone)),
    ...spans.partials.map(([a, b]) => partial(a, b, isStay)),
  ]);
  let hist = whole.get(store) ?? new Float64Array(0);
  for (const ms of edges.flat()) {
    const bin = binOf(ms);
    if (bin >= hist.length) {
      const grown = new Float64Array(Math.max(bin + 1, hist.length * 2));
      grown.set(hist);
      hist = grown;
    }
    hist[bin]! += 1;
  }
  return { hist, closed: countOf(hist) };
}
