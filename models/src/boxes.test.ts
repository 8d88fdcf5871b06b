import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { iou, nms } from "./boxes.js";
import { decodeDetections, clipRoi } from "./centernet.js";
import { matchFrame, precisionRecall } from "./metrics.js";
import type { Box } from "./types.js";

// A fixed seed keeps the suite deterministic; change it (or drop it locally) to explore new cases.
fc.configureGlobal({ seed: 20260601 });

describe("iou", () => {
  it("is 1 for the same box and 0 for disjoint ones", () => {
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(iou([0, 0, 10, 10], [20, 20, 30, 30])).toBe(0);
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(1 / 3);
  });
  it("property: symmetric and within [0, 1]", () => {
    const box = fc
      .tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }))
      .map(([x, y, w, h]): Box => [x, y, x + w, y + h]);
    fc.assert(
      fc.property(box, box, (a, b) => {
        const v = iou(a, b);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
        expect(iou(b, a)).toBeCloseTo(v, 12);
      }),
    );
  });
});

describe("nms", () => {
  it("keeps the stronger of two overlapping boxes and both of two apart", () => {
    const kept = nms(
      [
        { box: [0, 0, 10, 20], score: 0.5 },
        { box: [1, 0, 11, 20], score: 0.9 },
        { box: [50, 0, 60, 20], score: 0.3 },
      ],
      0.5,
    );
    expect(kept.map((k) => k.score)).toEqual([0.9, 0.3]);
  });
  it("drops a box lying inside a stronger one (upper body of the same person)", () => {
    const kept = nms(
      [
        { box: [0, 0, 30, 80], score: 0.8 },
        { box: [2, 0, 28, 35], score: 0.4 },
      ],
      0.5,
      0.85,
    );
    expect(kept).toHaveLength(1);
  });
});

describe("decodeDetections", () => {
  it("keeps persons above the score, maps 512x512 input pixels back to the frame, foot at the bottom centre", () => {
    const raw = [
      [100, 100, 150, 300, 0.8, 0], // person
      [300, 300, 350, 400, 0.9, 2], // car
      [400, 100, 420, 200, 0.05, 0], // too weak
    ].flat();
    const persons = decodeDetections(raw, [0, 0, 768, 576], 512, { minScore: 0.1, nmsIou: 0.5 });
    expect(persons).toHaveLength(1);
    expect(persons[0]!.box).toEqual([150, 112.5, 225, 337.5]);
    expect(persons[0]!.foot).toEqual([187.5, 337.5]);
  });
  it("offsets boxes by the region of interest", () => {
    const persons = decodeDetections([0, 0, 512, 512, 0.9, 0], [100, 50, 356, 306], 512, { minScore: 0.1, nmsIou: 0.5 });
    expect(persons[0]!.box).toEqual([100, 50, 356, 306]);
  });
  it("clips a region of interest to the frame", () => {
    expect(clipRoi([-10, 20.5, 900, 600], 768, 576)).toEqual([0, 20, 768, 576]);
    expect(clipRoi(undefined, 768, 576)).toEqual([0, 0, 768, 576]);
  });
});

describe("matchFrame", () => {
  it("counts true positives, false positives and misses at IoU 0.5", () => {
    const c = matchFrame(
      [
        { box: [0, 0, 10, 20], score: 0.9 },
        { box: [100, 0, 110, 20], score: 0.8 },
      ],
      [{ box: [1, 0, 11, 20] }, { box: [50, 0, 60, 20] }],
    );
    expect(c).toEqual({ tp: 1, fp: 1, fn: 1 });
    expect(precisionRecall(c)).toMatchObject({ precision: 0.5, recall: 0.5 });
  });
  it("lets one truth match one prediction only", () => {
    expect(
      matchFrame(
        [
          { box: [0, 0, 10, 20], score: 0.9 },
          { box: [0, 0, 10, 20], score: 0.8 },
        ],
        [{ box: [0, 0, 10, 20] }],
      ),
    ).toEqual({ tp: 1, fp: 1, fn: 0 });
  });
  it("counts neither a hit nor a miss on an ignored truth", () => {
    expect(
      matchFrame(
        [{ box: [0, 0, 10, 20], score: 0.9 }],
        [
          { box: [0, 0, 10, 20], ignore: true },
          { box: [40, 0, 50, 20], ignore: true },
        ],
      ),
    ).toEqual({ tp: 0, fp: 0, fn: 0 });
  });
});
