/**
 * The chain view's plain logic: relative changes, sorting and filtering of the overview's stores.
 * No React here, so it is tested directly.
 */
import { changeOf, defaultDirection, formatPoints, overviewOrder, pointsChange, pointsDirection, relativeDirection, STORE_DWELL_ABOUT, STORE_DWELL_LABEL, type OverviewSort, type SortDirection } from "@footfall/core";
import type { Figures, OverviewStore, OverviewTotals } from "../api/chain.js";
import { formatChange, formatCount, formatDate, formatDateTime, formatDateTimeZ, formatDuration, formatMoney, formatRate, formatTime } from "./format.js";
import { dayRange, presetRange, soFar, type Preset } from "./range.js";
import { nameShown } from "./names.js";
import { nothingCounted, notCountedSinceText, sinceWords, type NotCountedSpan } from "./not-counted.js";

export { changeOf };

export const FIGURES = [
  { id: "enters", label: "Enters" },
  { id: "visitors", label: "Visitors" },
  { id: "conversion", label: "Conversion" },
  { id: "averageBasket", label: "Avg basket" },
  { id: "dwellMedianS", label: STORE_DWELL_LABEL, about: STORE_DWELL_ABOUT },
] as const satisfies readonly { id: keyof Figures; label: string; about?: string }[];
export type FigureId = (typeof FIGURES)[number]["id"];

/** What a figure's column is of, for its header's title (undefined where the label says it all). */
export function figureAbout(id: FigureId): string | undefined {
  const f = FIGURES.find((x) => x.id === id);
  return f && "about" in f ? f.about : undefined;
}

/** A figure as the chain view shows it: a dwell as every other screen writes one (`1 min 04 s`, format's formatDuration), a rate, an amount in `currency`, a count; `–` without one. */
export function formatFigure(id: FigureId, value: number | null, currency: string | null): string {
  if (value === null) return "–";
  switch (id) {
    case "conversion":
      return formatRate(value);
    case "averageBasket":
      return formatMoney(value, currency ?? undefined);
    case "dwellMedianS":
      return formatDuration(value);
    default:
      return formatCount(value);
  }
}
export type SortKey = Extract<OverviewSort, "name" | FigureId | "occupancy" | "health">;
export interface Sort {
  key: SortKey;
  dir: SortDirection;
}

/** Sorted by `key` as the server's `sort` orders them (core's `overviewOrder`: nulls last, ties by name, baskets within a currency). */
export function sortStores(stores: readonly OverviewStore[], sort: Sort): OverviewStore[] {
  return [...stores].sort(overviewOrder(sort.key, sort.dir));
}

const SORT_KEYS: readonly SortKey[] = ["name", ...FIGURES.map((f) => f.id), "occupancy", "health"];
/** The order the chain view opens with: most enters first. */
export const DEFAULT_SORT: Sort = { key: "enters", dir: "desc" };

/** The sort a link carries (`sort`, `order`), so that it survives opening a store and coming back; the default when absent or not a column. */
export function sortOf(params: Readonly<Record<string, string | undefined>>): Sort {
  const key = SORT_KEYS.find((k) => k === params.sort);
  if (!key) return DEFAULT_SORT;
  return { key, dir: params.order === "asc" || params.order === "desc" ? params.order : defaultDirection(key) };
}

/** The link parameters of `sort` (none for the default, to keep links short). */
export function sortParams(sort: Sort): { sort: string | null; order: string | null } {
  if (sort.key === DEFAULT_SORT.key && sort.dir === DEFAULT_SORT.dir) return { sort: null, order: null };
  return { sort: sort.key, order: sort.dir === defaultDirection(sort.key) ? null : sort.dir };
}

/** A click on a column: the same column flips its order; another starts descending (ascending for names). */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, dir: current.dir === "asc" ? "desc" : "asc" };
  return { key, dir: defaultDirection(key) };
}

/**
 * Stores whose name or id holds `text` (case-insensitive): the name as the table shows it (nameShown: a
 * name stored before the name rule written out, 'Rivoli \u{202e}exe.pdf', so what is read or copied
 * from the table finds its row) or as stored.
 */
export function filterStores(stores: readonly OverviewStore[], text: string): OverviewStore[] {
  const t = text.trim().toLowerCase();
  return t ? stores.filter((s) => nameShown(s.name).toLowerCase().includes(t) || s.name.toLowerCase().includes(t) || s.id.toLowerCase().includes(t)) : [...stores];
}

/**
 * The groups under a store's name in the chain view, as the Group filter names them (each group's
 * name, its control characters written out, in the order given): "Île-de-France Nord, Outlets", not
 * the ids "ile-de-france-nord, outlets". A group the list does not hold (not read yet, or deleted
 * since) keeps its id.
 */
export function groupsShown(ids: readonly string[], groups: readonly { id: string; name: string }[] | undefined): string {
  const names = new Map((groups ?? []).map((g) => [g.id, nameShown(g.name)]));
  return ids.map((id) => names.get(id) ?? id).join(", ");
}

/**
 * A figure's change against an earlier period as the chain view writes it, and which way it went:
 * conversion, a share, in percentage points (core's formatPoints: "+1.0 pts", as the heatmap and
 * the digests write it), every other figure relative to before ("+12 %", core's formatRelativeChange, as the digests write it). Null when there is
 * nothing to compare with (no figure, or a count of 0 before).
 */
export function figureChange(id: FigureId, now: number | null, before: number | null): { text: string; dir: "up" | "down" | "flat" } | null {
  if (id === "conversion") {
    const points = pointsChange(now, before);
    return points === null ? null : { text: formatPoints(points), dir: pointsDirection(points) };
  }
  const c = changeOf(now, before);
  if (c === null) return null;
  return { text: formatChange(c), dir: relativeDirection(c) };
}

/** The earlier periods the chain view compares with: "prev" (the previous period) and "LY" (the same weekdays last year). */
export type Earlier = "previous" | "lastYear";
const EARLIER_WORDS: Record<Earlier, string> = { previous: "the previous period is", lastYear: "the same weekdays last year are" };
const EARLIER_NAMES: Record<Earlier, string> = { previous: "the previous period", lastYear: "the same weekdays last year" };

/** How long the figures are kept (the overview's history: FOOTFALL_AGGREGATE_RETENTION_DAYS), null when for ever. */
export type History = { keptDays: number; keptFrom: number } | null;
type LeftOut = Pick<OverviewStore, "likeForLike" | "figuresFrom"> & Partial<Pick<OverviewStore, "notLikeForLike" | "outages">>;
export type Outage = NonNullable<NonNullable<OverviewStore["outages"]>["range"]>;

/** One stretch of hours nobody counted, in the store's zone: "Mon 30 Nov, 14:00–18:00 UTC" (both ends' dates when it spans days). */
function spanWords(span: { from: number; to: number }, timeZone: string): string {
  const day = (ts: number) => formatDate(ts, timeZone);
  return day(span.from) === day(span.to - 1)
    ? `${formatDateTime(span.from, timeZone)}–${formatTime(span.to, timeZone)}`
    : `${formatDateTimeZ(span.from, timeZone)} to ${formatDateTimeZ(span.to, timeZone)}`;
}

/** An outage's hours in words: "4 h (Mon 30 Nov, 14:00–18:00 UTC)", up to two stretches, then how many more (the store's traffic charts and Report too). */
export function outageWords(o: Outage, timeZone: string): string {
  const shown = o.spans.slice(0, 2).map((g) => spanWords(g, timeZone));
  const more = o.spans.length > 2 ? ` and ${o.spans.length - 2} more` : "";
  return `${formatCount(o.hours)} h (${shown.join(", ")}${more})`;
}

/**
 * Under a store's enters when it was closed the whole of the range by its opening hours (a holiday's
 * exception, its closed weekday): "Closed (opening hours)", so its 0 and "−100 %" read as a closed
 * store, not as nobody coming. Null otherwise, and from a server without the field.
 */
export function closedNote(store: Partial<Pick<OverviewStore, "closedThroughout">>): string | null {
  return store.closedThroughout?.range ? "Closed (opening hours)" : null;
}

/**
 * Under a store's enters, while its entrance was counted by no agent for some open hours of the
 * range (the API's outages.range: its camera or door counter offline): "Not counted 4 h (Mon 30 Nov,
 * 14:00–18:00 UTC)", so a lower figure is not read as fewer shoppers. Null when counted throughout.
 */
export function outageNote(store: Pick<OverviewStore, "timezone"> & Partial<Pick<OverviewStore, "outages">>): string | null {
  const o = store.outages?.range ?? null;
  return o === null ? null : `Not counted ${outageWords(o, store.timezone)}`;
}

/**
 * What a store's cell says instead of a change where it is left out of a comparison (the API's
 * likeForLike false): "new" when its figures begin after the earlier period's start; "no data" and
 * how long figures are kept ("(kept 365 days)") when that period is older than the figures kept
 * (notLikeForLike "no-data": its history was deleted by retention, the store is not new). Null when
 * it is compared.
 */
export function leftOutWords(store: LeftOut, earlier: Earlier, history: History = null): { word: string; after: string | null } | null {
  if (store.likeForLike[earlier]) return null;
  if (store.notLikeForLike?.[earlier] === "no-data") return { word: "no data", after: history ? `(kept ${formatCount(history.keptDays)} days)` : null };
  if (store.notLikeForLike?.[earlier] === "outage") return { word: "not counted", after: null };
  return { word: "new", after: null };
}

/**
 * Why a store shows no change against an earlier period (like-for-like, core's countedThrough): its
 * figures begin after that period's start, so the period is partial or empty and a change would
 * overstate growth (the heatmap's partial-period warning, in a title); or that period is older than
 * the figures kept (`history`), so there is nothing to compare with though the store is not new.
 * Null when it was counted through the whole period and its change is shown.
 */
export function notLikeForLike(store: LeftOut, earlier: Earlier, timeZone: string, period: { from: number; to: number } | null = null, history: History = null): string | null {
  if (store.likeForLike[earlier]) return null;
  if (store.notLikeForLike?.[earlier] === "no-data") {
    const kept = history ? `Figures are kept ${formatCount(history.keptDays)} days (from ${formatDate(history.keptFrom, timeZone)} on)` : "Older figures are not kept";
    return `${kept}: ${EARLIER_WORDS[earlier]} older, so there is nothing to compare with. The store is not new: its earlier figures were deleted`;
  }
  if (store.notLikeForLike?.[earlier] === "outage") {
    const now = store.outages?.range ?? null;
    const then = store.outages?.[earlier] ?? null;
    const parts = [now && `for ${outageWords(now, timeZone)} of this period`, then && `for ${outageWords(then, timeZone)} of ${EARLIER_NAMES[earlier]}`].filter(Boolean);
    return `Its entrance was counted by no agent (offline) ${parts.join(" and ")}: a change would read the outage as a change in traffic, so none is shown and the totals' changes leave the store out`;
  }
  const from = store.figuresFrom === null ? "No figures yet" : `Counted from ${formatDateTimeZ(store.figuresFrom, timeZone)}`;
  // Figures that begin after the earlier period ends: nothing was counted in it at all.
  if (store.figuresFrom !== null && period !== null && store.figuresFrom >= period.to)
    return `${from}: ${EARLIER_NAMES[earlier]} has no figures to compare with`;
  return `${from}: ${EARLIER_WORDS[earlier]} not complete, so a change would overstate growth`;
}

/**
 * A total's change against an earlier period, like-for-like: its stores counted through both
 * periods, their figures now and before (the API's totals.likeForLike), and what the view says of
 * those left out ("like-for-like: 18 of 20 stores"; null when none is).
 */
export function totalsLikeForLike(
  totals: Pick<OverviewTotals, "likeForLike" | "stores">,
  earlier: Earlier,
): { now: Figures; before: Figures; note: string | null } {
  const l = totals.likeForLike[earlier];
  return { now: l.figures, before: l.before, note: l.stores < totals.stores ? `like-for-like: ${l.stores} of ${storesOf(totals.stores)}` : null };
}

const storesOf = (n: number) => `${n} ${n === 1 ? "store" : "stores"}`;

/** The line under a total saying which stores its changes are over, when any is left out; null when every store is compared both ways. */
export function likeForLikeLine(totals: Pick<OverviewTotals, "likeForLike" | "stores">): string | null {
  const [p, y] = [totals.likeForLike.previous.stores, totals.likeForLike.lastYear.stores];
  if (p === totals.stores && y === totals.stores) return null;
  if (p === y) return `Changes like-for-like: ${p} of ${storesOf(totals.stores)}`;
  return `Changes like-for-like: ${p} of ${storesOf(totals.stores)} against the previous period, ${y} of ${totals.stores} against last year`;
}

/**
 * The id a new store group gets from its name (an id is 1-64 of a-z, 0-9, "_" and "-", starting
 * with a letter or digit): accents dropped, lower case, every other run of characters a "-".
 * "Île-de-France Nord" is "ile-de-france-nord"; "" when the name has no letter or digit to keep.
 */
export function groupIdOf(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "-")
    .replace(/^[-_]+/, "")
    .slice(0, 64)
    .replace(/-+$/, "");
}

/** An hour in ms: the chain's ranges are on whole hours. */
export const HOUR = 3_600_000;

/**
 * The chain's range as the overview is asked for it: the preset's days in the browser's zone (the
 * chain's days), on whole hours, a range reaching now ending with the current hour.
 */
export function chainRange(preset: Exclude<Preset, "custom">, now: number, timeZone: string): { from: number; to: number } {
  const r = presetRange(preset, Math.floor(now / 60_000) * 60_000, timeZone);
  return { from: Math.floor(r.from / HOUR) * HOUR, to: Math.ceil(r.to / HOUR) * HOUR };
}

/**
 * The hours a link gives the chain view, or null: none, or not a range (then the preset's). The forms the Report and
 * Heatmap take (range's rangeFromParams): instants in epoch ms (a digest's "Chain view" link, `from=1796...&to=1796...`,
 * half-open), or days in the chain's zone (`from=2026-12-06&to=2026-12-07`, both included; `from` alone: that day).
 * Widened to whole hours, as the overview answers. Days reaching past `now` end with the current hour, as the presets
 * that include today do (their previous period is then the same stretch of time).
 */
export function linkedRange(params: Record<string, string>, timeZone: string, now: number): { from: number; to: number } | null {
  const { from = "", to = "" } = params;
  let r: { from: number; to: number } | null = null;
  if (/^\d{1,15}$/.test(from) && /^\d{1,15}$/.test(to)) r = { from: Number(from), to: Number(to) };
  else if (/^\d{4}-\d{2}-\d{2}$/.test(from)) {
    const days = dayRange(from, to || from, timeZone);
    if (days) r = soFar(days, now);
  }
  if (!r) return null;
  const range = { from: Math.floor(r.from / HOUR) * HOUR, to: Math.ceil(r.to / HOUR) * HOUR };
  return range.to > range.from ? range : null;
}

/**
 * The range a click on a store's row opens it on (its heatmap's params): the hours its row counted.
 * A store whose own days are the chain's gets the preset by name (`range=yesterday`, so "today"
 * stays today). A store in another zone counts the preset in its own days (Chicago's yesterday is
 * not Paris's), so it gets the chain's hours as instants (`from`, `to` in epoch ms): its screens then
 * show the row's very figures, not another day's.
 */
export function storeRangeParams(preset: Exclude<Preset, "custom">, now: number, chainZone: string, storeZone: string): Record<string, string> {
  const chain = chainRange(preset, now, chainZone);
  const own = chainRange(preset, now, storeZone);
  // The chain's "today" in the minute of its midnight is empty: no hours to match, the preset by name.
  if (chain.to <= chain.from || (own.from === chain.from && own.to === chain.to)) return { range: preset };
  return { from: String(chain.from), to: String(chain.to) };
}

/**
 * A store nothing counts now: every zone of its layout (the API's `zoneCount`) is in its `notCounted`; since when and
 * which agents, as its tablet says it. Null while a zone counts, or from a server that leaves zoneCount out.
 */
export function storeNothingCounted(store: Pick<OverviewStore, "notCounted" | "zoneCount">): NotCountedSpan | null {
  return store.zoneCount === undefined ? null : nothingCounted(store.notCounted ?? [], store.zoneCount);
}

/**
 * A store's "in store now" that holds a zone nobody counts now (the API's `partial`), in the tablet's
 * words with since when, in the store's time zone: "Partial: Bakery not counted since 16:52 CET"
 * (the first to stop; up to 3 names, else how many zones; its day when it began before `now`'s day, the server's clock:
 * "since Fri 16:52 CET", not-counted's sinceWords). Null while the figure is whole. When no zone at all
 * is counted, not "Partial" but the live view's words: "Not counted since 17:34 CET (sim-1 offline): the count from before".
 */
export function partialNote(store: Pick<OverviewStore, "partial" | "notCounted" | "timezone" | "zoneCount">, now: number): string | null {
  const zones = store.notCounted ?? [];
  const nothing = storeNothingCounted(store);
  if (nothing) return `${notCountedSinceText(nothing, store.timezone, now)}: the count from before`;
  if (!store.partial || zones.length === 0) return null;
  const since = Math.min(...zones.map((z) => z.since));
  const names = zones.length > 3 ? `${zones.length} zones` : zones.map((z) => nameShown(z.name)).join(", ");
  return `Partial: ${names} not counted since ${sinceWords(since, now, store.timezone)}`;
}

/**
 * The totals' "in store now" note. A store nothing counts now (storeNothingCounted: every zone of its layout, its agents
 * offline) is not "partial": its figure in the total is the count from before, said as its row says it, by name and since
 * when in its time zone: "Lille not counted since 17:34 CET (cam-1 offline): the count from before" (up to 3 stores by
 * name, else how many). The other stores with a zone nobody counts (the API's partialStores less those): "partial: 2
 * stores not fully counted now" ("1 more store" after stores named). Null when every store counts. `stores`: the
 * overview's rows, those of the total.
 */
export function partialTotalNote(
  totals: Pick<OverviewTotals, "partialStores">,
  stores: readonly Pick<OverviewStore, "name" | "partial" | "notCounted" | "timezone" | "zoneCount">[],
  now: number,
): string | null {
  const nothing = stores.flatMap((s) => {
    const n = storeNothingCounted(s);
    return n ? [{ store: s, n }] : [];
  });
  // partialStores counts the stores nothing counts (their total holds zones nobody counts) with the rest.
  const rest = Math.max(0, (totals.partialStores ?? 0) - nothing.filter(({ store }) => store.partial).length);
  const parts: string[] = [];
  if (nothing.length > 3) parts.push(`${nothing.length} stores not counted now: the count from before`);
  else if (nothing.length > 0)
    parts.push(`${nothing.map(({ store, n }) => `${nameShown(store.name)} n${notCountedSinceText(n, store.timezone, now).slice(1)}`).join("; ")}: the count from before`);
  if (rest > 0) parts.push(`partial: ${rest} ${nothing.length ? "more " : ""}${rest === 1 ? "store" : "stores"} not fully counted now`);
  return parts.length ? parts.join(" · ") : null;
}
