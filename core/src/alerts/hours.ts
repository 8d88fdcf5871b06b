import { Type, type Static } from "@sinclair/typebox";
import { calendarDay, offsetMs } from "../domain/calendar.js";
import type { Range } from "../domain/types.js";
import { compile } from "../protocol/validate.js";

/**
 * A store's opening hours (issue 14.2): a weekly schedule plus exceptions (a date closed, or open on
 * special hours), in the store's local time. Times are local wall-clock "HH:MM" (close may be
 * "24:00"); an interval is open from the first instant the local clock shows `open` until the first
 * instant it shows `close`. So on a spring-forward day an opening inside the skipped hour opens when
 * the clock jumps, and on a fall-back day the repeated hour is counted once (an interval spanning it
 * lasts an hour longer). Intervals do not cross midnight: a night opening is split at 24:00 / 00:00
 * (touching intervals are merged).
 */

const HHMM = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$";
export const HoursIntervalSchema = Type.Object({
  open: Type.String({ pattern: HHMM, description: "local time HH:MM" }),
  close: Type.String({ pattern: HHMM, description: "local time HH:MM, after open (24:00 = midnight at the end of the day)" }),
});
export type HoursInterval = Static<typeof HoursIntervalSchema>;

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The schema's bounds, for editors that check before saving. */
export const HOURS_LIMITS = { intervalsPerDay: 6, exceptions: 400, noteLength: 120 } as const;

const DayIntervals = Type.Array(HoursIntervalSchema, { maxItems: HOURS_LIMITS.intervalsPerDay });
export const HoursExceptionSchema = Type.Object({
  date: Type.String({ pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description: "local date YYYY-MM-DD" }),
  intervals: Type.Array(HoursIntervalSchema, { maxItems: HOURS_LIMITS.intervalsPerDay, description: "the day's hours; empty = closed all day" }),
  note: Type.Optional(Type.String({ maxLength: HOURS_LIMITS.noteLength })),
});
export type HoursException = Static<typeof HoursExceptionSchema>;

export const OpeningHoursSchema = Type.Object({
  weekly: Type.Object(Object.fromEntries(WEEKDAYS.map((d) => [d, DayIntervals])) as Record<Weekday, typeof DayIntervals>, {
    description: "each weekday's open intervals in local time; an empty list = closed that day",
  }),
  exceptions: Type.Array(HoursExceptionSchema, { maxItems: HOURS_LIMITS.exceptions, description: "dates that differ from the weekly schedule" }),
});
export type OpeningHours = Static<typeof OpeningHoursSchema>;
export const openingHoursValidator = compile(OpeningHoursSchema);

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Problems beyond the schema: close after open, no overlaps within a day, one exception per date. Empty when fine. */
export function hoursProblems(h: OpeningHours): string[] {
  const out: string[] = [];
  const day = (where: string, intervals: readonly HoursInterval[]) => {
    const sorted = [...intervals].sort((a, b) => minutesOf(a.open) - minutesOf(b.open));
    sorted.forEach((iv, i) => {
      if (minutesOf(iv.close) <= minutesOf(iv.open)) out.push(`${where}: ${iv.open}-${iv.close} closes before it opens (split a night opening at 24:00)`);
      const prev = sorted[i - 1];
      if (prev && minutesOf(iv.open) < minutesOf(prev.close)) out.push(`${where}: ${prev.open}-${prev.close} and ${iv.open}-${iv.close} overlap`);
    });
  };
  for (const d of WEEKDAYS) day(d, h.weekly[d]);
  const seen = new Set<string>();
  for (const e of h.exceptions) {
    if (seen.has(e.date)) out.push(`${e.date}: more than one exception`);
    seen.add(e.date);
    if (calendarDay(e.date) === null) out.push(`${e.date}: not a date`);
    day(e.date, e.intervals);
  }
  return out;
}

/** A local date as days since 1970-01-01 (the "civil day number"), and back. */
const civilOf = (date: string): number => {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return Math.floor(Date.UTC(y, m - 1, d) / DAY);
};
export const dateOfCivil = (civil: number): string => new Date(civil * DAY).toISOString().slice(0, 10);
/** ISO weekday of a civil day: 0 = Monday .. 6 = Sunday (1970-01-01 was a Thursday). */
const weekdayOfCivil = (civil: number): number => (((civil + 3) % 7) + 7) % 7;

/** The local date (YYYY-MM-DD) holding `ts` in `timeZone`. */
export function localDate(ts: number, timeZone: string): string {
  return dateOfCivil(Math.floor((ts + offsetMs(ts, timeZone)) / DAY));
}

/** The intervals of one local date: its exception when there is one, else its weekday's. */
export function hoursOfDate(h: OpeningHours, date: string): readonly HoursInterval[] {
  const ex = h.exceptions.find((e) => e.date === date);
  if (ex) return ex.intervals;
  return h.weekly[WEEKDAYS[weekdayOfCivil(civilOf(date))]!];
}

/**
 * The first instant whose local wall clock reads at least `minutes` past midnight of the local date
 * `civil` (wall clock = ts + the zone's offset at ts). Offsets change at most once within the
 * ±14 hours around a local time (true of every IANA zone).
 */
export function wallToUtc(civil: number, minutes: number, timeZone: string): number {
  const wall = civil * DAY + minutes * MINUTE;
  const before = offsetMs(wall - 14 * HOUR, timeZone);
  const after = offsetMs(wall + 14 * HOUR, timeZone);
  const candidates = [wall - before, wall - after].filter((t) => t + offsetMs(t, timeZone) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  // In a gap (the clock jumps over `wall`): the instant of the jump, the first with the later offset.
  let lo = wall - after; // wall clock here is before the jump... search (lo, hi] for the change
  let hi = wall - before;
  if (lo > hi) [lo, hi] = [hi, lo];
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid + offsetMs(mid, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** A [from, to) stretch of time, epoch ms. */
export interface OpenInterval {
  from: number;
  to: number;
}

/** The open intervals of one local date, as UTC instants, ascending and merged. */
function dateIntervals(h: OpeningHours, civil: number, timeZone: string): OpenInterval[] {
  const date = dateOfCivil(civil);
  return [...hoursOfDate(h, date)]
    .sort((a, b) => minutesOf(a.open) - minutesOf(b.open))
    .map((iv) => ({ from: wallToUtc(civil, minutesOf(iv.open), timeZone), to: wallToUtc(civil, minutesOf(iv.close), timeZone) }))
    .filter((iv) => iv.to > iv.from);
}

/**
 * One version of a store's opening hours in its history (migration 26): the hours (null: none, the
 * store open at every hour) in force from `from` (epoch ms, when they were saved) until the next
 * version's `from`.
 */
export interface HoursVersion {
  from: number;
  hours: OpeningHours | null;
}

/**
 * A store's opening hours through time, versions ascending by `from`. The first version is in force
 * since ever (the hours a store first had are the best word on its past: there were none recorded
 * before), each later one from its `from`. A past day is judged by the hours in force then, not by
 * today's.
 */
export type HoursHistory = readonly HoursVersion[];

/** Opening hours as readers of the past take them: one schedule for all time, or a history. */
export type StoreHours = OpeningHours | HoursHistory;

/** Whether `h` is a history (else one schedule for all time). */
export const isHoursHistory = (h: StoreHours): h is HoursHistory => Array.isArray(h);

/** The hours in force at `ts` (null: none, open at every hour); a plain schedule is in force at every instant. */
export function hoursAt(h: StoreHours, ts: number): OpeningHours | null {
  if (!isHoursHistory(h)) return h;
  let at: HoursVersion | undefined = h[0];
  for (const v of h) if (v.from <= ts) at = v;
  return at?.hours ?? null;
}

/**
 * A history as simple as it can be said: null when no version has hours (the store is open at every
 * hour throughout), the one schedule when a single version holds all time, else the history.
 */
export function compactHours(history: HoursHistory): StoreHours | null {
  if (history.every((v) => v.hours === null)) return null;
  if (history.length === 1) return history[0]!.hours;
  return history;
}

/** Every open interval overlapping `range`, clipped to it, ascending, disjoint, touching ones merged; a history's each version over its own stretch. */
export function openIntervals(h: StoreHours, range: Range, timeZone: string): OpenInterval[] {
  if (!(range.to > range.from)) return [];
  if (isHoursHistory(h)) {
    if (h.length === 0) return openIntervals(ALWAYS_OPEN, range, timeZone);
    const out: OpenInterval[] = [];
    h.forEach((v, i) => {
      const from = Math.max(range.from, i === 0 ? -Infinity : v.from);
      const to = Math.min(range.to, h[i + 1]?.from ?? Infinity);
      if (!(to > from)) return;
      for (const iv of openIntervals(v.hours ?? ALWAYS_OPEN, { from, to }, timeZone)) {
        const prev = out[out.length - 1];
        if (prev && iv.from <= prev.to) prev.to = Math.max(prev.to, iv.to);
        else out.push({ ...iv });
      }
    });
    return out;
  }
  const first = Math.floor((range.from + offsetMs(range.from, timeZone)) / DAY) - 1;
  const last = Math.floor((range.to + offsetMs(range.to, timeZone)) / DAY) + 1;
  const out: OpenInterval[] = [];
  for (let c = first; c <= last; c++) {
    for (const iv of dateIntervals(h, c, timeZone)) {
      const from = Math.max(iv.from, range.from);
      const to = Math.min(iv.to, range.to);
      if (to <= from) continue;
      const prev = out[out.length - 1];
      if (prev && from <= prev.to) prev.to = Math.max(prev.to, to);
      else out.push({ from, to });
    }
  }
  return out;
}

/** How far {@link firstOpenIn} looks for an opening at once (a stretch of months is read in steps this long). */
const OPEN_LOOKUP_MS = 15 * DAY;

/** The first instant in [from, now] the store is open by `h`, or null when it is closed throughout. */
export function firstOpenIn(h: StoreHours, from: number, now: number, timeZone: string): number | null {
  for (let f = Math.min(from, now); f <= now; f += OPEN_LOOKUP_MS) {
    const first = openIntervals(h, { from: f, to: Math.min(now + 1, f + OPEN_LOOKUP_MS) }, timeZone)[0];
    if (first) return first.from;
  }
  return null;
}

/**
 * (agent-offline, and the Agents view's words) Since when an agent last heard at `lastSeen` counts as missing at `now`, by its
 * store's hours `h` and the grace `graceMs` (the agent-offline rule's threshold): from `lastSeen` when the store stayed open
 * for the grace after it (a box gone down by day); otherwise from the store's first opening after its first closed instant
 * since `lastSeen` (a box switched off at night, or shortly before the closing, is expected quiet through the closed hours
 * and missed from the opening); null while the store has stayed closed since. With a grace of 0, {@link firstOpenIn}.
 */
export function quietFrom(h: StoreHours, lastSeen: number, now: number, timeZone: string, graceMs: number): number | null {
  const grace = Math.max(0, graceMs);
  const first = openIntervals(h, { from: lastSeen, to: lastSeen + grace + 1 }, timeZone)[0];
  // The first closed instant at or after lastSeen, within the grace (openIntervals merges touching intervals).
  const closed = !first || first.from > lastSeen ? lastSeen : first.to;
  if (closed === lastSeen) return firstOpenIn(h, lastSeen, now, timeZone);
  if (closed > lastSeen + grace || closed > now) return Math.min(lastSeen, now);
  return firstOpenIn(h, closed, now, timeZone);
}

/** Whether the store is open at `ts`. */
export function isOpen(h: StoreHours, ts: number, timeZone: string): boolean {
  return openIntervals(h, { from: ts, to: ts + 1 }, timeZone).length > 0;
}

/** When the local date `date` (YYYY-MM-DD) closes for the day: the end of its last interval, or null when closed all day. */
export function closingTime(h: OpeningHours, date: string, timeZone: string): number | null {
  const ivs = dateIntervals(h, civilOf(date), timeZone);
  return ivs.length > 0 ? ivs[ivs.length - 1]!.to : null;
}

/** Hours open every day 00:00-24:00: what a store without opening hours is treated as. */
export const ALWAYS_OPEN: OpeningHours = {
  weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "00:00", close: "24:00" }]])) as OpeningHours["weekly"],
  exceptions: [],
};

/**
 * The last time the store closed at or before `now`: the end of the last open interval of a local
 * date, looking back a week; null when it did not close in that week (open round the clock). Of a
 * history, each closing by the hours in force then (a closing of last Tuesday is Tuesday's, not
 * today's hours' closing that day): the end of an open stretch of {@link openIntervals}, from the
 * start of the same local day eight days back; a version taking over while open by the one before
 * and closed by its own closes the store at its instant, and none before the first hours (open).
 */
export function lastClosing(h: StoreHours, now: number, timeZone: string): number | null {
  const today = Math.floor((now + offsetMs(now, timeZone)) / DAY);
  if (isHoursHistory(h)) {
    if (h.every((v) => v.hours === null)) return null;
    const from = wallToUtc(today - 8, 0, timeZone);
    // Stretches ending after now run on past it (the range reaches two days beyond): only the earlier ends are closings.
    const ends = openIntervals(h, { from, to: now + 2 * DAY }, timeZone).map((iv) => iv.to).filter((end) => end <= now);
    return ends.length > 0 ? ends[ends.length - 1]! : null;
  }
  for (let c = today + 1; c >= today - 8; c--) {
    const ivs = dateIntervals(h, c, timeZone);
    // A day's last interval that runs into the next day's first (open across midnight) is no closing.
    for (let i = ivs.length - 1; i >= 0; i--) {
      const end = ivs[i]!.to;
      if (end > now) continue;
      const reopens = dateIntervals(h, c + 1, timeZone)[0];
      if (i === ivs.length - 1 && reopens && reopens.from <= end) continue;
      if (i < ivs.length - 1 && ivs[i + 1]!.from <= end) continue;
      return end;
    }
  }
  return null;
}

/**
 * Since when a door counter's net count (in minus out) makes the store's occupancy: the last
 * closing, so that people counted in and never out (the counter's drift) do not carry into the
 * next day; without a closing in the last week (or without hours), local midnight (`midnight`).
 * Of a history, the last closing by the hours in force at it ({@link lastClosing}: yesterday's
 * 20:00, though hours saved this morning close at 22:00); without hours in force now, midnight, as
 * a store without hours; and midnight when it came later than that closing with no hours in force
 * at it (the store reset at midnight then, hours saved since).
 */
export function doorCountStart(h: StoreHours | null | undefined, now: number, timeZone: string, midnight: number): number {
  if (!h) return midnight;
  if (isHoursHistory(h)) {
    if (hoursAt(h, now) === null) return midnight;
    const closing = lastClosing(h, now, timeZone);
    if (closing === null) return midnight;
    return hoursAt(h, midnight) === null ? Math.max(closing, midnight) : closing;
  }
  return lastClosing(h, now, timeZone) ?? midnight;
}

const pad2 = (n: number): string => String(n).padStart(2, "0");
const hhmm = (minutes: number): string => `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;

/**
 * Opening hours that cover an arrival curve (a simulator's: 24 multipliers, the same every day, or
 * 168, Monday 00:00 first): the runs of local hours whose multiplier is above 0, each closing
 * `graceMinutes` after its last hour, since the people inside when the last one comes in still
 * have to pay and leave. A run that goes past midnight goes on into the next day (the week wraps
 * round); a day with more runs than the hours hold has its shortest closed gaps bridged. Every
 * hour above 0 gives 00:00-24:00 every day; none, every day closed.
 */
export function hoursCoveringCurve(curve: readonly number[], graceMinutes = 0): OpeningHours {
  if (curve.length !== 24 && curve.length !== 168) throw new Error(`an arrival curve has 24 or 168 hours, not ${curve.length}`);
  if (!(Number.isInteger(graceMinutes) && graceMinutes >= 0 && graceMinutes < 1440)) throw new Error(`graceMinutes ${graceMinutes}: a whole number of minutes under a day`);
  const WEEK = 7 * 1440;
  const openAt = (h: number): boolean => (curve[h % curve.length] ?? 0) > 0;
  const weekly = Object.fromEntries(WEEKDAYS.map((d) => [d, [] as HoursInterval[]])) as OpeningHours["weekly"];
  if (Array.from({ length: 168 }, (_, h) => openAt(h)).every(Boolean)) return { weekly: ALWAYS_OPEN.weekly, exceptions: [] };
  // Open minutes of the week, as [from, to) runs; a closed hour exists, so start the scan after one.
  const closedHour = Array.from({ length: 168 }, (_, h) => h).find((h) => !openAt(h))!;
  const runs: [number, number][] = [];
  for (let i = 1; i <= 168; i++) {
    const h = (closedHour + i) % 168;
    if (!openAt(h)) continue;
    const last = runs[runs.length - 1];
    const from = (closedHour + i) * 60;
    if (last && last[1] === from) last[1] = from + 60;
    else runs.push([from, from + 60]);
  }
  // Each run closes graceMinutes later; cut into local days (the week wrapping round), touching pieces merged.
  const pieces: [number, number][] = [];
  for (const [from, to] of runs) {
    for (let t = from; t < to + graceMinutes; ) {
      const dayEnd = (Math.floor(t / 1440) + 1) * 1440;
      const end = Math.min(dayEnd, to + graceMinutes);
      pieces.push([t, end]);
      t = end;
    }
  }
  const byDay: [number, number][][] = WEEKDAYS.map(() => []);
  for (const [from, to] of pieces) byDay[Math.floor((from % WEEK) / 1440)]!.push([from % 1440, (from % 1440) + (to - from)]);
  byDay.forEach((list, day) => {
    list.sort((x, y) => x[0] - y[0]);
    const out = weekly[WEEKDAYS[day]!];
    let cur: [number, number] | null = null;
    for (const [from, to] of list) {
      if (cur && from <= cur[1]) cur[1] = Math.max(cur[1], to);
      else {
        if (cur) out.push({ open: hhmm(cur[0]), close: hhmm(cur[1]) });
        cur = [from, to];
      }
    }
    if (cur) out.push({ open: hhmm(cur[0]), close: hhmm(cur[1]) });
  });
  for (const d of WEEKDAYS) {
    const list = weekly[d];
    // More runs in a day than the hours hold: the shortest closed gaps are bridged (covered, not cut).
    while (list.length > HOURS_LIMITS.intervalsPerDay) {
      let i = 0;
      for (let j = 1; j + 1 < list.length; j++) if (minutesOf(list[j + 1]!.open) - minutesOf(list[j]!.close) < minutesOf(list[i + 1]!.open) - minutesOf(list[i]!.close)) i = j;
      list.splice(i, 2, { open: list[i]!.open, close: list[i + 1]!.close });
    }
  }
  return { weekly, exceptions: [] };
}
