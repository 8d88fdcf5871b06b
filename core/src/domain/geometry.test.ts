import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSimplePolygon, overlapArea, pointInPolygon, polygonArea, polygonBounds, polygonsOverlap } from "./geometry.js";

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

/**
 * A rectilinear polygon on whole metres, concave as often as not: a histogram of columns standing
 * on a base line (flipped and turned at random). Its area is a count of unit cells, so the shared
 * area of two of them has an exact naive reference: the cells whose centre lies in both.
 */
const histogram = fc
  .tuple(fc.integer({ min: -6, max: 6 }), fc.integer({ min: -6, max: 6 }), fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 6 }), fc.boolean(), fc.boolean(), fc.boolean())
  .map(([x0, y0, heights, flipY, transpose, reverse]) => {
    const k = heights.length;
    const pts: Pt[] = [[0, 0], [k, 0]];
    for (let i = k - 1; i >= 0; i--) pts.push([i + 1, heights[i]!], [i, heights[i]!]);
    const dedup = pts.filter((p, i) => { const q = pts[(i + pts.length - 1) % pts.length]!; return p[0] !== q[0] || p[1] !== q[1]; });
    const placed = dedup.map(([x, y]): Pt => { const yy = flipY ? -y : y; return transpose ? [x0 + yy, y0 + x] : [x0 + x, y0 + yy]; });
    return reverse ? placed.reverse() : placed;
  });
/** Cells of the unit grid whose centre is inside both polygons: the naive shared area. */
function sharedCells(a: Pt[], b: Pt[]): number {
  let n = 0;
  for (let x = -20; x < 20; x++) for (let y = -20; y < 20; y++) if (pointInPolygon([x + 0.5, y + 0.5], a) && pointInPolygon([x + 0.5, y + 0.5], b)) n++;
  return n;
}
/** A star-shaped polygon (simple, often concave): corners at sorted angles and random radii around a centre. */
const star = fc
  .tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true }), fc.uniqueArray(fc.integer({ min: 0, max: 35 }), { minLength: 3, maxLength: 9 }), fc.array(fc.double({ min: 0.5, max: 6, noNaN: true }), { minLength: 9, maxLength: 9 }))
  .map(([cx, cy, steps, radii]) => steps.sort((p, q) => p - q).map((s, i): Pt => [cx + radii[i]! * Math.cos((s * 10 * Math.PI) / 180), cy + radii[i]! * Math.sin((s * 10 * Math.PI) / 180)]));
/** Shared area sampled on a fine grid (step h): off by at most the cells the two outlines cross. */
function sampledShared(a: Pt[], b: Pt[], h: number): number {
  let n = 0;
  for (let x = -12; x < 12; x += h) for (let y = -12; y < 12; y += h) if (pointInPolygon([x + h / 2, y + h / 2], a) && pointInPolygon([x + h / 2, y + h / 2], b)) n++;
  return n * h * h;
}
const perimeter = (p: Pt[]) => p.reduce((s, q, i) => s + Math.hypot(p[(i + 1) % p.length]![0] - q[0], p[(i + 1) % p.length]![1] - q[1]), 0);

describe("overlapArea", () => {
  it("equals the count of shared unit cells for rectilinear polygons, concave or not", () => {
    fc.assert(fc.property(histogram, histogram, (a, b) => {
      expect(isSimplePolygon(a) && isSimplePolygon(b)).toBe(true);
      expect(overlapArea(a, b)).toBeCloseTo(sharedCells(a, b), 9);
      expect(polygonsOverlap(a, b)).toBe(sharedCells(a, b) > 0);
    }), { numRuns: 300 });
  });

  it("agrees with a fine sampling for star-shaped polygons, within the outlines' cells", () => {
    fc.assert(fc.property(star, star, (a, b) => {
      fc.pre(isSimplePolygon(a) && isSimplePolygon(b));
      const h = 0.05;
      const slack = (perimeter(a) + perimeter(b)) * h * Math.SQRT2;
      expect(Math.abs(overlapArea(a, b) - sampledShared(a, b, h))).toBeLessThanOrEqual(slack);
    }), { numRuns: 40 });
  });

  it("is symmetric, at most the smaller area, and a polygon shares all of its area with itself", () => {
    fc.assert(fc.property(star, star, (a, b) => {
      fc.pre(isSimplePolygon(a) && isSimplePolygon(b));
      const ab = overlapArea(a, b);
      expect(ab).toBeCloseTo(overlapArea(b, a), 9);
      expect(ab).toBeLessThanOrEqual(Math.min(polygonArea(a), polygonArea(b)) + 1e-9);
      expect(overlapArea(a, a)).toBeCloseTo(polygonArea(a), 9);
      expect(overlapArea(a, [...a].reverse())).toBeCloseTo(polygonArea(a), 9);
    }), RUNS);
  });

  it("zones that only share an edge or a corner do not overlap", () => {
    fc.assert(fc.property(coord, coord, size, size, size, (x, y, w, h, w2) => {
      const left: Pt[] = [[x, y], [x + w, y], [x + w, y + h], [x, y + h]];
      const right: Pt[] = [[x + w, y], [x + w + w2, y], [x + w + w2, y + h], [x + w, y + h]];
      const corner: Pt[] = [[x + w, y + h], [x + w + w2, y + h], [x + w + w2, y + 2 * h], [x + w, y + 2 * h]];
      expect(polygonsOverlap(left, right)).toBe(false);
      expect(polygonsOverlap(left, corner)).toBe(false);
    }), RUNS);
  });
});

describe("polygonBounds", () => {
  it("is the box of the smallest and largest coordinates, holding every corner", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(coord, coord), { minLength: 1, maxLength: 12 }), (pts) => {
        const b = polygonBounds(pts);
        expect(b).toEqual({
          minX: Math.min(...pts.map((p) => p[0])),
          minY: Math.min(...pts.map((p) => p[1])),
          maxX: Math.max(...pts.map((p) => p[0])),
          maxY: Math.max(...pts.map((p) => p[1])),
        });
        for (const [x, y] of pts) expect(x >= b.minX && x <= b.maxX && y >= b.minY && y <= b.maxY).toBe(true);
      }),
    );
  });
});
