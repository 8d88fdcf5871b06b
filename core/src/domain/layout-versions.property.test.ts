/**
 * The layout version in force against its definition, and the next change against a walk of the
 * clock: the layout in force is the same at every instant before the change and another at it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { layoutAt, layoutCancel, nextLayoutChange, scheduledVersions } from "./layout-versions.js";

const RUNS = { numRuns: 300 };

interface V {
  version: number;
  validFrom: number;
}

/** Versions as storage returns them: ordered by validFrom, then version (versions numbered in save order). */
const versions = fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 8 }).map((froms): V[] =>
  froms.map((validFrom, i) => ({ version: i + 1, validFrom })).sort((a, b) => a.validFrom - b.validFrom || a.version - b.version),
);

const later = (a: V, b: V) => a.validFrom > b.validFrom || (a.validFrom === b.validFrom && a.version > b.version);

/** By the definition: the latest version started by `ts`; before the first, the first. */
function naiveAt(vs: readonly V[], ts: number): V | undefined {
  const started = vs.filter((v) => v.validFrom <= ts);
  if (started.length === 0) return vs.reduce<V | undefined>((a, v) => (a && !later(a, v) ? a : v), undefined);
  return started.reduce((a, v) => (later(v, a) ? v : a));
}

describe("layoutAt", () => {
  it("is the latest version with validFrom <= ts (by validFrom, then version), the first before any", () => {
    fc.assert(
      fc.property(versions, fc.integer({ min: -5, max: 70 }), (vs, ts) => {
        expect(layoutAt(vs, ts)).toBe(naiveAt(vs, ts));
      }),
      RUNS,
    );
  });

  it("is undefined without versions", () => {
    expect(layoutAt([], 5)).toBeUndefined();
  });
});

describe("nextLayoutChange", () => {
  it("is the first instant after now with another version in force; null when the one in force now stays", () => {
    fc.assert(
      fc.property(versions, fc.integer({ min: -5, max: 70 }), (vs, now) => {
        const next = nextLayoutChange(vs, now);
        const inForce = layoutAt(vs, now);
        const until = next ?? 80;
        for (let t = now; t < until; t++) expect(layoutAt(vs, t)).toBe(inForce);
        if (next !== null) {
          expect(next).toBeGreaterThan(now);
          expect(layoutAt(vs, next)).not.toBe(inForce);
        }
      }),
      RUNS,
    );
  });

  it("ignores the first version's own validFrom (it is in force before it too)", () => {
    expect(nextLayoutChange([{ validFrom: 100 }], 0)).toBeNull();
    expect(nextLayoutChange([{ validFrom: 100 }, { validFrom: 200 }], 0)).toBe(200);
    expect(nextLayoutChange([{ validFrom: 100 }, { validFrom: 200 }], 200)).toBeNull();
  });
});

describe("layoutCancel", () => {
  it("allows only a version not yet in force; cancelling it changes no layout in force up to now", () => {
    fc.assert(
      fc.property(versions, fc.integer({ min: 0, max: 9 }), fc.integer({ min: -5, max: 70 }), (vs, version, now) => {
        const check = layoutCancel(vs, version, now);
        const v = vs.find((x) => x.version === version);
        if (!v) {
          expect(check).toBe("unknown");
          return;
        }
        if (layoutAt(vs, now) === v) {
          expect(check).toBe("in force");
          return;
        }
        expect(check).toBe(v.validFrom <= now ? "past" : "cancellable");
        if (check !== "cancellable") return;
        const rest = vs.filter((x) => x !== v);
        for (let t = -5; t <= now; t++) expect(layoutAt(rest, t)).toBe(layoutAt(vs, t));
      }),
      RUNS,
    );
  });

  it("never allows a store's only version, even one from a later date (it is in force before it, too)", () => {
    expect(layoutCancel([{ version: 1, validFrom: 50 }], 1, 10)).toBe("in force");
    expect(layoutCancel([{ version: 1, validFrom: 0 }, { version: 2, validFrom: 50 }], 2, 10)).toBe("cancellable");
    expect(layoutCancel([{ version: 1, validFrom: 0 }, { version: 2, validFrom: 50 }], 2, 50)).toBe("in force");
    expect(layoutCancel([{ version: 1, validFrom: 0 }, { version: 2, validFrom: 50 }], 3, 10)).toBe("unknown");
  });

  it("scheduledVersions lists the cancellable ones of versions in any order, by validFrom", () => {
    fc.assert(
      fc.property(versions, fc.integer({ min: -5, max: 70 }), (vs, now) => {
        const shuffled = [...vs].sort((a, b) => b.version - a.version);
        expect(scheduledVersions(shuffled, now)).toEqual(vs.filter((v) => layoutCancel(vs, v.version, now) === "cancellable").map((v) => v.version));
      }),
      RUNS,
    );
  });
});
