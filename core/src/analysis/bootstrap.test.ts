import { describe, expect, it } from "vitest";
import { bootstrapMedianDiff, MedianResampler } from "./bootstrap.js";
import { bootstrapMedianDiD } from "./did.js";
import { seededUniform } from "./rng.js";

/** Median of a list: the middle value, or the mean of the two middle values. */
function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The exact bootstrap distribution of the median: every one of the n^n equally likely resamples, enumerated. */
function exactMedianDistribution(sample: readonly number[]): Map<number, number> {
  const n = sample.length;
  const out = new Map<number, number>();
  const idx = new Array<number>(n).fill(0);
  const total = n ** n;
  for (let r = 0; r < total; r++) {
    let v = r;
    for (let i = 0; i < n; i++) {
      idx[i] = v % n;
      v = Math.floor(v / n);
    }
    const m = median(idx.map((i) => sample[i]!));
    out.set(m, (out.get(m) ?? 0) + 1 / total);
  }
  return out;
}

/** Distribution of Y - X for independent X, Y given as value -> probability. */
function differenceDistribution(x: Map<number, number>, y: Map<number, number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const [vx, px] of x) for (const [vy, py] of y) out.set(vy - vx, (out.get(vy - vx) ?? 0) + px * py);
  return out;
}

const cdf = (dist: Map<number, number>, at: number): number => [...dist].reduce((s, [v, p]) => s + (v <= at ? p : 0), 0);
/** The exact q-quantile of a discrete distribution: the least value whose CDF reaches q. */
const quantile = (dist: Map<number, number>, q: number): number => [...dist.keys()].sort((a, b) => a - b).find((v) => cdf(dist, v) >= q - 1e-12)!;

describe("MedianResampler", () => {
  for (const sample of [[4], [3, 9], [5, 1, 8], [2, 2, 7, 11], [12, 30, 7, 45, 20]]) {
    it(`draws medians with the exact bootstrap distribution of all ${sample.length}^${sample.length} resamples of [${sample.join(", ")}]`, () => {
      const exact = exactMedianDistribution(sample);
      const sorted = [...sample].sort((a, b) => a - b);
      const resampler = new MedianResampler(sorted);
      const random = seededUniform(sample.length);
      const draws = Array.from({ length: 20_000 }, () => resampler.next(random));
      expect(draws.filter((v) => !exact.has(v))).toEqual([]);
      for (const v of exact.keys()) expect(Math.abs(draws.filter((d) => d <= v).length / draws.length - cdf(exact, v))).toBeLessThan(0.015);
    });
  }
});

describe("bootstrapMedianDiff", () => {
  const before = [12, 30, 7, 45, 20];
  const after = [25, 60, 33, 18];
  it("takes median(after) - median(before), the mean of the two middle values for an even count", () => {
    expect(bootstrapMedianDiff(before, after, { seed: 1 })!.diff).toBe(29 - 20);
  });
  it("puts the 95 % limits at the 2.5 % and 97.5 % points of the exact bootstrap distribution of the difference", () => {
    const exact = differenceDistribution(exactMedianDistribution(before), exactMedianDistribution(after));
    const { interval } = bootstrapMedianDiff(before, after, { seed: 7, iterations: 20_000 })!;
    expect(interval[0]).toBeGreaterThanOrEqual(quantile(exact, 0.015));
    expect(interval[0]).toBeLessThanOrEqual(quantile(exact, 0.035));
    expect(interval[1]).toBeGreaterThanOrEqual(quantile(exact, 0.965));
    expect(interval[1]).toBeLessThanOrEqual(quantile(exact, 0.985));
  });
  it("gives the same interval for the same seed, and another for another seed", () => {
    const big = Array.from({ length: 200 }, (_, i) => (i * 37) % 101);
    const a = bootstrapMedianDiff(
      big,
      big.map((v) => v + 3),
      { seed: 42 },
    );
    expect(
      bootstrapMedianDiff(
        big,
        big.map((v) => v + 3),
        { seed: 42 },
      ),
    ).toEqual(a);
    expect(
      bootstrapMedianDiff(
        big,
        big.map((v) => v + 3),
        { seed: 43 },
      )!.interval,
    ).not.toEqual(a!.interval);
  });
  it("is null when either sample is empty", () => {
    expect(bootstrapMedianDiff([], [1], { seed: 1 })).toBeNull();
    expect(bootstrapMedianDiff([1], [], { seed: 1 })).toBeNull();
  });
  it("narrows with the level", () => {
    const big = Array.from({ length: 300 }, (_, i) => (i * 53) % 97);
    const i95 = bootstrapMedianDiff(big, big, { seed: 3 })!.interval;
    const i80 = bootstrapMedianDiff(big, big, { seed: 3, level: 0.8 })!.interval;
    expect(i80[0]).toBeGreaterThanOrEqual(i95[0]);
    expect(i80[1]).toBeLessThanOrEqual(i95[1]);
  });
});

describe("bootstrapMedianDiD", () => {
  it("estimates (test after - test before) - (control after - control before) of medians", () => {
    const r = bootstrapMedianDiD({ before: [10, 20, 30], after: [25, 35, 45] }, { before: [10, 20, 30], after: [15, 25, 35] }, { seed: 1 })!;
    expect(r.estimate).toBe(15 - 5);
  });
  it("matches the exact bootstrap distribution when the control samples cannot move", () => {
    // A control with one value per period has a fixed median, so the DiD is the test's difference shifted by it.
    const before = [12, 30, 7, 45, 20];
    const after = [25, 60, 33, 18];
    const exact = differenceDistribution(exactMedianDistribution(before), exactMedianDistribution(after));
    const { estimate, interval } = bootstrapMedianDiD({ before, after }, { before: [5], after: [8] }, { seed: 11, iterations: 20_000 })!;
    expect(estimate).toBe(9 - 3);
    expect(interval[0] + 3).toBeGreaterThanOrEqual(quantile(exact, 0.015));
    expect(interval[0] + 3).toBeLessThanOrEqual(quantile(exact, 0.035));
    expect(interval[1] + 3).toBeGreaterThanOrEqual(quantile(exact, 0.965));
    expect(interval[1] + 3).toBeLessThanOrEqual(quantile(exact, 0.985));
  });
  it("is deterministic by seed and null when a sample is empty", () => {
    const s = { before: [1, 2, 3, 4], after: [2, 3, 4, 5] };
    expect(bootstrapMedianDiD(s, s, { seed: 5 })).toEqual(bootstrapMedianDiD(s, s, { seed: 5 }));
    expect(bootstrapMedianDiD(s, { before: [], after: [1] }, { seed: 5 })).toBeNull();
  });
});
