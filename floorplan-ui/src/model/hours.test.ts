import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEMO_CLOSING_GRACE_MINUTES, DEMO_HOURLY_CURVE, hoursCoveringCurve, localMidnight, minutesOf, openIntervals, WEEKDAYS, type OpeningHours } from "@footfall/core";
import { closedRuns, notOpenYet } from "./hours.js";

const H = 3_600_000;
const slotsOf = (n: number) => Array.from({ length: n }, (_, i) => ({ start: i * H, end: (i + 1) * H }));

describe("closedRuns", () => {
  it("shades the hours before opening and after closing; an hour open for a minute is not shaded", () => {
    expect(closedRuns(slotsOf(24), [{ from: 9 * H, to: 19 * H + 60_000 }])).toEqual([
      [0, 8],
      [20, 23],
    ]);
  });
  it("nothing without opening hours", () => {
    expect(closedRuns(slotsOf(24), null)).toEqual([]);
  });
  it("a slot is in a run exactly when no open interval overlaps it (against a per-slot reference)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 48 * 60 }), fc.integer({ min: 1, max: 600 })), { maxLength: 5 }), (ivs) => {
        const open = ivs.map(([a, d]) => ({ from: a * 60_000, to: (a + d) * 60_000 }));
        const slots = slotsOf(48);
        const shaded = new Set(closedRuns(slots, open).flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, k) => a + k)));
        slots.forEach((s, i) => expect(shaded.has(i)).toBe(!open.some((o) => o.from < s.end && s.start < o.to)));
      }),
    );
  });
});

describe("notOpenYet", () => {
  const TZ = "Europe/Paris";
  const hours = hoursCoveringCurve(DEMO_HOURLY_CURVE, DEMO_CLOSING_GRACE_MINUTES); // 08:00-21:30 every day
  /** Sat 5 Dec 2026 at `hhmm` in Paris (UTC+1). */
  const at = (hhmm: string, date = "2026-12-05") => Date.parse(`${date}T${hhmm}:00+01:00`);
  /** "Today so far" at `now`, and the store's open intervals from its midnight to two days on, as the heatmap asks for them. */
  const today = (now: number, h: OpeningHours = hours) => {
    const from = localMidnight(now, TZ);
    return { range: { from, to: now }, open: openIntervals(h, { from, to: from + 48 * H }, TZ) };
  };

  it("says, before opening, that the store has not opened yet today and when it opens", () => {
    const { range, open } = today(at("06:40"));
    expect(notOpenYet(open, range, at("06:40"), TZ)).toEqual({ text: "The store has not opened yet today: it opens at 08:00 (its opening hours), so there are no visits yet.", opensAt: at("08:00") });
  });

  it("says nothing once the store has opened today, after closing too, nor for another range or without hours", () => {
    for (const hhmm of ["08:01", "14:00", "22:30"]) {
      const { range, open } = today(at(hhmm));
      expect(notOpenYet(open, range, at(hhmm), TZ)).toBeNull();
    }
    const { range, open } = today(at("06:40"));
    expect(notOpenYet(null, range, at("06:40"), TZ)).toBeNull();
    // Yesterday (a range that ended before now), and the last 7 days.
    expect(notOpenYet(open, { from: range.from - 24 * H, to: range.from }, at("06:40"), TZ)).toBeNull();
    expect(notOpenYet(open, { from: range.from - 6 * 24 * H, to: at("06:40") }, at("06:40"), TZ)).toBeNull();
  });

  it("says the store is closed all day on a day its hours say closed (not when it opens tomorrow)", () => {
    const sunday = { ...hours, weekly: { ...hours.weekly, sat: [] } };
    const { range, open } = today(at("15:00"), sunday);
    expect(notOpenYet(open, range, at("15:00"), TZ)).toEqual({ text: "The store is closed all day today (its opening hours), so there are no visits.", opensAt: null });
  });

  it("speaks exactly when no open interval lies between midnight and now (any hours, any time of day)", () => {
    const day = fc.array(fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 1, max: 6 })), { maxLength: 2 });
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 24 * 60 - 1 }), (ivs, minute) => {
        const sorted = [...ivs].sort((a, b) => a[0] - b[0]).filter((iv, i, all) => i === 0 || iv[0] >= all[i - 1]![0] + all[i - 1]![1]);
        const intervals = sorted.map(([h, n]) => ({ open: `${String(h).padStart(2, "0")}:00`, close: `${String(Math.min(24, h + n)).padStart(2, "0")}:00` }));
        const h: OpeningHours = { weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, intervals])) as OpeningHours["weekly"], exceptions: [] };
        const now = at("00:00") + minute * 60_000;
        const { range, open } = today(now, h);
        const openedSoFar = intervals.some((iv) => minutesOf(iv.open) < minute);
        const said = notOpenYet(open, range, now, TZ);
        expect(said === null).toBe(openedSoFar);
        if (said?.opensAt != null) expect(said.opensAt).toBe(at("00:00") + minutesOf(intervals.find((iv) => minutesOf(iv.open) >= minute)!.open) * 60_000);
      }),
    );
  });
});
