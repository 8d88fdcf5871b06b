import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  dwellBinOf,
  dwellSketchKth,
  EXACT_QUANTILES_UP_TO,
  formatDuration,
  formatDurationShort,
  quantilesOfSorted,
  servedDwellSeconds,
  sketchQuantiles,
} from "./dwell-quantiles.js";
import { medianOfSorted, sortedAscending } from "./stats.js";
import { dwellStats } from "./dwell.js";
import { waitStats } from "./queues.js";

const RUNS = { numRuns: 200 };

/** The naive reference, in seconds: sort, then the middle (mean of the two middles of an even count) and the value at ceil(0.9 n). */
function reference(ms: readonly number[]): { median: number; p90: number } {
  const s = [...ms].sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
  return { median: median / 1000, p90: s[Math.ceil((9 * n) / 10) - 1]! / 1000 };
}

/** DESIGN v1.1 rule 4: within max(1 s, 1 % of the exact value). */
const within = (got: number, exact: number) => Math.abs(got - exact) <= Math.max(1, 0.01 * exact);

/** Dwell times from a second to several hours, with many ties at a few typical lengths. */
const dwellMs = fc.oneof(fc.integer({ min: 0, max: 600_000 }), fc.integer({ min: 0, max: 4 * 3_600_000 }), fc.constantFrom(24_400, 24_600, 99_999, 100_000, 3_599_600));

function sparse(ms: readonly number[]): Map<number, number> {
  const h = new Map<number, number>();
  for (const v of ms) h.set(dwellBinOf(v), (h.get(dwellBinOf(v)) ?? 0) + 1);
  return h;
}
function dense(ms: readonly number[]): Float64Array {
  const h = new Float64Array(Math.max(0, ...ms.map(dwellBinOf)) + 1);
  for (const v of ms) h[dwellBinOf(v)]! += 1;
  return h;
}

describe("sketchQuantiles: the one dwell quantile", () => {
  it("is within max(1 s, 1 %) of the sorted list's median and p90", () => {
    fc.assert(
      fc.property(fc.array(dwellMs, { minLength: 1, maxLength: 400 }), (ms) => {
        const got = sketchQuantiles(sparse(ms), ms.length)!;
        const exact = reference(ms);
        expect(within(got.median, exact.median), `median ${got.median} vs ${exact.median}`).toBe(true);
        expect(within(got.p90, exact.p90), `p90 ${got.p90} vs ${exact.p90}`).toBe(true);
      }),
      RUNS,
    );
  });

  it("gives the same figure from sparse counts (a zone's rollups) and dense ones (the chain's store sketches)", () => {
    fc.assert(
      fc.property(fc.array(dwellMs, { minLength: 1, maxLength: 300 }), (ms) => {
        expect(sketchQuantiles(dense(ms), ms.length)).toEqual(sketchQuantiles(sparse(ms), ms.length));
      }),
      RUNS,
    );
  });

  it("does not care in which order the sketches of two periods are merged", () => {
    fc.assert(
      fc.property(fc.array(dwellMs, { minLength: 1, maxLength: 200 }), fc.array(dwellMs, { maxLength: 200 }), (a, b) => {
        expect(sketchQuantiles(sparse([...a, ...b]), a.length + b.length)).toEqual(sketchQuantiles(sparse([...b, ...a]), a.length + b.length));
      }),
      RUNS,
    );
  });

  it("is null without a value, and refuses a rank beyond the values held", () => {
    expect(sketchQuantiles(new Map(), 0)).toBeNull();
    expect(() => dwellSketchKth(sparse([1000]), 2)).toThrow(RangeError);
  });
});

describe("quantilesOfSorted: the server's rule for a zone whose raw rows it holds", () => {
  it("is exact up to 500 values", () => {
    fc.assert(
      fc.property(fc.array(dwellMs, { minLength: 1, maxLength: EXACT_QUANTILES_UP_TO }), (ms) => {
        const sorted = [...ms].sort((a, b) => a - b);
        const got = quantilesOfSorted(sorted)!;
        const exact = reference(ms);
        expect(got.median).toBeCloseTo(exact.median, 9);
        expect(got.p90).toBe(exact.p90);
      }),
      { numRuns: 60 },
    );
  });

  it("is the sketch's figure above 500, within max(1 s, 1 %) of the exact one", () => {
    fc.assert(
      fc.property(fc.array(dwellMs, { minLength: EXACT_QUANTILES_UP_TO + 1, maxLength: 900 }), (ms) => {
        const sorted = [...ms].sort((a, b) => a - b);
        const got = quantilesOfSorted(sorted)!;
        expect(got).toEqual(sketchQuantiles(sparse(ms), ms.length));
        const exact = reference(ms);
        expect(within(got.median, exact.median)).toBe(true);
        expect(within(got.p90, exact.p90)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it("is what a zone's dwell and a queue's waits both give for the same visits", () => {
    fc.assert(
      fc.property(fc.array(dwellMs, { minLength: 1, maxLength: 900 }), (ms) => {
        const d = dwellStats(ms)!;
        const w = waitStats(ms)!;
        expect([w.median, w.p90]).toEqual([d.median, d.p90]);
      }),
      { numRuns: 40 },
    );
  });
});

describe("servedDwellSeconds: samples read as the server's quantiles read them (an experiment's median dwell)", () => {
  it("has the median the server answers for the same visits, on both sides of 500 and in any order", () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(dwellMs, { minLength: 1, maxLength: 40 }), fc.array(dwellMs, { minLength: EXACT_QUANTILES_UP_TO - 2, maxLength: 900 })), (ms) => {
        const served = servedDwellSeconds(ms.map((v) => v / 1000));
        expect(served).toHaveLength(ms.length);
        // /dwell's median of the same visits, and an experiment's (the median of the served samples): the same figure, written alike.
        const answered = quantilesOfSorted([...ms].sort((a, b) => a - b))!.median;
        const experiment = medianOfSorted(sortedAscending(served));
        expect(experiment).toBeCloseTo(answered, 9);
        expect(formatDuration(experiment)).toBe(formatDuration(answered));
      }),
      { numRuns: 60 },
    );
  });

  it("keeps 500 values as they are and moves each of 501 to its bin's value, within max(0.5 s, 0.5 %)", () => {
    const ms = Array.from({ length: 501 }, (_, i) => 30_000 + i * 7 + (i % 3));
    expect(servedDwellSeconds(ms.slice(0, 500).map((v) => v / 1000))).toEqual(ms.slice(0, 500).map((v) => v / 1000));
    const served = servedDwellSeconds(ms.map((v) => v / 1000));
    served.forEach((s, i) => expect(Math.abs(s - ms[i]! / 1000)).toBeLessThanOrEqual(Math.max(0.5, 0.005 * (ms[i]! / 1000))));
  });
});

describe("formatDuration: the one way a dwell is written", () => {
  /** Back from the words to whole seconds (hours' minutes are whole minutes). */
  function parse(text: string): number {
    let m = /^(-?\d+) s$/.exec(text);
    if (m) return Number(m[1]);
    m = /^(\d+) min (\d{2}) s$/.exec(text);
    if (m) return Number(m[1]) * 60 + Number(m[2]);
    m = /^(\d+) h (\d{2}) min$/.exec(text);
    if (m) return Number(m[1]) * 3600 + Number(m[2]) * 60;
    throw new Error(`unexpected "${text}"`);
  }

  it("writes seconds under a minute, minutes and seconds under an hour, hours and minutes above", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 30 * 3600, noNaN: true }), (s) => {
        const whole = Math.round(s);
        const text = formatDuration(s);
        if (whole < 3600) expect(parse(text)).toBe(whole);
        else expect(parse(text)).toBe(whole - (whole % 60));
        const short = formatDurationShort(s);
        expect(short.replace(/\D/g, "")).toBe(text.replace(/\D/g, ""));
      }),
      RUNS,
    );
  });

  it("rounds half a second up on every screen alike: 24.5 s reads 25 s, 59.6 s reads 1 min 00 s", () => {
    expect([24.4, 24.5, 59.6, 3599.6, 3659].map((s) => formatDuration(s))).toEqual(["24 s", "25 s", "1 min 00 s", "1 h 00 min", "1 h 00 min"]);
    expect([formatDuration(null), formatDuration(undefined), formatDuration(NaN)]).toEqual(["–", "–", "–"]);
  });
});
