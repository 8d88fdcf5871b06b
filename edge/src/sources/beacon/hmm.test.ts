import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeStep, emission, flushDecoder, initDecoder, mayMove, viterbi, zoneModel, type ZoneModel } from "./hmm.js";

fc.configureGlobal({ seed: 20260618 });

const P = { minRssi: -90, scaleDb: 6, maxCost: 4 };

/** Decode a whole sequence online: every committed state, then the flush. */
function decodeAll(model: ZoneModel, emissions: readonly Float64Array[], lag: number): number[] {
  let state = initDecoder();
  const out: number[] = [];
  for (const e of emissions) {
    const r = decodeStep(model, state, e, lag);
    state = r.state;
    out.push(...r.committed);
  }
  return [...out, ...flushDecoder(model, state)];
}

/** A random floor: 1-6 zones, any set of adjacent pairs. */
const floorArb = fc.integer({ min: 1, max: 6 }).chain((n) =>
  fc.record({
    zones: fc.constant(Array.from({ length: n }, (_, i) => `z${i}`)),
    pairs: fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 })), { maxLength: 10 }),
    moveCost: fc.double({ min: 0, max: 20, noNaN: true }),
  }),
);
const modelOf = (f: { zones: string[]; pairs: [number, number][]; moveCost: number }): ZoneModel =>
  zoneModel(
    f.zones,
    f.pairs.map(([a, b]) => [f.zones[a]!, f.zones[b]!] as const),
    f.moveCost,
  );

describe("zoneModel", () => {
  it("lets a zone move to its neighbours and to away, away to any zone, and nothing else", () => {
    const m = zoneModel(["a", "b", "c"], [["a", "b"]], 5);
    const [a, b, c, away] = [0, 1, 2, 3];
    expect(mayMove(m, a, b) && mayMove(m, b, a) && mayMove(m, a, a)).toBe(true);
    expect(mayMove(m, a, c) || mayMove(m, c, b)).toBe(false);
    expect(mayMove(m, c, away) && mayMove(m, away, c) && mayMove(m, away, a)).toBe(true);
  });

  it("without an adjacency lets every zone follow every other", () => {
    const m = zoneModel(["a", "b", "c"], null, 5);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(mayMove(m, i, j)).toBe(true);
  });
});

describe("emission", () => {
  const m = zoneModel(["a", "b", "c"], null, 5);
  it("costs each zone its shortfall behind the strongest, capped, and away its shortfall at minRssi", () => {
    const e = emission(
      m,
      new Map([
        ["a", -60],
        ["b", -66],
        ["c", -100],
      ]),
      P,
    );
    expect([...e]).toEqual([0, -1, -4, -4]);
  });
  it("says nothing when no receiver is fresh", () => {
    expect([...emission(m, new Map(), P)]).toEqual([0, 0, 0, 0]);
  });
  it("favours away when every zone is below minRssi", () => {
    const e = emission(m, new Map([["a", -96]]), P);
    expect(e[3]).toBe(0);
    expect(e[0]).toBe(-1);
  });
});

describe("viterbi", () => {
  /** Brute force: the best score over every path that obeys the moves. */
  function bestByEnumeration(model: ZoneModel, start: number | null, emissions: readonly Float64Array[]): number {
    const n = model.zones.length + 1;
    let best = -Infinity;
    const walk = (k: number, prev: number | null, score: number): void => {
      if (k === emissions.length) {
        best = Math.max(best, score);
        return;
      }
      for (let j = 0; j < n; j++) {
        if (prev !== null && !mayMove(model, prev, j)) continue;
        walk(k + 1, j, score + emissions[k]![j]! - (prev !== null && prev !== j ? model.moveCost : 0));
      }
    };
    walk(0, start, 0);
    return best;
  }
  const scoreOf = (model: ZoneModel, start: number | null, emissions: readonly Float64Array[], path: number[]): number =>
    path.reduce((s, j, k) => {
      const prev = k === 0 ? start : path[k - 1]!;
      return s + emissions[k]![j]! - (prev !== null && prev !== j ? model.moveCost : 0);
    }, 0);

  it("property: finds a path as good as the best of all paths, and that path obeys the moves", () => {
    fc.assert(
      fc.property(
        floorArb,
        fc.array(fc.array(fc.double({ min: -4, max: 0, noNaN: true }), { minLength: 7, maxLength: 7 }), { minLength: 1, maxLength: 5 }),
        fc.option(fc.nat()),
        (f, raw, startRaw) => {
          const model = modelOf(f);
          const n = model.zones.length + 1;
          const emissions = raw.map((r) => Float64Array.from(r.slice(0, n)));
          const start = startRaw === null ? null : startRaw % n;
          // The scores of a known start: only that state.
          const scores = start === null ? null : Float64Array.from({ length: n }, (_, j) => (j === start ? 0 : -Infinity));
          const path = viterbi(model, scores, emissions, start);
          for (let k = 0; k < path.length; k++) {
            const prev = k === 0 ? start : path[k - 1]!;
            if (prev !== null) expect(mayMove(model, prev, path[k]!)).toBe(true);
          }
          expect(scoreOf(model, start, emissions, path)).toBeCloseTo(bestByEnumeration(model, start, emissions), 6);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("online decoding", () => {
  it("property: never moves to a zone not adjacent to the one before in one step", () => {
    fc.assert(
      fc.property(
        floorArb,
        fc.array(fc.array(fc.double({ min: -4, max: 0, noNaN: true }), { minLength: 7, maxLength: 7 }), { maxLength: 60 }),
        fc.integer({ min: 0, max: 8 }),
        (f, raw, lag) => {
          const model = modelOf(f);
          const n = model.zones.length + 1;
          const path = decodeAll(
            model,
            raw.map((r) => Float64Array.from(r.slice(0, n))),
            lag,
          );
          expect(path).toHaveLength(raw.length);
          for (let k = 1; k < path.length; k++) expect(mayMove(model, path[k - 1]!, path[k]!)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("property: with perfect readings (visits long enough to outweigh two moves, a lag long enough to see one) decodes exactly the true zones", () => {
    const moveCost = 15;
    const minVisit = Math.ceil((2 * moveCost) / P.maxCost) + 1;
    fc.assert(
      fc.property(
        floorArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: minVisit, max: minVisit + 10 })), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: Math.ceil(moveCost / P.maxCost), max: 40 }),
        (f, moves, lag) => {
          const model = modelOf({ ...f, moveCost });
          const n = model.zones.length + 1;
          // A true walk: each visit goes to a state the last one may move to (away included), and lasts a while.
          const truth: number[] = [];
          let cur: number | null = null;
          for (const [pick, length] of moves) {
            const options: number[] = cur === null ? [...Array(n).keys()] : [...model.neighbours[cur]!];
            if (options.length === 0) continue;
            cur = options[pick % options.length]!;
            for (let k = 0; k < length; k++) truth.push(cur);
          }
          // Perfect readings: the true zone's receiver is loud, the others silent (away: barely heard at all).
          const emissions = truth.map((z) => emission(model, new Map([z < model.zones.length ? [model.zones[z]!, -55] : [model.zones[0]!, -130]]), P));
          expect(decodeAll(model, emissions, lag)).toEqual(truth);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("holds a zone through a short run of readings that favour the one next door", () => {
    const model = zoneModel(["a", "b"], [["a", "b"]], 15);
    const at = (a: number, b: number) =>
      emission(
        model,
        new Map([
          ["a", a],
          ["b", b],
        ]),
        P,
      );
    const seq = [...Array(20).fill(at(-60, -70)), ...Array(5).fill(at(-70, -62)), ...Array(20).fill(at(-60, -70))];
    expect(new Set(decodeAll(model, seq, 10))).toEqual(new Set([0]));
  });
});
