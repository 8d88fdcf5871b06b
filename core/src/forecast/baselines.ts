import { lagIndex, type LocalGrid, type Series } from "./series.js";

/**
 * Seasonal baselines on the local calendar: a forecast from `origin` (the index of the first
 * bucket to forecast; only buckets before it are known) for the `horizon` buckets from it.
 * Each returns one value per bucket, `null` where the history has nothing to say.
 */

/** The value of bucket `j` if it is known before `origin`, else null. */
export const knownAt = (series: Series, j: number, origin: number): number | null => (j >= 0 && j < origin ? (series.values[j] ?? null) : null);

/** First week count k >= 1 whose same-local-time bucket k weeks before `i` lies before `origin` (-1 if none in `maxWeeks`). */
function firstWeekBack(grid: LocalGrid, i: number, origin: number, maxWeeks: number): number {
  for (let k = 1; k <= maxWeeks; k++) {
    const j = lagIndex(grid, i, 7 * k);
    if (j >= 0 && j < origin) return k;
    if (j === -1 && grid.day[i]! - 7 * k < grid.day[0]!) return -1;
  }
  return -1;
}

/**
 * Seasonal-naive: the same local hour (or day) one week earlier; when that is unknown (a gap, or
 * past the origin for horizons over a week), the most recent known week before it, up to
 * `maxWeeks` back.
 */
export function seasonalNaive(series: Series, grid: LocalGrid, origin: number, horizon: number, maxWeeks = 8): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = origin; i < origin + horizon; i++) {
    let v: number | null = null;
    const k0 = firstWeekBack(grid, i, origin, maxWeeks);
    for (let k = k0; k0 > 0 && k <= maxWeeks && v === null; k++) v = knownAt(series, lagIndex(grid, i, 7 * k), origin);
    out.push(v);
  }
  return out;
}

/**
 * Seasonal mean: the mean of the known values at the same local hour (or day) in the `weeks`
 * most recent weeks before `origin` (unknown ones skipped; null when all are unknown).
 */
export function seasonalMean(series: Series, grid: LocalGrid, origin: number, horizon: number, weeks = 4): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = origin; i < origin + horizon; i++) {
    const k0 = firstWeekBack(grid, i, origin, 52);
    let sum = 0;
    let n = 0;
    for (let k = k0; k0 > 0 && k < k0 + weeks; k++) {
      const v = knownAt(series, lagIndex(grid, i, 7 * k), origin);
      if (v !== null) {
        sum += v;
        n++;
      }
    }
    out.push(n ? sum / n : null);
  }
  return out;
}

/**
 * Same local hour of the most recent known day before `origin` (for a history shorter than a
 * week): the last resort of the forecaster, up to `maxDays` back.
 */
export function dailyNaive(series: Series, grid: LocalGrid, origin: number, horizon: number, maxDays = 7): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = origin; i < origin + horizon; i++) {
    let v: number | null = null;
    for (let d = 1; d <= maxDays && v === null; d++) v = knownAt(series, lagIndex(grid, i, d), origin);
    out.push(v);
  }
  return out;
}

/** Empirical quantile of ascending `sorted`: linear interpolation between order statistics (R's type 7). */
export function quantile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const h = (sorted.length - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** A forecast's central value and its interval. */
export interface Band {
  lo: number;
  mid: number;
  hi: number;
  /**
   * How many past errors of the baseline the interval was measured from. With none it is `mid`
   * itself (zero width), and with a handful (a few night hours, all 0 for 0) it says as little:
   * the forecaster gives no interval from fewer than a day of them.
   */
  errors: number;
}

/**
 * An interval around point forecasts from the errors a baseline made on the known past: the
 * residuals `log1p(actual) - log1p(forecast)` of `forecaster` run at every bucket of the last
 * `lookback` known buckets (as if each were the first bucket forecast) give the `coverage`
 * interval on the log scale, so the band is wider where counts are larger.
 */
export function residualBands(
  series: Series,
  origin: number,
  forecast: readonly (number | null)[],
  forecaster: (origin: number) => number | null,
  opts: { lookback?: number; coverage?: number } = {},
): (Band | null)[] {
  const lookback = opts.lookback ?? 28 * 24;
  const coverage = opts.coverage ?? 0.8;
  const residuals: number[] = [];
  for (let j = Math.max(0, origin - lookback); j < origin; j++) {
    const y = series.values[j];
    const f = forecaster(j);
    if (y === null || y === undefined || f === null) continue;
    residuals.push(Math.log1p(y) - Math.log1p(f));
  }
  residuals.sort((a, b) => a - b);
  const qlo = residuals.length ? quantile(residuals, (1 - coverage) / 2) : Number.NaN;
  const qhi = residuals.length ? quantile(residuals, (1 + coverage) / 2) : Number.NaN;
  return forecast.map((f) => {
    if (f === null) return null;
    if (Number.isNaN(qlo)) return { lo: f, mid: f, hi: f, errors: 0 };
    const l = Math.log1p(f);
    return { lo: Math.max(0, Math.expm1(l + Math.min(0, qlo))), mid: f, hi: Math.expm1(l + Math.max(0, qhi)), errors: residuals.length };
  });
}
