/**
 * Score thresholds of the tracker, set per detector. A detector's score is not a probability that
 * carries over to another detector: the project's CenterNet gives a clearly seen person about 0.57
 * (median of the detections its tracks took on vtest.avi) and tops out near 0.8, while the Faster
 * R-CNN detections SORT ships for MOT15 give one about 0.99 and nothing below 0.5. One set of fixed
 * numbers would put every Faster R-CNN detection in the "high" class, and the low-score pass for
 * half-hidden people would never run. So the thresholds live here, one row per detector, each
 * measured on that detector's output (BENCHMARKS.md, "Tracking on public data").
 */
export interface ScoreThresholds {
  /** Detections below this are ignored; between low and high they only extend tracks. */
  lowScore: number;
  /** Detections at or above this are "high" (first pass, and may start tracks). */
  highScore: number;
  /** A high detection left unmatched starts a track when it scores at least this. */
  newTrackScore: number;
}

export const DETECTOR_SCORES = {
  /**
   * models/'s CenterNet (the camera source's detector), with its `minScore` 0.1: about 0.35 of a
   * typical person's 0.57 sorts a half-hidden person out of the clear ones; a track starts only
   * at 0.45, which keeps out one-frame look-alikes (a new track from 0.35 costs IDF1 0.99 -> 0.86
   * on vtest.avi's labelled stretch).
   */
  centernet: { lowScore: 0.1, highScore: 0.35, newTrackScore: 0.45 },
  /**
   * The Faster R-CNN public detections of MOT15 as shipped by SORT (scores 0.5-1): the ones under
   * 0.6 are the uncertain class, which only extends tracks. Over the 11 train sequences, 73 % of
   * them overlap no person (IoU < 0.5) against 28 % of all its detections; they hold 2 % of its true
   * detections and 13 % of its false ones.
   */
  "frcnn-mot15": { lowScore: 0.5, highScore: 0.6, newTrackScore: 0.6 },
} as const satisfies Record<string, ScoreThresholds>;

export type DetectorName = keyof typeof DETECTOR_SCORES;
