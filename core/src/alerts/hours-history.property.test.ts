import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { specialDaysIn } from "../analysis/experiment-special-days.js";
import { gapsWhileOpen } from "../forecast/series.js";
import { ALWAYS_OPEN, compactHours, doorCountStart, hoursAt, isOpen, lastClosing, openIntervals, WEEKDAYS, type HoursHistory, type HoursInterval, type OpeningHours } from "./hours.js";

const MINUTE = 60_000;
const DAY = 86_400_000;
const ZONES = ["Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"];
/** Around DST changes of 2026 and an ordinary week. */
const AROUND = [Date.UTC(2026, 2, 29), Date.UTC(2026, 9, 25), Date.UTC(2026, 3, 5), Date.UTC(2026, 5, 17)];

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const dayArb: fc.Arbitrary<HoursInterval[]> = fc.uniqueArray(fc.integer({ min: 0, max: 48 }), { maxLength: 4 }).map((cuts) => {
  const s = [...cuts].sort((a, b) => a - b);
  const out: HoursInterval[] = [];
  for (let i = 0; i + 1 < s.length; i += 2) out.push({ open: hhmm(s[i]! * 30), close: hhmm(s[i + 1]! * 30) });
  return out;
});
const hoursArb = (base: number): fc.Arbitrary<OpeningHours> =>
  fc
    .record({
      weekly: fc.record(Object.fromEntries(WEEKDAYS.map((d) => [d, dayArb])) as Record<(typeof WEEKDAYS)[number], typeof dayArb>),
      exceptions: fc.uniqueArray(fc.record({ day: fc.integer({ min: -3, max: 3 }), intervals: dayArb }), { maxLength: 2, selector: (e) => e.day }),
    })
    .map(({ weekly, exceptions }) => ({ weekly, exceptions: exceptions.map((e) => ({ date: new Date(base + e.day * DAY).toISOString().slice(0, 10), intervals: e.intervals })) }));

/** A base instant, a history of 1-4 versions (some none) saved within three days of it, ascending. */
const caseArb = fc.constantFrom(...AROUND).chain((base) =>
  fc.record({
    base: fc.constant(base),
    tz: fc.constantFrom(...ZONES),
    history: fc
      .array(fc.record({ at: fc.integer({ min: -3 * 24 * 60, max: 3 * 24 * 60 }), hours: fc.option(hoursArb(base), { freq: 4 }) }), { minLength: 1, maxLength: 4 })
      .map((vs): HoursHistory => [...vs].sort((a, b) => a.at - b.at).map((v) => ({ from: base + v.at * MINUTE, hours: v.hours }))),
    range: fc.tuple(fc.integer({ min: -4 * 24 * 60, max: 4 * 24 * 60 }), fc.integer({ min: 1, max: 3 * 24 * 60 })).map(([m, len]) => ({ from: base + m * MINUTE, to: base + (m + len) * MINUTE })),
  }),
);

/** Reference: the version in force at `ts` is the last saved at or before it; before the first, the first. */
function refHoursAt(history: HoursHistory, ts: number): OpeningHours | null {
  const before = history.filter((v) => v.from <= ts);
  return (before.length > 0 ? before[before.length - 1]! : history[0]!).hours;
}
/** Reference: open at `ts` by the hours in force then (none: open). */
const refOpen = (history: HoursHistory, ts: number, tz: string): boolean => isOpen(refHoursAt(history, ts) ?? ALWAYS_OPEN, ts, tz);

/** Instants to look at: every 10 minutes of the range, each version's start and the instant before it, the range's ends. */
function probes(history: HoursHistory, range: { from: number; to: number }): number[] {
  const out = new Set<number>([range.from, range.to - 1]);
  for (let t = range.from; t < range.to; t += 10 * MINUTE) out.add(t);
  for (const v of history) for (const t of [v.from - 1, v.from, v.from + 1]) if (t >= range.from && t < range.to) out.add(t);
  return [...out];
}

describe("opening hours with a history", () => {
  it("hoursAt gives the version in force: the last saved at or before the instant, the first before any", () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: -5 * 24 * 60, max: 5 * 24 * 60 }), ({ base, history }, m) => {
        const ts = base + m * MINUTE;
        expect(hoursAt(history, ts)).toEqual(refHoursAt(history, ts));
      }),
    );
  });

  it("openIntervals of a history: open exactly where the hours in force at each instant say, sorted, disjoint, touching ones merged", () => {
    fc.assert(
      fc.property(caseArb, ({ tz, history, range }) => {
        const ivs = openIntervals(history, range, tz);
        ivs.forEach((iv, i) => {
          expect(iv.from).toBeGreaterThanOrEqual(range.from);
          expect(iv.to).toBeLessThanOrEqual(range.to);
          expect(iv.to).toBeGreaterThan(iv.from);
          if (i > 0) expect(iv.from).toBeGreaterThan(ivs[i - 1]!.to);
        });
        for (const t of probes(history, range)) {
          expect([t, ivs.some((iv) => iv.from <= t && t < iv.to)]).toEqual([t, refOpen(history, t, tz)]);
        }
      }),
      { numRuns: 120 },
    );
  });

  it("gapsWhileOpen with a history keeps an outage's instants the hours in force then call open, and no other", () => {
    fc.assert(
      fc.property(caseArb, ({ tz, history, range }) => {
        const gaps = gapsWhileOpen([range], history, tz);
        for (const t of probes(history, range)) expect([t, gaps.some((g) => g.from <= t && t < g.to)]).toEqual([t, refOpen(history, t, tz)]);
      }),
      { numRuns: 60 },
    );
  });

  it("a history of one version, or of versions all without hours, reads as the plain schedule (compactHours)", () => {
    fc.assert(
      fc.property(caseArb, ({ tz, history, range }) => {
        const compact = compactHours(history);
        if (compact === null) expect(openIntervals(history, range, tz)).toEqual([range]);
        else expect(openIntervals(compact, range, tz)).toEqual(openIntervals(history, range, tz));
      }),
      { numRuns: 60 },
    );
  });

  it("lastClosing of a history: a closing by the hours in force then, none later up to now, and one whenever the store closed in the last week", () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: -3 * 24 * 60, max: 4 * 24 * 60 }), fc.integer({ min: 0, max: MINUTE - 1 }), ({ base, tz, history }, m, ms) => {
        const now = base + m * MINUTE + ms;
        // Reference: every instant the store goes from open to closed by the version in force at each instant: each
        // version's own closings (the ends of its plain schedule's stretches) and each version's start, looked at alone.
        const window = { from: now - 9 * DAY, to: now + 1 };
        const candidates = new Set<number>(history.map((v) => v.from));
        for (const v of history) for (const iv of openIntervals(v.hours ?? ALWAYS_OPEN, { from: window.from - DAY, to: window.to + DAY }, tz)) candidates.add(iv.to);
        const closings = [...candidates].filter((t) => t >= window.from && t <= now && refOpen(history, t - 1, tz) && !refOpen(history, t, tz)).sort((a, b) => a - b);
        const c = lastClosing(history, now, tz);
        if (c === null) expect(closings.filter((t) => t > now - 7 * DAY)).toEqual([]);
        else {
          expect(closings).toContain(c);
          expect(closings.filter((t) => t > c)).toEqual([]);
        }
        // The door count from that closing; from midnight without hours now, or when the store had none at midnight, after it.
        const midnight = now - 5 * 3_600_000;
        const start = doorCountStart(history, now, tz, midnight);
        if (refHoursAt(history, now) === null || c === null) expect(start).toBe(midnight);
        else expect(start).toBe(refHoursAt(history, midnight) === null ? Math.max(c, midnight) : c);
        // One version (or none with hours): as the plain schedule reads it.
        const compact = compactHours(history);
        if (compact === null) expect(c).toBeNull();
        else if (!Array.isArray(compact)) expect(c).toBe(lastClosing(compact as OpeningHours, now, tz));
      }),
      { numRuns: 150 },
    );
  });

  it("lastClosing of a past day is that day's: closing at 20:00 until Wednesday's save, 22:00 since", () => {
    const week = (close: string) => ({ weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "09:00", close }]])) as OpeningHours["weekly"], exceptions: [] });
    // UTC; Wed 2 Dec 2026 12:00 the hours change from 09-20 to 09-22.
    const history: HoursHistory = [
      { from: Date.UTC(2026, 10, 1), hours: week("20:00") },
      { from: Date.UTC(2026, 11, 2, 12), hours: week("22:00") },
    ];
    expect(lastClosing(history, Date.UTC(2026, 11, 1, 23), "UTC")).toBe(Date.UTC(2026, 11, 1, 20));
    expect(lastClosing(history, Date.UTC(2026, 11, 2, 23), "UTC")).toBe(Date.UTC(2026, 11, 2, 22));
    // Today's hours alone: Tuesday closed at 22:00.
    expect(lastClosing(week("22:00"), Date.UTC(2026, 11, 1, 23), "UTC")).toBe(Date.UTC(2026, 11, 1, 22));
    // A store that had none until Wednesday 21:00 closes at the save (the new hours' closing 20:00 was past), not before.
    const later: HoursHistory = [
      { from: Date.UTC(2026, 10, 1), hours: null },
      { from: Date.UTC(2026, 11, 2, 21), hours: week("20:00") },
    ];
    expect(lastClosing(later, Date.UTC(2026, 11, 2, 20, 30), "UTC")).toBeNull();
    expect(lastClosing(later, Date.UTC(2026, 11, 2, 23), "UTC")).toBe(Date.UTC(2026, 11, 2, 21));
    expect(lastClosing(later, Date.UTC(2026, 11, 3, 21), "UTC")).toBe(Date.UTC(2026, 11, 3, 20));
  });

  it("special days of a history: an exception counts on the days its version was in force, so pruning old exceptions or adding new ones leaves the past as it was", () => {
    const week = (intervals: HoursInterval[]) => Object.fromEntries(WEEKDAYS.map((d) => [d, intervals])) as OpeningHours["weekly"];
    const christmas: OpeningHours = { weekly: week([{ open: "09:00", close: "19:00" }]), exceptions: [{ date: "2025-12-25", intervals: [], note: "Christmas" }] };
    const pruned: OpeningHours = { weekly: week([{ open: "09:00", close: "20:00" }]), exceptions: [{ date: "2026-12-24", intervals: [{ open: "09:00", close: "14:00" }] }] };
    const history: HoursHistory = [
      { from: Date.UTC(2025, 10, 1), hours: christmas },
      { from: Date.UTC(2026, 0, 10), hours: pruned },
    ];
    const last = { from: Date.UTC(2025, 11, 20), to: Date.UTC(2026, 0, 5) };
    const next = { from: Date.UTC(2026, 11, 20), to: Date.UTC(2027, 0, 5) };
    expect(specialDaysIn(history, last, "Europe/Paris").map((d) => d.date)).toEqual(["2025-12-25"]);
    expect(specialDaysIn(history, next, "Europe/Paris").map((d) => d.date)).toEqual(["2026-12-24"]);
    // Today's hours alone lose last year's Christmas.
    expect(specialDaysIn(pruned, last, "Europe/Paris")).toEqual([]);
  });
});
