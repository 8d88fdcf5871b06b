import type { Interval } from "./proportions.js";
import type { RelativeChange } from "./ratio.js";
import { formatSigned, percentDecimals } from "../domain/change.js";

/**
 * Plain verdicts a merchandiser can read: "a larger share of trips reached the promo table: +12 %
 * [+4 %, +20 %] relative to before".
 */

/** What a metric measures: a share in [0, 1], a duration in seconds, or a count (e.g. visits per trip). */
export type MetricUnit = "share" | "seconds" | "count";

/** The verdict on one metric. */
/**
 * "not conclusive": an experiment's increase or decrease whose periods fall mostly on different weekdays and
 * hours (`experimentResult`): the interval lies on one side of 0, but a weekday's own pattern may explain it.
 */
export type Verdict = "increase" | "decrease" | "no clear change" | "too small to tell" | "not conclusive";

/** The input of `verdictOf`. */
export interface VerdictInput {
  /** What went up or down, read after "more"/"fewer", e.g. "trips reached the promo table" (after "a larger share of"). */
  label: string;
  unit: MetricUnit;
  /** The metric before and after (for a difference in differences, after = before + estimate). */
  before: number;
  after: number;
  /** Interval of the absolute change after - before (same unit as the metric). */
  interval: Interval;
  /**
   * Show the change relative to `before` (default for shares and seconds; not for counts, nor when
   * before is 0, nor without `ratio`).
   */
  relative?: boolean;
  /**
   * The relative change (after / before - 1, or the ratio of ratios for a difference in
   * differences) with the interval of the ratio itself (`RelativeChange`). Shown, and read by the
   * verdict, when the change is shown relative; without it the figures are absolute (the absolute
   * interval divided by before would ignore the uncertainty of before and can fall under -100 %).
   */
  ratio?: RelativeChange | null;
  /** Sample sizes behind before and after (trips, visits); see `minSample`. */
  sampleBefore: number;
  sampleAfter: number;
  /** Below this many in either period the verdict is "too small to tell"; 30 by default. */
  minSample?: number;
  /** What the samples count, for the warning; "trips" by default. */
  sampleNoun?: string;
  /** Words for a rise and a fall; "more"/"fewer" (for seconds "longer"/"shorter") by default. */
  more?: string;
  fewer?: string;
  /** The label after "no clear change in"; `label` by default (e.g. "the share of trips reaching the promo table"). */
  neutralLabel?: string;
  /**
   * The label after "too few <noun> to tell about"; `neutralLabel` by default. It leaves out what
   * the noun already says ("the share reaching the promo table", not "... of trips reaching").
   */
  aboutLabel?: string;
  /** What the change is measured against, appended to the figures, e.g. "net of control stores". */
  basis?: string;
}

/** A verdict, its sentence, and a warning when the sample is too small. */
export interface VerdictResult {
  verdict: Verdict;
  text: string;
  warning: string | null;
}

export const DEFAULT_MIN_SAMPLE = 30;

/** How close to 0 an interval's end may be and still be 0 (floating-point noise; no figure shows it). */
const NOISE = 1e-9;

/** Decimals that show counts and seconds without drowning them: none from 5 up, else one (two under 0.5). */
function decimalsFor(values: readonly number[]): 0 | 1 | 2 {
  const m = Math.max(...values.map((v) => Math.abs(v)));
  return m >= 5 ? 0 : m >= 0.5 ? 1 : 2;
}

/**
 * The change shown as "<change> [<lo>, <hi>]" with units: relative changes in % ("+12 % [+4 %,
 * +20 %] relative to before"), absolute shares in percentage points ("+3.6 pts [...]"), seconds in s, counts bare, each with its sign ("−" U+2212,
 * "±" for a zero). Percent and points as every screen writes them (core's `formatRelativeChange`
 * and `formatPoints`: whole from 10 up, else one decimal, by the largest figure of the three);
 * seconds and counts whole from 5 up, else one decimal (two under 0.5).
 */
export function formatChange(m: Pick<VerdictInput, "unit" | "before" | "after" | "interval" | "relative" | "ratio" | "basis">): string {
  const relative = isRelative(m);
  const basis = [...(relative ? ["relative to before"] : []), ...(m.basis ? [m.basis] : [])];
  const body = changeFigures({ ...m, change: m.after - m.before });
  return basis.length > 0 ? `${body} ${basis.join(", ")}` : body;
}

/**
 * Whether `formatChange` shows the change relative to before: by default for shares and seconds,
 * never when before is 0 or without the ratio's own figures (`ratio`).
 */
export const isRelative = (m: Pick<VerdictInput, "unit" | "before" | "relative" | "ratio">): boolean =>
  (m.relative ?? m.unit !== "count") && m.before > 0 && !!m.ratio;

/** The interval a verdict reads and its figures show: the ratio's (as after / before - 1) when shown relative, else the absolute one. */
export const shownInterval = (m: Pick<VerdictInput, "unit" | "before" | "relative" | "ratio" | "interval">): Interval =>
  isRelative(m) ? m.ratio!.interval : m.interval;

/**
 * The figures of `formatChange` without what they are measured against ("+12 % [+4 %, +20 %]"),
 * for a table whose header says it; `change` is after - before. Without an interval, the change alone ("+12 %").
 * Relative figures are `ratio`'s (its estimate and the interval of the ratio), never the absolute interval divided by before.
 */
export function changeFigures(m: Pick<VerdictInput, "unit" | "before" | "relative" | "ratio"> & { change: number; interval: Interval | null }): string {
  const raw = [m.change, ...(m.interval ?? [])];
  let vals: number[];
  let suffix: string;
  let d: 0 | 1 | 2;
  if (isRelative(m)) {
    vals = [m.ratio!.estimate, ...(m.interval ? m.ratio!.interval : [])].map((v) => 100 * v);
    suffix = " %";
    d = percentDecimals(...vals);
  } else if (m.unit === "share") {
    vals = raw.map((v) => 100 * v);
    suffix = " pts";
    d = percentDecimals(...vals);
  } else {
    vals = raw;
    suffix = m.unit === "seconds" ? " s" : "";
    d = decimalsFor(vals);
  }
  const [e, lo, hi] = vals.map((v) => formatSigned(v, d, suffix));
  return m.interval ? `${e} [${lo}, ${hi}]` : e!;
}

/**
 * The verdict on a before/after metric:
 * - "too small to tell" when either sample is under `minSample` (with a warning naming both sizes),
 *   whatever the interval says: small samples make the approximations unreliable;
 * - otherwise "increase" when the interval of the change lies above 0, "decrease" when below,
 *   and "no clear change" when it contains 0 (its ends included): the interval shown, that of
 *   the ratio when the change is shown relative (`shownInterval`), so that the verdict and the
 *   figures never disagree.
 * The text reads "more <label>: +12 % [+4 %, +20 %] relative to before", "fewer <label>: ...",
 * "no clear change in <neutralLabel>: ..." or "too few <noun> to tell about <aboutLabel>: ...".
 */
export function verdictOf(metric: VerdictInput): VerdictResult {
  const minSample = metric.minSample ?? DEFAULT_MIN_SAMPLE;
  const noun = metric.sampleNoun ?? "trips";
  const neutral = metric.neutralLabel ?? metric.label;
  const about = metric.aboutLabel ?? neutral;
  const figures = formatChange(metric);
  if (metric.sampleBefore < minSample || metric.sampleAfter < minSample) {
    return {
      verdict: "too small to tell",
      text: `too few ${noun} to tell about ${about}: ${figures}`,
      warning: `too few ${noun} to tell: ${metric.sampleBefore} before, ${metric.sampleAfter} after (at least ${minSample} each needed)`,
    };
  }
  const [lo, hi] = shownInterval(metric);
  // An end within floating-point noise of 0 is 0: a share of 100 % summed over weighted weekday-hour cells reads
  // 0.9999999999999998 in one group and 1 in another, and [-2e-16, -2e-16] is no fall (it shows as ±0.0 %).
  const seconds = metric.unit === "seconds";
  if (lo > NOISE) return { verdict: "increase", text: `${metric.more ?? (seconds ? "longer" : "more")} ${metric.label}: ${figures}`, warning: null };
  if (hi < -NOISE) return { verdict: "decrease", text: `${metric.fewer ?? (seconds ? "shorter" : "fewer")} ${metric.label}: ${figures}`, warning: null };
  return { verdict: "no clear change", text: `no clear change in ${neutral}: ${figures}`, warning: null };
}
