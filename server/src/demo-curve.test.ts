import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCurveFile } from "./demo-curve.js";

const week = (f: (h: number) => number) => Array.from({ length: 168 }, (_, h) => f(h));

describe("parseCurveFile (footfall demo --curve)", () => {
  it("takes sim-curve.mjs' output, a plain array and a sim config, and returns the same 168 values (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000 }).map((x) => x / 1000), { minLength: 168, maxLength: 168 }).filter((c) => c.some((v) => v > 0)), (curve) => {
        expect(parseCurveFile(JSON.stringify({ weeklyCurve: curve }), "c.json")).toEqual(curve);
        expect(parseCurveFile(JSON.stringify(curve), "c.json")).toEqual(curve);
        expect(parseCurveFile(JSON.stringify({ kind: "sim", settings: { weeklyCurve: curve } }), "c.json")).toEqual(curve);
      }),
      { numRuns: 30 },
    );
  });
  it("says what is wrong with a bad file", () => {
    expect(() => parseCurveFile("{", "c.json")).toThrow(/--curve c.json: not JSON/);
    expect(() => parseCurveFile("{}", "c.json")).toThrow(/no weeklyCurve/);
    expect(() => parseCurveFile(JSON.stringify(week(() => 1).slice(0, 24)), "c.json")).toThrow(/24 hours, not 168/);
    expect(() => parseCurveFile(JSON.stringify(week((h) => (h === 5 ? -1 : 1))), "c.json")).toThrow(/hour 5 is -1/);
    expect(() => parseCurveFile(JSON.stringify(week(() => 0)), "c.json")).toThrow(/every hour is 0/);
  });
});
