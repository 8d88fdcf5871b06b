/**
 * MOTChallenge sequences (pure: text in, figures out): the `det.txt` / `gt.txt` formats, the
 * tracker run over a sequence's public detections, and the CLEAR-MOT / IDF1 scores of its output
 * against the ground truth, scored the way the MOTChallenge devkit and py-motmetrics do
 * (IoU >= 0.5, ground-truth rows flagged 0 left out). Reading the files is the caller's business.
 */
import type { Box } from "./box.js";
import { motMetrics, type IdBox, type MotFrame, type MotReport } from "./motmetrics.js";
import { initTracker, stepTracker, type Detection, type TrackerOptions } from "./tracker.js";

/** One row of a MOT file: `frame,id,x,y,w,h,conf,...` (boxes from their top-left corner). */
export interface MotRow {
  frame: number;
  id: number;
  box: Box;
  /** Column 7: the detector's score in `det.txt`; in `gt.txt` the flag (0: not scored). */
  conf: number;
}

/** Parse a MOT text file; a bad line throws with its number and what is wrong with it. */
export function parseMotRows(text: string, name = "MOT file"): MotRow[] {
  const rows: MotRow[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const f = line.split(",").map(Number);
    if (f.length < 7 || f.slice(0, 7).some((v) => !Number.isFinite(v)))
      throw new Error(`${name}, line ${i + 1}: expected frame,id,x,y,w,h,conf with numbers, got "${line.slice(0, 80)}"`);
    const [frame, id, x, y, w, h, conf] = f as [number, number, number, number, number, number, number];
    if (!Number.isInteger(frame) || frame < 1) throw new Error(`${name}, line ${i + 1}: frame must be an integer from 1, got ${frame}`);
    if (w <= 0 || h <= 0) throw new Error(`${name}, line ${i + 1}: width and height must be positive, got ${w} x ${h}`);
    rows.push({ frame, id, box: [x, y, x + w, y + h], conf });
  }
  return rows;
}

/** The last frame any row mentions. */
export function lastFrame(...sets: readonly (readonly MotRow[])[]): number {
  let n = 0;
  for (const rows of sets) for (const r of rows) n = Math.max(n, r.frame);
  return n;
}

/**
 * The tracker over every frame 1..`frames` of a sequence, each with all its detections (a frame
 * without any gets an empty list, not a prediction-only step): the confirmed tracks it reports
 * per frame, as the MOTChallenge devkit would read them from a results file.
 */
export function trackMotSequence(detections: readonly MotRow[], frames: number, options: Partial<TrackerOptions> = {}): Map<number, IdBox[]> {
  const byFrame = new Map<number, Detection[]>();
  for (const d of detections) {
    const list = byFrame.get(d.frame) ?? [];
    list.push({ box: d.box, score: d.conf });
    byFrame.set(d.frame, list);
  }
  const out = new Map<number, IdBox[]>();
  let state = initTracker();
  for (let f = 1; f <= frames; f++) {
    const r = stepTracker(state, byFrame.get(f) ?? [], options);
    state = r.state;
    out.set(
      f,
      r.active.map((t) => ({ id: t.id, box: t.box })),
    );
  }
  return out;
}

/** CLEAR-MOT and IDF1 of tracker boxes per frame against the ground truth (rows flagged 0 ignored). */
export function scoreMotSequence(truth: readonly MotRow[], hyps: ReadonlyMap<number, readonly IdBox[]>, frames: number): MotReport {
  const byFrame = new Map<number, IdBox[]>();
  for (const t of truth) {
    if (t.conf === 0) continue;
    const list = byFrame.get(t.frame) ?? [];
    list.push({ id: t.id, box: t.box });
    byFrame.set(t.frame, list);
  }
  const metricFrames: MotFrame[] = [];
  for (let f = 1; f <= frames; f++) metricFrames.push({ truth: byFrame.get(f) ?? [], hyp: [...(hyps.get(f) ?? [])] });
  return motMetrics(metricFrames);
}

/** Track a sequence and score it: what `npm run bench:tracking` prints per sequence. */
export function evaluateMotSequence(detections: readonly MotRow[], truth: readonly MotRow[], options: Partial<TrackerOptions> = {}): MotReport {
  const frames = lastFrame(detections, truth);
  return scoreMotSequence(truth, trackMotSequence(detections, frames, options), frames);
}
