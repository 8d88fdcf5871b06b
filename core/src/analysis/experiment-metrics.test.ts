import { describe, expect, it } from "vitest";
import { withoutFigures } from "../index.js";
import type { MetricResult } from "./experiment-metrics.js";

/** A metric with every figure set (a MetricResult literal: a new field of it must be named here). */
const full: MetricResult = {
  metric: "reach",
  unit: "share",
  before: 0.4,
  after: 0.5,
  change: 0.1,
  relativeChange: 0.25,
  interval: [0.05, 0.15],
  relative: { estimate: 0.25, interval: [0.1, 0.4] },
  did: { estimate: 0.08, interval: [0.01, 0.15], relative: { estimate: 0.2, interval: [0.02, 0.38] } },
  verdict: "increase",
  text: "a larger share of trips reached the promo table: 40 % -> 50 %",
  warning: "too few trips in the control stores to tell",
  basis: "difference-in-differences",
  sampleBefore: 1200,
  sampleAfter: 1300,
  adjusted: true,
  unadjusted: { before: 0.41, after: 0.49 },
};
/** What is not a figure: said of the metric whatever its figures. */
const KEPT = ["metric", "unit", "basis", "sampleBefore", "sampleAfter", "adjusted"] as const;

describe("withoutFigures (a metric that says nothing: too small to tell, not comparable)", () => {
  it("nulls every figure, sets the verdict, its text and no warning, and keeps the rest", () => {
    const before = structuredClone(full);
    const m = withoutFigures(full, "not comparable", "Promo table was not on the layout before the change: there is nothing to compare it with.");
    const figures = Object.keys(full).filter((k) => !(KEPT as readonly string[]).includes(k) && !["verdict", "text", "warning"].includes(k));
    expect(figures.sort()).toEqual(["after", "before", "change", "did", "interval", "relative", "relativeChange", "unadjusted"]);
    for (const k of figures) expect(m[k as keyof typeof m], k).toBeNull();
    for (const k of KEPT) expect(m[k], k).toEqual(full[k]);
    expect(m).toMatchObject({
      verdict: "not comparable",
      text: "Promo table was not on the layout before the change: there is nothing to compare it with.",
      warning: null,
    });
    expect(Object.keys(m).sort()).toEqual(Object.keys(full).sort());
    // The metric given is left as it was.
    expect(full).toEqual(before);
  });

  it("takes a warning, and makes a whole metric of the parts that are not figures", () => {
    const parts = { metric: "visits" as const, unit: "count" as const, basis: "before-after" as const, sampleBefore: 3, sampleAfter: 0, adjusted: false };
    const m: MetricResult = withoutFigures(
      parts,
      "too small to tell",
      "too few trips to tell about visits per trip to the promo table: no data",
      "too few trips to tell: 3 before, 0 after (at least 30 each needed)",
    );
    expect(m).toEqual({
      ...parts,
      before: null,
      after: null,
      change: null,
      relativeChange: null,
      interval: null,
      relative: null,
      did: null,
      unadjusted: null,
      verdict: "too small to tell",
      text: "too few trips to tell about visits per trip to the promo table: no data",
      warning: "too few trips to tell: 3 before, 0 after (at least 30 each needed)",
    });
  });
});
