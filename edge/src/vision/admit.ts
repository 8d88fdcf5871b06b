/**
 * The tracker's door (pure): what a detector hands over is checked before any arithmetic sees it.
 * One detection with an `Infinity` coordinate used to make the assignment loop for ever at 100 %
 * CPU, freezing the agent and its watchdog with it.
 */
import type { Box } from "./box.js";

/** Largest absolute box coordinate, in pixels: far beyond any camera, small enough that areas and IoUs stay finite. */
export const MAX_BOX_COORD = 1e6;

/** Whether a box is four finite numbers within ±{@link MAX_BOX_COORD} with x2 > x1 and y2 > y1. */
export function isSaneBox(b: Box): boolean {
  if (!b || b.length !== 4) return false;
  for (const v of b) if (typeof v !== "number" || !Number.isFinite(v) || Math.abs(v) > MAX_BOX_COORD) return false;
  return b[2] > b[0] && b[3] > b[1];
}

/**
 * The detection as the tracker may use it, or null: its box sane and its score a finite number in
 * [0, 1]. An appearance signature holding anything but finite numbers is dropped (the detection stays).
 */
export function admitDetection<D extends { box: Box; score: number; appearance?: ArrayLike<number> | null }>(d: D): D | null {
  if (!d || !isSaneBox(d.box) || typeof d.score !== "number" || !Number.isFinite(d.score) || d.score < 0 || d.score > 1) return null;
  const a = d.appearance;
  if (a) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (typeof v !== "number" || !Number.isFinite(v)) return { ...d, appearance: null };
    }
  }
  return d;
}
