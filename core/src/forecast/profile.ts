import { localGrid, type Series } from "./series.js";

/** Hours in a week: index `(isoWeekday - 1) * 24 + localHour`, Monday 00:00 first. */
export const HOURS_PER_WEEK = 168;

/**
 * The typical week of an hourly series, for a simulator's arrival curve: the mean of the known
 * values of each local hour of the week over the `weeks` weeks (default 8) of buckets before index `end`, scaled so
 * that the busiest hour is 1 (an hour never seen, or never above 0, is 0: closed). All zeros when
 * the series has nothing above 0 there.
 */
export function weeklyProfile(series: Series, opts: { weeks?: number; end?: number } = {}): number[] {
  if (series.grain !== "hour") throw new RangeError("weeklyProfile needs an hourly series");
  const end = Math.min(opts.end ?? series.values.length, series.values.length);
  const grid = localGrid(series);
  const from = end > 0 ? series.starts[end - 1]! + 3_600_000 - (opts.weeks ?? 8) * 7 * 86_400_000 : 0;
  const sum = new Array<number>(HOURS_PER_WEEK).fill(0);
  const n = new Array<number>(HOURS_PER_WEEK).fill(0);
  for (let i = 0; i < end; i++) {
    const v = series.values[i];
    if (v === null || v === undefined || series.starts[i]! < from) continue;
    const k = (grid.weekday[i]! - 1) * 24 + grid.hour[i]!;
    sum[k]! += v;
    n[k]!++;
  }
  const mean = sum.map((s, k) => (n[k] ? s / n[k]! : 0));
  const peak = Math.max(0, ...mean);
  return mean.map((m) => (peak > 0 ? m / peak : 0));
}
