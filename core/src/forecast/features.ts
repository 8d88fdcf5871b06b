import { knownAt } from "./baselines.js";
import { lagIndex, localGrid, type LocalGrid, type Series } from "./series.js";
import { dayFlags, type DayFlags, type SpecialDays } from "./special-days.js";

/**
 * Features of a direct multi-horizon forecaster, built on the store's local calendar from what
 * is known before the forecast origin. Counts enter on the log scale relative to a per-target
 * base, the holiday-aware seasonal mean of the same local hour (or day) in the last 4 weeks:
 * the model learns how far from that base to go, so one feature set fits a store of 50 visitors
 * an hour and a street of 5,000.
 */

/** A series with its local calendar and day flags, computed once. */
export interface FeatureContext {
  series: Series;
  grid: LocalGrid;
  flags: DayFlags;
}

export function featureContext(series: Series, special: SpecialDays = {}): FeatureContext {
  const grid = localGrid(series);
  return { series, grid, flags: dayFlags(series, grid, special) };
}

/** Weeks of lags averaged into the base. */
export const LAG_WEEKS = 4;
/** Longest horizon of the hourly features, in buckets (the same hour yesterday must be known). */
export const MAX_HOURLY_HORIZON = 24;
/** Longest horizon of the daily features, in days. */
export const MAX_DAILY_HORIZON = 14;

const lagNames = Array.from({ length: LAG_WEEKS }, (_, k) => `lag_week_${k + 1}`);
/** Names of the hourly features, in row order. */
export const HOURLY_FEATURES: readonly string[] = [
  "lag_week_1",
  "yesterday",
  "mean_weeks_1_8",
  "median_weeks_1_5",
  "same_type_days_5",
  "same_type_days_10",
  "last_year_dev",
  "last_year_known",
  "lags_known",
  "yesterday_dev",
  "last_3h_dev",
  "last_24h_dev",
  "last_7d_dev",
  "today_dev",
  "today_target",
  "base_level",
  "horizon",
  "holiday",
  "event",
  "event_starts",
  "event_ends",
  "event_weight",
  "event_start_weight",
  "event_arrive",
  "event_leave",
  "lag_week_1_special",
  ...Array.from({ length: 24 }, (_, h) => `hour_${h}`),
  ...Array.from({ length: 7 }, (_, d) => `weekday_${d + 1}`),
];
/** Names of the daily features, in row order. */
export const DAILY_FEATURES: readonly string[] = [
  ...lagNames,
  "lags_known",
  "last_day_dev",
  "last_7d_dev",
  "base_level",
  "horizon",
  "holiday",
  "event",
  "lag_week_1_special",
  ...Array.from({ length: 7 }, (_, d) => `weekday_${d + 1}`),
];

/** A target's feature row: `x` in the order of the names above, and its base (a count). */
export interface FeatureRow {
  /** Index of the target bucket. */
  index: number;
  x: number[];
  base: number;
}

const special = (f: DayFlags, j: number): boolean => f.holiday[j] === 1 || f.event[j] === 1;

/**
 * The known lags of bucket `i` at the same local time 7k days back, for `LAG_WEEKS` weeks k from
 * the first week back that lies before `limit`. A lag on a holiday or event is left out unless
 * bucket `i` is one too (a bank holiday last Monday says little about this Monday).
 */
export function weekLags(ctx: FeatureContext, i: number, limit: number): { values: (number | null)[]; base: number | null; firstSpecial: boolean } {
  const { grid, flags, series } = ctx;
  let k0 = 1;
  while (k0 < 60) {
    const j = lagIndex(grid, i, 7 * k0);
    if (j < limit || grid.day[i]! - 7 * k0 < grid.day[0]!) break;
    k0++;
  }
  const values: (number | null)[] = [];
  let sum = 0;
  let n = 0;
  let firstSpecial = false;
  for (let k = k0; k < k0 + LAG_WEEKS; k++) {
    const j = lagIndex(grid, i, 7 * k);
    let v = knownAt(series, j, limit);
    if (j >= 0 && special(flags, j) && !special(flags, i)) {
      if (k === k0) firstSpecial = true;
      v = null;
    }
    values.push(v);
    if (v !== null) {
      sum += v;
      n++;
    }
  }
  return { values, base: n ? sum / n : null, firstSpecial };
}

/** log1p(value) - log1p(its own seasonal base), for a known bucket j before `limit`; null otherwise. */
function deviation(ctx: FeatureContext, j: number, limit: number): number | null {
  const v = knownAt(ctx.series, j, limit);
  if (v === null) return null;
  const { base } = weekLags(ctx, j, limit);
  return base === null ? null : Math.log1p(v) - Math.log1p(base);
}

/** Mean deviation of the known buckets among [from, to) (0 when none is known). */
function meanDeviation(ctx: FeatureContext, from: number, to: number, limit: number): number {
  let sum = 0;
  let n = 0;
  for (let j = Math.max(0, from); j < to; j++) {
    const d = deviation(ctx, j, limit);
    if (d !== null) {
      sum += d;
      n++;
    }
  }
  return n ? sum / n : 0;
}

/** Mean (or median) of the known values at the same local time 1 to `weeks` weeks back, before `limit`. */
function sameHourMean(ctx: FeatureContext, i: number, limit: number, weeks: number, median: boolean): number | null {
  const xs: number[] = [];
  for (let k = 1; k <= weeks; k++) {
    const v = knownAt(ctx.series, lagIndex(ctx.grid, i, 7 * k), limit);
    if (v !== null) xs.push(v);
  }
  if (!xs.length) return null;
  if (median) {
    xs.sort((a, b) => a - b);
    const m = xs.length >> 1;
    return xs.length % 2 ? xs[m]! : (xs[m - 1]! + xs[m]!) / 2;
  }
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Kind of day for pooling: 0 Monday to Friday, 6 Saturday, 7 Sunday or a holiday. */
const dayType = (ctx: FeatureContext, j: number): number => (ctx.flags.holiday[j] === 1 ? 7 : ctx.grid.weekday[j]! >= 6 ? ctx.grid.weekday[j]! : 0);

/** Mean of the same local hour on the last `n` known days of the same kind as bucket i's (within 8 weeks). */
function sameTypeDays(ctx: FeatureContext, i: number, limit: number, n: number): number | null {
  const type = dayType(ctx, i);
  let sum = 0;
  let count = 0;
  for (let d = 1; d <= 56 && count < n; d++) {
    const j = lagIndex(ctx.grid, i, d);
    if (j < 0 || dayType(ctx, j) !== type) continue;
    const v = knownAt(ctx.series, j, limit);
    if (v === null) continue;
    sum += v;
    count++;
  }
  return count ? sum / count : null;
}

/**
 * The day's own level so far: log((1 + visitors counted today before the origin) / (1 + their
 * seasonal bases)), pooled over the day's known buckets so that a few quiet hours of a small
 * store do not swing it; 0 before the day's first known bucket.
 */
export function todayDeviation(ctx: FeatureContext, origin: number): number {
  const day = ctx.grid.day[origin];
  if (day === undefined) return 0;
  let sum = 0;
  let baseSum = 0;
  let n = 0;
  for (let j = origin - 1; j >= 0 && ctx.grid.day[j] === day; j--) {
    const v = knownAt(ctx.series, j, origin);
    if (v === null) continue;
    const { base } = weekLags(ctx, j, origin);
    if (base === null) continue;
    sum += v;
    baseSum += base;
    n++;
  }
  return n ? Math.log1p(sum) - Math.log1p(baseSum) : 0;
}

const oneHot = (size: number, at: number): number[] => Array.from({ length: size }, (_, k) => (k === at ? 1 : 0));

function lagPart(lags: (number | null)[], lb: number): number[] {
  return lags.map((v) => (v === null ? 0 : Math.log1p(v) - lb));
}
/**
 * Feature rows of the hourly targets `origin .. origin + horizon - 1` of an hourly series
 * (horizon at most 24): only buckets before `origin` are read. A target without any known
 * seasonal lag gets no row (a baseline must answer for it).
 */
export function hourlyFeatures(ctx: FeatureContext, origin: number, horizon: number): FeatureRow[] {
  if (ctx.series.grain !== "hour") throw new RangeError("hourlyFeatures needs an hourly series");
  if (horizon > MAX_HOURLY_HORIZON) throw new RangeError(`hourly horizon is at most ${MAX_HOURLY_HORIZON} buckets`);
  const { grid, flags, series } = ctx;
  const last3 = meanDeviation(ctx, origin - 3, origin, origin);
  const last24 = meanDeviation(ctx, origin - 24, origin, origin);
  const last7d = meanDeviation(ctx, origin - 168, origin, origin);
  const today = todayDeviation(ctx, origin);
  const originDay = grid.day[origin];
  const rows: FeatureRow[] = [];
  for (let i = origin; i < origin + horizon && i < series.starts.length; i++) {
    const lags = weekLags(ctx, i, origin);
    if (lags.base === null) continue;
    const lb = Math.log1p(lags.base);
    const rel = (v: number | null): number => (v === null ? 0 : Math.log1p(v) - lb);
    const week1 = knownAt(series, lagIndex(grid, i, 7), origin);
    const yesterdayAt = lagIndex(grid, i, 1);
    const lastYear = deviation(ctx, lagIndex(grid, i, 364), origin);
    const x = [
      rel(week1),
      rel(knownAt(series, yesterdayAt, origin)),
      rel(sameHourMean(ctx, i, origin, 8, false)),
      rel(sameHourMean(ctx, i, origin, 5, true)),
      rel(sameTypeDays(ctx, i, origin, 5)),
      rel(sameTypeDays(ctx, i, origin, 10)),
      lastYear ?? 0,
      lastYear === null ? 0 : 1,
      lags.values.filter((v) => v !== null).length / LAG_WEEKS,
      deviation(ctx, yesterdayAt, origin) ?? 0,
      last3,
      last24,
      last7d,
      today,
      grid.day[i] === originDay ? 1 : 0,
      lb / 10,
      (i - origin + 1) / MAX_HOURLY_HORIZON,
      flags.holiday[i]!,
      flags.event[i]!,
      flags.eventStart[i]!,
      flags.eventEnd[i]!,
      flags.eventWeight[i]!,
      flags.eventStartWeight[i]!,
      flags.eventArrive[i]!,
      flags.eventLeave[i]!,
      lags.firstSpecial ? 1 : 0,
      ...oneHot(24, grid.hour[i]!),
      ...oneHot(7, grid.weekday[i]! - 1),
    ];
    rows.push({ index: i, x, base: lags.base });
  }
  return rows;
}

/**
 * Feature rows of the daily targets `origin .. origin + horizon - 1` of a daily series (horizon
 * at most 14 days): only days before `origin` are read.
 */
export function dailyFeatures(ctx: FeatureContext, origin: number, horizon: number): FeatureRow[] {
  if (ctx.series.grain !== "day") throw new RangeError("dailyFeatures needs a daily series");
  if (horizon > MAX_DAILY_HORIZON) throw new RangeError(`daily horizon is at most ${MAX_DAILY_HORIZON} days`);
  const { grid, flags } = ctx;
  const lastDay = meanDeviation(ctx, origin - 1, origin, origin);
  const last7 = meanDeviation(ctx, origin - 7, origin, origin);
  const rows: FeatureRow[] = [];
  for (let i = origin; i < origin + horizon && i < ctx.series.starts.length; i++) {
    const lags = weekLags(ctx, i, origin);
    if (lags.base === null) continue;
    const lb = Math.log1p(lags.base);
    const x = [
      ...lagPart(lags.values, lb),
      lags.values.filter((v) => v !== null).length / LAG_WEEKS,
      lastDay,
      last7,
      lb / 10,
      (i - origin + 1) / MAX_DAILY_HORIZON,
      flags.holiday[i]!,
      flags.event[i]!,
      lags.firstSpecial ? 1 : 0,
      ...oneHot(7, grid.weekday[i]! - 1),
    ];
    rows.push({ index: i, x, base: lags.base });
  }
  return rows;
}

/** The training target of a row: log1p(actual) - log1p(base); null when the actual is unknown before `limit`. */
export function targetOf(ctx: FeatureContext, row: FeatureRow, limit: number): number | null {
  const y = knownAt(ctx.series, row.index, limit);
  return y === null ? null : Math.log1p(y) - Math.log1p(row.base);
}

/** A count from a model output on the target scale (never negative). */
export const countOf = (z: number, base: number): number => Math.max(0, Math.expm1(z + Math.log1p(base)));
