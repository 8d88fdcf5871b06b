import { describe, expect, it } from "vitest";
import { mean, medianOfSorted, nearestRank, nearestRankOfSorted } from "./stats.js";

describe("stats", () => {
  it("gives NaN for the statistics of an empty list", () => {
    expect([mean([]), medianOfSorted([]), nearestRankOfSorted([], 0.9)]).toEqual([NaN, NaN, NaN]);
  });

  it("ranks the 90th percentile of 70 values at 63, not 64", () => {
    expect(nearestRank(0.9, 70)).toBe(63);
  });

  it("clamps the nearest rank to the list", () => {
    expect([nearestRank(0, 5), nearestRank(1, 5)]).toEqual([1, 5]);
  });

  it("agrees with ceil(9n / 10) in integer arithmetic for every n up to 100000", () => {
    for (let n = 1; n <= 100_000; n++) if (nearestRank(0.9, n) !== Math.ceil((9 * n) / 10)) throw new Error(`n = ${n}`);
  });
});
