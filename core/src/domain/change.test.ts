import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatPoints, pointsChange, pointsDirection } from "./change.js";

describe("pointsChange and formatPoints", () => {
  it("writes a share's change in percentage points, not relative to before", () => {
    expect(formatPoints(pointsChange(0.46, 0.45)!)).toBe("+1.0 pts");
    expect(formatPoints(pointsChange(0.3, 0.334)!)).toBe("−3.4 pts");
    expect(formatPoints(pointsChange(0.5, 0.5004)!)).toBe("±0.0 pts");
    expect(formatPoints(pointsChange(0.05, 0)!)).toBe("+5.0 pts");
    expect(pointsChange(null, 0.4)).toBeNull();
    expect(pointsChange(0.4, Number.NaN)).toBeNull();
  });

  it("agrees with the difference of the two percentages, each to one decimal, within one rounding step (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (a, b) => {
        // Shares given in tenths of a percent: the change is exact in tenths.
        const text = formatPoints(pointsChange(a / 1000, b / 1000)!);
        const tenths = a - b;
        const sign = tenths > 0 ? "+" : tenths < 0 ? "−" : "±";
        expect(text).toBe(`${sign}${Math.floor(Math.abs(tenths) / 10)}.${Math.abs(tenths) % 10} pts`);
        expect(pointsDirection(pointsChange(a / 1000, b / 1000)!)).toBe(tenths > 0 ? "up" : tenths < 0 ? "down" : "flat");
      }),
    );
  });
});
