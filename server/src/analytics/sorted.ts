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

/**
 * A multiset of numbers read in ascending order: appends are O(1) and the sort happens once,
 * when it is next read, so a burst of inserts into a busy bucket never costs O(n) each.
 */
export class SortedBag {
  private values: number[] = [];
  private sorted = true;

  get size(): number {
    return this.values.length;
  }
  add(value: number): void {
    const n = this.values.length;
    if (this.sorted && n > 0 && this.values[n - 1]! > value) this.sorted = false;
    this.values.push(value);
  }
  /** Remove one occurrence; false when absent. */
  remove(value: number): boolean {
    if (this.sorted) return removeSorted(this.values, value);
    const i = this.values.indexOf(value);
    if (i < 0) return false;
    this.values[i] = this.values[this.values.length - 1]!;
    this.values.pop();
    return true;
  }
  /** The values ascending (do not modify). */
  ascending(): readonly number[] {
    if (!this.sorted) {
      this.values.sort((a, b) => a - b);
      this.sorted = true;
    }
    return this.values;
  }
}
