import { describe, expect, it } from "vitest";
import type { PeriodData, StorePeriods } from "./experiment-data.js";
import { experimentResult } from "./experiment.js";

/**
 * A zone every trip reaches (the checkout of a store whose shoppers all pay) reads 100 % in every
 * period and store. Summed over weighted weekday-hour cells, 100 % comes out as 0.9999999999999998 in
 * one group and 1 in another, and the interval of the difference, [-2e-16, -2e-16] wide of nothing,
 * lay below 0: "a smaller share of trips reached checkout: ±0.0 % [±0.0 %, ±0.0 %] relative to
 * before, net of control stores", verdict "decrease", for a share that did not move.
 */
function period(trips: Record<string, number>): PeriodData {
  const total = Object.values(trips).reduce((s, n) => s + n, 0);
  return {
    tripsByCell: trips,
    reachByZoneCell: { checkout: { ...trips } },
    visitsByZone: { checkout: total },
    dwellSecondsByZone: { checkout: [] },
    transactionsByZone: { checkout: 0 },
  };
}

/** Trips per weekday-hour cell: 20 cells of uneven counts, `shift` moving the counts around. */
function cells(shift: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < 20; i++) out[`${1 + (i % 5)}-${9 + Math.floor(i / 5)}`] = 11 + ((i * 7 + shift) % 13);
  return out;
}

describe("a share every trip reaches, in every period and store", () => {
  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])("reads no clear change, not a rise or fall of nothing (shift %i)", (shift) => {
    const store = (name: string, k: number): StorePeriods => ({ store: name, before: period(cells(k)), after: period(cells(k + 3)) });
    for (const control of [[], [store("ctl", shift + 5)]]) {
      const r = experimentResult({ zones: ["checkout"], timeZone: "Europe/Paris", test: [store("test", shift)], control }, { seed: 1 });
      const reach = r.zones[0]!.metrics.find((m) => m.metric === "reach")!;
      expect([reach.verdict, reach.text]).toEqual([
        "no clear change",
        `no clear change in the share of trips reaching checkout: ±0.0 % [±0.0 %, ±0.0 %] relative to before${control.length ? ", net of control stores" : ""}`,
      ]);
    }
  });
});
