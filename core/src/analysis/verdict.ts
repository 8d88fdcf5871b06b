import type { Interval } from "./proportions.js";

/**
 * Plain verdicts a merchandiser can read: "more visitors reached the promo table: +12 % [+4 %,
 * +20 %] relative to before".
 */

/** What a metric measures: a share in [0, 1], a duration in seconds, or a count (e.g. visits per trip). */
export type MetricUnit = "share" | "seconds" | "count";

/** The verdict on one metric. */
export type Verdict = "increase" | "decrease" | "no clear change" | "too small to tell";

/** The input of `verdictOf`. */
export interface VerdictInput {
  /** What went up or down, read after "more"/"fewer", e.g. "visitors reached the promo table". */
  label: string;
  unit: MetricUnit;
  /** The metric before and after (for a difference in differences, after = before + estimate). */
  before: number;
  after: number;
  /** Interval of the absolute change after - before (same unit as the metric). */
  interval: Interval;
  /**
   * Show the change relative to `before` (default for shares and seconds; not for counts, nor when
   * before is 0). The interval is then the absolute interval divided by `before`, a reading aid
   * that ignores the uncertainty of `before` itself; the verdict always rests on the absolute interval.
   */
  relative?: boolean;
  /** Sample sizes behind before and after (trips, visits); see `minSample`. */
  sampleBefore: number;
  sampleAfter: number;
  /** Below this many in either period the verdict is "too small to tell"; 30 by default. */
  minSample?: number;
  /** What the samples count, for the warning; "visitors" by default. */
  sampleNoun?: string;
  /** Words for a rise and a fall; "more"/"fewer" (for seconds "longer"/"shorter") by default. */
  more?: string;
  fewer?: string;
  /** The label after "no clear change in"; `label` by default (e.g. "visitors reaching the promo table"). */
  neutralLabel?: string;
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

/** Rounds for display, and never shows "-0". */
function round(v: number, decimals: number): string {
  const s = v.toFixed(decimals);
  return Number(s) === 0 ? (0).toFixed(decimals) : s;
}

function signed(v: number, decimals: number, suffix: string): string {
  const s = round(v, decimals);
  const sign = Number(s) > 0 ? "+" : "";
  return `${sign}${s}${suffix}`;
}

/** Decimals that show the figures without drowning them: none from 5 up, else one (two for small counts). */
function decimalsFor(values: readonly number[], small: number): number {
  const m = Math.max(...values.map((v) => Math.abs(v)));
  return m >= 5 ? 0 : m >= 0.5 ? 1 : small;
}

/**
 * The change shown as "<change> [<lo>, <hi>]" with units: relative changes in % ("+12 % [+4 %,
 * +20 %] relative to before"), absolute shares in percentage points with one decimal
 * ("+3.6 pts [...]"), seconds in s, counts bare. Whole numbers once a figure reaches 5 (in its
 * unit), else one decimal (two for counts under 0.5).
 */
export function formatChange(m: Pick<VerdictInput, "unit" | "before" | "after" | "interval" | "relative" | "basis">): string {
  const change = m.after - m.before;
  const relative = (m.relative ?? m.unit !== "count") && m.before > 0;
  let body: string;
  let basis: string[] = [];
  if (relative) {
    const vals = [change, m.interval[0], m.interval[1]].map((v) => (100 * v) / m.before);
    const d = decimalsFor(vals, 1);
    body = `${signed(vals[0]!, d, " %")} [${signed(vals[1]!, d, " %")}, ${signed(vals[2]!, d, " %")}]`;
    basis.push("relative to before");
  } else if (m.unit === "share") {
    const vals = [change, m.interval[0], m.interval[1]].map((v) => 100 * v);
    const d = 1;
    body = `${signed(vals[0]!, d, " pts")} [${signed(vals[1]!, d, " pts")}, ${signed(vals[2]!, d, " pts")}]`;
  } else {
    const vals = [change, m.interval[0], m.interval[1]];
    const unit = m.unit === "seconds" ? " s" : "";
    const d = decimalsFor(vals, 2);
    body = `${signed(vals[0]!, d, unit)} [${signed(vals[1]!, d, unit)}, ${signed(vals[2]!, d, unit)}]`;
  }
  if (m.basis) basis = [...basis, m.basis];
  return basis.length > 0 ? `${body} ${basis.join(", ")}` : body;
}

/**
 * The verdict on a before/after metric:
 * - "too small to tell" when either sample is under `minSample` (with a warning naming both sizes),
 *   whatever the interval says: small samples make the approximations unreliable;
 * - otherwise "increase" when the interval of the change lies above 0, "decrease" when below,
 *   and "no clear change" when it contains 0 (its ends included).
 * The text reads "more <label>: +12 % [+4 %, +20 %] relative to before", "fewer <label>: ...",
 * "no clear change in <label>: ..." or "too few <noun> to tell about <label>: ...".
 */
export function verdictOf(metric: VerdictInput): VerdictResult {
  const minSample = metric.minSample ?? DEFAULT_MIN_SAMPLE;
  const noun = metric.sampleNoun ?? "visitors";
  const neutral = metric.neutralLabel ?? metric.label;
  const figures = formatChange(metric);
  if (metric.sampleBefore < minSample || metric.sampleAfter < minSample) {
    return {
      verdict: "too small to tell",
      text: `too few ${noun} to tell about ${neutral}: ${figures}`,
      warning: `too few ${noun} to tell: ${metric.sampleBefore} before, ${metric.sampleAfter} after (at least ${minSample} each needed)`,
    };
  }
  const [lo, hi] = metric.interval;
  const seconds = metric.unit === "seconds";
  if (lo > 0) return { verdict: "increase", text: `${metric.more ?? (seconds ? "longer" : "more")} ${metric.label}: ${figures}`, warning: null };
  if (hi < 0) return { verdict: "decrease", text: `${metric.fewer ?? (seconds ? "shorter" : "fewer")} ${metric.label}: ${figures}`, warning: null };
  return { verdict: "no clear change", text: `no clear change in ${neutral}: ${figures}`, warning: null };
}
