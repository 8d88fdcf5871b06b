import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DEFAULT_HOURLY_CURVE } from "./settings.js";
import { arrivalMultiplier } from "./engine.js";
import { firstOpenInstant, hourOfDay } from "./clock.js";

const ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Adelaide"];

/** Reference: walk forward minute by minute (every zone's hours start on a whole minute) until the curve is above 0. */
function naiveFirstOpen(ms: number, multiplierAt: (ms: number) => number): number {
  if (multiplierAt(ms) > 0) return ms;
  for (let t = Math.floor(ms / 60_000) * 60_000 + 60_000; t <= ms + 169 * 3_600_000; t += 60_000) if (multiplierAt(t) > 0) return t;
  return ms;
}

describe("firstOpenInstant (a demo started while the store is closed)", () => {
  it("is the start instant itself when open, else the start of the first open local hour (as a minute-by-minute walk finds)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2027, 0, 1) }),
        fc.constantFrom(...ZONES),
        fc.array(fc.constantFrom(0, 0, 0.5, 1), { minLength: 24, maxLength: 24 }),
        (ms, zone, hourlyCurve) => {
          const at = (t: number) => arrivalMultiplier({ hourlyCurve }, t, zone);
          expect(firstOpenInstant(ms, zone, at)).toBe(naiveFirstOpen(ms, at));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("moves a start at 22:00 to 08:00 next morning with the default curve (closed 21:00-08:00), and leaves 12:00 alone", () => {
    const at = (t: number) => arrivalMultiplier({ hourlyCurve: [...DEFAULT_HOURLY_CURVE] }, t, "Europe/London");
    const night = Date.UTC(2026, 10, 30, 22, 13, 5);
    const opens = firstOpenInstant(night, "Europe/London", at);
    expect(new Date(opens).toISOString()).toBe("2026-12-01T08:00:00.000Z");
    expect(hourOfDay(opens, "Europe/London")).toBe(8);
    const noon = Date.UTC(2026, 10, 30, 12, 30);
    expect(firstOpenInstant(noon, "Europe/London", at)).toBe(noon);
  });

  it("keeps the start when the curve never opens within a week", () => {
    const ms = Date.UTC(2026, 10, 30, 3);
    expect(firstOpenInstant(ms, "UTC", () => 0)).toBe(ms);
  });
});
