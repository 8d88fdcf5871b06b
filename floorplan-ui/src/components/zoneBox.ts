import type { FloorPoint } from "@footfall/core";

/** Where a zone's label goes: a box as wide as the zone, centred on its centroid, in metres. */
export function zoneBox(polygon: readonly FloorPoint[], centroid: readonly [number, number]): { x: number; width: number } {
  let min = Infinity, max = -Infinity;
  for (const [x] of polygon) {
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const half = Math.min(centroid[0] - min, max - centroid[0]);
  return { x: centroid[0] - half, width: Math.max(0, 2 * half) };
}
