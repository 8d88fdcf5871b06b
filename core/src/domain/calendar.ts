import { tzOffset, tzScan } from "@date-fns/tz";
import type { EpochMs } from "../protocol/ids.js";
import type { Bucket, Range } from "./types.js";

/**
 * Local calendar of a store's IANA time zone, DST-correct, without the host's zone.
 * A bucket is a maximal run of instants with the same local key: the local date for `day`, the
 * local date, hour and UTC offset for `hour`. So a day may last 23 or 25 hours, the repeated
 * hour of a fall-back is two buckets (02:00+02:00 and 02:00+01:00), and in zones with 30/45-min
 * offsets hours follow the local clock (Asia/Kolkata hours start at hh:30 UTC).
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const WEEK = 7 * DAY;

/** UTC offset of `timeZone` at `ts` in ms (east positive); throws a RangeError for an unknown zone. */
export function offsetMs(ts: EpochMs, timeZone: string): number {
  const minutes = tzOffset(timeZone, new Date(ts));
  if (!Number.isFinite(minutes)) throw new RangeError(`unknown time zone "${timeZone}"`);
  return Math.round(minutes * MINUTE);
}

interface Segment {
  /** First instant with this offset (or the start of the scan). */
  start: number;
  offset: number;
}

/**
 * The constant-offset stretches of `timeZone` covering [from, to], from @date-fns/tz's `tzScan`.
 * tzScan steps whole hours and reports a change at the first step past it; offset changes happen on
 * whole minutes (Adelaide's and St John's at hh:30 UTC), so each is placed at its minute of that hour.
 */
function segments(from: number, to: number, timeZone: string): Segment[] {
  const out: Segment[] = [{ start: from, offset: offsetMs(from, timeZone) }];
  if (!(to > from)) return out;
  // tzScan looks a month ahead; a week with the same offset at both ends has no change in it (no
  // zone changes and changes back within a week: Casablanca's Ramadan pause is the shortest, ~5 weeks).
  if (to - from <= WEEK && offsetMs(to, timeZone) === out[0]!.offset) return out;
  for (const change of tzScan(timeZone, { start: new Date(from), end: new Date(to) })) {
    const reported = change.date.getTime();
    const offset = offsetMs(reported, timeZone);
    let start = reported;
    while (start - MINUTE > reported - HOUR && offsetMs(start - MINUTE, timeZone) === offset) start -= MINUTE;
    if (start <= from || start > to || offset === out[out.length - 1]!.offset) continue;
    out.push({ start, offset });
  }
  return out;
}

const mod = (a: number, n: number): number => ((a % n) + n) % n;

/**
 * Starts of every local `hour` or `day` bucket overlapping `[from, to)`, ascending: the first is
 * the start of the bucket holding `from` (at or before it). Empty when `to <= from`.
 */
export function bucketStarts(range: Range, bucket: Bucket, timeZone: string): EpochMs[] {
  if (!(range.to > range.from)) return [];
  const unit = bucket === "hour" ? HOUR : DAY;
  const segs = segments(range.from - 2 * unit, range.to, timeZone);
  const all: number[] = [];
  segs.forEach((seg, i) => {
    const end = segs[i + 1]?.start ?? range.to;
    let t = seg.start + mod(-(seg.start + seg.offset), unit);
    if (i > 0 && t !== seg.start) {
      const prev = segs[i - 1]!.offset;
      const keyChanges = bucket === "hour" || Math.floor((seg.start - 1 + prev) / DAY) !== Math.floor((seg.start + seg.offset) / DAY);
      if (keyChanges) all.push(seg.start);
    }
    for (; t < end; t += unit) all.push(t);
  });
  let first = 0;
  while (first + 1 < all.length && all[first + 1]! <= range.from) first++;
  return all.slice(first).filter((t) => t < range.to);
}

/** Start of the local day holding `now` (local midnight, or the first instant of a day that skips it). */
export function localMidnight(now: EpochMs, timeZone: string): EpochMs {
  return bucketStarts({ from: now, to: now + 1 }, "day", timeZone)[0]!;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** ISO 8601 local time with the zone's offset, e.g. `2026-03-29T03:00:00+02:00` (ms shown only when not zero). */
export function formatBucketStart(ts: EpochMs, timeZone: string): string {
  const offset = offsetMs(ts, timeZone);
  const iso = new Date(ts + offset).toISOString(); // the local wall clock, spelled as if UTC
  const ms = mod(ts, 1000);
  const abs = Math.abs(offset) / 1000;
  const seconds = abs % 60;
  const sign = offset < 0 ? "-" : "+";
  const zone = `${sign}${pad(Math.floor(abs / 3600))}:${pad(Math.floor(abs / 60) % 60)}${seconds ? `:${pad(seconds)}` : ""}`;
  return `${iso.slice(0, 19)}${ms ? `.${pad(ms, 3)}` : ""}${zone}`;
}

/** Local wall-clock fields of `ts` in `timeZone`; `weekday` is ISO (1 = Monday .. 7 = Sunday). */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  /** UTC offset in minutes, east positive. */
  offsetMinutes: number;
}

/** The local wall clock of `ts` in `timeZone` (for hour-of-day x weekday grids and labels). */
export function localTime(ts: EpochMs, timeZone: string): LocalTime {
  const offset = offsetMs(ts, timeZone);
  const d = new Date(ts + offset);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay() === 0 ? 7 : d.getUTCDay(),
    offsetMinutes: offset / MINUTE,
  };
}
