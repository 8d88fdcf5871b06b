/**
 * `specialDaysIn` against a naive reference: an exception date bears on a period when, at its first
 * instant or at some quarter hour inside it, the local date is that date and the store is open by its
 * hours (`isOpen`, the exception applied) or would be by its weekly schedule alone. Every UTC offset
 * is a whole number of quarter hours and the generated hours open and close on quarter hours, so
 * each opening falls on a sampled instant. Zones with DST, a half-hour offset and none.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isOpen, localDate, type HoursInterval, type OpeningHours } from "../alerts/hours.js";
import { formatSpecialDay, specialDaysIn, specialDaysWarning } from "./experiment-special-days.js";

const DAY = 86_400_000;
const QUARTER = 900_000;
const ZONES = ["Europe/Paris", "America/New_York", "Australia/Adelaide", "Asia/Kolkata", "UTC", "America/Santiago"];
const CLOSED_WEEK = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };

/** The exception dates on which the store is open at a sampled instant of the period, by its hours or by its weekly ones. */
function reference(hours: OpeningHours, from: number, to: number, timeZone: string): string[] {
  const usual: OpeningHours = { weekly: hours.weekly, exceptions: [] };
  const dates = new Set(hours.exceptions.map((e) => e.date));
  const found = new Set<string>();
  const look = (t: number) => {
    const d = localDate(t, timeZone);
    if (dates.has(d) && (isOpen(hours, t, timeZone) || isOpen(usual, t, timeZone))) found.add(d);
  };
  look(from);
  for (let t = Math.ceil((from + 1) / QUARTER) * QUARTER; t < to; t += QUARTER) look(t);
  return [...found].sort();
}

const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const hhmm = (quarters: number) => (quarters === 96 ? "24:00" : `${String(Math.floor(quarters / 4)).padStart(2, "0")}:${String((quarters % 4) * 15).padStart(2, "0")}`);
/** A day's hours on quarter hours: closed, or one interval. */
const dayHours = fc.oneof(
  fc.constant<HoursInterval[]>([]),
  fc.tuple(fc.integer({ min: 0, max: 95 }), fc.integer({ min: 1, max: 96 })).map(([a, n]) => [{ open: hhmm(a), close: hhmm(Math.min(96, a + n)) }]),
);

const cases = fc
  .record({
    // Often on a quarter hour, so that a period starts or ends where a day's hours open or close.
    start: fc.oneof(fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) }), fc.integer({ min: Date.UTC(2024, 0, 1) / QUARTER, max: Date.UTC(2030, 0, 1) / QUARTER }).map((q) => q * QUARTER)),
    length: fc.oneof(fc.integer({ min: DAY, max: 9 * DAY }), fc.integer({ min: 1, max: 2 * DAY }), fc.integer({ min: 1, max: 4 * 96 }).map((q) => q * QUARTER)),
    zone: fc.constantFrom(...ZONES),
    weekly: fc.array(dayHours, { minLength: 7, maxLength: 7 }),
    // Exception dates around the period (some inside, some a day off its edges), closed or on hours of their own.
    exceptions: fc.uniqueArray(fc.record({ offset: fc.integer({ min: -2, max: 11 }), hours: dayHours }), { maxLength: 10, selector: (e) => e.offset }),
  })
  .map(({ start, length, zone, weekly, exceptions }) => {
    const hours: OpeningHours = {
      weekly: { mon: weekly[0]!, tue: weekly[1]!, wed: weekly[2]!, thu: weekly[3]!, fri: weekly[4]!, sat: weekly[5]!, sun: weekly[6]! },
      exceptions: exceptions.map((e, i) => ({ date: dateOf(start + e.offset * DAY), intervals: e.hours, note: `n${i}` })),
    };
    return { period: { from: start, to: start + length }, zone, hours };
  });

describe("specialDaysIn", () => {
  it("lists exactly the exception dates whose hours, kept or usual, the period reaches into, in the store's time zone, in date order", () => {
    fc.assert(
      fc.property(cases, ({ period, zone, hours }) => {
        expect(specialDaysIn(hours, period, zone).map((d) => d.date)).toEqual(reference(hours, period.from, period.to, zone));
      }),
      { numRuns: 150 },
    );
  });

  it("leaves out a special day whose only part in the period is the night before it opens (a period ending at 00:37 that day)", () => {
    const daily = [{ open: "08:00", close: "21:30" }];
    const hours: OpeningHours = { weekly: { mon: daily, tue: daily, wed: daily, thu: daily, fri: daily, sat: daily, sun: daily }, exceptions: [{ date: "2026-12-05", intervals: [{ open: "08:00", close: "18:00" }], note: "Saint Nicholas eve" }] };
    // Fri 4 Dec 00:37 to Sat 5 Dec 00:37 in Paris: the demo's day before its change.
    expect(specialDaysIn(hours, { from: Date.UTC(2026, 11, 3, 23, 37), to: Date.UTC(2026, 11, 4, 23, 37) }, "Europe/Paris")).toEqual([]);
    expect(specialDaysIn(hours, { from: Date.UTC(2026, 11, 4, 23, 37), to: Date.UTC(2026, 11, 5, 23, 37) }, "Europe/Paris").map((d) => d.date)).toEqual(["2026-12-05"]);
  });

  it("lists a day whose first hour only is in the period, and not the day the period ends on at midnight", () => {
    const allDay = [{ open: "00:00", close: "24:00" }];
    const hours: OpeningHours = { weekly: { ...CLOSED_WEEK, thu: allDay, fri: allDay, sat: allDay }, exceptions: [{ date: "2026-12-25", intervals: [] }, { date: "2026-12-26", intervals: [] }] };
    // 24 Dec 00:00 to 25 Dec 01:00 in Paris (UTC+1): an hour of Christmas.
    expect(specialDaysIn(hours, { from: Date.UTC(2026, 11, 23, 23), to: Date.UTC(2026, 11, 25, 0) }, "Europe/Paris").map((d) => d.date)).toEqual(["2026-12-25"]);
    // 24 Dec 00:00 to 26 Dec 00:00: Christmas, not the 26th.
    expect(specialDaysIn(hours, { from: Date.UTC(2026, 11, 23, 23), to: Date.UTC(2026, 11, 25, 23) }, "Europe/Paris").map((d) => d.date)).toEqual(["2026-12-25"]);
  });

  it("leaves out a day whose hours the period only touches at their edges: it ends as the day opens, or starts as it closes", () => {
    const hours: OpeningHours = { weekly: CLOSED_WEEK, exceptions: [{ date: "2026-12-24", intervals: [{ open: "08:00", close: "14:00" }], note: "Christmas Eve" }] };
    const [opens, closes] = [Date.UTC(2026, 11, 24, 7), Date.UTC(2026, 11, 24, 13)];
    expect(specialDaysIn(hours, { from: opens - DAY, to: opens }, "Europe/Paris")).toEqual([]);
    expect(specialDaysIn(hours, { from: closes, to: closes + DAY }, "Europe/Paris")).toEqual([]);
    expect(specialDaysIn(hours, { from: opens - DAY, to: opens + 1 }, "Europe/Paris")).toHaveLength(1);
    expect(specialDaysIn(hours, { from: closes - 1, to: closes + DAY }, "Europe/Paris")).toHaveLength(1);
  });

  it("reads the day in the store's zone across a DST change (the 25-hour 25 Oct 2026 in Paris)", () => {
    const allDay = [{ open: "00:00", close: "24:00" }];
    const hours: OpeningHours = { weekly: { ...CLOSED_WEEK, sun: allDay, mon: allDay }, exceptions: [{ date: "2026-10-26", intervals: [] }] };
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
