import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { stepLine, type CountLine, type LineMemory } from "./line.js";

// A fixed seed keeps the suite deterministic; change it (or drop it locally) to explore new cases.
fc.configureGlobal({ seed: 20260601 });

// A vertical line at x = 100 from y = 0 to y = 200; A->B points down, so its left side (on screen) is x > 100.
const line: CountLine = { a: [100, 0], b: [100, 200], margin: 5 };

function count(path: [number, number][], l = line) {
  let mem: LineMemory | null = null;
  const out = { in: 0, out: 0 };
  for (const p of path) {
    const r = stepLine(l, mem, p);
    mem = r.memory;
    if (r.crossing) out[r.crossing]++;
  }
  return out;
}

describe("stepLine", () => {
  it("counts a crossing one way as in and the other way as out", () => {
    const rightToLeft: [number, number][] = [
      [150, 100],
      [120, 100],
      [90, 100],
      [60, 100],
    ];
    const one = count(rightToLeft);
    const other = count([...rightToLeft].reverse());
    expect(one.in + one.out).toBe(1);
    expect(other).toEqual({ in: one.out, out: one.in });
  });
  it("inverts the direction on request", () => {
    const path: [number, number][] = [
      [150, 100],
      [60, 100],
    ];
    const a = count(path),
      b = count(path, { ...line, invert: true });
    expect(b).toEqual({ in: a.out, out: a.in });
  });
  it("ignores jitter inside the margin", () => {
    const path: [number, number][] = [[120, 50]];
    for (let k = 0; k < 20; k++) path.push([k % 2 ? 103 : 97, 50]);
    expect(count(path)).toEqual({ in: 0, out: 0 });
  });
  it("ignores a crossing past the end of the segment", () => {
    expect(
      count([
        [150, 300],
        [50, 300],
      ]),
    ).toEqual({ in: 0, out: 0 });
  });
  it("property: in - out equals the net change of side between the first and last clear positions", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 200, noNaN: true }), fc.double({ min: 10, max: 190, noNaN: true })), { minLength: 1, maxLength: 60 }),
        (path) => {
          const c = count(path);
          const clear = path.filter(([x]) => Math.abs(x - 100) > 5);
          if (clear.length === 0) return expect(c).toEqual({ in: 0, out: 0 });
          const side = (x: number) => (x > 100 ? 1 : -1);
          const net = (side(clear[0]![0]) - side(clear.at(-1)![0])) / 2; // left(+x) -> right(-x) is "in" for this line
          expect(Math.abs(c.in - c.out)).toBe(Math.abs(net));
        },
      ),
    );
  });
});
