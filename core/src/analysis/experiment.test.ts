import { describe, expect, it } from "vitest";
import { mulberry32 } from "../random.js";
import type { PeriodData, StorePeriods } from "./experiment-data.js";
import { experimentResult, type ExperimentResult } from "./experiment.js";
import type { MetricResult } from "./experiment-metrics.js";
import { newcombeDiffInterval } from "./proportions.js";

/**
 * Seeded simulations where the truth is known. A store's trips fall on weekday-hour cells drawn
 * from a mix; each trip reaches each zone with a probability that may depend on the weekday;
 * a reached zone gets one visit (two with probability 0.1), each visit a log-normal dwell
 * (closed with probability 0.9) and a sale with a fixed probability.
 */

type Uniform = () => number;
const HOURS = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
const HOUR_WEIGHTS = [3, 5, 7, 9, 8, 7, 7, 8, 10, 11, 8, 4];

interface Sim {
  trips: number;
  /** Relative weights of ISO weekdays 1..7. */
  weekdays: readonly number[];
  /** Probability that a trip on `weekday` reaches `zone`. */
  reach: (zone: string, weekday: number) => number;
  dwellMedianS: (zone: string) => number;
  conversion: (zone: string) => number;
}

function pick(random: Uniform, weights: readonly number[]): number {
  const total = weights.reduce((s, w) => s + w, 0);
  let u = random() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i]!;
    if (u < 0) return i;
  }
  return weights.length - 1;
}

/** A standard normal draw (Box-Muller). */
function gauss(random: Uniform): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const ZONES = ["promo", "shoes"];

function simulatePeriod(random: Uniform, sim: Sim): PeriodData {
  const d: Required<PeriodData> = {
    tripsByCell: {},
    reachByZoneCell: {},
    visitsByZone: {},
    dwellSecondsByZone: {},
    transactionsByZone: {},
    visitsByZoneCell: {},
  };
  const inc = (m: Record<string, number>, k: string, by = 1): void => {
    m[k] = (m[k] ?? 0) + by;
  };
  for (let t = 0; t < sim.trips; t++) {
    const weekday = pick(random, sim.weekdays) + 1;
    const cell = `${weekday}-${HOURS[pick(random, HOUR_WEIGHTS)]}`;
    inc(d.tripsByCell, cell);
    for (const zone of ZONES) {
      if (random() >= sim.reach(zone, weekday)) continue;
      inc((d.reachByZoneCell[zone] ??= {}), cell);
      const visits = random() < 0.1 ? 2 : 1;
      inc(d.visitsByZone, zone, visits);
      inc((d.visitsByZoneCell[zone] ??= {}), cell, visits);
      for (let v = 0; v < visits; v++) {
        if (random() < 0.9) (d.dwellSecondsByZone[zone] ??= []).push(Math.round(sim.dwellMedianS(zone) * Math.exp(0.8 * gauss(random))));
        if (random() < sim.conversion(zone)) inc(d.transactionsByZone, zone);
      }
    }
  }
  return d;
}

function store(name: string, random: Uniform, before: Sim, after: Sim): StorePeriods {
  return { store: name, before: simulatePeriod(random, before), after: simulatePeriod(random, after) };
}

const WEEKDAY_HEAVY = [1, 1, 1, 1, 1.2, 1.1, 0.9]; // weekend share about 0.28
const WEEKEND_HEAVY = [0.6, 0.6, 0.6, 0.6, 0.8, 1.6, 1.4]; // weekend share 0.5
const flat = (v: number) => () => v;

/** Reach of the promo table: 0.27 on weekdays, 0.375 at weekends (0.30 over the weekday-heavy mix), plus `lift`; shoes: 0.4. */
const promoReach =
  (lift: number) =>
  (zone: string, weekday: number): number =>
    zone === "promo" ? (weekday >= 6 ? 0.375 : 0.27) + lift : 0.4;

const base = (trips: number, weekdays: readonly number[], lift: number): Sim => ({
  trips,
  weekdays,
  reach: promoReach(lift),
  dwellMedianS: flat(60),
  conversion: flat(0.2),
});

const OPTS = {};
const metric = (r: ExperimentResult, zone: string, name: MetricResult["metric"]): MetricResult =>
  r.zones.find((z) => z.zone === zone)!.metrics.find((m) => m.metric === name)!;
const covers = (i: readonly [number, number] | null, v: number): boolean => i !== null && i[0] <= v && v <= i[1];

describe("experimentResult on simulated stores", () => {
  it("detects a layout change that raises the promo table's reach from 0.30 to 0.36, with an interval covering +0.06, in at least 90 % of 50 seeds", () => {
    let increase = 0;
    let covered = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const random = mulberry32(seed);
      const input = {
        zones: ZONES,
        timeZone: "Europe/Paris",
        test: [store("s1", random, base(3000, WEEKDAY_HEAVY, 0), base(3000, WEEKEND_HEAVY, 0.06))],
        control: [],
      };
      const reach = metric(experimentResult(input, { seed, ...OPTS }), "promo", "reach");
      if (reach.verdict === "increase" && reach.change! > 0) increase++;
      if (covers(reach.interval, 0.06)) covered++;
    }
    expect(increase).toBeGreaterThanOrEqual(45);
    expect(covered).toBeGreaterThanOrEqual(45);
  });

  it("reads a change of nothing as no clear change in at least 95 % of 100 seeds, though the weekday mix moved", () => {
    const clear = { reach: 0, visits: 0, medianDwell: 0, conversion: 0 };
    for (let seed = 101; seed <= 200; seed++) {
      const random = mulberry32(seed);
      const input = {
        zones: ZONES,
        timeZone: "Europe/Paris",
        test: [store("s1", random, base(3000, WEEKDAY_HEAVY, 0), base(3000, WEEKEND_HEAVY, 0))],
        control: [],
      };
      const r = experimentResult(input, { seed, ...OPTS });
      for (const m of ["reach", "visits", "medianDwell", "conversion"] as const) if (metric(r, "promo", m).verdict === "no clear change") clear[m]++;
    }
    expect(clear.reach).toBeGreaterThanOrEqual(95);
    expect(clear.visits).toBeGreaterThanOrEqual(93);
    expect(clear.medianDwell).toBeGreaterThanOrEqual(93);
    expect(clear.conversion).toBeGreaterThanOrEqual(93);
  });

  it("adjusts for the weekday mix: a shift to weekends, where reach is higher, shows unadjusted but not adjusted", () => {
    const reachByDay = (zone: string, weekday: number): number => (zone === "promo" ? (weekday >= 6 ? 0.5 : 0.2) : 0.4);
    const sim = (weekdays: readonly number[]): Sim => ({ trips: 3000, weekdays, reach: reachByDay, dwellMedianS: flat(60), conversion: flat(0.2) });
    let rawChange = 0;
    let adjustedClear = 0;
    for (let seed = 201; seed <= 220; seed++) {
      const random = mulberry32(seed);
      const s = store("s1", random, sim(WEEKDAY_HEAVY), sim(WEEKEND_HEAVY));
      const reach = metric(experimentResult({ zones: ZONES, timeZone: "Europe/Paris", test: [s], control: [] }, { seed, ...OPTS }), "promo", "reach");
      const count = (d: PeriodData): [number, number] => [
        Object.values(d.reachByZoneCell.promo!).reduce((a, b) => a + b, 0),
        Object.values(d.tripsByCell).reduce((a, b) => a + b, 0),
      ];
      const [xb, nb] = count(s.before);
      const [xa, na] = count(s.after);
      if (newcombeDiffInterval(xb, nb, xa, na)[0] > 0) rawChange++;
      expect(reach.unadjusted!.after - reach.unadjusted!.before).toBeGreaterThan(0.03);
      if (reach.verdict === "no clear change") adjustedClear++;
    }
    expect(rawChange).toBe(20);
    expect(adjustedClear).toBeGreaterThanOrEqual(18);
  });

  it("removes a seasonal shift shared with a control store by difference in differences", () => {
    let naiveIncrease = 0;
    let didClear = 0;
    let didCovered = 0;
    for (let seed = 301; seed <= 330; seed++) {
      const random = mulberry32(seed);
      // Both stores' reach of the promo table rises by 0.06 with the season; the layout did nothing.
      const test = store("t1", random, base(3000, WEEKDAY_HEAVY, 0), base(3000, WEEKDAY_HEAVY, 0.06));
      const control = store("c1", random, base(3000, WEEKDAY_HEAVY, -0.05), base(3000, WEEKDAY_HEAVY, 0.01));
      const reach = metric(experimentResult({ zones: ZONES, timeZone: "Europe/Paris", test: [test], control: [control] }, { seed, ...OPTS }), "promo", "reach");
      expect(reach.basis).toBe("difference-in-differences");
      if (reach.interval![0] > 0) naiveIncrease++;
      if (reach.verdict === "no clear change") didClear++;
      if (covers(reach.did!.interval, 0)) didCovered++;
    }
    expect(naiveIncrease).toBeGreaterThanOrEqual(27);
    expect(didClear).toBeGreaterThanOrEqual(27);
    expect(didCovered).toBe(didClear);
  });

  it("recovers a layout effect of +0.06 on top of a shared seasonal shift of +0.05, covering it in at least 90 % of 50 seeds", () => {
    let increase = 0;
    let covered = 0;
    for (let seed = 401; seed <= 450; seed++) {
      const random = mulberry32(seed);
      const tests = [
        store("t1", random, base(2500, WEEKDAY_HEAVY, 0), base(2500, WEEKEND_HEAVY, 0.06 + 0.05)),
        store("t2", random, base(2500, WEEKDAY_HEAVY, 0), base(2500, WEEKEND_HEAVY, 0.11)),
      ];
      const controls = [
        store("c1", random, base(2500, WEEKDAY_HEAVY, 0), base(2500, WEEKEND_HEAVY, 0.05)),
        store("c2", random, base(2500, WEEKDAY_HEAVY, 0), base(2500, WEEKEND_HEAVY, 0.05)),
      ];
      const reach = metric(experimentResult({ zones: ZONES, timeZone: "Europe/Paris", test: tests, control: controls }, { seed, ...OPTS }), "promo", "reach");
      if (reach.verdict === "increase") increase++;
      if (covers(reach.did!.interval, 0.06)) covered++;
    }
    expect(increase).toBeGreaterThanOrEqual(45);
    expect(covered).toBeGreaterThanOrEqual(45);
  });
});

/** Every number in `value` is finite (the result goes to JSON, where NaN and Infinity become null). */
function allFinite(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (value && typeof value === "object") return Object.values(value).every(allFinite);
  return true;
}

function period(
  trips: Record<string, number>,
  promo: Partial<{ reach: Record<string, number>; visits: number; dwell: number[]; transactions: number }> = {},
): PeriodData {
  return {
    tripsByCell: trips,
    reachByZoneCell: { promo: promo.reach ?? {} },
    visitsByZone: { promo: promo.visits ?? 0 },
    dwellSecondsByZone: { promo: promo.dwell ?? [] },
    transactionsByZone: { promo: promo.transactions ?? 0 },
  };
}

describe("experimentResult", () => {
  const dwell = (n: number, median: number) => Array.from({ length: n }, (_, i) => median - n / 2 + i);
  const before = period({ "1-10": 200, "6-15": 100 }, { reach: { "1-10": 60, "6-15": 40 }, visits: 110, dwell: dwell(100, 60), transactions: 20 });
  const after = period({ "1-10": 150, "6-15": 150 }, { reach: { "1-10": 60, "6-15": 70 }, visits: 140, dwell: dwell(120, 70), transactions: 30 });
  const input = {
    zones: ["promo", "ghost"],
    timeZone: "Europe/Paris",
    test: [{ store: "s1", before, after }],
    control: [],
    zoneNames: { promo: "the promo table" },
  };

  it("reports every zone asked, in order, with reach, visits, median dwell and conversion", () => {
    const r = experimentResult(input, { seed: 1 });
    expect(r.zones.map((z) => [z.zone, z.name])).toEqual([
      ["promo", "the promo table"],
      ["ghost", "ghost"],
    ]);
    expect(r.zones[0]!.metrics.map((m) => [m.metric, m.unit])).toEqual([
      ["reach", "share"],
      ["visits", "count"],
      ["medianDwell", "seconds"],
      ["conversion", "share"],
    ]);
    expect(r).toMatchObject({ level: 0.95, timeZone: "Europe/Paris", trips: { test: { before: 300, after: 300 }, control: null } });
  });
  it("adjusts reach to the before period's mix and keeps the raw shares beside it", () => {
    const reach = experimentResult(input, { seed: 1 }).zones[0]!.metrics[0]!;
    expect(reach.before).toBeCloseTo(100 / 300, 12);
    expect(reach.after).toBeCloseTo((2 / 3) * 0.4 + (1 / 3) * (70 / 150), 12);
    expect(reach.unadjusted).toEqual({ before: 100 / 300, after: 130 / 300 });
    expect(reach).toMatchObject({ adjusted: true, basis: "before-after", did: null, sampleBefore: 300, sampleAfter: 300 });
  });
  it("takes visits per trip, the median dwell's bootstrap, and conversion as transactions per visit", () => {
    const [, visits, dwellM, conversion] = experimentResult(input, { seed: 1 }).zones[0]!.metrics;
    expect(visits).toMatchObject({ before: 110 / 300, after: 140 / 300, adjusted: false, unadjusted: null });
    expect(dwellM).toMatchObject({ before: 59.5, after: 69.5, change: 10, sampleBefore: 100, sampleAfter: 120 });
    expect(conversion).toMatchObject({ before: 20 / 110, after: 30 / 140 });
    expect(conversion!.interval![0]).toBeLessThan(0);
  });
  it("is the same for the same seed", () => {
    expect(experimentResult(input, { seed: 9 })).toEqual(experimentResult(input, { seed: 9 }));
  });
  it("says too small to tell, without NaN, for a zone without data", () => {
    const r = experimentResult(input, { seed: 1 });
    const ghost = r.zones[1]!.metrics;
    expect(ghost.find((m) => m.metric === "medianDwell")).toMatchObject({
      verdict: "too small to tell",
      before: null,
      interval: null,
      warning: "too few visits to tell: 0 before, 0 after (at least 30 each needed)",
    });
    expect(ghost.find((m) => m.metric === "reach")).toMatchObject({ before: 0, after: 0, verdict: "no clear change" });
    expect(allFinite(r)).toBe(true);
  });
  it("warns when the weekday/hour mix moved, and names what is not adjusted", () => {
    expect(experimentResult(input, { seed: 1 }).warnings).toContain(
      "the weekday/hour mix of trips differs between the periods (17 % of trips would have to move to another weekday or hour to match): reach is adjusted for it, median dwell and conversion are not",
    );
  });
  it("says the adjustment can do little when the periods fall on different weekdays (a day before, a day after)", () => {
    // Wednesday 13:00 to Thursday 13:00, then Thursday 13:00 to Friday 13:00: no weekday-hour in common.
    const day = (from: number, reachShare: number) => {
      const cells: Record<string, number> = {};
      const reach: Record<string, number> = {};
      for (let h = 0; h < 24; h++) {
        const cell = `${h < 11 ? from : from + 1}-${(h + 13) % 24}`;
        cells[cell] = 40;
        reach[cell] = Math.round(40 * reachShare);
      }
      return period(cells, { reach, visits: 400, dwell: Array.from({ length: 300 }, (_, i) => 20 + (i % 40)), transactions: 60 });
    };
    const r = experimentResult({ ...input, test: [{ store: "s1", before: day(3, 0.3), after: day(4, 0.3) }] }, { seed: 1 });
    expect(r.mix.distance).toBeCloseTo(1, 12);
    expect(r.warnings).toContain(
      "the periods fall mostly on different weekdays and hours (100 % of trips would have to move to another weekday or hour to match): the adjustment for the mix can do little, so a weekday's own pattern may read as an effect of the change; a week or more on each side compares like with like (reach is adjusted, median dwell and conversion are not)",
    );
    expect(r.warnings.some((w) => w.includes("adjusted for it"))).toBe(false);
  });
  it("gives no increase or decrease, only 'not conclusive', when the periods fall on different weekdays (the demo's 24 h before and after)", () => {
    // Wednesday 13:00 to Thursday 13:00, then Thursday to Friday: reach 30 % -> 50 % on 960 trips each is far outside chance,
    // but the warning says a weekday's own pattern may read as the change: a green "increase" beside it is not to be trusted.
    const day = (from: number, reachShare: number) => {
      const cells: Record<string, number> = {};
      const reach: Record<string, number> = {};
      for (let h = 0; h < 24; h++) {
        const cell = `${h < 11 ? from : from + 1}-${(h + 13) % 24}`;
        cells[cell] = 40;
        reach[cell] = Math.round(40 * reachShare);
      }
      return period(cells, { reach, visits: Math.round(960 * reachShare), dwell: Array.from({ length: 300 }, (_, i) => 20 + (i % 40)), transactions: 60 });
    };
    const r = experimentResult({ ...input, test: [{ store: "s1", before: day(3, 0.3), after: day(4, 0.5) }] }, { seed: 1 });
    expect(r.mix.distance).toBeGreaterThanOrEqual(0.5);
    const reach = r.zones[0]!.metrics.find((m) => m.metric === "reach")!;
    expect(reach.verdict).toBe("not conclusive");
    expect(reach.interval![0]).toBeGreaterThan(0);
    expect(reach.text).toMatch(/^a larger share of trips reached .*\(not conclusive: the periods fall mostly on different weekdays and hours/);
    expect(r.zones.flatMap((z) => z.metrics.map((m) => m.verdict)).filter((v) => v === "increase" || v === "decrease")).toEqual([]);
    // The same change on periods that share their weekdays and hours stays an increase.
    const same = experimentResult({ ...input, test: [{ store: "s1", before: day(3, 0.3), after: day(3, 0.5) }] }, { seed: 1 });
    expect(same.zones[0]!.metrics.find((m) => m.metric === "reach")!.verdict).toBe("increase");
  });
  it("adjusts visits too when every store gives visits per cell", () => {
    const withCells = (p: PeriodData, cells: Record<string, number>): PeriodData => ({ ...p, visitsByZoneCell: { promo: cells } });
    const r = experimentResult(
      { ...input, test: [{ store: "s1", before: withCells(before, { "1-10": 70, "6-15": 40 }), after: withCells(after, { "1-10": 60, "6-15": 80 }) }] },
      { seed: 1 },
    );
    const visits = r.zones[0]!.metrics[1]!;
    expect(visits.adjusted).toBe(true);
    expect(visits.after).toBeCloseTo((2 / 3) * 0.4 + (1 / 3) * (80 / 150), 12);
  });
  it("warns that conversion needs sales when none were recorded", () => {
    const noSales = (p: PeriodData): PeriodData => ({ ...p, transactionsByZone: {} });
    const r = experimentResult({ ...input, test: [{ store: "s1", before: noSales(before), after: noSales(after) }] }, { seed: 1 });
    expect(r.warnings).toContain("no sales recorded in the zones of interest of the test stores: conversion needs imported sales that name these zones or their departments");
    expect(r.zones[0]!.metrics[3]).toMatchObject({ verdict: "too small to tell", text: "conversion at the promo table: no sales recorded", before: null });
  });
  it("does not ask for imported sales when no visit was made in either period (periods still to come)", () => {
    const r = experimentResult({ ...input, test: [{ store: "s1", before: period({}), after: period({}) }] }, { seed: 1 });
    expect(r.warnings.join("\n")).not.toMatch(/sales/);
    expect(r.zones[0]!.metrics[3]).toMatchObject({ verdict: "too small to tell", text: "too few visits to tell about conversion at the promo table: no data", before: null });
  });
  it("treats more transactions than visits as a rate, with a warning", () => {
    const r = experimentResult({ ...input, test: [{ store: "s1", before, after: { ...after, transactionsByZone: { promo: 200 } } }] }, { seed: 1 });
    expect(r.warnings).toContain("more transactions than visits at the promo table: its conversion is a rate, not a share, and uses a Poisson approximation");
    expect(r.zones[0]!.metrics[3]!.verdict).toBe("increase");
  });
  it("says too small to tell when a period has too few trips", () => {
    const tiny = period({ "1-10": 12 }, { reach: { "1-10": 5 }, visits: 5, dwell: [10, 20], transactions: 1 });
    const r = experimentResult({ ...input, test: [{ store: "s1", before, after: tiny }] }, { seed: 1 });
    expect(r.zones[0]!.metrics[0]).toMatchObject({
      verdict: "too small to tell",
      warning: "too few trips to tell: 300 before, 12 after (at least 30 each needed)",
    });
    expect(r.warnings.some((w) => w.includes("of the before period's weekday/hour mix has no trips after the change"))).toBe(true);
  });
  it("reads the difference in differences against control stores, and warns when the control has no trips", () => {
    const withControl = experimentResult({ ...input, control: [{ store: "c1", before, after: before }] }, { seed: 1 });
    const reach = withControl.zones[0]!.metrics[0]!;
    expect(reach.basis).toBe("difference-in-differences");
    expect(reach.did!.estimate).toBeCloseTo(reach.change!, 12);
    expect(reach.text).toMatch(/relative to before, net of control stores$/);
    const empty = experimentResult({ ...input, control: [{ store: "c1", before: period({}), after: period({}) }] }, { seed: 1 });
    expect(empty.warnings[0]).toMatch(/^no trips in the control stores/);
    expect(empty.zones[0]!.metrics[0]!.basis).toBe("before-after");
  });
  it("says too small to tell when the control stores have too few trips for a difference in differences", () => {
    const tiny = period({ "1-10": 10, "6-15": 10 }, { reach: { "1-10": 3, "6-15": 4 }, visits: 7, dwell: [10, 20], transactions: 1 });
    const reach = experimentResult({ ...input, control: [{ store: "c1", before: tiny, after: tiny }] }, { seed: 1 }).zones[0]!.metrics[0]!;
    expect(reach).toMatchObject({
      verdict: "too small to tell",
      basis: "difference-in-differences",
      warning: "too few trips in the control stores to tell: 20 before, 20 after (at least 30 each needed)",
    });
  });
  it("says when the control stores moved the same way: the test stores' own rise is clear, the net change is not", () => {
    // Test and control stores alike: the promo table's reach 30 % before, 60 % after (a season, not the layout).
    const b = period({ "1-10": 300, "6-15": 300 }, { reach: { "1-10": 90, "6-15": 90 }, visits: 180 });
    const a = period({ "1-10": 300, "6-15": 300 }, { reach: { "1-10": 180, "6-15": 180 }, visits: 360 });
    const result = experimentResult({ ...input, test: [{ store: "s1", before: b, after: a }], control: [{ store: "c1", before: b, after: a }] }, { seed: 1 });
    const reach = result.zones[0]!.metrics[0]!;
    expect(reach).toMatchObject({ verdict: "no clear change", basis: "difference-in-differences", before: 0.3, after: 0.6 });
    // The old text stopped at "net of control stores", beside a table reading 30 % -> 60 %.
    expect(reach.text).toBe(
      "no clear change in the share of trips reaching the promo table: ±0 % [−18 %, +22 %] relative to before, net of control stores; the test stores' own rise (+100 % [+74 %, +130 %] relative to before) was matched by the control stores, which moved the same way over the same periods, so it cannot be told from what moved every store alike (season, weather, chain-wide promotions)",
    );
    // A fall matched by the control stores reads as a fall.
    const fell = experimentResult({ ...input, test: [{ store: "s1", before: a, after: b }], control: [{ store: "c1", before: a, after: b }] }, { seed: 1 }).zones[0]!.metrics[0]!;
    expect(fell.text).toMatch(/; the test stores' own fall \(−50 % .*\) was matched by the control stores, which moved the same way/);
    // A control store that stayed put: the net change is unclear for its noise, not for its move; nothing is said of a match.
    const flatControl = experimentResult({ ...input, control: [{ store: "c1", before, after: before }] }, { seed: 1 }).zones[0]!.metrics[0]!;
    expect(flatControl.verdict).toBe("no clear change");
    expect(flatControl.text).not.toMatch(/matched/);
  });

  it("words each verdict with the UI's names (trips, visits per trip), naming what the sample counts once", () => {
    const tiny = period({ "1-10": 12 }, { reach: { "1-10": 5 }, visits: 5, dwell: [10, 20], transactions: 1 });
    const small = experimentResult({ ...input, test: [{ store: "s1", before, after: tiny }] }, { seed: 1 }).zones[0]!.metrics;
    expect(small.map((m) => m.text.replace(/:.*/, ""))).toEqual([
      "too few trips to tell about the share reaching the promo table",
      "too few trips to tell about visits to the promo table",
      "too few visits to tell about median dwell at the promo table",
      "too few visits to tell about conversion at the promo table",
    ]);
    const tinyControl = period({ "1-10": 10, "6-15": 10 }, { reach: { "1-10": 3, "6-15": 4 }, visits: 7, dwell: [10, 20], transactions: 1 });
    const control = experimentResult({ ...input, control: [{ store: "c1", before: tinyControl, after: tinyControl }] }, { seed: 1 }).zones[0]!.metrics;
    expect(control[0]!.text).toMatch(/^too few trips in the control stores to tell about the share reaching the promo table: /);
    expect(control[1]!.text).toMatch(/^too few trips in the control stores to tell about visits to the promo table: /);
    const [reach, visits] = experimentResult(input, { seed: 1 }).zones[0]!.metrics;
    expect(reach!.text).toMatch(/^(a larger share of trips reached|a smaller share of trips reached|no clear change in the share of trips reaching) the promo table: /);
    expect(visits!.text).toMatch(/^(more|fewer|no clear change in) visits to the promo table per trip: /);
    // No word of the sentence's subject comes twice before its figures ("too few visitors to tell about visitors reaching ...").
    for (const m of [...small, ...control, reach!, visits!]) {
      const words = m.text.replace(/:.*/, "").replace(/ the promo table$/, "").split(" ").filter((w) => w.length > 3);
      expect(new Set(words).size, m.text).toBe(words.length);
    }
  });
  it("needs a test store", () => {
    expect(() => experimentResult({ ...input, test: [] }, { seed: 1 })).toThrow(RangeError);
  });
});
