/**
 * Traffic figures for charts: the store's enters per hour or day with empty slots filled in, and
 * the hour-of-day x weekday grid derived from hourly buckets. Bucket starts carry the store's
 * offset (`2026-11-22T09:00:00+01:00`), so the local hour and day are read from the string itself.
 */
import { tz } from "@date-fns/tz";
import { addDays, addHours, startOfDay, startOfHour } from "date-fns";
import type { TrafficBucket } from "@footfall/core";
import type { DateRange } from "./range.js";

/** Monday first, as shops plan their weeks. */
export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

export interface LocalParts {
  day: string;
  hour: number;
  /** 0 = Monday ... 6 = Sunday. */
  weekday: number;
}

const START_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):/;
export function localParts(start: string): LocalParts | null {
  const m = START_RE.exec(start);
  if (!m) return null;
  const utcDay = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDay();
  return { day: `${m[1]}-${m[2]}-${m[3]}`, hour: Number(m[4]), weekday: (utcDay + 6) % 7 };
}

/**
 * The figure a bucket contributes: the store's enters (its entrance zones), or, for a layout with
 * no entrance zone, the enters of all zones together.
 */
export function bucketValue(b: TrafficBucket, useZones: boolean): number {
  return useZones ? Object.values(b.zones).reduce((s, n) => s + n, 0) : b.enters;
}

export interface WeekHourGrid {
  /** [hour, weekday, value] for every one of the 7 x 24 cells. */
  cells: [number, number, number][];
  max: number;
  total: number;
}

/** Sum of hourly values by (weekday, hour of day) over the range. */
export function weekHourGrid(buckets: readonly TrafficBucket[], useZones = false): WeekHourGrid {
  const sums = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (const b of buckets) {
    const p = localParts(b.start);
    if (!p) continue;
    sums[p.weekday]![p.hour]! += bucketValue(b, useZones);
  }
  const cells: [number, number, number][] = [];
  let max = 0, total = 0;
  sums.forEach((row, weekday) =>
    row.forEach((value, hour) => {
      cells.push([hour, weekday, value]);
      max = Math.max(max, value);
      total += value;
    }),
  );
  return { cells, max, total };
}

export interface Slot {
  start: number;
  label: string;
  value: number;
}

/** Every hour or day of the range, with the buckets' values and zeros where the server sent none. */
export function trafficSlots(buckets: readonly TrafficBucket[], range: DateRange, bucket: "hour" | "day", timeZone: string, useZones = false): Slot[] {
  const byStart = new Map<number, number>();
  for (const b of buckets) byStart.set(Date.parse(b.start), (byStart.get(Date.parse(b.start)) ?? 0) + bucketValue(b, useZones));
  const inTz = { in: tz(timeZone) };
  const multiDay = range.to - range.from > 86_400_000 + 3_600_000;
  const fmt = new Intl.DateTimeFormat("en-GB", bucket === "hour"
    ? { timeZone, hour: "2-digit", minute: "2-digit", ...(multiDay ? { weekday: "short" } : {}) }
    : { timeZone, weekday: "short", day: "numeric", month: "short" });
  const slots: Slot[] = [];
  // Walk from the first slot boundary at or before `from` (a local midnight or hour).
  let t = (bucket === "hour" ? startOfHour(range.from, inTz) : startOfDay(range.from, inTz)).getTime();
  for (let guard = 0; t < range.to && guard < 24 * 400; guard++) {
    slots.push({ start: t, label: fmt.format(t), value: byStart.get(t) ?? 0 });
    t = (bucket === "hour" ? addHours(t, 1, inTz) : addDays(t, 1, inTz)).getTime();
  }
  // Buckets the walk did not meet (an unexpected boundary) are not dropped silently.
  const seen = new Set(slots.map((s) => s.start));
  for (const [start, value] of byStart) if (!seen.has(start)) slots.push({ start, label: fmt.format(start), value });
  return slots.sort((a, b) => a.start - b.start);
}
