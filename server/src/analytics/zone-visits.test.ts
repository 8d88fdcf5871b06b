import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ZoneVisitIndex, type VisitItem } from "./zone-visits.js";

const BASE = Date.UTC(2026, 2, 1, 7, 13);
const SPAN = 4 * 86_400_000;

interface NaiveVisit {
  visitor: string;
  enterTs: number;
  dwellMs: number | null;
}

/** Index items of one zone's visits, as the visitor derivation makes them (prevEnterTs chains a visitor's visits). */
function itemsOf(visits: readonly NaiveVisit[]): Map<string, VisitItem[]> {
  const byVisitor = new Map<string, NaiveVisit[]>();
  for (const v of visits) byVisitor.set(v.visitor, [...(byVisitor.get(v.visitor) ?? []), v]);
  const out = new Map<string, VisitItem[]>();
  for (const [visitor, list] of byVisitor) {
    let prev: number | null = null;
    const items: VisitItem[] = [];
    for (const v of [...list].sort((a, b) => a.enterTs - b.enterTs)) {
      items.push({ enterTs: v.enterTs, dwellMs: v.dwellMs, prevEnterTs: prev });
      prev = v.enterTs;
    }
    out.set(visitor, items);
  }
  return out;
}

/** The deliberately naive figures: filter, count, sort. */
function naive(visits: readonly NaiveVisit[], from: number, to: number) {
  const inRange = visits.filter((v) => v.enterTs >= from && v.enterTs < to);
  const dwells = inRange.flatMap((v) => (v.dwellMs === null ? [] : [v.dwellMs])).sort((a, b) => a - b);
  return {
    visits: inRange.length,
    visitors: new Set(inRange.map((v) => v.visitor)).size,
    closed: dwells.length,
    dwellSumMs: dwells.reduce((s, d) => s + d, 0),
    dwells,
  };
}

const visitArb = fc.record({
  visitor: fc.constantFrom("a", "b", "c", "d", "e"),
  enterTs: fc.oneof(fc.integer({ min: BASE, max: BASE + SPAN }), fc.constantFrom(BASE, BASE + 3_600_000, BASE + 86_400_000)),
  dwellMs: fc.option(fc.integer({ min: 0, max: 3_600_000 }), { nil: null }),
});
const rangeArb = fc
  .tuple(fc.integer({ min: BASE - 3_600_000, max: BASE + SPAN + 3_600_000 }), fc.integer({ min: 1, max: SPAN }))
  .map(([from, len]) => ({ from, to: from + len }));

function expectSameFigures(index: ZoneVisitIndex, visits: readonly NaiveVisit[], from: number, to: number) {
  const got = index.figures(from, to);
  const want = naive(visits, from, to);
  expect({ visits: got.visits, visitors: got.visitors, closed: got.closed, dwellSumMs: got.dwellSumMs }).toEqual({
    visits: want.visits,
    visitors: want.visitors,
    closed: want.closed,
    dwellSumMs: want.dwellSumMs,
  });
  for (let k = 1; k <= want.closed; k++) expect(got.kth(k)).toBe(want.dwells[k - 1]);
  expect(index.count(from, to)).toBe(want.visits);
}

describe("ZoneVisitIndex", () => {
  it("answers visits, distinct visitors, closed visits, dwell sum and k-th dwell of any range like a naive scan", () => {
    fc.assert(
      fc.property(fc.array(visitArb, { maxLength: 40 }), fc.array(rangeArb, { minLength: 1, maxLength: 4 }), (visits, ranges) => {
        const index = new ZoneVisitIndex();
        for (const items of itemsOf(visits).values()) for (const it of items) index.add(it);
        for (const r of ranges) expectSameFigures(index, visits, r.from, r.to);
      }),
    );
  });

  it("forgets removed visitors exactly", () => {
    fc.assert(
      fc.property(fc.array(visitArb, { maxLength: 40 }), fc.subarray(["a", "b", "c", "d", "e"]), rangeArb, (visits, gone, r) => {
        const index = new ZoneVisitIndex();
        const items = itemsOf(visits);
        for (const list of items.values()) for (const it of list) index.add(it);
        for (const v of gone) for (const it of items.get(v) ?? []) index.remove(it);
        expectSameFigures(
          index,
          visits.filter((v) => !gone.includes(v.visitor)),
          r.from,
          r.to,
        );
      }),
    );
  });

  it("counts a visitor once however many times it came back in the range", () => {
    const index = new ZoneVisitIndex();
    for (const it of itemsOf([
      { visitor: "a", enterTs: BASE, dwellMs: 1 },
      { visitor: "a", enterTs: BASE + 10, dwellMs: 2 },
      { visitor: "a", enterTs: BASE + 7_200_000, dwellMs: 3 },
    ]).get("a")!)
      index.add(it);
    expect(index.figures(BASE, BASE + 86_400_000)).toMatchObject({ visits: 3, visitors: 1 });
    expect(index.figures(BASE + 5, BASE + 86_400_000)).toMatchObject({ visits: 2, visitors: 1 });
  });
});
