import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { closedRuns } from "./hours.js";

const H = 3_600_000;
const slotsOf = (n: number) => Array.from({ length: n }, (_, i) => ({ start: i * H, end: (i + 1) * H }));

describe("closedRuns", () => {
  it("shades the hours before opening and after closing; an hour open for a minute is not shaded", () => {
    expect(closedRuns(slotsOf(24), [{ from: 9 * H, to: 19 * H + 60_000 }])).toEqual([
      [0, 8],
      [20, 23],
    ]);
  });
  it("nothing without opening hours", () => {
    expect(closedRuns(slotsOf(24), null)).toEqual([]);
  });
  it("a slot is in a run exactly when no open interval overlaps it (against a per-slot reference)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 48 * 60 }), fc.integer({ min: 1, max: 600 })), { maxLength: 5 }), (ivs) => {
        const open = ivs.map(([a, d]) => ({ from: a * 60_000, to: (a + d) * 60_000 }));
        const slots = slotsOf(48);
        const shaded = new Set(closedRuns(slots, open).flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, k) => a + k)));
        slots.forEach((s, i) => expect(shaded.has(i)).toBe(!open.some((o) => o.from < s.end && s.start < o.to)));
      }),
    );
  });
});
