import { describe, expect, it } from "vitest";
import { evaluateMotSequence, lastFrame, parseMotRows, scoreMotSequence, trackMotSequence } from "./motchallenge.js";

describe("parseMotRows", () => {
  it("reads frame, id, the box from its top-left corner, and the 7th column", () => {
    const rows = parseMotRows("1,-1,10,20,30,40,0.97,-1,-1,-1\n\n2,3,0,0,5,5,1,-1,-1,-1\r\n");
    expect(rows).toEqual([
      { frame: 1, id: -1, box: [10, 20, 40, 60], conf: 0.97 },
      { frame: 2, id: 3, box: [0, 0, 5, 5], conf: 1 },
    ]);
    expect(lastFrame(rows)).toBe(2);
  });

  it("names the file, the line and the fault of a bad row", () => {
    expect(() => parseMotRows("1,1,0,0,5,5,1\n1,2,x,0,5,5,1", "gt.txt")).toThrow(/gt\.txt, line 2: expected frame,id,x,y,w,h,conf/);
    expect(() => parseMotRows("0,1,0,0,5,5,1")).toThrow(/line 1: frame must be an integer from 1/);
    expect(() => parseMotRows("1,1,0,0,0,5,1")).toThrow(/width and height must be positive/);
  });
});

describe("scoreMotSequence", () => {
  const gt = parseMotRows(["1,1,0,0,10,30,1", "2,1,1,0,10,30,1", "1,2,100,0,10,30,0", "2,2,101,0,10,30,0"].join("\n"));

  it("leaves ground-truth rows flagged 0 out of the truth (a box on one is a false positive, as in py-motmetrics)", () => {
    const hyps = new Map([
      [1, [{ id: 7, box: [0, 0, 10, 30] as const }]],
      [
        2,
        [
          { id: 7, box: [1, 0, 11, 30] as const },
          { id: 8, box: [101, 0, 111, 30] as const },
        ],
      ],
    ]);
    const r = scoreMotSequence(gt, hyps, 2);
    expect(r).toMatchObject({ truths: 2, matches: 2, misses: 0, falsePositives: 1, idSwitches: 0 });
  });

  it("counts every truth of a frame the tracker reported nothing for as missed", () => {
    expect(scoreMotSequence(gt, new Map(), 2)).toMatchObject({ truths: 2, misses: 2, mota: 0 });
  });
});

describe("trackMotSequence / evaluateMotSequence", () => {
  it("scores a person walking in clear view, detected on every frame, perfectly", () => {
    const rows = Array.from({ length: 20 }, (_, k) => `${k + 1},1,${100 + 3 * k},50,40,100,1`);
    const det = parseMotRows(rows.map((r) => r.replace(/^(\d+),1,/, "$1,-1,").replace(/,1$/, ",0.99")).join("\n"));
    const gt = parseMotRows(rows.join("\n"));
    const hyps = trackMotSequence(det, 20);
    expect(hyps.get(1)?.map((h) => h.id)).toEqual([1]);
    expect(evaluateMotSequence(det, gt)).toMatchObject({ mota: 1, idf1: 1, idSwitches: 0 });
  });
});
