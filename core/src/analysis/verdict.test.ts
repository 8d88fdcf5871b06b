import { describe, expect, it } from "vitest";
import { verdictOf, type VerdictInput } from "./verdict.js";

const promo: VerdictInput = {
  label: "trips reached the promo table",
  neutralLabel: "the share of trips reaching the promo table",
  aboutLabel: "the share reaching the promo table",
  more: "a larger share of",
  fewer: "a smaller share of",
  unit: "share",
  before: 0.3,
  after: 0.336,
  interval: [0.012, 0.06],
  ratio: { estimate: 0.12, interval: [0.04, 0.2] },
  sampleBefore: 900,
  sampleAfter: 850,
};

describe("verdictOf", () => {
  it("reads an interval above 0 as an increase, relative to before for shares", () => {
    expect(verdictOf(promo)).toEqual({
      verdict: "increase",
      text: "a larger share of trips reached the promo table: +12 % [+4 %, +20 %] relative to before",
      warning: null,
    });
  });
  it("reads an interval below 0 as a decrease", () => {
    const r = verdictOf({ ...promo, after: 0.264, interval: [-0.06, -0.012], ratio: { estimate: -0.12, interval: [-0.2, -0.04] } });
    expect(r.verdict).toBe("decrease");
    expect(r.text).toBe("a smaller share of trips reached the promo table: −12 % [−20 %, −4 %] relative to before");
  });
  it("reads an interval that contains 0, its ends included, as no clear change", () => {
    expect(verdictOf({ ...promo, after: 0.303, interval: [-0.009, 0.015], ratio: { estimate: 0.01, interval: [-0.03, 0.05] } }).text).toBe(
      "no clear change in the share of trips reaching the promo table: +1.0 % [−3.0 %, +5.0 %] relative to before",
    );
    expect(verdictOf({ ...promo, relative: false, interval: [0, 0.06] }).verdict).toBe("no clear change");
    expect(verdictOf({ ...promo, ratio: { estimate: 0.12, interval: [0, 0.2] } }).verdict).toBe("no clear change");
  });
  it("says too small to tell, with a warning, when either sample is under the minimum", () => {
    const r = verdictOf({ ...promo, sampleBefore: 12, sampleAfter: 9 });
    expect(r.verdict).toBe("too small to tell");
    expect(r.text).toBe("too few trips to tell about the share reaching the promo table: +12 % [+4 %, +20 %] relative to before");
    expect(r.warning).toBe("too few trips to tell: 12 before, 9 after (at least 30 each needed)");
    expect(verdictOf({ ...promo, sampleAfter: 40, minSample: 50 }).verdict).toBe("too small to tell");
  });
  it("shows absolute shares in percentage points when asked, and when before is 0", () => {
    expect(verdictOf({ ...promo, relative: false }).text).toBe("a larger share of trips reached the promo table: +3.6 pts [+1.2 pts, +6.0 pts]");
    expect(verdictOf({ ...promo, before: 0, after: 0.05, interval: [0.03, 0.07] }).text).toBe(
      "a larger share of trips reached the promo table: +5.0 pts [+3.0 pts, +7.0 pts]",
    );
  });
  it("speaks of longer and shorter dwell, in seconds when absolute", () => {
    const dwell: VerdictInput = {
      label: "median dwell at the promo table",
      unit: "seconds",
      before: 60,
      after: 75,
      interval: [5, 25],
      ratio: { estimate: 0.25, interval: [0.08, 0.42] },
      sampleBefore: 300,
      sampleAfter: 300,
    };
    expect(verdictOf(dwell).text).toBe("longer median dwell at the promo table: +25 % [+8 %, +42 %] relative to before");
    expect(verdictOf({ ...dwell, relative: false, after: 45, interval: [-25, -5] }).text).toBe("shorter median dwell at the promo table: −15 s [−25 s, −5 s]");
  });
  it("shows counts bare and appends the basis", () => {
    const visits: VerdictInput = {
      label: "visits to the promo table per trip",
      unit: "count",
      before: 0.33,
      after: 0.4,
      interval: [0.02, 0.12],
      sampleBefore: 900,
      sampleAfter: 900,
      basis: "net of control stores",
    };
    expect(verdictOf(visits).text).toBe("more visits to the promo table per trip: +0.07 [+0.02, +0.12] net of control stores");
  });
  it("shows and reads the interval of the ratio, not the absolute interval divided by before", () => {
    // Median dwell 100 s before, 2 s after: the difference's interval [-103, -94] s over 100 s would read [-103 %, -94 %].
    const dwell: VerdictInput = {
      label: "median dwell at the promo table",
      unit: "seconds",
      before: 100,
      after: 2,
      interval: [-103, -94],
      ratio: { estimate: -0.98, interval: [-0.99, -0.95] },
      sampleBefore: 300,
      sampleAfter: 300,
    };
    expect(verdictOf(dwell).text).toBe("shorter median dwell at the promo table: −98 % [−99 %, −95 %] relative to before");
    // The verdict follows the ratio's interval where the absolute one says otherwise.
    expect(verdictOf({ ...promo, interval: [0.001, 0.06], ratio: { estimate: 0.12, interval: [-0.01, 0.25] } }).verdict).toBe("no clear change");
    // Without the ratio's figures, absolute ones: never a division of the interval by before.
    expect(verdictOf({ ...dwell, ratio: null }).text).toBe("shorter median dwell at the promo table: −98 s [−103 s, −94 s]");
  });
  it("never prints -0: a change that rounds to zero reads ±, negatives the minus sign U+2212", () => {
    expect(verdictOf({ ...promo, after: 0.3 - 1e-9, interval: [-0.01, 0.01], ratio: { estimate: -1e-9 / 0.3, interval: [-0.033, 0.033] } }).text).toBe(
      "no clear change in the share of trips reaching the promo table: ±0.0 % [−3.3 %, +3.3 %] relative to before",
    );
  });
});
