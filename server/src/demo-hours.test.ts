import { describe, expect, it } from "vitest";
import { DEMO_CLOSING_GRACE_MINUTES, DEMO_HOURLY_CURVE, hoursCoveringCurve } from "@footfall/core";
import { demoHoursLine, openHoursCurve } from "./demo.js";

const hours = hoursCoveringCurve(DEMO_HOURLY_CURVE, DEMO_CLOSING_GRACE_MINUTES);
const TZ = "Europe/Paris";
/** Fri 4 Dec 2026 at `hhmm` in Paris (UTC+1). */
const at = (hhmm: string) => Date.parse(`2026-12-04T${hhmm}:00+01:00`);

describe("the demo banner's opening hours", () => {
  it("says the hours, and nothing more while the store is open at real time", () => {
    expect(demoHoursLine(hours, at("14:00"), TZ, 1)).toBe("08:00-21:30 every day (Europe/Paris; the store's Alerts page edits them)");
    expect(demoHoursLine(undefined, at("14:00"), TZ, 1)).toBeNull();
  });

  it("says why live visitors come while the hours say closed: a night start, or a speed above 1", () => {
    expect(demoHoursLine(hours, at("22:09"), TZ, 1)).toMatch(/^08:00-21:30 every day .*\. Closed now: the simulator plays the store's day from its opening, so live visitors come while these hours say closed$/);
    expect(demoHoursLine(hours, at("14:00"), TZ, 60)).toMatch(/\. At 60x the simulated days run by faster than the clock: live visitors also come while these hours say closed$/);
  });

  it("gives each weekday when they differ, and the chain's hours from its opening and closing hour", () => {
    const late = hoursCoveringCurve(openHoursCurve(8, 24), DEMO_CLOSING_GRACE_MINUTES);
    expect(late.weekly.wed).toEqual([
      { open: "00:00", close: "00:30" },
      { open: "08:00", close: "24:00" },
    ]);
    const weekend = { ...hours, weekly: { ...hours.weekly, sun: [] } };
    expect(demoHoursLine(weekend, at("14:00"), TZ, 1)).toMatch(/^mon 08:00-21:30; .* sun closed \(Europe\/Paris/);
  });
});
