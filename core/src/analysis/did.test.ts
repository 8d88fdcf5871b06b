import { describe, expect, it } from "vitest";
import { differenceInDifferences } from "./did.js";

describe("differenceInDifferences", () => {
  it("matches Newcombe (2001) §4.1: (17/65 - 17/75) - (18/72 - 16/65), 95 % interval -0.1687 to 0.2343", () => {
    // Newcombe RG. Estimating the difference between differences: measurement of additive scale interaction
    // for proportions. Stat Med 2001;20:2885-2893.
    const r = differenceInDifferences(
      { test: { after: { x: 17, n: 65 }, before: { x: 17, n: 75 } }, control: { after: { x: 18, n: 72 }, before: { x: 16, n: 65 } } },
      0.95,
      { method: "newcombe" },
    )!;
    expect(r.estimate).toBeCloseTo(17 / 65 - 17 / 75 - (18 / 72 - 16 / 65), 12);
    expect(r.interval.map((v) => Math.round(v * 10_000) / 10_000)).toEqual([-0.1687, 0.2343]);
  });
  it("is the estimate ± z √(sum of the four variances) by default", () => {
    const g = (x: number, n: number) => ({ x, n });
    const r = differenceInDifferences({ test: { before: g(30, 100), after: g(45, 100) }, control: { before: g(20, 100), after: g(25, 100) } })!;
    const v = (p: number) => (p * (1 - p)) / 100;
    const half = 1.959964 * Math.sqrt(v(0.3) + v(0.45) + v(0.2) + v(0.25));
    expect(r.estimate).toBeCloseTo(0.1, 12);
    expect(r.interval[0]).toBeCloseTo(0.1 - half, 5);
    expect(r.interval[1]).toBeCloseTo(0.1 + half, 5);
  });
  it("takes estimates with their variances (e.g. adjusted shares), mixed with counts", () => {
    const r = differenceInDifferences(
      {
        test: { before: { p: 0.3, variance: 0.0004 }, after: { p: 0.4, variance: 0.0005 } },
        control: { before: { x: 50, n: 200 }, after: { p: 0.27, variance: 0.0003 } },
      },
      0.9,
    )!;
    expect(r.estimate).toBeCloseTo(0.1 - 0.02, 12);
    const half = 1.644854 * Math.sqrt(0.0004 + 0.0005 + (0.25 * 0.75) / 200 + 0.0003);
    expect(r.interval[1] - r.interval[0]).toBeCloseTo(2 * half, 5);
  });
  it("is null when a group has no data", () => {
    expect(
      differenceInDifferences({ test: { before: { x: 1, n: 10 }, after: { x: 1, n: 10 } }, control: { before: { x: 0, n: 0 }, after: { x: 1, n: 10 } } }),
    ).toBeNull();
  });
});
