import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { editDistance, nearestStores, newStoreNote, unknownStoreMessage, unknownStores } from "./store-check.js";

/** The optimal string alignment distance as its definition reads, by recursion on the prefixes (memoised): the reference. */
function naiveDistance(a: string, b: string): number {
  const memo = new Map<string, number>();
  const d = (i: number, j: number): number => {
    if (i === 0) return j;
    if (j === 0) return i;
    const key = `${i},${j}`;
    if (!memo.has(key)) {
      const options = [d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1)];
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) options.push(d(i - 2, j - 2) + 1);
      memo.set(key, Math.min(...options));
    }
    return memo.get(key)!;
  };
  return d(a.length, b.length);
}

const storeId = fc.stringMatching(/^[a-z0-9_-]{1,12}$/);
/** Ids close to each other (few letters), so that near matches happen. */
const nearId = fc.string({ unit: fc.constantFrom("a", "b", "-", "1"), minLength: 1, maxLength: 8 });

describe("editDistance", () => {
  it("is the optimal string alignment distance", () => {
    fc.assert(fc.property(fc.oneof(storeId, nearId), fc.oneof(storeId, nearId), (a, b) => editDistance(a, b) === naiveDistance(a, b)));
  });

  it("counts a swap of two neighbouring letters as one edit, a letter more or less or another as one", () => {
    expect(editDistance("paris-01", "pairs-01")).toBe(1);
    expect(editDistance("shop", "shpo")).toBe(1);
    expect(editDistance("paris-01", "praris-01")).toBe(1);
    expect(editDistance("paris-01", "paris-02")).toBe(1);
    expect(editDistance("shop", "shop")).toBe(0);
    expect(editDistance("ca", "abc")).toBe(3); // no character edited twice (a true Damerau distance would be 2)
  });
});

describe("nearestStores", () => {
  it("gives the known ids fewest edits away, within a third of the id's length (1 to 3), sorted", () => {
    fc.assert(
      fc.property(nearId, fc.uniqueArray(nearId, { maxLength: 8 }), (store, known) => {
        const limit = Math.min(3, Math.max(1, Math.floor(store.length / 3)));
        const within = known.filter((k) => naiveDistance(store, k) <= limit);
        const best = Math.min(...within.map((k) => naiveDistance(store, k)));
        expect(nearestStores(store, known)).toEqual(within.filter((k) => naiveDistance(store, k) === best).sort());
      }),
    );
  });

  it("names the store itself when it is known, and nothing far off", () => {
    expect(nearestStores("paris-01", ["lyon-01", "paris-01", "paris-02"])).toEqual(["paris-01"]);
    expect(nearestStores("pairs-01", ["lyon-01", "paris-01"])).toEqual(["paris-01"]);
    expect(nearestStores("berlin", ["paris-01", "lyon-01"])).toEqual([]);
    expect(nearestStores("shpo", ["shop", "annex"])).toEqual(["shop"]);
    expect(nearestStores("spoh", ["shop", "annex"])).toEqual([]); // 2 edits in 4 letters: too far to guess
    expect(nearestStores("shp", ["shop", "ship"])).toEqual(["ship", "shop"]);
  });
});

describe("unknownStoreMessage", () => {
  it("names the nearest store, the stores there are and how to mean a new one", () => {
    expect(unknownStoreMessage("pairs-01", ["lyon-01", "paris-01"], "/srv/footfall (FOOTFALL_DATA_DIR)")).toBe(
      '--store: no store "pairs-01" in /srv/footfall (FOOTFALL_DATA_DIR). Did you mean "paris-01"? The stores there (with a layout or an agent): lyon-01, paris-01. For a store not set up yet (its first saved layout creates it), add --new-store',
    );
  });

  it("says when there is no store at all, and cuts a long list after 20", () => {
    expect(unknownStoreMessage("shop", [], "x")).toContain("There is no store there yet (no layout, no agent).");
    const many = Array.from({ length: 25 }, (_, i) => `store-${String(i).padStart(4, "0")}`);
    expect(unknownStoreMessage("mall", many, "x")).toContain(
      ": store-0000, store-0001, store-0002, store-0003, store-0004, store-0005, store-0006, store-0007, store-0008, store-0009, store-0010, store-0011, store-0012, store-0013, store-0014, store-0015, store-0016, store-0017, store-0018, store-0019 and 5 more.",
    );
  });
});

describe("unknownStoreMessage of several stores, and another ending", () => {
  it("names each unknown store with its nearest, and ends with the command's own next step", () => {
    expect(unknownStoreMessage(["pairs-01", "zz"], ["lyon-01", "paris-01"], "x", "Nothing was revoked")).toBe(
      '--store: no stores "pairs-01" (did you mean "paris-01"?), "zz" in x. The stores there (with a layout or an agent): lyon-01, paris-01. Nothing was revoked',
    );
    expect(unknownStoreMessage(["pairs-01"], ["paris-01"], "x")).toBe(unknownStoreMessage("pairs-01", ["paris-01"], "x"));
    expect(unknownStoreMessage("lyno-01", ["lyon-01"], "x", "Fix it", "--bridge south")).toBe(
      '--bridge south: no store "lyno-01" in x. Did you mean "lyon-01"? The stores there (with a layout or an agent): lyon-01. Fix it',
    );
  });
});

describe("unknownStores", () => {
  it("is the stores asked for that are not known, each once, in the order asked", () => {
    fc.assert(
      fc.property(fc.array(nearId, { maxLength: 10 }), fc.array(nearId, { maxLength: 10 }), (stores, known) => {
        const expected: string[] = [];
        for (const s of stores) if (!known.includes(s) && !expected.includes(s)) expected.push(s);
        expect(unknownStores(stores, known)).toEqual(expected);
      }),
    );
  });
});

describe("newStoreNote", () => {
  const what = (plural: boolean) => (plural ? "their first agents" : "its first agent");
  it("notes a store new to a folder with others, naming the nearest; nothing for a known store or a folder with none", () => {
    expect(newStoreNote("pairs-01", ["lyon-01", "paris-01"], "x", what, "Undo it.")).toBe(
      'note: store "pairs-01" is new in x: its first agent. Did you mean "paris-01"? The stores there (with a layout or an agent): lyon-01, paris-01. Undo it.',
    );
    expect(newStoreNote("paris-01", ["lyon-01", "paris-01"], "x", what, "")).toBeNull();
    expect(newStoreNote("shop", [], "x", what, "")).toBeNull();
    expect(newStoreNote(["paris-01", "paris-02", "lille", "paris-02"], ["paris-01"], "x", what, "Undo.")).toBe(
      'note: 2 stores new in x: "paris-02" (did you mean "paris-01"?), "lille": their first agents. The stores there (with a layout or an agent): paris-01. Undo.',
    );
  });
});
