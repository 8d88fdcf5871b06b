/**
 * Tracking metrics on labelled frames (pure): identity switches (CLEAR-MOT) and IDF1
 * (Ristani et al. 2016), with boxes matched at IoU >= 0.5.
 */
import { assign } from "./assign.js";
import { iou, type Box } from "./box.js";

export interface IdBox {
  id: string | number;
  box: Box;
}
export interface MotFrame {
  truth: IdBox[];
  hyp: IdBox[];
}

export interface MotReport {
  frames: number;
  truths: number;
  /** Per-frame matches (CLEAR-MOT matching, keeping last frame's pairs when still valid). */
  matches: number;
  misses: number;
  falsePositives: number;
  idSwitches: number;
  mota: number;
  idf1: number;
  idp: number;
  idr: number;
}

/** A labelled person: `ignore` marks one mostly hidden or cut by the frame edge ("don't care"). */
export interface LabelledBox extends IdBox {
  ignore?: boolean;
}

/**
 * Metric frames from labelled frames and the tracker's boxes per frame: ignored people leave the
 * truth, and so does any hypothesis on one of them (IoU >= `minIou`), which then counts neither
 * as a hit nor as a false positive.
 */
export function labelledFrames(
  labels: readonly { frame: number; persons: readonly LabelledBox[] }[],
  hyps: ReadonlyMap<number, readonly IdBox[]>,
  minIou = 0.5,
): MotFrame[] {
  return labels.map((f) => {
    const ignored = f.persons.filter((p) => p.ignore);
    return {
      truth: f.persons.filter((p) => !p.ignore).map((p) => ({ id: p.id, box: p.box })),
      hyp: (hyps.get(f.frame) ?? []).filter((h) => !ignored.some((p) => iou(p.box, h.box) >= minIou)),
    };
  });
}

export function motMetrics(frames: readonly MotFrame[], minIou = 0.5): MotReport {
  const key = (v: string | number) => String(v);
  let matches = 0,
    misses = 0,
    fps = 0,
    switches = 0,
    truths = 0;
  const lastHypOf = new Map<string, string>();
  const prevPairs = new Map<string, string>();
  // Co-occurrence counts for IDF1: truth id x hyp id -> frames matched at IoU >= minIou.
  const truthFrames = new Map<string, number>();
  const hypFrames = new Map<string, number>();
  const pairFrames = new Map<string, Map<string, number>>();
  for (const f of frames) {
    truths += f.truth.length;
    for (const t of f.truth) truthFrames.set(key(t.id), (truthFrames.get(key(t.id)) ?? 0) + 1);
    for (const h of f.hyp) hypFrames.set(key(h.id), (hypFrames.get(key(h.id)) ?? 0) + 1);
    for (const t of f.truth) {
      for (const h of f.hyp) {
        if (iou(t.box, h.box) < minIou) continue;
        const m = pairFrames.get(key(t.id)) ?? new Map<string, number>();
        m.set(key(h.id), (m.get(key(h.id)) ?? 0) + 1);
        pairFrames.set(key(t.id), m);
      }
    }
    // CLEAR-MOT: keep last frame's correspondences that still overlap, then assign the rest.
    const usedT = new Set<number>(),
      usedH = new Set<number>();
    const framePairs: [number, number][] = [];
    f.truth.forEach((t, ti) => {
      const prevH = prevPairs.get(key(t.id));
      if (prevH === undefined) return;
      const hi = f.hyp.findIndex((h, k) => !usedH.has(k) && key(h.id) === prevH);
      if (hi >= 0 && iou(t.box, f.hyp[hi]!.box) >= minIou) {
        usedT.add(ti);
        usedH.add(hi);
        framePairs.push([ti, hi]);
      }
    });
    const tLeft = f.truth.map((_, i) => i).filter((i) => !usedT.has(i));
    const hLeft = f.hyp.map((_, i) => i).filter((i) => !usedH.has(i));
    const cost = tLeft.map((ti) => hLeft.map((hi) => 1 - iou(f.truth[ti]!.box, f.hyp[hi]!.box)));
    const res = assign(cost, tLeft.length, hLeft.length, 1 - minIou);
    for (const [r, c] of res.matches) framePairs.push([tLeft[r]!, hLeft[c]!]);
    prevPairs.clear();
    for (const [ti, hi] of framePairs) {
      const t = key(f.truth[ti]!.id),
        h = key(f.hyp[hi]!.id);
      const last = lastHypOf.get(t);
      if (last !== undefined && last !== h) switches++;
      lastHypOf.set(t, h);
      prevPairs.set(t, h);
    }
    matches += framePairs.length;
    misses += f.truth.length - framePairs.length;
    fps += f.hyp.length - framePairs.length;
  }
  // IDF1: one-to-one truth<->hyp identity assignment maximising frames in agreement.
  const tIds = [...truthFrames.keys()],
    hIds = [...hypFrames.keys()];
  const cost = tIds.map((t) => hIds.map((h) => -(pairFrames.get(t)?.get(h) ?? 0)));
  const res = assign(cost, tIds.length, hIds.length, 0);
  const idtp = res.matches.reduce((s, [r, c]) => s - cost[r]![c]!, 0);
  const totalT = [...truthFrames.values()].reduce((a, b) => a + b, 0);
  const totalH = [...hypFrames.values()].reduce((a, b) => a + b, 0);
  const idf1 = totalT + totalH === 0 ? 1 : (2 * idtp) / (totalT + totalH);
  return {
    frames: frames.length,
    truths,
    matches,
    misses,
    falsePositives: fps,
    idSwitches: switches,
    mota: truths === 0 ? 1 : 1 - (misses + fps + switches) / truths,
    idf1,
    idp: totalH === 0 ? 1 : idtp / totalH,
    idr: totalT === 0 ? 1 : idtp / totalT,
  };
}
