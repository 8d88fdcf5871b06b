import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSimplePolygon, pointInPolygon, polygonArea } from "./geometry.js";

type Pt = [number, number];
const coord = fc.double({ min: -100, max: 100, noNaN: true });
const size = fc.double({ min: 0.01, max: 100, noNaN: true });
/** A convex polygon: corners on a circle in angular order. */
const convex = fc
  .tuple(coord, coord, size, fc.uniqueArray(fc.integer({ min: 0, max: 359 }), { minLength: 3, maxLength: 10 }))
  .map(([cx, cy, r, degrees]) => degrees.sort((a, b) => a - b).map((d): Pt => [cx + r * Math.cos((d * Math.PI) / 180), cy + r * Math.sin((d * Math.PI) / 180)]));
const cross = (a: Pt, b: Pt, p: Pt): number => (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
const RUNS = { numRuns: 200 };

describe("geometry", () => {
  it("pointInPolygon agrees with the same-side test on convex polygons, away from edges", () => {
    fc.assert(fc.property(convex, coord, coord, (polygon, x, y) => {
      const crosses = polygon.map((a, i) => cross(a, polygon[(i + 1) % polygon.length]!, [x, y]));
      fc.pre(polygonArea(polygon) > 1e-3 && crosses.every((c) => Math.abs(c) > 1e-6));
      const inside = crosses.every((c) => c > 0) || crosses.every((c) => c < 0);
      expect(pointInPolygon([x, y], polygon)).toBe(inside);
    }), RUNS);
  });

  it("polygonArea of a rectangle is width times height, in either winding", () => {
    fc.assert(fc.property(coord, coord, size, size, fc.boolean(), (x, y, w, h, clockwise) => {
      const rect: Pt[] = [[x, y], [x + w, y], [x + w, y + h], [x, y + h]];
      expect(polygonArea(clockwise ? rect.reverse() : rect)).toBeCloseTo(w * h, 6);
    }), RUNS);
  });

  it("isSimplePolygon is false for a bow-tie and true for the rectangle on the same corners", () => {
    fc.assert(fc.property(coord, coord, size, size, (x, y, w, h) => {
      expect(isSimplePolygon([[x, y], [x + w, y + h], [x + w, y], [x, y + h]])).toBe(false);
      expect(isSimplePolygon([[x, y], [x + w, y], [x + w, y + h], [x, y + h]])).toBe(true);
    }), RUNS);
  });
});
