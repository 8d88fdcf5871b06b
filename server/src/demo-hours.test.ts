import { describe, expect, it } from "vitest";
import { DEMO_CLOSING_GRACE_MINUTES, DEMO_HOURLY_CURVE, hoursCoveringCurve } from "@footfall/core";
import { demoHoursLine, demoSimSettings, openHoursCurve } from "./demo.js";

const hours = hoursCoveringCurve(DEMO_HOURLY_CURVE, DEMO_CLOSING_GRACE_MINUTES);
const TZ = "Europe/Paris";
/** Fri 4 Dec 2026 at `hhmm` in Paris (UTC+1). */
const at = (hhmm: string) => Date.parse(`2026-12-04T${hhmm}:00+01:00`);

describe("the demo banner's opening hours", () => {
  it("says the hours, and nothing more while the store is open", () => {
    expect(demoHoursLine(hours, at("14:00"), TZ)).toBe("08:00-21:30 every day (Europe/Paris; the store's Alerts page edits them)");
    expect(demoHoursLine(undefined, at("14:00"), TZ)).toBeNull();
  });

  it("says, while the hours say closed, that nobody comes in until it opens, and when", () => {
    expect(demoHoursLine(hours, at("22:09"), TZ)).toBe(
      "08:00-21:30 every day (Europe/Paris; the store's Alerts page edits them). Closed now: nobody comes in until it opens at 08:00",
    );
    expect(demoHoursLine(hours, at("03:23"), TZ)).toMatch(/until it opens at 08:00$/);
    // Before the day's opening, with history held: Today is empty till then, the history is under Yesterday.
    expect(demoHoursLine(hours, at("06:40"), TZ, true)).toBe(
      "08:00-21:30 every day (Europe/Paris; the store's Alerts page edits them). Closed now: nobody comes in until it opens at 08:00, so Today stays empty till then; the back-filled history is under Yesterday",
    );
    // After closing, Today has the day's figures: nothing more to say.
    expect(demoHoursLine(hours, at("22:09"), TZ, true)).toMatch(/until it opens at 08:00$/);
    // Closed for a day and more: the weekday too.
    const weekend = { ...hours, weekly: { ...hours.weekly, sat: [], sun: [] } };
    expect(demoHoursLine(weekend, at("22:00"), TZ)).toMatch(/until it opens at Mon 08:00$/);
  });

  it("has its simulator keep to the store's hours by the clock at any speed, not play a day of its own from the next opening", () => {
    const settings = demoSimSettings({ speed: 60, backfillHours: 48, heldTs: null, sales: { url: "http://x/sales", token: "t" } });
    expect(settings).toMatchObject({ speed: 60, followClock: true, backfillHours: 48 });
    expect(settings).not.toHaveProperty("startOpen");
  });

  it("gives each weekday when they differ, and the chain's hours from its opening and closing hour", () => {
    const late = hoursCoveringCurve(openHoursCurve(8, 24), DEMO_CLOSING_GRACE_MINUTES);
    expect(late.weekly.wed).toEqual([
      { open: "00:00", close: "00:30" },
      { open: "08:00", close: "24:00" },
    ]);
    const weekend = { ...hours, weekly: { ...hours.weekly, sun: [] } };
    expect(demoHoursLine(weekend, at("14:00"), TZ)).toMatch(/^mon 08:00-21:30; .* sun closed \(Europe\/Paris/);
  });
});
