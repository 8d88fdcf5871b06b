/** Helpers for ascending arrays of numbers, and order statistics over several of them. */

/** Index of the first element > value. */
export function upperBound(arr: readonly number[], value: number): number {
  let lo = 0, hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
/** Index of the first element >= value. */
export function lowerBound(arr: readonly number[], value: number): number {
  let lo = 0, hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
export function insertSorted(arr: number[], value: number): void {
  arr.splice(upperBound(arr, value), 0, value);
}
/** Remove one occurrence; false when absent. */
export function removeSorted(arr: number[], value: number): boolean {
  const i = lowerBound(arr, value);
  if (i < arr.length && arr[i] === value) {
    arr.splice(i, 1);
    return true;
  }
  return false;
}

/**
 * The k-th smallest (1-based) integer over the union of ascending integer arrays, without merging them:
 * a binary search on the value, counting with upperBound in each array.
 */
export function kthOfSorted(arrays: readonly (readonly number[])[], k: number): number {
  let lo = Infinity, hi = -Infinity;
  for (const a of arrays) {
    if (a.length === 0) continue;
    lo = Math.min(lo, a[0]!);
    hi = Math.max(hi, a[a.length - 1]!);
  }
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    let n = 0;
    for (const a of arrays) n += upperBound(a, mid);
    if (n >= k) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
