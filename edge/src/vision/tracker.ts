/**
 * A multi-object tracker in the spirit of ByteTrack (Zhang et al. 2022) on SORT's Kalman motion
 * model: pure (plain data in, plain data out, no clock), so it is property-tested directly.
 *
 * Each step with detections:
 * 1. every track is predicted `dt` frames ahead;
 * 2. confirmed and lost tracks are matched to high-score detections (Hungarian on 1 - IoU);
 * 3. confirmed tracks still unmatched get a second chance with the low-score detections (a person
 *    half hidden behind another scores low, and this keeps the track);
 * 4. tentative tracks are matched with the high-score detections left;
 * 5. confident detections left start tentative tracks, confirmed after `minHits` matches;
 *    unmatched confirmed tracks become lost and are kept `maxLost` frames for re-identification.
 * A step without detections (`null`) only predicts: the frames between detector runs.
 * Ids are integers from 1 that are never reused.
 */
import { assign } from "./assign.js";
import { fromBox, initState, predict, toBox, update, type BoxState } from "./kalman.js";

export type Box = readonly [x1: number, y1: number, x2: number, y2: number];
export interface Detection {
  box: Box;
  score: number;
}

export interface TrackerOptions {
  /** Detections at or above this score are "high" (first pass, and may start tracks). */
  highScore: number;
  /** Detections below this are ignored; between low and high they only extend tracks. */
  lowScore: number;
  /** A high detection left unmatched starts a track when it scores at least this. */
  newTrackScore: number;
  /** Least IoU between a predicted track box and a high detection to match them. */
  matchIou: number;
  /** Least IoU for the low-score second pass. */
  lowMatchIou: number;
  /** Least IoU for tentative tracks. */
  tentativeIou: number;
  /** Detector matches before a track is confirmed and reported. */
  minHits: number;
  /** Frames a lost track is kept before it is dropped for good. */
  maxLost: number;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  highScore: 0.35,
  lowScore: 0.1,
  newTrackScore: 0.45,
  matchIou: 0.2,
  lowMatchIou: 0.4,
  tentativeIou: 0.3,
  minHits: 2,
  maxLost: 30,
};

type Status = "tentative" | "tracked" | "lost";
export interface Track {
  readonly id: number;
  readonly kf: BoxState;
  readonly score: number;
  readonly hits: number;
  readonly status: Status;
  /** Frames since the last detector match. */
  readonly sinceUpdate: number;
}
export interface TrackerState {
  readonly nextId: number;
  readonly tracks: readonly Track[];
}

/** A confirmed, currently tracked target as reported after a step. */
export interface TrackView {
  id: number;
  box: [number, number, number, number];
  /** Bottom centre of the box: where the person stands, in image pixels. */
  foot: [number, number];
  score: number;
  /** Index of the input detection that updated it in this step, or null (predicted only). */
  detection: number | null;
  sinceUpdate: number;
  /** Velocity of the box centre in pixels per frame. */
  velocity: [number, number];
}
export interface StepResult {
  state: TrackerState;
  /** Confirmed tracks currently tracked (not lost), by ascending id. */
  active: TrackView[];
  /** Ids dropped for good in this step (never to come back). */
  removed: number[];
}

export function initTracker(): TrackerState {
  return { nextId: 1, tracks: [] };
}

function iou(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
}

/** Advance the tracker by `dt` frames, with the detector's output for the new frame or `null`. */
export function stepTracker(state: TrackerState, detections: readonly Detection[] | null, options: Partial<TrackerOptions> = {}, dt = 1): StepResult {
  const o = { ...DEFAULT_TRACKER_OPTIONS, ...options };
  let tracks: Track[] = state.tracks.map((t) => ({ ...t, kf: predict(t.kf, dt), sinceUpdate: t.sinceUpdate + dt }));
  let nextId = state.nextId;
  const matchedDet = new Map<number, number>(); // track id -> detection index
  const removed: number[] = [];

  if (detections) {
    const valid = detections.map((d, i) => ({ d, i })).filter(({ d }) => d.score >= o.lowScore && d.box[2] > d.box[0] && d.box[3] > d.box[1]);
    const high = valid.filter(({ d }) => d.score >= o.highScore);
    const low = valid.filter(({ d }) => d.score < o.highScore);
    const boxes = new Map(tracks.map((t) => [t.id, toBox(t.kf)] as const));
    const byId = new Map(tracks.map((t) => [t.id, t] as const));
    const apply = (t: Track, det: { d: Detection; i: number }, status: Status): void => {
      const hits = t.hits + 1;
      byId.set(t.id, { ...t, kf: update(t.kf, fromBox(det.d.box as [number, number, number, number])), score: det.d.score, hits, status, sinceUpdate: 0 });
      matchedDet.set(t.id, det.i);
    };
    const pass = (ts: Track[], dets: { d: Detection; i: number }[], minIou: number) => {
      const cost = ts.map((t) => dets.map(({ d }) => 1 - iou(boxes.get(t.id)!, d.box)));
      return assign(cost, ts.length, dets.length, 1 - minIou);
    };

    // 1. confirmed + lost vs high
    const pool = tracks.filter((t) => t.status !== "tentative");
    const first = pass(pool, high, o.matchIou);
    for (const [r, c] of first.matches) apply(pool[r]!, high[c]!, "tracked");
    // 2. confirmed still unmatched vs low
    const second = pool.filter((_, r) => first.unmatchedRows.includes(r) && pool[r]!.status === "tracked");
    const secondRes = pass(second, low, o.lowMatchIou);
    for (const [r, c] of secondRes.matches) apply(second[r]!, low[c]!, "tracked");
    for (const r of secondRes.unmatchedRows) byId.set(second[r]!.id, { ...byId.get(second[r]!.id)!, status: "lost" });
    // 3. tentative vs high left
    const highLeft = first.unmatchedCols.map((c) => high[c]!);
    const tentative = tracks.filter((t) => t.status === "tentative");
    const third = pass(tentative, highLeft, o.tentativeIou);
    for (const [r, c] of third.matches) {
      const t = tentative[r]!;
      apply(t, highLeft[c]!, t.hits + 1 >= o.minHits ? "tracked" : "tentative");
    }
    const failedTentative = new Set(third.unmatchedRows.map((r) => tentative[r]!.id));
    tracks = [...byId.values()].filter((t) => !failedTentative.has(t.id));
    // 4. new tracks
    for (const c of third.unmatchedCols) {
      const det = highLeft[c]!;
      if (det.d.score < o.newTrackScore) continue;
      const id = nextId++;
      tracks.push({
        id,
        kf: initState(fromBox(det.d.box as [number, number, number, number])),
        score: det.d.score,
        hits: 1,
        status: o.minHits <= 1 ? "tracked" : "tentative",
        sinceUpdate: 0,
      });
      matchedDet.set(id, det.i);
    }
    removed.push(...failedTentative);
  }
  // Lost for too long: gone for good.
  const kept: Track[] = [];
  for (const t of tracks) {
    if (t.status === "lost" && t.sinceUpdate > o.maxLost) removed.push(t.id);
    else kept.push(t);
  }
  kept.sort((a, b) => a.id - b.id);
  const active: TrackView[] = kept
    .filter((t) => t.status === "tracked")
    .map((t) => {
      const box = toBox(t.kf);
      return {
        id: t.id,
        box,
        foot: [(box[0] + box[2]) / 2, box[3]],
        score: t.score,
        detection: matchedDet.get(t.id) ?? null,
        sinceUpdate: t.sinceUpdate,
        velocity: [t.kf[0].v, t.kf[1].v],
      };
    });
  return { state: { nextId, tracks: kept }, active, removed: removed.sort((a, b) => a - b) };
}
