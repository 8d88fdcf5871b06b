import { quantileSorted } from "simple-statistics";
import { medianOfSorted, sortedAscending } from "../domain/stats.js";
import type { Interval } from "./proportions.js";
import { withEstimate, type RelativeChange } from "./ratio.js";
import { deriveSeed, seededUniform, type Uniform } from "./rng.js";

/**
 * Percentile bootstrap for medians (median dwell before and after a layout change).
 *
 * Median: the middle value, or the mean of the two middle values for an even count (the domain's
 * `medianOfSorted`). Percentile interval: the (1 - level)/2 and (1 + level)/2 quantiles of the
 * bootstrap replicates (Efron & Tibshirani, An Introduction to the Bootstrap, 1993, ch. 13), the
 * quantiles by linear interpolation between order statistics (type 7, simple-statistics'
 * `quantileSorted`). Every random draw comes from a generator seeded by `seed`, so the result is
 * a pure function of the inputs.
 */

/** Options of the bootstrap functions. */
export interface BootstrapOptions {
  /** Seed of the resampling; the same seed gives the same interval. */
  seed: number;
  /** Number of bootstrap replicates; 2000 by default. */
  iterations?: number;
  /** Confidence level in (0, 1); 0.95 by default. */
  level?: number;
}

/** A point estimate and its percentile-bootstrap interval. */
export interface BootstrapEstimate {
  diff: number;
  interval: Interval;
  /**
   * median(after) / median(before) - 1 with the percentile interval of the replicates'
   * median(after*) / median(before*) - 1 (the same replicates as `interval`), widened to contain
   * the estimate (`withEstimate`); null when a median (of the samples or of a replicate) is not positive.
   */
  ratio: RelativeChange | null;
}

export const DEFAULT_BOOTSTRAP_ITERATIONS = 2000;

/** A standard normal draw (Box-Muller; Box & Muller, Ann. Math. Statist. 29, 1958). */
function normal(random: Uniform): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A Gamma(shape, 1) draw for shape >= 1 (Marsaglia & Tsang, ACM TOMS 26(3), 2000, 363-372). */
function gamma(shape: number, random: Uniform): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(random);
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = 1 - random();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * Draws the median of a bootstrap resample (n draws with replacement) of the ascending list
 * `sorted`, in O(1) whatever n. Resampling draws indices floor(n U_i) with U_i uniform, and floor
 * is monotone, so the resample's k-th smallest value is sorted[floor(n U_(k))], with U_(k) the k-th
 * order statistic of n uniforms, which is Beta(k, n + 1 - k) (drawn as a ratio of Gamma draws);
 * given U_(k) = u, U_(k+1) = u + (1 - u)(1 - V^(1/(n-k))) with V uniform (the least of the n - k
 * uniforms above u). So the median of the middle one or two order statistics has exactly the
 * distribution of the median of a resample, without drawing the resample; the tests check it
 * against the enumeration of every resample of small samples.
 */
export class MedianResampler {
  private readonly n: number;
  /** 1-based rank of the lower middle value. */
  private readonly k: number;
  private readonly even: boolean;
  constructor(private readonly sorted: readonly number[]) {
    this.n = sorted.length;
    this.k = ((this.n - 1) >> 1) + 1;
    this.even = this.n % 2 === 0;
  }
  /** The median of one resample. */
  next(random: Uniform): number {
    const { n, k } = this;
    const g1 = gamma(k, random);
    const u = g1 / (g1 + gamma(n + 1 - k, random));
    const at = (q: number): number => this.sorted[Math.min(n - 1, Math.floor(n * q))]!;
    if (!this.even) return at(u);
    const next = u + (1 - u) * (1 - Math.pow(1 - random(), 1 / (n - k)));
    return (at(u) + at(next)) / 2;
  }
}

/** The percentile interval of `replicates` (modified: sorted in place) at `level`. */
export function percentileInterval(replicates: number[] | Float64Array, level: number): Interval {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
  const sorted = Array.from(replicates).sort((a, b) => a - b);
  return [quantileSorted(sorted, (1 - level) / 2), quantileSorted(sorted, (1 + level) / 2)];
}

/** The relative change and its percentile interval of `ratios`; null unless every median was positive (`positive`) and the estimate finite. */
export function ratioEstimate(positive: boolean, estimate: number, ratios: Float64Array, level: number): RelativeChange | null {
  if (!positive || !Number.isFinite(estimate)) return null;
  return { estimate, interval: withEstimate(estimate, percentileInterval(ratios, level)) };
}

function iterationsOf(opts: BootstrapOptions): number {
  const b = opts.iterations ?? DEFAULT_BOOTSTRAP_ITERATIONS;
  if (!(Number.isInteger(b) && b >= 1)) throw new RangeError(`iterations must be a positive integer, got ${b}`);
  return b;
}

/**
 * median(after) - median(before), with a percentile-bootstrap interval: both samples are
 * resampled independently `iterations` times (each replicate draws the before sample, then the
 * after sample, from one generator seeded by `seed`). null when either sample is empty.
 */
export function bootstrapMedianDiff(before: readonly number[], after: readonly number[], opts: BootstrapOptions): BootstrapEstimate | null {
  if (before.length === 0 || after.length === 0) return null;
  const b = sortedAscending(before);
  const a = sortedAscending(after);
  const iterations = iterationsOf(opts);
  const random = seededUniform(deriveSeed(opts.seed));
  const rb = new MedianResampler(b);
  const ra = new MedianResampler(a);
  const replicates = new Float64Array(iterations);
  const ratios = new Float64Array(iterations);
  let positive = true;
  for (let i = 0; i < iterations; i++) {
    const mb = rb.next(random);
    const ma = ra.next(random);
    replicates[i] = ma - mb;
    ratios[i] = ma / mb - 1;
    if (!(mb > 0 && ma >= 0)) positive = false;
  }
  const level = opts.level ?? 0.95;
  const [mb, ma] = [medianOfSorted(b), medianOfSorted(a)];
  return { diff: ma - mb, interval: percentileInterval(replicates, level), ratio: ratioEstimate(positive, ma / mb - 1, ratios, level) };
}
