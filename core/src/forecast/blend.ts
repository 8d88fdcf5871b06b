/**
 * The forecaster's point forecast as a blend, on the count scale, of its network and two
 * baselines: the seasonal mean (the network's base) and seasonal-naive (the same hour a week
 * before). The weights are chosen on weeks the network did not train on, by the absolute error
 * on the count scale (the error MASE counts). A blend that gives the network no weight is a
 * baseline, and says so: a forecast no better than "same as last week" is never presented as
 * the model's.
 */

/** Weights of the network, the seasonal mean and seasonal-naive: each in [0, 1], summing to 1. */
export interface BlendWeights {
  net: number;
  base: number;
  naive: number;
}

/** The network alone (models from before blends). */
export const NETWORK_ONLY: BlendWeights = { net: 1, base: 0, naive: 0 };

/**
 * The blends tried: every split of 1 in tenths between the three with the network's weight above
 * 0, and the two baselines alone (never a mixture of baselines without the network, so that who
 * answered is always one name).
 */
export const BLEND_GRID: readonly BlendWeights[] = (() => {
  const out: BlendWeights[] = [];
  for (let n = 10; n >= 1; n--)
    for (let s = 0; s <= 10 - n; s++) out.push({ net: n / 10, naive: s / 10, base: (10 - n - s) / 10 });
  out.push({ net: 0, base: 0, naive: 1 }, { net: 0, base: 1, naive: 0 });
  return out;
})();

/**
 * The blended count. An unknown seasonal-naive value (null: no week of history at that hour)
 * gives its weight to the network, or to the base when the network has none.
 */
export function blendCount(net: number, base: number, naive: number | null, w: BlendWeights): number {
  if (naive === null) {
    if (w.net > 0) return (w.net + w.naive) * net + w.base * base;
    return base;
  }
  return w.net * net + w.base * base + w.naive * naive;
}

/** One validation target: the network's median count, the base, seasonal-naive (or null) and the actual count. */
export interface BlendRow {
  net: number;
  base: number;
  naive: number | null;
  actual: number;
}

/**
 * The blend of `grid` with the least total absolute error over `rows`; on a tie the earlier in
 * the grid (more weight on the network). The network alone without rows.
 */
export function chooseBlend(rows: readonly BlendRow[], grid: readonly BlendWeights[] = BLEND_GRID): BlendWeights {
  if (!rows.length || !grid.length) return NETWORK_ONLY;
  let best = grid[0]!;
  let bestErr = Number.POSITIVE_INFINITY;
  for (const w of grid) {
    let err = 0;
    for (const r of rows) err += Math.abs(blendCount(r.net, r.base, r.naive, w) - r.actual);
    if (bestErr === Number.POSITIVE_INFINITY || err < bestErr - 1e-9 * Math.max(1, bestErr)) [best, bestErr] = [w, err];
  }
  return best;
}

/** Who answers a blend: the network when it has any weight, else the baseline that has it all. */
export function blendMethod(w: BlendWeights): "mlp" | "seasonal-naive" | "seasonal-mean" {
  if (w.net > 0) return "mlp";
  return w.naive >= w.base ? "seasonal-naive" : "seasonal-mean";
}
