import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Layout } from "@footfall/core";
import type { FunnelStep } from "../api/types.js";
import { bandSeries, notCountedRuns, NOT_COUNTED_BAND } from "./traffic.js";
import { bucketSeries, completionText, DOOR_ONLY, doorOnlyZones, funnelReducer, funnelRows, MAX_STEPS, outageStepNames, pickFromParams, pickProblem, pickToParams, stepOptions, type FunnelPick } from "./funnel.js";

const pick = (steps: string[], mode: FunnelPick["mode"] = "zones"): FunnelPick => ({ mode, steps, by: "none" });
const layout = {
  zones: [
    { id: "checkout", name: "Checkout", kind: "checkout", polygon: [] },
    { id: "promo", name: "Promo", kind: "zone", polygon: [] },
    { id: "door", name: "Door", kind: "entrance", polygon: [] },
  ],
} as unknown as Pick<Layout, "zones">;

describe("funnelReducer", () => {
  it("adds steps in the order they are picked, each once", () => {
    let s = funnelReducer(pick([]), { type: "addStep", step: "door" });
    s = funnelReducer(s, { type: "addStep", step: "promo" });
    s = funnelReducer(s, { type: "addStep", step: "door" });
    expect(s.steps).toEqual(["door", "promo"]);
  });
  it("moves a step up or down and ignores a move past either end", () => {
    const s = pick(["a", "b", "c"]);
    expect(funnelReducer(s, { type: "moveStep", index: 2, by: -1 }).steps).toEqual(["a", "c", "b"]);
    expect(funnelReducer(s, { type: "moveStep", index: 0, by: -1 })).toBe(s);
    expect(funnelReducer(s, { type: "moveStep", index: 2, by: 1 })).toBe(s);
  });
  it("removes a step by its place", () => {
    expect(funnelReducer(pick(["a", "b", "c"]), { type: "removeStep", index: 1 }).steps).toEqual(["a", "c"]);
  });
  it("keeps the steps of each mode when switching between zones and departments", () => {
    const d = funnelReducer(pick(["a", "b"]), { type: "setMode", mode: "departments" });
    expect(d).toEqual({ mode: "departments", steps: [], by: "none", other: ["a", "b"] });
    const d2 = funnelReducer(d, { type: "addStep", step: "Fresh" });
    const z = funnelReducer(d2, { type: "setMode", mode: "zones" });
    expect(z).toEqual({ mode: "zones", steps: ["a", "b"], by: "none", other: ["Fresh"] });
    // ...through the URL too.
    const params = Object.fromEntries(Object.entries(pickToParams(z)).filter(([, v]) => v !== null)) as Record<string, string>;
    expect(pickFromParams(params)).toEqual(z);
  });
  it("stops at the most steps a funnel can show", () => {
    let s = pick([]);
    for (let i = 0; i < MAX_STEPS + 2; i++) s = funnelReducer(s, { type: "addStep", step: `z${i}` });
    expect(s.steps).toHaveLength(MAX_STEPS);
  });
});

describe("pick in the URL", () => {
  it("round-trips steps, departments and the breakdown", () => {
    const p: FunnelPick = { mode: "departments", steps: ["Fresh", "Tills"], by: "hour" };
    const params = Object.fromEntries(Object.entries(pickToParams(p)).filter(([, v]) => v !== null)) as Record<string, string>;
    expect(params).toEqual({ steps: "Fresh,Tills", alias: "1", by: "hour" });
    expect(pickFromParams(params)).toEqual(p);
  });
  it("drops repeated and empty steps and an unknown breakdown", () => {
    expect(pickFromParams({ steps: "a,,b,a", by: "week" })).toEqual({ mode: "zones", steps: ["a", "b"], by: "none" });
  });
});

describe("stepOptions", () => {
  it("lists entrances first and checkouts last, marking the steps already picked", () => {
    expect(stepOptions(pick(["promo"]), layout, undefined)).toEqual([
      { id: "door", label: "Door", picked: false, unavailable: null },
      { id: "promo", label: "Promo", picked: true, unavailable: null },
      { id: "checkout", label: "Checkout", picked: false, unavailable: null },
    ]);
  });
  it("offers a zone that only a door counter sees as unavailable, with the reason", () => {
    const doorOnly = doorOnlyZones(new Map([["door", 120], ["promo", 30]]), [{ zone: "door", visits: 0 }, { zone: "promo", visits: 30 }]);
    expect([...doorOnly]).toEqual(["door"]);
    expect(stepOptions(pick([]), layout, undefined, doorOnly).find((o) => o.id === "door")?.unavailable).toBe(DOOR_ONLY);
  });
  it("lists departments by name in department mode", () => {
    expect(stepOptions(pick([], "departments"), layout, { Tills: ["checkout"], Fresh: ["promo"] }).map((o) => o.id)).toEqual(["Fresh", "Tills"]);
  });
});

describe("pickProblem", () => {
  it("asks for two steps at least", () => {
    expect(pickProblem(pick([]))).toMatch(/at least 2/);
    expect(pickProblem(pick(["a"]))).toMatch(/one more step/);
    expect(pickProblem(pick(["a", "b"]))).toBeNull();
  });
});

describe("funnelRows", () => {
  it("names the steps, shows drop-off where trips went missing and fills in rates the server left out", () => {
    const rows = funnelRows(
      [
        // The server counts drop-off at the step people leave from (an older server left rates out).
        { step: "door", reached: 200, dropOff: 150, rate: null, stepRate: null } as unknown as FunnelStep,
        { step: "promo", reached: 50, dropOff: 10, rate: null, stepRate: null } as unknown as FunnelStep,
        { step: "checkout", reached: 40, dropOff: 0, rate: 0.2, stepRate: 0.8, shareOfTrips: 0.1 },
      ],
      (s) => s.toUpperCase(),
    );
    expect(rows.map((r) => [r.label, r.rate, r.stepRate, r.dropOff])).toEqual([
      ["DOOR", 1, null, 0],
      ["PROMO", 0.25, 0.25, 150],
      ["CHECKOUT", 0.2, 0.8, 10],
    ]);
    // A step's share of every trip in the range (a zone's reach), where the server gives it.
    expect(rows.map((r) => r.ofAll)).toEqual([null, null, 0.1]);
  });
  it("gives no share of nobody: the server's 0 for 0 of 0 is null, at the first step and after a step nobody reached", () => {
    // What GET /funnel answers for a range before the store's figures, or with nobody at the first step.
    const none = funnelRows(
      [
        { step: "fruit", reached: 0, dropOff: 0, rate: 0, stepRate: 0, shareOfTrips: 0 },
        { step: "checkout", reached: 0, dropOff: 0, rate: 0, stepRate: 0, shareOfTrips: 0 },
      ],
      (s) => s,
    );
    expect(none.map((r) => [r.rate, r.stepRate])).toEqual([[null, null], [null, null]]);
    // Trips at the first step, none at the second: the third's share of the first is a real 0, of the previous none.
    const later = funnelRows(
      [
        { step: "fruit", reached: 8, dropOff: 8, rate: 1, stepRate: 1, shareOfTrips: 0.5 },
        { step: "fitting", reached: 0, dropOff: 0, rate: 0, stepRate: 0, shareOfTrips: 0 },
        { step: "checkout", reached: 0, dropOff: 0, rate: 0, stepRate: 0, shareOfTrips: 0 },
      ],
      (s) => s,
    );
    expect(later.map((r) => [r.rate, r.stepRate])).toEqual([[1, null], [0, 0], [0, null]]);
  });
});

describe("completionText", () => {
  const rows = (...reached: number[]) => funnelRows(reached.map((n, i) => ({ step: `s${i}`, reached: n, dropOff: 0, rate: reached[0] ? n / reached[0] : 0, stepRate: 0, shareOfTrips: 0 })), (s) => s);
  it("says the share of the first step's trips that reached the last", () => {
    expect(completionText(rows(8, 4, 1), false)).toBe("13 % of those at the first step reached the last");
  });
  it("is a real 0 % when trips reached the first step and none the last", () => {
    expect(completionText(rows(8, 0), false)).toBe("0.0 % of those at the first step reached the last");
  });
  it("says nothing when no trip reached the first step, or the range has no data, instead of 0.0 %", () => {
    expect(completionText(rows(0, 0), false)).toBeNull();
    expect(completionText(rows(8, 4), true)).toBeNull();
    expect(completionText(null, false)).toBeNull();
  });
});

describe("bucketSeries", () => {
  it("gives each step its series over the buckets and the completion per bucket", () => {
    const step = (s: string, reached: number): FunnelStep => ({ step: s, reached, dropOff: 0, rate: 1, stepRate: 1, shareOfTrips: 0 });
    const series = bucketSeries(
      {
        steps: [step("a", 30), step("b", 6)],
        buckets: [
          { start: "2026-11-02T09:00:00+01:00", steps: [step("a", 10), step("b", 5)] },
          { start: "2026-11-02T10:00:00+01:00", steps: [step("a", 0), step("b", 0)] },
        ],
      },
      "hour",
      (s) => s,
      "Europe/Paris",
    );
    expect(series.labels).toEqual(["Mon 09:00", "Mon 10:00"]);
    expect(series.series).toEqual([
      { step: "a", label: "a", values: [10, 0] },
      { step: "b", label: "b", values: [5, 0] },
    ]);
    expect(series.completion).toEqual([0.5, null]);
  });
  it("gives no data (null), not 0, for a bucket before the store's first figures or still to come", () => {
    const step = (s: string, reached: number): FunnelStep => ({ step: s, reached, dropOff: 0, rate: 1, stepRate: 1, shareOfTrips: 0 });
    const days = ["2026-11-01T00:00:00+01:00", "2026-11-02T00:00:00+01:00", "2026-11-03T00:00:00+01:00"];
    const report = { steps: [step("a", 10), step("b", 5)], buckets: days.map((start, i) => ({ start, steps: [step("a", i === 1 ? 10 : 0), step("b", i === 1 ? 5 : 0)] })) };
    const to = Date.parse("2026-11-04T00:00:00+01:00");
    const coverage = { from: Date.parse("2026-11-02T15:00:00+01:00"), now: Date.parse("2026-11-02T20:00:00+01:00") };
    const series = bucketSeries(report, "day", (s) => s, "Europe/Paris", { to }, coverage);
    expect(series.series.map((x) => x.values)).toEqual([[null, 10, null], [null, 5, null]]);
    expect(series.completion).toEqual([null, 0.5, null]);
    // Until the store's first figures are known, every bucket is drawn as the API gives it.
    expect(bucketSeries(report, "day", (s) => s, "Europe/Paris", { to }, undefined).series[0]!.values).toEqual([0, 10, 0]);
  });
  it("gives each bucket its open hours a zone was counted by no agent (the funnel's outages), to shade them as the traffic chart does", () => {
    const step = (s: string, reached: number): FunnelStep => ({ step: s, reached, dropOff: 0, rate: 1, stepRate: 1, shareOfTrips: 0 });
    const at = (h: number, m = 0) => Date.parse(`2026-11-30T${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:00+01:00`);
    const hours = [13, 14, 15, 16, 17].map((h) => ({ start: `2026-11-30T${h}:00:00+01:00`, steps: [step("fruit", 4), step("checkout", 2)] }));
    // Fruit & veg's camera offline 14:00-15:00 and 16:20-16:40: two hours; a part of an hour is an hour, as the CSV's not_counted_hours.
    const outages = { hours: 2, zones: ["fruit"], spans: [{ from: at(14), to: at(15) }, { from: at(16, 20), to: at(16, 40) }] };
    const report = { steps: [step("fruit", 20), step("checkout", 10)], buckets: hours, outages };
    const series = bucketSeries(report, "hour", (s) => s, "Europe/Paris", { to: at(18) });
    expect(series.notCounted).toEqual([0, 1, 0, 1, 0]);
    // Bands from the start of each such hour to its end, on the chart's hidden value axis.
    expect((bandSeries("Not counted", NOT_COUNTED_BAND, notCountedRuns(series.notCounted)) as { markArea: { data: unknown } }).markArea.data).toEqual([
      [{ xAxis: 1 }, { xAxis: 2 }],
      [{ xAxis: 3 }, { xAxis: 4 }],
    ]);
    // By day: the day's hours; none where the bucket has no data (still to come), nor without outages.
    const day = bucketSeries({ ...report, buckets: [{ start: "2026-11-30T00:00:00+01:00", steps: report.steps }] }, "day", (s) => s, "Europe/Paris", { to: at(23) });
    expect(day.notCounted).toEqual([2]);
    expect(bucketSeries({ ...report, buckets: hours }, "hour", (s) => s, "Europe/Paris", { to: at(18) }, { from: at(9), now: at(15, 30) }).notCounted).toEqual([0, 1, 0, 0, 0]);
    expect(bucketSeries({ ...report, outages: null }, "hour", (s) => s, "Europe/Paris", { to: at(18) }).notCounted).toEqual([0, 0, 0, 0, 0]);
    expect(bandSeries("Not counted", NOT_COUNTED_BAND, [])).toBeUndefined();
  });
});

describe("outageStepNames", () => {
  const zoneName = (z: string) => new Map([["fruit", "Fruit & veg"], ["bakery", "Bakery"], ["entrance", "Entrance"], ["promo", "Promo"]]).get(z) ?? z;
  const departments = { Fresh: ["fruit", "bakery"], Offers: ["promo"] };

  it("names zones by their names with zones as steps, and by their department with departments as steps", () => {
    expect(outageStepNames(["entrance", "fruit", "bakery"], "zones", zoneName, departments)).toEqual(["Entrance", "Fruit & veg", "Bakery"]);
    // A department's zones together where its first comes; a zone in no department by its own name.
    expect(outageStepNames(["fruit", "entrance", "bakery", "promo"], "departments", zoneName, departments)).toEqual(["Fresh (Fruit & veg and Bakery)", "Entrance", "Offers (Promo)"]);
    expect(outageStepNames(["bakery"], "departments", zoneName, departments, (d) => `«${d}»`)).toEqual(["«Fresh» (Bakery)"]);
    // Departments not loaded yet: the zones' names; "constructor" is no department of an empty map.
    expect(outageStepNames(["fruit"], "departments", zoneName, undefined)).toEqual(["Fruit & veg"]);
    expect(outageStepNames(["constructor"], "departments", zoneName, {})).toEqual(["constructor"]);
  });

  it("names every zone once, under its own department, against a plain reference", () => {
    const zone = fc.constantFrom("a", "b", "c", "d", "e", "f");
    fc.assert(
      fc.property(fc.uniqueArray(zone, { maxLength: 6 }), fc.dictionary(fc.constantFrom("D1", "D2", "D3"), fc.uniqueArray(zone, { minLength: 1, maxLength: 3 })), (zones, raw) => {
        // A zone belongs to at most one department (the server's rule): keep its first.
        const seen = new Set<string>();
        const deps = Object.fromEntries(Object.entries(raw).map(([d, zs]) => [d, (zs ?? []).filter((z) => !seen.has(z) && (seen.add(z), true))]).filter(([, zs]) => zs!.length > 0));
        const out = outageStepNames(zones, "departments", (z) => z.toUpperCase(), deps);
        const dep = (z: string) => Object.keys(deps).find((d) => deps[d]!.includes(z));
        const expected: string[] = [];
        for (const z of zones) {
          const d = dep(z);
          if (d === undefined) expected.push(z.toUpperCase());
          else if (zones.find((y) => dep(y) === d) === z) {
            const members = zones.filter((y) => dep(y) === d).map((y) => y.toUpperCase());
            expected.push(`${d} (${members.length === 1 ? members[0] : `${members.slice(0, -1).join(", ")} and ${members.at(-1)}`})`);
          }
        }
        expect(out).toEqual(expected);
      }),
    );
  });
});
