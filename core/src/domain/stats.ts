/** Small, pure descriptive statistics. Inputs are never modified. */

/** Arithmetic mean; NaN for an empty list. */
export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Ascending copy of `values`. */
export function sortedAscending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Median of an ascending list: the middle value, or the mean of the two middle values for an even count. NaN when empty. */
export function medianOfSorted(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const mid = Math.floor(n / 2);
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Nearest-rank quantile of an ascending list: the value at 1-based position ceil(q n), clamped
 * to [1, n] (so q = 0 gives the minimum). `q` in [0, 1]. NaN when empty.
 */
export function nearestRankOfSorted(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  // q * n in floating point may land just above an integer (0.9 * 70 = 63.00000000000001).
  const x = q * n;
  const nearest = Math.round(x);
  const rank = Math.min(n, Math.max(1, Math.abs(x - nearest) <= 1e-9 * Math.max(1, x) ? nearest : Math.ceil(x)));
  return sorted[rank - 1]!;
}
