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

/**
 * The area two zones share, in square metres. Simple polygons, convex or not, in any winding.
 *
 * Each polygon is written as a signed fan of triangles from one common point (its indicator equals
 * the signed sum of the triangles' indicators almost everywhere), so the shared area is the signed
 * sum over triangle pairs of their intersections, each a convex clip (Sutherland-Hodgman).
 * Zones that only touch (a shared edge or corner) share 0.
 */
export function overlapArea(a: readonly Pt[], b: readonly Pt[]): number {
  if (a.length < 3 || b.length < 3) return 0;
  const ba = polygonBounds(a), bb = polygonBounds(b);
  if (ba.maxX <= bb.minX || bb.maxX <= ba.minX || ba.maxY <= bb.minY || bb.maxY <= ba.minY) return 0;
  // The fan's apex: the middle of the two boxes' overlap keeps the triangles small.
  const o: Pt = [(Math.max(ba.minX, bb.minX) + Math.min(ba.maxX, bb.maxX)) / 2, (Math.max(ba.minY, bb.minY) + Math.min(ba.maxY, bb.maxY)) / 2];
  const fan = (p: readonly Pt[]) =>
    p.map((q, i) => {
      const r = p[(i + 1) % p.length]!;
      const s = cross2(o, q, r);
      // Counter-clockwise corners for the clip, and the triangle's sign.
      return { tri: (s >= 0 ? [o, q, r] : [o, r, q]) as Pt[], sign: Math.sign(s) };
    }).filter((t) => t.sign !== 0);
  const fa = fan(a), fb = fan(b);
  let sum = 0;
  for (const ta of fa) for (const tb of fb) sum += ta.sign * tb.sign * polygonArea(clipConvex(ta.tri, tb.tri));
  // The orientation of a polygon flips every sign of its fan.
  const total = Math.abs(sum);
  return total < 1e-9 * Math.max(1, polygonArea(a), polygonArea(b)) ? 0 : total;
}

/** Whether two zones share more than `minArea` square metres (default 0.0001 m², a 1 cm square): touching is not overlapping. */
export function polygonsOverlap(a: readonly Pt[], b: readonly Pt[], minArea = 1e-4): boolean {
  return overlapArea(a, b) > minArea;
}

/** The smallest axis-aligned box holding every corner of a polygon. */
export function polygonBounds(p: readonly Pt[]): { minX: number; minY: number; maxX: number; maxY: number } {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [x, y] of p) {
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return { minX, minY, maxX, maxY };
}
const cross2 = (o: Pt, a: Pt, b: Pt): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

/** `subject` clipped by the convex counter-clockwise polygon `clip` (Sutherland-Hodgman). */
function clipConvex(subject: readonly Pt[], clip: readonly Pt[]): Pt[] {
  let out: Pt[] = [...subject];
  for (let i = 0; i < clip.length && out.length > 0; i++) {
    const c1 = clip[i]!, c2 = clip[(i + 1) % clip.length]!;
    const input = out;
    out = [];
    for (let j = 0; j < input.length; j++) {
      const p = input[j]!, q = input[(j + 1) % input.length]!;
      const sp = cross2(c1, c2, p), sq = cross2(c1, c2, q);
      if (sp >= 0) out.push(p);
      if ((sp >= 0) !== (sq >= 0)) {
        const t = sp / (sp - sq);
        out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
      }
    }
  }
  return out;
}
