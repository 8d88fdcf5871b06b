/**
 * The key figures of a digest for a store (or the sum over a group's stores) in a period and the
 * period before: enters, visitors, conversion, median dwell (core's store dwell, the chain view's
 * figure), per-zone visits, and enters per hour (daily) or day (weekly) for the chart.
 */
import { compactHours, conversionSpan, localMidnight, storeConversion, wholeFrom, type Layout } from "@footfall/core";
import { firstFigures } from "../analytics/first-figures.js";
import { medianOf, mergeSketch, stayDwellSketch, visitorsOf, type DenseSketch } from "../chain/figures.js";
import { RetentionError } from "../analytics/store-analytics.js";
import { zonesDuring } from "../routes/analytics.js";
import type { Services } from "../services.js";

export interface Figures {
  /** Store enters (door counters' `in` and visits opened in entrance zones), as `traffic` counts them. */
  enters: number;
  /** Distinct visitors followed in entrance zones (the chain view's `visitorsOf`): null when door counters counted people in and no one was followed; 0 on a day nobody entered. */
  visitors: number | null;
  /** A group's: how many of its stores `visitors` leaves out (door counters only count theirs) beside stores that count theirs, as the chain view's totals' `visitorsLeftOut`. */
  visitorsLeftOut?: number;
  /** Till transactions from the store's first figures on (the conversion view's `since`). */
  transactions: number;
  /** Transactions / enters, null without sales or enters. */
  conversion: number | null;
  /**
   * Median dwell (s): core's store dwell (closed visits outside entrances, checkouts and queues),
   * from the rollups' sketch as the chain view takes it; a group's from its stores' sketches merged.
   * Null without a closed visit.
   */
  dwellMedianS: number | null;
  /** The sketch behind it (dense counts by bin) and its closed visits: a group merges them. */
  dwell: { hist: DenseSketch; closed: number };
  /** Visits per zone: each row with its store's id and the zone's name apart (a group's: every store's rows). */
  zones: ZoneVisits[];
  /** Enters per chart bucket (hours of the day, or days of the week), in order. */
  series: number[];
  /** False when the period lies (partly) beyond the retention horizon. */
  complete: boolean;
  /** Each store's own figures (by store id): the digest's store rows (figuresOf sets it). */
  byStore?: Map<string, Figures>;
}

/**
 * A zone's visits in a period: the store (its id), the zone (its id: two zones may share a name) and
 * its name in the store's latest layout to show, never joined into one string.
 */
export interface ZoneVisits {
  store: string;
  zoneId: string;
  zone: string;
  visits: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How far back to look for a store's first figures, as the UI does (older data counts as "since always"). */
const LOOK_BACK_DAYS = 399;

/**
 * When the store's figures begin, as the UI's coverage knows it (core's `firstDataStart`: the first
 * local hour with any enter in any zone), counting what was counted before `until`: the storage's
 * first hour with figures (`firstFigures`, one indexed read), the start of the UI's 399-day window
 * when the figures reach back to its first day (older data counts as "since always"). Null when
 * nothing was counted (or the store has no layout).
 */
export async function storeDataStart(services: Services, store: string, until: number): Promise<number | null> {
  const layout = ((await services.layouts.load(store)) as readonly Layout[]).at(-1);
  if (!layout) return null;
  const first = await firstFigures(services, store, layout.timezone);
  if (first === null || first >= until) return null;
  // From a whole hour, as the UI asks: data on the window's first day may go back further.
  const from = Math.ceil((until - LOOK_BACK_DAYS * DAY) / HOUR) * HOUR;
  return first < localMidnight(from, layout.timezone, 1) ? from : first;
}

/**
 * When the store's figures begin ({@link storeDataStart}) and from when they are whole (core's
 * `wholeFrom`, by the store's opening hours: a first day counted from its opening time is whole), as
 * the UI's coverage knows them: the digests call a period partial when it starts before `whole`.
 */
export async function storeStart(services: Services, store: string, until: number): Promise<{ store: string; from: number | null; whole: number | null }> {
  const from = await storeDataStart(services, store, until);
  const layout = ((await services.layouts.load(store)) as readonly Layout[]).at(-1);
  if (from === null || !layout) return { store, from, whole: from };
  // The hours in force on that first day (a history: each day by its own), not today's.
  const hours = services.hours ? await services.hours.historyNow(store) : compactHours(await services.storage.hours.history(store));
  return { store, from, whole: wholeFrom(from, hours, layout.timezone) };
}

async function storeFigures(services: Services, store: string, from: number, to: number, bucket: "hour" | "day", timeZone?: string): Promise<Figures> {
  const { layouts, analytics, storage } = services;
  const versions = (await layouts.load(store)) as readonly Layout[];
  const layout = versions.at(-1);
  const empty: Figures = { enters: 0, visitors: null, transactions: 0, conversion: null, dwellMedianS: null, dwell: { hist: new Float64Array(0), closed: 0 }, zones: [], series: [], complete: false };
  if (!layout) return empty;
  const a = await analytics.get(store);
  const kindAt = (zone: string, ts: number) => layouts.zoneKindAt(store, zone, ts);
  const range = { from, to };
  try {
    // Sales from the store's first figures on, as the conversion view counts them (core's conversionSpan).
    const span = conversionSpan(range, await firstFigures(services, store, layout.timezone), layout.timezone);
    const known = zonesDuring(versions, from, to);
    // The parts of hours at the edges (a day of a zone not on whole UTC hours): each stay's closed visits, from raw rows.
    const partial = async (a0: number, b0: number, isStay: (zone: string) => boolean) =>
      (await Promise.all(known.filter(isStay).map((zone) => a.dwellSamples(zone, { from: a0, to: b0 })))).flat().map((s) => Math.round(s * 1000));
    const [enters, dwell, sales, traffic, stay] = await Promise.all([
      a.storeEnters(range, kindAt, layouts.changes(store)),
      a.dwell(range, known),
      span ? storage.sales.totals(store, span.from, span.to) : { transactions: 0, sales: 0 },
      a.traffic(range, bucket, timeZone ?? layout.timezone, kindAt, layouts.changes(store)),
      stayDwellSketch(storage, store, kindAt, range, partial),
    ]);
    const names = new Map(versions.flatMap((l) => l.zones.map((z) => [z.id as string, z.name] as const)));
    // Visitors as the chain view counts them (visitorsOf): those followed through the entrances, null only when
    // door counters counted people in there and no one was followed; a day nobody entered has 0, not "n/a".
    let tracked = 0;
    let followed = 0;
    const zones: ZoneVisits[] = [];
    for (const z of dwell) {
      const kind = kindAt(z.zone, to - 1) ?? "zone";
      if (kind === "entrance") {
        tracked += z.visits;
        followed += z.visitors;
      }
      zones.push({ store, zoneId: z.zone, zone: names.get(z.zone) ?? z.zone, visits: z.visits });
    }
    return {
      enters,
      visitors: visitorsOf(tracked, followed, enters - tracked),
      transactions: sales.transactions,
      conversion: storeConversion(sales.transactions, enters),
      dwellMedianS: medianOf(stay.hist, stay.closed),
      dwell: stay,
      zones,
      series: traffic.map((b) => b.enters),
      complete: true,
    };
  } catch (err) {
    if (err instanceof RetentionError) return empty;
    throw err;
  }
}

/**
 * Figures of several stores over one [from, to), summed (visitors: summed where followed; conversion
 * recomputed over the stores with a sale recorded, whose sales are imported; the median dwell over
 * the stores' sketches merged, never a mean of their medians); the
 * chart's hours or days are those of `timeZone` (default: each store's).
 */
export async function figuresOf(services: Services, stores: readonly string[], from: number, to: number, bucket: "hour" | "day", timeZone?: string): Promise<Figures> {
  const each = await Promise.all(stores.map((s) => storeFigures(services, s, from, to, bucket, timeZone)));
  if (each.length === 1) return { ...each[0]!, byStore: new Map([[stores[0]!, each[0]!]]) };
  const out: Figures = { enters: 0, visitors: null, transactions: 0, conversion: null, dwellMedianS: null, dwell: { hist: new Float64Array(0), closed: 0 }, zones: [], series: [], complete: each.length > 0 };
  // The enters of the stores with a sale recorded: a store whose sales are not imported would lower the group's conversion.
  let entersSold = 0;
  // Visitors summed over the stores that count them, as the chain view's totals (FigureTotals): a store nobody
  // entered counts as neither, so beside door-counter stores it gives no visitors (null), and alone 0.
  let counted = 0;
  let uncounted = 0;
  let visitors = 0;
  each.forEach((f) => {
    out.enters += f.enters;
    out.transactions += f.transactions;
    if (f.transactions > 0) entersSold += f.enters;
    if (f.visitors === null) uncounted++;
    else if (f.visitors > 0 || f.enters !== 0) {
      visitors += f.visitors;
      counted++;
    }
    out.dwell = { hist: mergeSketch(out.dwell.hist, f.dwell.hist), closed: out.dwell.closed + f.dwell.closed };
    out.zones.push(...f.zones);
    f.series.forEach((n, k) => (out.series[k] = (out.series[k] ?? 0) + n));
    out.complete &&= f.complete;
  });
  out.visitors = uncounted > 0 && counted === 0 ? null : visitors;
  out.visitorsLeftOut = counted > 0 ? uncounted : 0;
  out.conversion = storeConversion(out.transactions, entersSold);
  out.dwellMedianS = medianOf(out.dwell.hist, out.dwell.closed);
  out.byStore = new Map(stores.map((s, i) => [s, each[i]!]));
  return out;
}

export interface Change {
  /** The store (id) of the zone. */
  store: string;
  /** The zone (id). */
  zoneId: string;
  /** The zone's name, to show (now's, else before's). */
  zone: string;
  now: number;
  before: number;
  delta: number;
  /** Relative change, null when `before` is 0. */
  ratio: number | null;
}

/** The biggest changes of zone visits (by absolute change, at most `n`; no change left out). */
export function biggestChanges(now: Figures, before: Figures, n = 5): Change[] {
  // One row per store and zone id of either period (the key only pairs them: it is never read back).
  const rows = new Map<string, Change>();
  const row = (r: ZoneVisits) => {
    const key = JSON.stringify([r.store, r.zoneId]);
    const c = rows.get(key) ?? { store: r.store, zoneId: r.zoneId, zone: r.zone, now: 0, before: 0, delta: 0, ratio: null };
    rows.set(key, c);
    return c;
  };
  for (const r of now.zones) row(r).now = r.visits;
  for (const r of before.zones) row(r).before = r.visits;
  return [...rows.values()]
    .map((c) => ({ ...c, delta: c.now - c.before, ratio: c.before > 0 ? (c.now - c.before) / c.before : null }))
    .filter((c) => c.delta !== 0)
    .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.store.localeCompare(y.store) || x.zone.localeCompare(y.zone) || x.zoneId.localeCompare(y.zoneId))
    .slice(0, n);
}
