import { describe, expect, it } from "vitest";
import { labelledFrames, motMetrics, type MotFrame } from "./motmetrics.js";

const b = (x: number): [number, number, number, number] => [x, 0, x + 10, 30];

describe("motMetrics", () => {
  it("scores a perfect tracker 1 with no switches", () => {
    const frames: MotFrame[] = [0, 1, 2].map((k) => ({
      truth: [
        { id: "a", box: b(k) },
        { id: "b", box: b(100 + k) },
      ],
      hyp: [
        { id: 7, box: b(k) },
        { id: 9, box: b(100 + k) },
      ],
    }));
    const r = motMetrics(frames);
    expect(r).toMatchObject({ idSwitches: 0, idf1: 1, mota: 1, misses: 0, falsePositives: 0 });
  });
  it("counts an identity switch and lowers IDF1", () => {
    const frames: MotFrame[] = [0, 1, 2, 3].map((k) => ({ truth: [{ id: "a", box: b(k) }], hyp: [{ id: k < 2 ? 1 : 2, box: b(k) }] }));
    const r = motMetrics(frames);
    expect(r.idSwitches).toBe(1);
    expect(r.idf1).toBeCloseTo(0.5);
  });
  it("counts misses and false positives", () => {
    const r = motMetrics([{ truth: [{ id: "a", box: b(0) }], hyp: [{ id: 1, box: b(200) }] }]);
    expect(r).toMatchObject({ misses: 1, falsePositives: 1, matches: 0, idf1: 0 });
  });
  it("leaves ignored people out: a hypothesis on one is neither a hit nor a false positive", () => {
    const labels = [
      {
        frame: 5,
        persons: [
          { id: "a", box: b(0) },
          { id: "hidden", box: b(100), ignore: true },
        ],
      },
    ];
    const hyps = new Map([
      [
        5,
        [
          { id: 1, box: b(0) },
          { id: 2, box: b(101) },
          { id: 3, box: b(300) },
        ],
      ],
    ]);
    const frames = labelledFrames(labels, hyps);
    expect(frames).toEqual([
      {
        truth: [{ id: "a", box: b(0) }],
        hyp: [
          { id: 1, box: b(0) },
          { id: 3, box: b(300) },
        ],
      },
    ]);
    expect(motMetrics(frames)).toMatchObject({ matches: 1, falsePositives: 1, misses: 0 });
    expect(labelledFrames([{ frame: 6, persons: [{ id: "a", box: b(0) }] }], hyps)).toEqual([{ truth: [{ id: "a", box: b(0) }], hyp: [] }]);
  });
});
