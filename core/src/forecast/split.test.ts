import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rollingOriginFolds } from "./split.js";

describe("rollingOriginFolds", () => {
  it("holds out the last weeks, each trained on what came before it", () => {
    // 10 days hourly, 2 held-out "weeks" of 24 h, origins every 12 h, 6 h ahead
    const folds = rollingOriginFolds({ length: 240, testWeeks: 2, period: 24, originStep: 12, horizon: 6 });
    expect(folds).toEqual([
      { trainEnd: 187, origins: [187, 199] },
      { trainEnd: 211, origins: [211, 223] },
    ]);
  });
  it("spaces held-out weeks and drops those with too little training data", () => {
    const folds = rollingOriginFolds({ length: 1000, testWeeks: 5, everyWeeks: 3, period: 100, horizon: 1, minTrain: 300 });
    expect(folds.map((f) => f.trainEnd)).toEqual([300, 600, 900]);
  });
  it("never trains on a held-out week's buckets nor forecasts past the series (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 50, max: 3000 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 5, max: 200 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 48 }),
        (length, testWeeks, everyWeeks, period, originStep, horizon) => {
          const folds = rollingOriginFolds({ length, testWeeks, everyWeeks, period, originStep, horizon });
          expect(folds.length).toBeLessThanOrEqual(testWeeks);
          folds.forEach((f, k) => {
            expect(f.trainEnd).toBeGreaterThanOrEqual(1);
            for (const o of f.origins) {
              expect(o).toBeGreaterThanOrEqual(f.trainEnd);
              expect(o).toBeLessThan(f.trainEnd + period);
              expect(o + horizon).toBeLessThanOrEqual(length);
            }
            if (k > 0) expect(f.trainEnd).toBeGreaterThanOrEqual(folds[k - 1]!.trainEnd + period);
          });
        },
      ),
    );
  });
});
