/** Plane geometry on the floor plan, in metres (origin top-left, y down). */
declare const floorBrand: unique symbol;
declare const imageBrand: unique symbol;
/** A point on the floor plan in metres. */
export type FloorPoint = readonly [x: number, y: number] & { readonly [floorBrand]?: "floor" };
/** A point in a camera image in pixels. */
export type ImagePoint = readonly [u: number, v: number] & { readonly [imageBrand]?: "image" };
type Pt = readonly [number, number];

/** Absolute area by the shoelace formula. */
export function polygonArea(polygon: readonly Pt[]): number {
  let twice = 0;
  for (let i = 0; i < polygon.length; i++) {
    const [x1, y1] = polygon[i]!;
    const [x2, y2] = polygon[(i + 1) % polygon.length]!;
    twice += x1 * y2 - x2 * y1;
  }
  return Math.abs(twice) / 2;
}

/** Area-weighted centroid (falls back to the vertex mean for degenerate polygons). */
export function polygonCentroid(polygon: readonly Pt[]): [number, number] {
  let a = 0, cx = 0, cy = 0;
  for (let i = 0; i < polygon.length; i++) {
    const [x1, y1] = polygon[i]!;
    const [x2, y2] = polygon[(i + 1) % polygon.length]!;
    const cross = x1 * y2 - x2 * y1;
    a += cross;
    cx += (x1 + x2) * cross;
    cy += (y1 + y2) * cross;
  }
  if (Math.abs(a) < 1e-12) {
    const n = polygon.length || 1;
    return [polygon.reduce((s, p) => s + p[0], 0) / n, polygon.reduce((s, p) => s + p[1], 0) / n];
  }
  return [cx / (3 * a), cy / (3 * a)];
}

/** Even-odd ray casting; points on an edge may fall either side. */
export function pointInPolygon(point: Pt, polygon: readonly Pt[]): boolean {
  const [x, y] = point;
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function orientation(a: Pt, b: Pt, c: Pt): number {
  const v = (b[1] - a[1]) * (c[0] - b[0]) - (b[0] - a[0]) * (c[1] - b[1]);
  return Math.abs(v) < 1e-12 ? 0 : v > 0 ? 1 : 2;
}
function onSegment(a: Pt, b: Pt, c: Pt): boolean {
  return Math.min(a[0], c[0]) <= b[0] && b[0] <= Math.max(a[0], c[0]) && Math.min(a[1], c[1]) <= b[1] && b[1] <= Math.max(a[1], c[1]);
}
/** Whether closed segments p1-q1 and p2-q2 share a point. */
export function segmentsIntersect(p1: Pt, q1: Pt, p2: Pt, q2: Pt): boolean {
  const o1 = orientation(p1, q1, p2), o2 = orientation(p1, q1, q2), o3 = orientation(p2, q2, p1), o4 = orientation(p2, q2, q1);
  if (o1 !== o2 && o3 !== o4) return true;
  return (o1 === 0 && onSegment(p1, p2, q1)) || (o2 === 0 && onSegment(p1, q2, q1)) || (o3 === 0 && onSegment(p2, p1, q2)) || (o4 === 0 && onSegment(p2, q1, q2));
}

/** True when no two non-adjacent edges meet and no corner repeats. */
export function isSimplePolygon(polygon: readonly Pt[]): boolean {
  const n = polygon.length;
  if (n < 3) return false;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const adjacent = j === i + 1 || (i === 0 && j === n - 1);
      if (adjacent) {
        if (polygon[i]![0] === polygon[j]![0] && polygon[i]![1] === polygon[j]![1]) return false;
        continue;
      }
      if (segmentsIntersect(polygon[i]!, polygon[(i + 1) % n]!, polygon[j]!, polygon[(j + 1) % n]!)) return false;
    }
  }
  return true;
}

/** Every corner inside [0, width] x [0, height]. */
export function polygonWithin(polygon: readonly Pt[], width: number, height: number): boolean {
  return polygon.every(([x, y]) => x >= 0 && y >= 0 && x <= width && y <= height);
}
