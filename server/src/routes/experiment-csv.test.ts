import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parse } from "csv-parse/sync";
import { CSV_DECIMALS } from "@footfall/core";
import { verdictCsv } from "./experiments.js";

const experiment = { id: "e1ac08a9b13d", name: "Demo Store: layout version 2", before: { from: Date.UTC(2026, 11, 5, 1), to: Date.UTC(2026, 11, 6, 1) }, after: { from: Date.UTC(2026, 11, 6, 1), to: Date.UTC(2026, 11, 7, 1) } };
const metric = (name: string, before: number, after: number, relative: number) => ({
  metric: name,
  unit: "share",
  before,
  after,
  change: after - before,
  relativeChange: relative,
  interval: [after - before - 0.01, after - before + 0.01] as [number, number],
  relative: { estimate: relative, interval: [relative - 0.1, relative + 0.1] as [number, number] },
  did: null,
  verdict: "increase",
  text: "t",
  warning: null,
  basis: "before-after",
  sampleBefore: 100,
  sampleAfter: 100,
  adjusted: true,
  unadjusted: null,
});
const rowsOf = (csv: string) => parse(csv, { columns: true }) as Record<string, string>[];
const FIGURES = ["before", "after", "change", "interval_low", "interval_high", "relative_change", "relative_low", "relative_high"] as const;
const decimals = (cell: string) => (cell.includes(".") ? cell.split(".")[1]!.length : 0);

describe("result.csv's figures", () => {
  it("keeps shares and relative changes to 4 decimals, as every other export (0.4169, not 0.416925)", () => {
    const csv = verdictCsv([{ zone: "promo", name: "Promotions", metrics: [metric("reach", 0.416925, 0.538304, 0.291131), metric("medianDwell", 42.345, 51.25, 0.2103)] }], experiment, "Europe/Paris");
    const [reach, dwell] = rowsOf(csv);
    expect([reach!.before, reach!.after, reach!.change, reach!.relative_change]).toEqual(["0.4169", "0.5383", "0.1214", "0.2911"]);
    // Seconds to 1 decimal, as the dwell columns of the views' exports; the relative change a share of before, to 4.
    expect([dwell!.before, dwell!.after, dwell!.relative_change]).toEqual(["42.3", "51.3", "0.2103"]);
  });

  it("writes every figure with core's decimals for its kind, a plain number within half a unit of its last decimal", () => {
    const value = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(fc.constantFrom("reach", "visits", "medianDwell", "conversion"), value, value, value, (name, before, after, relative) => {
        const [row] = rowsOf(verdictCsv([{ zone: "z", name: "Z", metrics: [metric(name, before, after, relative)] }], experiment, "UTC"));
        const own = name === "medianDwell" ? CSV_DECIMALS.seconds : CSV_DECIMALS.share;
        const exact: Record<string, number> = { before, after, change: after - before, interval_low: after - before - 0.01, interval_high: after - before + 0.01, relative_change: relative, relative_low: relative - 0.1, relative_high: relative + 0.1 };
        for (const col of FIGURES) {
          const want = col.startsWith("relative") ? CSV_DECIMALS.change : own;
          // At most its decimals (trailing zeros dropped), and a number, never text guarded against formulas ("'-0.01").
          expect(decimals(row![col]!), col).toBeLessThanOrEqual(want);
          expect(row![col], col).toMatch(/^-?\d+(\.\d+)?$/);
          expect(Math.abs(Number(row![col]) - exact[col]!), col).toBeLessThanOrEqual(0.5 * 10 ** -want + 1e-9 * Math.max(1, Math.abs(exact[col]!)));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("result.csv beside the page", () => {
  it("has the page's Change column too, the test stores' own change, where change .. relative_high read the difference in differences", () => {
    const did = { estimate: -0.0028, interval: [-0.0321, 0.0265] as [number, number], relative: { estimate: -0.0049, interval: [-0.0536, 0.0463] as [number, number] } };
    const m = { ...metric("reach", 0.581, 0.5881, 0.0121), interval: [-0.0137, 0.0278] as [number, number], relative: { estimate: 0.0121, interval: [-0.0233, 0.0487] as [number, number] }, did, basis: "difference-in-differences", sampleBefore: 5922, sampleAfter: 5780 };
    const [row] = rowsOf(verdictCsv([{ zone: "promo", name: "Promotions", metrics: [m] }], experiment, "Europe/Paris"));
    // The verdict's figures, net of the control stores, as before.
    expect([row!.change, row!.interval_low, row!.interval_high, row!.relative_change, row!.relative_low, row!.relative_high]).toEqual(["-0.0028", "-0.0321", "0.0265", "-0.0049", "-0.0536", "0.0463"]);
    // And the test store's own: the page's "+1.2 % [−2.3 %, +4.9 %]" (the file had only the net −0.5 %), on the trips it counted.
    expect([row!.test_change, row!.test_interval_low, row!.test_interval_high, row!.test_relative_change, row!.test_relative_low, row!.test_relative_high]).toEqual(["0.0071", "-0.0137", "0.0278", "0.0121", "-0.0233", "0.0487"]);
    expect([row!.sample_before, row!.sample_after]).toEqual(["5922", "5780"]);
  });

  it("gives the same figures in both without control stores", () => {
    const [row] = rowsOf(verdictCsv([{ zone: "z", name: "Z", metrics: [metric("conversion", 0.19, 0.2, 0.0526)] }], experiment, "UTC"));
    for (const col of ["change", "interval_low", "interval_high", "relative_change", "relative_low", "relative_high"]) expect(row![`test_${col}`], col).toBe(row![col]);
  });
});
