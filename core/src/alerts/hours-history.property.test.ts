import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { specialDaysIn } from "../analysis/experiment-special-days.js";
import { gapsWhileOpen } from "../forecast/series.js";
import { ALWAYS_OPEN, compactHours, hoursAt, isOpen, openIntervals, WEEKDAYS, type HoursHistory, type HoursInterval, type OpeningHours } from "./hours.js";

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
