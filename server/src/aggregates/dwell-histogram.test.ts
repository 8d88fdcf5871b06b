import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nearestRank } from "@footfall/core";
import { addToHistogram, binOf, binValue, decodeHistogram, encodeHistogram, kthOfHistogram, mergeHistogram, type DwellHistogram } from "./dwell-histogram.js";

/** DESIGN v1.1: dwell quantiles within max(1 s, 1 % of the exact value). */
const within = (got: number, exact: number) => Math.abs(got - exact) <= Math.max(1000, 0.01 * exact);
const dwellArb = fc.oneof(fc.integer({ min: 0, max: 120_000 }), fc.integer({ min: 0, max: 7 * 86_400_000 }));

describe("dwell histogram", () => {
  it("stands for every value within max(1 s, 1 %)", () => {
    fc.assert(fc.property(dwellArb, (ms) => {
        expect(within(binValue(binOf(ms)), ms)).toBe(true);
      }));
  });

  it("gives the median and p90 of any sample within the tolerance, merged from parts in any grouping", () => {
    fc.assert(
      fc.property(fc.array(dwellArb, { minLength: 1, maxLength: 400 }), fc.integer({ min: 1, max: 5 }), (values, parts) => {
        const exact = [...values].sort((a, b) => a - b);
        const merged: DwellHistogram = new Map();
        for (let p = 0; p < parts; p++) {
          const h: DwellHistogram = new Map();
          values.forEach((v, i) => i % parts === p && addToHistogram(h, v));
          mergeHistogram(merged, decodeHistogram(encodeHistogram(h)));
        }
        const n = exact.length;
        const median = n % 2 ? exact[(n - 1) / 2]! : (exact[n / 2 - 1]! + exact[n / 2]!) / 2;
        const sketchMedian = n % 2 ? kthOfHistogram(merged, (n + 1) / 2) : (kthOfHistogram(merged, n / 2) + kthOfHistogram(merged, n / 2 + 1)) / 2;
        expect(within(sketchMedian, median)).toBe(true);
        expect(within(kthOfHistogram(merged, nearestRank(0.9, n)), exact[nearestRank(0.9, n) - 1]!)).toBe(true);
      }),
    );
  });

  it("forgets what is removed: adding and removing a value leaves no bin behind", () => {
    fc.assert(
      fc.property(fc.array(dwellArb, { maxLength: 50 }), (values) => {
        const h: DwellHistogram = new Map();
        for (const v of values) addToHistogram(h, v);
        for (const v of values) addToHistogram(h, v, -1);
        expect(h.size).toBe(0);
        expect(encodeHistogram(h).byteLength).toBe(0);
      }),
    );
  });
});
