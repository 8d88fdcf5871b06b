/**
 * Snapping in the layout editor, as pure functions: a corner or a moved zone lands on another
 * zone's corner or edge when it comes within a few pixels of one (zones then share an edge instead
 * of leaving a sliver or overlapping), else on a grid: 0.1 m for corners, 0.25 m steps for a moved
 * zone. With snapping off, positions keep centimetres.
 */
import type { FloorPoint } from "@footfall/core";

type Pt = readonly [number, number];

export interface SnapSettings {
  on: boolean;
  /** How near (metres) a corner must come to another zone's corner or edge to land on it: a few pixels at the current zoom. */
  tolerance: number;
}

/** Corners snap to this grid, in metres. */
export const SNAP_M = 0.1;
/** A dragged zone moves in steps of this many metres. */
export const MOVE_GRID_M = 0.25;
/** Without snapping, positions keep this precision (metres). */
const FREE_M = 0.01;

export function roundTo(v: number, step: number): number {
  return Number((Math.round(v / step) * step).toFixed(3)) + 0; // `+ 0` turns -0 into 0
}

function closestOnSegment(p: Pt, a: Pt, b: Pt): [number, number] {
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return [a[0] + t * dx, a[1] + t * dy];
}

/**
 * Where `p` lands on the other zones: their nearest corner within `tolerance`, else the nearest
 * point of their nearest edge within it; null when none is that near.
 */
export function snapTarget(p: Pt, others: readonly (readonly Pt[])[], tolerance: number): [number, number] | null {
  let best: [number, number] | null = null;
  let bestD = tolerance;
  for (const poly of others) for (const c of poly) {
    const d = Math.hypot(c[0] - p[0], c[1] - p[1]);
    if (d <= bestD) [best, bestD] = [[c[0], c[1]], d];
  }
  if (best) return best;
  for (const poly of others) for (let i = 0; i < poly.length; i++) {
    const q = closestOnSegment(p, poly[i]!, poly[(i + 1) % poly.length]!);
    const d = Math.hypot(q[0] - p[0], q[1] - p[1]);
    if (d <= bestD) [best, bestD] = [q, d];
  }
  return best;
}

/** A dragged or placed corner: on another zone's corner or edge when near one, else on the 0.1 m grid (snapping on); to the centimetre (off). */
export function snapCorner(p: Pt, others: readonly (readonly Pt[])[], s: SnapSettings): FloorPoint {
  if (!s.on) return [roundTo(p[0], FREE_M), roundTo(p[1], FREE_M)] as FloorPoint;
  const t = snapTarget(p, others, s.tolerance);
  if (t) return [roundTo(t[0], 0.001), roundTo(t[1], 0.001)] as FloorPoint;
  return [roundTo(p[0], SNAP_M), roundTo(p[1], SNAP_M)] as FloorPoint;
}

/**
 * The move a zone dragged by `delta` makes: with snapping on, the smallest correction that puts
 * one of its corners on another zone's corner or edge within the tolerance, else `delta` in
 * 0.25 m steps; with it off, `delta` to the centimetre.
 */
export function snapMove(polygon: readonly Pt[], delta: Pt, others: readonly (readonly Pt[])[], s: SnapSettings): [number, number] {
  if (!s.on) return [roundTo(delta[0], FREE_M), roundTo(delta[1], FREE_M)];
  let best: [number, number] | null = null;
  let bestD = Infinity;
  for (const c of polygon) {
    const moved: Pt = [c[0] + delta[0], c[1] + delta[1]];
    const t = snapTarget(moved, others, s.tolerance);
    if (!t) continue;
    const d = Math.hypot(t[0] - moved[0], t[1] - moved[1]);
    if (d < bestD) [best, bestD] = [[delta[0] + t[0] - moved[0], delta[1] + t[1] - moved[1]], d];
  }
  if (best) return [roundTo(best[0], 0.001), roundTo(best[1], 0.001)];
  return [roundTo(delta[0], MOVE_GRID_M), roundTo(delta[1], MOVE_GRID_M)];
}
