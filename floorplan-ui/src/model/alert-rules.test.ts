import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { alertMessage } from "@footfall/core";
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
    // Property, against a reference in whole seconds: under an hour minutes and seconds that add up to the threshold,
    // from an hour hours and minutes (to the nearest minute), as the alert's message says them.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 86_400 }), (s) => {
        const m = Math.round(s / 60);
        const ref =
          s >= 3600 ? (m % 60 === 0 ? `${Math.floor(m / 60)} h` : `${Math.floor(m / 60)} h ${m % 60} min`) : s < 60 ? `${s} s` : s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
        expect(thresholdText("agent-offline", s)).toBe(ref);
      }),
    );
    // Minutes typed in the form (tenths) are stored as the seconds they are and read back as typed, in the form; the
    // table says those seconds (under an hour exactly, from one to the minute).
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (tenths) => {
        const typed = tenths / 10;
        const stored = fromForm("queue-wait", typed);
        expect(toForm("queue-wait", stored)).toBe(typed);
        const w = /^(?:(\d+) h)? ?(?:(\d+) min)? ?(?:(\d+) s)?$/.exec(thresholdText("queue-wait", stored))!;
        const said = Number(w[1] ?? 0) * 3600 + Number(w[2] ?? 0) * 60 + Number(w[3] ?? 0);
        // In whole seconds from the tenths typed (typed * 60 has the float's noise: 4.1 * 60 is 245.99999999999997).
        if (typed < 60) expect(said).toBe(tenths * 6);
        else expect(said).toBe(Math.round(typed) * 60);
      }),
    );
  });

  it("a time from an hour in the words of the alert's message: 90 min reads '1 h 30 min' as 'wait 1 h 40 min (above 1 h 30 min)' does", () => {
    expect(thresholdText("queue-wait", 5400)).toBe("1 h 30 min");
    expect(thresholdText("agent-offline", 3600)).toBe("1 h");
    expect(thresholdText("counter-silent", 39_360)).toBe("10 h 56 min");
    // Property: the table's words are the ones the queue-wait alert's message gives its threshold.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (tenths) => {
        const threshold = fromForm("queue-wait", tenths / 10);
        const rule = { id: "r", store: "s", kind: "queue-wait", zone: "till", threshold, forSeconds: 0, cooldownSeconds: 0, enabled: true } as const;
        expect(alertMessage(rule, threshold + 1)).toContain(`(above ${thresholdText("queue-wait", threshold)})`);
      }),
    );
  });
});
