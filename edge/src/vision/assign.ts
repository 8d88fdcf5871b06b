/**
 * Minimum-cost assignment (Hungarian / Kuhn-Munkres, O(n^2 m)) on a rectangular cost matrix, and a
 * thresholded wrapper: pairs whose cost exceeds `maxCost` are left unmatched.
 */

/**
 * Costs as the solver may take them: finite, within ±BIG (so that potentials never overflow); a
 * non-finite cost becomes BIG, the dearest there is. With NaN or ±Infinity the search below never
 * finds a column to move to and loops for ever.
 */
const BIG = 1e12;
const finiteCost = (c: number): number => (Number.isFinite(c) ? (c > BIG ? BIG : c < -BIG ? -BIG : c) : BIG);

/**
 * For an `n x m` matrix, the column assigned to each row (-1 for rows left over when n > m).
 * Always terminates: non-finite costs are taken as the dearest possible (see `assign` for "no pair").
 */
export function hungarian(cost: readonly (readonly number[])[]): number[] {
  const n = cost.length;
  if (n === 0) return [];
  const m = cost[0]!.length;
  if (m === 0) return new Array<number>(n).fill(-1);
  if (cost.some((r) => r.length !== m || r.some((c) => !Number.isFinite(c) || c > BIG || c < -BIG))) {
    return hungarian(cost.map((r) => Array.from({ length: m }, (_, j) => finiteCost(r[j] ?? Number.NaN))));
  }
  if (n > m) {
    // Solve the transpose so that rows <= columns.
    const t = Array.from({ length: m }, (_, j) => Array.from({ length: n }, (_, i) => cost[i]![j]!));
    const colOfRow = hungarian(t);
    const rowOf = new Array<number>(n).fill(-1);
    colOfRow.forEach((i, j) => {
      if (i >= 0) rowOf[i] = j;
    });
    return rowOf;
  }
  // e-maxx formulation, 1-based with a virtual row/column 0.
  const INF = Number.POSITIVE_INFINITY;
  const u = new Array<number>(n + 1).fill(0);
  const v = new Array<number>(m + 1).fill(0);
  const p = new Array<number>(m + 1).fill(0);
  const way = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Array<number>(m + 1).fill(INF);
    const used = new Array<boolean>(m + 1).fill(false);
    do {
      used[j0] = true;
      const i0 = p[j0]!;
      let delta = INF;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = cost[i0 - 1]![j - 1]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!]! += delta;
          v[j]! -= delta;
        } else minv[j]! -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const rowTo = new Array<number>(n).fill(-1);
  for (let j = 1; j <= m; j++) if (p[j]! > 0) rowTo[p[j]! - 1] = j - 1;
  return rowTo;
}

export interface Assignment {
  matches: [row: number, col: number][];
  unmatchedRows: number[];
  unmatchedCols: number[];
}

/**
 * The best matching of rows to columns among pairs costing at most `maxCost`: the one with the
 * greatest total saving `maxCost - cost` (what lapjv's `cost_limit` solves, as SORT and ByteTrack
 * use it). A pair over the limit never forces a worse pair elsewhere: each row is offered the
 * limit itself as a way to stay unmatched, so a plain Hungarian on `min(cost, maxCost)` finds it.
 * A non-finite cost (NaN, ±Infinity) means "no pair", like one over the limit.
 */
export function assign(cost: readonly (readonly number[])[], rows: number, cols: number, maxCost: number): Assignment {
  const pairable = (c: number | undefined): c is number => c !== undefined && Number.isFinite(c) && c <= maxCost;
  const limit = Number.isFinite(maxCost) ? maxCost : BIG;
  const clipped = cost.map((r) => r.map((c) => (pairable(c) ? c : limit)));
  const rowTo = rows > 0 && cols > 0 ? hungarian(clipped) : new Array<number>(rows).fill(-1);
  const matches: [number, number][] = [];
  const colUsed = new Array<boolean>(cols).fill(false);
  rowTo.forEach((c, r) => {
    if (c >= 0 && pairable(cost[r]![c])) {
      matches.push([r, c]);
      colUsed[c] = true;
    }
  });
  const matchedRows = new Set(matches.map(([r]) => r));
  return {
    matches,
    unmatchedRows: [...Array(rows).keys()].filter((r) => !matchedRows.has(r)),
    unmatchedCols: [...Array(cols).keys()].filter((c) => !colUsed[c]),
  };
}
