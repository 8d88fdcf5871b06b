import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BeamDecoder, type BeamEdge, type Crossing } from "./beams.js";

const DEBOUNCE = 30;
const edge = (beam: "A" | "B", blocked: boolean, ts: number): BeamEdge => ({ beam, blocked, ts });

function decodeAll(edges: readonly BeamEdge[], polls: readonly number[] = []): Crossing[] {
  const d = new BeamDecoder({ debounceMs: DEBOUNCE });
  const out: Crossing[] = [];
  const times = [...polls].sort((a, b) => a - b);
  for (const e of edges) {
    while (times.length > 0 && times[0]! < e.ts) out.push(...d.advance(times.shift()!));
    out.push(...d.push(e));
  }
  out.push(...d.advance(Number.MAX_SAFE_INTEGER));
  return out;
}

/** One person at the door, as the ground truth a generated edge stream comes from. */
interface Walker {
  kind: "in" | "out" | "turn-back";
  /** Time each beam stays blocked, and the lag between the two beams (< blockMs: they overlap). */
  blockMs: number;
  lagMs: number;
  gapMs: number;
  /** A glitch (a pulse shorter than the debounce) in the middle of the first blocked interval. */
  glitch: boolean;
}

const walker = fc.record({
  kind: fc.constantFrom("in", "out", "turn-back") as fc.Arbitrary<Walker["kind"]>,
  blockMs: fc.integer({ min: 200, max: 1500 }),
  lagMs: fc.integer({ min: 40, max: 150 }),
  gapMs: fc.integer({ min: 100, max: 3000 }),
  glitch: fc.boolean(),
});

/**
 * The reference: edges of people walking through one after another, with the crossings they must
 * give (the clear of the far beam for in and out; nothing for someone who turns back).
 */
function story(walkers: readonly Walker[], glitchMs: number): { edges: BeamEdge[]; expected: Crossing[] } {
  const edges: BeamEdge[] = [];
  const expected: Crossing[] = [];
  let t = 1000;
  for (const w of walkers) {
    const near = w.kind === "out" ? "B" : "A";
    const far = near === "A" ? "B" : "A";
    const es: BeamEdge[] = [edge(near, true, t)];
    if (w.glitch) {
      const mid = t + Math.floor(w.blockMs / 2) - 60;
      es.push(edge(near, false, mid), edge(near, true, mid + glitchMs));
    }
    if (w.kind === "turn-back") {
      es.push(edge(near, false, t + w.blockMs));
      t += w.blockMs;
    } else {
      es.push(edge(far, true, t + w.lagMs), edge(near, false, t + w.blockMs), edge(far, false, t + w.blockMs + w.lagMs));
      expected.push({ direction: w.kind, ts: t + w.blockMs + w.lagMs });
      t += w.blockMs + w.lagMs;
    }
    edges.push(...es.sort((a, b) => a.ts - b.ts));
    t += w.gapMs;
  }
  return { edges, expected };
}

describe("BeamDecoder", () => {
  it("counts A then B as in and B then A as out", () => {
    expect(decodeAll([edge("A", true, 0), edge("B", true, 100), edge("A", false, 400), edge("B", false, 500)])).toEqual([{ direction: "in", ts: 500 }]);
    expect(decodeAll([edge("B", true, 0), edge("A", true, 100), edge("B", false, 400), edge("A", false, 500)])).toEqual([{ direction: "out", ts: 500 }]);
  });

  it("counts nothing for someone who blocks both beams and backs out", () => {
    expect(decodeAll([edge("A", true, 0), edge("B", true, 100), edge("B", false, 300), edge("A", false, 500)])).toEqual([]);
  });

  it("drops a pulse shorter than the debounce time", () => {
    expect(decodeAll([edge("A", true, 0), edge("A", false, 10), edge("B", true, 100), edge("B", false, 400)])).toEqual([]);
  });

  it("ignores a repeated state", () => {
    expect(decodeAll([edge("A", true, 0), edge("A", true, 50), edge("B", true, 100), edge("A", false, 400), edge("B", false, 500), edge("B", false, 600)])).toEqual([
      { direction: "in", ts: 500 },
    ]);
  });

  it("waits for the debounce time before confirming the last edge", () => {
    const d = new BeamDecoder({ debounceMs: DEBOUNCE });
    for (const e of [edge("A", true, 0), edge("B", true, 100), edge("A", false, 400), edge("B", false, 500)]) d.push(e);
    expect(d.advance(500 + DEBOUNCE - 1)).toEqual([]);
    expect(d.advance(500 + DEBOUNCE)).toEqual([{ direction: "in", ts: 500 }]);
  });

  it("decodes generated walks (with glitches) exactly as the ground truth, whenever it is polled", () => {
    fc.assert(
      fc.property(fc.array(walker, { maxLength: 30 }), fc.integer({ min: 1, max: DEBOUNCE - 1 }), fc.array(fc.integer({ min: 0, max: 200_000 }), { maxLength: 50 }), (walkers, glitchMs, polls) => {
        const { edges, expected } = story(walkers, glitchMs);
        expect(decodeAll(edges, polls)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("swapping the beams swaps in and out", () => {
    fc.assert(
      fc.property(fc.array(walker, { maxLength: 20 }), (walkers) => {
        const { edges } = story(walkers, 5);
        const swapped = edges.map((e) => ({ ...e, beam: e.beam === "A" ? ("B" as const) : ("A" as const) }));
        const flip = (c: Crossing): Crossing => ({ ...c, direction: c.direction === "in" ? "out" : "in" });
        expect(decodeAll(swapped)).toEqual(decodeAll(edges).map(flip));
      }),
    );
  });

  it("never counts more crossings than times the far beam cleared", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ beam: fc.constantFrom<"A" | "B">("A", "B"), blocked: fc.boolean(), dt: fc.integer({ min: 0, max: 200 }) })), (raw) => {
        let t = 0;
        const edges = raw.map((r) => edge(r.beam, r.blocked, (t += r.dt)));
        const crossings = decodeAll(edges);
        const clears = edges.filter((e) => !e.blocked).length;
        expect(crossings.length).toBeLessThanOrEqual(clears);
        for (let i = 1; i < crossings.length; i++) expect(crossings[i]!.ts).toBeGreaterThanOrEqual(crossings[i - 1]!.ts);
      }),
    );
  });
});
