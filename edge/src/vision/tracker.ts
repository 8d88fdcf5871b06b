/**
 * A multi-object tracker in the spirit of ByteTrack (Zhang et al. 2022) on SORT's Kalman motion
 * model, with a light appearance cue as in DeepSORT and BoT-SORT: pure (plain data in, plain data
 * out, no clock), so it is property-tested directly.
 *
 * Each step with detections:
 * 1. every track is predicted `dt` frames ahead;
 * 2. confirmed and lost tracks are matched to high-score detections (optimal assignment on
 *    1 - IoU, plus the colour-signature distance when both sides have one: a pair that looks
 *    clearly different needs a far greater overlap to match);
 * 3. confirmed tracks still unmatched get a second chance with the low-score detections (a person
 *    half hidden behind another scores low, and this keeps the track);
 * 4. lost tracks take high detections left by look alone, near where they were heading (someone
 *    coming out from behind another person off their predicted path);
 * 5. tentative tracks are matched with the high-score detections left;
 * 6. confident detections left start tentative tracks, confirmed after `minHits` matches (on the
 *    first frame with detections they are confirmed at once, as ByteTrack does: nothing came
 *    before to check them against); unmatched confirmed tracks become lost and are kept `maxLost`
 *    frames for re-identification.
 * The score thresholds depend on the detector (scores.ts); the defaults are CenterNet's.
 * A step without detections (`null`) only predicts: the frames between detector runs.
 * Ids are integers from 1 that are never reused.
 */
import { admitDetection } from "./admit.js";
import { assign } from "./assign.js";
import { iou, type Box } from "./box.js";
import { appearanceDistance, blendAppearance, type Appearance } from "./appearance.js";
import { fromBox, initState, predict, toBox, update, type BoxState } from "./kalman.js";
import { DETECTOR_SCORES, type ScoreThresholds } from "./scores.js";

export interface Detection {
  box: Box;
  score: number;
  /** The person's colour signature (see appearance.ts), when the caller has the frame. */
  appearance?: Appearance | null;
}

export interface TrackerOptions extends ScoreThresholds {
  /** Least IoU between a predicted track box and a high detection to match them. */
  matchIou: number;
  /** Least IoU for the low-score second pass. */
  lowMatchIou: number;
  /** Least IoU for tentative tracks. */
  tentativeIou: number;
  /** Detector matches before a track is confirmed and reported. */
  minHits: number;
  /** Tracks started on the first frame with detections are confirmed at once. */
  confirmAtStart: boolean;
  /** Frames a lost track is kept before it is dropped for good. */
  maxLost: number;
  /** A detection overlapping another track's prediction this much (IoU) does not update the look of the track it matched. */
  crowdIou: number;
  /**
   * Weight of appearance in a pair's cost: `1 - IoU + weight * (distance - sameLook)`. Pairs that
   * look alike get cheaper, pairs that look different dearer; without signatures the cost is
   * `1 - IoU`, and the limit is `1 - minIou` either way, so the cue never biases towards more matches.
   */
  appearanceWeight: number;
  /** Appearance distance typical of one person seen again a moment later (the neutral point). */
  sameLook: number;
  /** A lost track takes an unmatched detection by look alone when they differ by at most this (0: never). */
  reidGate: number;
  /** ... and the detection is within this many box heights of the track's predicted place. */
  reidRadius: number;
  /** How far a track's signature moves towards each clean detection it matches (0..1). */
  appearanceRate: number;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  ...DETECTOR_SCORES.centernet,
  matchIou: 0.2,
  lowMatchIou: 0.4,
  tentativeIou: 0.3,
  minHits: 3,
  confirmAtStart: true,
  // The one lost-track horizon: the camera source's `maxLostFrames` defaults to it too.
  maxLost: 30,
  crowdIou: 0.3,
  appearanceWeight: 1,
  sameLook: 0.1,
  reidGate: 0.1,
  reidRadius: 1,
  appearanceRate: 0.1,
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
  /** Running colour signature, from detections that did not overlap another person. */
  readonly appearance: Appearance | null;
}
export interface TrackerState {
  readonly nextId: number;
  readonly tracks: readonly Track[];
  /** Steps with detections so far. */
  readonly detectedFrames: number;
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
  return { nextId: 1, tracks: [], detectedFrames: 0 };
}

/**
 * The cost of giving a lost track a detection by look: its appearance distance, when the
 * detection is about the track's size and within `reidRadius` box heights of where the track
 * was predicted; else Infinity.
 */
function reidCost(t: Track, predicted: Box, d: Detection, o: TrackerOptions): number {
  if (!t.appearance || !d.appearance) return Infinity;
  const h = predicted[3] - predicted[1];
  const dh = d.box[3] - d.box[1];
  if (dh < h * 0.7 || dh > h / 0.7) return Infinity;
  const dx = (d.box[0] + d.box[2] - predicted[0] - predicted[2]) / 2;
  const dy = (d.box[1] + d.box[3] - predicted[1] - predicted[3]) / 2;
  if (Math.hypot(dx, dy) > o.reidRadius * h) return Infinity;
  return appearanceDistance(t.appearance, d.appearance);
}

/** Advance the tracker by `dt` frames, with the detector's output for the new frame or `null`. */
export function stepTracker(state: TrackerState, detections: readonly Detection[] | null, options: Partial<TrackerOptions> = {}, dt = 1): StepResult {
  const o = { ...DEFAULT_TRACKER_OPTIONS, ...options };
  let tracks: Track[] = state.tracks.map((t) => ({ ...t, kf: predict(t.kf, dt), sinceUpdate: t.sinceUpdate + dt }));
  let nextId = state.nextId;
  const matchedDet = new Map<number, number>(); // track id -> detection index
  const removed: number[] = [];

  if (detections) {
    // The door: non-finite or absurd boxes and scores never reach the arithmetic (admit.ts).
    const valid = detections.flatMap((raw, i) => {
      const d = admitDetection(raw);
      return d && d.score >= o.lowScore ? [{ d, i }] : [];
    });
    const high = valid.filter(({ d }) => d.score >= o.highScore);
    const low = valid.filter(({ d }) => d.score < o.highScore);
    const boxes = new Map(tracks.map((t) => [t.id, toBox(t.kf)] as const));
    const byId = new Map(tracks.map((t) => [t.id, t] as const));
    // A detection overlapping another track's prediction shows part of that person too: its
    // colours would blur the matched track's signature.
    const crowded = (t: Track, d: Detection): boolean =>
      tracks.some((o2) => o2.id !== t.id && o2.status !== "tentative" && iou(boxes.get(o2.id)!, d.box) >= o.crowdIou);
    const apply = (t: Track, det: { d: Detection; i: number }, status: Status): void => {
      const hits = t.hits + 1;
      const look = det.d.appearance && !crowded(t, det.d) ? blendAppearance(t.appearance, det.d.appearance, o.appearanceRate) : t.appearance;
      byId.set(t.id, {
        ...t,
        kf: update(t.kf, fromBox(det.d.box as [number, number, number, number])),
        score: det.d.score,
        hits,
        status,
        sinceUpdate: 0,
        appearance: look,
      });
      matchedDet.set(t.id, det.i);
    };
    const pairCost = (t: Track, d: Detection, minIou: number): number => {
      const overlap = iou(boxes.get(t.id)!, d.box);
      if (overlap < minIou) return Infinity;
      if (!t.appearance || !d.appearance) return 1 - overlap;
      return 1 - overlap + o.appearanceWeight * (appearanceDistance(t.appearance, d.appearance) - o.sameLook);
    };
    const pass = (ts: Track[], dets: { d: Detection; i: number }[], minIou: number) => {
      const cost = ts.map((t) => dets.map(({ d }) => pairCost(t, d, minIou)));
      return assign(cost, ts.length, dets.length, 1 - minIou);
    };

    // 2. confirmed + lost vs high
    const pool = tracks.filter((t) => t.status !== "tentative");
    const first = pass(pool, high, o.matchIou);
    for (const [r, c] of first.matches) apply(pool[r]!, high[c]!, "tracked");
    // 3. confirmed still unmatched vs low
    const second = pool.filter((_, r) => first.unmatchedRows.includes(r) && pool[r]!.status === "tracked");
    const secondRes = pass(second, low, o.lowMatchIou);
    for (const [r, c] of secondRes.matches) apply(second[r]!, low[c]!, "tracked");
    for (const r of secondRes.unmatchedRows) byId.set(second[r]!.id, { ...byId.get(second[r]!.id)!, status: "lost" });
    // 4. lost tracks vs high detections left, by look alone near where the track was heading:
    // someone who came out from behind another person somewhere their box no longer overlaps.
    let highLeft = first.unmatchedCols.map((c) => high[c]!);
    const lostLeft = pool.filter((t, r) => first.unmatchedRows.includes(r) && t.status === "lost" && t.appearance);
    if (o.reidGate > 0 && lostLeft.length > 0 && highLeft.length > 0) {
      const cost = lostLeft.map((t) => highLeft.map(({ d }) => reidCost(t, boxes.get(t.id)!, d, o)));
      const reid = assign(cost, lostLeft.length, highLeft.length, o.reidGate);
      for (const [r, c] of reid.matches) apply(lostLeft[r]!, highLeft[c]!, "tracked");
      highLeft = reid.unmatchedCols.map((c) => highLeft[c]!);
    }
    // 5. tentative vs high left
    const tentative = tracks.filter((t) => t.status === "tentative");
    const third = pass(tentative, highLeft, o.tentativeIou);
    for (const [r, c] of third.matches) {
      const t = tentative[r]!;
      apply(t, highLeft[c]!, t.hits + 1 >= o.minHits ? "tracked" : "tentative");
    }
    const failedTentative = new Set(third.unmatchedRows.map((r) => tentative[r]!.id));
    tracks = [...byId.values()].filter((t) => !failedTentative.has(t.id));
    // 6. new tracks
    for (const c of third.unmatchedCols) {
      const det = highLeft[c]!;
      if (det.d.score < o.newTrackScore) continue;
      const id = nextId++;
      tracks.push({
        id,
        kf: initState(fromBox(det.d.box as [number, number, number, number])),
        score: det.d.score,
        hits: 1,
        status: o.minHits <= 1 || (o.confirmAtStart && state.detectedFrames === 0) ? "tracked" : "tentative",
        sinceUpdate: 0,
        appearance: det.d.appearance ?? null,
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
  return { state: { nextId, tracks: kept, detectedFrames: state.detectedFrames + (detections ? 1 : 0) }, active, removed: removed.sort((a, b) => a - b) };
}
