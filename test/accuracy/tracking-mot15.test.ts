/**
 * Regression guard for the tracker on public data (issue 18): MOT15's TUD-Campus and TUD-Stadtmitte
 * with SORT's public Faster R-CNN detections and the MOTChallenge ground truth, read from
 * ../shared/benchmarks/mot15 beside the clone. The tracker with its defaults (and that detector's
 * score thresholds) must keep the figures it reached: at least SORT's MOTA and SORT's IDF1 + 5
 * points on both, and no sequence or the pool of all eleven below the floors measured when this
 * was written. `npm run bench:tracking` prints the full table.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateMotSequence, parseMotRows } from "../../edge/src/vision/motchallenge.js";
import type { MotReport } from "../../edge/src/vision/motmetrics.js";
import { DETECTOR_SCORES } from "../../edge/src/vision/scores.js";
import { REPO_ROOT } from "../support/paths.js";

const DIR = resolve(REPO_ROOT, "../shared/benchmarks/mot15");

/** SORT on the same detections (../shared/benchmarks/mot15/README.md) and the floors this tracker reached (MOTA, IDF1). */
const SEQUENCES = {
  "TUD-Campus": { sort: { mota: 0.627, idf1: 0.606 }, floor: { mota: 0.635, idf1: 0.767 } },
  "TUD-Stadtmitte": { sort: { mota: 0.717, idf1: 0.735 }, floor: { mota: 0.724, idf1: 0.791 } },
} as const;
const OTHERS = ["ADL-Rundle-6", "ADL-Rundle-8", "ETH-Bahnhof", "ETH-Pedcross2", "ETH-Sunnyday", "KITTI-13", "KITTI-17", "PETS09-S2L1", "Venice-2"];
/** All eleven pooled (counts summed), measured with the defaults: MOTA 39.7, IDF1 50.5 (SORT: 39.9, 45.9). */
const POOLED_FLOOR = { mota: 0.396, idf1: 0.505 };

function evaluate(name: string): MotReport {
  if (!existsSync(DIR))
    throw new Error(
      `${DIR} is missing: this test needs the MOT15 files of ../shared/benchmarks/mot15 beside the clone (see that folder's README for where each file comes from)`,
    );
  const read = (kind: "det" | "gt") => {
    const file = join(DIR, name, kind, `${kind}.txt`);
    if (!existsSync(file)) throw new Error(`${file} is missing: ../shared/benchmarks/mot15 is incomplete`);
    return parseMotRows(readFileSync(file, "utf8"), file);
  };
  return evaluateMotSequence(read("det"), read("gt"), DETECTOR_SCORES["frcnn-mot15"]);
}

describe("the tracker on MOT15 public detections", () => {
  for (const [name, { sort, floor }] of Object.entries(SEQUENCES)) {
    it(`${name}: MOTA at least SORT's and IDF1 at least SORT's + 5 points, neither below what it reached`, () => {
      const r = evaluate(name);
      const figures = JSON.stringify({ mota: r.mota, idf1: r.idf1, idSwitches: r.idSwitches, fp: r.falsePositives, fn: r.misses });
      expect(r.mota, figures).toBeGreaterThanOrEqual(sort.mota);
      expect(r.idf1, figures).toBeGreaterThanOrEqual(sort.idf1 + 0.05);
      expect(r.mota, figures).toBeGreaterThanOrEqual(floor.mota);
      expect(r.idf1, figures).toBeGreaterThanOrEqual(floor.idf1);
    });
  }

  it("keeps the pool of all eleven train sequences at least where it was (MOTA 39.7, IDF1 50.5)", () => {
    let truths = 0,
      hyps = 0,
      idtp = 0,
      errors = 0;
    for (const name of [...Object.keys(SEQUENCES), ...OTHERS]) {
      const r = evaluate(name);
      truths += r.truths;
      hyps += r.matches + r.falsePositives;
      idtp += r.idr * r.truths;
      errors += r.misses + r.falsePositives + r.idSwitches;
    }
    const pooled = { mota: 1 - errors / truths, idf1: (2 * idtp) / (truths + hyps) };
    expect(pooled.mota, JSON.stringify(pooled)).toBeGreaterThanOrEqual(POOLED_FLOOR.mota);
    expect(pooled.idf1, JSON.stringify(pooled)).toBeGreaterThanOrEqual(POOLED_FLOOR.idf1);
  });
});
