/**
 * Garbage in, no hang out: the tracker's door refuses non-finite or absurd boxes and scores, and the
 * assignment takes a non-finite cost as "no pair" and always terminates. (One detection with an
 * Infinity coordinate used to make stepTracker loop for ever at 100 % CPU.)
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { admitDetection, isSaneBox, MAX_BOX_COORD } from "./admit.js";
import { assign, hungarian } from "./assign.js";
import { initTracker, stepTracker, type Detection, type TrackerState } from "./tracker.js";

const RUNS = { numRuns: 200 };
const poison = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e300, -1e300, Number.MAX_VALUE, 1e13, -1e13);
const anyCost = fc.oneof(fc.double({ min: -5, max: 5, noNaN: true }), poison);

/** The greatest total saving `maxCost - cost` over matchings of finite pairs within the limit (brute force). */
function bestSaving(cost: number[][], maxCost: number): number {
  const n = cost.length;
  const m = cost[0]?.length ?? 0;
  const used = new Array<boolean>(m).fill(false);
  let best = 0;
  const go = (i: number, acc: number): void => {
    if (i === n) {
      best = Math.max(best, acc);
      return;
    }
    go(i + 1, acc);
    for (let j = 0; j < m; j++) {
      const c = cost[i]![j]!;
      if (used[j] || !Number.isFinite(c) || c > maxCost) continue;
      used[j] = true;
      go(i + 1, acc + (maxCost - c));
      used[j] = false;
    }
  };
  go(0, 0);
  return best;
}

describe("hungarian and assign on non-finite and huge costs", () => {
  it("hungarian terminates with a one-to-one assignment whatever the costs", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.array(anyCost, { minLength: 36, maxLength: 36 }), (n, m, flat) => {
        const cost = Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => flat[i * 6 + j]!));
        const rowTo = hungarian(cost);
        const cols = rowTo.filter((c) => c >= 0);
        expect(rowTo).toHaveLength(n);
        expect(new Set(cols).size).toBe(cols.length);
        expect(cols.length).toBe(Math.min(n, m));
      }),
      RUNS,
    );
  });

  it("assign pairs only finite costs within the limit, with the greatest total saving", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }).map((x) => x / 10), poison), { minLength: 16, maxLength: 16 }),
        fc.constantFrom(0.8, 1, 1.5),
        (n, m, flat, maxCost) => {
          const cost = Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => flat[i * 4 + j]!));
          const res = assign(cost, n, m, maxCost);
          for (const [r, c] of res.matches) {
            expect(Number.isFinite(cost[r]![c]!)).toBe(true);
            expect(cost[r]![c]!).toBeLessThanOrEqual(maxCost);
          }
          // Optimal whenever the finite costs are of a sane size (the solver clamps beyond ±1e12).
          if (flat.every((c) => !Number.isFinite(c) || Math.abs(c) <= 1e12)) {
            const saving = res.matches.reduce((s, [r, c]) => s + (maxCost - cost[r]![c]!), 0);
            expect(saving).toBeCloseTo(bestSaving(cost, maxCost), 9);
          }
          expect(res.matches.length + res.unmatchedRows.length).toBe(n);
          expect(res.matches.length + res.unmatchedCols.length).toBe(m);
        },
      ),
      RUNS,
    );
  });

  it("assign takes a non-finite limit without looping", () => {
    expect(assign([[Number.NaN, 1]], 1, 2, Number.POSITIVE_INFINITY).matches).toEqual([[0, 1]]);
    expect(assign([[0.1, 1]], 1, 2, Number.NaN).matches).toEqual([]);
  });
});

describe("the tracker's door", () => {
  const coord = fc.oneof(fc.double({ min: 0, max: 800, noNaN: true }), poison);
  const score = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), poison);
  const good = fc.record({ x: fc.integer({ min: 0, max: 700 }), y: fc.integer({ min: 0, max: 500 }), s: fc.double({ min: 0.5, max: 1, noNaN: true }) });
  const detection: fc.Arbitrary<Detection> = fc.oneof(
    good.map(({ x, y, s }) => ({ box: [x, y, x + 40, y + 100] as const, score: s })),
    fc.record({ box: fc.tuple(coord, coord, coord, coord), score }),
    fc.tuple(good, poison).map(([{ x, y }, p]) => ({ box: [x, y, x + 40, y + 100] as const, score: 0.9, appearance: Float32Array.from([0.2, p, 0.3]) })),
  );

  it("refuses exactly the boxes with a non-finite or out-of-range coordinate, or no area", () => {
    fc.assert(
      fc.property(fc.tuple(coord, coord, coord, coord), (b) => {
        const ref = b.every((v) => Number.isFinite(v) && Math.abs(v) <= MAX_BOX_COORD) && b[2] > b[0] && b[3] > b[1];
        expect(isSaneBox(b)).toBe(ref);
        expect(admitDetection({ box: b, score: 0.5 }) !== null).toBe(ref);
      }),
      RUNS,
    );
    expect(admitDetection({ box: [0, 0, 10, 10], score: Number.NaN })).toBeNull();
    expect(admitDetection({ box: [0, 0, 10, 10], score: 0.5, appearance: [Number.NaN] })).toEqual({ box: [0, 0, 10, 10], score: 0.5, appearance: null });
  });

  it("keeps stepping with NaN, ±Infinity and huge values mixed into the detections, and reports only finite tracks", () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.array(detection, { maxLength: 6 }), { freq: 5 }), { minLength: 1, maxLength: 15 }), (frames) => {
        let state: TrackerState = initTracker();
        for (const dets of frames) {
          const r = stepTracker(state, dets);
          state = r.state;
          for (const t of r.active) {
            expect(t.box.every(Number.isFinite)).toBe(true);
            expect(t.foot.every(Number.isFinite)).toBe(true);
            if (t.detection !== null) expect(isSaneBox(dets![t.detection]!.box)).toBe(true);
          }
          expect(new Set(r.active.map((t) => t.id)).size).toBe(r.active.length);
        }
      }),
      RUNS,
    );
  });

  it("tracks a person through a frame where the detector also returned an Infinity box", () => {
    let state = initTracker();
    const person = (x: number): Detection => ({ box: [x, 100, x + 40, 200], score: 0.9 });
    for (let f = 0; f < 5; f++) state = stepTracker(state, [person(100 + f * 5)]).state;
    const r = stepTracker(state, [{ box: [0, 0, Number.POSITIVE_INFINITY, 50], score: 0.95 }, person(125), { box: [1, 1, 2, 2], score: Number.NaN }]);
    expect(r.active.map((t) => t.id)).toEqual([1]);
    expect(r.active[0]!.detection).toBe(1);
  });
});
