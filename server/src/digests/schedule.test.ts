import fc from "fast-check";
import { bucketStarts, localMidnight, localTime } from "@footfall/core";
import { describe, expect, it } from "vitest";
import { duePeriod, localDate, periodOf } from "./schedule.js";
import { RETRY_BASE_MS, RETRY_CAP_MS, retryDelay } from "./scheduler.js";

const HOUR = 3_600_000;
const ZONES = ["Europe/Paris", "America/New_York", "Australia/Adelaide", "Asia/Kolkata", "UTC", "America/Santiago"];

/** Reference: the first instant of the local day starting at `dayStart` whose local hour is `hour` or later. */
const sendAt = (dayStart: number, hour: number, tz: string) =>
  bucketStarts({ from: dayStart, to: dayStart + 26 * HOUR }, "hour", tz).find((t) => localTime(t, tz).hour >= hour && localMidnight(t, tz) === dayStart) ?? Infinity;
/** Reference: the next local day after the one starting at `dayStart`. */
const nextDay = (dayStart: number, tz: string) => bucketStarts({ from: dayStart, to: dayStart + 50 * HOUR }, "day", tz)[1]!;

const arbNow = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) });

describe("duePeriod", () => {
  it("daily: the local day before the last send time at or before now; the next send time is after now", () => {
    fc.assert(
      fc.property(arbNow, fc.constantFrom(...ZONES), fc.integer({ min: 0, max: 23 }), (now, tz, hour) => {
        const p = duePeriod(now, tz, "daily", hour);
        expect(localMidnight(p.from, tz)).toBe(p.from);
        expect(nextDay(p.from, tz)).toBe(p.to);
        expect(nextDay(p.previous.from, tz)).toBe(p.previous.to);
        expect(p.previous.to).toBe(p.from);
        expect(p.key).toBe(localDate(p.from, tz));
        // Sent on the day `to` starts, at `hour`: that moment has come, the next day's has not.
        expect(sendAt(p.to, hour, tz)).toBeLessThanOrEqual(now);
        expect(sendAt(nextDay(p.to, tz), hour, tz)).toBeGreaterThan(now);
      }),
      { numRuns: 300 },
    );
  });

  it("weekly: Monday to Monday, sent on the Monday it ends at `hour`; the next Monday's has not come", () => {
    fc.assert(
      fc.property(arbNow, fc.constantFrom(...ZONES), fc.integer({ min: 0, max: 23 }), (now, tz, hour) => {
        const p = duePeriod(now, tz, "weekly", hour);
        expect(localTime(p.from, tz).weekday).toBe(1);
        expect(localTime(p.to, tz).weekday).toBe(1);
        let d = p.from;
        for (let i = 0; i < 7; i++) d = nextDay(d, tz);
        expect(d).toBe(p.to);
        expect(p.previous.to).toBe(p.from);
        expect(sendAt(p.to, hour, tz)).toBeLessThanOrEqual(now);
        let next = p.to;
        for (let i = 0; i < 7; i++) next = nextDay(next, tz);
        expect(sendAt(next, hour, tz)).toBeGreaterThan(now);
      }),
      { numRuns: 300 },
    );
  });

  it("a DST day lasts 23 or 25 hours (Paris, spring and autumn 2026)", () => {
    expect(duePeriod(Date.UTC(2026, 2, 30, 10), "Europe/Paris", "daily", 7)).toMatchObject({ key: "2026-03-29", from: Date.UTC(2026, 2, 28, 23), to: Date.UTC(2026, 2, 29, 22) });
    const fall = duePeriod(Date.UTC(2026, 9, 26, 10), "Europe/Paris", "daily", 7);
    expect(fall.to - fall.from).toBe(25 * HOUR);
  });
});

describe("periodOf", () => {
  it("gives back the period duePeriod named by its key (daily and weekly, every zone)", () => {
    fc.assert(
      fc.property(arbNow, fc.constantFrom(...ZONES, "Pacific/Kiritimati", "Pacific/Pago_Pago"), fc.integer({ min: 0, max: 23 }), fc.constantFrom("daily" as const, "weekly" as const), (now, tz, hour, f) => {
        const p = duePeriod(now, tz, f, hour);
        expect(periodOf(p.key, tz, f)).toEqual(p);
      }),
    );
  });
  it("refuses what is not a date", () => {
    expect(periodOf("2026-02-30", "UTC", "daily")).toBeNull();
    expect(periodOf("yesterday", "UTC", "daily")).toBeNull();
  });
});

describe("retryDelay", () => {
  it("doubles from the base up to the cap", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), (n) => {
        const d = retryDelay(n);
        expect(d).toBe(Math.min(RETRY_BASE_MS * 2 ** (n - 1), RETRY_CAP_MS));
        expect(retryDelay(n + 1)).toBeGreaterThanOrEqual(d);
      }),
    );
  });
});
