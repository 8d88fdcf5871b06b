import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { assign, hungarian } from "./assign.js";

// A fixed seed keeps the suite deterministic; change it (or drop it locally) to explore new cases.
fc.configureGlobal({ seed: 20260601 });

/** Every injective row->column mapping, by brute force (the reference). */
function bruteMin(cost: number[][]): number {
  const n = cost.length,
    m = cost[0]!.length;
  let best = Infinity;
  const used = new Array<boolean>(m).fill(false);
  const go = (i: number, acc: number, taken: number): void => {
    if (i === n) {
      if (taken === Math.min(n, m)) best = Math.min(best, acc);
      return;
    }
    if (n > m) go(i + 1, acc, taken); // a row may stay unassigned when rows outnumber columns
    for (let j = 0; j < m; j++) {
      if (used[j]) continue;
      used[j] = true;
      go(i + 1, acc + cost[i]![j]!, taken + 1);
      used[j] = false;
    }
  };
  go(0, 0, 0);
  return best;
}

describe("hungarian", () => {
  it("finds the cheaper of two crossings", () => {
    expect(
      hungarian([
        [1, 10],
        [10, 1],
      ]),
    ).toEqual([0, 1]);
    expect(
      hungarian([
        [10, 1],
        [1, 10],
      ]),
    ).toEqual([1, 0]);
  });
  it("leaves a row unassigned when rows outnumber columns", () => {
    expect(hungarian([[5], [1], [3]])).toEqual([-1, 0, -1]);
  });
  it("matches brute force on small random matrices", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 25, maxLength: 25 }),
        (n, m, flat) => {
          const cost = Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => flat[i * 5 + j]!));
          const rowTo = hungarian(cost);
          const cols = rowTo.filter((c) => c >= 0);
          expect(new Set(cols).size).toBe(cols.length);
          expect(cols.length).toBe(Math.min(n, m));
          const total = rowTo.reduce((s, c, r) => s + (c >= 0 ? cost[r]![c]! : 0), 0);
          expect(total).toBe(bruteMin(cost));
        },
      ),
    );
  });
});

describe("assign", () => {
  it("drops pairs costing more than the threshold", () => {
    const res = assign(
      [
        [0.1, 0.95],
        [0.99, 0.97],
      ],
      2,
      2,
      0.8,
    );
    expect(res.matches).toEqual([[0, 0]]);
    expect(res.unmatchedRows).toEqual([1]);
    expect(res.unmatchedCols).toEqual([1]);
  });
  it("never takes a worse pair to avoid one over the limit (lapjv's cost_limit)", () => {
    // Row 1's only affordable column is taken by row 0, which fits it far better: row 1 stays
    // unmatched rather than both rows being pushed onto their second choices.
    const res = assign(
      [
        [0.3, 1.1],
        [0.76, Infinity],
      ],
      2,
      2,
      1.15,
    );
    expect(res.matches).toEqual([[0, 0]]);
    expect(res.unmatchedRows).toEqual([1]);
    expect(res.unmatchedCols).toEqual([1]);
  });
  it("property: its matching saves as much as the best matching found by brute force", () => {
    /** The greatest total of (limit - cost) over matchings of pairs within the limit. */
    const bestSaving = (cost: number[][], limit: number): number => {
      const m = cost[0]?.length ?? 0;
      const used = new Array<boolean>(m).fill(false);
      const go = (i: number): number => {
        if (i === cost.length) return 0;
        let best = go(i + 1);
        for (let j = 0; j < m; j++) {
          if (used[j] || cost[i]![j]! > limit) continue;
          used[j] = true;
          best = Math.max(best, limit - cost[i]![j]! + go(i + 1));
          used[j] = false;
        }
        return best;
      };
      return go(0);
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(Infinity)), { minLength: 25, maxLength: 25 }),
        fc.integer({ min: 0, max: 20 }),
        (n, m, flat, limit) => {
          const cost = Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => flat[i * 5 + j]!));
          const res = assign(cost, n, m, limit);
          const rows = res.matches.map(([r]) => r);
          const cols = res.matches.map(([, c]) => c);
          expect(new Set(rows).size).toBe(rows.length);
          expect(new Set(cols).size).toBe(cols.length);
          for (const [r, c] of res.matches) expect(cost[r]![c]!).toBeLessThanOrEqual(limit);
          expect([...rows, ...res.unmatchedRows].sort()).toEqual([...Array(n).keys()]);
          expect([...cols, ...res.unmatchedCols].sort()).toEqual([...Array(m).keys()]);
          const saving = res.matches.reduce((s, [r, c]) => s + limit - cost[r]![c]!, 0);
          expect(saving).toBe(bestSaving(cost, limit));
        },
      ),
    );
  });
  it("handles empty sides", () => {
    expect(assign([], 0, 3, 1)).toEqual({ matches: [], unmatchedRows: [], unmatchedCols: [0, 1, 2] });
    expect(assign([[], []], 2, 0, 1)).toEqual({ matches: [], unmatchedRows: [0, 1], unmatchedCols: [] });
  });
});
