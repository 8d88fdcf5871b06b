/**
 * `specialDaysIn` against a naive reference: the local dates a period touches, read at its first
 * instant and at every quarter hour inside it (every UTC offset is a whole number of quarter hours,
 * so each local midnight falls on one), in zones with DST, a half-hour offset and none.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { localDate, type OpeningHours } from "../alerts/hours.js";
import { formatSpecialDay, specialDaysIn, specialDaysWarning } from "./experiment-special-days.js";

const DAY = 86_400_000;
const QUARTER = 900_000;
const ZONES = ["Europe/Paris", "America/New_York", "Australia/Adelaide", "Asia/Kolkata", "UTC", "America/Santiago"];

/** The local dates [from, to) touches, read every quarter hour. */
function touchedDates(from: number, to: number, timeZone: string): Set<string> {
  const dates = new Set([localDate(from, timeZone)]);
  for (let t = Math.ceil((from + 1) / QUARTER) * QUARTER; t < to; t += QUARTER) dates.add(localDate(t, timeZone));
  return dates;
}

const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const cases = fc
  .record({
    start: fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) }),
    length: fc.oneof(fc.integer({ min: DAY, max: 20 * DAY }), fc.integer({ min: 1, max: 3 * DAY })),
    zone: fc.constantFrom(...ZONES),
    // Exception dates around the period (some inside, some a day off its edges), closed or on hours of their own.
    offsets: fc.uniqueArray(fc.integer({ min: -3, max: 23 }), { maxLength: 12 }),
    closed: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
  })
  .map(({ start, length, zone, offsets, closed }) => {
    const hours: OpeningHours = {
      weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
      exceptions: offsets.map((o, i) => ({ date: dateOf(start + o * DAY), intervals: closed[i] ? [] : [{ open: "08:00", close: "14:00" }], note: `n${i}` })),
    };
    return { period: { from: start, to: start + length }, zone, hours };
  });

describe("specialDaysIn", () => {
  it("lists exactly the exception dates the period touches, in the store's time zone, in date order", () => {
    fc.assert(
      fc.property(cases, ({ period, zone, hours }) => {
        const touched = touchedDates(period.from, period.to, zone);
        const expected = hours.exceptions.map((e) => e.date).filter((d) => touched.has(d)).sort();
        expect(specialDaysIn(hours, period, zone).map((d) => d.date)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("lists a day whose first hour only is in the period, and not the day the period ends on at midnight", () => {
    const hours: OpeningHours = { weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, exceptions: [{ date: "2026-12-25", intervals: [] }, { date: "2026-12-26", intervals: [] }] };
    // 24 Dec 00:00 to 25 Dec 01:00 in Paris (UTC+1): an hour of Christmas.
    expect(specialDaysIn(hours, { from: Date.UTC(2026, 11, 23, 23), to: Date.UTC(2026, 11, 25, 0) }, "Europe/Paris").map((d) => d.date)).toEqual(["2026-12-25"]);
    // 24 Dec 00:00 to 26 Dec 00:00: Christmas, not the 26th.
    expect(specialDaysIn(hours, { from: Date.UTC(2026, 11, 23, 23), to: Date.UTC(2026, 11, 25, 23) }, "Europe/Paris").map((d) => d.date)).toEqual(["2026-12-25"]);
  });

  it("reads the day in the store's zone across a DST change (the 25-hour 25 Oct 2026 in Paris)", () => {
    const hours: OpeningHours = { weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, exceptions: [{ date: "2026-10-26", intervals: [] }] };
    // 25 Oct 00:00 CEST (22:00 UTC the 24th) to 26 Oct 00:00 CET (23:00 UTC the 25th): 25 hours, all of the 25th.
    expect(specialDaysIn(hours, { from: Date.UTC(2026, 9, 24, 22), to: Date.UTC(2026, 9, 25, 23) }, "Europe/Paris")).toEqual([]);
    expect(specialDaysIn(hours, { from: Date.UTC(2026, 9, 24, 22), to: Date.UTC(2026, 9, 25, 23) + 1 }, "Europe/Paris").map((d) => d.date)).toEqual(["2026-10-26"]);
  });
});

describe("the warning", () => {
  it("names each store's days with the weekday, the hours or closed, and the note", () => {
    const days = [
      { date: "2026-12-24", intervals: [{ open: "08:00", close: "14:00" }], note: "Christmas Eve" },
      { date: "2026-12-25", intervals: [], note: "Christmas" },
    ];
    expect(days.map(formatSpecialDay)).toEqual(["2026-12-24 (Thu, 08:00-14:00: Christmas Eve)", "2026-12-25 (Fri, closed: Christmas)"]);
    const w = specialDaysWarning("after", [
      { label: "Rue de Rivoli", days },
      { label: "Le Marais", days: [] },
    ]);
    expect(w).toMatch(/^the after period holds days the opening hours mark as special \(a holiday, a closure, hours of their own\): Rue de Rivoli: 2026-12-24 \(Thu, 08:00-14:00: Christmas Eve\), 2026-12-25 \(Fri, closed: Christmas\)\. /);
    expect(w).not.toMatch(/Le Marais/);
    expect(specialDaysWarning("before", [{ label: "Le Marais", days: [] }])).toBeNull();
  });

  it("lists five days of a store and counts the rest", () => {
    const days = Array.from({ length: 8 }, (_, i) => ({ date: `2026-12-${String(20 + i)}`, intervals: [], note: null }));
    expect(specialDaysWarning("before", [{ label: "Shop", days }])).toMatch(/2026-12-24 \(Thu, closed\) and 3 more\./);
  });
});
