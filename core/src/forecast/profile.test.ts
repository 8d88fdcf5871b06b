import { describe, expect, it } from "vitest";
import { bucketStarts } from "../domain/calendar.js";
import { HOURS_PER_WEEK, weeklyProfile } from "./profile.js";
import type { Series } from "./series.js";

/** Hourly from Monday 4 May 2026 00:00 in `tz`. */
function series(values: (number | null)[], tz = "UTC", from = Date.parse("2026-05-04T00:00:00Z")): Series {
  const starts = bucketStarts({ from, to: from + values.length * 3_600_000 }, "hour", tz);
  return { grain: "hour", timeZone: tz, starts, values: values.slice(0, starts.length) };
}

describe("weeklyProfile", () => {
  it("averages each hour of the week and scales the busiest to 1", () => {
    // two weeks: Monday 10:00 has 10 then 30 (mean 20); Saturday 15:00 has 40 both weeks (the peak)
    const v = new Array<number | null>(2 * HOURS_PER_WEEK).fill(0);
    v[10] = 10;
    v[HOURS_PER_WEEK + 10] = 30;
    v[5 * 24 + 15] = 40;
    v[HOURS_PER_WEEK + 5 * 24 + 15] = 40;
    const p = weeklyProfile(series(v), { weeks: 2 });
    expect(p).toHaveLength(HOURS_PER_WEEK);
    expect(p[10]).toBe(0.5);
    expect(p[5 * 24 + 15]).toBe(1);
    expect(p[3]).toBe(0);
  });

  it("skips unknown hours and reads only the last weeks before `end`", () => {
    const v = new Array<number | null>(3 * HOURS_PER_WEEK).fill(1);
    v[12] = 100; // week 1, left out by weeks: 2
    v[HOURS_PER_WEEK + 12] = null; // week 2: unknown
    v[2 * HOURS_PER_WEEK + 12] = 4; // week 3
    const p = weeklyProfile(series(v), { weeks: 2 });
    expect(p[12]).toBe(1); // only 4 counts
    expect(p[13]).toBe(0.25);
  });

  it("files hours by the store's local clock (Melbourne, UTC+10)", () => {
    const v = new Array<number | null>(HOURS_PER_WEEK).fill(0);
    v[0] = 7; // 2026-05-04 00:00 UTC is Monday 10:00 in Melbourne
    const p = weeklyProfile(series(v, "Australia/Melbourne"), { weeks: 1 });
    expect(p.indexOf(1)).toBe(10);
  });

  it("is all zeros without anything counted", () => {
    expect(weeklyProfile(series(new Array(48).fill(null))).every((x) => x === 0)).toBe(true);
  });
});
