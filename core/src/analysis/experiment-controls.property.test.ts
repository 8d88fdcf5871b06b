/**
 * When the verdict net of control stores says the control stores moved the same way, against a
 * plain reference computed from the counts: the test stores' own change is clear (its interval, the
 * ratio's, excludes 0), the net change is not, and the control stores' own share moved in the same
 * direction by at least half as much.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PeriodData } from "./experiment-data.js";
import { experimentResult } from "./experiment.js";

const TRIPS = 600;

/** One weekday-hour cell of `TRIPS` trips, `reached` of them reaching the promo table. */
function period(reached: number): PeriodData {
  return {
    tripsByCell: { "1-10": TRIPS },
    reachByZoneCell: { promo: { "1-10": reached } },
    visitsByZone: { promo: reached },
    dwellSecondsByZone: { promo: [] },
    transactionsByZone: { promo: 0 },
  };
}

const reached = fc.integer({ min: 20, max: TRIPS - 20 });

describe("the verdict net of control stores", () => {
  it("says the control stores moved the same way exactly when they did, the test stores' own change being clear and the net one not", () => {
    fc.assert(
      fc.property(reached, reached, reached, reached, (tb, ta, cb, ca) => {
        const result = experimentResult(
          { zones: ["promo"], timeZone: "UTC", test: [{ store: "t", before: period(tb), after: period(ta) }], control: [{ store: "c", before: period(cb), after: period(ca) }] },
          { seed: 7, iterations: 50 },
        );
        const reach = result.zones[0]!.metrics[0]!;
        const [lo, hi] = reach.relative!.interval;
        const ownClear = lo > 0 || hi < 0;
        const [testMoved, controlMoved] = [(ta - tb) / TRIPS, (ca - cb) / TRIPS];
        const sameWay = testMoved * controlMoved > 0 && Math.abs(controlMoved) >= 0.5 * Math.abs(testMoved) - 1e-12;
        const said = reach.text.includes("was matched by the control stores, which moved the same way");
        expect(said).toBe(reach.verdict === "no clear change" && ownClear && sameWay);
        if (said) expect(reach.text).toContain(`the test stores' own ${ta > tb ? "rise" : "fall"} (`);
      }),
      { numRuns: 300 },
    );
  });
});
