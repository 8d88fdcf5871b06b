import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { offsetMs } from "../domain/calendar.js";
import { closingTime, doorCountStart, hoursOfDate, lastClosing, hoursProblems, isOpen, localDate, minutesOf, openIntervals, wallToUtc, WEEKDAYS, type HoursInterval, type OpeningHours } from "./hours.js";

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Zones with DST (some at half hours, Lord Howe's is 30 minutes), and some without. */
const ZONES = ["Europe/Paris", "America/New_York", "Australia/Adelaide", "America/St_Johns", "Australia/Lord_Howe", "Asia/Kolkata", "UTC", "America/Sao_Paulo"];
/** Instants within a few days of DST changes of 2026 (northern and southern), and ordinary days. */
const AROUND = [Date.UTC(2026, 2, 29), Date.UTC(2026, 9, 25), Date.UTC(2026, 2, 8), Date.UTC(2026, 10, 1), Date.UTC(2026, 3, 5), Date.UTC(2026, 9, 4), Date.UTC(2026, 5, 17)];

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

/** A day's intervals: sorted disjoint cut points on a 15-minute grid (or 24:00). */
const dayArb: fc.Arbitrary<HoursInterval[]> = fc
  .uniqueArray(fc.integer({ min: 0, max: 96 }), { maxLength: 6 })
  .map((cuts) => {
    const s = [...cuts].sort((a, b) => a - b);
    const out: HoursInterval[] = [];
    for (let i = 0; i + 1 < s.length; i += 2) out.push({ open: hhmm(s[i]! * 15), close: hhmm(s[i + 1]! * 15) });
    return out;
  });

const hoursArb: fc.Arbitrary<OpeningHours> = fc.record({
  weekly: fc.record(Object.fromEntries(WEEKDAYS.map((d) => [d, dayArb])) as Record<(typeof WEEKDAYS)[number], typeof dayArb>),
  exceptions: fc.uniqueArray(
    fc.record({ day: fc.integer({ min: -3, max: 3 }), base: fc.constantFrom(...AROUND), intervals: dayArb }),
    { maxLength: 3, selector: (e) => e.base + e.day * DAY },
  ),
}).map(({ weekly, exceptions }) => ({
  weekly,
  exceptions: exceptions.map((e) => ({ date: new Date(e.base + e.day * DAY).toISOString().slice(0, 10), intervals: e.intervals })),
}));

const instantArb = fc.tuple(fc.constantFrom(...AROUND), fc.integer({ min: -3 * 24 * 60, max: 3 * 24 * 60 })).map(([b, m]) => b + m * MINUTE);

/** Reference: scan minute by minute for the first instant whose wall clock reads at least `minutes` of the date. */
function naiveWallToUtc(civil: number, minutes: number, tz: string): number {
  const wall = civil * DAY + minutes * MINUTE;
  for (let t = wall - 15 * HOUR; ; t += MINUTE) if (t + offsetMs(t, tz) >= wall) return t;
}

/** Reference isOpen: the intervals of the dates around `ts`, each end placed by the naive scan. */
function naiveIsOpen(h: OpeningHours, ts: number, tz: string): boolean {
  const civil = Math.floor((ts + offsetMs(ts, tz)) / DAY);
  for (const c of [civil - 1, civil, civil + 1]) {
    const date = new Date(c * DAY).toISOString().slice(0, 10);
    for (const iv of hoursOfDate(h, date)) {
      if (naiveWallToUtc(c, minutesOf(iv.open), tz) <= ts && ts < naiveWallToUtc(c, minutesOf(iv.close), tz)) return true;
    }
  }
  return false;
}

describe("opening hours", () => {
  it("generated schedules are valid", () => {
    fc.assert(
      fc.property(hoursArb, (h) => {
        expect(hoursProblems(h)).toEqual([]);
      }),
    );
  });

  it("wallToUtc gives the first instant whose local clock reads the time, in gaps and repeated hours too", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.constantFrom(...AROUND), fc.integer({ min: -2, max: 2 }), fc.integer({ min: 0, max: 96 }), (tz, base, d, q) => {
        const civil = Math.floor(base / DAY) + d;
        expect(wallToUtc(civil, q * 15, tz)).toBe(naiveWallToUtc(civil, q * 15, tz));
      }),
      { numRuns: 150 },
    );
  });

  it("isOpen agrees with the naive reference, DST days included", () => {
    fc.assert(
      fc.property(hoursArb, fc.constantFrom(...ZONES), instantArb, (h, tz, ts) => {
        expect(isOpen(h, ts, tz)).toBe(naiveIsOpen(h, ts, tz));
      }),
      { numRuns: 150 },
    );
  });

  it("away from a clock change, open means the local clock is within one of the date's intervals", () => {
    fc.assert(
      fc.property(hoursArb, fc.constantFrom(...ZONES), instantArb, (h, tz, ts) => {
        fc.pre(offsetMs(ts - 2 * HOUR, tz) === offsetMs(ts + 2 * HOUR, tz));
        const wall = ts + offsetMs(ts, tz);
        const minute = Math.floor((wall % DAY) / MINUTE);
        const byClock = hoursOfDate(h, localDate(ts, tz)).some((iv) => minutesOf(iv.open) <= minute && minute < minutesOf(iv.close));
        expect(isOpen(h, ts, tz)).toBe(byClock);
      }),
      { numRuns: 200 },
    );
  });

  it("openIntervals are ascending, disjoint, within the range, and hold exactly the open instants", () => {
    fc.assert(
      fc.property(hoursArb, fc.constantFrom(...ZONES), instantArb, fc.integer({ min: 1, max: 3 * 24 * 60 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }), (h, tz, from, minutes, probes) => {
        const range = { from, to: from + minutes * MINUTE };
        const ivs = openIntervals(h, range, tz);
        ivs.forEach((iv, i) => {
          expect(iv.from).toBeLessThan(iv.to);
          expect(iv.from).toBeGreaterThanOrEqual(range.from);
          expect(iv.to).toBeLessThanOrEqual(range.to);
          if (i > 0) expect(iv.from).toBeGreaterThan(ivs[i - 1]!.to);
        });
        for (const p of probes) {
          const ts = Math.floor(range.from + p * (range.to - range.from - 1));
          expect(ivs.some((iv) => iv.from <= ts && ts < iv.to)).toBe(isOpen(h, ts, tz));
        }
        for (const iv of ivs) {
          expect(isOpen(h, iv.from, tz)).toBe(true);
          expect(isOpen(h, iv.to - 1, tz)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("closingTime is when the date's last interval ends: open just before, not open at it unless reopening at once", () => {
    fc.assert(
      fc.property(hoursArb, fc.constantFrom(...ZONES), instantArb, (h, tz, ts) => {
        const date = localDate(ts, tz);
        const close = closingTime(h, date, tz);
        if (hoursOfDate(h, date).length === 0) {
          expect(close).toBeNull();
          return;
        }
        if (close === null) return; // every interval fell into a skipped hour
        expect(isOpen(h, close - 1, tz)).toBe(true);
        const last = [...hoursOfDate(h, date)].sort((a, b) => minutesOf(a.close) - minutesOf(b.close)).at(-1)!;
        if (last.close !== "24:00") expect(isOpen(h, close, tz)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it("a Paris store open 09:00-20:00 is open 23 h minus its closed hours on the spring-forward day, and its exception closes Christmas", () => {
    const h: OpeningHours = {
      weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "01:00", close: "20:00" }]])) as OpeningHours["weekly"],
      exceptions: [{ date: "2026-12-25", intervals: [] }],
    };
    const day = openIntervals(h, { from: Date.UTC(2026, 2, 28, 23), to: Date.UTC(2026, 2, 29, 22) }, "Europe/Paris");
    expect(day).toEqual([{ from: Date.UTC(2026, 2, 29, 0), to: Date.UTC(2026, 2, 29, 18) }]); // 01:00+01:00 to 20:00+02:00: 18 h
    expect(openIntervals(h, { from: Date.UTC(2026, 11, 24, 23), to: Date.UTC(2026, 11, 25, 23) }, "Europe/Paris")).toEqual([]);
    expect(closingTime(h, "2026-03-29", "Europe/Paris")).toBe(Date.UTC(2026, 2, 29, 18));
  });

  it("reports overlapping, reversed and duplicate entries", () => {
    const h: OpeningHours = {
      weekly: { mon: [{ open: "09:00", close: "12:00" }, { open: "11:00", close: "14:00" }], tue: [{ open: "20:00", close: "02:00" }], wed: [], thu: [], fri: [], sat: [], sun: [] },
      exceptions: [{ date: "2026-02-30", intervals: [] }, { date: "2026-12-24", intervals: [] }, { date: "2026-12-24", intervals: [] }],
    };
    const p = hoursProblems(h);
    expect(p.some((s) => s.startsWith("mon:") && s.includes("overlap"))).toBe(true);
    expect(p.some((s) => s.startsWith("tue:") && s.includes("before it opens"))).toBe(true);
    expect(p).toContain("2026-02-30: not a date");
    expect(p).toContain("2026-12-24: more than one exception");
  });
});

describe("closing reset", () => {
  it("lastClosing is at or before now, the store was open just before it and closed at it, and it did not close again since", () => {
    fc.assert(
      fc.property(hoursArb, fc.constantFrom(...ZONES), instantArb, (h, tz, now) => {
        const c = lastClosing(h, now, tz);
        if (c === null) return;
        expect(c).toBeLessThanOrEqual(now);
        expect(isOpen(h, c - 1, tz)).toBe(true);
        expect(isOpen(h, c, tz)).toBe(false);
        // No later closing up to now: every open stretch after c runs past now.
        for (const iv of openIntervals(h, { from: c, to: now + 1 }, tz)) expect(iv.to).toBe(now + 1);
      }),
      { numRuns: 150 },
    );
  });

  it("a store with hours every day has a closing within the last two days; one always open has none", () => {
    const daily: OpeningHours = { weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "08:00", close: "20:00" }]])) as OpeningHours["weekly"], exceptions: [] };
    const always: OpeningHours = { weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "00:00", close: "24:00" }]])) as OpeningHours["weekly"], exceptions: [] };
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instantArb, (tz, now) => {
        const c = lastClosing(daily, now, tz);
        expect(c).not.toBeNull();
        expect(now - c!).toBeLessThan(2 * DAY);
        expect(lastClosing(always, now, tz)).toBeNull();
        expect(doorCountStart(always, now, tz, 42)).toBe(42);
        expect(doorCountStart(null, now, tz, 42)).toBe(42);
      }),
      { numRuns: 60 },
    );
  });

  it("Paris, 20:00 closing: at 21:00 the count starts at 20:00; at 10:00 the next day still at 20:00 the day before", () => {
    const daily: OpeningHours = { weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "08:00", close: "20:00" }]])) as OpeningHours["weekly"], exceptions: [] };
    expect(lastClosing(daily, Date.UTC(2026, 10, 30, 20), "Europe/Paris")).toBe(Date.UTC(2026, 10, 30, 19));
    expect(lastClosing(daily, Date.UTC(2026, 11, 1, 9), "Europe/Paris")).toBe(Date.UTC(2026, 10, 30, 19));
  });
});
