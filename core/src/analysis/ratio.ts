import { zFor } from "./normal.js";
import type { Interval } from "./proportions.js";

/**
 * Changes relative to before, as ratios: after / before - 1 (a fraction: 0.12 is +12 %), with an
 * interval of the RATIO itself rather than the interval of the difference divided by before (which
 * ignores the uncertainty of before and can fall under -100 %). Every lower limit is above -1.
 */

/** A relative change after / before - 1 and its interval, both as fractions (-0.25 is -25 %). */
export interface RelativeChange {
  estimate: number;
  interval: Interval;
}

/** An estimate with its variance (a proportion, an adjusted share, a rate). */
export interface EstimateWithVariance {
  p: number;
  variance: number;
}

const usable = (e: EstimateWithVariance): boolean => e.p > 0 && Number.isFinite(e.p) && e.variance >= 0 && Number.isFinite(e.variance);

/**
 * The ratio of products num / den of positive estimates, minus 1, with the normal interval on the
 * log scale: log ratio ± z √(Σ var_i / p_i²) (the delta method; for counts with variance
 * p (1 - p) / n this is Katz's interval of the relative risk, Katz et al., Biometrics 34, 1978,
 * 469-474). null when an estimate is not positive (its log does not exist).
 */
export function logRatioChange(num: readonly EstimateWithVariance[], den: readonly EstimateWithVariance[], level: number): RelativeChange | null {
  const all = [...num, ...den];
  if (!all.every(usable)) return null;
  const log = num.reduce((s, e) => s + Math.log(e.p), 0) - den.reduce((s, e) => s + Math.log(e.p), 0);
  const half = zFor(level) * Math.sqrt(all.reduce((s, e) => s + e.variance / (e.p * e.p), 0));
  return { estimate: Math.expm1(log), interval: [Math.expm1(log - half), Math.expm1(log + half)] };
}

/**
 * after / before - 1 with the log-ratio interval (`logRatioChange`); null when either is not positive.
 */
export function ratioChange(before: EstimateWithVariance, after: EstimateWithVariance, level: number): RelativeChange | null {
  return logRatioChange([after], [before], level);
}

/**
 * A percentile interval that contains its point estimate: a percentile-bootstrap interval of a
 * median can, with small or lumpy samples, miss the sample's own figure; the interval is then
 * widened to it, so that what is shown never places the estimate outside its own interval.
 */
export function withEstimate(estimate: number, interval: Interval): Interval {
  return [Math.min(estimate, interval[0]), Math.max(estimate, interval[1])];
}
