/** Store rollups (migration 12): the sums per (grain, t) and the dense sketches, against plain references. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { binOf, encodeHistogram } from "./dwell-histogram.js";
import { addToDense, storeSums, sumByPeriod } from "./store-rollups.js";

describe("store sums", () => {
  const change = fc.record({
    grain: fc.constantFrom(0, 1),
    t: fc.integer({ min: 0, max: 3 }),
    visits: fc.integer({ min: -5, max: 5 }),
    firsts: fc.integer({ min: -5, max: 5 }),
    closed: fc.integer({ min: -5, max: 5 }),
    dwellSumMs: fc.integer({ min: -5000, max: 5000 }),
    bins: fc.array(fc.tuple(fc.integer({ min: 0, max: 700 }), fc.integer({ min: -3, max: 3 })), { maxLength: 6 }),
  });
  const histOf = (bins: [number, number][]) => {
    const h = new Map<number, number>();
    for (const [b, n] of bins) {
      const m = (h.get(b) ?? 0) + n;
      if (m === 0) h.delete(b);
      else h.set(b, m);
    }
    return h;
  };

  it("storeSums and sumByPeriod sum per (grain, t) as a plain per-key sum does", () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 30 }), (raw) => {
        const changes = raw.map((c) => ({ ...c, hist: histOf(c.bins) }));
        // The reference: a sum per key of every field and every bin.
        const ref = new Map<string, { visits: number; firsts: number; closed: number; dwellSumMs: number; bins: Map<number, number> }>();
        for (const c of changes) {
          const k = `${c.grain}|${c.t}`;
          const r = ref.get(k) ?? { visits: 0, firsts: 0, closed: 0, dwellSumMs: 0, bins: new Map<number, number>() };
          r.visits += c.visits;
          r.firsts += c.firsts;
          r.closed += c.closed;
          r.dwellSumMs += c.dwellSumMs;
          for (const [b, n] of c.hist) r.bins.set(b, (r.bins.get(b) ?? 0) + n);
          ref.set(k, r);
        }
        const norm = (m: Map<number, number>) => Object.fromEntries([...m].filter(([, n]) => n !== 0).sort((a, b) => a[0] - b[0]));
        const allZero = (c: (typeof changes)[number]) => c.visits === 0 && c.firsts === 0 && c.closed === 0 && c.dwellSumMs === 0 && c.hist.size === 0;
        const expected = Object.fromEntries(
          [...ref].filter(([k]) => changes.some((c) => `${c.grain}|${c.t}` === k && !allZero(c))).map(([k, r]) => [k, { visits: r.visits, firsts: r.firsts, closed: r.closed, dwellSumMs: r.dwellSumMs, hist: norm(r.bins) }]),
        );
        const got = Object.fromEntries(storeSums(changes).map((s) => [`${s.grain}|${s.t}`, { visits: s.visits, firsts: s.firsts, closed: s.closed, dwellSumMs: s.dwellSumMs, hist: norm(s.hist) }]));
        expect(got).toEqual(expected);
        // sumByPeriod over rows ordered by (grain, t), histograms encoded as stored.
        const rows = [...changes]
          .sort((a, b) => a.grain - b.grain || a.t - b.t)
          .map((c) => ({ grain: c.grain, t: c.t, visits: c.visits, firsts: c.firsts, closed: c.closed, dwell_sum_ms: c.dwellSumMs, hist: c.hist.size ? encodeHistogram(c.hist) : null }));
        const byPeriod = Object.fromEntries([...sumByPeriod(rows)].map((s) => [`${s.grain}|${s.t}`, { visits: s.visits, firsts: s.firsts, closed: s.closed, dwellSumMs: s.dwellSumMs, hist: norm(s.hist) }]));
        expect(byPeriod).toEqual(Object.fromEntries([...ref].map(([k, r]) => [k, { visits: r.visits, firsts: r.firsts, closed: r.closed, dwellSumMs: r.dwellSumMs, hist: norm(r.bins) }])));
      }),
    );
  });

  it("addToDense adds and subtracts an encoded histogram bin by bin", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3_000_000 }), { maxLength: 40 }), fc.array(fc.integer({ min: 0, max: 3_000_000 }), { maxLength: 40 }), (xs, ys) => {
        const h = (v: number[]) => histOf(v.map((ms) => [binOf(ms), 1]));
        let dense = addToDense(new Float64Array(0), encodeHistogram(h(xs)));
        dense = addToDense(dense, encodeHistogram(h(ys)));
        dense = addToDense(dense, encodeHistogram(h(xs)), -1);
        const ref = h(ys);
        expect(Object.fromEntries([...dense.entries()].filter(([, n]) => n !== 0))).toEqual(Object.fromEntries([...ref].map(([b, n]) => [String(b), n])));
      }),
    );
  });
});
