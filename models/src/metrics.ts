/** Detection metrics at an IoU threshold (pure). */
import { iou } from "./boxes.js";
import type { Box } from "./types.js";

export interface TruthBox {
  box: Box;
  /** Hard cases (heavily occluded, cut by the frame edge, tiny): neither missed nor a false positive. */
  ignore?: boolean;
}
export interface ScoredBox {
  box: Box;
  score: number;
}
export interface MatchCounts {
  tp: number;
  fp: number;
  fn: number;
}

/**
 * Greedy matching by descending score (the COCO/VOC way): each prediction takes the unmatched
 * truth of highest IoU >= `minIou`. A prediction matched to an `ignore` truth counts as nothing;
 * so does an unmatched `ignore` truth.
 */
export function matchFrame(preds: readonly ScoredBox[], truths: readonly TruthBox[], minIou = 0.5): MatchCounts {
  const used = new Array<boolean>(truths.length).fill(false);
  let tp = 0,
    fp = 0;
  for (const p of [...preds].sort((a, b) => b.score - a.score)) {
    let best = -1,
      bestIou = minIou;
    // Prefer real truths; fall back to ignore ones.
    for (const pass of [false, true]) {
      truths.forEach((t, i) => {
        if (used[i] || Boolean(t.ignore) !== pass) return;
        const v = iou(p.box, t.box);
        if (v >= bestIou) {
          bestIou = v;
          best = i;
        }
      });
      if (best >= 0) break;
    }
    if (best < 0) fp++;
    else {
      used[best] = true;
      if (!truths[best]!.ignore) tp++;
    }
  }
  const fn = truths.filter((t, i) => !t.ignore && !used[i]).length;
  return { tp, fp, fn };
}

export function sumCounts(all: readonly MatchCounts[]): MatchCounts {
  return all.reduce((s, c) => ({ tp: s.tp + c.tp, fp: s.fp + c.fp, fn: s.fn + c.fn }), { tp: 0, fp: 0, fn: 0 });
}

export function precisionRecall(c: MatchCounts): { precision: number; recall: number; f1: number } {
  const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}
