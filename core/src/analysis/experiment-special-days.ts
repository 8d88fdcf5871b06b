/**
 * The days of an experiment's periods that the store's opening hours mark as not usual: its dated
 * exceptions (a holiday closed, Christmas Eve on short hours), the days the forecasts treat as
 * holidays, where the period reaches into that day's hours. Shoppers on such a day are not a usual day's, and the weekday-hour adjustment cannot
 * tell them from the change: a period holding one is said to.
 */
import { hoursOfDate, isHoursHistory, localDate, minutesOf, wallToUtc, WEEKDAYS, type HoursException, type HoursInterval, type StoreHours } from "../alerts/hours.js";
import type { ExperimentPeriod } from "./experiment-periods.js";

const DAY = 86_400_000;
const WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

/** A dated exception of the opening hours that falls in a period. */
export interface SpecialDay {
  /** Local date, YYYY-MM-DD. */
  date: string;
  /** Its opening intervals (empty: closed all day). */
  intervals: readonly HoursInterval[];
  note: string | null;
}

/** Days since 1970-01-01 of a local date. */
const civilOf = (date: string): number => {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return Math.floor(Date.UTC(y, m - 1, d) / DAY);
};
/** ISO weekday of a civil day: 0 = Monday .. 6 = Sunday (1970-01-01 was a Thursday). */
const weekdayOfCivil = (civil: number): number => (((civil + 3) % 7) + 7) % 7;

/**
 * The exception dates of `hours` that bear on the period [from, to): the period overlaps the hours
 * the store keeps that day or would usually keep (its exception's intervals, or its weekday's), in
 * `timeZone` (DST days as `openIntervals` reads them), in date order. So a closed Christmas counts in
 * a period that holds its usual hours, and a special day whose only part in the period is the night
 * before opening does not (a period ending at 00:37 that day). A closed exception on a day the store
 * is always closed changes nothing and is left out.
 */
export function specialDaysIn(hours: StoreHours | null | undefined, period: ExperimentPeriod, timeZone: string): SpecialDay[] {
  if (hours && isHoursHistory(hours)) {
    // A history: each version's exceptions over the stretch of the period it was in force (a date split by a change: its first).
    const days = new Map<string, SpecialDay>();
    const versions = hours;
    versions.forEach((v, i) => {
      const from = Math.max(period.from, i === 0 ? -Infinity : v.from);
      const to = Math.min(period.to, versions[i + 1]?.from ?? Infinity);
      if (to > from) for (const d of specialDaysIn(v.hours, { ...period, from, to }, timeZone)) if (!days.has(d.date)) days.set(d.date, d);
    });
    return [...days.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }
  if (!hours || hours.exceptions.length === 0 || !(period.to > period.from)) return [];
  // The local dates of the period's first and last instants, and every date between.
  const [first, last] = [localDate(period.from, timeZone), localDate(period.to - 1, timeZone)];
  const bears = (e: HoursException): boolean => {
    const civil = civilOf(e.date);
    const usual = hours.weekly[WEEKDAYS[weekdayOfCivil(civil)]!];
    return [...e.intervals, ...usual].some((iv) => {
      const [open, close] = [wallToUtc(civil, minutesOf(iv.open), timeZone), wallToUtc(civil, minutesOf(iv.close), timeZone)];
      return close > open && open < period.to && close > period.from;
    });
  };
  return hours.exceptions
    .filter((e) => e.date >= first && e.date <= last && bears(e))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
    .map((e) => ({ date: e.date, intervals: hoursOfDate(hours, e.date), note: e.note?.trim() ? e.note.trim() : null }));
}

/** "2026-12-25 (Fri, closed: Christmas)", "2026-12-24 (Thu, 08:00-14:00: Christmas Eve)". */
export function formatSpecialDay(d: SpecialDay): string {
  const weekday = WEEKDAY_NAMES[weekdayOfCivil(civilOf(d.date))]!;
  const hours = d.intervals.length === 0 ? "closed" : [...d.intervals].sort((a, b) => minutesOf(a.open) - minutesOf(b.open)).map((iv) => `${iv.open}-${iv.close}`).join(", ");
  return `${d.date} (${weekday}, ${hours}${d.note ? `: ${d.note}` : ""})`;
}

/** Days named in a warning per store; the rest are counted. */
const LISTED = 5;

/**
 * The warning of a period holding special days in some of its stores (`label`: the store's name),
 * or null when none does. Each store's days are listed (at most five, then how many more).
 */
export function specialDaysWarning(period: "before" | "after", stores: readonly { label: string; days: readonly SpecialDay[] }[]): string | null {
  const withDays = stores.filter((s) => s.days.length > 0);
  if (withDays.length === 0) return null;
  const list = withDays
    .map((s) => {
      const shown = s.days.slice(0, LISTED).map(formatSpecialDay).join(", ");
      const more = s.days.length > LISTED ? ` and ${s.days.length - LISTED} more` : "";
      return `${s.label}: ${shown}${more}`;
    })
    .join("; ");
  return `the ${period} period holds days the opening hours mark as special (a holiday, a closure, hours of their own): ${list}. Shoppers on such a day are not a usual day's, and the adjustment for the weekday-hour mix cannot tell them from the change: compare periods without them, or weigh the verdicts with them in mind`;
}
