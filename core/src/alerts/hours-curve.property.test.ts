import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hoursCoveringCurve, hoursProblems, minutesOf, openingHoursValidator, WEEKDAYS, type OpeningHours } from "./hours.js";

/** Whether minute `m` of the week (Monday 00:00 = 0) is inside the weekly schedule. */
const openAtMinute = (h: OpeningHours, m: number): boolean => {
  const wm = ((m % 10_080) + 10_080) % 10_080;
  const day = WEEKDAYS[Math.floor(wm / 1440)]!;
  return h.weekly[day].some((iv) => minutesOf(iv.open) <= wm % 1440 && wm % 1440 < minutesOf(iv.close));
};

const curveArb = fc.oneof(fc.array(fc.constantFrom(0, 0, 0.3, 1), { minLength: 24, maxLength: 24 }), fc.array(fc.constantFrom(0, 0, 0.5, 2), { minLength: 168, maxLength: 168 }));

describe("hoursCoveringCurve", () => {
  it("the default demo day (arrivals 08:00-21:00) opens at 08:00 and closes half an hour after the last arrivals", () => {
    const curve = [0, 0, 0, 0, 0, 0, 0, 0, 0.25, 0.4, 0.5, 0.7, 1, 0.9, 0.55, 0.5, 0.6, 0.85, 1, 0.8, 0.4, 0, 0, 0];
    const h = hoursCoveringCurve(curve, 30);
    for (const d of WEEKDAYS) expect(h.weekly[d]).toEqual([{ open: "08:00", close: "21:30" }]);
    expect(h.exceptions).toEqual([]);
  });

  it("a store open until midnight stays open into the next day for the grace, and a curve open all the time is open round the clock", () => {
    const late = Array.from({ length: 24 }, (_, h) => (h >= 6 && h < 24 ? 1 : 0));
    expect(hoursCoveringCurve(late, 30).weekly.tue).toEqual([
      { open: "00:00", close: "00:30" },
      { open: "06:00", close: "24:00" },
    ]);
    // Sunday's run goes on into Monday (the week wraps round).
    expect(hoursCoveringCurve(late, 30).weekly.mon[0]).toEqual({ open: "00:00", close: "00:30" });
    expect(hoursCoveringCurve(Array(24).fill(1), 30).weekly.wed).toEqual([{ open: "00:00", close: "24:00" }]);
  });

  it("is valid hours, open in every hour the curve brings anyone (and `grace` after each run of them), closed otherwise unless a day had too many runs", () => {
    fc.assert(
      fc.property(curveArb, fc.integer({ min: 0, max: 120 }), (curve, grace) => {
        const h = hoursCoveringCurve(curve, grace);
        expect(openingHoursValidator.problems(h)).toEqual([]);
        expect(hoursProblems(h)).toEqual([]);
        const at = (hour: number) => (curve[hour % curve.length] ?? 0) > 0;
        for (let m = 0; m < 10_080; m++) {
          const hour = Math.floor(m / 60);
          // The minute is covered when its hour brings arrivals, or a run of them ended at most `grace` minutes ago.
          let covered = at(hour);
          for (let back = 0; !covered && back < grace; back++) {
            const prev = m - 1 - back; // the last minute of a run of open hours, `back` + 1 minutes ago
            const ph = Math.floor((((prev % 10_080) + 10_080) % 10_080) / 60);
            if ((prev + 1) % 60 === 0 && at(ph) && !at(ph + 1)) covered = true;
          }
          // Every covered minute is open; an open one is covered unless a day's gaps were bridged (6 intervals).
          if (covered && !openAtMinute(h, m)) return false;
          if (!covered && openAtMinute(h, m) && WEEKDAYS.every((d) => h.weekly[d].length < 6)) return false;
        }
        return true;
      }),
      { numRuns: 150 },
    );
  });
});
