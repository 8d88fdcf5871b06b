import { localDate } from "@footfall/core";
import type { ForecastMethod, ForecastReport, OccupancyForecastReport } from "../api/types.js";
import { formatCount, formatTime } from "./format.js";

/** "tomorrow " for an instant on a later local day than `now` (a 24-hour forecast reaches no further), else "". */
function dayWord(ms: number, now: number, timeZone: string): string {
  return localDate(ms, timeZone) === localDate(now, timeZone) ? "" : "tomorrow ";
}

/**
 * What a forecast was read from, in words (the tablet's outlook title), by the method that answered
 * most of its hours: `recent-days` is the same hour of the last day with figures (a history under a
 * week), not an average of weeks, so one unusual day (a demo at --speed 60: visitors 60 times as
 * often) is forecast as it was.
 */
export function forecastSource(method: ForecastMethod): string | undefined {
  switch (method) {
    case "mlp":
      return "forecast from this store's history";
    case "seasonal-naive":
      return "forecast: the same hours a week ago (the model was no better than that here)";
    case "seasonal-mean":
      return "forecast: the same hours of the last 4 weeks (the model is not ready)";
    case "recent-days":
      return "forecast: the same hours of the last day with figures (less than a week of history; the model is not ready)";
    default:
      return undefined;
  }
}

/** The busy stretch ahead, for floor staff: when it starts and ends, and its busiest hour. */
export interface BusyOutlook {
  /** Start of the busy stretch (now, when it has begun) and its end. */
  from: number;
  to: number;
  now: boolean;
  peakAt: number;
  /** Expected visitors arriving in the peak hour. */
  peak: number;
  text: string;
}

const HOUR = 3_600_000;
/** An hour is busy from this share of the busiest hour of the next 24 on. */
export const BUSY_SHARE = 0.75;

/**
 * The next busy stretch of an hourly forecast: the first run of hours (from the current one on)
 * whose expected visitors reach 75 % of the busiest hour of the forecast, e.g. "Busy from 16:00
 * to 19:00 · about 120 visitors an hour around 17:00". Null when nothing is forecast, or when the
 * next 24 hours are quiet throughout (fewer than `minPeak` visitors in the busiest hour).
 */
export function busyOutlook(f: Pick<ForecastReport, "bucket" | "method" | "buckets">, now: number, timeZone: string, minPeak = 5): BusyOutlook | null {
  if (f.bucket !== "hour" || f.method === "none") return null;
  const hours = f.buckets
    .map((b, i) => {
      const start = Date.parse(b.start);
      const next = f.buckets[i + 1];
      return { start, end: next ? Date.parse(next.start) : start + HOUR, expected: b.closed ? null : b.expected };
    })
    .filter((h) => h.end > now && h.expected !== null) as { start: number; end: number; expected: number }[];
  if (!hours.length) return null;
  const top = Math.max(...hours.map((h) => h.expected));
  if (!(top >= minPeak)) return null;
  const first = hours.findIndex((h) => h.expected >= BUSY_SHARE * top);
  let last = first;
  while (last + 1 < hours.length && hours[last + 1]!.expected >= BUSY_SHARE * top && hours[last + 1]!.start === hours[last]!.end) last++;
  const run = hours.slice(first, last + 1);
  const peakHour = run.reduce((a, b) => (b.expected > a.expected ? b : a));
  const isNow = run[0]!.start <= now;
  const t = (ms: number) => formatTime(ms, timeZone, { label: false });
  const until = last + 1 === hours.length ? "" : ` to ${t(run[run.length - 1]!.end)}`;
  // A stretch on the next day says so: "Busy from 11:00" read at 20:00 would mean this evening.
  const startDay = isNow ? "" : dayWord(run[0]!.start, now, timeZone);
  const when = isNow ? `Busy now${until ? ` until ${t(run[run.length - 1]!.end)}` : ""}` : `Busy ${startDay}from ${t(run[0]!.start)}${until}`;
  const peakDay = startDay ? "" : dayWord(peakHour.start, now, timeZone);
  const peak = Math.round(peakHour.expected);
  return { from: isNow ? now : run[0]!.start, to: run[run.length - 1]!.end, now: isNow, peakAt: peakHour.start, peak, text: `${when} · about ${peak} visitors an hour around ${peakDay}${t(peakHour.start)}` };
}

/**
 * A slot's forecast: expected visitors and the 80 % interval (null: none could be measured yet, the
 * first day or so of a store's history); `closed`: the store is closed the whole hour (its opening hours).
 */
export interface SlotForecast {
  expected: number;
  low: number | null;
  high: number | null;
  closed?: boolean;
}

/**
 * A slot's forecast in the chart's tooltip, in whole visitors as the tablet says them: "forecast
 * <b>41</b> (80 %: 31–53)", or without an interval "forecast <b>41</b> (no 80 % interval yet: too
 * little history to measure one)" (never "80 %: 41–41", which reads as certain).
 */
export function slotForecastText(f: SlotForecast): string {
  const n = (x: number) => formatCount(Math.round(x));
  const band = f.low !== null && f.high !== null ? `80 %: ${n(f.low)}–${n(f.high)}` : "no 80 % interval yet: too little history to measure one";
  return `forecast <b>${n(f.expected)}</b> (${band})`;
}

/**
 * The closing or opening ahead, from the store's opening hours (`GET /hours/open`'s intervals
 * around now: core's openIntervals, ascending and with touching ones merged, so a night opening split
 * at midnight is one): "Closes at 21:30" while open and closing within `horizonMs`, "Closed now · opens
 * at 08:00" while closed ("Closed now" when it does not open within the intervals given); null
 * without opening hours (`open` null) or when it stays open past the horizon. The minute the hours
 * say, not the hour's (a forecast's closed hours are whole hours: a store closing at 21:30 read
 * "Closes at 22:00", and still did at 21:49, closed). `zoneLabel`: the time labelled with the store's
 * zone ("opens at 08:00 CET"), where stores of several zones are side by side (the chain view).
 */
export function openingOutlook(open: readonly { from: number; to: number }[] | null | undefined, now: number, timeZone: string, horizonMs = 24 * HOUR, zoneLabel = false): { text: string; closedNow: boolean; at: number } | null {
  if (!open) return null;
  const t = (ms: number) => formatTime(ms, timeZone, { label: zoneLabel });
  const current = open.find((iv) => iv.from <= now && now < iv.to);
  if (current) return current.to - now <= horizonMs ? { text: `Closes at ${t(current.to)}`, closedNow: false, at: current.to } : null;
  const next = open.find((iv) => iv.from > now);
  return next ? { text: `Closed now · opens at ${t(next.from)}`, closedNow: true, at: next.from } : { text: "Closed now", closedNow: true, at: now };
}

/**
 * The tablet's outlook line in order: the busy stretch ahead, then the closing ahead; while the store
 * is closed, "Closed now · opens at 08:00" first (an empty store at 06:40 under "Busy from 12:00 to
 * 14:00 …" read as a fault until the end of the line).
 */
export function outlookOrder<B, C extends { closedNow: boolean }>(busy: B | null, closed: C | null): ({ kind: "busy"; part: B } | { kind: "closed"; part: C })[] {
  const b = busy ? [{ kind: "busy" as const, part: busy }] : [];
  const c = closed ? [{ kind: "closed" as const, part: closed }] : [];
  return closed?.closedNow ? [...c, ...b] : [...b, ...c];
}

/**
 * The people expected inside in the next `hours` open hours (the occupancy forecast), for the tablet:
 * "Expected over capacity at 17:00 (about 22 for 18)" when an hour goes over the capacity, else
 * "Up to about 25 in the store around 17:00" ("this hour, fewer later" when the hour under way is
 * the busiest). Closed hours are left out before the `hours` are counted: read before opening, a
 * night's closed hours took the window, and at 06:30 it ended at 11:00, naming 11:00's 10 people as the
 * peak under a busy line saying 12:00 to 14:00 (17 expected then). Null when nothing is
 * forecast (no dwell history) or fewer than one person is expected. `through`: the end of the busy
 * stretch the tablet's line above names (busyOutlook's `to`); the hours read reach it, so the peak
 * named is never before the stretch it sits under: read at 21:26, the demo store's six open hours
 * ended at 11:00 and the line said "Up to about 19 in the store around tomorrow 10:00" under "Busy
 * tomorrow from 12:00 to 13:00", where GET .../forecast/occupancy expected 49.
 */
export function occupancyOutlook(f: Pick<OccupancyForecastReport, "zone" | "capacity" | "buckets">, now: number, timeZone: string, hours = 6, through?: number): { text: string; over: boolean; at: number; expected: number } | null {
  const ahead = f.buckets
    .map((b, i) => ({ start: Date.parse(b.start), end: f.buckets[i + 1] ? Date.parse(f.buckets[i + 1]!.start) : Date.parse(b.start) + HOUR, expected: b.expected, closed: b.closed === true }))
    .filter((h) => h.end > now && !h.closed)
    .filter((h, i) => i < hours || (through !== undefined && h.start < through))
    .filter((h): h is { start: number; end: number; expected: number; closed: boolean } => h.expected !== null);
  if (!ahead.length) return null;
  const t = (ms: number) => formatTime(ms, timeZone, { label: false });
  const where = f.zone === null ? "in the store" : "in the zone";
  const cap = f.capacity;
  const over = cap !== null && cap > 0 ? ahead.find((h) => h.expected > cap) : undefined;
  if (over) return { text: `Expected over capacity ${dayWord(over.start, now, timeZone)}at ${t(over.start)} (about ${Math.round(over.expected)} for ${cap})`, over: true, at: over.start, expected: over.expected };
  const peak = ahead.reduce((a, b) => (b.expected > a.expected ? b : a));
  if (peak.expected < 1) return null;
  // The hour under way is the busiest: "around 10:29" would name the minute just gone.
  const when = peak.start <= now ? (ahead.length > 1 ? "this hour, fewer later" : "this hour") : `around ${dayWord(peak.start, now, timeZone)}${t(peak.start)}`;
  return { text: `Up to about ${Math.round(peak.expected)} ${where} ${when}`, over: false, at: peak.start, expected: peak.expected };
}

interface ChartSlot {
  start: number;
  end: number;
  label: string;
  value: number | null;
}

/**
 * An hourly chart of a range that reaches now, continued by the forecast to the end of the store's
 * day: the slots of the range, then the forecast's hours after them on the same local day (no
 * count yet), and for each slot its forecast (the current hour and those after it; never an hour
 * already over). Labels as the chart's: `HH:mm`, with the weekday for ranges of several days.
 */
export function withForecast<S extends ChartSlot>(
  slots: readonly S[],
  f: Pick<ForecastReport, "bucket" | "buckets"> | undefined,
  now: number,
  timeZone: string,
  multiDay: boolean,
): { slots: (S | ChartSlot)[]; forecast: (SlotForecast | null)[] } {
  if (!f || f.bucket !== "hour" || !slots.length) return { slots: [...slots], forecast: slots.map(() => null) };
  const day = (ts: number) => new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(ts);
  const label = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23", ...(multiDay ? { weekday: "short" } : {}) });
  const today = day(now);
  const last = slots[slots.length - 1]!;
  const extra: ChartSlot[] = f.buckets
    .map((b, i) => ({ b, start: Date.parse(b.start), next: f.buckets[i + 1] }))
    .filter(({ start }) => start >= last.end && day(start) === today)
    .map(({ start, next }) => ({ start, end: next ? Date.parse(next.start) : start + HOUR, label: label.format(start), value: null }));
  const all: (S | ChartSlot)[] = [...slots, ...extra];
  const byStart = new Map(f.buckets.map((b) => [Date.parse(b.start), b]));
  const forecast = all.map((s) => {
    const b = byStart.get(s.start);
    if (!b || b.expected === null || s.end <= now) return null;
    return { expected: b.expected, low: b.low, high: b.high, ...(b.closed ? { closed: true } : {}) };
  });
  return { slots: all, forecast };
}

/** Runs [first, last] of consecutive slots whose forecast is closed (the store's opening hours), for the chart's shading. */
export function closedForecastRuns(fc: readonly (SlotForecast | null)[]): [number, number][] {
  const runs: [number, number][] = [];
  fc.forEach((f, i) => {
    if (!f?.closed) return;
    const last = runs[runs.length - 1];
    if (last && last[1] === i - 1) last[1] = i;
    else runs.push([i, i]);
  });
  return runs;
}
