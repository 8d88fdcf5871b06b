/**
 * Opening hours through time as the hours editor says them (components/OpeningHoursEditor.tsx):
 * a week's hours in one line ("Mon-Sat 09:00-20:00; Sun closed"), when a version applies (a
 * scheduled one's local date, as every screen names a day), the words after scheduling, and a
 * compact history of the versions in force before (GET .../hours/history, migration 26).
 */
import { calendarDay, localDate, localMidnight, WEEKDAYS, type HoursVersion, type OpeningHours, type Weekday } from "@footfall/core";
import { formatDateTimeZ, formatLocalDate } from "./format.js";

export const DAY_SHORT: Record<Weekday, string> = { mon: "Mon", tue: "Tue", wed: "Wed", thu: "Thu", fri: "Fri", sat: "Sat", sun: "Sun" };

const dayText = (ivs: readonly { open: string; close: string }[]): string => (ivs.length === 0 ? "closed" : ivs.map((iv) => `${iv.open}-${iv.close}`).join(", "));

/**
 * A week's hours in one line: runs of consecutive days (Monday first) with the same intervals,
 * "Mon-Fri 09:00-12:30, 14:00-19:00; Sat 09:00-18:00; Sun closed", "every day 09:00-20:00" or
 * "closed every day" when all seven agree; the dated exceptions counted after " · ". null: no hours,
 * the store counts as always open.
 */
export function hoursSummary(hours: OpeningHours | null): string {
  if (!hours) return "no opening hours (always open)";
  const runs: { first: Weekday; last: Weekday; text: string }[] = [];
  for (const d of WEEKDAYS) {
    const text = dayText(hours.weekly[d]);
    const run = runs.at(-1);
    if (run && run.text === text) run.last = d;
    else runs.push({ first: d, last: d, text });
  }
  const week =
    runs.length === 1
      ? runs[0]!.text === "closed"
        ? "closed every day"
        : `every day ${runs[0]!.text}`
      : runs.map((r) => `${DAY_SHORT[r.first]}${r.last === r.first ? "" : `-${DAY_SHORT[r.last]}`} ${r.text}`).join("; ");
  const n = hours.exceptions.length;
  return n === 0 ? week : `${week} · ${n} dated exception${n === 1 ? "" : "s"}`;
}

/** When a version applies, in the store's zone: its local date ("Sun, 20 Dec 2026") when it starts at a local midnight (a date picked), else the date and time. */
export function versionStart(from: number, timeZone: string): string {
  return localMidnight(from, timeZone) === from ? formatLocalDate(localDate(from, timeZone)) : formatDateTimeZ(from, timeZone);
}

/** The local date after `date` (YYYY-MM-DD): the first a schedule may start on (the date picker's min); "" for no date. */
export function dayAfter(date: string): string {
  const day = calendarDay(date);
  return day === null ? "" : new Date(day + 86_400_000).toISOString().slice(0, 10);
}

/** How far ahead of now a schedule must begin: the server refuses a validFrom nearer (HOURS_CLOCK_SKEW_MS, server/src/alerts/store.ts). */
export const SCHEDULE_AHEAD_MS = 5 * 60_000;

/**
 * The first local date (YYYY-MM-DD, `timeZone`'s) hours may be scheduled from at `now`: the first whose start is more
 * than 5 minutes ahead. Tomorrow, except in a day's last 5 minutes, when tomorrow begins too soon and the server
 * refuses it: then the day after (the editor said "Pick tomorrow" there, a date refused again).
 */
export function firstScheduleDate(now: number, timeZone: string): string {
  return dayAfter(localDate(now + SCHEDULE_AHEAD_MS, timeZone));
}

/**
 * What saving hours from `date` (a local date) did, in words: from then these hours (or none,
 * `removed`); until then the current ones, or those scheduled from `before` (an earlier scheduled
 * version's start, as versionStart says it).
 */
export function scheduledText(date: string, removed: boolean, before: string | null = null): string {
  const until = before === null ? "the current ones" : `the current ones, and from ${before} those scheduled then`;
  return `${removed ? `From ${formatLocalDate(date)} the store has no opening hours (always open)` : `From ${formatLocalDate(date)} these hours apply`}; until then ${until}. The form shows the hours in force now again.`;
}

export interface HistoryLine {
  from: number;
  /** When it was (or is) in force, in words: "since …", "… – …", "until …". */
  when: string;
  summary: string;
  current: boolean;
}

/**
 * The versions in force now and before, newest first, at most `max`: the one in force "since" its
 * start (the first version ever counts for all the past: "first hours, saved …"), each earlier one
 * from its start to the next's ("until" for the first). Versions scheduled ahead (after `now`) are
 * left out: the editor lists them apart, each with its Cancel.
 */
export function historyLines(versions: readonly HoursVersion[], now: number, timeZone: string, max = 5): HistoryLine[] {
  const ordered = [...versions].sort((a, b) => a.from - b.from);
  const lines: HistoryLine[] = [];
  ordered.forEach((v, i) => {
    if (i > 0 && v.from > now) return;
    const next = ordered[i + 1];
    const current = !next || next.from > now;
    const start = versionStart(v.from, timeZone);
    const when = current ? (i === 0 ? `first hours, saved ${start}` : `since ${start}`) : i === 0 ? `until ${versionStart(next.from, timeZone)}` : `${start} – ${versionStart(next.from, timeZone)}`;
    lines.push({ from: v.from, when, summary: hoursSummary(v.hours), current });
  });
  return lines.reverse().slice(0, max);
}
