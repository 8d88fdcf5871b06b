/**
 * The UI's local days, hours and wall-clock times (range.ts, traffic.ts: core's calendar) against a
 * reference that only reads the local wall clock from Intl.DateTimeFormat, minute by minute, around
 * offset changes of every kind: days that start at 01:00 (Santiago, Havana, Sao Paulo's old DST),
 * 25-hour days in the south (Adelaide), 30-minute changes (Lord Howe), +12:45 (Chatham), Europe and
 * America's 02:00/03:00 changes, and plain days anywhere in 2000-2040.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dayOf, dayRange, fromLocalInput, parseDay, presetRange, previousPeriod, toLocalInput } from "./range.js";
import { trafficSlots } from "./traffic.js";
import { dateStart, firstAtLeast, shiftDate, wall } from "./wall-clock.testing.js";

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const SLOW = 60_000;

/** Offset changes (UTC day of the change) in each kind of zone; the instants tested lie within three days of one, or anywhere. */
const CHANGES: Array<[string, string]> = [
  ["America/Santiago", "2024-09-08"], // 00:00 -> 01:00
  ["America/Santiago", "2024-04-07"], // 24:00 -> 23:00
  ["America/Havana", "2026-03-08"], // 00:00 -> 01:00
  ["America/Havana", "2026-11-01"], // 01:00 -> 00:00
  ["America/Sao_Paulo", "2018-11-04"], // 00:00 -> 01:00
  ["Australia/Adelaide", "2029-04-01"], // 03:00 -> 02:00
  ["Australia/Adelaide", "2029-10-07"], // 02:00 -> 03:00
  ["Australia/Lord_Howe", "2026-04-05"], // 02:00 -> 01:30
  ["Australia/Lord_Howe", "2026-10-04"], // 02:00 -> 02:30
  ["Pacific/Chatham", "2026-04-05"], // 03:45 -> 02:45
  ["Europe/Paris", "2026-03-29"], // 02:00 -> 03:00
  ["Europe/Paris", "2026-10-25"], // 03:00 -> 02:00
  ["America/New_York", "2026-11-01"], // 02:00 -> 01:00
  ["Asia/Kolkata", "2026-06-01"], // no change: hours at hh:30 UTC
];
const ZONES = [...new Set(CHANGES.map(([z]) => z))];

/** A zone and an instant (whole or not): near a change of that zone, or anywhere in 2000-2040. */
const instant = fc.oneof(
  fc.tuple(fc.constantFrom(...CHANGES), fc.integer({ min: -3 * DAY, max: 4 * DAY - 1 })).map(([[zone, day], d]) => [zone, Date.parse(`${day}T00:00:00Z`) + d] as const),
  fc.tuple(fc.constantFrom(...ZONES), fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) })).map(([zone, t]) => [zone, t] as const),
);

const floorMinute = (t: number) => Math.floor(t / MINUTE) * MINUTE;

describe("local days, against Intl's wall clock", () => {
  it("today, yesterday and the last 7 days start where their local dates start; dayOf names the date; parseDay and dayRange give its start and the next date's", () => {
    fc.assert(
      fc.property(instant, ([zone, now]) => {
        const date = wall(now, zone).date;
        const start = dateStart(date, zone);
        expect(dayOf(now, zone)).toBe(date);
        expect(presetRange("today", now, zone)).toEqual({ from: start, to: now, days: 1 });
        expect(presetRange("yesterday", now, zone)).toEqual({ from: dateStart(shiftDate(date, -1), zone), to: start, days: 1 });
        expect(presetRange("last7", now, zone).from).toBe(dateStart(shiftDate(date, -6), zone));
        expect(parseDay(date, zone)).toBe(start);
        expect(dayRange(shiftDate(date, -2), date, zone)).toEqual({ from: dateStart(shiftDate(date, -2), zone), to: dateStart(shiftDate(date, 1), zone), days: 3 });
      }),
      { numRuns: 150 },
    );
  }, SLOW);

  it("the previous period of a day range is the days before it; of a range so far, up to the same wall-clock time (its first instant, or where the clock jumps past it)", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 8 }), ([zone, now], days) => {
        const date = wall(now, zone).date;
        const from = dateStart(shiftDate(date, 1 - days), zone);
        const prev = previousPeriod({ from, to: now, days }, zone);
        expect(prev.from).toBe(dateStart(shiftDate(date, 1 - 2 * days), zone));
        // The wall clock of `now` (to the ms) `days` dates earlier.
        const w = wall(now, zone).ms + (now % 1000) - days * DAY;
        expect(prev.to).toBe(firstAtLeast(floorMinute(w), zone) + (w - floorMinute(w)));
        const whole = previousPeriod({ from, to: dateStart(shiftDate(date, 1), zone), days }, zone);
        expect(whole).toEqual({ from: prev.from, to: from, days });
      }),
      { numRuns: 100 },
    );
  }, SLOW);

  it("a datetime-local value reads back as the first instant showing that minute (where the clock jumps past it, the jump)", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -90, max: 90 }), ([zone, t], shift) => {
        const value = toLocalInput(t, zone);
        expect(value).toBe(new Date(wall(t, zone).ms).toISOString().slice(0, 16));
        expect(fromLocalInput(value, zone)).toBe(firstAtLeast(Date.parse(`${value}:00Z`), zone));
        // Any wall time, shown by the clock or skipped by it.
        const other = new Date(Date.parse(`${value}:00Z`) + shift * MINUTE).toISOString().slice(0, 16);
        expect(fromLocalInput(other, zone)).toBe(firstAtLeast(Date.parse(`${other}:00Z`), zone));
      }),
      { numRuns: 150 },
    );
  }, SLOW);
});

describe("every quarter hour around each change, against Intl's wall clock", () => {
  /** Whole quarter hours of local wall clock from the day before a change's UTC day to the day after. */
  const quarters = (day: string) => Array.from({ length: 3 * 96 }, (_, i) => Date.parse(`${day}T00:00:00Z`) - DAY + i * 15 * MINUTE);
  it.each(CHANGES)("%s around %s: a datetime-local value is the first instant showing it, or the jump past it", (zone, day) => {
    for (const w of quarters(day)) {
      const value = new Date(w).toISOString().slice(0, 16);
      expect(fromLocalInput(value, zone), value).toBe(firstAtLeast(w, zone));
    }
  });
  it.each(CHANGES)("%s around %s: today so far vs yesterday up to the same wall-clock time", (zone, day) => {
    for (const w of quarters(day)) {
      // `now` shows w + 1 day (+ 7 s); the day before, the first instant at or past w (+ 7 s).
      const now = firstAtLeast(w + DAY, zone) + 7_000;
      if (wall(now, zone).ms !== w + DAY + 7_000) continue; // a wall time the clock skips is no `now`
      const prev = previousPeriod(presetRange("today", now, zone), zone);
      expect(prev.to, new Date(w).toISOString()).toBe(firstAtLeast(w, zone) + 7_000);
    }
  });
});

describe("traffic slots, against Intl's wall clock", () => {
  /** Instants in [a, b) where the local date (day) or the local date, hour and offset (hour) change, minute by minute. */
  function boundaries(a: number, b: number, zone: string, bucket: "hour" | "day"): number[] {
    const keyOf = (t: number) => {
      const w = wall(t, zone);
      return bucket === "day" ? w.date : `${new Date(w.ms).toISOString().slice(0, 13)} ${w.ms - t}`;
    };
    const out: number[] = [];
    let prev = keyOf(a - MINUTE);
    for (let t = a; t < b; t += MINUTE) {
      const k = keyOf(t);
      if (k !== prev) out.push(t);
      prev = k;
    }
    return out;
  }
  it("one slot per local hour or day of the range, each ending where the next starts, the first holding `from`", () => {
    fc.assert(
      fc.property(instant, fc.constantFrom("hour" as const, "day" as const), fc.integer({ min: 1, max: 36 }), ([zone, t], bucket, n) => {
        const from = floorMinute(t);
        const to = from + n * (bucket === "hour" ? HOUR : 2 * HOUR);
        const slots = trafficSlots([], { from, to, days: null }, bucket, zone);
        const first = bucket === "day" ? dateStart(wall(from, zone).date, zone) : boundaries(from - 2 * HOUR, from + MINUTE, zone, "hour").at(-1)!;
        expect(slots[0]!.start).toBe(first);
        expect(slots.slice(1).map((s) => s.start)).toEqual(boundaries(from + MINUTE, to, zone, bucket));
        for (let i = 0; i + 1 < slots.length; i++) expect(slots[i]!.end).toBe(slots[i + 1]!.start);
        const last = slots.at(-1)!;
        expect(last.end).toBe(boundaries(last.start + MINUTE, last.start + 2 * DAY, zone, bucket)[0]);
        expect(slots.every((s) => s.value === 0)).toBe(true);
      }),
      { numRuns: 40 },
    );
  }, SLOW);
});
