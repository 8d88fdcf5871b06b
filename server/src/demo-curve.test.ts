import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCurveFile, readCurveFile } from "./demo-curve.js";

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

describe("readCurveFile (footfall demo --curve <file>)", () => {
  it("names a file it cannot read and says how to make one, instead of a bare ENOENT", () => {
    const dir = mkdtempSync(join(tmpdir(), "footfall-curve-"));
    try {
      const missing = join(dir, "curve.json");
      expect(() => readCurveFile(missing)).toThrow(`--curve ${missing}: cannot read it (no such file); make one with node test/bench/sim-curve.mjs --dataset leeds --series Briggate > curve.json`);
      expect(() => readCurveFile(dir)).toThrow(/cannot read it \(a folder, not a file\)/);
      writeFileSync(missing, JSON.stringify({ weeklyCurve: week((h) => (h % 24 >= 8 && h % 24 < 20 ? 1 : 0)) }));
      expect(readCurveFile(missing)[9]).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
