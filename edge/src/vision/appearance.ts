/**
 * A person's look as a small colour signature (pure): joint RGB histograms of the torso and of the
 * legs, from inside the detection box. Enough to tell a red jacket from a black coat when two
 * people cross and their boxes overlap, where box overlap alone cannot say who is who. It is a
 * handful of numbers per detection, kept in memory for the seconds a track lives and never
 * published, stored or tied to anything outside the camera process.
 */

/** Bins per colour channel; the histogram of one part has BINS³ cells. */
const BINS = 4;
const CELLS = BINS * BINS * BINS;
/** Body parts as fractions of the box height: torso (below the head) and legs (above the feet). */
const PARTS: readonly (readonly [top: number, bottom: number])[] = [
  [0.15, 0.5],
  [0.5, 0.9],
];
/** Fraction of the box width kept, centred (the edges are mostly background). */
const KEEP_WIDTH = 0.6;
/** Pixels sampled per part at most (stride grows with the box): bounds the cost of big boxes. */
const MAX_SAMPLES = 400;

export type Appearance = Float32Array;

export interface RgbImage {
  width: number;
  height: number;
  /** Packed RGB, 3 bytes per pixel, row after row. */
  data: Uint8Array;
}

/** The colour signature of the person in `box` (pixels), or null when the box is too small to say. */
export function appearanceOf(img: RgbImage, box: readonly [number, number, number, number]): Appearance | null {
  const w = box[2] - box[0];
  const h = box[3] - box[1];
  if (w < 4 || h < 8) return null;
  const x0 = clamp(Math.round(box[0] + (w * (1 - KEEP_WIDTH)) / 2), 0, img.width - 1);
  const x1 = clamp(Math.round(box[2] - (w * (1 - KEEP_WIDTH)) / 2), 0, img.width - 1);
  const out = new Float32Array(PARTS.length * CELLS);
  for (let p = 0; p < PARTS.length; p++) {
    const [top, bottom] = PARTS[p]!;
    const y0 = clamp(Math.round(box[1] + top * h), 0, img.height - 1);
    const y1 = clamp(Math.round(box[1] + bottom * h), 0, img.height - 1);
    const area = (x1 - x0 + 1) * (y1 - y0 + 1);
    const stride = Math.max(1, Math.round(Math.sqrt(area / MAX_SAMPLES)));
    let n = 0;
    for (let y = y0; y <= y1; y += stride) {
      for (let x = x0; x <= x1; x += stride) {
        const i = (y * img.width + x) * 3;
        const cell = ((img.data[i]! * BINS) >> 8) * BINS * BINS + ((img.data[i + 1]! * BINS) >> 8) * BINS + ((img.data[i + 2]! * BINS) >> 8);
        out[p * CELLS + cell]! += 1;
        n++;
      }
    }
    if (n > 0) for (let c = 0; c < CELLS; c++) out[p * CELLS + c]! /= n;
  }
  return out;
}

/**
 * How different two signatures look, in [0, 1]: one minus the Bhattacharyya coefficient,
 * averaged over the body parts. 0 for the same colours, 1 for colours with nothing in common.
 */
export function appearanceDistance(a: Appearance, b: Appearance): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.sqrt(a[i]! * b[i]!);
  return clamp(1 - sum / PARTS.length, 0, 1);
}

/** A track's running signature: the old one moved `rate` of the way towards the new one. */
export function blendAppearance(old: Appearance | null, next: Appearance, rate: number): Appearance {
  if (!old) return next;
  const out = new Float32Array(old.length);
  for (let i = 0; i < old.length; i++) out[i] = old[i]! * (1 - rate) + next[i]! * rate;
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
