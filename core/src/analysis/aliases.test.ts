import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareZoneSequences } from "../domain/paths.js";
import { aliasPath, aliasPathCounts } from "./aliases.js";

const shoes = { "shoes-1": "shoes", "shoes-2": "shoes" };

/** Naive reference: map every zone, then drop each element equal to its predecessor. */
function naiveAliasPath(zones: readonly string[], aliases: Record<string, string>): string[] {
  const mapped = zones.map((z) => (Object.keys(aliases).includes(z) ? aliases[z]! : z));
  return mapped.filter((z, i) => i === 0 || mapped[i - 1] !== z);
}

const zone = fc.constantFrom("a", "b", "c", "d", "e");
const aliasesArb = fc.dictionary(zone, fc.constantFrom("a", "x", "y"), { maxKeys: 5 });
const pathArb = fc.array(zone, { maxLength: 8 });

describe("aliasPath", () => {
  it("maps zones to their department and folds the repeats that makes", () => {
    expect(aliasPath(["entrance", "shoes-1", "shoes-2", "shoes-1", "till"], shoes)).toEqual(["entrance", "shoes", "till"]);
  });
  it("keeps unmapped zones, and A, B, A stays three steps", () => {
    expect(aliasPath(["shoes-1", "bags", "shoes-2"], shoes)).toEqual(["shoes", "bags", "shoes"]);
  });
  it("does not take inherited object keys for aliases", () => {
    expect(aliasPath(["constructor", "toString"], {})).toEqual(["constructor", "toString"]);
  });
  it("equals the naive map-then-fold reference", () => {
    fc.assert(fc.property(pathArb, aliasesArb, (path, aliases) => JSON.stringify(aliasPath(path, aliases)) === JSON.stringify(naiveAliasPath(path, aliases))));
  });
  it("never leaves two equal neighbours", () => {
    fc.assert(fc.property(pathArb, aliasesArb, (path, aliases) => aliasPath(path, aliases).every((z, i, all) => i === 0 || all[i - 1] !== z)));
  });
});

describe("aliasPathCounts", () => {
  it("merges paths that become equal and sorts by count, then lexically", () => {
    const paths = [
      { zones: ["entrance", "shoes-1", "till"], count: 3 },
      { zones: ["entrance", "shoes-2", "till"], count: 2 },
      { zones: ["entrance", "bags"], count: 5 },
      { zones: ["entrance", "shoes-1", "shoes-2"], count: 1 },
      { zones: ["entrance", "a"], count: 1 },
    ];
    expect(aliasPathCounts(paths, shoes)).toEqual([
      { zones: ["entrance", "bags"], count: 5 },
      { zones: ["entrance", "shoes", "till"], count: 5 },
      { zones: ["entrance", "a"], count: 1 },
      { zones: ["entrance", "shoes"], count: 1 },
    ]);
  });
  it("keeps the total count, gives distinct paths, and equals a naive group-by", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ zones: pathArb, count: fc.integer({ min: 1, max: 20 }) }), { maxLength: 12 }), aliasesArb, (paths, aliases) => {
        const out = aliasPathCounts(paths, aliases);
        const naive = new Map<string, number>();
        for (const p of paths) {
          const key = JSON.stringify(naiveAliasPath(p.zones, aliases));
          naive.set(key, (naive.get(key) ?? 0) + p.count);
        }
        const sorted = out.every(
          (p, i) => i === 0 || out[i - 1]!.count > p.count || (out[i - 1]!.count === p.count && compareZoneSequences(out[i - 1]!.zones, p.zones) < 0),
        );
        return sorted && out.length === naive.size && out.every((p) => naive.get(JSON.stringify(p.zones)) === p.count);
      }),
    );
  });
});
