import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatChangeFrom, formatPoints, formatRelativeChange, formatShare, percentDecimals, pointsChange, pointsDirection, relativeDirection } from "./change.js";

/**
 * The reference: a figure given in exact hundredths (of a percent, or of a point), written by hand
 * with integers: whole from 10 up, one decimal below, thousands separated by ",". Halves are left
 * out (a binary fraction has no exact half to round).
 */
function reference(hundredths: number): { sign: "+" | "−" | "±"; text: string } {
  const a = Math.abs(hundredths);
  const tenths = Math.floor((a + 5) / 10);
  const text = tenths >= 100 ? String(Math.floor((a + 50) / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ",") : `${Math.floor(tenths / 10)}.${tenths % 10}`;
  return { sign: tenths === 0 ? "±" : hundredths > 0 ? "+" : "−", text };
}
const noHalf = (h: number) => Math.abs(h) % 10 !== 5 && Math.abs(h) % 100 !== 50;
const hundredths = (max: number) => fc.integer({ min: -max, max }).filter(noHalf);

/** A written figure read back: its value and the half-unit it was rounded to. */
function readBack(text: string, unit: string): { value: number; half: number } {
  const m = new RegExp(`^([+−±]?)([0-9,]+)(?:\\.([0-9]))? ${unit}$`).exec(text);
  expect(m, text).not.toBeNull();
  const v = Number(`${m![2]!.replace(/,/g, "")}.${m![3] ?? "0"}`);
  return { value: m![1] === "−" ? -v : v, half: m![3] === undefined ? 0.5 : 0.05 };
}

describe("formatRelativeChange, formatShare and formatPoints: one way to write percentages", () => {
  it("writes each kind its own way, with one rounding rule, one minus and one word for no baseline", () => {
    expect(formatRelativeChange(0.12)).toBe("+12 %");
    expect(formatRelativeChange(-0.03)).toBe("−3.0 %");
    expect(formatRelativeChange(-0.0344)).toBe("−3.4 %");
    expect(formatRelativeChange(0.0996)).toBe("+10 %");
    expect(formatRelativeChange(0.0004)).toBe("±0.0 %");
    expect(formatRelativeChange(12.5)).toBe("+1,250 %");
    expect(formatRelativeChange(null)).toBe("new");
    expect(formatShare(0.234)).toBe("23 %");
    expect(formatShare(0.034)).toBe("3.4 %");
    expect(formatShare(0)).toBe("0.0 %");
    expect(formatShare(null)).toBe("–");
    expect(formatPoints(pointsChange(0.46, 0.45)!)).toBe("+1.0 pts");
    expect(formatPoints(pointsChange(0.3, 0.334)!)).toBe("−3.4 pts");
    expect(formatPoints(pointsChange(0.5, 0.5004)!)).toBe("±0.0 pts");
    expect(formatPoints(pointsChange(0.35, 0.2)!)).toBe("+15 pts");
    expect(pointsChange(null, 0.4)).toBeNull();
    expect(pointsChange(0.4, Number.NaN)).toBeNull();
    expect(formatChangeFrom(97, 100)).toBe("−3.0 %");
    expect(formatChangeFrom(5, 0)).toBe("new");
    expect(formatChangeFrom(0, 0)).toBe("±0.0 %");
    expect(formatChangeFrom(null, 3)).toBeNull();
  });

  it("a relative change agrees with the hand-written reference and its direction with its sign (property)", () => {
    fc.assert(
      fc.property(hundredths(5_000_000), (h) => {
        const { sign, text } = reference(h);
        expect(formatRelativeChange(h / 10_000)).toBe(`${sign}${text} %`);
        expect(relativeDirection(h / 10_000)).toBe(sign === "+" ? "up" : sign === "−" ? "down" : "flat");
      }),
    );
  });

  it("a share agrees with the reference, without a sign (property)", () => {
    fc.assert(
      fc.property(hundredths(1_000_000).map(Math.abs), (h) => {
        expect(formatShare(h / 10_000)).toBe(`${reference(h).text} %`);
      }),
    );
  });

  it("percentage points agree with the reference, and their direction with their sign (property)", () => {
    fc.assert(
      fc.property(hundredths(1_000_000), (h) => {
        const { sign, text } = reference(h);
        expect(formatPoints(h / 100)).toBe(`${sign}${text} pts`);
        expect(pointsDirection(h / 100)).toBe(sign === "+" ? "up" : sign === "−" ? "down" : "flat");
      }),
    );
  });

  it("any change reads back within its rounding, halves included; figures written together share the decimals of the largest (property)", () => {
    const pct = fc.double({ min: -1e5, max: 1e5, noNaN: true });
    fc.assert(
      fc.property(pct, pct, (x, y) => {
        for (const [text, v] of [
          [formatRelativeChange(x / 100), x],
          [formatShare(Math.abs(x) / 100), Math.abs(x)],
        ] as const) {
          const back = readBack(text, "%");
          expect(Math.abs(back.value - v)).toBeLessThanOrEqual(back.half + 1e-9 * Math.abs(v));
        }
        const back = readBack(formatPoints(x), "pts");
        expect(Math.abs(back.value - x)).toBeLessThanOrEqual(back.half + 1e-9 * Math.abs(x));
        const d = percentDecimals(x, y);
        const both = [formatRelativeChange(x / 100, d), formatRelativeChange(y / 100, d)];
        const largest = Math.max(Math.abs(x), Math.abs(y));
        for (const t of both) expect(t.includes(".")).toBe(largest < 9.95);
      }),
    );
  });
});
