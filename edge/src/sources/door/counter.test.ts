import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addCrossings, addFirstPushOverSummedTotals, addSensorTotals, addTotals, emptyTally, hasSummedPushTotals, MAX_CROSSINGS, MAX_SENSORS, parseTally, takeReport } from "./counter.js";

describe("door tally", () => {
  it("reports crossings since the previous report, then starts again from zero", () => {
    let t = addCrossings(emptyTally(), 3, 1);
    const first = takeReport(t);
    expect(first.report).toEqual({ in: 3, out: 1 });
    t = addCrossings(first.tally, 1, 0);
    expect(takeReport(t).report).toEqual({ in: 1, out: 0 });
  });

  it("takes a device's first total as the baseline, not as traffic", () => {
    const t = addTotals(emptyTally(), 12_345, 12_000);
    expect(takeReport(t).report).toEqual({ in: 0, out: 0 });
    expect(takeReport(addTotals(t, 12_350, 12_002)).report).toEqual({ in: 5, out: 2 });
  });

  it("counts a device restart (a total going down) as the new total, never negative", () => {
    const t = addTotals(addTotals(emptyTally(), 100, 90), 4, 2);
    expect(takeReport(t).report).toEqual({ in: 4, out: 2 });
    expect(t.resets).toBe(2);
  });

  it("refuses a reading that would put more crossings in one report than a count event carries, keeping the others", () => {
    // A garbled line ("IN 99999999") used to be added: the report's event was then invalid and
    // every crossing of that report was lost with it.
    let t = addCrossings(emptyTally(), 4, 2);
    t = addCrossings(t, 99_999_999, 0);
    t = addCrossings(t, 1, 1);
    expect(takeReport(t).report).toEqual({ in: 5, out: 3 });
    expect(t.refused).toBe(1);
    expect(addCrossings(t, MAX_CROSSINGS - 5, 0).pendingIn).toBe(MAX_CROSSINGS);
    expect(addCrossings(t, MAX_CROSSINGS - 4, 0).refused).toBe(2);
  });

  it("refuses a total that jumps past a report's limit and takes the next total as the baseline", () => {
    let t = addTotals(emptyTally(), 1000, 900);
    t = addTotals(t, 1010, 905);
    t = addTotals(t, 99_999_999, 906); // a garbled in total: refused, its baseline cleared; out counts 1
    expect(t).toMatchObject({ pendingIn: 10, pendingOut: 6, totalIn: null, totalOut: 906, refused: 1 });
    t = addTotals(t, 1015, 910); // the new baseline of in: never 1015 crossings, nor 99,998,984
    expect(takeReport(t).report).toEqual({ in: 10, out: 10 });
    expect(takeReport(addTotals(t, 1017, 910)).report).toEqual({ in: 12, out: 10 });
  });

  it("keeps each pushing sensor's baseline apart, and at most MAX_SENSORS of them, the least recently heard going first", () => {
    let t = addSensorTotals(emptyTally(), "a", 100, 90);
    t = addSensorTotals(t, "b", 7, 7);
    t = addSensorTotals(t, "a", 103, 90);
    t = addSensorTotals(t, "b", 1, 0); // b restarted: its new total counts, a's stays apart
    expect(takeReport(t).report).toEqual({ in: 4, out: 0 });
    expect(parseTally(JSON.parse(JSON.stringify(t)))).toEqual(t);
    for (let i = 0; i < MAX_SENSORS; i++) t = addSensorTotals(t, `s${i}`, 0, 0);
    expect(t.sensors).toHaveLength(MAX_SENSORS);
    expect(t.sensors.some((x) => x.sensor === "a" || x.sensor === "b")).toBe(false);
  });

  it("compares the first push with a summed baseline of an older tally file once, then each sensor with its own", () => {
    const old = parseTally({ pendingIn: 2, pendingOut: 0, totalIn: 1500, totalOut: 1470, resets: 0, refused: 0 })!;
    expect(hasSummedPushTotals(old)).toBe(true);
    let t = addFirstPushOverSummedTotals(old, [
      { sensor: "a", in: 1003, out: 991 },
      { sensor: "b", in: 502, out: 480 },
    ]);
    expect(t).toMatchObject({ pendingIn: 2 + 5, pendingOut: 1, totalIn: null, totalOut: null, sensors: [{ sensor: "a", in: 1003, out: 991 }, { sensor: "b", in: 502, out: 480 }] });
    expect(hasSummedPushTotals(t)).toBe(false);
    t = addSensorTotals(t, "a", 1004, 991);
    expect(takeReport(t).report).toEqual({ in: 8, out: 1 });
    // A sum that jumps past a report's bound is refused like any total; the sensors' baselines are still taken.
    const jumped = addFirstPushOverSummedTotals(old, [{ sensor: "a", in: 5_000_000, out: 1471 }]);
    expect(jumped).toMatchObject({ pendingIn: 2, pendingOut: 1, refused: 1, sensors: [{ sensor: "a", in: 5_000_000, out: 1471 }] });
    expect(hasSummedPushTotals(addTotals(emptyTally(), 1, 1))).toBe(true);
    expect(hasSummedPushTotals(addSensorTotals(emptyTally(), "a", 1, 1))).toBe(false);
  });

  it("clamps negative and fractional crossings", () => {
    expect(takeReport(addCrossings(emptyTally(), -3, 2.7)).report).toEqual({ in: 0, out: 2 });
  });

  it("reads back what it wrote and refuses anything else", () => {
    const t = addTotals(addCrossings(emptyTally(), 2, 1), 10, 9);
    expect(parseTally(JSON.parse(JSON.stringify(t)))).toEqual(t);
    expect(parseTally({ pendingIn: -1, pendingOut: 0, totalIn: null, totalOut: null })).toBeNull();
  });

  it("reports in total exactly what the totals rose by, however the reports fall, and never a negative count", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ dIn: fc.nat(50), dOut: fc.nat(50), report: fc.boolean() }), { minLength: 1 }), fc.nat(1_000_000), (steps, start) => {
        let t = addTotals(emptyTally(), start, start);
        let totalIn = start;
        let totalOut = start;
        let reportedIn = 0;
        let reportedOut = 0;
        for (const s of steps) {
          totalIn += s.dIn;
          totalOut += s.dOut;
          t = addTotals(t, totalIn, totalOut);
          if (s.report) {
            const r = takeReport(t);
            expect(r.report.in).toBeGreaterThanOrEqual(0);
            expect(r.report.out).toBeGreaterThanOrEqual(0);
            reportedIn += r.report.in;
            reportedOut += r.report.out;
            t = r.tally;
          }
        }
        const last = takeReport(t).report;
        expect(reportedIn + last.in).toBe(totalIn - start);
        expect(reportedOut + last.out).toBe(totalOut - start);
      }),
    );
  });
});
