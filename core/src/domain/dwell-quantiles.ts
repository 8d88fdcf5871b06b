/**
 * The one way a dwell quantile (median, p90) is taken and written, whichever screen shows it: the
 * heatmap's zones and side panel, the report, the CSV exports, `GET /dwell`, `/conversion`'s
 * dwellMedian_s, the queue report's waits (a queue zone's closed visits), the chain view, its CSV
 * and the digests (the store's dwell). Two screens giving the same zone and period take its figure
 * from here, so they never read "31 s" and "32 s" (an exact median of 31.38 s against its sketch's
 * bin middle, 31.5 s) or "1 min 42 s" and "1.7 min".
 *
 * DESIGN rule 4 (v1.1): the median is the mean of the two middle values of an even count, p90 the
 * value at nearest rank ceil(0.9 n); both exact, or from a mergeable sketch within max(1 s, 1 % of
 * the exact value). This server: exact up to {@link EXACT_QUANTILES_UP_TO} closed visits (while
 * their raw rows are kept), else from the sketch: values under 100 s in 1-second bins, longer ones
 * in geometric bins of ratio 1.01, each bin standing for its middle (within 0.5 s, or 0.5 %, of any
 * value in it).
 */
import { nearestRank } from "./stats.js";

const LINEAR_LIMIT_MS = 100_000;
const LINEAR_BINS = 100;
const RATIO = 1.01;
const LOG_RATIO = Math.log(RATIO);

/** Closed visits up to which dwell quantiles are exact (from the sorted values); above, from the sketch. */
export const EXACT_QUANTILES_UP_TO = 500;

/** The sketch's bin of a dwell time in ms (>= 0). */
export function dwellBinOf(ms: number): number {
  if (ms < LINEAR_LIMIT_MS) return Math.max(0, Math.floor(ms / 1000));
  return LINEAR_BINS + Math.floor(Math.log(ms / LINEAR_LIMIT_MS) / LOG_RATIO);
}

/** The value a bin stands for, in ms: within max(0.5 s, 0.5 %) of every value in the bin. */
export function dwellBinValue(bin: number): number {
  if (bin < LINEAR_BINS) return bin * 1000 + 500;
  return LINEAR_LIMIT_MS * Math.pow(RATIO, bin - LINEAR_BINS + 0.5);
}

/** Counts per bin: sparse (bin to count) or dense (index = bin). */
export type DwellSketchCounts = ReadonlyMap<number, number> | ArrayLike<number>;

/** The k-th smallest value (1-based) a sketch stands for, in ms. */
export function dwellSketchKth(h: DwellSketchCounts, k: number): number {
  let seen = 0;
  if (h instanceof Map) {
    for (const b of [...h.keys()].sort((x, y) => x - y)) {
      seen += h.get(b)!;
      if (seen >= k) return dwellBinValue(b);
    }
  } else {
    const dense = h as ArrayLike<number>;
    for (let b = 0; b < dense.length; b++) {
      seen += dense[b]!;
      if (seen >= k) return dwellBinValue(b);
    }
  }
  throw new RangeError(`k = ${k} is beyond the ${seen} values held`);
}

/** Median and p90 in seconds. */
export interface DwellQuantiles {
  median: number;
  p90: number;
}

/**
 * Median (the mean of the two middle values of an even count) and nearest-rank p90, in seconds, of
 * `n` values read by their 1-based rank through `kthMs` (in ms): the rule every path takes.
 */
export function dwellQuantiles(n: number, kthMs: (k: number) => number): DwellQuantiles | null {
  if (!(n > 0)) return null;
  const median = n % 2 === 1 ? kthMs((n + 1) / 2) : (kthMs(n / 2) + kthMs(n / 2 + 1)) / 2;
  return { median: median / 1000, p90: kthMs(nearestRank(0.9, n)) / 1000 };
}

/** The quantiles of `n` dwell times held by a sketch (null when `n` is 0). */
export function sketchQuantiles(h: DwellSketchCounts, n: number): DwellQuantiles | null {
  return dwellQuantiles(n, (k) => dwellSketchKth(h, k));
}

/**
 * The quantiles of dwell times (ms) as the server answers them for a zone and range whose raw rows
 * it holds: exact up to {@link EXACT_QUANTILES_UP_TO} values, else from their sketch. `sorted` is
 * ascending.
 */
export function quantilesOfSorted(sorted: readonly number[]): DwellQuantiles | null {
  if (sorted.length <= EXACT_QUANTILES_UP_TO) return dwellQuantiles(sorted.length, (k) => sorted[k - 1]!);
  const h = new Map<number, number>();
  for (const ms of sorted) {
    const b = dwellBinOf(ms);
    h.set(b, (h.get(b) ?? 0) + 1);
  }
  return sketchQuantiles(h, sorted.length);
}

/**
 * Dwell times in seconds as the server's quantiles read them (`quantilesOfSorted`): as they are up to
 * {@link EXACT_QUANTILES_UP_TO} values, else each replaced by its sketch bin's value. The median of
 * what this returns is the one `GET /dwell` (the heatmap) gives for the same visits, so a figure
 * computed from samples (an experiment's median dwell and its bootstrap) reads as the heatmap does.
 */
export function servedDwellSeconds(seconds: readonly number[]): number[] {
  if (seconds.length <= EXACT_QUANTILES_UP_TO) return [...seconds];
  return seconds.map((s) => dwellBinValue(dwellBinOf(Math.round(s * 1000))) / 1000);
}

/**
 * A duration as every screen writes it, rounded to the second: `45 s`, `3 min 05 s`, `1 h 02 min`
 * (minutes of an hour or more rounded down, never `1 h 60 min`); `–` for a missing figure. A dwell,
 * a wait, the chain's and the digest's store dwell alike.
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "–";
  const p = durationParts(seconds);
  if (p.total < 60) return `${p.total} s`;
  if (p.h === 0) return `${p.min} min ${pad2(p.s)} s`;
  return `${p.h} h ${pad2(p.min)} min`;
}

/** The same duration, compact, for labels on small zones: `45s`, `3m05`, `1h02`. */
export function formatDurationShort(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "–";
  const p = durationParts(seconds);
  if (p.total < 60) return `${p.total}s`;
  if (p.h === 0) return `${p.min}m${pad2(p.s)}`;
  return `${p.h}h${pad2(p.min)}`;
}

/** Whole seconds (rounded half up), then hours, minutes and seconds of it. */
function durationParts(seconds: number): { total: number; h: number; min: number; s: number } {
  const total = Math.round(seconds);
  return { total, h: Math.floor(total / 3600), min: Math.floor((total % 3600) / 60), s: total % 60 };
}

const pad2 = (n: number) => String(n).padStart(2, "0");
