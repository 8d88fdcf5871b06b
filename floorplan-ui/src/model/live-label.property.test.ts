import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { LINE_HEIGHT, type Measure } from "./labels.js";
import { FIGURE_SIZE, liveZoneLabel, NAME_SIZE, nameShownWhole } from "./live-label.js";

/** A monospaced fake: every character is 0.6 em wide, bold ones 0.65 em. */
const mono: Measure = (text, size, weight) => text.length * size * (weight >= 600 ? 0.65 : 0.6);

const word = fc.stringMatching(/^[A-Za-z&]{1,10}$/);
const zoneName = fc.array(word, { minLength: 1, maxLength: 3 }).map((w) => w.join(" "));
const figure = fc.oneof(fc.constant("door"), fc.tuple(fc.nat(999), fc.integer({ min: 1, max: 999 })).map(([a, b]) => `${a}/${b}`));
/** A box in px, to a tenth (fc.double keeps to the extremes). */
const box = fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 2000 })).map(([w, h]) => [w / 10, h / 10] as const);

describe("liveZoneLabel (property)", () => {
  it("never leaves its box, and shows the name whole on its own line whenever it fits there at the smallest sizes", () => {
    fc.assert(
      fc.property(zoneName, fc.option(figure), fc.option(fc.constantFrom("OK", "BUSY", "AT CAPACITY")), box, (name, fig, w, [width, height]) => {
        const b = liveZoneLabel({ name, figure: fig, word: w }, width, height, mono);
        if (b) {
          expect(b.height).toBeLessThanOrEqual(height + 1e-9);
          for (const l of b.lines) {
            expect(l.width).toBeLessThanOrEqual(width + 1e-9);
            expect(l.y + l.size * LINE_HEIGHT).toBeLessThanOrEqual(height + 1e-9);
          }
        }
        // The reference: the name on one line at its smallest size over the figure (or "—" for a zone not counted) at its
        // smallest size fits the box: then the name is on a line of its own, whole.
        const mark = fig ?? "—";
        const fits = mono(name, NAME_SIZE.min, 600) <= width && mono(mark, FIGURE_SIZE.min, 700) <= width && (NAME_SIZE.min + FIGURE_SIZE.min) * LINE_HEIGHT <= height;
        if (fits) expect(nameShownWhole(b, name)).toBe(true);
        // A zone nothing counts now never shows its name alone (it would read as counted).
        if (b && fig === null) expect(b.lines.some((l) => l.index > 0 && /Not counted|—|NOW/.test(l.text))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("liveZoneLabel", () => {
  // Inter-like widths at 1024x768: the demo's Entrance box is 80x58 px, 72x50 inside its padding, a hair short of the name at 12 px over 'door' at 28.
  it("puts 'Entrance' over 'door' where the old label read 'E… · door'", () => {
    const b = liveZoneLabel({ name: "Entrance", figure: "door", word: null }, 76, 49, mono)!;
    expect(b.lines.map((l) => l.text)).toEqual(["Entrance", "door"]);
  });
  it("breaks a long name in two before shortening it, the figure smaller", () => {
    const b = liveZoneLabel({ name: "Fitting rooms", figure: "1/6", word: "OK" }, 52, 50, mono)!;
    expect(b.lines.map((l) => l.text).slice(0, 3)).toEqual(["Fitting", "rooms", "1/6"]);
  });
  it("marks a small zone nothing counts with '—' under its whole name", () => {
    const b = liveZoneLabel({ name: "Sale", figure: null, word: null }, 40, 34, mono)!;
    expect(b.lines.map((l) => l.text)).toEqual(["Sale", "—"]);
  });
});
