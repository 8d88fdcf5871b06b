import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BLEND_GRID, blendCount, blendMethod, chooseBlend, NETWORK_ONLY, type BlendRow, type BlendWeights } from "./blend.js";

const count = fc.double({ min: 0, max: 5000, noNaN: true });
const row = fc.record({ net: count, base: count, naive: fc.option(count, { nil: null }), actual: count });
const weights = fc.constantFrom(...BLEND_GRID);

/** The reference: the weighted mean, written the long way, an unknown seasonal-naive value handing its weight over. */
function reference(net: number, base: number, naive: number | null, w: BlendWeights): number {
  const parts: [number, number][] = [
    [w.net, net],
    [w.base, base],
  ];
  if (naive !== null) parts.push([w.naive, naive]);
  else if (w.net > 0) parts.push([w.naive, net]);
  else return base;
  return parts.reduce((s, [a, v]) => s + a * v, 0);
}

describe("BLEND_GRID", () => {
  it("holds weights in [0, 1] summing to 1, the network alone first, both baselines alone, and no baseline mixture without the network", () => {
    expect(BLEND_GRID[0]).toEqual(NETWORK_ONLY);
    for (const w of BLEND_GRID) {
      expect(w.net + w.base + w.naive).toBeCloseTo(1, 12);
      for (const v of [w.net, w.base, w.naive]) expect(v >= 0 && v <= 1).toBe(true);
      if (w.net === 0) expect(w.base === 1 || w.naive === 1).toBe(true);
    }
    expect(BLEND_GRID).toContainEqual({ net: 0, base: 0, naive: 1 });
    expect(BLEND_GRID).toContainEqual({ net: 0, base: 1, naive: 0 });
    expect(BLEND_GRID).toContainEqual({ net: 0.8, base: 0, naive: 0.2 });
    expect(BLEND_GRID).toHaveLength(57);
  });
});

describe("blendCount", () => {
  it("is the weighted mean of the three, an unknown seasonal-naive giving its weight to the network (property)", () => {
    fc.assert(
      fc.property(count, count, fc.option(count, { nil: null }), weights, (net, base, naive, w) => {
        const b = blendCount(net, base, naive, w);
        expect(b).toBeCloseTo(reference(net, base, naive, w), 6);
        const known = [net, base, ...(naive === null ? [] : [naive])];
        expect(b).toBeGreaterThanOrEqual(Math.min(...known) - 1e-6);
        expect(b).toBeLessThanOrEqual(Math.max(...known) + 1e-6);
      }),
    );
  });
  it("hand-computed: 0.8 of 50 and 0.2 of 30 is 46; seasonal-naive alone is last week's 30", () => {
    expect(blendCount(50, 40, 30, { net: 0.8, base: 0, naive: 0.2 })).toBeCloseTo(46, 12);
    expect(blendCount(50, 40, 30, { net: 0, base: 0, naive: 1 })).toBe(30);
    expect(blendCount(50, 40, null, { net: 0, base: 0, naive: 1 })).toBe(40);
  });
});

describe("chooseBlend", () => {
  it("finds the blend of least total absolute error, the network alone among equals (property, against a full search)", () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 30 }), (rows: BlendRow[]) => {
        const errOf = (w: BlendWeights) => rows.reduce((s, r) => s + Math.abs(reference(r.net, r.base, r.naive, w) - r.actual), 0);
        const chosen = chooseBlend(rows);
        const best = Math.min(...BLEND_GRID.map(errOf));
        expect(errOf(chosen)).toBeLessThanOrEqual(best + 1e-6 * Math.max(1, best));
        // all three agreeing: every blend is as good, and the network alone is kept
        expect(chooseBlend(rows.map((r) => ({ ...r, base: r.net, naive: r.net })))).toEqual(NETWORK_ONLY);
      }),
    );
  });
  it("takes seasonal-naive alone when it is right and the network is not, the network alone when it is right", () => {
    const rows = [10, 40, 25, 5].map((y) => ({ net: y + 8, base: y + 6, naive: y, actual: y }));
    expect(chooseBlend(rows)).toEqual({ net: 0, base: 0, naive: 1 });
    expect(chooseBlend(rows.map((r) => ({ ...r, net: r.actual, naive: r.actual + 5 })))).toEqual(NETWORK_ONLY);
    expect(chooseBlend([])).toEqual(NETWORK_ONLY);
  });
});

describe("blendMethod", () => {
  it("names the network while it has weight, else the baseline that has it all", () => {
    expect(blendMethod({ net: 0.1, base: 0.9, naive: 0 })).toBe("mlp");
    expect(blendMethod({ net: 0, base: 0, naive: 1 })).toBe("seasonal-naive");
    expect(blendMethod({ net: 0, base: 1, naive: 0 })).toBe("seasonal-mean");
  });
});
