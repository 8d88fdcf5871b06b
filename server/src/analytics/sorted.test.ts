import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kthOfSorted, lowerBound, removeSorted, SortedBag, upperBound } from "./sorted.js";

const ascending = (xs: number[]) => [...xs].sort((a, b) => a - b);
const sortedInts = fc.array(fc.integer({ min: -1000, max: 100_000 }), { maxLength: 40 }).map(ascending);

describe("lowerBound and upperBound", () => {
  it("find the first index >= and > the value, like a linear scan", () => {
    fc.assert(
      fc.property(sortedInts, fc.integer({ min: -1100, max: 100_100 }), (arr, v) => {
        expect(lowerBound(arr, v)).toBe(arr.filter((x) => x < v).length);
        expect(upperBound(arr, v)).toBe(arr.filter((x) => x <= v).length);
      }),
    );
  });
});

describe("removeSorted", () => {
  it("removes one occurrence and keeps the array sorted, or says the value is absent", () => {
    fc.assert(
      fc.property(sortedInts, fc.integer({ min: -10, max: 10 }), (arr, v) => {
        const copy = [...arr];
        const had = arr.includes(v);
        expect(removeSorted(copy, v)).toBe(had);
        const expected = [...arr];
        if (had) expected.splice(expected.indexOf(v), 1);
        expect(copy).toEqual(expected);
      }),
    );
  });
});

describe("kthOfSorted", () => {
  it("equals the k-th smallest of the merged arrays", () => {
    fc.assert(
      fc.property(
        fc.array(sortedInts, { minLength: 1, maxLength: 6 }).filter((parts) => parts.some((p) => p.length > 0)),
        fc.nat(),
        (parts, seed) => {
          const merged = ascending(parts.flat());
          const k = (seed % merged.length) + 1;
          expect(kthOfSorted(parts, k)).toBe(merged[k - 1]);
        },
      ),
    );
  });

  it("finds the smallest and the largest value", () => {
    expect(kthOfSorted([[5, 9], [], [1, 7]], 1)).toBe(1);
    expect(kthOfSorted([[5, 9], [], [1, 7]], 4)).toBe(9);
  });
});

describe("SortedBag", () => {
  it("reads back what was added and not removed, ascending, in any order of operations", () => {
    const op = fc.oneof(
      fc.record({ add: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ remove: fc.integer({ min: 0, max: 50 }) }),
      fc.constant({ read: true }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const bag = new SortedBag();
        const naive: number[] = [];
        for (const o of ops) {
          if ("add" in o) {
            bag.add(o.add);
            naive.push(o.add);
          } else if ("remove" in o) {
            const i = naive.indexOf(o.remove);
            expect(bag.remove(o.remove)).toBe(i >= 0);
            if (i >= 0) naive.splice(i, 1);
          } else expect(bag.ascending()).toEqual(ascending(naive));
          expect(bag.size).toBe(naive.length);
        }
        expect(bag.ascending()).toEqual(ascending(naive));
      }),
    );
  });
});
