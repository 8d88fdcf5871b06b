import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { auditBadge, formatAccuracy } from "./audits.js";

const audit = (overall: number, certified: boolean) => ({ at: 5, overall, certified, hand: { in: 40, out: 20 }, accuracy: { in: overall, out: 1 }, method: "clip", auditor: "Ana" });

describe("auditBadge", () => {
  it("says certified, below or never audited, with the worse direction's accuracy and the sample", () => {
    expect(auditBadge(audit(0.975, true), false)).toMatchObject({ tone: "certified", accuracy: "97.5 %", at: 5, due: false, detail: "In 97.5 %, out 100 % over 60 crossings counted on a recorded clip by Ana" });
    expect(auditBadge(audit(0.9, false), true)).toMatchObject({ tone: "below", accuracy: "90 %", due: true });
    expect(auditBadge(null, true)).toMatchObject({ tone: "none", accuracy: "–", at: null, due: true });
  });
  it("never shows a figure above the true accuracy (94.99 % is not 95 %)", () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (r) => {
      expect(parseFloat(formatAccuracy(r)) / 100).toBeLessThanOrEqual(r + 1e-9);
      expect(r - parseFloat(formatAccuracy(r)) / 100).toBeLessThan(0.001 + 1e-9);
    }));
    expect(formatAccuracy(0.9499)).toBe("94.9 %");
  });
});
