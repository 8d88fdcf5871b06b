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
 * The 1-based nearest rank of quantile `q` (in [0, 1]) among `n` sorted values: ceil(q n), clamped
 * to [1, n]. Robust to floating point: 0.9 * 70 is 63.00000000000001 but the rank is 63.
 */
export function nearestRank(q: number, n: number): number {
  const x = q * n;
  const nearest = Math.round(x);
  const rank = Math.abs(x - nearest) <= 1e-9 * Math.max(1, x) ? nearest : Math.ceil(x);
  return Math.min(n, Math.max(1, rank));
}

/** Nearest-rank quantile of an ascending list: the value at position `nearestRank(q, n)`. NaN when empty. */
export function nearestRankOfSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[nearestRank(q, sorted.length) - 1]!;
}
