import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bootstrapMedianDiff } from "./bootstrap.js";
import { bootstrapMedianDiD, differenceInDifferences } from "./did.js";
import type { PeriodData } from "./experiment-data.js";
import { experimentResult } from "./experiment.js";
import { zFor } from "./normal.js";
import { ratioChange } from "./ratio.js";
import { verdictOf } from "./verdict.js";

/**
 * A change shown relative to before must be a possible figure: no fall under -100 %, the estimate
 * inside its interval, and the verdict on the side of 0 the interval says.
 */

/** Median of a list (the reference): the middle value, or the mean of the two middle values. */
function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const dwell = fc.array(fc.double({ min: 0.5, max: 3600, noNaN: true }), { minLength: 1, maxLength: 60 });

/** One store, one zone "z": `trips` trips, `reached` of them reaching z, the given dwell, `sales` transactions. */
function period(trips: number, reached: number, dwellS: number[], sales: number): PeriodData {
  return {
    tripsByCell: { "1-10": trips },
    reachByZoneCell: { z: { "1-10": reached } },
    visitsByZone: { z: Math.max(dwellS.length, reached) },
    dwellSecondsByZone: { z: dwellS },
    transactionsByZone: { z: sales },
  };
}

/** The figures of a relative verdict text: "... : −98 % [−99 %, −95 %] relative to before" (U+2212 minus, "±" for a zero). */
function shownPercent(text: string): [number, number, number] | null {
  const m = /: ([+−±]?[\d.,]+) % \[([+−±]?[\d.,]+) %, ([+−±]?[\d.,]+) %\] relative to before/.exec(text);
  const num = (t: string) => Number(t.replace("−", "-").replace("±", "").replace(/,/g, ""));
  return m ? [num(m[1]!), num(m[2]!), num(m[3]!)] : null;
}

describe("relative changes and their intervals", () => {
  it("a layout that cut median dwell from 100 s to about 2 s reads -98 %, its interval within (-100 %, 0 %), not [-103 %, -94 %]", () => {
    const before = Array.from({ length: 200 }, (_, i) => 40 + (i % 120));
    const after = Array.from({ length: 200 }, (_, i) => 0.5 + (i % 3));
    const input = {
      zones: ["z"],
      timeZone: "UTC",
      test: [{ store: "s", before: period(400, 200, before, 0), after: period(400, 200, after, 0) }],
      control: [],
    };
    const m = experimentResult(input, { seed: 1, iterations: 500 }).zones[0]!.metrics.find((x) => x.metric === "medianDwell")!;
    const [e, lo, hi] = shownPercent(m.text)!;
    expect(m.verdict).toBe("decrease");
    expect(e).toBe(-98);
    expect(lo).toBeGreaterThanOrEqual(-100);
    expect(hi).toBeLessThan(0);
    expect(m.relative!.interval[0]).toBeGreaterThan(-1);
  });

  it("for any positive dwell samples, the shown relative interval stays above -100 %, holds the estimate, and agrees with the verdict", () => {
    fc.assert(
      fc.property(dwell, dwell, dwell, dwell, fc.boolean(), fc.integer({ min: 0, max: 2 ** 31 }), (b, a, cb, ca, withControl, seed) => {
        const input = {
          zones: ["z"],
          timeZone: "UTC",
          test: [{ store: "t", before: period(100, 40, b, 5), after: period(100, 50, a, 8) }],
          control: withControl ? [{ store: "c", before: period(100, 40, cb, 5), after: period(100, 45, ca, 6) }] : [],
        };
        const r = experimentResult(input, { seed, iterations: 200, minSample: 1 });
        for (const m of r.zones[0]!.metrics) {
          const shown = shownPercent(m.text);
          if (!shown) continue; // an absolute figure (counts), or no data
          const [e, lo, hi] = shown;
          expect(lo).toBeGreaterThanOrEqual(-100);
          expect(lo <= e && e <= hi).toBe(true);
          const rel = m.did ? m.did.relative : m.relative;
          expect(rel).not.toBeNull();
          expect(rel!.interval[0]).toBeGreaterThan(-1);
          expect(rel!.interval[0] <= rel!.estimate && rel!.estimate <= rel!.interval[1]).toBe(true);
          expect(m.verdict).toBe(rel!.interval[0] > 0 ? "increase" : rel!.interval[1] < 0 ? "decrease" : "no clear change");
        }
        if (!withControl) {
          const med = r.zones[0]!.metrics.find((x) => x.metric === "medianDwell")!;
          expect(med.relative!.estimate).toBeCloseTo(median(a) / median(b) - 1, 9);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("bootstrap: the ratio interval of positive samples lies within the ratios any resample can give, and holds the estimate", () => {
    fc.assert(
      fc.property(dwell, dwell, fc.integer({ min: 0, max: 2 ** 31 }), (b, a, seed) => {
        const r = bootstrapMedianDiff(b, a, { seed, iterations: 300 })!;
        const { estimate, interval } = r.ratio!;
        expect(estimate).toBeCloseTo(median(a) / median(b) - 1, 9);
        // Any resample's median lies between the sample's least and greatest value.
        expect(interval[0]).toBeGreaterThanOrEqual(Math.min(...a) / Math.max(...b) - 1 - 1e-12);
        expect(interval[1]).toBeLessThanOrEqual(Math.max(...a) / Math.min(...b) - 1 + 1e-12);
        expect(interval[0]).toBeGreaterThan(-1);
        expect(interval[0] <= estimate && estimate <= interval[1]).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("bootstrap difference in differences: the ratio of ratios (a/b)/(ca/cb) - 1, its interval above -100 % and holding it", () => {
    fc.assert(
      fc.property(dwell, dwell, dwell, dwell, fc.integer({ min: 0, max: 2 ** 31 }), (tb, ta, cb, ca, seed) => {
        const rel = bootstrapMedianDiD({ before: tb, after: ta }, { before: cb, after: ca }, { seed, iterations: 200 })!.relative!;
        expect(rel.estimate).toBeCloseTo(median(ta) / median(tb) / (median(ca) / median(cb)) - 1, 9);
        expect(rel.interval[0]).toBeGreaterThan(-1);
        expect(rel.interval[0] <= rel.estimate && rel.estimate <= rel.interval[1]).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("proportions: Katz's log relative risk, checked against the formula, above -100 % for any counts", () => {
    const count = fc.integer({ min: 1, max: 5000 }).chain((n) => fc.record({ x: fc.integer({ min: 1, max: n }), n: fc.constant(n) }));
    fc.assert(
      fc.property(count, count, fc.double({ min: 0.5, max: 0.999, noNaN: true }), (b, a, level) => {
        const pv = (g: { x: number; n: number }) => ({ p: g.x / g.n, variance: ((g.x / g.n) * (1 - g.x / g.n)) / g.n });
        const r = ratioChange(pv(b), pv(a), level)!;
        const rr = a.x / a.n / (b.x / b.n);
        const se = Math.sqrt(1 / a.x - 1 / a.n + 1 / b.x - 1 / b.n);
        const z = zFor(level);
        expect(r.estimate).toBeCloseTo(rr - 1, 9);
        expect(r.interval[0]).toBeCloseTo(rr * Math.exp(-z * se) - 1, 9);
        expect((r.interval[1] + 1) / (rr * Math.exp(z * se))).toBeCloseTo(1, 9);
        expect(r.interval[0]).toBeGreaterThan(-1);
        expect(r.interval[0] <= r.estimate && r.estimate <= r.interval[1]).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("hand-computed: 30/100 before, 45/100 after is +50 % [+3.7 %, +117 %]; net of 20/100 to 25/100 in control, +20 % [-36.5 %, +126.8 %]", () => {
    const pv = (x: number, n: number) => ({ p: x / n, variance: ((x / n) * (1 - x / n)) / n });
    // log 1.5 ± 1.959964 √(1/45 - 1/100 + 1/30 - 1/100) = 0.405465 ± 0.369573
    const r = ratioChange(pv(30, 100), pv(45, 100), 0.95)!;
    expect(r.estimate).toBeCloseTo(0.5, 12);
    expect(r.interval[0]).toBeCloseTo(0.036543, 5);
    expect(r.interval[1]).toBeCloseTo(1.170678, 5);
    const did = differenceInDifferences({
      test: { before: { x: 30, n: 100 }, after: { x: 45, n: 100 } },
      control: { before: { x: 20, n: 100 }, after: { x: 25, n: 100 } },
    })!;
    // (1.5 / 1.25) - 1 = 0.2; log 1.2 ± 1.959964 √(Σ 1/x - 1/n)
    expect(did.relative!.estimate).toBeCloseTo(0.2, 12);
    expect(did.relative!.interval[0]).toBeCloseTo(-0.365208, 5);
    expect(did.relative!.interval[1]).toBeCloseTo(1.268458, 5);
    // Every resample of [10, 10, 10] has median 10 and of [20, 20, 20] median 20: +100 % [+100 %, +100 %].
    expect(bootstrapMedianDiff([10, 10, 10], [20, 20, 20], { seed: 1 })!.ratio).toEqual({ estimate: 1, interval: [1, 1] });
    const v = verdictOf({
      label: "median dwell",
      unit: "seconds",
      before: 10,
      after: 20,
      interval: [10, 10],
      ratio: { estimate: 1, interval: [1, 1] },
      sampleBefore: 30,
      sampleAfter: 30,
    });
    expect(v.text).toBe("longer median dwell: +100 % [+100 %, +100 %] relative to before");
  });
});
