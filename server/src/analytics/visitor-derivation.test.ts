import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffByKey, sortSmall } from "./visitor-derivation.js";

describe("sortSmall", () => {
  it("orders any list exactly as Array.prototype.sort does (stable: equal keys keep their order)", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ ts: fc.integer({ min: 0, max: 5 }), id: fc.constantFrom("a", "b", "c"), n: fc.nat() }), { maxLength: 40 }), (list) => {
        const compare = (a: { ts: number; id: string }, b: { ts: number; id: string }) => a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
        expect(sortSmall([...list], compare)).toEqual([...list].sort(compare));
      }),
    );
  });
});

describe("diffByKey", () => {
  it("finds what was removed and added as multisets: before - removed + added = after", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("x", "y", "z")), fc.array(fc.constantFrom("x", "y", "z")), (before, after) => {
        const { removed, added } = diffByKey(before, after, (s) => s);
        const count = (l: string[]) => Object.fromEntries(["x", "y", "z"].map((k) => [k, l.filter((s) => s === k).length]));
        const b = count(before);
        const r = count(removed);
        const a = count(added);
        const want = count(after);
        for (const k of ["x", "y", "z"]) {
          expect(b[k]! - r[k]! + a[k]!).toBe(want[k]);
          expect(Math.min(r[k]!, a[k]!)).toBe(0); // nothing both removed and added
        }
      }),
    );
  });
});
