import type { EpochMs } from "../protocol/ids.js";
import { dayOfDate, type LocalGrid, type Series } from "./series.js";

/** What a store knows about its unusual days: inputs of the forecaster where it has them. */
export interface SpecialDays {
  /** Local dates (`YYYY-MM-DD`) of public holidays and other days unlike their weekday. */
  holidays?: readonly string[];
  /**
   * Known events, each `[from, to)` in epoch ms (a sale, a concert next door, a conference), with
   * an optional `weight` (default 1): how big the event is expected to be, on the store's own
   * scale (e.g. 0.3 a small meeting, 1 a large one). 0 marks an event expected to change nothing.
   */
  events?: readonly { from: EpochMs; to: EpochMs; weight?: number }[];
}

/**
 * Per bucket: 1 where its local day is a holiday; 1 where it overlaps a known event; 1 where it
 * overlaps the hour before an event's start, start included (people arrive); 1 where it overlaps
 * the hour before or after an event's end (people leave).
 */
export interface DayFlags {
  holiday: Uint8Array;
  event: Uint8Array;
  eventStart: Uint8Array;
  eventEnd: Uint8Array;
  /** The largest weight of the events overlapping each bucket (0 where none does). */
  eventWeight: Float32Array;
  /** The largest weight of the events starting within each bucket or the hour after it (as `eventStart`). */
  eventStartWeight: Float32Array;
  /**
   * Arrivals: the largest, over the events, of weight x the share of the bucket inside the event's
   * arrival window, from `ARRIVE_BEFORE` before its start to `ARRIVE_AFTER` after it. Timed to
   * the minute, so an event starting at 15:30 weighs on the hour 14:00 by a half and on 15:00 fully.
   */
  eventArrive: Float32Array;
  /** Departures: the same for the leaving window, from `LEAVE_BEFORE` before an event's end to `LEAVE_AFTER` after it. */
  eventLeave: Float32Array;
}

/** The arrival window of an event: people come in from an hour before its start to half an hour after it. */
export const ARRIVE_BEFORE = 3_600_000;
export const ARRIVE_AFTER = 1_800_000;
/** The leaving window of an event: from half an hour before its end to an hour after it. */
export const LEAVE_BEFORE = 1_800_000;
export const LEAVE_AFTER = 3_600_000;

/** The share of [start, end) that [from, to) covers (0 to 1). */
export function overlapShare(start: number, end: number, from: number, to: number): number {
  if (!(end > start)) return 0;
  return Math.max(0, Math.min(end, to) - Math.max(start, from)) / (end - start);
}

/** Problems with `special`, each naming the field; empty when it is usable. */
export function specialDaysProblems(special: SpecialDays): string[] {
  const problems: string[] = [];
  (special.holidays ?? []).forEach((d, i) => {
    if (Number.isNaN(dayOfDate(d))) problems.push(`/holidays/${i}: "${d}" is not a date YYYY-MM-DD`);
  });
  (special.events ?? []).forEach((e, i) => {
    if (!(Number.isFinite(e.from) && Number.isFinite(e.to) && e.from < e.to)) problems.push(`/events/${i}: needs from < to (epoch ms)`);
    if (e.weight !== undefined && !(Number.isFinite(e.weight) && e.weight >= 0)) problems.push(`/events/${i}/weight: needs a number >= 0`);
  });
  return problems;
}

/** The flags of every bucket of `series` (throws a RangeError naming the first bad entry). */
export function dayFlags(series: Series, grid: LocalGrid, special: SpecialDays = {}): DayFlags {
  const problems = specialDaysProblems(special);
  if (problems.length) throw new RangeError(`special days: ${problems.join("; ")}`);
  const n = series.starts.length;
  const holidays = new Set((special.holidays ?? []).map(dayOfDate));
  const holiday = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (holidays.has(grid.day[i]!)) holiday[i] = 1;
  const event = new Uint8Array(n);
  const eventStart = new Uint8Array(n);
  const eventEnd = new Uint8Array(n);
  const eventWeight = new Float32Array(n);
  const eventStartWeight = new Float32Array(n);
  const eventArrive = new Float32Array(n);
  const eventLeave = new Float32Array(n);
  const unit = series.grain === "hour" ? 3_600_000 : 86_400_000;
  const end = (i: number): number => series.starts[i + 1] ?? series.starts[i]! + unit;
  /** First bucket ending after `ts`. */
  const firstAfter = (ts: number): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (end(mid) <= ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (const ev of special.events ?? []) {
    const w = ev.weight ?? 1;
    for (let i = firstAfter(ev.from); i < n && series.starts[i]! < ev.to; i++) {
      event[i] = 1;
      eventWeight[i] = Math.max(eventWeight[i]!, w);
    }
    for (let i = firstAfter(ev.from - 3_600_000); i < n && series.starts[i]! <= ev.from; i++) {
      eventStart[i] = 1;
      eventStartWeight[i] = Math.max(eventStartWeight[i]!, w);
    }
    for (let i = firstAfter(ev.to - 1); i < n && series.starts[i]! < ev.to + 3_600_000; i++) eventEnd[i] = 1;
    const windows: [Float32Array, number, number][] = [
      [eventArrive, ev.from - ARRIVE_BEFORE, ev.from + ARRIVE_AFTER],
      [eventLeave, ev.to - LEAVE_BEFORE, ev.to + LEAVE_AFTER],
    ];
    for (const [into, from, to] of windows)
      for (let i = firstAfter(from); i < n && series.starts[i]! < to; i++) into[i] = Math.max(into[i]!, w * overlapShare(series.starts[i]!, end(i), from, to));
  }
  return { holiday, event, eventStart, eventEnd, eventWeight, eventStartWeight, eventArrive, eventLeave };
}
