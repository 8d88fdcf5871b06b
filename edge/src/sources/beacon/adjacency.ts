/**
 * Which zones of a floor plan one can walk between directly (pure): two zones are adjacent when
 * their outlines come within `gapM` metres of each other (they share a wall, or an aisle narrower
 * than the gap separates them). The beacon HMM moves only between adjacent zones.
 */
import { pointInPolygon, segmentsIntersect } from "@footfall/core";
import type { Adjacency } from "./hmm.js";

type Pt = readonly [number, number];

function pointSegmentDistance(p: Pt, a: Pt, b: Pt): number {
  const dx = b[0] - a[0],
    dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

/** The least distance between two polygons (0 when they touch, overlap or one holds the other). */
export function polygonDistance(a: readonly Pt[], b: readonly Pt[]): number {
  if (a.length === 0 || b.length === 0) return Infinity;
  if (pointInPolygon(a[0]!, b) || pointInPolygon(b[0]!, a)) return 0;
  let best = Infinity;
  for (let i = 0; i < a.length; i++) {
    const a1 = a[i]!,
      a2 = a[(i + 1) % a.length]!;
    for (let j = 0; j < b.length; j++) {
      const b1 = b[j]!,
        b2 = b[(j + 1) % b.length]!;
      if (segmentsIntersect(a1, a2, b1, b2)) return 0;
      best = Math.min(
        best,
        pointSegmentDistance(a1, b1, b2),
        pointSegmentDistance(a2, b1, b2),
        pointSegmentDistance(b1, a1, a2),
        pointSegmentDistance(b2, a1, a2),
      );
    }
  }
  return best;
}

/** Zone pairs (ids in order) whose outlines are at most `gapM` apart. */
export function layoutAdjacency(zones: readonly { id: string; polygon: readonly Pt[] }[], gapM: number): Adjacency {
  const pairs: [string, string][] = [];
  for (let i = 0; i < zones.length; i++)
    for (let j = i + 1; j < zones.length; j++) {
      const a = zones[i]!,
        b = zones[j]!;
      if (polygonDistance(a.polygon, b.polygon) <= gapM) pairs.push(a.id < b.id ? [a.id, b.id] : [b.id, a.id]);
    }
  return pairs;
}
