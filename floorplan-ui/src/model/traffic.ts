/**
 * Traffic figures for charts: the store's enters per hour or day with empty slots filled in, and
 * the hour-of-day x weekday grid derived from hourly buckets. Bucket starts carry the store's
 * offset (`2026-11-22T09:00:00+01:00`), so the local hour and day are read from the string itself.
 */
import { bucketStarts, type TrafficBucket } from "@footfall/core";
import type { DateRange } from "./range.js";
import { slotHasData, type Coverage } from "./coverage.js";
import { outageWords, type Outage } from "./chain.js";

/** Monday first, as shops plan their weeks. */
export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

export interface LocalParts {
  day: string;
  hour: number;
  /** 0 = Monday ... 6 = Sunday. */
  weekday: number;
}

const START_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):/;
export function localParts(start: string): LocalParts | null {
  const m = START_RE.exec(start);
  if (!m) return null;
  const utcDay = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDay();
  return { day: `${m[1]}-${m[2]}-${m[3]}`, hour: Number(m[4]), weekday: (utcDay + 6) % 7 };
}

/**
 * The figure a bucket contributes: the store's enters (its entrance zones), or, for a layout with
 * no entrance zone, the enters of all zones together.
 */
export function bucketValue(b: TrafficBucket, useZones: boolean): number {
  return useZones ? Object.values(b.zones).reduce((s, n) => s + n, 0) : b.enters;
}

export interface WeekHourGrid {
  /** [hour, weekday, value] for every one of the 7 x 24 cells; value null where no hour of the range with data falls. */
  cells: [number, number, number | null][];
  max: number;
  total: number;
  /** Cells with data. */
  covered: number;
}

const ALL: Coverage = { from: Number.NEGATIVE_INFINITY, now: Number.POSITIVE_INFINITY };

/**
 * Sum of hourly values by (weekday, hour of day) over the range. A cell that no hour with data
 * falls in (a weekday outside the range, hours before the store's first figures) has no value:
 * "no data", not 0.
 */
export function weekHourGrid(buckets: readonly TrafficBucket[], useZones = false, coverage: Coverage = ALL): WeekHourGrid {
  const sums = Array.from({ length: 7 }, () => new Array<number | null>(24).fill(null));
  for (const b of buckets) {
    const p = localParts(b.start);
    const start = Date.parse(b.start);
    if (!p || !slotHasData(start, start + 3_600_000, coverage)) continue;
    sums[p.weekday]![p.hour] = (sums[p.weekday]![p.hour] ?? 0) + bucketValue(b, useZones);
  }
  const cells: [number, number, number | null][] = [];
  let max = 0, total = 0, covered = 0;
  sums.forEach((row, weekday) =>
    row.forEach((value, hour) => {
      cells.push([hour, weekday, value]);
      if (value === null) return;
      covered++;
      max = Math.max(max, value);
      total += value;
    }),
  );
  return { cells, max, total, covered };
}

export interface Slot {
  start: number;
  /** The next slot's start. */
  end: number;
  label: string;
  /** Enters in the slot; null: no data (before the store's first figures, or not yet happened). */
  value: number | null;
}

/** The sum of the slots with data, or null when none has any. */
export function slotsTotal(slots: readonly Slot[]): number | null {
  let total: number | null = null;
  for (const s of slots) if (s.value !== null) total = (total ?? 0) + s.value;
  return total;
}

/** The most slots a range is cut into. */
const MAX_SLOTS = 24 * 400;

/**
 * Every hour or day of the range, with the buckets' values: 0 where the server counted nothing,
 * null where there is no data (see `coverage.ts`).
 */
export function trafficSlots(buckets: readonly TrafficBucket[], range: DateRange, bucket: "hour" | "day", timeZone: string, useZones = false, coverage: Coverage = ALL): Slot[] {
  const byStart = new Map<number, number>();
  for (const b of buckets) byStart.set(Date.parse(b.start), (byStart.get(Date.parse(b.start)) ?? 0) + bucketValue(b, useZones));
  const multiDay = range.to - range.from > 86_400_000 + 3_600_000;
  const fmt = new Intl.DateTimeFormat("en-GB", bucket === "hour"
    ? { timeZone, hour: "2-digit", minute: "2-digit", ...(multiDay ? { weekday: "short" } : {}) }
    : { timeZone, weekday: "short", day: "numeric", month: "short" });
  // The server's buckets (core's bucketStarts), at most 24 x 400 of them: from the one holding `from`
  // (a local midnight or hour start) to the last before `to`, and the one after it for the last slot's
  // end (a local hour lasts at most an hour, a local day at most 25 hours).
  const unit = bucket === "hour" ? 3_600_000 : 86_400_000;
  const until = Math.min(range.to, range.from + MAX_SLOTS * unit);
  const starts = bucketStarts({ from: range.from, to: until + 2 * unit }, bucket, timeZone);
  /** The next bucket's start after `start` (a bucket start, or an instant inside a bucket). */
  const nextAfter = (start: number) => bucketStarts({ from: start, to: start + 3 * unit }, bucket, timeZone).find((t) => t > start) ?? start + unit;
  const slot = (start: number, end: number, value: number | undefined): Slot => ({
    start,
    end,
    label: fmt.format(start),
    value: slotHasData(Math.max(start, range.from), Math.min(end, range.to), coverage) ? (value ?? 0) : null,
  });
  const slots: Slot[] = [];
  for (let i = 0; i < starts.length && starts[i]! < until && i < MAX_SLOTS; i++) {
    const start = starts[i]!;
    slots.push(slot(start, starts[i + 1] ?? nextAfter(start), byStart.get(start)));
  }
  // Buckets the walk did not meet (an unexpected boundary) are not dropped silently.
  const seen = new Set(slots.map((s) => s.start));
  for (const [start, value] of byStart) if (!seen.has(start)) slots.push(slot(start, nextAfter(start), value));
  slots.sort((a, b) => a.start - b.start);
  // The hour clocks go back over happens twice (02:00 CEST, then 02:00 CET): each says which, not "02:00" twice.
  const counts = new Map<string, number>();
  for (const s of slots) counts.set(s.label, (counts.get(s.label) ?? 0) + 1);
  if (bucket === "hour" && slots.some((s) => counts.get(s.label)! > 1)) {
    const withZone = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", timeZoneName: "short", ...(multiDay ? { weekday: "short" } : {}) });
    for (const s of slots) if (counts.get(s.label)! > 1) s.label = withZone.format(s.start);
  }
  return slots;
}

const HOUR = 3_600_000;

/**
 * Each slot's open hours in which the store's entrance was counted by no agent (GET .../traffic's
 * outages: whole hours), 0 where none: those slots' enters are short by what nobody counted.
 */
export function notCountedHours(slots: readonly { start: number; end: number }[], outage: Outage | null | undefined): number[] {
  // Whole hours: an hour cut by the range's end (today so far) is one.
  return slots.map((s) => (outage ? Math.ceil(outage.spans.reduce((n, g) => n + Math.max(0, Math.min(g.to, s.end) - Math.max(g.from, s.start)), 0) / HOUR) : 0));
}

/** The runs of slots (first and last index) with hours nobody counted, to mark on the chart as the closed hours are shaded. */
export function notCountedRuns(hours: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  hours.forEach((h, i) => {
    if (!h) return;
    const last = runs[runs.length - 1];
    if (last && last[1] === i - 1) last[1] = i;
    else runs.push([i, i]);
  });
  return runs;
}

/** The amber of hours nobody counted (the traffic charts', the funnel's) and the grey of closed hours, as bands over a chart's slots. */
export const NOT_COUNTED_BAND = "rgba(217, 119, 6, 0.16)";
export const CLOSED_BAND = "rgba(100, 116, 139, 0.12)";

/**
 * A chart's shaded runs of slots (first and last index, `notCountedRuns`, closed hours' runs) as an
 * ECharts series: a mark area on a hidden value x axis (index 1, 0 to the number of slots) from the
 * start of a run's first slot to the end of its last. On the category axis an area runs from the
 * middle of one bar's band to the middle of another's, so half of each end slot was left out, and a
 * single slot was not shaded at all. Undefined when there is no run. The chart needs that second
 * axis: `{ type: "value", min: 0, max: slots, show: false }`.
 */
export function bandSeries(name: string, colour: string, runs: readonly (readonly [number, number])[]): Record<string, unknown> | undefined {
  if (runs.length === 0) return undefined;
  return {
    type: "line",
    name,
    xAxisIndex: 1,
    data: [],
    silent: true,
    tooltip: { show: false },
    markArea: { silent: true, itemStyle: { color: colour }, data: runs.map(([a, b]) => [{ xAxis: a }, { xAxis: b + 1 }]) },
  };
}

/**
 * What a traffic chart or the week grid says when the range counted no enter: "No enters in this
 * range", unless nobody counted the store's entrance for some of its open hours (its outages):
 * then those hours are not known, not none, and it says so. `text` is null with no outage.
 */
export function noEntersWords(outage: Outage | null | undefined, timeZone: string): { title: string; text: string | null } {
  if (!outage) return { title: "No enters in this range", text: null };
  return { title: "No enters counted in this range", text: `${trafficOutageNote(outage, timeZone)}: the store's entrance was counted by no agent (offline) in those open hours, so their enters are not known, not none.` };
}

/**
 * A zone's change against the previous period when the zone was counted by no agent for some open
 * hours of either (GET .../dwell's outages of each period, `zones` naming it): none is given, "—
 * not counted" (the rule the store's entrance follows, `outageChange`), its title naming the
 * period(s). Null when the zone was counted throughout both.
 */
export function zoneOutageChange(zone: string, now: Outage | null | undefined, before: Outage | null | undefined, timeZone: string): { text: string; title: string } | null {
  const inNow = !!now?.zones.includes(zone);
  const inBefore = !!before?.zones.includes(zone);
  if (!inNow && !inBefore) return null;
  const parts = [inNow && `in open hours of this range (${outageWords(now!, timeZone)})`, inBefore && `in open hours of the previous period (${outageWords(before!, timeZone)})`].filter(Boolean).join(" and ");
  return { text: "— not counted", title: `This zone was counted by no agent (offline) ${parts}: a change would read the outage as a change in its figures, so none is shown` };
}

/** The chart's and the Report's words for a range's outage: "Not counted 4 h (Mon 30 Nov, 14:00–18:00 CET)", the chain view's; null when none. */
export function trafficOutageNote(outage: Outage | null | undefined, timeZone: string): string | null {
  return outage ? `Not counted ${outageWords(outage, timeZone)}` : null;
}

/** What an outage means, after the note: said on hover and in the Report. */
export const OUTAGE_MEANS = "the store's entrance was counted by no agent (offline) in those open hours: their enters are short by what nobody counted";

/**
 * What a screen of zone figures (Flows' paths, a funnel, the Heatmap's visits and dwell, conversion)
 * says of the open hours a zone was counted by no agent (GET .../paths, .../funnel, .../dwell and
 * .../conversion's outages, /traffic's rule for every zone): "Not counted 4 h (Mon 30 Nov, 14:00–18:00
 * UTC): Fruit was counted by no agent (offline) in those open hours: its visits, dwell and trips in them
 * are not known, not none". An entrance among the zones: the store's enters too. Null when none.
 */
export function zonesOutageNote(outage: Outage | null | undefined, timeZone: string, nameOf: (zone: string) => string = (z) => z): string | null {
  if (!outage) return null;
  const names = outage.zones.map(nameOf);
  const list = names.length <= 1 ? (names[0] ?? "a zone") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  const one = names.length <= 1;
  return `Not counted ${outageWords(outage, timeZone)}: ${list} ${one ? "was" : "were"} counted by no agent (offline) in those open hours: ${one ? "its" : "their"} visits, dwell and trips in them are not known, not none`;
}

/**
 * The hour-of-day × weekday grid's cells' hours nobody counted the entrance (GET .../traffic's
 * outages), keyed `weekday|hour` as the grid's cells: a cell holding one is short by what nobody
 * counted, so it is marked, not read as a quiet hour.
 */
export function weekGridNotCounted(buckets: readonly TrafficBucket[], outage: Outage | null | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (!outage) return out;
  for (const b of buckets) {
    const p = localParts(b.start);
    const start = Date.parse(b.start);
    if (!p) continue;
    const [h] = notCountedHours([{ start, end: start + HOUR }], outage);
    if (h) out.set(`${p.weekday}|${p.hour}`, (out.get(`${p.weekday}|${p.hour}`) ?? 0) + h);
  }
  return out;
}

/**
 * The comparison with the previous period where the store's entrance was counted by no agent for some
 * open hours of either (the chain view's and the digests' rule): no change at all, "— not counted", its
 * title naming the hours of each; null when neither period has an outage.
 */
export function outageChange(now: Outage | null | undefined, before: Outage | null | undefined, timeZone: string): { text: string; title: string; note: string } | null {
  if (!now && !before) return null;
  const parts = [now && `for ${outageWords(now, timeZone)} of this range`, before && `for ${outageWords(before, timeZone)} of the previous period`].filter(Boolean).join(" and ");
  return {
    text: "— not counted",
    title: `The store's entrance was counted by no agent (offline) ${parts}: a change would read the outage as a change in traffic, so none is shown`,
    note: `Not compared: this store's entrance was counted by no agent (offline) ${parts}. Those hours are short by what nobody counted, so no change is shown ("— not counted").`,
  };
}
