import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketFor, dayOf, dayRange, editDays, fromLocalInput, isLive, parseDay, presetRange, previousPeriod, rangeFromParams, toLocalInput } from "./range.js";
import { dateStart, shiftDate } from "./wall-clock.testing.js";

const PARIS = "Europe/Paris";
// Sunday 22 November 2026, 14:30 in Paris (UTC+1).
const NOW = Date.parse("2026-11-22T13:30:00Z");

describe("presetRange", () => {
  it("starts today at the store's local midnight and ends now", () => {
    expect(presetRange("today", NOW, PARIS)).toEqual({ from: Date.parse("2026-11-21T23:00:00Z"), to: NOW, days: 1 });
  });
  it("covers the whole of yesterday", () => {
    const r = presetRange("yesterday", NOW, PARIS);
    expect(r.from).toBe(Date.parse("2026-11-20T23:00:00Z"));
    expect(r.to).toBe(Date.parse("2026-11-21T23:00:00Z"));
  });
  it("counts today as one of the last 7 days", () => {
    expect(presetRange("last7", NOW, PARIS).from).toBe(Date.parse("2026-11-15T23:00:00Z"));
  });
  it("uses the store's zone, not the browser's", () => {
    expect(presetRange("today", NOW, "America/New_York").from).toBe(Date.parse("2026-11-22T05:00:00Z"));
  });
});

describe("previousPeriod", () => {
  it("compares today so far with yesterday up to the same time", () => {
    const prev = previousPeriod(presetRange("today", NOW, PARIS), PARIS);
    expect(prev.from).toBe(Date.parse("2026-11-20T23:00:00Z"));
    expect(prev.to).toBe(NOW - 86_400_000);
  });
  it("shifts by calendar days across a DST change", () => {
    // 29 March 2026: Paris goes from UTC+1 to UTC+2.
    const r = dayRange("2026-03-30", "2026-03-30", PARIS)!;
    const prev = previousPeriod(r, PARIS);
    expect(prev.from).toBe(Date.parse("2026-03-28T23:00:00Z"));
    expect(prev.to - prev.from).toBe(23 * 3_600_000);
  });
  it("shifts an instant range by its own length", () => {
    expect(previousPeriod({ from: 1000, to: 3000, days: null }, PARIS)).toEqual({ from: -1000, to: 1000, days: null });
  });
});

describe("days", () => {
  it("parses a calendar day to its local midnight", () => {
    expect(parseDay("2026-07-01", PARIS)).toBe(Date.parse("2026-06-30T22:00:00Z"));
    expect(parseDay("2026-07-01", "Pacific/Auckland")).toBe(Date.parse("2026-06-30T12:00:00Z"));
    expect(parseDay("2026-07-01", "Pacific/Honolulu")).toBe(Date.parse("2026-07-01T10:00:00Z"));
  });
  it("rejects malformed and impossible days", () => {
    expect(parseDay("2026-02-30", PARIS)).toBeNull();
    expect(parseDay("22/11/2026", PARIS)).toBeNull();
  });
  it("names the day of an instant in the store's zone", () => {
    expect(dayOf(Date.parse("2026-11-21T23:30:00Z"), PARIS)).toBe("2026-11-22");
  });
  it("includes both ends of a custom day range", () => {
    const r = dayRange("2026-11-01", "2026-11-07", PARIS)!;
    expect(r.days).toBe(7);
    expect(r.to).toBe(Date.parse("2026-11-07T23:00:00Z"));
  });
  it("refuses a range that ends before it starts", () => {
    expect(dayRange("2026-11-07", "2026-11-01", PARIS)).toBeNull();
  });
});

describe("local days where midnight is skipped (Santiago, Havana) or DST ends in the south (Adelaide)", () => {
  // The reference (wall-clock.testing.ts): dateStart, the first whole minute whose local date is the day, from Intl's wall clock alone.
  const CASES: Array<[string, string]> = [
    ["America/Santiago", "2024-09-08"], // 00:00 -> 01:00
    ["America/Havana", "2026-03-08"], // 00:00 -> 01:00
    ["America/Sao_Paulo", "2018-11-04"], // 00:00 -> 01:00
    ["America/Santiago", "2024-04-07"], // 24:00 -> 23:00
    ["Australia/Adelaide", "2029-04-01"], // 03:00 -> 02:00
  ];
  it.each(CASES)("%s around %s: presets, custom days and the previous period start where the local dates start", (zone, change) => {
    for (let d = -2; d <= 2; d++) {
      const day = shiftDate(change, d);
      const now = dateStart(day, zone) + 10 * 3_600_000;
      expect(presetRange("today", now, zone).from).toBe(dateStart(day, zone));
      expect(presetRange("yesterday", now, zone)).toEqual({ from: dateStart(shiftDate(day, -1), zone), to: dateStart(day, zone), days: 1 });
      expect(presetRange("last7", now, zone).from).toBe(dateStart(shiftDate(day, -6), zone));
      expect(parseDay(day, zone)).toBe(dateStart(day, zone));
      expect(dayRange(day, day, zone)).toEqual({ from: dateStart(day, zone), to: dateStart(shiftDate(day, 1), zone), days: 1 });
      const prev = previousPeriod(presetRange("yesterday", now, zone), zone);
      expect(prev).toEqual({ from: dateStart(shiftDate(day, -2), zone), to: dateStart(shiftDate(day, -1), zone), days: 1 });
    }
  });
});

describe("rangeFromParams", () => {
  it("reads a preset", () => {
    expect(rangeFromParams({ range: "yesterday" }, NOW, PARIS).preset).toBe("yesterday");
  });
  it("reads epoch-ms instants as a half-open range", () => {
    expect(rangeFromParams({ from: "1000", to: "5000" }, NOW, PARIS)).toEqual({ preset: "custom", range: { from: 1000, to: 5000, days: null } });
  });
  it("falls back to today for nonsense", () => {
    expect(rangeFromParams({ range: "custom", from: "x" }, NOW, PARIS).preset).toBe("today");
  });
});

describe("bucketFor", () => {
  it("uses hours up to two days and days beyond", () => {
    expect(bucketFor({ from: 0, to: 86_400_000, days: 1 })).toBe("hour");
    expect(bucketFor({ from: 0, to: 7 * 86_400_000, days: 7 })).toBe("day");
  });
});

describe("datetime-local values", () => {
  it("round-trip an instant in the store's zone", () => {
    expect(toLocalInput(NOW, PARIS)).toBe("2026-11-22T14:30");
    expect(fromLocalInput("2026-11-22T14:30", PARIS)).toBe(NOW);
  });
  it("read wall-clock time after a DST change", () => {
    expect(fromLocalInput("2026-03-29T09:00", PARIS)).toBe(Date.parse("2026-03-29T07:00:00Z"));
  });
  it("reject malformed values", () => {
    expect(fromLocalInput("2026-11-22 14:30", PARIS)).toBeNull();
    expect(fromLocalInput("2026-11-22T25:00", PARIS)).toBeNull();
  });
});

describe("ranges that reach the present", () => {
  it("end a custom range that includes today at now, like the presets, so they refresh", () => {
    const { range } = rangeFromParams({ from: "2026-11-20", to: "2026-11-22" }, NOW, PARIS);
    expect(range).toEqual({ from: Date.parse("2026-11-19T23:00:00Z"), to: NOW, days: 3 });
    expect(isLive(range, NOW)).toBe(true);
    expect(isLive(rangeFromParams({ range: "yesterday" }, NOW, PARIS).range, NOW)).toBe(false);
    expect(isLive(rangeFromParams({ range: "last7" }, NOW, PARIS).range, NOW)).toBe(true);
  });
});

describe("editDays", () => {
  const day = fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  it("never makes a range that ends before it starts, and keeps the day typed", () => {
    fc.assert(
      fc.property(day, day, fc.constantFrom("first" as const, "last" as const), day, (a, b, changed, typed) => {
        const [first, last] = a <= b ? [a, b] : [b, a];
        const [f, l] = editDays(first, last, changed, typed);
        expect(f <= l).toBe(true);
        expect(changed === "first" ? f : l).toBe(typed);
        // The other day stays unless it had to move to the typed one.
        if (changed === "first") expect(l).toBe(last < typed ? typed : last);
        else expect(f).toBe(typed < first ? typed : first);
      }),
    );
  });
  it("moves the first day back when the last is typed before it (a month changed before the year)", () => {
    expect(editDays("2026-12-01", "2026-12-03", "last", "2026-02-03")).toEqual(["2026-02-03", "2026-02-03"]);
    expect(editDays("2026-12-01", "2026-12-03", "first", "2026-12-09")).toEqual(["2026-12-09", "2026-12-09"]);
    expect(editDays("2026-12-01", "2026-12-03", "last", "2026-12-05")).toEqual(["2026-12-01", "2026-12-05"]);
  });
});
