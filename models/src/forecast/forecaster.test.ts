import { featureContext, hourlyFeatures, intervalCoverage, meanAbsoluteError, seasonalNaive, type Series } from "@footfall/core";
import { beforeAll, describe, expect, it } from "vitest";
import { syntheticTraffic } from "../../../test/support/traffic.js";
import fc from "fast-check";
import { chooseShrink, contexts, forecastBuckets, HOURLY_BLEND, mainMethod, NAIVE_ONLY, shrunk, trainForecastModel, type ForecastModel } from "./forecaster.js";
import type { MlpWeights } from "./mlp.js";

const WEEK = 168;
/** Monday 2 March 2026, 00:00 in Paris: the series crosses the spring-forward night of 29 March. */
const FROM = Date.parse("2026-03-01T23:00:00+00:00");
const TZ = "Europe/Paris";
const series = syntheticTraffic({ seed: 42, from: FROM, days: 14 * 7, timeZone: TZ });
/** Trained on the first 12 weeks; the last 2 are held out. */
const END = series.starts.findIndex((t) => t >= FROM + 12 * 7 * 86_400_000);

let model: ForecastModel;
beforeAll(async () => {
  model = await trainForecastModel(series, {}, { end: END, seed: 1 });
}, 120_000);

const hide = (s: Series, from: number): Series => ({ ...s, values: s.values.map((v, i) => (i >= from ? null : v)) });

describe("trainForecastModel on a seeded synthetic store", () => {
  it("trains an hourly and a daily model and says how long it took", () => {
    expect(model.hourly).not.toBeNull();
    expect(model.daily).not.toBeNull();
    expect(model.hourly!.rows).toBeGreaterThan(1000);
    expect(model.trainMs).toBeGreaterThan(0);
    expect(model.trainedTo).toBe(series.starts[END]);
  });

  it("beats seasonal-naive on the next 24 hours of the two held-out weeks", () => {
    const ctx = featureContext(series);
    const actual: (number | null)[] = [];
    const ours: (number | null)[] = [];
    const naive: (number | null)[] = [];
    const lo: (number | null)[] = [];
    const hi: (number | null)[] = [];
    for (let o = END; o + 24 <= series.values.length; o += 5) {
      const f = forecastBuckets(ctx, model.hourly, o, 24);
      expect(mainMethod(f)).toBe("mlp");
      const sn = seasonalNaive(series, ctx.grid, o, 24);
      for (let k = 0; k < 24; k++) {
        actual.push(series.values[o + k]!);
        ours.push(f[k]!.mid);
        lo.push(f[k]!.lo);
        hi.push(f[k]!.hi);
        naive.push(sn[k]!);
      }
    }
    const ratio = meanAbsoluteError(actual, ours) / meanAbsoluteError(actual, naive);
    expect(ratio).toBeLessThan(0.85);
    const coverage = intervalCoverage(actual, lo, hi);
    expect(coverage).toBeGreaterThan(0.65);
    expect(coverage).toBeLessThan(0.95);
  });

  it("forecasts 14 days with the daily model, each inside its own interval", () => {
    const ctx = contexts(hide(series, END), {}, END);
    const f = forecastBuckets(ctx.daily, model.daily, ctx.dailyEnd, 14);
    expect(f).toHaveLength(14);
    // the network, or seasonal-naive where the network was no better on the validation fortnights; named either way
    const { model: mae, naive } = model.daily!.validationMae!;
    expect(mainMethod(f)).toBe(mae < naive ? "mlp" : "seasonal-naive");
    for (const p of f) expect(p.lo! <= p.mid! && p.mid! <= p.hi! && p.lo! >= 0).toBe(true);
  });

  it("gives the same forecasts after a JSON round trip (a worker hands models over as JSON)", () => {
    const ctx = featureContext(series);
    const copy = JSON.parse(JSON.stringify(model)) as ForecastModel;
    expect(forecastBuckets(ctx, copy.hourly, END + 7, 24)).toEqual(forecastBuckets(ctx, model.hourly, END + 7, 24));
  });
});

describe("the blend with seasonal-naive, and the fallback to it", () => {
  it("blends the network's median with the seasonal mean and seasonal-naive on the count scale (0.8 / 0.1 / 0.1 by default), the interval moving with it", () => {
    expect(model.hourly!.blend).toEqual(HOURLY_BLEND);
    expect(HOURLY_BLEND).toEqual({ net: 0.8, base: 0.1, naive: 0.1 });
    const ctx = featureContext(series);
    const net = forecastBuckets(ctx, { ...model.hourly!, blend: undefined }, END, 24);
    const ours = forecastBuckets(ctx, model.hourly, END, 24);
    const sn = seasonalNaive(series, ctx.grid, END, 24);
    const base = hourlyFeatures(ctx, END, 24).map((r) => r.base);
    ours.forEach((p, k) => {
      expect(p.method).toBe("mlp");
      expect(p.mid!).toBeCloseTo(0.8 * net[k]!.mid! + 0.1 * base[k]! + 0.1 * sn[k]!, 6);
      expect(p.lo! <= p.mid! && p.mid! <= p.hi!).toBe(true);
    });
  });

  it("answers with seasonal-naive, and says so, where the model gives the network no weight", () => {
    const ctx = featureContext(series);
    const f = forecastBuckets(ctx, { ...model.hourly!, blend: NAIVE_ONLY }, END, 24);
    const sn = seasonalNaive(series, ctx.grid, END, 24);
    expect(mainMethod(f)).toBe("seasonal-naive");
    f.forEach((p, k) => {
      expect(p.mid!).toBeCloseTo(sn[k]!, 6);
      expect(p.lo! <= p.mid! && p.mid! <= p.hi!).toBe(true);
    });
  });

  it("falls back to seasonal-naive when the model is no better than it on its validation weeks (a store that repeats every week exactly)", async () => {
    const weekly = syntheticTraffic({ seed: 7, from: Date.parse("2026-03-02T00:00:00Z"), days: 9 * 7, timeZone: "UTC" });
    const exact: Series = { ...weekly, values: weekly.values.map((_, i) => weekly.values[i % WEEK]!) };
    const m = await trainForecastModel(exact, {}, { daily: false, ensemble: 1, epochs: 3, seed: 3 });
    expect(m.hourly!.validationMae!.naive).toBeCloseTo(0, 9);
    expect(m.hourly!.blend).toEqual(NAIVE_ONLY);
    const f = forecastBuckets(featureContext(exact), m.hourly, exact.values.length - 24, 24);
    expect(mainMethod(f)).toBe("seasonal-naive");
    f.forEach((p) => expect(p.mid!).toBeCloseTo(exact.values[p.index]!, 6));
  }, 60_000);
});

describe("an honest fallback when history is short", () => {
  it("answers with the seasonal mean, and says why, with 3 weeks of history", async () => {
    const short = hide(series, 3 * WEEK);
    const m = await trainForecastModel(short, {}, { end: 3 * WEEK });
    expect(m.hourly).toBeNull();
    expect(m.notes.join(" ")).toMatch(/hourly: 3\.0 weeks of known history, the model needs 6/);
    const f = forecastBuckets(featureContext(short), m.hourly, 3 * WEEK, 24);
    expect(mainMethod(f)).toBe("seasonal-mean");
    for (const p of f) expect(p.lo! <= p.mid! && p.mid! <= p.hi!).toBe(true);
  });

  it("never gives a zero-width interval it could not measure: a week of history answers from the last days, whose errors are known", () => {
    // a week exactly: last week's hours are known, but the seasonal mean has no past error yet
    const week = hide(series, WEEK);
    const f = forecastBuckets(featureContext(week), null, WEEK, 24);
    expect(f.every((p) => p.method === "recent-days")).toBe(true);
    for (const p of f) {
      expect(p.lo! <= p.mid! && p.mid! <= p.hi!).toBe(true);
      if (p.mid! > 0) expect(p.hi!).toBeGreaterThan(p.lo!);
    }
  });

  it("gives the figure without an interval (null) from a single day of history", () => {
    const day = hide(series, 24);
    const f = forecastBuckets(featureContext(day), null, 24, 24);
    expect(f.map((p) => p.method)).toEqual(f.map(() => "recent-days"));
    expect(f.map((p) => p.mid)).toEqual(day.values.slice(0, 24));
    expect(f.every((p) => p.lo === null && p.hi === null)).toBe(true);
  });

  it("repeats the last days with less than a week, and says nothing without any history", () => {
    const days = hide(series, 3 * 24);
    expect(mainMethod(forecastBuckets(featureContext(days), null, 3 * 24, 24))).toBe("recent-days");
    const none = forecastBuckets(featureContext(hide(series, 0)), null, 0, 3);
    expect(none.map((p) => [p.method, p.mid])).toEqual([
      ["none", null],
      ["none", null],
      ["none", null],
    ]);
  });
});

describe("chooseShrink (the network's weight against its seasonal-mean base)", () => {
  /** A one-input "network" whose median is its input (quantiles input -/+ 0.1). */
  const identity: MlpWeights = { inputs: 1, hidden: 0, mean: [0], std: [1], w1: [], b1: [], w2: [], wl: [1, 1, 1], b2: [-0.1, 0, 0.1] };
  const rowsOf = (xs: number[], ys: number[]) => ({ X: xs.map((x) => [x]), y: ys, base: xs.map(() => 20), validation: xs.map((_, i) => i) });
  it("keeps the network where it is right and takes the base where the network only adds noise (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 5, maxLength: 40 }).filter((xs) => xs.some((x) => Math.abs(x) > 0.05)), (xs) => {
        expect(chooseShrink([identity], rowsOf(xs, xs))).toBe(1);
        expect(chooseShrink([identity], rowsOf(xs, xs.map(() => 0)))).toBe(0);
      }),
    );
  });
  it("is 1 without validation rows, and moves the three quantiles together", () => {
    expect(chooseShrink([identity], { X: [[0.5]], y: [0], base: [20], validation: [] })).toBe(1);
    expect(shrunk([-1, 0.5, 2], 0.5)).toEqual([-1.25, 0.25, 1.75]);
  });
});
