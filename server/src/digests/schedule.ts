/**
 * When a digest is due, in the store's local time: a daily digest at `hour` covers the local day
 * before (compared with the day before that); a weekly one on Monday at `hour` covers the local
 * week Monday to Sunday before (compared with the week before). DST days last 23 or 25 hours.
 */
import { bucketStarts, localDate, localMidnight, localTime, wallToUtc } from "@footfall/core";
import type { DigestFrequency } from "../storage/types.js";

const HOUR = 3_600_000;

export interface Period {
  /** The local date the period starts on, YYYY-MM-DD: the key a send is claimed by. */
  key: string;
  from: number;
  to: number;
  /** The period before, to compare with. */
  previous: { from: number; to: number };
}

/** The local date of `ts`, YYYY-MM-DD (core's, as opening hours and the sales days read it). */
export { localDate };

/** The start of the local day `n` days before the one starting at `dayStart`. */
const daysBefore = (dayStart: number, n: number, tz: string) => localMidnight(dayStart, tz, -n);

/** The period of `frequency` that ends at `end` (a local midnight). */
function periodEnding(end: number, frequency: DigestFrequency, tz: string): Period {
  const days = frequency === "daily" ? 1 : 7;
  const from = daysBefore(end, days, tz);
  const prevFrom = daysBefore(from, days, tz);
  return { key: localDate(from, tz), from, to: end, previous: { from: prevFrom, to: from } };
}

/**
 * The latest period whose digest is due at `now` (sent at `hour` local time on the day after a
 * daily period, on the Monday after a weekly one). The scheduler sends it unless its key was sent.
 */
export function duePeriod(now: number, timeZone: string, frequency: DigestFrequency, hour: number): Period {
  const today = localMidnight(now, timeZone);
  const t = localTime(now, timeZone);
  let end = today;
  if (frequency === "daily") {
    if (t.hour < hour) end = daysBefore(today, 1, timeZone);
  } else {
    end = daysBefore(today, t.weekday - 1, timeZone); // this week's Monday
    if (t.weekday === 1 && t.hour < hour) end = daysBefore(end, 7, timeZone);
  }
  return periodEnding(end, frequency, timeZone);
}

/**
 * When the next scheduled digest goes out, and the period it covers: now (the scheduler's next
 * check, within a minute) while the due period is not sent yet (`lastPeriod` before it), else at
 * `hour` local time on the day after the next period ends (the Monday after a week). A DST day's
 * skipped hour sends at the instant the clock jumps, as the scheduler would.
 */
export function nextSend(now: number, timeZone: string, frequency: DigestFrequency, hour: number, lastPeriod: string | null): { at: number; period: string } {
  const due = duePeriod(now, timeZone, frequency, hour);
  if (lastPeriod === null || lastPeriod < due.key) return { at: now, period: due.key };
  const next = periodOf(localDate(due.to, timeZone), timeZone, frequency)!;
  const civil = Math.floor(Date.parse(`${localDate(next.to, timeZone)}T00:00:00Z`) / (24 * HOUR));
  return { at: wallToUtc(civil, hour * 60, timeZone), period: next.key };
}

/** When the digest of `p` falls due: `hour` local time on the day its period ends (the Monday after a week). */
export function dueAt(p: Period, timeZone: string, hour: number): number {
  const civil = Math.floor(Date.parse(`${localDate(p.to, timeZone)}T00:00:00Z`) / (24 * HOUR));
  return wallToUtc(civil, hour * 60, timeZone);
}

/** How far back a period whose digest fell due while no server sent it (all down, no mail server) is still sent. */
export const CATCH_UP_MS = 3 * 24 * HOUR;

/**
 * The period the scheduler sends next: the oldest one after `lastPeriod` (and after `failedPeriod`, the
 * one that failed last) whose digest fell due in the last CATCH_UP_MS (3 days) and was not sent (the
 * servers were down at its time: a weekend's), else the latest due (`duePeriod`). So one that failed
 * is not taken again here once a later one is due: too old to matter, the scheduler gives it up; nor is one older
 * than the window (a mail server set after a month without one sends the last 3 days, not a month).
 */
export function periodToSend(now: number, timeZone: string, frequency: DigestFrequency, hour: number, lastPeriod: string | null, failedPeriod: string | null = null): Period {
  const latest = duePeriod(now, timeZone, frequency, hour);
  if (lastPeriod === null || lastPeriod >= latest.key) return latest;
  const after = (key: string) => {
    const p = periodOf(key, timeZone, frequency);
    return p && periodOf(localDate(p.to, timeZone), timeZone, frequency);
  };
  // After the one that failed too (a failure gives its period back: last_period is the one before it), so each
  // missed period is tried, given up once a later one is due, and never taken again (no two taken in turn for ever).
  let next = after(failedPeriod !== null && failedPeriod > lastPeriod ? failedPeriod : lastPeriod);
  // Periods due before the window are passed over (at most a year's days looked at: older is the latest).
  for (let i = 0; next && next.key < latest.key && i < 400; i++) {
    if (dueAt(next, timeZone, hour) >= now - CATCH_UP_MS) return next;
    next = after(next.key);
  }
  return latest;
}

/** The period of `frequency` starting on the local date `key` (YYYY-MM-DD), or null when `key` is no date. */
export function periodOf(key: string, timeZone: string, frequency: DigestFrequency): Period | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (!m) return null;
  let t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12);
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== key) return null;
  // Noon UTC may fall on the local day before or after (zones beyond +-12 h): step onto the date.
  for (let i = 0; i < 2 && localDate(t, timeZone) !== key; i++) t += localDate(t, timeZone) < key ? 12 * HOUR : -12 * HOUR;
  if (localDate(t, timeZone) !== key) return null;
  return periodEnding(localMidnight(t, timeZone, frequency === "daily" ? 1 : 7), frequency, timeZone);
}

/** The period just finished at `now` (what "send now" reports): up to today's local midnight. */
export function lastFinishedPeriod(now: number, timeZone: string, frequency: DigestFrequency): Period {
  return duePeriod(now, timeZone, frequency, 0);
}

/** The local hour starts of [from, to) (23, 24 or 25 for a day). */
export const hoursOf = (from: number, to: number, tz: string) => bucketStarts({ from, to }, "hour", tz);
export { HOUR };
