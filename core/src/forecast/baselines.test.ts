import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketStarts } from "../domain/calendar.js";
import { dailyNaive, quantile, residualBands, seasonalMean, seasonalNaive } from "./baselines.js";
import { localGrid, type Series } from "./series.js";

const WEEK = 168;
/** An hourly UTC series from Monday 4 May 2026 with the given values. */
function series(values: (number | null)[]): Series {
  const from = Date.parse("2026-05-04T00:00:00Z");
  return { grain: "hour", timeZone: "UTC", starts: bucketStarts({ from, to: from + values.length * 3_600_000 }, "hour", "UTC"), values };
}
/** Three weeks: week w, hour h of the week holds 100 w + h % 24. */
const threeWeeks = (): (number | null)[] => Array.from({ length: 3 * WEEK }, (_, i) => 100 * Math.floor(i / WEEK) + (i % 24));

describe("seasonalNaive", () => {
  it("repeats the same hour of last week", () => {
    const s = series(threeWeeks());
    expect(seasonalNaive(s, localGrid(s), 2 * WEEK, 3)).toEqual([100, 101, 102]);
  });
  it("goes back one more week where last week's hour is unknown", () => {
    const v = threeWeeks();
    v[WEEK + 1] = null;
    const s = series(v);
    expect(seasonalNaive(s, localGrid(s), 2 * WEEK, 3)).toEqual([100, 1, 102]);
  });
  it("uses two weeks back for the part of a horizon past a week", () => {
    const s = series([...threeWeeks(), ...new Array<null>(WEEK).fill(null)]); // a fourth week to forecast into
    const f = seasonalNaive(s, localGrid(s), 2 * WEEK, WEEK + 2);
    expect(f.slice(WEEK)).toEqual([100, 101]);
  });
  it("says nothing without a week of history", () => {
    const s = series(threeWeeks());
    expect(seasonalNaive(s, localGrid(s), 100, 2)).toEqual([null, null]);
  });
});

describe("seasonalMean", () => {
  it("averages the same hour over the weeks known (two of four here)", () => {
    const s = series(threeWeeks());
    // hour 5 of week 2: (105 + 5) / 2
    expect(seasonalMean(s, localGrid(s), 2 * WEEK, 6)[5]).toBe(55);
  });
  it("skips unknown weeks", () => {
    const v = threeWeeks();
    v[5] = null;
    const s = series(v);
    expect(seasonalMean(s, localGrid(s), 2 * WEEK, 6)[5]).toBe(105);
  });
});

describe("dailyNaive", () => {
  it("repeats the same hour of the most recent known day", () => {
    const v: (number | null)[] = Array.from({ length: 72 }, (_, i) => i);
    v[40] = null;
    const s = series(v);
    expect(dailyNaive(s, localGrid(s), 48, 3)).toEqual([24, 25, 26]);
    expect(dailyNaive(s, localGrid(s), 64, 1)).toEqual([16]); // hour 16: yesterday's (40) unknown, the day before's known
  });
});

describe("baselines read nothing at or after the origin (property)", () => {
  it("gives the same forecast whatever the future holds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 * WEEK - 1 }), fc.integer({ min: 1, max: 48 }), fc.integer({ min: 0, max: 1000 }), (origin, h, noise) => {
        const a = series(threeWeeks());
        const b = series(threeWeeks().map((v, i) => (i >= origin ? v! + noise : v)));
        const [ga, gb] = [localGrid(a), localGrid(b)];
        expect(seasonalNaive(b, gb, origin, h)).toEqual(seasonalNaive(a, ga, origin, h));
        expect(seasonalMean(b, gb, origin, h)).toEqual(seasonalMean(a, ga, origin, h));
      }),
    );
  });
  it("reproduces an exactly weekly series", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 500 }), { minLength: WEEK, maxLength: WEEK }), fc.integer({ min: WEEK, max: 3 * WEEK - 24 }), (week, origin) => {
        const s = series([...week, ...week, ...week]);
        const g = localGrid(s);
        const truth = s.values.slice(origin, origin + 24);
        expect(seasonalNaive(s, g, origin, 24)).toEqual(truth);
        expect(seasonalMean(s, g, origin, 24)).toEqual(truth);
      }),
      { numRuns: 30 },
    );
  });
});

describe("quantile", () => {
  it("interpolates between order statistics", () => {
    expect(quantile([1, 2, 3, 4], 0.1)).toBeCloseTo(1.3, 12);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([7], 0.9)).toBe(7);
  });
});

describe("residualBands", () => {
  it("puts the band where the baseline's past log errors fall", () => {
    // the past: actual = e^0.5 (1 + f) - 1 for half the hours, e^-0.5 (1 + f) - 1 for the other half
    const v = Array.from({ length: 40 }, (_, i) => (i % 2 ? Math.expm1(Math.log1p(9) + 0.5) : Math.expm1(Math.log1p(9) - 0.5)));
    const s = series(v);
    const [b] = residualBands(s, 40, [9], () => 9, { lookback: 40, coverage: 0.8 });
    expect(b!.mid).toBe(9);
    expect(b!.lo).toBeCloseTo(Math.expm1(Math.log1p(9) - 0.5), 9);
    expect(b!.hi).toBeCloseTo(Math.expm1(Math.log1p(9) + 0.5), 9);
  });
  it("gives a zero-width band without any past error to learn from, and says so (errors: 0); no band without a forecast", () => {
    const s = series([null, null]);
    expect(residualBands(s, 2, [4, null], () => 4)).toEqual([{ lo: 4, mid: 4, hi: 4, errors: 0 }, null]);
  });
  it("says how many past errors measured the band", () => {
    const s = series([1, 2, 3, null, 5]);
    expect(residualBands(s, 5, [4], () => 4)[0]!.errors).toBe(4);
  });
});
