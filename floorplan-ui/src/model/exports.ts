/**
 * CSV exports as pure functions: what a view shows, with the range it covers on every row (so
 * files from several exports can be pasted together), "no data" as an empty cell (never a 0), and
 * a BOM so Excel reads the file as UTF-8. Every column of figures says what kind of figure it holds
 * and so how many decimals it gets (core's csv-number.ts: counts whole, a zone's transactions (shares of
 * department sales) and seconds to 1 decimal, shares
 * and relative changes to 4, points to 2, money to the currency's minor units).
 */
import { isoLocal } from "./format.js";
import { type HeatScene, METRICS, type Metric, rankZones } from "./heatmap.js";
import { notCountedHours, type Slot } from "./traffic.js";
import type { Outage } from "./chain.js";
import { bucketSpans, bucketsWithData } from "./funnel.js";
import type { Coverage } from "./coverage.js";
import type { SalesDay, SalesDaysFigures } from "./sales.js";
import { type CsvColumn, figureColumn, toCsvFile } from "./csv.js";

export interface ExportRange {
  from: number;
  to: number;
  timeZone: string;
}

type Cell = string | number | null | undefined;

const count = (name: string) => figureColumn(name, "count");
const share = (name: string) => figureColumn(name, "share");

/** What kind of figure a heatmap metric is, for its `_previous` column. */
function metricFigure(metric: Metric) {
  const unit = METRICS.find((m) => m.id === metric)!.unit;
  return unit === "seconds" ? "seconds" : unit === "ratio" ? "share" : unit === "money" ? "money" : "count";
}

/**
 * The heatmap's zones, as the ranking shows them, with every figure of each zone; last,
 * `not_counted_hours`: for a zone counted by no agent in some open hours of the range (GET
 * .../dwell's outages, `notCounted`), those hours, as its ranking row says "· not counted 1 h"
 * (its visits and dwell in them are not known, not none); empty for the others and when none.
 */
export function heatmapCsv(
  scene: HeatScene,
  range: ExportRange,
  opts: { metric: Metric; compare: boolean; withSales: boolean; currency?: string | undefined; notCounted?: { hours: number; zones: readonly string[] } | null | undefined },
): string {
  const seconds = (name: string) => figureColumn(name, "seconds");
  const money = (name: string) => figureColumn(name, "money", opts.currency);
  // The door columns are always there (0 where no door counted anyone), so that files of ranges with
  // and without door counts have the same columns and can be pasted together.
  const header: (string | CsvColumn)[] = [
    "range_from", "range_to", "zone", "name", "kind", count("visits"), count("visitors"), seconds("dwell_mean_s"), seconds("dwell_median_s"), seconds("dwell_p90_s"),
    count("visits_tracked"), count("door_in"),
    // A zone's transactions to 1 decimal, as the zone panel and the report show them: a sale naming a
    // department of three zones is a third of a transaction in each (0.3, not 0).
    ...(opts.withSales ? [figureColumn("transactions", "split"), money("sales"), share("conversion"), money("sales_per_visit"), "long_dwell_low_conversion"] : []),
    // The change as the screen shows it: relative (0.12 for +12%), but conversion's in percentage points (1.1 for +1.1 pts).
    ...(opts.compare
      ? [
          figureColumn(`${opts.metric}_previous`, metricFigure(opts.metric), opts.currency),
          opts.metric === "conversion" ? figureColumn("conversion_change_pts", "points") : figureColumn(`${opts.metric}_change`, "change"),
        ]
      : []),
    count("not_counted_hours"),
  ];
  const from = isoLocal(range.from, range.timeZone);
  const to = isoLocal(range.to, range.timeZone);
  const rows = rankZones(scene).map((z): Cell[] => {
    // A zone known only by its door counter has no visitors or dwell: empty, not 0.
    const doorOnly = z.doorIn !== null && (z.tracked ?? 0) === 0;
    const d = doorOnly ? null : z.dwell;
    const noData = scene.noData;
    return [
      from, to, z.id, z.name, z.kind,
      z.visits,
      noData || doorOnly ? null : (d?.visitors ?? 0),
      d?.dwell_s?.mean, d?.dwell_s?.median, d?.dwell_s?.p90,
      z.tracked, z.doorIn ?? (noData ? null : 0),
      ...(opts.withSales ? [z.sales?.transactions ?? (noData ? null : 0), z.sales?.sales ?? (noData ? null : 0), z.sales?.conversion, z.sales?.salesPerVisit, noData ? null : z.longDwellLowConversion ? "yes" : "no"] : []),
      ...(opts.compare ? [z.previous, z.change] : []),
      opts.notCounted?.zones.includes(z.id) ? opts.notCounted.hours : null,
    ];
  });
  return toCsvFile(header, rows);
}

/**
 * A traffic series (per hour or per day): each row the range it was exported for (as every export),
 * the slot's start and end in the store's zone (the last ending at the range's end, as the funnel's
 * and the Sales page's: today so far ends now, not at midnight) and its enters, empty where there is no data;
 * then `not_counted_hours`: the open hours of the slot in which the store's entrance was counted by no agent
 * (GET .../traffic's outages, `notCountedHours`), whose enters are short by what nobody counted; empty when none.
 */
export function trafficCsv(slots: readonly Slot[], bucket: "hour" | "day", range: ExportRange, what: string, notCounted: readonly number[] = []): string {
  const from = isoLocal(range.from, range.timeZone);
  const to = isoLocal(range.to, range.timeZone);
  const header = ["range_from", "range_to", `${bucket}_start`, `${bucket}_end`, count(what), count("not_counted_hours")];
  return toCsvFile(header, slots.map((s, i): Cell[] => [from, to, isoLocal(s.start, range.timeZone), isoLocal(Math.min(s.end, range.to), range.timeZone), s.value, notCounted[i] || null]));
}

type Named = ReadonlyMap<string, string>;
const nameOf = (names: Named, id: string) => names.get(id) ?? id;

/**
 * Flows' paths, as the list shows them (most trips first) and past its top 12: each path's zones
 * (names and ids), its trips and its share of all trips in the range (the API's total, not only
 * the paths listed); `not_counted_hours`: the range's open hours a zone was counted by no agent (GET
 * .../paths' outages), whose trips are not known, on every row; empty when none.
 */
export function pathsCsv(paths: readonly { zones: readonly string[]; count: number }[], trips: number, names: Named, range: ExportRange, notCounted?: number | null): string {
  const from = isoLocal(range.from, range.timeZone);
  const to = isoLocal(range.to, range.timeZone);
  const sorted = [...paths].sort((a, b) => b.count - a.count);
  return toCsvFile(
    ["range_from", "range_to", count("rank"), "path", "zones", count("trips"), share("share_of_all_trips"), count("all_trips"), count("not_counted_hours")],
    sorted.map((p, i): Cell[] => [from, to, i + 1, p.zones.map((z) => nameOf(names, z)).join(" > "), p.zones.join(" > "), p.count, trips > 0 ? p.count / trips : null, trips, notCounted || null]),
  );
}

/** Flows' moves between zones (every transition of the range, busiest first), as the arrows and their table show them. */
export function transitionsCsv(transitions: readonly { from: string; to: string; count: number }[], names: Named, range: ExportRange, notCounted?: number | null): string {
  const from = isoLocal(range.from, range.timeZone);
  const to = isoLocal(range.to, range.timeZone);
  const moves = transitions.filter((t) => t.from !== t.to).sort((a, b) => b.count - a.count);
  return toCsvFile(
    ["range_from", "range_to", "from_zone", "from_name", "to_zone", "to_name", count("moves"), count("not_counted_hours")],
    moves.map((t): Cell[] => [from, to, t.from, nameOf(names, t.from), t.to, nameOf(names, t.to), t.count, notCounted || null]),
  );
}

/**
 * A funnel's steps over the range: trips that reached each step, the share of the first step's and of
 * the previous step's, how many left before it, and the share of every trip in the store that reached
 * it (the bars' "12 % of all trips"; empty where the API leaves it out). A share of nobody (no trip at
 * the first step, or at the previous one) is empty, as the per-hour or per-day completion is, not 0.
 * With `noData` (the range is before the store's figures begin, as the view says "No data for this
 * range") every figure is empty, as the heatmap's export leaves such a range's cells, not 0 trips.
 */
export function funnelCsv(
  rows: readonly { step: string; label: string; reached: number; rate: number | null; stepRate: number | null; dropOff: number; ofAll?: number | null }[],
  range: ExportRange,
  noData = false,
  notCounted?: number | null,
): string {
  const from = isoLocal(range.from, range.timeZone);
  const to = isoLocal(range.to, range.timeZone);
  const nc = noData ? null : notCounted || null;
  return toCsvFile(
    ["range_from", "range_to", count("step_no"), "step", "name", count("reached"), share("share_of_first"), share("share_of_previous"), count("left_before"), share("share_of_all_trips"), count("not_counted_hours")],
    rows.map((r, i): Cell[] => (noData ? [from, to, i + 1, r.step, r.label, null, null, null, null, null, nc] : [from, to, i + 1, r.step, r.label, r.reached, r.rate, r.stepRate, i === 0 ? null : r.dropOff, r.ofAll, nc])),
  );
}

/**
 * A funnel per hour or per day, one row per bucket (its start and end in the store's zone) and
 * one column per step ("1. Fruit & veg"), then the share of the first step's trips that reached
 * the last (empty when none reached the first). A bucket before the store's first figures or after
 * now (`coverage`, as the chart reads it) has empty cells: no data, not 0 trips.
 */
export function funnelSeriesCsv(
  buckets: readonly { start: string; steps: readonly { step: string; reached: number }[] }[],
  steps: readonly { step: string; label: string }[],
  by: "hour" | "day",
  range: ExportRange,
  coverage?: Coverage | null,
  outage?: Outage | null,
): string {
  const from = isoLocal(range.from, range.timeZone);
  const to = isoLocal(range.to, range.timeZone);
  // A bucket ends where the next begins (a day of 23 or 25 hours too), the last at the range's end.
  const spans = bucketSpans(buckets.map((b) => Date.parse(b.start)), by, range.to);
  const has = bucketsWithData(buckets, by, range.to, coverage);
  // Each bucket's open hours a zone was counted by no agent (GET .../funnel's outages), as the traffic CSV's column.
  const notCounted = notCountedHours(spans, outage);
  return toCsvFile(
    ["range_from", "range_to", `${by}_start`, `${by}_end`, ...steps.map((s, i) => count(`${i + 1}. ${s.label}`)), share("completion"), count("not_counted_hours")],
    buckets.map((b, i): Cell[] => {
      const { start, end } = spans[i]!;
      const reached = steps.map((s) => (has[i] ? (b.steps.find((x) => x.step === s.step)?.reached ?? 0) : null));
      const first = reached[0] ?? 0;
      return [from, to, isoLocal(start, range.timeZone), isoLocal(end, range.timeZone), ...reached, first > 0 ? reached.at(-1)! / first : null, (has[i] && notCounted[i]) || null];
    }),
  );
}

/**
 * The hour-of-day × weekday grid as the chart shows it: a row per weekday (Mon..Sun), a column per
 * local hour with the enters summed over the range, empty where no hour with data falls. Then
 * `not_counted_hours`: the weekday's open hours nobody counted the entrance (`notCounted`, keyed
 * `weekday|hour`, model/traffic weekGridNotCounted) summed, whose enters are short by what nobody
 * counted; empty when none, as the traffic CSV's column says it per slot.
 */
export function weekGridCsv(
  cells: readonly (readonly [hour: number, day: number, value: number | null])[],
  weekdays: readonly string[],
  range: ExportRange,
  notCounted: ReadonlyMap<string, number> = new Map(),
): string {
  const from = isoLocal(range.from, range.timeZone);
  const to = isoLocal(range.to, range.timeZone);
  const at = new Map(cells.map(([h, d, v]) => [`${d}|${h}`, v]));
  const hoursOf = (d: number) => Array.from({ length: 24 }, (_, h) => notCounted.get(`${d}|${h}`) ?? 0).reduce((a, b) => a + b, 0) || null;
  return toCsvFile(
    ["range_from", "range_to", "weekday", ...Array.from({ length: 24 }, (_, h) => count(`${String(h).padStart(2, "0")}:00`)), count("not_counted_hours")],
    weekdays.map((day, d): Cell[] => [from, to, day, ...Array.from({ length: 24 }, (_, h) => at.get(`${d}|${h}`) ?? null), hoursOf(d)]),
  );
}

/**
 * The Sales page's recorded days, oldest first (the table lists today first): each local day's start
 * and end (today's end is when it was read: the day so far), the store's enters, the transactions
 * recorded, the conversion and the takings, as the table shows them: enters and conversion empty
 * before the store's first figures (no data), conversion empty for a day without a transaction
 * (unknown, not 0) or without enters. Then, with `total`, the table's total row (`row` "total", the
 * days' rows "day"): every transaction and sale recorded, the enters, and the conversion the table
 * shows, the transactions of the days from the store's first figures on (`conversion_from`, the
 * table's "since ...") over the enters, which the rows above do not give by summing when a day
 * before the figures sold (no enters to set its sales against).
 */
export function salesDaysCsv(days: readonly SalesDay[], range: ExportRange, currency?: string, total?: SalesDaysFigures["total"], outage?: Outage | null): string {
  const from = isoLocal(range.from, range.timeZone);
  const to = isoLocal(range.to, range.timeZone);
  // Each day's open hours nobody counted the entrance (GET .../traffic's outages): its enters and conversion are short by them.
  const notCounted = notCountedHours(days.map((d) => ({ start: d.from, end: d.to })), outage);
  const rows = days.map((d, i): Cell[] => [from, to, isoLocal(d.from, range.timeZone), isoLocal(d.to, range.timeZone), d.enters, d.transactions, d.conversion, d.sales, "day", null, d.enters === null ? null : notCounted[i] || null]);
  const first = days[0];
  const last = days.at(-1);
  if (total && first && last) {
    rows.push([from, to, isoLocal(first.from, range.timeZone), isoLocal(last.to, range.timeZone), total.enters, total.transactions, total.conversion, total.sales, "total", total.since === null ? null : isoLocal(total.since, range.timeZone), total.enters === null ? null : notCounted.reduce((a, b) => a + b, 0) || null]);
  }
  return toCsvFile(["range_from", "range_to", "day_start", "day_end", count("store_enters"), count("transactions"), share("conversion"), figureColumn("sales", "money", currency), "row", "conversion_from", count("not_counted_hours")], rows);
}

/** The overview's figures, as chainCsv writes them: the name of each column and the kind of figure it holds. */
const CHAIN_FIGURES = [
  ["enters", "enters", "count"],
  ["visitors", "visitors", "count"],
  ["transactions", "transactions", "count"],
  ["sales", "sales", "money"],
  ["conversion", "conversion", "share"],
  ["averageBasket", "average_basket", "money"],
  ["dwellMedianS", "dwell_median_s", "seconds"],
] as const;

type ChainFigures = Record<(typeof CHAIN_FIGURES)[number][0], number | null>;

/** A store's row of the Chain view (the API's overview store, what chainCsv reads of it). */
export interface ChainCsvStore {
  id: string;
  name: string;
  groups: readonly string[];
  currency: string | null;
  timezone: string;
  figures: ChainFigures;
  previous: ChainFigures;
  lastYear: ChainFigures;
  /** Whether the store is compared like-for-like, and why not (the server's rule: core's notLikeForLike). */
  likeForLike: { previous: boolean; lastYear: boolean };
  notLikeForLike: { previous: "new" | "no-data" | "outage" | null; lastYear: "new" | "no-data" | "outage" | null };
  occupancy: number;
  occupancyFrom?: string | null | undefined;
  /** Its occupancy holds a zone nobody counts now (left out by servers before it). */
  partial?: boolean | undefined;
  agents: { agents: number; online: number; health: string };
}

type LikeForLike = { stores: number; figures: ChainFigures; before: ChainFigures };
/** A total of the Chain view (the API's overview totals or a group's): every store's figures, and its changes' like-for-like stores. */
export interface ChainCsvTotals {
  id: string | null;
  name: string;
  stores: number;
  currency: string | null;
  figures: ChainFigures;
  likeForLike: { previous: LikeForLike; lastYear: LikeForLike };
  occupancy: number;
  /** How many of its stores' occupancy is partial (left out by servers before it). */
  partialStores?: number | undefined;
  /** How many of its stores its visitors leave out: door counters only count theirs (left out by servers before it). */
  visitorsLeftOut?: number | undefined;
}

/** What the totals rows of chainCsv come from: the overview's totals, the group totals shown, how long figures are kept. */
export interface ChainCsvSummary {
  totals: ChainCsvTotals;
  groups: readonly ChainCsvTotals[];
  history: { keptDays: number } | null;
}

const REASON = { new: "new", "no-data": "no data", outage: "outage" } as const;

/**
 * The Chain view's range: the hours it asked the overview for (whole hours: a running range to the
 * end of the current hour) and `now`, when its figures were read. A running range's figures end at
 * `now`, so its rows' `range_to` is `now`, as the other views' "so far" ranges end, never a time
 * still to come.
 */
export interface ChainExportRange extends ExportRange {
  now: number;
}

/**
 * The Chain view's table (its stores as sorted and filtered there): each store's figures over the
 * range, the previous period's and last year's (the view's "prev" and "LY"), occupancy now and its
 * agents, and whether it is compared like-for-like against each (the API's likeForLike) and why not:
 * "new" (its figures begin later) or "no data" (that period is older than the figures kept,
 * figures_kept_days). Then the totals the view shows (`summary`), as it shows them: each total's
 * figures over every store (row "total" or "group"), then its like-for-like rows, the figures of
 * the stores compared against the previous period (last year) and theirs then, named as the view
 * says it ("All stores, like-for-like against the previous period: 2 of 3 stores"). A store's period
 * without any figure of it (not like-for-like, no enter) is empty, not 0 enters and 0.00 sales; so is
 * any figure the API gives as null for want of data (no data, not 0): enters before the store's
 * figures begin, transactions, sales, conversion and average basket before its first sale recorded
 * (no till feed yet), and a total over no store with that figure. The range is
 * the view's, in the browser's time zone, a running one ending `now` (ChainExportRange); amounts are in
 * each row's currency (its column), so a spreadsheet adds them up only within one. The last column,
 * `in_store_now_partial`, says whether a store's in_store_now holds a zone nobody counts now (a total's:
 * whether any of its stores' does), as the view's "Partial: …" under it; then a total's
 * `visitors_stores_left_out`: how many of its stores its visitors leave out (door counters only count
 * theirs), as the view's "without N door-counter-only stores" under it.
 */
export function chainCsv(stores: readonly ChainCsvStore[], range: ChainExportRange, summary?: ChainCsvSummary): string {
  // Money with its currency's decimals when every store sells in one, else two.
  const currencies = [...new Set(stores.map((s) => s.currency).filter((c): c is string => c !== null))];
  const column = (name: string, kind: (typeof CHAIN_FIGURES)[number][2]) => figureColumn(name, kind, currencies.length === 1 ? currencies[0] : undefined);
  const header: (string | CsvColumn)[] = [
    "range_from", "range_to", "store", "name", "groups", "timezone", "currency",
    ...CHAIN_FIGURES.map(([, name, kind]) => column(name, kind)),
    ...CHAIN_FIGURES.map(([, name, kind]) => column(`${name}_previous`, kind)),
    ...CHAIN_FIGURES.map(([, name, kind]) => column(`${name}_last_year`, kind)),
    count("in_store_now"), "in_store_from", count("agents"), count("agents_online"), "agents_health",
    "like_for_like_previous", "like_for_like_last_year", "not_like_for_like_previous", "not_like_for_like_last_year", count("figures_kept_days"), "row", count("stores"),
    // Whether in_store_now holds a zone nobody counts now (its camera offline): "Partial" in the view; a total's, whether any of its stores' does.
    "in_store_now_partial",
    // A total's: how many of its stores its visitors leave out (door counters only count theirs), the view's "without N door-counter-only stores".
    count("visitors_stores_left_out"),
  ];
  const from = isoLocal(range.from, range.timeZone);
  const to = isoLocal(Math.max(range.from, Math.min(range.to, range.now)), range.timeZone);
  const kept = summary?.history?.keptDays ?? null;
  const none = CHAIN_FIGURES.map((): Cell => null);
  // No data is not zero: a period before the store's figures begin ("new" without an enter in it) or
  // older than those kept ("no data" without one) has empty cells, as the view's "— new LY", not 0s.
  const figuresIn = (f: ChainFigures, why: "new" | "no-data" | "outage" | null): Cell[] => (why !== null && !f.enters ? none : CHAIN_FIGURES.map(([id]) => f[id]));
  const rows = stores.map((s): Cell[] => [
    from, to, s.id, s.name, s.groups.join(" "), s.timezone, s.currency,
    ...CHAIN_FIGURES.map(([id]) => s.figures[id]),
    ...figuresIn(s.previous, s.notLikeForLike.previous),
    ...figuresIn(s.lastYear, s.notLikeForLike.lastYear),
    s.occupancy, s.occupancyFrom, s.agents.agents, s.agents.online, s.agents.health,
    String(s.likeForLike.previous), String(s.likeForLike.lastYear),
    s.notLikeForLike.previous ? REASON[s.notLikeForLike.previous] : null, s.notLikeForLike.lastYear ? REASON[s.notLikeForLike.lastYear] : null,
    kept, "store", 1,
    s.partial === undefined ? null : String(s.partial),
    null,
  ]);
  const storesOf = (n: number) => `${n} ${n === 1 ? "store" : "stores"}`;
  const totalRows = (t: ChainCsvTotals, kind: "total" | "group"): Cell[][] => {
    const head = (name: string): Cell[] => [from, to, null, name, kind === "group" ? t.id : null, null, t.currency];
    const agentsEtc: Cell[] = [null, null, null, null, null];
    const p = t.likeForLike.previous;
    const y = t.likeForLike.lastYear;
    return [
      // Every store's figures, as the view's total shows them; its changes are the like-for-like rows'.
      [...head(t.name), ...CHAIN_FIGURES.map(([id]) => t.figures[id]), ...none, ...none, t.occupancy, null, null, null, null, null, null, null, null, kept, kind, t.stores, t.partialStores === undefined ? null : String(t.partialStores > 0), t.visitorsLeftOut ?? null],
      [...head(`${t.name}, like-for-like against the previous period: ${p.stores} of ${storesOf(t.stores)}`), ...CHAIN_FIGURES.map(([id]) => p.figures[id]), ...CHAIN_FIGURES.map(([id]) => p.before[id]), ...none, ...agentsEtc, "true", null, null, null, kept, kind, p.stores, null, null],
      [...head(`${t.name}, like-for-like against last year: ${y.stores} of ${storesOf(t.stores)}`), ...CHAIN_FIGURES.map(([id]) => y.figures[id]), ...none, ...CHAIN_FIGURES.map(([id]) => y.before[id]), ...agentsEtc, null, "true", null, null, kept, kind, y.stores, null, null],
    ];
  };
  if (summary) rows.push(...totalRows(summary.totals, "total"), ...summary.groups.flatMap((g) => totalRows(g, "group")));
  return toCsvFile(header, rows);
}
