import { medianOfSorted, sortedAscending } from "../domain/stats.js";
import { MedianResampler, percentileInterval, ratioEstimate, type BootstrapOptions, DEFAULT_BOOTSTRAP_ITERATIONS } from "./bootstrap.js";
import { zFor } from "./normal.js";
import { wilsonInterval, type Interval } from "./proportions.js";
import { logRatioChange, type RelativeChange } from "./ratio.js";
import { deriveSeed, seededUniform } from "./rng.js";

/**
 * Difference in differences: the change in the test stores minus the change in the control
 * stores over the same two periods, so that what moved every store (season, weather, a
 * chain-wide promotion) cancels out and what is left is the layout change, under the usual
 * assumption that test and control stores would have moved in parallel without it.
 */

/** A proportion given as counts, or as an estimate with its variance (e.g. a post-stratified share). */
export type ProportionInput = { x: number; n: number } | { p: number; variance: number };

/** Before and after of the test and the control group. */
export interface DiDInput<T> {
  test: { before: T; after: T };
  control: { before: T; after: T };
}

/** The difference in differences and its interval. */
export interface DiDEstimate {
  /** (test after - test before) - (control after - control before). */
  estimate: number;
  interval: Interval;
  /**
   * The relative difference in differences, the ratio of ratios (test after / test before) /
   * (control after / control before) - 1, with its own interval (log ratio of ratios for
   * proportions, percentile bootstrap for medians); null when an estimate is not positive.
   */
  relative: RelativeChange | null;
}

/** Options of `differenceInDifferences`. */
export interface DiDOptions {
  /**
   * "wald" (default): estimate ± z √(Σ variances), the four groups independent, each count
   * proportion with variance p (1 - p) / n. "newcombe": for four count inputs only, Newcombe's
   * square-and-add of Wilson limits (Newcombe 2001, Statistics in Medicine 20:2885-2893), better
   * for small counts; falls back to "wald" when an input is not a count.
   */
  method?: "wald" | "newcombe";
}

function isCount(v: ProportionInput): v is { x: number; n: number } {
  return "x" in v;
}

function pointAndVariance(v: ProportionInput): [number, number] | null {
  if (isCount(v)) {
    if (!(v.n > 0) || !(v.x >= 0 && v.x <= v.n)) return null;
    const p = v.x / v.n;
    return [p, (p * (1 - p)) / v.n];
  }
  if (!Number.isFinite(v.p) || !(v.variance >= 0) || !Number.isFinite(v.variance)) return null;
  return [v.p, v.variance];
}

/** (ta / tb) / (ca / cb) - 1 with the log-scale interval (`logRatioChange`), from [estimate, variance] in the order ta, tb, cb, ca. */
function ratioOfRatios([ta, tb, cb, ca]: [number, number][], level: number): RelativeChange | null {
  const e = (g: [number, number] | undefined) => ({ p: g![0], variance: g![1] });
  return logRatioChange([e(ta), e(cb)], [e(tb), e(ca)], level);
}

/**
 * The difference in differences of proportions, (pTa - pTb) - (pCa - pCb), with an interval at
 * `level` (see `DiDOptions.method`). null when a group has no data (n = 0, or a non-finite
 * estimate or variance).
 */
export function differenceInDifferences(input: DiDInput<ProportionInput>, level = 0.95, opts: DiDOptions = {}): DiDEstimate | null {
  const groups = [input.test.after, input.test.before, input.control.before, input.control.after];
  const pv = groups.map(pointAndVariance);
  if (pv.some((g) => g === null)) return null;
  const [ta, tb, cb, ca] = pv as [number, number][];
  const estimate = ta![0] - tb![0] - (ca![0] - cb![0]);
  if (opts.method === "newcombe" && groups.every(isCount)) {
    // Groups entering with a + sign are test after and control before; with a - sign, test before
    // and control after. The lower limit takes the lower margins of the + groups and the upper
    // margins of the - groups, and vice versa (MOVER, Newcombe 2001 §3; Zou & Donner 2008).
    const [w0, w1, w2, w3] = (groups as { x: number; n: number }[]).map((g) => wilsonInterval(g.x, g.n, level)) as [Interval, Interval, Interval, Interval];
    const p = pv.map((g) => g![0]) as [number, number, number, number];
    const lower = Math.hypot(p[0] - w0[0], w1[1] - p[1], p[2] - w2[0], w3[1] - p[3]);
    const upper = Math.hypot(w0[1] - p[0], p[1] - w1[0], w2[1] - p[2], p[3] - w3[0]);
    return { estimate, interval: [Math.max(-2, estimate - lower), Math.min(2, estimate + upper)], relative: ratioOfRatios(pv as [number, number][], level) };
  }
  const half = zFor(level) * Math.sqrt(ta![1] + tb![1] + cb![1] + ca![1]);
  return { estimate, interval: [estimate - half, estimate + half], relative: ratioOfRatios(pv as [number, number][], level) };
}

/**
 * The difference in differences of medians, (median Ta - median Tb) - (median Ca - median Cb),
 * with a percentile-bootstrap interval: each of the four samples is resampled independently,
 * in the order test before, test after, control before, control after, from one generator seeded
 * by `opts.seed`. null when any sample is empty.
 */
export function bootstrapMedianDiD(
  test: { before: readonly number[]; after: readonly number[] },
  control: { before: readonly number[]; after: readonly number[] },
  opts: BootstrapOptions,
): DiDEstimate | null {
  const samples = [test.before, test.after, control.before, control.after].map(sortedAscending);
  if (samples.some((s) => s.length === 0)) return null;
  const iterations = opts.iterations ?? DEFAULT_BOOTSTRAP_ITERATIONS;
  if (!(Number.isInteger(iterations) && iterations >= 1)) throw new RangeError(`iterations must be a positive integer, got ${iterations}`);
  const random = seededUniform(deriveSeed(opts.seed));
  const [tb, ta, cb, ca] = samples.map((s) => new MedianResampler(s)) as [MedianResampler, MedianResampler, MedianResampler, MedianResampler];
  const replicates = new Float64Array(iterations);
  const ratios = new Float64Array(iterations);
  let positive = true;
  for (let i = 0; i < iterations; i++) {
    const mtb = tb.next(random);
    const mta = ta.next(random);
    const mcb = cb.next(random);
    const mca = ca.next(random);
    replicates[i] = mta - mtb - (mca - mcb);
    ratios[i] = (mta * mcb) / (mtb * mca) - 1;
    if (!(mtb > 0 && mca > 0 && mta >= 0 && mcb > 0)) positive = false;
  }
  const level = opts.level ?? 0.95;
  const [stb, sta, scb, sca] = samples.map(medianOfSorted) as [number, number, number, number];
  return {
    estimate: sta - stb - (sca - scb),
    interval: percentileInterval(replicates, level),
    relative: ratioEstimate(positive, (sta * scb) / (stb * sca) - 1, ratios, level),
  };
}
