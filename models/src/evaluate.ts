/** Run a detector over labelled frames: precision/recall at IoU 0.5 per score threshold, and fps. */
import { matchFrame, precisionRecall, sumCounts, type MatchCounts } from "./metrics.js";
import type { LabelSet } from "./labels.js";
import type { Person, PersonDetector, RgbFrame } from "./types.js";

export interface ThresholdFigures extends MatchCounts {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
}
export interface EvalReport {
  frames: number;
  truths: number;
  backend: string;
  /** Frames per second through `detect`, frames submitted concurrently (the pool's throughput). */
  fps: number;
  byThreshold: ThresholdFigures[];
}

export async function evaluate(
  detector: PersonDetector,
  labels: LabelSet,
  frames: ReadonlyMap<number, RgbFrame>,
  opts: { thresholds?: number[]; minIou?: number; now?: () => number } = {},
): Promise<EvalReport & { predictions: Map<number, Person[]> }> {
  const now = opts.now ?? (() => performance.now());
  const thresholds = opts.thresholds ?? [0.2, 0.25, 0.3, 0.35, 0.4, 0.5];
  const t0 = now();
  const results = await Promise.all(
    labels.frames.map(async (f) => {
      const frame = frames.get(f.frame);
      if (!frame) throw new Error(`frame ${f.frame} was not decoded`);
      return [f.frame, await detector.detect(frame)] as const;
    }),
  );
  const seconds = (now() - t0) / 1000;
  const predictions = new Map(results);
  const inRoi = (p: Person) =>
    !labels.roi || (p.foot[0] >= labels.roi[0] && p.foot[0] <= labels.roi[2] && p.foot[1] >= labels.roi[1] && p.foot[1] <= labels.roi[3]);
  const byThreshold = thresholds.map((threshold) => {
    const counts = sumCounts(
      labels.frames.map((f) =>
        matchFrame(
          (predictions.get(f.frame) ?? []).filter((p) => p.score >= threshold && inRoi(p)),
          f.persons,
          opts.minIou ?? 0.5,
        ),
      ),
    );
    return { threshold, ...counts, ...precisionRecall(counts) };
  });
  return {
    frames: labels.frames.length,
    truths: labels.frames.reduce((n, f) => n + f.persons.filter((p) => !p.ignore).length, 0),
    backend: detector.backend,
    fps: labels.frames.length / seconds,
    byThreshold,
    predictions,
  };
}
