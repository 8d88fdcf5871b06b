import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ellipsize, fitLabel, INLINE_SEPARATOR, labelBox, LINE_HEIGHT, placeBadges, placeBadgesClear, type Badge, type LabelLine, type Measure } from "./labels.js";

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
          // The figure is kept, unless it is blank (a zone with no figure): then it is no line at all.
          expect(b.lines.some((l) => l.index === 1)).toBe(fig.trim() !== "");
        },
      ),
    );
  });
});

describe("fitLabel with the name inline", () => {
  const lines = (name: string, fig: string, word?: string): LabelLine[] => [
    { text: name, size: 12, weight: 600, ellipsis: true, optional: true, inline: true },
    { text: fig, size: 20, minSize: 10, weight: 700 },
    ...(word ? [{ text: word, size: 11, weight: 700, optional: true }] : []),
  ];
  it("puts the name on the figure's line in a zone too low for two lines, rather than a bare figure", () => {
    // 30 px high: the name (15) and the figure (25) do not fit one under the other; one line of 14 px does.
    const b = fitLabel(lines("Checkout queue", "754"), 300, 30, mono)!;
    expect(b.lines.map((l) => [l.text, l.size, l.index])).toEqual([["Checkout queue · 754", 14, 1]]);
  });
  it("shortens the name, never the figure, to the width", () => {
    const b = fitLabel(lines("Checkout queue", "754"), 110, 20, mono)!;
    expect(b.lines).toHaveLength(1);
    expect(b.lines[0]!.text).toMatch(/^Che.*… · 754$/);
    expect(b.lines[0]!.width).toBeLessThanOrEqual(110);
  });
  it("stacks as before where both lines fit, and leaves the figure bare where not even a letter of the name fits beside it", () => {
    expect(fitLabel(lines("Bakery", "444"), 200, 200, mono)!.lines.map((l) => l.text)).toEqual(["Bakery", "444"]);
    expect(fitLabel(lines("Bakery", "444"), 40, 22, mono)!.lines.map((l) => l.text)).toEqual(["444"]);
  });
  it("keeps the figure whole, the line inside the box and the size between the smallest and the name's + 2 (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 2, maxLength: 24 }),
        // A figure to keep (a blank one is no line: the properties above).
        fc.string({ minLength: 1, maxLength: 8 }).filter((f) => f.trim() !== ""),
        fc.option(fc.constantFrom("OK", "BUSY", "OVER BY 128"), { nil: undefined }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 300 }),
        (name, fig, word, w, h) => {
          const b = fitLabel(lines(name, fig, word), w, h, mono);
          // The name inline changes only where the figure goes: with it or without, a block fits or none does.
          expect(b === null).toBe(fitLabel(lines(name, fig, word).map((l) => ({ ...l, inline: false })), w, h, mono) === null);
          if (!b) return;
          expect(b.height).toBeLessThanOrEqual(h + 1e-9);
          for (const l of b.lines) expect(l.width).toBeLessThanOrEqual(w + 1e-9);
          const figure = b.lines.find((l) => l.index === 1)!;
          const named = b.lines.some((l) => l.index === 0);
          if (figure.text !== fig) {
            expect(named).toBe(false);
            expect(figure.text.endsWith(`${INLINE_SEPARATOR}${fig}`)).toBe(true);
            expect(figure.size).toBeGreaterThanOrEqual(10);
            expect(figure.size).toBeLessThanOrEqual(14);
          }
        },
      ),
    );
  });
});

describe("fitLabel with no figure (a zone outside an experiment)", () => {
  const lines = (name: string, fig: string): LabelLine[] => [
    { text: name, size: 12, minSize: 11, weight: 500, ellipsis: true, wrap: true, optional: true, inline: true },
    { text: fig, size: 20, minSize: 10, weight: 700 },
  ];
  it("shows the name alone in a low zone, not 'Checkout queue ·' with nothing after the dot", () => {
    // 30 px high: with a figure the name goes on its line ("Checkout queue · 754"); without one the name fits alone.
    const b = fitLabel(lines("Checkout queue", ""), 300, 30, mono)!;
    expect(b.lines.map((l) => [l.text, l.size, l.index])).toEqual([["Checkout queue", 12, 0]]);
    expect(b.height).toBe(12 * LINE_HEIGHT);
  });
  it("is laid out as the name alone, whatever the box and name (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 24 }),
        fc.constantFrom("", " "),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 300 }),
        (name, none, w, h) => {
          const b = fitLabel(lines(name, none), w, h, mono);
          const alone = fitLabel(lines(name, none).slice(0, 1), w, h, mono);
          expect(b).toEqual(alone);
          for (const l of b?.lines ?? []) {
            expect(l.text.trim()).not.toBe("");
            expect(l.text.trimEnd().endsWith(INLINE_SEPARATOR.trim())).toBe(false);
          }
        },
      ),
    );
  });
});

describe("fitLabel with a name that may wrap", () => {
  const lines = (name: string, fig: string, word?: string): LabelLine[] => [
    { text: name, size: 12, minSize: 10, weight: 600, ellipsis: true, wrap: true, optional: true, inline: true },
    { text: fig, size: 28, minSize: 10, weight: 700 },
    ...(word ? [{ text: word, size: 11, minSize: 9, weight: 700, optional: true }] : []),
  ];
  const names = (b: ReturnType<typeof fitLabel>) => b!.lines.filter((l) => l.index === 0).map((l) => [l.text, l.size, l.row]);
  it("puts a name too wide for one line on two, broken at a space, rather than cutting it ('Fitting roo…')", () => {
    // "Fitting rooms" is 13 x 7.8 = 101 px at 12 px: too wide for 80 px even at 10 px (84.5 px).
    const b = fitLabel(lines("Fitting rooms", "3/4", "OK"), 80, 200, mono)!;
    expect(names(b)).toEqual([
      ["Fitting", 12, 0],
      ["rooms", 12, 1],
    ]);
    expect(b.lines.map((l) => l.y)).toEqual([0, 15, 30, 65]);
  });
  it("goes smaller first where that keeps it on one line, and balances the two lines", () => {
    expect(names(fitLabel(lines("Fitting rooms", "3/4"), 90, 200, mono))).toEqual([["Fitting rooms", 10, undefined]]);
    expect(names(fitLabel(lines("Health & beauty care", "3/4"), 100, 200, mono))).toEqual([
      ["Health &", 12, 0],
      ["beauty care", 12, 1],
    ]);
  });
  it("is shortened as before where the two lines do not fit the height, or one word does not fit the width", () => {
    // 60 px high: two name lines (30) and the figure (35) do not fit; one name line does.
    expect(names(fitLabel(lines("Fitting rooms", "3/4"), 80, 52, mono))).toEqual([["Fitting r…", 12, undefined]]);
    expect(names(fitLabel(lines("Refrigeration", "3/4"), 60, 200, mono))).toEqual([["Refrig…", 12, undefined]]);
  });
  it("never overlaps, never leaves the box, keeps the figure, and is whole or on two lines wherever an unwrapped one was cut with room below (property)", () => {
    const word = fc.stringMatching(/^[A-Za-z&]{1,9}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 4 }).map((ws) => ws.join(" ")),
        fc.string({ minLength: 1, maxLength: 6 }),
        fc.option(fc.constantFrom("OK", "BUSY", "OVER BY 12"), { nil: undefined }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        (name, fig, state, w, h) => {
          const b = fitLabel(lines(name, fig, state), w, h, mono);
          const plain = fitLabel(lines(name, fig, state).map((l) => ({ ...l, wrap: false })), w, h, mono);
          // Wrapping changes only the name: a block fits where one did without it.
          expect(b === null).toBe(plain === null);
          if (!b) return;
          expect(b.height).toBeLessThanOrEqual(h + 1e-9);
          for (const [i, l] of b.lines.entries()) {
            expect(l.width).toBeLessThanOrEqual(w + 1e-9);
            expect(mono(l.text, l.size, l.weight)).toBeCloseTo(l.width);
            expect(l.size).toBeGreaterThanOrEqual(9);
            if (i > 0) expect(l.y).toBeGreaterThanOrEqual(b.lines[i - 1]!.y + b.lines[i - 1]!.size * LINE_HEIGHT - 1e-9);
          }
          // The figure is kept, unless it is blank (a zone with no figure): then it is no line at all.
          expect(b.lines.some((l) => l.index === 1)).toBe(fig.trim() !== "");
          const rows = b.lines.filter((l) => l.index === 0);
          // A name on two lines is the whole name, split at a space, and its two lines are at one size.
          if (rows.length === 2) {
            expect(`${rows[0]!.text} ${rows[1]!.text}`).toBe(name);
            expect(rows[0]!.size).toBe(rows[1]!.size);
          }
          // Where the plain layout showed the name cut and the whole name fits on one line at 10 px or on two, it is not cut.
          const cut = plain!.lines.find((l) => l.index === 0 && l.text.endsWith("…"));
          const ws = name.split(" ");
          const splits = ws.map((_, i) => [ws.slice(0, i).join(" "), ws.slice(i).join(" ")]).filter(([a]) => a !== "");
          const fitsTwo = splits.some(([a, c]) => Math.max(mono(a!, 10, 600), mono(c!, 10, 600)) <= w);
          if (cut && plain!.height + 2 * 12 * LINE_HEIGHT <= h && fitsTwo) expect(rows.map((r) => r.text).join(" ")).toBe(name);
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

describe("placeBadges", () => {
  it("keeps the first of two badges that would overlap", () => {
    expect(placeBadges([{ x: 10, y: 10, width: 20, height: 10 }, { x: 15, y: 12, width: 20, height: 10 }, { x: 100, y: 10, width: 20, height: 10 }])).toEqual([0, 2]);
  });
  it("never keeps two badges that overlap, and keeps the first always (property)", () => {
    const badge = fc.record({ x: fc.integer({ min: 0, max: 300 }), y: fc.integer({ min: 0, max: 300 }), width: fc.integer({ min: 4, max: 60 }), height: fc.integer({ min: 4, max: 20 }) });
    fc.assert(
      fc.property(fc.array(badge, { minLength: 1, maxLength: 30 }), (bs) => {
        const kept = placeBadges(bs, 0);
        expect(kept[0]).toBe(0);
        for (const i of kept)
          for (const j of kept) {
            if (i >= j) continue;
            const [a, b] = [bs[i]!, bs[j]!];
            expect(Math.abs(a.x - b.x) * 2 >= a.width + b.width || Math.abs(a.y - b.y) * 2 >= a.height + b.height).toBe(true);
          }
      }),
    );
  });
});

describe("placeBadgesClear", () => {
  const name = { x: 50, y: 20, width: 60, height: 18 };
  it("moves a count off a zone's name to its first clear alternative, and leaves it out when none is clear", () => {
    const onName = { x: 50, y: 22, width: 30, height: 17, alternatives: [{ x: 50, y: 30 }, { x: 50, y: 60 }] };
    expect(placeBadgesClear([onName], [name])).toEqual([{ index: 0, x: 50, y: 60 }]);
    expect(placeBadgesClear([{ ...onName, alternatives: [{ x: 52, y: 18 }] }], [name])).toEqual([]);
    // Clear of the name: it stays where it is.
    expect(placeBadgesClear([{ ...onName, y: 80 }], [name])).toEqual([{ index: 0, x: 50, y: 80 }]);
  });
  it("is placeBadges when nothing is taken and no badge has alternatives", () => {
    const bs = [{ x: 10, y: 10, width: 20, height: 10 }, { x: 15, y: 12, width: 20, height: 10 }, { x: 100, y: 10, width: 20, height: 10 }];
    expect(placeBadgesClear(bs, []).map((p) => p.index)).toEqual(placeBadges(bs));
  });
  it("never places a badge on a name or on another badge, always at its own place or one of its alternatives, and keeps each that has a clear place when it comes (property)", () => {
    const box = fc.record({ x: fc.integer({ min: 0, max: 300 }), y: fc.integer({ min: 0, max: 300 }), width: fc.integer({ min: 4, max: 60 }), height: fc.integer({ min: 4, max: 20 }) });
    const point = fc.record({ x: fc.integer({ min: 0, max: 300 }), y: fc.integer({ min: 0, max: 300 }) });
    const apart = (a: Badge, b: Badge) => Math.abs(a.x - b.x) * 2 >= a.width + b.width || Math.abs(a.y - b.y) * 2 >= a.height + b.height;
    fc.assert(
      fc.property(fc.array(fc.record({ b: box, alternatives: fc.array(point, { maxLength: 4 }) }), { maxLength: 20 }), fc.array(box, { maxLength: 8 }), (list, taken) => {
        const bs = list.map(({ b, alternatives }) => ({ ...b, alternatives }));
        const placed = placeBadgesClear(bs, taken, 0);
        const boxes = placed.map((p) => ({ x: p.x, y: p.y, width: bs[p.index]!.width, height: bs[p.index]!.height }));
        boxes.forEach((b, i) => {
          const own = bs[placed[i]!.index]!;
          expect([{ x: own.x, y: own.y }, ...own.alternatives]).toContainEqual({ x: b.x, y: b.y });
          for (const t of taken) expect(apart(b, t)).toBe(true);
          boxes.forEach((o, j) => j !== i && expect(apart(b, o)).toBe(true));
        });
        // A badge left out had no clear place among those before it (reference: try every place in turn).
        bs.forEach((b, i) => {
          if (placed.some((p) => p.index === i)) return;
          const before = placed.filter((p) => p.index < i).map((p) => ({ x: p.x, y: p.y, width: bs[p.index]!.width, height: bs[p.index]!.height }));
          for (const at of [{ x: b.x, y: b.y }, ...b.alternatives]) {
            const here = { ...at, width: b.width, height: b.height };
            expect([...taken, ...before].every((o) => apart(here, o))).toBe(false);
          }
        });
      }),
    );
  });
});
