/**
 * Date ranges for analytics, in the store's time zone. A range is `[from, to)` in epoch ms plus
 * `days`: the calendar days it spans, so that "compare with the previous period" shifts by whole
 * days (today so far vs yesterday up to the same time, across DST changes too).
 */
import { formatBucketStart, localDate, localMidnight, offsetMs, wallToUtc } from "@footfall/core";

export const PRESETS = [
  { id: "today", label: "Today" },
  { id: "yesterday", label: "Yesterday" },
  { id: "last7", label: "Last 7 days" },
  { id: "last30", label: "Last 30 days" },
  { id: "custom", label: "Custom" },
] as const;
export type Preset = (typeof PRESETS)[number]["id"];

export interface DateRange {
  from: number;
  to: number;
  /** Calendar days to shift for the previous period, or null to shift by the duration. */
  days: number | null;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The local date of `ts` in the store's zone, as days since 1970-01-01. */
const civilOf = (ts: number, timeZone: string): number => Math.floor((ts + offsetMs(ts, timeZone)) / DAY);
/** A `YYYY-MM-DD` date (checked by the caller) as days since 1970-01-01. */
const civilOfDay = (day: string): number => Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY);

/**
 * The instant the local wall clock reads `ms` past midnight of date `civil`: core's wallToUtc to the
 * whole minute (the first such instant: the earlier of a repeated hour; in a skipped hour, the
 * instant the clock jumps), the milliseconds after it added.
 */
function atWall(civil: number, ms: number, timeZone: string): number {
  const whole = Math.floor(ms / MINUTE);
  return wallToUtc(civil, whole, timeZone) + (ms - whole * MINUTE);
}

/** A preset's range at `now`; ranges that include today end at `now` ("so far"). */
export function presetRange(preset: Exclude<Preset, "custom">, now: number, timeZone: string): DateRange {
  const today = localMidnight(now, timeZone);
  switch (preset) {
    case "today":
      return { from: today, to: now, days: 1 };
    case "yesterday":
      return { from: localMidnight(now, timeZone, -1), to: today, days: 1 };
    case "last7":
      return { from: localMidnight(now, timeZone, -6), to: now, days: 7 };
    case "last30":
      return { from: localMidnight(now, timeZone, -29), to: now, days: 30 };
  }
}

/** The period just before: shifted back by its calendar days, or by its length. */
export function previousPeriod(range: DateRange, timeZone: string): DateRange {
  if (range.days === null) {
    const len = range.to - range.from;
    return { from: range.from - len, to: range.from, days: null };
  }
  const days = range.days;
  // A day start shifts to a day start; any other instant ("now") to the same wall-clock time.
  const shift = (t: number) => {
    if (localMidnight(t, timeZone) === t) return localMidnight(t, timeZone, -days);
    const civil = civilOf(t, timeZone);
    return atWall(civil - days, t + offsetMs(t, timeZone) - civil * DAY, timeZone);
  };
  return { from: shift(range.from), to: shift(range.to), days };
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** `YYYY-MM-DD` (a calendar day in the store's zone) to the epoch ms of its start (its midnight, or 01:00 where midnight is skipped); null if malformed, or a date the zone skipped (Apia's 2011-12-30). */
export function parseDay(day: string, timeZone: string): number | null {
  if (!DAY_RE.test(day)) return null;
  const civil = civilOfDay(day);
  if (!Number.isFinite(civil) || new Date(civil * DAY).toISOString().slice(0, 10) !== day) return null;
  const start = wallToUtc(civil, 0, timeZone);
  return dayOf(start, timeZone) === day ? start : null;
}

/** The calendar day (`YYYY-MM-DD`) of `ts` in the store's zone. */
export function dayOf(ts: number, timeZone: string): string {
  return localDate(ts, timeZone);
}

/** A custom range from day `first` to day `last`, both included. */
export function dayRange(first: string, last: string, timeZone: string): DateRange | null {
  const from = parseDay(first, timeZone);
  const lastMidnight = parseDay(last, timeZone);
  if (from === null || lastMidnight === null || lastMidnight < from) return null;
  const to = localMidnight(lastMidnight, timeZone, 1);
  return { from, to, days: civilOfDay(last) - civilOfDay(first) + 1 };
}

/**
 * The custom days after one of the two day fields changed to `day`: the other one moves along when
 * it would otherwise end before it starts (a first day after the last moves the last day to it, a
 * last day before the first moves the first day back), so that typing a date field by field
 * (month, then year) never asks for a range that ends before it begins, which reads as no range at
 * all and drops the person back to "today".
 */
export function editDays(first: string, last: string, changed: "first" | "last", day: string): [first: string, last: string] {
  if (changed === "first") return [day, last < day ? day : last];
  return [day < first ? day : first, day];
}

/** Hourly buckets for ranges up to two days, daily beyond. */
export function bucketFor(range: DateRange): "hour" | "day" {
  return range.to - range.from <= 2 * 86_400_000 + 3_600_000 ? "hour" : "day";
}

/**
 * The range a route asks for: a preset (`range=last7`), days (`from=2026-11-01&to=2026-11-07`,
 * both included), or instants in epoch ms (`from=1763...&to=1763...`, half-open).
 */
export function rangeFromParams(params: Record<string, string>, now: number, timeZone: string): { preset: Preset; range: DateRange } {
  const preset = (params.range ?? (params.from ? "custom" : "today")) as Preset;
  if (preset !== "custom" && PRESETS.some((p) => p.id === preset)) return { preset, range: presetRange(preset, now, timeZone) };
  const { from = "", to = "" } = params;
  if (/^\d+$/.test(from) && /^\d+$/.test(to) && Number(to) > Number(from)) {
    return { preset: "custom", range: soFar({ from: Number(from), to: Number(to), days: null }, now) };
  }
  const days = dayRange(from, to || from, timeZone);
  if (days) return { preset: "custom", range: soFar(days, now) };
  return { preset: "today", range: presetRange("today", now, timeZone) };
}

/**
 * A range that runs past `now` ends at `now` ("so far"), as the presets that include today do: its
 * figures are the same, its previous period is then the same stretch of time, and it is a live
 * range that refreshes (`isLive`). A range that has not begun is left alone.
 */
export function soFar(range: DateRange, now: number): DateRange {
  return range.to > now && range.from < now ? { ...range, to: now } : range;
}

/** Whether the range reaches the present: its figures still change, so the view refreshes them. */
export const isLive = (range: DateRange, now: number): boolean => range.to >= now;

/** `YYYY-MM-DDTHH:mm` (an `<input type="datetime-local">` value) of `ts` in the store's zone. */
export function toLocalInput(ts: number, timeZone: string): string {
  return formatBucketStart(ts, timeZone).slice(0, 16);
}

/**
 * The instant a wall-clock `YYYY-MM-DDTHH:mm` names in the store's zone; null if malformed. A time
 * the clock shows twice (the repeated hour of a fall-back) is its first; a time it skips, the
 * instant it jumps (core's wallToUtc, as opening hours read their times).
 */
export function fromLocalInput(value: string, timeZone: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  if (parseDay(m[1]!, timeZone) === null) return null;
  const [h, min] = [Number(m[2]), Number(m[3])];
  if (h > 23 || min > 59) return null;
  return wallToUtc(civilOfDay(m[1]!), h * 60 + min, timeZone);
}
