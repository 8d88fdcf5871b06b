import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MOVE_GRID_M, snapCorner, snapMove, snapTarget } from "./snap.js";

type Pt = [number, number];
const square = (x: number, y: number, w = 2): Pt[] => [[x, y], [x + w, y], [x + w, y + w], [x, y + w]];
const ON = { on: true, tolerance: 0.3 };
const OFF = { on: false, tolerance: 0.3 };
const coord = fc.double({ min: -50, max: 50, noNaN: true });

describe("snapTarget", () => {
  it("prefers a corner to an edge, and finds nothing beyond the tolerance", () => {
    const other = [square(10, 10)];
    expect(snapTarget([10.2, 10.1], other, 0.3)).toEqual([10, 10]);
    expect(snapTarget([11, 9.8], other, 0.3)).toEqual([11, 10]);
    expect(snapTarget([11, 9.5], other, 0.3)).toBeNull();
  });
});

describe("snapCorner", () => {
  it("lands on the nearest other zone's corner or edge within the tolerance, else on the 0.1 m grid; off keeps centimetres", () => {
    fc.assert(fc.property(coord, coord, (x, y) => {
      const others = [square(0, 0)];
      const p = snapCorner([x, y], others, ON);
      const t = snapTarget([x, y], others, ON.tolerance);
      if (t) expect(p).toEqual([Number(t[0].toFixed(3)) + 0, Number(t[1].toFixed(3)) + 0]);
      else {
        expect(Math.abs(p[0] - x)).toBeLessThanOrEqual(0.05 + 1e-9);
        expect(Math.abs(Math.round(p[0] * 10) - p[0] * 10)).toBeLessThan(1e-6);
      }
      const free = snapCorner([x, y], others, OFF);
      expect(Math.abs(free[0] - x)).toBeLessThanOrEqual(0.005 + 1e-9);
    }));
  });
});

describe("snapMove", () => {
  it("moves in whole 0.25 m steps, at most half a step from the drag, when nothing is near", () => {
    fc.assert(fc.property(coord, coord, (dx, dy) => {
      const [mx, my] = snapMove(square(0, 0), [dx, dy], [], ON);
      for (const [m, d] of [[mx, dx], [my, dy]] as const) {
        expect(Math.abs(m - d)).toBeLessThanOrEqual(MOVE_GRID_M / 2 + 1e-9);
        expect(Math.abs(Math.round(m / MOVE_GRID_M) - m / MOVE_GRID_M)).toBeLessThan(1e-6);
      }
    }));
  });
  it("puts a corner of the moved zone on a neighbour's corner when it comes near, so the two share an edge", () => {
    // A 2 m square at 0,0 dragged right by 2.93 m: its right corners near the neighbour's left ones at x = 5.
    expect(snapMove(square(0, 0), [2.93, 0.1], [square(5, 0)], ON)).toEqual([3, 0]);
  });
  it("with snapping off, follows the drag to the centimetre", () => {
    expect(snapMove(square(0, 0), [2.934, 0.111], [square(5, 0)], OFF)).toEqual([2.93, 0.11]);
  });
});
