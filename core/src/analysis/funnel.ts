/**
 * Funnels of ordered zone steps (entrance, promo table, fitting room, checkout) over trip paths.
 */

/** One step of a funnel (`funnelOf`). */
export interface FunnelStep {
  step: string;
  /** Trips whose path holds steps[0..k] in order (as a subsequence, not necessarily adjacent). */
  reached: number;
  /** reached at this step minus reached at the next; 0 at the last step. */
  dropOff: number;
  /** reached / reached at step 0, in [0, 1]; 0 when no trip reached step 0. */
  rate: number;
  /** reached / reached at the previous step, in [0, 1]; at step 0 the same as `rate` (1, or 0 when none). */
  stepRate: number;
  /** reached / all trips given, in [0, 1]; 0 when no trips were given. */
  shareOfTrips: number;
}

/**
 * How many leading steps `path` completes: the length of the longest prefix of `steps` that occurs
 * in `path` in order. Greedy leftmost matching is optimal for a prefix: taking the earliest
 * occurrence of each step leaves the most room for the rest.
 */
export function stepsCompleted(path: readonly string[], steps: readonly string[]): number {
  let k = 0;
  for (let i = 0; i < path.length && k < steps.length; i++) if (path[i] === steps[k]) k++;
  return k;
}

/**
 * The funnel of `steps` over path counts (e.g. `pathReport(...).paths` with no limit, or
 * `aliasPathCounts`): a trip reaches step k when steps[0..k] occur in its path as an ordered
 * subsequence. So reached is non-increasing, reached[0] counts the trips that entered steps[0]
 * at all, and a trip that skips a step stops there (entrance, checkout without the promo table
 * reaches step 0 only). Empty input or no steps give zeros, never NaN.
 */
export function funnelOf(paths: readonly { zones: readonly string[]; count: number }[], steps: readonly string[]): FunnelStep[] {
  const reached: number[] = steps.map(() => 0);
  let trips = 0;
  for (const path of paths) {
    trips += path.count;
    const k = stepsCompleted(path.zones, steps);
    for (let i = 0; i < k; i++) reached[i]! += path.count;
  }
  const first = reached[0] ?? 0;
  return steps.map((step, i) => {
    const r = reached[i]!;
    const prev = i === 0 ? first : reached[i - 1]!;
    return {
      step,
      reached: r,
      dropOff: i + 1 < steps.length ? r - reached[i + 1]! : 0,
      rate: first > 0 ? r / first : 0,
      stepRate: prev > 0 ? r / prev : 0,
      shareOfTrips: trips > 0 ? r / trips : 0,
    };
  });
}
