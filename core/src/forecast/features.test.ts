import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketStarts } from "../domain/calendar.js";
import { countOf, dailyFeatures, DAILY_FEATURES, featureContext, HOURLY_FEATURES, hourlyFeatures, targetOf, weekLags, type FeatureRow } from "./features.js";
import { dailyTotals, dateOfDay, type Series } from "./series.js";

const WEEK = 168;
const MONDAY = Date.parse("2026-05-04T00:00:00Z");
function series(values: (number | null)[], tz = "UTC", from = MONDAY): Series {
  const starts = bucketStarts({ from, to: from + values.length * 3_600_000 }, "hour", tz);
  return { grain: "hour", timeZone: tz, starts, values: values.slice(0, starts.length) };
}
const hourlyAt = (row: FeatureRow, name: string): number => row.x[HOURLY_FEATURES.indexOf(name)]!;

describe("hourlyFeatures", () => {
  it("gives a row of every named feature, in order", () => {
    const ctx = featureContext(series(new Array(5 * WEEK).fill(9)));
    const rows = hourlyFeatures(ctx, 4 * WEEK + 10, 24);
    expect(rows).toHaveLength(24);
    for (const r of rows) expect(r.x).toHaveLength(HOURLY_FEATURES.length);
  });

  it("puts a steady series exactly on its base: every lag feature 0, target 0", () => {
    const ctx = featureContext(series(new Array(5 * WEEK).fill(9)));
    const origin = 4 * WEEK + 10;
    const [row] = hourlyFeatures(ctx, origin, 1);
    expect(row!.base).toBe(9);
    for (const f of ["lag_week_1", "yesterday", "mean_weeks_1_8", "median_weeks_1_5", "same_type_days_5", "last_24h_dev", "last_7d_dev"]) expect(hourlyAt(row!, f)).toBe(0);
    expect(hourlyAt(row!, "lags_known")).toBe(1);
    expect(hourlyAt(row!, "base_level")).toBeCloseTo(Math.log(10) / 10, 12);
    expect(hourlyAt(row!, "horizon")).toBeCloseTo(1 / 24, 12);
    expect(hourlyAt(row!, "hour_10")).toBe(1); // Monday of week 5, 10:00 UTC
    expect(hourlyAt(row!, "weekday_1")).toBe(1);
    expect(targetOf(ctx, row!, origin + 1)).toBe(0);
  });

  it("takes the base from the last 4 weeks' same local hour, on the log scale", () => {
    const v = new Array(6 * WEEK).fill(5);
    const target = 5 * WEEK + 12;
    [40, 30, 20, 10].forEach((x, k) => (v[target - (k + 1) * WEEK] = x)); // 1 week back: 40, ... 4 weeks back: 10
    const ctx = featureContext(series(v));
    const [row] = hourlyFeatures(ctx, target, 1);
    expect(row!.base).toBe(25);
    expect(hourlyAt(row!, "lag_week_1")).toBeCloseTo(Math.log(41) - Math.log(26), 12);
    expect(hourlyAt(row!, "median_weeks_1_5")).toBeCloseTo(Math.log(21) - Math.log(26), 12); // median of 40, 30, 20, 10, 5
  });

  it("leaves a holiday a week ago out of a normal day's base, and says so", () => {
    const v = new Array(5 * WEEK).fill(9);
    const target = 4 * WEEK + 12; // Monday 1 June 2026, 12:00
    v[target - WEEK] = 99; // Monday 25 May, a bank holiday
    const ctx = featureContext(series(v), { holidays: ["2026-05-25"] });
    const [row] = hourlyFeatures(ctx, target, 1);
    expect(row!.base).toBe(9);
    expect(hourlyAt(row!, "lag_week_1_special")).toBe(1);
    expect(hourlyAt(row!, "lags_known")).toBe(0.75);
    expect(hourlyAt(row!, "lag_week_1")).toBeCloseTo(Math.log(100) - Math.log(10), 12);
  });

  it("flags a holiday target and an event's hours, its start and its end", () => {
    const v = new Array(5 * WEEK).fill(9);
    const s = series(v);
    const origin = 4 * WEEK; // Monday 1 June 00:00
    const ctx = featureContext(s, { holidays: ["2026-06-01"], events: [{ from: s.starts[origin + 9]! + 1_800_000, to: s.starts[origin + 11]! }] });
    const rows = hourlyFeatures(ctx, origin, 13);
    expect(rows.map((r) => hourlyAt(r, "holiday"))).toEqual(new Array(13).fill(1));
    expect(rows.map((r) => hourlyAt(r, "event")).join("")).toBe("0000000001100");
    expect(rows.map((r) => hourlyAt(r, "event_starts")).join("")).toBe("0000000011000");
    expect(rows.map((r) => hourlyAt(r, "event_ends")).join("")).toBe("0000000000110");
    // 09:30-11:00: arrivals 08:30-10:00, departures 10:30-12:00, each hour by its share
    expect(rows.map((r) => hourlyAt(r, "event_arrive"))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0.5, 1, 0, 0, 0]);
    expect(rows.map((r) => hourlyAt(r, "event_leave"))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 1, 0]);
  });

  it("gives no row for a target without any known seasonal lag", () => {
    const ctx = featureContext(series(new Array(2 * WEEK).fill(3)));
    expect(hourlyFeatures(ctx, 100, 24)).toEqual([]);
  });

  it("follows the local clock: 09:00 is hour 9 before and after the spring-forward night", () => {
    const from = Date.parse("2026-02-23T00:00:00Z");
    const s = series(new Array(7 * WEEK).fill(4), "Europe/London", from);
    const ctx = featureContext(s);
    const at = (iso: string) => s.starts.indexOf(Date.parse(iso));
    for (const iso of ["2026-03-27T09:00:00Z", "2026-03-30T08:00:00Z"]) {
      const [row] = hourlyFeatures(ctx, at(iso), 1);
      expect(hourlyAt(row!, "hour_9")).toBe(1);
    }
  });

  it("reads nothing at or after the origin (property)", () => {
    const base = Array.from({ length: 6 * WEEK }, (_, i) => 50 + ((i * 37) % 23) + (i % 24 < 8 ? -40 : 0));
    fc.assert(
      fc.property(fc.integer({ min: 2 * WEEK, max: 6 * WEEK - 24 }), fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 500 }), fc.boolean(), (origin, h, bump, gap) => {
        const a = featureContext(series(base));
        const b = featureContext(series(base.map((v, i) => (i >= origin ? (gap ? null : v + bump) : v))));
        expect(hourlyFeatures(b, origin, h)).toEqual(hourlyFeatures(a, origin, h));
      }),
      { numRuns: 60 },
    );
  });

  it("turns a model output back into a count on the base's scale", () => {
    expect(countOf(0, 25)).toBeCloseTo(25, 12);
    expect(countOf(Math.log(2), 9)).toBeCloseTo(19, 12);
    expect(countOf(-50, 9)).toBe(0);
  });
});

describe("dailyFeatures", () => {
  it("gives rows for up to 14 days from the day totals, with no leak (property)", () => {
    const v = Array.from({ length: 12 * WEEK }, (_, i) => 100 + (i % 24) * 3 + ((i / 24) % 7 >= 5 ? 80 : 0));
    const hourly = series(v);
    fc.assert(
      fc.property(fc.integer({ min: 30, max: 70 }), fc.integer({ min: 1, max: 14 }), (origin, h) => {
        const days = dailyTotals(hourly);
        const changed = { ...days, values: days.values.map((x, i) => (i >= origin ? (x ?? 0) * 3 : x)) };
        const rows = dailyFeatures(featureContext(days), origin, h);
        expect(rows).toHaveLength(Math.min(h, days.values.length - origin));
        for (const r of rows) expect(r.x).toHaveLength(DAILY_FEATURES.length);
        expect(dailyFeatures(featureContext(changed), origin, h)).toEqual(rows);
      }),
      { numRuns: 30 },
    );
  });

  it("takes a day 8 to 14 days ahead from the weeks before the origin", () => {
    const days: Series = { grain: "day", timeZone: "UTC", starts: Array.from({ length: 60 }, (_, d) => MONDAY + d * 86_400_000), values: Array.from({ length: 60 }, (_, d) => d) };
    const ctx = featureContext(days);
    // target day 50 from origin 40 (h = 11): weeks 2..5 back are days 36, 29, 22, 15
    expect(weekLags(ctx, 50, 40).values).toEqual([36, 29, 22, 15]);
    expect(dailyFeatures(ctx, 40, 14).find((r) => r.index === 50)!.base).toBe((36 + 29 + 22 + 15) / 4);
    expect(dateOfDay(Math.floor(days.starts[0]! / 86_400_000))).toBe("2026-05-04");
  });
});
