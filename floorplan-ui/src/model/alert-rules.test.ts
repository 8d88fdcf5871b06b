import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fromForm, thresholdText, toForm } from "./alert-rules.js";

describe("alert rule thresholds as the Alerts view shows them", () => {
  it("a share typed in whole or tenth percents reads back as typed, in the form and the table (0.29 read '28.999999999999996 %')", () => {
    expect(thresholdText("occupancy", 0.29)).toBe("29 %");
    expect(thresholdText("occupancy", 0.57)).toBe("57 %");
    expect(thresholdText("forecast-occupancy", 0.07)).toBe("7 %");
    expect(toForm("occupancy", 0.56)).toBe(56);
    // Property, against the typed figure: whole percents and tenths, saved through the form and read back.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (tenths) => {
        const typed = tenths / 10;
        const stored = fromForm("occupancy", typed);
        expect(toForm("occupancy", stored)).toBe(typed);
        expect(thresholdText("occupancy", stored)).toBe(`${typed} %`);
      }),
    );
  });

  it("times: whole minutes in minutes, others with their seconds (20 s over the API read '0.3333333333333333 min')", () => {
    expect(thresholdText("agent-offline", 20)).toBe("20 s");
    expect(thresholdText("agent-offline", 600)).toBe("10 min");
    expect(thresholdText("counter-silent", 90)).toBe("1 min 30 s");
    expect(thresholdText("queue-wait", 180)).toBe("3 min");
    expect(thresholdText("queue-length", 4)).toBe("4 people");
    // Property, against a reference in whole seconds: minutes and seconds that add up to the threshold.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 86_400 }), (s) => {
        const ref = s % 60 === 0 ? `${s / 60} min` : s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
        expect(thresholdText("agent-offline", s)).toBe(ref);
      }),
    );
    // Minutes typed in the form (tenths) are stored as the seconds they are and read back as typed.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (tenths) => {
        const typed = tenths / 10;
        expect(toForm("queue-wait", fromForm("queue-wait", typed))).toBe(typed);
      }),
    );
  });
});
