/**
 * The demo stores' opening hours (`footfall demo` sets them from the arrival curve with
 * `hoursCoveringCurve`) hold their simulated traffic: nobody comes in, walks about or is counted
 * at the door while the hours say the store is closed, the single demo store's and every store of
 * the chain demo's alike. At closing the shoppers still inside head for the tills and out.
 */
import { describe, expect, it } from "vitest";
import { DEMO_CLOSING_GRACE_MINUTES, DEMO_HOURLY_CURVE, DEMO_LAYOUT, hoursCoveringCurve, isOpen, localDate, type OpeningHours } from "@footfall/core";
import { chainStores } from "../../chain/stores.js";
import type { EventDraft } from "../../source.js";
import { SimEngine } from "./engine.js";
import { checkSimSettings, DEFAULT_HOURLY_CURVE } from "./settings.js";
import type { SimLayout } from "./store-model.js";

const DAY = 86_400_000;

/** The events of `days` simulated days from `start` that show a person (a door count of 0 in and 0 out shows nobody). */
function simulate(settingsIn: unknown, layout: SimLayout, seed: number, start: number, days: number): EventDraft[] {
  const checked = checkSimSettings(settingsIn);
  expect(checked.problems).toEqual([]);
  const engine = new SimEngine({ settings: checked.value!, layout, seed, startMs: start, idSalt: "t" });
  const out: EventDraft[] = [];
  for (let t = start; t < start + days * DAY; t += 3_600_000) out.push(...engine.advance(t + 3_600_000));
  return out;
}

function outsideHours(events: EventDraft[], hours: OpeningHours, timeZone: string): string[] {
  return events.filter((e) => !isOpen(hours, e.ts, timeZone)).map((e) => `${e.type} ${"zone" in e ? e.zone : ""} at ${new Date(e.ts).toISOString()} (local ${localDate(e.ts, timeZone)})`);
}

describe("the demo stores' opening hours", () => {
  it("the demo store opens at 08:00 and closes at 21:30, and a week of its traffic (three seeds) falls inside them", () => {
    expect(DEFAULT_HOURLY_CURVE).toBe(DEMO_HOURLY_CURVE);
    const hours = hoursCoveringCurve(DEMO_HOURLY_CURVE, DEMO_CLOSING_GRACE_MINUTES);
    expect(hours.weekly.mon).toEqual([{ open: "08:00", close: "21:30" }]);
    for (const seed of [1, 2, 3]) {
      const events = simulate({}, DEMO_LAYOUT, seed, Date.UTC(2026, 10, 23), 7);
      expect(events.length).toBeGreaterThan(5000);
      expect(outsideHours(events, hours, DEMO_LAYOUT.timezone)).toEqual([]);
    }
  });

  it("at closing the shoppers still browsing head for the tills and out, even those who meant to see ten zones", () => {
    const hours = hoursCoveringCurve(DEMO_HOURLY_CURVE, DEMO_CLOSING_GRACE_MINUTES);
    const events = simulate({ meanZonesPerVisit: 10 }, DEMO_LAYOUT, 5, Date.UTC(2026, 10, 23), 2);
    expect(outsideHours(events, hours, DEMO_LAYOUT.timezone)).toEqual([]);
  });

  it("every store of the chain demo (seed 1) has hours from its opening to its closing hour that hold two days of its traffic", () => {
    for (const s of chainStores({ count: 12, seed: 1 })) {
      const hours = hoursCoveringCurve(
        Array.from({ length: 24 }, (_, h) => (h >= s.opens && h < s.closes ? 1 : 0)),
        DEMO_CLOSING_GRACE_MINUTES,
      );
      // The simulator brings nobody outside its opening and closing hour.
      s.settings.hourlyCurve.forEach((m, h) => expect(m > 0, `${s.store} hour ${h}`).toBe(h >= s.opens && h < s.closes));
      const events = simulate(s.settings, s.layout, s.settings.seed, Date.UTC(2026, 10, 27), 2);
      expect(events.length, s.store).toBeGreaterThan(500);
      expect(outsideHours(events, hours, s.layout.timezone), s.store).toEqual([]);
    }
  });
});
