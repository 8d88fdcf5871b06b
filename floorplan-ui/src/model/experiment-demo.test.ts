/**
 * `npm start`'s demo seeds a layout change for the merchandiser to judge: whatever the hour it starts,
 * the Experiments form must offer a day before and a day after it (the windows `defaultWindows`
 * proposes from the store's history as the form reads it: first data, less the closed stretch).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEMO_BACKFILL_HOURS, DEMO_CLOSING_GRACE_MINUTES, DEMO_HOURLY_CURVE, DEMO_LAYOUT, demoChangeAgoMs, hoursCoveringCurve, openIntervals } from "@footfall/core";
import { defaultWindows, storeHistoryStart } from "./experiment.js";

const H = 3_600_000;
const D = 24 * H;
const tz = DEMO_LAYOUT.timezone;
const hourOf = new Intl.DateTimeFormat("en-GB", { timeZone: tz, hour: "numeric", hourCycle: "h23" });
const localHour = (ts: number) => Number(hourOf.format(ts));

/** The windows the form proposes for the seeded change, a minute after a demo started at `start` back-filling `backfillHours`. */
function windowsAt(backfillHours: number, start: number) {
  const from = start - backfillHours * H;
  // The first enter: the back-fill's start, or the next hour the store has arrivals; the form knows it to the hour.
  let t = from;
  while (DEMO_HOURLY_CURVE[localHour(t)] === 0) t = Math.floor(t / H) * H + H;
  const firstData = Math.floor(t / H) * H;
  const open = openIntervals(hoursCoveringCurve(DEMO_HOURLY_CURVE, DEMO_CLOSING_GRACE_MINUTES), { from: firstData - 8 * D, to: firstData + H }, tz);
  const changeAt = start - demoChangeAgoMs(backfillHours);
  return defaultWindows(changeAt, start - 8 * D, null, start + 60_000, storeHistoryStart(firstData, open));
}

describe("the demo's seeded layout change", () => {
  it("has a full day of data before and after it at the default back-fill, whatever the hour the demo starts", () => {
    const year = Date.UTC(2026, 0, 1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 366 * 24 * 60 - 1 }), (minute) => {
        const w = windowsAt(DEMO_BACKFILL_HOURS, year + minute * 60_000);
        expect(w).not.toBeNull();
        expect(w!.before.to - w!.before.from).toBeGreaterThanOrEqual(D);
      }),
      { numRuns: 400, examples: [[Math.round((Date.UTC(2026, 11, 5, 20, 15) - year) / 60_000)]] },
    );
  });

  it("had none with a 48 h back-fill started between the last arrivals and the closing (ci89's 20:15 UTC, 21:15 in Paris)", () => {
    expect(windowsAt(48, Date.UTC(2026, 11, 5, 20, 15))).toBeNull();
    expect(windowsAt(48, Date.UTC(2026, 11, 5, 12, 0))).not.toBeNull();
  });
});
