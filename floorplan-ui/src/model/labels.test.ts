import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ellipsize, fitLabel, labelBox, LINE_HEIGHT, type LabelLine, type Measure } from "./labels.js";

/** A monospaced fake: every character is 0.6 em wide, bold ones 0.65 em. */
const mono: Measure = (text, size, weight) => text.length * size * (weight >= 600 ? 0.65 : 0.6);

describe("ellipsize", () => {
  it("keeps a text that fits and cuts one that does not with an ellipsis", () => {
    expect(ellipsize("Bakery", 100, 10, 400, mono)).toBe("Bakery");
    expect(ellipsize("Fruit & vegetables", 60, 10, 400, mono)).toBe("Fruit & v…");
    expect(mono(ellipsize("Fruit & vegetables", 60, 10, 400, mono), 10, 400)).toBeLessThanOrEqual(60);
  });
});

describe("fitLabel", () => {
  const lines = (name: string, fig: string, word: string): LabelLine[] => [
    { text: name, size: 12, weight: 600, ellipsis: true, optional: true },
    { text: fig, size: 28, minSize: 11, weight: 700 },
    { text: word, size: 11, weight: 700, optional: true },
  ];
  it("stacks the lines one under the other", () => {
    const b = fitLabel(lines("Bakery", "3/15", "OK"), 200, 200, mono)!;
    expect(b.lines.map((l) => [l.text, l.size, l.y])).toEqual([
      ["Bakery", 12, 0],
      ["3/15", 28, 12 * LINE_HEIGHT],
      ["OK", 11, 12 * LINE_HEIGHT + 28 * LINE_HEIGHT],
    ]);
  });
  it("shrinks the figure to the width, drops the word before the figure when too short", () => {
    const b = fitLabel(lines("Bakery", "10/15", "AT CAPACITY"), 60, 30, mono)!;
    expect(b.lines.map((l) => [l.text, l.size])).toEqual([["10/15", 18]]);
    expect(b.lines[0]!.width).toBeLessThanOrEqual(60);
  });
  it("gives up when not even the figure fits", () => {
    expect(fitLabel(lines("Bakery", "10/15", "OK"), 20, 10, mono)).toBeNull();
  });
  it("never lets lines overlap or leave the box, whatever the box and texts (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 24 }),
        fc.string({ minLength: 1, maxLength: 8 }),
        fc.constantFrom("OK", "BUSY", "AT CAPACITY", "OVER BY 128"),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 300 }),
        (name, fig, word, w, h) => {
          const b = fitLabel(lines(name, fig, word), w, h, mono);
          if (!b) return;
          expect(b.height).toBeLessThanOrEqual(h + 1e-9);
          for (const [i, l] of b.lines.entries()) {
            expect(l.width).toBeLessThanOrEqual(w + 1e-9);
            expect(mono(l.text, l.size, l.weight)).toBeCloseTo(l.width);
            if (i > 0) expect(l.y).toBeGreaterThanOrEqual(b.lines[i - 1]!.y + b.lines[i - 1]!.size * LINE_HEIGHT - 1e-9);
          }
          expect(b.lines.some((l) => l.index === 1)).toBe(true);
        },
      ),
    );
  });
});

describe("labelBox", () => {
  it("is the rectangle itself for a rectangle around its centre", () => {
    expect(labelBox([[0, 0], [4, 0], [4, 2], [0, 2]], [2, 1])).toEqual({ x: 0, y: 0, width: 4, height: 2 });
  });
});
