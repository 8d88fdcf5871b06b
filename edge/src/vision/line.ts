/**
 * A directional counting line (pure). The segment A->B splits the image; crossing from its left
 * to its right (seen from A looking at B, image y pointing down) is `in`, the other way `out`
 * (or the reverse with `invert`). A track's side only changes once its point is more than
 * `margin` pixels from the line, so jitter on the line counts nothing, and the crossing counts
 * only where the path passed between A and B.
 */
type Pt = readonly [number, number];

export interface CountLine {
  a: Pt;
  b: Pt;
  /** Dead band either side of the line, in pixels. */
  margin: number;
  /** Swap which direction is `in`. */
  invert?: boolean;
}
/** Per track: the last side it was confirmed on (+1 / -1) and where it was then. */
export interface LineMemory {
  side: 1 | -1;
  at: Pt;
}
export type Crossing = "in" | "out" | null;

/** Signed distance of `p` from the infinite line A->B (positive on the right-hand side in image axes). */
export function signedDistance(line: CountLine, p: Pt): number {
  const dx = line.b[0] - line.a[0];
  const dy = line.b[1] - line.a[1];
  const len = Math.hypot(dx, dy) || 1;
  // Image axes (y down): cross(AB, AP) > 0 means P is to the right of A->B as drawn on screen.
  return (dx * (p[1] - line.a[1]) - dy * (p[0] - line.a[0])) / len;
}

/** Where, along A->B (0 at A, 1 at B), the straight path from p to q crosses the line. */
function crossingParameter(line: CountLine, p: Pt, q: Pt): number {
  const dp = signedDistance(line, p);
  const dq = signedDistance(line, q);
  const t = dp / (dp - dq);
  const x = p[0] + t * (q[0] - p[0]);
  const y = p[1] + t * (q[1] - p[1]);
  const dx = line.b[0] - line.a[0];
  const dy = line.b[1] - line.a[1];
  return ((x - line.a[0]) * dx + (y - line.a[1]) * dy) / (dx * dx + dy * dy || 1);
}

export function stepLine(line: CountLine, memory: LineMemory | null, p: Pt): { memory: LineMemory | null; crossing: Crossing } {
  const d = signedDistance(line, p);
  if (Math.abs(d) <= line.margin) return { memory, crossing: null };
  const side: 1 | -1 = d > 0 ? 1 : -1;
  if (memory === null || memory.side === side) return { memory: { side, at: p }, crossing: null };
  const t = crossingParameter(line, memory.at, p);
  const next: LineMemory = { side, at: p };
  if (t < 0 || t > 1) return { memory: next, crossing: null };
  const forward = side === 1; // left -> right
  return { memory: next, crossing: forward !== Boolean(line.invert) ? "in" : "out" };
}
