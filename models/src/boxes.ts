/** Pure box arithmetic: IoU and non-maximum suppression. */
import type { Box } from "./types.js";

export function area(b: Box): number {
  return Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
}

export function intersection(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Intersection over union, 0 when both are empty. */
export function iou(a: Box, b: Box): number {
  const inter = intersection(a, b);
  const union = area(a) + area(b) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Greedy NMS: keeps items in descending score, dropping any whose IoU with a kept one exceeds
 * `maxIou`, or that lies mostly (`maxContained` of its own area) inside a kept, stronger box
 * (a detector's second box on the upper body of the same person).
 */
export function nms<T extends { box: Box; score: number }>(items: readonly T[], maxIou: number, maxContained = 1): T[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const item of sorted) {
    const a = area(item.box);
    const clash = kept.some((k) => iou(k.box, item.box) > maxIou || (a > 0 && intersection(k.box, item.box) / a > maxContained));
    if (!clash) kept.push(item);
  }
  return kept;
}
