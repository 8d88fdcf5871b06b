import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exponentialDwell, firstOver, lognormalDwell, meanDwellMin, occupancyForecast, residualSurvival, type DwellCurve } from "./occupancy.js";

/**
 * The naive reference: every arrival a visitor of its own, present at a step boundary while its
 * dwell (drawn from the curve's steps, weighted by their probabilities) has not run out; the people
 * inside now are a steady flow of one arrival a step from long before now.
 */
function reference(arrivals: readonly number[], current: number, curve: DwellCurve): number[] {
  const perHour = 60 / curve.stepMin;
  const S = curve.survival;
  /** P(the dwell lasts into step k, i.e. lies in ((k - 1) step, k step]). */
  const pmf = (k: number) => (S[k - 1] ?? 0) - (S[k] ?? 0);
  const present = (elapsedSteps: number) => {
    let p = 0;
    for (let k = 1; k <= S.length; k++) if (k - 1 >= elapsedSteps) p += pmf(k);
    return p;
  };
  const inside = (m: number) => {
    let flow = 0;
    for (let a = 1; a <= S.length + 1; a++) flow += present(a + m);
    return flow;
  };
  const norm = inside(0);
  const out: number[] = [];
  for (let h = 0; h < arrivals.length; h++) {
    let peak = 0;
    for (let m = h * perHour; m <= (h + 1) * perHour; m++) {
      let x = norm > 0 ? (current * inside(m)) / norm : 0;
      for (let hh = 0; hh < arrivals.length; hh++) {
        for (let k = 0; k < perHour; k++) {
          const s = hh * perHour + k;
          // half of the step's arrivals as if at its start, half as if at its end
          if (s < m) x += (arrivals[hh]! / perHour / 2) * (present(m - s) + present(m - s - 1));
        }
      }
      peak = Math.max(peak, x);
    }
    out.push(peak);
  }
  return out;
}

const curveArb = fc.oneof(
  fc.double({ min: 3, max: 90, noNaN: true }).map((mean) => exponentialDwell(mean, 15)),
  fc.tuple(fc.double({ min: 3, max: 60, noNaN: true }), fc.double({ min: 1.05, max: 3, noNaN: true })).map(([median, skew]) => lognormalDwell(median, median * skew, 15)),
);

describe("occupancyForecast", () => {
  it("equals the visitor-by-visitor reference (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 300, noNaN: true }), { minLength: 1, maxLength: 6 }), fc.double({ min: 0, max: 200, noNaN: true }), curveArb, (arrivals, current, curve) => {
        const got = occupancyForecast(arrivals, current, curve);
        const want = reference(arrivals, current, curve);
        got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 6));
      }),
      { numRuns: 40 },
    );
  });
  it("tends to Little's law L = lambda W under constant arrivals (property)", () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 500, noNaN: true }), curveArb, (lambda, curve) => {
        const hours = Math.ceil(curve.survival.length / (60 / curve.stepMin)) + 2;
        const occ = occupancyForecast(new Array<number>(hours).fill(lambda), 0, curve);
        expect(occ.at(-1)!).toBeCloseTo((lambda * meanDwellMin(curve)) / 60, 6);
      }),
      { numRuns: 30 },
    );
  });
  it("is monotone in arrivals and in the people inside now, and never negative (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 300, noNaN: true }), { minLength: 1, maxLength: 24 }), fc.nat(24), fc.double({ min: 0, max: 50, noNaN: true }), fc.nat(100), curveArb, (arrivals, at, more, current, curve) => {
        const base = occupancyForecast(arrivals, current, curve);
        const bumped = arrivals.map((a, i) => (i === at % arrivals.length ? a + more : a));
        const up = occupancyForecast(bumped, current + 1, curve);
        base.forEach((b, i) => {
          expect(b).toBeGreaterThanOrEqual(0);
          expect(up[i]!).toBeGreaterThanOrEqual(b - 1e-9);
        });
      }),
      { numRuns: 40 },
    );
  });
  it("by hand: 60 arrivals in one hour, exponential dwell of 30 min, nobody inside", () => {
    const curve = exponentialDwell(30, 30);
    // steps of 30 min: 30 arrive in 0:00-0:30 and 30 in 0:30-1:00; S = 1, e^-1, e^-2, ...; each step's 30 count
    // half at its start and half at its end: at 0:30, 15 (1 + e^-1); at 1:00, 15 (e^-1 + e^-2) + 15 (1 + e^-1)
    const e = Math.exp(-1);
    const occ = occupancyForecast([60, 0], 0, curve);
    expect(occ[0]).toBeCloseTo(15 * (e + e * e) + 15 * (1 + e), 9);
    expect(occ[1]).toBeCloseTo(15 * (e + e * e) + 15 * (1 + e), 9); // the second hour's peak is its start
    expect(meanDwellMin(exponentialDwell(20, 5))).toBeCloseTo(20, 0);
    expect(firstOver(occ, 15)).toBe(0);
    expect(firstOver([1, 2, 30], 15, 2)).toBe(-1);
  });
  it("lets the people inside now leave along the residual curve", () => {
    const R = residualSurvival(exponentialDwell(20, 5));
    expect(R[0]).toBeCloseTo(1, 9);
    for (let k = 1; k < R.length; k++) expect(R[k]!).toBeLessThanOrEqual(R[k - 1]!);
    expect(occupancyForecast([0, 0, 0], 40, exponentialDwell(20, 5))[0]).toBeCloseTo(40, 9);
  });
  it("refuses a step that does not divide the hour, and a mean of 0", () => {
    expect(() => exponentialDwell(10, 7)).toThrow(/divide 60/);
    expect(() => exponentialDwell(0)).toThrow(/> 0/);
  });
});
