import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HeldAboveReference } from "../../../test/support/alert-reference.js";
import { alertMessage, alertStep, ruleValue, type AlertFigures, type AlertRulesState } from "./evaluate.js";
import type { AlertRule } from "./types.js";

const T0 = Date.UTC(2026, 10, 30, 15);

/** One evaluation: time passes, the forecast's peak share in the next hours (or no forecast) for the store and the bakery. */
const stepArb = fc.record({
  dt: fc.integer({ min: 0, max: 600_000 }),
  store: fc.option(fc.integer({ min: 0, max: 200 }).map((x) => x / 100), { freq: 6 }),
  bakery: fc.option(fc.integer({ min: 0, max: 200 }).map((x) => x / 100), { freq: 6 }),
  at: fc.constantFrom("15:00", "16:00", "17:00"),
});

describe("forecast-occupancy alert rules (the step function)", () => {
  it("fire exactly when the forecast share of the store or zone has stayed above the threshold for forSeconds, and resolve at the first step it does not (property)", () => {
    let fired = 0;
    let resolved = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(0.8, 0.9, 1),
        fc.integer({ min: 0, max: 1800 }),
        fc.option(fc.constant("bakery"), { nil: undefined }),
        fc.array(stepArb, { maxLength: 40 }),
        (threshold, forSeconds, zone, steps) => {
          const rule: AlertRule = { id: "full-soon", store: "s", kind: "forecast-occupancy", threshold, forSeconds, cooldownSeconds: 0, enabled: true, ...(zone ? { zone } : {}) };
          let state: AlertRulesState = {};
          let now = T0;
          const reference = new HeldAboveReference(threshold, forSeconds);
          for (const st of steps) {
            now += st.dt;
            const f: AlertFigures = {
              forecastOccupancy: { store: st.store === null ? null : { at: st.at, expected: st.store }, zones: { bakery: st.bakery === null ? null : { at: st.at, expected: st.bakery } } },
              // the live figures of other kinds never count for this rule
              store: { people: 1000, capacity: 10 },
              forecast: { store: { at: st.at, expected: 5000 } },
            };
            const value = zone ? st.bakery : st.store;
            expect(ruleValue(rule, f, now)).toBe(value);
            const r = alertStep(state, [rule], f, now);
            state = r.state;
            const expected = reference.step(now, value);
            expect(r.notifications.map((n) => n.type)).toEqual(expected);
            if (expected[0] === "alert.resolved") resolved++;
            if (expected[0] === "alert.firing") {
              fired++;
              expect(r.notifications[0]!.alert.message).toBe(alertMessage(rule, value!, f));
              expect(r.notifications[0]!.alert.message).toContain(`at ${st.at}`);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
    // the traces did exercise both edges
    expect(fired).toBeGreaterThan(20);
    expect(resolved).toBeGreaterThan(10);
  });

  it("says when the store is expected over capacity", () => {
    const rule: AlertRule = { id: "r", store: "s", kind: "forecast-occupancy", threshold: 1, forSeconds: 0, cooldownSeconds: 0, enabled: true };
    const f: AlertFigures = { forecastOccupancy: { store: { at: "17:00", expected: 1.12 } } };
    expect(alertMessage(rule, 1.12, f)).toBe("Store: expected over capacity at 17:00 (112 %, above 100 %)");
    expect(alertMessage({ ...rule, zone: "bakery", threshold: 0.8 }, 0.9, { forecastOccupancy: { zones: { bakery: { at: "16:00", expected: 0.9 } } } })).toBe(
      "bakery: expected at 90 % of capacity at 16:00 (90 %, above 80 %)",
    );
    expect(ruleValue(rule, {}, T0)).toBeNull();
  });
});
