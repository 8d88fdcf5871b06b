import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { funnelOf } from "./funnel.js";

/** Brute force: is `steps` a subsequence of `path`? Tries every choice of positions, recursively. */
function isSubsequence(steps: readonly string[], path: readonly string[]): boolean {
  if (steps.length === 0) return true;
  for (let i = 0; i < path.length; i++) if (path[i] === steps[0] && isSubsequence(steps.slice(1), path.slice(i + 1))) return true;
  return false;
}

const zone = fc.constantFrom("entrance", "promo", "fitting", "till", "shoes");
const pathsArb = fc.array(fc.record({ zones: fc.array(zone, { maxLength: 7 }), count: fc.integer({ min: 1, max: 9 }) }), { maxLength: 10 });
const stepsArb = fc.array(zone, { minLength: 1, maxLength: 4 });

describe("funnelOf", () => {
  const steps = ["entrance", "promo", "fitting", "till"];
  it("counts a step as reached when the steps so far occur in order, not necessarily adjacent", () => {
    const paths = [
      { zones: ["entrance", "shoes", "promo", "fitting", "till"], count: 4 },
      { zones: ["entrance", "promo", "till"], count: 3 },
      { zones: ["entrance", "till"], count: 2 },
      { zones: ["promo", "entrance", "fitting"], count: 1 },
    ];
    const f = funnelOf(paths, steps);
    expect(f.map((s) => s.reached)).toEqual([10, 7, 4, 4]);
    expect(f.map((s) => s.dropOff)).toEqual([3, 3, 0, 0]);
    expect(f[1]).toMatchObject({ step: "promo", rate: 0.7, stepRate: 0.7 });
    expect(f[2]).toMatchObject({ rate: 0.4, stepRate: 4 / 7 });
    expect(f[0]).toMatchObject({ rate: 1, stepRate: 1, shareOfTrips: 1 });
  });
  it("gives zeros, never NaN, for no trips or no trip reaching step 0", () => {
    expect(funnelOf([], steps).map((s) => [s.reached, s.dropOff, s.rate, s.stepRate, s.shareOfTrips])).toEqual(steps.map(() => [0, 0, 0, 0, 0]));
    expect(funnelOf([{ zones: ["shoes"], count: 3 }], steps)[1]).toMatchObject({ reached: 0, rate: 0, stepRate: 0, shareOfTrips: 0 });
  });
  it("gives an empty funnel for no steps", () => {
    expect(funnelOf([{ zones: ["a"], count: 1 }], [])).toEqual([]);
  });
  it("equals brute-force subsequence counting", () => {
    fc.assert(
      fc.property(pathsArb, stepsArb, (paths, steps) =>
        funnelOf(paths, steps).every(
          (s, k) => s.reached === paths.filter((p) => isSubsequence(steps.slice(0, k + 1), p.zones)).reduce((n, p) => n + p.count, 0),
        ),
      ),
    );
  });
  it("has non-increasing reach, drop-offs that add up, and rates in [0, 1]", () => {
    fc.assert(
      fc.property(pathsArb, stepsArb, (paths, steps) => {
        const f = funnelOf(paths, steps);
        const monotone = f.every((s, k) => k === 0 || s.reached <= f[k - 1]!.reached);
        const drops = f.reduce((n, s) => n + s.dropOff, 0) === f[0]!.reached - f[f.length - 1]!.reached;
        const rates = f.every((s) => [s.rate, s.stepRate, s.shareOfTrips].every((r) => r >= 0 && r <= 1));
        return monotone && drops && rates;
      }),
    );
  });
});
