/**
 * Checks of one day's opening intervals as the opening hours editor holds them (Admin > Store, Alerts):
 * each "HH:MM" to "HH:MM" with close after open, listed in time order, none overlapping the next
 * (touching is fine: 12:30 to 14:00 then 14:00 to 19:00). The server checks the same
 * (core's hoursProblems); this says it before saving, naming the day and the intervals.
 */
import { calendarDay, HOURS_LIMITS, WEEKDAYS, type OpeningHours, type Weekday } from "@footfall/core";

export interface DayInterval {
  open: string;
  close: string;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
export const minutesOfDay = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** What is wrong with a day's intervals, in words naming `day`; empty when they can be saved. */
export function dayIntervalProblems(day: string, intervals: readonly DayInterval[]): string[] {
  const out: string[] = [];
  intervals.forEach((iv, i) => {
    if (!HHMM.test(iv.open) || !HHMM.test(iv.close)) {
      out.push(`${day}: interval ${i + 1} needs an opening and a closing time (HH:MM)`);
      return;
    }
    if (minutesOfDay(iv.close) <= minutesOfDay(iv.open)) out.push(`${day}: ${iv.open}-${iv.close} closes before it opens (a night opening ends at 24:00 and starts again at 00:00 the next day)`);
    const prev = intervals[i - 1];
    if (!prev || !HHMM.test(prev.open) || !HHMM.test(prev.close)) return;
    if (minutesOfDay(iv.open) < minutesOfDay(prev.open)) out.push(`${day}: ${iv.open}-${iv.close} is listed after ${prev.open}-${prev.close}: put the intervals in time order`);
    else if (minutesOfDay(iv.open) < minutesOfDay(prev.close)) out.push(`${day}: ${prev.open}-${prev.close} and ${iv.open}-${iv.close} overlap`);
  });
  return out;
}

/** A new interval to add after `intervals`: an hour after the last one closes, 4 hours long (within the day), or 09:00-19:00. */
export function nextInterval(intervals: readonly DayInterval[]): DayInterval | null {
  const last = intervals.at(-1);
  if (!last) return { open: "09:00", close: "19:00" };
  if (!HHMM.test(last.close)) return null;
  const open = Math.min(minutesOfDay(last.close) + 60, 23 * 60);
  if (open <= minutesOfDay(last.close)) return null;
  const close = Math.min(open + 240, 24 * 60);
  const fmt = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  return { open: fmt(open), close: fmt(close) };
}

/**
 * The opening hours editor's state (components/OpeningHoursEditor.tsx, used by Admin > Store
 * settings and the Alerts view) and its conversion to and from the API's `OpeningHours`: each
 * weekday's intervals, and the dated exceptions as rows (a date, its intervals, none = closed, a
 * note). `hoursOfDraft` checks what the server would refuse (core's hoursProblems) and more (the
 * intervals in time order, a date on every row), naming the day or the row.
 */
export const DAY_NAMES: Record<Weekday, string> = { mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday", sat: "Saturday", sun: "Sunday" };
/** At most this many intervals a day and exceptions, and a note this long (core's OpeningHoursSchema). */
export const MAX_INTERVALS = HOURS_LIMITS.intervalsPerDay;
export const MAX_EXCEPTIONS = HOURS_LIMITS.exceptions;
export const MAX_NOTE = HOURS_LIMITS.noteLength;

export interface ExceptionRow {
  /** A key for React, stable while the row is edited (not saved). */
  key: number;
  /** YYYY-MM-DD, or "" until picked. */
  date: string;
  /** Empty = closed all day. */
  intervals: DayInterval[];
  note: string;
}
export interface HoursDraft {
  weekly: Record<Weekday, DayInterval[]>;
  exceptions: ExceptionRow[];
}

let nextKey = 1;
/** A new exception row: no date yet, closed all day. */
export const newException = (): ExceptionRow => ({ key: nextKey++, date: "", intervals: [], note: "" });

const byDate = <T extends { date: string }>(rows: readonly T[]): T[] => [...rows].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
const copy = (ivs: readonly DayInterval[]): DayInterval[] => ivs.map((iv) => ({ open: iv.open, close: iv.close }));

/** The editor's state for `hours` (null: none set, every day closed in the form, no exception); exceptions by date. */
export function draftOf(hours: OpeningHours | null): HoursDraft {
  return {
    weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, copy(hours?.weekly[d] ?? [])])) as Record<Weekday, DayInterval[]>,
    exceptions: byDate(hours?.exceptions ?? []).map((e) => ({ ...newException(), date: e.date, intervals: copy(e.intervals), note: e.note ?? "" })),
  };
}

const shortDate = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
/** A YYYY-MM-DD date as people read it ("25 Dec 2026"); null when it is not a real date. */
export function readableDate(date: string): string | null {
  const day = calendarDay(date);
  return day === null ? null : shortDate.format(day);
}

/** How messages name exception row `index` (0-based): by its date, else by its place ("Exception 3"). */
export const exceptionName = (row: ExceptionRow, index: number): string => readableDate(row.date) ?? `Exception ${index + 1}`;

/** The API body for the draft (exceptions sorted by date, notes trimmed, an empty note left out), or what is wrong, naming the day or the row. */
export function hoursOfDraft(draft: HoursDraft): { hours: OpeningHours; problems?: undefined } | { hours?: undefined; problems: string[] } {
  const problems = WEEKDAYS.flatMap((d) => dayIntervalProblems(DAY_NAMES[d], draft.weekly[d]));
  const firstRow = new Map<string, number>();
  draft.exceptions.forEach((row, i) => {
    const name = exceptionName(row, i);
    if (row.date === "") problems.push(`${name}: pick a date`);
    else if (readableDate(row.date) === null) problems.push(`${name}: "${row.date}" is not a date`);
    else if (firstRow.has(row.date)) problems.push(`${name}: rows ${firstRow.get(row.date)! + 1} and ${i + 1} are both for this date: keep one`);
    else firstRow.set(row.date, i);
    problems.push(...dayIntervalProblems(name, row.intervals));
    if (row.intervals.length > MAX_INTERVALS) problems.push(`${name}: at most ${MAX_INTERVALS} intervals a day`);
    if (row.note.trim().length > MAX_NOTE) problems.push(`${name}: the note is longer than ${MAX_NOTE} characters`);
  });
  for (const d of WEEKDAYS) if (draft.weekly[d].length > MAX_INTERVALS) problems.push(`${DAY_NAMES[d]}: at most ${MAX_INTERVALS} intervals a day`);
  if (draft.exceptions.length > MAX_EXCEPTIONS) problems.push(`At most ${MAX_EXCEPTIONS} dated exceptions`);
  if (problems.length > 0) return { problems };
  return {
    hours: {
      weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, copy(draft.weekly[d])])) as OpeningHours["weekly"],
      exceptions: byDate(draft.exceptions).map((row) => {
        const note = row.note.trim();
        return { date: row.date, intervals: copy(row.intervals), ...(note ? { note } : {}) };
      }),
    },
  };
}
