import type { EpochMs } from "../protocol/ids.js";
import { localTime } from "../domain/calendar.js";
import type { Interval } from "./proportions.js";
import { zFor } from "./normal.js";

/**
 * Post-stratification by weekday and hour: a store's Saturday afternoon shoppers do not behave
 * like its Tuesday morning ones, and a before and an after period rarely hold the same mix of
 * them. So a share is estimated per cell (local ISO weekday x local hour), and the cells are
 * averaged with one fixed set of weights, the before period's trip mix, for both periods
 * (direct standardisation; Cochran, Sampling Techniques, 3rd ed., 1977, §5A.9 on
 * post-stratification). A change in the mix alone then changes nothing.
 */

/** Successes x out of n trials in one cell. */
export interface CellCount {
  x: number;
  n: number;
}

/** A post-stratified proportion (`adjustedProportion`). */
export interface AdjustedProportion {
  /** Σ w_c x_c / n_c over the cells used, the weights renormalised over them; 0 when no cell is used. */
  p: number;
  /** Trials in the cells used. */
  n: number;
  /** Variance of p with the weights held fixed: Σ w_c² p_c (1 - p_c) / n_c for a proportion, Σ w_c² x_c / n_c² for a rate. */
  variance: number;
  /** Share of the total weight that the cells used carry, in [0, 1]: below 1 when cells had no trials. */
  coverage: number;
}

/** The weekday-hour cell of `ts` in `timeZone`: "<ISO weekday 1-7>-<local hour 0-23>", e.g. "6-14" for a Saturday 14:xx. */
export function cellOf(ts: EpochMs, timeZone: string): string {
  const t = localTime(ts, timeZone);
  return `${t.weekday}-${t.hour}`;
}

/** Σ w_c f(x_c, n_c) over usable cells, the weights renormalised over them. */
function standardise(
  cells: ReadonlyMap<string, CellCount>,
  weights: ReadonlyMap<string, number>,
  variance: (x: number, n: number) => number,
): AdjustedProportion {
  let total = 0;
  let used = 0;
  let n = 0;
  const usable: [number, CellCount][] = [];
  for (const [cell, w] of weights) {
    if (!(w > 0 && Number.isFinite(w))) continue;
    total += w;
    const c = cells.get(cell);
    if (!c || !(c.n > 0)) continue;
    used += w;
    n += c.n;
    usable.push([w, c]);
  }
  if (used === 0) return { p: 0, n: 0, variance: 0, coverage: 0 };
  let p = 0;
  let v = 0;
  for (const [w, c] of usable) {
    const wc = w / used;
    p += (wc * c.x) / c.n;
    v += wc * wc * variance(c.x, c.n);
  }
  return { p, n, variance: v, coverage: used / total };
}

/**
 * The post-stratified proportion: Σ_c w_c x_c / n_c over the cells with n_c > 0 and w_c > 0, the
 * weights renormalised to sum to 1 over those cells, with the variance Σ w_c² p_c (1 - p_c) / n_c
 * (weights taken as fixed). Cells without weight are left out: trips at a weekday-hour the
 * standard mix does not have do not count. `coverage` tells how much of the weight was usable.
 * No usable cell gives p = 0 with n = 0: check n.
 */
export function adjustedProportion(cells: ReadonlyMap<string, CellCount>, weights: ReadonlyMap<string, number>): AdjustedProportion {
  const adjusted = standardise(cells, weights, (x, n) => {
    const p = x / n;
    return (p * (1 - p)) / n;
  });
  // A weighted mean of shares is a share: keep rounding (1.0000000000000002) out of the figures.
  return { ...adjusted, p: Math.min(1, Math.max(0, adjusted.p)) };
}

/**
 * A post-stratified rate per trial (e.g. visits per trip, x may exceed n): Σ_c w_c x_c / n_c, with
 * the Poisson variance Σ w_c² x_c / n_c² (counts x_c taken as Poisson, trials n_c as fixed; for
 * visits, of which a trip rarely makes several to one zone, this errs on the wide side).
 */
export function adjustedRate(cells: ReadonlyMap<string, CellCount>, weights: ReadonlyMap<string, number>): AdjustedProportion {
  return standardise(cells, weights, (x, n) => x / (n * n));
}

/** Before and after post-stratified proportions, and their difference with an interval (`adjustedDiff`). */
export interface AdjustedDiff {
  before: AdjustedProportion;
  after: AdjustedProportion;
  /** after.p - before.p */
  diff: number;
  interval: Interval;
}

/**
 * The change of a post-stratified proportion between two periods, both standardised to
 * `weights` (the before period's trip mix, see `weightsOf`), with a normal-approximation interval:
 * diff ± z √(var_before + var_after). It treats the two periods as independent samples and the
 * weights as fixed (conditional on the standard mix), and needs cells large enough for p_c to be
 * roughly normal; `collapseCells` merges sparse cells first. With no usable cell in a period the
 * interval is [-1, 1].
 */
export function adjustedDiff(
  beforeCells: ReadonlyMap<string, CellCount>,
  afterCells: ReadonlyMap<string, CellCount>,
  weights: ReadonlyMap<string, number>,
  level = 0.95,
): AdjustedDiff {
  const before = adjustedProportion(beforeCells, weights);
  const after = adjustedProportion(afterCells, weights);
  const diff = after.p - before.p;
  if (before.n === 0 || after.n === 0) return { before, after, diff, interval: [-1, 1] };
  const half = zFor(level) * Math.sqrt(before.variance + after.variance);
  return { before, after, diff, interval: [Math.max(-1, diff - half), Math.min(1, diff + half)] };
}

/** The standard weights of a trip mix: cell -> trips (normalised where used). */
export function weightsOf(tripsByCell: Readonly<Record<string, number>>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [cell, n] of Object.entries(tripsByCell)) if (n > 0) out.set(cell, n);
  return out;
}

/**
 * A merge of sparse cells, so that every stratum has enough trips in every period for its share
 * to be estimated: a cell "d-h" is kept when it has at least `minTrips` trips in each of `tables`
 * (e.g. before and after, of test and control stores); otherwise it joins "d-*", the rest of its
 * weekday; a "d-*" group that still has fewer than `minTrips` in some table joins "*", the rest of
 * the week. Returns the map from each cell seen to its stratum. Cells that are not "d-h" go to "*".
 */
export function collapseCells(tables: readonly Readonly<Record<string, number>>[], minTrips: number): Map<string, string> {
  const cells = new Set<string>();
  for (const t of tables) for (const [cell, n] of Object.entries(t)) if (n > 0) cells.add(cell);
  const enough = (members: readonly string[]): boolean => tables.every((t) => members.reduce((s, c) => s + (t[c] ?? 0), 0) >= minTrips);
  const out = new Map<string, string>();
  const byDay = new Map<string, string[]>();
  for (const cell of cells) {
    const m = /^(\d+)-(\d+)$/.exec(cell);
    if (m && enough([cell])) out.set(cell, cell);
    else if (m) byDay.set(m[1]!, [...(byDay.get(m[1]!) ?? []), cell]);
    else out.set(cell, "*");
  }
  for (const [day, members] of byDay) {
    const stratum = enough(members) ? `${day}-*` : "*";
    for (const cell of members) out.set(cell, stratum);
  }
  return out;
}

/** `counts` summed into the strata of `strata` (cells it does not name go to "*"). */
export function regroup(counts: Readonly<Record<string, number>>, strata: ReadonlyMap<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [cell, n] of Object.entries(counts)) {
    const s = strata.get(cell) ?? "*";
    out[s] = (out[s] ?? 0) + n;
  }
  return out;
}
