/**
 * Forecast accuracy. MASE (Hyndman & Koehler 2006) divides a forecast's mean absolute error by
 * the in-sample mean absolute error of the seasonal-naive forecast, so figures compare across
 * series of any size: 1 is as good as "same hour last week" was on the training data, below 1
 * better. Pairs where either value is unknown (null) are left out everywhere.
 */

type Maybe = number | null | undefined;
const known = (v: Maybe): v is number => v !== null && v !== undefined && Number.isFinite(v);

/** Mean absolute error over the pairs where both are known; NaN when none is. */
export function meanAbsoluteError(actual: readonly Maybe[], forecast: readonly Maybe[]): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const f = forecast[i];
    if (known(a) && known(f)) {
      sum += Math.abs(a - f);
      n++;
    }
  }
  return n ? sum / n : Number.NaN;
}

/**
 * The MASE scale: the mean |y[t] - y[t - period]| over the in-sample values `values[0..end)`
 * (`lag(t)` gives the index one season before t, -1 when none; by default t - period).
 */
export function maseScale(values: readonly Maybe[], period: number, end = values.length, lag: (t: number) => number = (t) => t - period): number {
  let sum = 0;
  let n = 0;
  for (let t = 0; t < end; t++) {
    const j = lag(t);
    if (j < 0 || j >= t) continue;
    const a = values[t];
    const b = values[j];
    if (known(a) && known(b)) {
      sum += Math.abs(a - b);
      n++;
    }
  }
  return n ? sum / n : Number.NaN;
}

/** Mean absolute scaled error: MAE / `scale`. */
export const mase = (actual: readonly Maybe[], forecast: readonly Maybe[], scale: number): number => meanAbsoluteError(actual, forecast) / scale;

/** Share of the known actuals inside their [lo, hi] interval (bounds included); NaN when none. */
export function intervalCoverage(actual: readonly Maybe[], lo: readonly Maybe[], hi: readonly Maybe[]): number {
  let inside = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const l = lo[i];
    const h = hi[i];
    if (!known(a) || !known(l) || !known(h)) continue;
    n++;
    if (a >= l && a <= h) inside++;
  }
  return n ? inside / n : Number.NaN;
}

/** Pinball (quantile) loss of forecast `q` for quantile level `tau`, averaged over known pairs. */
export function pinballLoss(actual: readonly Maybe[], q: readonly Maybe[], tau: number): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const f = q[i];
    if (!known(a) || !known(f)) continue;
    const d = a - f;
    sum += d >= 0 ? tau * d : (tau - 1) * d;
    n++;
  }
  return n ? sum / n : Number.NaN;
}
