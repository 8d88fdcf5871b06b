import { describe, expect, it } from "vitest";
import { adjustedDiff, adjustedProportion, adjustedRate, cellOf, collapseCells, regroup, weightsOf } from "./stratify.js";

const cells = (entries: Record<string, [number, number]>) => new Map(Object.entries(entries).map(([c, [x, n]]) => [c, { x, n }]));
const weights = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe("cellOf", () => {
  it("names the local ISO weekday and hour", () => {
    // 2026-03-28 is a Saturday; 13:30 UTC is 14:30 in Paris (UTC+1).
    expect(cellOf(Date.UTC(2026, 2, 28, 13, 30), "Europe/Paris")).toBe("6-14");
    // Sunday 2026-03-29 after the spring-forward: 10:00 UTC is 12:00 in Paris (UTC+2).
    expect(cellOf(Date.UTC(2026, 2, 29, 10, 0), "Europe/Paris")).toBe("7-12");
    // The same instant is still Saturday evening in New York.
    expect(cellOf(Date.UTC(2026, 2, 29, 1, 0), "America/New_York")).toBe("6-21");
  });
});

describe("adjustedProportion", () => {
  it("averages the cells' shares with the standard weights", () => {
    const r = adjustedProportion(cells({ "1-10": [10, 100], "6-10": [50, 100] }), weights({ "1-10": 3, "6-10": 1 }));
    expect(r.p).toBeCloseTo(0.75 * 0.1 + 0.25 * 0.5, 12);
    expect(r.n).toBe(200);
    expect(r.variance).toBeCloseTo((0.75 ** 2 * (0.1 * 0.9)) / 100 + (0.25 ** 2 * (0.5 * 0.5)) / 100, 15);
    expect(r.coverage).toBe(1);
  });
  it("equals the raw share when the weights are the sample's own mix", () => {
    const r = adjustedProportion(cells({ a: [3, 10], b: [8, 40], c: [1, 50] }), weights({ a: 10, b: 40, c: 50 }));
    expect(r.p).toBeCloseTo(12 / 100, 12);
  });
  it("renormalises the weights over the cells that have trials, and says how much weight that is", () => {
    const r = adjustedProportion(cells({ a: [2, 10], b: [0, 0] }), weights({ a: 1, b: 3 }));
    expect(r.p).toBeCloseTo(0.2, 12);
    expect(r.coverage).toBe(0.25);
  });
  it("leaves out cells without weight", () => {
    expect(adjustedProportion(cells({ a: [2, 10], z: [10, 10] }), weights({ a: 1 })).p).toBeCloseTo(0.2, 12);
  });
  it("gives p 0 with n 0 when no cell is usable", () => {
    expect(adjustedProportion(cells({}), weights({ a: 1 }))).toEqual({ p: 0, n: 0, variance: 0, coverage: 0 });
  });
});

describe("adjustedRate", () => {
  it("uses a Poisson variance, so counts may exceed trials", () => {
    const r = adjustedRate(cells({ a: [30, 20] }), weights({ a: 1 }));
    expect(r.p).toBe(1.5);
    expect(r.variance).toBeCloseTo(30 / 400, 15);
  });
});

describe("adjustedDiff", () => {
  it("shows no change when only the mix moved", () => {
    const w = weightsOf({ weekday: 800, weekend: 200 });
    const before = cells({ weekday: [160, 800], weekend: [100, 200] });
    const after = cells({ weekday: [80, 400], weekend: [300, 600] });
    const d = adjustedDiff(before, after, w);
    expect(d.diff).toBeCloseTo(0, 12);
    expect(d.interval[0]).toBeLessThan(0);
    expect(d.interval[1]).toBeGreaterThan(0);
    // Unadjusted, the share went from 0.26 to 0.475.
  });
  it("is diff ± 1.96 √(var before + var after)", () => {
    const w = weightsOf({ a: 1 });
    const d = adjustedDiff(cells({ a: [30, 100] }), cells({ a: [40, 100] }), w);
    const half = 1.959964 * Math.sqrt((0.3 * 0.7) / 100 + (0.4 * 0.6) / 100);
    expect(d.interval[0]).toBeCloseTo(0.1 - half, 5);
    expect(d.interval[1]).toBeCloseTo(0.1 + half, 5);
  });
  it("knows nothing when a period has no usable cell", () => {
    expect(adjustedDiff(cells({ a: [3, 10] }), cells({}), weightsOf({ a: 10 })).interval).toEqual([-1, 1]);
  });
});

describe("collapseCells", () => {
  it("keeps cells with enough trips in every table, merges the rest into their weekday, then into the week", () => {
    const before = { "1-10": 50, "1-11": 4, "1-12": 7, "2-10": 50, "2-11": 3, "6-10": 2 };
    const after = { "1-10": 40, "1-11": 6, "1-12": 5, "2-10": 60, "2-11": 3, "6-10": 30 };
    const strata = collapseCells([before, after], 10);
    expect(Object.fromEntries(strata)).toEqual({ "1-10": "1-10", "1-11": "1-*", "1-12": "1-*", "2-10": "2-10", "2-11": "*", "6-10": "*" });
    expect(regroup(after, strata)).toEqual({ "1-10": 40, "1-*": 11, "2-10": 60, "*": 33 });
  });
});

describe("adjustedProportion of a zone every trip reaches", () => {
  it("is exactly 1, whatever the rounding of the weights", () => {
    // These weights sum their shares to 1.0000000000000002 in floating point.
    const cells = new Map([["1-9", { x: 7, n: 7 }], ["2-10", { x: 3, n: 3 }], ["3-11", { x: 11, n: 11 }]]);
    const weights = new Map([["1-9", 0.7], ["2-10", 0.2], ["3-11", 0.1]]);
    expect(adjustedProportion(cells, weights).p).toBe(1);
  });
});
