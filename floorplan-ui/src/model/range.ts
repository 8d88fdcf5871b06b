/**
 * Date ranges for analytics, in the store's time zone. A range is `[from, to)` in epoch ms plus
 * `days`: the calendar days it spans, so that "compare with the previous period" shifts by whole
 * days (today so far vs yesterday up to the same time, across DST changes too).
 */
import { TZDate, tz } from "@date-fns/tz";
import { addDays, differenceInCalendarDays, startOfDay } from "date-fns";

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

/**
 * The start of the local day `plusDays` calendar days after the one holding `ts`. The day's start is
 * taken again after adding days: adding days keeps the wall clock, and a day that skips midnight
 * (Santiago, Havana) starts at 01:00, which is no day start on the days around it.
 */
function midnight(ts: number, timeZone: string, plusDays = 0): number {
  const inTz = { in: tz(timeZone) };
  const day = startOfDay(ts, inTz);
  return plusDays === 0 ? day.getTime() : startOfDay(addDays(day, plusDays, inTz), inTz).getTime();
}

/** A preset's range at `now`; ranges that include today end at `now` ("so far"). */
export function presetRange(preset: Exclude<Preset, "custom">, now: number, timeZone: string): DateRange {
  const today = midnight(now, timeZone);
  switch (preset) {
    case "today":
      return { from: today, to: now, days: 1 };
    case "yesterday":
      return { from: midnight(now, timeZone, -1), to: today, days: 1 };
    case "last7":
      return { from: midnight(now, timeZone, -6), to: now, days: 7 };
    case "last30":
      return { from: midnight(now, timeZone, -29), to: now, days: 30 };
  }
}

/** The period just before: shifted back by its calendar days, or by its length. */
export function previousPeriod(range: DateRange, timeZone: string): DateRange {
  if (range.days === null) {
    const len = range.to - range.from;
    return { from: range.from - len, to: range.from, days: null };
  }
  const inTz = { in: tz(timeZone) };
  const days = range.days;
  // A day start shifts to a day start; any other instant ("now") to the same wall-clock time.
  const shift = (t: number) => (startOfDay(t, inTz).getTime() === t ? midnight(t, timeZone, -days) : addDays(t, -days, inTz).getTime());
  return { from: shift(range.from), to: shift(range.to), days };
}

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` (a calendar day in the store's zone) to the epoch ms of its midnight; null if malformed. */
export function parseDay(day: string, timeZone: string): number | null {
  const m = DAY_RE.exec(day);
  if (!m) return null;
  const probe = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12);
  if (new Date(probe).toISOString().slice(0, 10) !== day) return null;
  // Noon UTC lies on the same calendar day in every zone within ±12 h; step to the local midnight of that day.
  const local = midnight(probe, timeZone);
  return dayOf(local, timeZone) === day ? local : midnight(probe, timeZone, dayOf(local, timeZone) < day ? 1 : -1);
}

/** The calendar day (`YYYY-MM-DD`) of `ts` in the store's zone. */
export function dayOf(ts: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(ts);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** A custom range from day `first` to day `last`, both included. */
export function dayRange(first: string, last: string, timeZone: string): DateRange | null {
  const from = parseDay(first, timeZone);
  const lastMidnight = parseDay(last, timeZone);
  if (from === null || lastMidnight === null || lastMidnight < from) return null;
  const to = midnight(lastMidnight, timeZone, 1);
  return { from, to, days: differenceInCalendarDays(lastMidnight, from, { in: tz(timeZone) }) + 1 };
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
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(ts);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}`;
}

/** The instant a wall-clock `YYYY-MM-DDTHH:mm` names in the store's zone; null if malformed. */
export function fromLocalInput(value: string, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  if (parseDay(`${m[1]}-${m[2]}-${m[3]}`, timeZone) === null) return null;
  const [h, min] = [Number(m[4]), Number(m[5])];
  if (h > 23 || min > 59) return null;
  return new TZDate(Number(m[1]), Number(m[2]) - 1, Number(m[3]), h, min, timeZone).getTime();
}
