import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalQuantile, twoSidedP, zFor } from "./normal.js";
import { newcombeDiffInterval, twoProportionZTest, wilsonInterval } from "./proportions.js";

/** Rounded to 4 decimals, as the papers print. */
const r4 = (v: readonly number[]): number[] => v.map((x) => Math.round(x * 10_000) / 10_000);

describe("normalQuantile", () => {
  it("gives the textbook critical values", () => {
    expect(zFor(0.95)).toBeCloseTo(1.959964, 6);
    expect(zFor(0.99)).toBeCloseTo(2.575829, 6);
    expect(zFor(0.9)).toBeCloseTo(1.644854, 6);
    expect(normalQuantile(0.5)).toBe(0);
  });
  it("inverts the two-sided tail probability", () => {
    for (const p of [0.5, 0.2, 0.05, 0.01, 1e-4]) expect(twoSidedP(normalQuantile(1 - p / 2))).toBeCloseTo(p, 6);
  });
});

describe("wilsonInterval", () => {
  it("matches Newcombe (1998a) Table I, method 3 (Wilson score)", () => {
    // Newcombe RG. Two-sided confidence intervals for the single proportion: comparison of seven methods. Stat Med 1998;17:857-872.
    expect(r4(wilsonInterval(81, 263))).toEqual([0.2553, 0.3662]);
    expect(r4(wilsonInterval(15, 148))).toEqual([0.0624, 0.1605]);
    expect(r4(wilsonInterval(0, 20))).toEqual([0, 0.1611]);
    expect(r4(wilsonInterval(1, 29))).toEqual([0.0061, 0.1718]);
  });
  it("is [0, 1] for an empty sample and rejects counts outside [0, n]", () => {
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 2)).toThrow(RangeError);
  });
  it("always holds the observed proportion, within [0, 1], and widens with the level", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
        const x = Math.round(f * n);
        const [lo, hi] = wilsonInterval(x, n);
        const [lo99, hi99] = wilsonInterval(x, n, 0.99);
        return lo >= 0 && hi <= 1 && lo <= x / n && x / n <= hi && lo99 <= lo && hi99 >= hi;
      }),
    );
  });
});

describe("newcombeDiffInterval", () => {
  it("matches Newcombe (1998b) Table II, method 10, for all eight examples", () => {
    // Newcombe RG. Interval estimation for the difference between independent proportions: comparison of eleven
    // methods. Stat Med 1998;17:873-890. The paper gives p1 - p2 for (a/m, b/n); our function gives p2 - p1, so
    // the first group is passed second.
    const table: [number, number, number, number, number, number][] = [
      [56, 70, 48, 80, 0.0524, 0.3339],
      [9, 10, 3, 10, 0.1705, 0.809],
      [6, 7, 2, 7, 0.0582, 0.8062],
      [5, 56, 0, 29, -0.0381, 0.1926],
      [0, 10, 0, 20, -0.1611, 0.2775],
      [0, 10, 0, 10, -0.2775, 0.2775],
      [10, 10, 0, 20, 0.6791, 1],
      [10, 10, 0, 10, 0.6075, 1],
    ];
    for (const [a, m, b, n, lo, hi] of table) expect(r4(newcombeDiffInterval(b, n, a, m)), `${a}/${m} - ${b}/${n}`).toEqual([lo, hi]);
  });
  it("is the mirror image when the groups are swapped", () => {
    const [lo, hi] = newcombeDiffInterval(48, 80, 56, 70);
    const [lo2, hi2] = newcombeDiffInterval(56, 70, 48, 80);
    expect(lo2).toBeCloseTo(-hi, 12);
    expect(hi2).toBeCloseTo(-lo, 12);
  });
  it("knows nothing when a group is empty", () => {
    expect(newcombeDiffInterval(0, 0, 5, 10)).toEqual([-1, 1]);
  });
});

describe("twoProportionZTest", () => {
  it("matches the Physicians' Health Study example (Agresti, Categorical Data Analysis, §2.2: difference 0.0077, standard error 0.0015)", () => {
    // Myocardial infarction: placebo 189 of 11,034, aspirin 104 of 11,037 (Agresti's Table 2.3, from the
    // Steering Committee of the Physicians' Health Study Research Group, NEJM 1989). 0.0077 / 0.0015 ≈ 5.
    const { z, p } = twoProportionZTest(189, 11_034, 104, 11_037);
    const diff = 104 / 11_037 - 189 / 11_034;
    expect(diff).toBeCloseTo(-0.0077, 4);
    expect(diff / z).toBeCloseTo(0.0015, 4);
    expect(z).toBeCloseTo(-5.0, 1);
    expect(p).toBeLessThan(1e-6);
  });
  it("matches statsmodels' documented proportions_ztest example (5 of 83 vs 12 of 99: p = 0.159)", () => {
    const { z, p } = twoProportionZTest(5, 83, 12, 99);
    expect(z).toBeCloseTo(1.4078, 4);
    expect(p).toBeCloseTo(0.159, 3);
  });
  it("is the square root of Pearson's chi-squared of the 2x2 table", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 500 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n1, n2, f1, f2) => {
          const x1 = Math.round(f1 * n1);
          const x2 = Math.round(f2 * n2);
          const total = n1 + n2;
          const yes = x1 + x2;
          if (yes === 0 || yes === total) return twoProportionZTest(x1, n1, x2, n2).p === 1;
          const cells = [
            [x1, n1, yes],
            [n1 - x1, n1, total - yes],
            [x2, n2, yes],
            [n2 - x2, n2, total - yes],
          ] as const;
          const chi2 = cells.reduce((s, [o, row, col]) => s + (o - (row * col) / total) ** 2 / ((row * col) / total), 0);
          return Math.abs(twoProportionZTest(x1, n1, x2, n2).z ** 2 - chi2) <= 1e-9 * Math.max(1, chi2);
        },
      ),
    );
  });
  it("finds no evidence where there is no variation", () => {
    expect(twoProportionZTest(0, 10, 0, 20)).toEqual({ z: 0, p: 1 });
    expect(twoProportionZTest(0, 0, 3, 20)).toEqual({ z: 0, p: 1 });
  });
});
