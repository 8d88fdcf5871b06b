import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { intervalCoverage, mase, maseScale, meanAbsoluteError, pinballLoss } from "./metrics.js";

describe("meanAbsoluteError and MASE", () => {
  it("averages absolute errors over pairs known on both sides", () => {
    expect(meanAbsoluteError([1, 2, null, 4], [2, 2, 5, null])).toBe(0.5);
  });
  it("scales by the in-sample seasonal-naive error", () => {
    // period 2: |3-1| + |4-2| + |7-3| over 3 pairs = 8/3
    expect(maseScale([1, 2, 3, 4, 7], 2)).toBeCloseTo(8 / 3, 12);
    expect(maseScale([1, 2, 3, 4, 7], 2, 4)).toBe(2); // only t < 4
    expect(mase([10, 12], [11, 10], 2)).toBe(0.75);
  });
  it("is the same for a series measured in any unit (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 10, maxLength: 60 }), fc.integer({ min: 2, max: 50 }), (v, c) => {
        const f = v.map((x) => x + 3);
        const a = mase(v, f, maseScale(v, 3));
        const b = mase(v.map((x) => x * c), f.map((x) => x * c), maseScale(v.map((x) => x * c), 3));
        if (Number.isFinite(a)) expect(b).toBeCloseTo(a, 9);
      }),
    );
  });
});

describe("intervalCoverage", () => {
  it("counts actuals inside their bounds, bounds included", () => {
    expect(intervalCoverage([1, 5, 9, null], [0, 5, 10, 0], [2, 6, 12, 1])).toBeCloseTo(2 / 3, 12);
  });
  it("matches a naive count (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 })), { minLength: 1 }), (rows) => {
        const inside = rows.filter(([y, l, h]) => y >= Math.min(l, h) && y <= Math.max(l, h)).length;
        const cov = intervalCoverage(rows.map((r) => r[0]), rows.map(([, l, h]) => Math.min(l, h)), rows.map(([, l, h]) => Math.max(l, h)));
        expect(cov).toBeCloseTo(inside / rows.length, 12);
      }),
    );
  });
});

describe("pinballLoss", () => {
  it("weighs errors above the quantile by tau and below by 1 - tau", () => {
    // y=10, q=8: 0.9 * 2 ; y=6, q=8: 0.1 * 2
    expect(pinballLoss([10, 6], [8, 8], 0.9)).toBeCloseTo((1.8 + 0.2) / 2, 12);
  });
});
