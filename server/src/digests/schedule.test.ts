import fc from "fast-check";
import { bucketStarts, localMidnight, localTime } from "@footfall/core";
import { describe, expect, it } from "vitest";
import { duePeriod, localDate, nextSend, periodOf } from "./schedule.js";
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

describe("duePeriod around DST changes, against Intl's wall clock", () => {
  const formats = new Map<string, Intl.DateTimeFormat>();
  /** Local date and hour of `t` read from Intl alone (no core helper). */
  const wall = (t: number, tz: string) => {
    let f = formats.get(tz);
    if (!f) formats.set(tz, (f = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit" })));
    const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, x.value]));
    return { date: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour) };
  };
  const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  const isoWeekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
  /** Days with an offset change (southern ends and starts, at midnight in Santiago and Sao Paulo, 30 min at Lord Howe, +12:45 Chatham). */
  const CHANGES: Array<[string, string]> = [
    ["Australia/Adelaide", "2029-04-01"],
    ["Australia/Adelaide", "2029-10-07"],
    ["Pacific/Chatham", "2028-04-02"],
    ["America/Santiago", "2024-04-07"],
    ["America/Santiago", "2024-09-08"],
    ["America/Sao_Paulo", "2018-11-04"],
    ["America/Sao_Paulo", "2019-02-17"],
    ["Australia/Lord_Howe", "2026-04-05"],
    ["Asia/Tehran", "2022-09-22"],
    ["Europe/Paris", "2026-10-25"],
    ["America/New_York", "2026-03-08"],
  ];

  it.each(CHANGES)("%s around %s, every quarter hour of 8 days: daily and weekly keys as the wall clock says", (tz, day) => {
    for (let quarter = -4 * 96; quarter <= 4 * 96; quarter++) {
      const now = Date.parse(`${day}T00:00:00Z`) + quarter * 15 * 60_000;
      const w = wall(now, tz);
      const monday = addDays(w.date, 1 - isoWeekday(w.date));
      for (const hour of [0, 1, 7, 23]) {
        // Daily: the date before the last local date whose `hour` has come.
        expect([now, hour, duePeriod(now, tz, "daily", hour).key]).toEqual([now, hour, addDays(w.date, w.hour >= hour ? -1 : -2)]);
        // Weekly: the Monday a week before the last Monday whose `hour` has come.
        expect([now, hour, duePeriod(now, tz, "weekly", hour).key]).toEqual([now, hour, addDays(monday, isoWeekday(w.date) === 1 && w.hour < hour ? -14 : -7)]);
      }
    }
  });
});

describe("nextSend", () => {
  it("says when a digest scheduled now first goes out: tomorrow at its hour, with today", () => {
    // Scheduled on Sat 5 Dec 2026 at 12:50 in Paris, daily at 07:00: Friday's was due at 07:00 and is taken at once (never sent late).
    const now = Date.UTC(2026, 11, 5, 11, 50);
    expect(nextSend(now, "Europe/Paris", "daily", 7, "2026-12-04")).toEqual({ at: Date.UTC(2026, 11, 6, 6), period: "2026-12-05" });
    expect(nextSend(now, "Europe/Paris", "weekly", 7, "2026-11-23")).toEqual({ at: Date.UTC(2026, 11, 7, 6), period: "2026-11-30" });
    expect(nextSend(now, "Europe/Paris", "daily", 7, "2026-12-03")).toEqual({ at: now, period: "2026-12-04" });
  });

  it("is the first time the scheduler, checking every quarter hour, would find the next period due (property)", () => {
    const QUARTER = 15 * 60_000;
    fc.assert(
      fc.property(arbNow, fc.constantFrom(...ZONES), fc.constantFrom("daily" as const, "weekly" as const), fc.integer({ min: 0, max: 23 }), (now, tz, f, hour) => {
        const taken = duePeriod(now, tz, f, hour).key;
        let t = Math.floor(now / QUARTER) * QUARTER + QUARTER;
        while (duePeriod(t, tz, f, hour).key <= taken) t += QUARTER;
        const next = nextSend(now, tz, f, hour, taken);
        expect([now, tz, f, hour, next]).toEqual([now, tz, f, hour, { at: t, period: duePeriod(t, tz, f, hour).key }]);
      }),
      { numRuns: 150 },
    );
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
