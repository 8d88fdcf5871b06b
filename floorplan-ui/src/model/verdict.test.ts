import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatChange, type Layout } from "@footfall/core";
import type { ExperimentResult, MetricResult } from "../api/types.js";
import { adjustmentHint, countedHint, experimentCsvFile, formatEffect, formatMetricValue, hasControls, provisionalOf, reachValues, reachZones, sampleNotice, tripsBasis, verdictGuide, verdictRows, verdictShown, verdictTone, warningSentence } from "./verdict.js";
import { NO_DATA_FILL } from "./heatmap.js";

const m = (metric: MetricResult["metric"], before: number, after: number, over: Partial<MetricResult> = {}): MetricResult => ({
  metric, unit: metric === "medianDwell" ? "seconds" : metric === "visits" ? "count" : "share", before, after, change: after - before, relativeChange: before ? (after - before) / before : null,
  interval: [0.01, 0.05], relative: null, did: null, verdict: "increase", text: `${metric} went up`, warning: null, basis: "before-after", sampleBefore: 100, sampleAfter: 100, adjusted: false, unadjusted: null, ...over,
});
const zone = (id: string, metrics: MetricResult[]) => ({ zone: id, name: id, metrics });
const result: ExperimentResult = {
  experiment: { id: "e1", name: "Promo", testStores: ["shop"], controlStores: [], changeAt: 1, layoutVersion: 2, before: { from: 0, to: 1 }, after: { from: 1, to: 2 }, zones: ["promo", "fruit"], createdAt: 0 },
  level: 0.95,
  timeZone: "UTC",
  zones: [zone("fruit", [m("visits", 100, 90, { verdict: "no clear change" }), m("reach", 0.2, 0.18)]), zone("promo", [m("medianDwell", 60, 75), m("reach", 0.25, 0.28, { relative: { estimate: 0.12, interval: [0.04, 0.2] } })])],
  warnings: [],
  trips: { test: { before: 100, after: 100 }, control: null },
  mix: { distance: 0, strata: 1, coverage: 1 },
  computedAt: 0,
};

describe("verdictRows", () => {
  it("lists zones in the experiment's order and metrics reach, visits, dwell, conversion", () => {
    expect(verdictRows(result, (z) => z.toUpperCase()).map((r) => `${r.zoneName}/${r.metric}`)).toEqual(["PROMO/reach", "PROMO/medianDwell", "FRUIT/reach", "FRUIT/visits"]);
  });
  it("formats each figure in its unit and the change with its interval", () => {
    const [reach, dwell] = verdictRows(result, (z) => z);
    expect([reach!.before, reach!.after, reach!.change]).toEqual(["25 %", "28 %", "+12 % [+4 %, +20 %]"]);
    expect([dwell!.before, dwell!.after]).toEqual(["1 min 00 s", "1 min 15 s"]);
    expect(hasControls(verdictRows(result, (z) => z))).toBe(false);
  });
  it("gives the figures as counted beside adjusted ones that read differently, so they can be found on Funnels", () => {
    const adjusted = { ...result, zones: [zone("promo", [m("reach", 0.5961, 0.5963, { adjusted: true, unadjusted: { before: 0.5961, after: 0.5872 } }), m("visits", 0.64, 0.63, { adjusted: true, unadjusted: { before: 0.64, after: 0.631 } })])] };
    const [reach, visits] = verdictRows(adjusted, (z) => z);
    expect([reach!.before, reach!.after, reach!.counted]).toEqual(["60 %", "60 %", { before: "60 %", after: "59 %" }]);
    // The same once rounded: nothing more to say.
    expect(visits!.counted).toBeNull();
    expect(verdictRows(result, (z) => z).every((r) => r.counted === null)).toBe(true);
  });
  it("shows the difference in differences when there are controls", () => {
    const withDid = { ...result, zones: [zone("promo", [m("reach", 0.25, 0.28, { did: { estimate: -0.0125, interval: [-0.025, 0], relative: { estimate: -0.05, interval: [-0.1, 0] } } })])] };
    const rows = verdictRows(withDid, (z) => z);
    expect(rows[0]!.did).toBe("−5 % [−10 %, ±0 %]");
    expect(hasControls(rows)).toBe(true);
  });
  it("shows the server's interval of the ratio, never the interval of the difference divided by before", () => {
    // Median dwell 100 s before, 2 s after: [-103 s, -94 s] over 100 s would read an impossible -103 %.
    const dwell = m("medianDwell", 100, 2, { interval: [-103, -94], relative: { estimate: -0.98, interval: [-0.99, -0.95] }, verdict: "decrease" });
    const [row] = verdictRows({ ...result, zones: [zone("promo", [dwell])] }, (z) => z);
    expect(row!.change).toBe("−98 % [−99 %, −95 %]");
  });
});

describe("formatting", () => {
  it("leaves out missing figures and intervals", () => {
    expect(formatMetricValue("visits", null)).toBe("–");
    expect(formatMetricValue("visits", 1234)).toBe("1,234 per trip");
    expect(formatMetricValue("visits", 0.214)).toBe("0.21 per trip");
    // Nobody went there: says what the 0 counts, as the shares' "0%" does.
    expect(formatMetricValue("visits", 0)).toBe("0 per trip");
    expect(formatMetricValue("reach", 0)).toBe("0.0 %");
    expect(formatEffect("reach", 0.2, 0.1, null, { estimate: 0.5, interval: [0.2, 0.9] })).toBe("+50 %");
    expect(formatEffect("visits", 0.5, -0.06, [-0.1, -0.02], { estimate: -0.12, interval: [-0.2, -0.04] })).toBe("−12 % [−20 %, −4 %]");
    // Without the server's ratio figures, the absolute ones: never the absolute interval divided by before.
    expect(formatEffect("medianDwell", 100, -98, [-103, -94])).toBe("−98 s [−103 s, −94 s]");
    expect(formatEffect("visits", 0, 0.25, [0.1, 0.4])).toBe("+0.25 [+0.10, +0.40]");
    expect(formatEffect("reach", 0, 0.036, [0.01, 0.06])).toBe("+3.6 pts [+1.0 pts, +6.0 pts]");
  });
  it("writes the change as the row's verdict sentence does (core's formatChange), for every metric, before 0 included", () => {
    const unit = { reach: "share", visits: "count", medianDwell: "seconds", conversion: "share" } as const;
    const figures = fc.oneof(fc.constant(0), fc.double({ min: -1000, max: 1000, noNaN: true }));
    fc.assert(
      fc.property(
        fc.constantFrom("reach", "visits", "medianDwell", "conversion" as const),
        fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 1000, noNaN: true })),
        figures,
        figures,
        figures,
        fc.option(fc.tuple(fc.double({ min: -0.999, max: 10, noNaN: true }), fc.double({ min: -0.999, max: 10, noNaN: true }), fc.double({ min: -0.999, max: 10, noNaN: true }))),
        (metric, before, c, x, y, rel) => {
          const after = before + c;
          // The change as the server's verdict computes it (after - before).
          const change = after - before;
          const interval: [number, number] = [Math.min(x, y), Math.max(x, y)];
          const ratio = rel ? { estimate: rel[0], interval: [Math.min(rel[1], rel[2]), Math.max(rel[1], rel[2])] as [number, number] } : null;
          const sentence = formatChange({ unit: unit[metric], before, after, interval, relative: true, ratio }).replace(/ relative to before$/, "");
          expect(formatEffect(metric, before, change, interval, ratio)).toBe(sentence);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe("reach plans", () => {
  it("puts both sides on one scale and greys zones outside the experiment", () => {
    const { before, after, max } = reachValues(result);
    expect(max).toBe(0.28);
    const layout = { zones: [{ id: "promo", name: "Promo", kind: "zone", polygon: [[0, 0], [1, 0], [1, 1]] }, { id: "wine", name: "Wine", kind: "zone", polygon: [[2, 0], [3, 0], [3, 1]] }] } as unknown as Pick<Layout, "zones">;
    const [promoAfter, wine] = reachZones(layout, after, max);
    expect(promoAfter!.fill).toBe("#fde725");
    expect(promoAfter!.label).toBe("28 %");
    expect(wine!.fill).toBe(NO_DATA_FILL);
    expect(reachZones(layout, before, max)[0]!.fill).not.toBe("#fde725");
  });
});

describe("sampleNotice", () => {
  const metric = (verdict: MetricResult["verdict"]) => m("reach", 0.1, 0.2, { verdict });
  it("says when no verdict can tell anything, with the trips of each period", () => {
    const r = { zones: [zone("promo", [metric("too small to tell"), metric("not comparable")])], trips: { test: { before: 12, after: 9 }, control: null } };
    expect(sampleNotice(r)).toBe(
      "Too few trips and visits to tell anything yet (12 trips before, 9 after): a verdict needs at least 30 trips (for reach and visits per trip) or 30 visits to the zone (for median dwell and conversion) in each period, in the control stores too where there are some. Wait for more data or take longer periods before deciding.",
    );
  });
  it("does not ask to wait for more data when every zone is only not comparable (a zone the change added)", () => {
    expect(sampleNotice({ zones: [zone("promo", [metric("not comparable"), metric("not comparable")])], trips: { test: { before: 2649, after: 2958 }, control: null } })).toBeNull();
  });
  it("says nothing when some verdict stands", () => {
    expect(sampleNotice({ zones: [zone("promo", [metric("too small to tell"), metric("increase")])], trips: result.trips })).toBeNull();
  });
});

describe("countedHint", () => {
  it("says what the figure as counted is, without sending people to a one-step funnel (Funnels asks for two steps and shows no share of all trips)", () => {
    expect(countedHint("reach")).toBe(
      "As counted: trips that reached the zone over all the period's trips, not adjusted. The figure above is adjusted for the mix of weekdays and hours, so that both periods weigh them alike.",
    );
    expect(countedHint("visits")).toMatch(/^As counted: visits to the zone over all the period's trips, not adjusted\./);
    for (const m of ["reach", "visits"] as const) expect(countedHint(m)).not.toMatch(/funnel/i);
  });
});

describe("experimentCsvFile", () => {
  it("starts the saved CSV with a BOM, once, so that Excel reads accented zone names", () => {
    const csv = "zone,name,metric\r\nfruit,Fruits & légumes,reach\r\n";
    expect(experimentCsvFile(csv)).toBe(`\uFEFF${csv}`);
    expect(experimentCsvFile(experimentCsvFile(csv))).toBe(`\uFEFF${csv}`);
  });
});

describe("adjustmentHint", () => {
  it("names the figures adjusted for the weekday-hour mix and those that are not, as the result marks them", () => {
    const all = (adjusted: (id: MetricResult["metric"]) => boolean) => ({
      level: 0.95,
      zones: [zone("promo", (["reach", "visits", "medianDwell", "conversion"] as const).map((id) => m(id, 0.1, 0.2, { adjusted: adjusted(id) })))],
    });
    expect(adjustmentHint(all((id) => id === "reach" || id === "visits"))).toBe(
      "Changes with 95 % intervals; reach and visits per trip adjusted for the mix of weekdays and hours (median dwell and conversion are not)",
    );
    expect(adjustmentHint(all((id) => id === "reach"))).toBe("Changes with 95 % intervals; reach adjusted for the mix of weekdays and hours (visits per trip, median dwell and conversion are not)");
    expect(adjustmentHint(all(() => false))).toBe("Changes with 95 % intervals");
    expect(adjustmentHint({ level: 0.95, zones: [zone("promo", [m("reach", 0.1, 0.2, { adjusted: true })])] })).toBe("Changes with 95 % intervals; reach adjusted for the mix of weekdays and hours");
  });
});

describe("tripsBasis", () => {
  it("says how many trips the verdicts rest on, test and control stores", () => {
    expect(tripsBasis({ ...result, trips: { test: { before: 2649, after: 1 }, control: null } })).toBe("2,649 trips before and 1 after in the test store");
    const controls = { ...result, experiment: { ...result.experiment, controlStores: ["a", "b"] }, trips: { test: { before: 1, after: 2 }, control: { before: 6198, after: 7090 } } };
    expect(tripsBasis(controls)).toBe("1 trip before and 2 after in the test store; 6,198 and 7,090 in the control stores");
  });
});

describe("verdictGuide", () => {
  const rows = (...v: Parameters<typeof verdictGuide>[0][number]["verdict"][]) => v.map((verdict) => ({ verdict }));
  it("says that no clear change is not proof of no effect, only where such a verdict is shown", () => {
    const lines = verdictGuide(rows("increase", "no clear change"));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^No clear change: the interval includes 0.*does not show that the layout made no difference/);
    expect(verdictGuide(rows("increase", "decrease")).join(" ")).not.toMatch(/No clear change/);
    expect(verdictGuide(rows("too small to tell"))).toEqual([
      "Too small to tell: no verdict is given, whatever the figures, since a verdict needs at least 30 trips (for reach and visits per trip) or 30 visits to the zone (for median dwell and conversion) in each period, in the control stores too where there are some.",
    ]);
    expect(verdictGuide(rows("not comparable"))).toEqual([]);
    expect(verdictGuide([])).toEqual([]);
  });
});

describe("not conclusive", () => {
  it("is grey like no clear change (never the green or red of a verdict to act on), and the guide says what to do", () => {
    expect(verdictTone("not conclusive")).toBe("flat");
    expect(verdictTone("increase")).toBe("up");
    expect(verdictGuide([{ verdict: "not conclusive" }])).toEqual([
      "Not conclusive: the interval lies on one side of 0, but the periods fall mostly on different weekdays and hours, so a weekday's own pattern may explain the change. Compare a week or more on each side before acting on it.",
    ]);
  });
});

describe("warningSentence", () => {
  it("reads each of the result's warnings as a sentence, capitalised and with a full stop, as the form's notes do", () => {
    expect(warningSentence("the after period is not over yet (40 % of it has passed): these are the figures so far, and they will change as data arrives")).toBe(
      "The after period is not over yet (40 % of it has passed): these are the figures so far, and they will change as data arrives.",
    );
    expect(warningSentence("too few trips to tell: 3 before, 4 after (at least 30 each needed)")).toBe("Too few trips to tell: 3 before, 4 after (at least 30 each needed).");
    expect(warningSentence("not comparable: “Café corner” did not exist in both periods.")).toBe("Not comparable: “Café corner” did not exist in both periods.");
    expect(warningSentence("12 comparisons at 95 % confidence: about 5 in 100 unchanged metrics still read as a change by chance")).toBe(
      "12 comparisons at 95 % confidence: about 5 in 100 unchanged metrics still read as a change by chance.",
    );
    expect(warningSentence("")).toBe("");
  });

  it("changes nothing but the first letter and the end", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((s) => s.trim() === s && s.length > 0), (s) => {
        const out = warningSentence(s);
        expect(out.slice(1, s.length)).toBe(s.slice(1));
        expect(out.charAt(0).toLowerCase()).toBe(s.charAt(0).toLowerCase());
        expect(/[.!?]$/.test(out)).toBe(true);
      }),
    );
  });
});

describe("a result whose after period still runs", () => {
  const DAY = 86_400_000;
  const after = { from: Date.UTC(2026, 11, 1), to: Date.UTC(2026, 11, 14, 23) }; // ends Tue 15 Dec, 00:00 in Paris: final that day
  const running = { ...result, timeZone: "Europe/Paris", experiment: { ...result.experiment, before: { from: after.from - 7 * DAY, to: after.from }, after }, computedAt: after.from + Math.round(0.645 * (after.to - after.from)) };

  it("is provisional (the server's word, else core's rule at computedAt), with the share passed and the day it is final", () => {
    expect(provisionalOf({ ...running, provisional: true })).toEqual({ passedPercent: 64, finalOn: "Tue, 15 Dec 2026" });
    expect(provisionalOf(running)).toEqual({ passedPercent: 64, finalOn: "Tue, 15 Dec 2026" });
    expect(provisionalOf({ ...running, computedAt: after.to })).toBeNull();
    expect(provisionalOf({ ...running, provisional: false })).toBeNull();
  });

  it("shows an increase as 'increase so far', grey, never the green of a final one, with when it is final", () => {
    const p = provisionalOf(running);
    expect(verdictShown("increase", p)).toEqual({ label: "increase so far", tone: "flat", note: "after period 64 % passed, final on Tue, 15 Dec 2026" });
    expect(verdictShown("increase", null)).toEqual({ label: "increase", tone: "up", note: null });
  });

  it("never shows the green or red of a final verdict while provisional, and says 'so far' of every verdict that reads the figures", () => {
    const verdicts = ["increase", "decrease", "no clear change", "too small to tell", "not conclusive", "not comparable"] as const;
    fc.assert(
      fc.property(fc.constantFrom(...verdicts), fc.integer({ min: 0, max: 99 }), (v, passedPercent) => {
        const shown = verdictShown(v, { passedPercent, finalOn: "Tue, 15 Dec 2026" });
        expect(["up", "down"]).not.toContain(shown.tone);
        expect(shown.label.endsWith(" so far")).toBe(["increase", "decrease", "no clear change", "not conclusive"].includes(v));
        expect(shown.note).toBe(`after period ${passedPercent} % passed, final on Tue, 15 Dec 2026`);
        expect(verdictShown(v, null)).toEqual({ label: v, tone: verdictTone(v), note: null });
      }),
    );
  });
});
