/**
 * The layout version in force against its definition, and the next change against a walk of the
 * clock: the layout in force is the same at every instant before the change and another at it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isId } from "../protocol/ids.js";
import { layoutAt, layoutCancel, nextLayoutChange, pastVersionAt, scheduledAt, scheduledVersions, zoneIdFromName, zonesUsed } from "./layout-versions.js";

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

describe("pastVersionAt: the past version a save at its instant would take the place of", () => {
  /** Whether `v` is in force at some instant from its date (or from now, for a store's first version dated later). */
  const hasPeriod = (vs: readonly V[], v: V, now: number) => {
    for (let t = Math.min(v.validFrom, now); t <= 70; t++) if (layoutAt(vs, t) === v) return true;
    return false;
  };
  /**
   * Whether `v` is in force at some instant from its own date. The first version's time before its date (or from now,
   * dated later) is only the fallback for times before any version: a save dated earlier takes it, as it should, and
   * leaves its own time as it was (versions 1 and 2 both dated 24, a save dated 0: version 1 was in force only before
   * 24, for want of another).
   */
  const hasOwnPeriod = (vs: readonly V[], v: V) => {
    for (let t = v.validFrom; t <= 70; t++) if (layoutAt(vs, t) === v) return true;
    return false;
  };
  it("names the version a save would leave in force at no instant, and a save it (and scheduledAt) lets through leaves every version its time", () => {
    fc.assert(
      fc.property(versions, fc.integer({ min: 0, max: 60 }), fc.integer({ min: -5, max: 70 }), (vs, at, now) => {
        const found = pastVersionAt([...vs].reverse(), at, now);
        // A new version saved at `at` (the highest number).
        const after = [...vs, { version: vs.length + 1, validFrom: at }].sort((a, b) => a.validFrom - b.validFrom || a.version - b.version);
        if (found) {
          expect([found.validFrom, at <= now, found === layoutAt(vs, at)]).toEqual([at, true, true]);
          expect(hasPeriod(vs, found, now)).toBe(true);
          expect(hasPeriod(after, found, now)).toBe(false);
          return;
        }
        if (at <= now) expect(vs.some((v) => v.validFrom === at)).toBe(false);
        if (scheduledAt(vs, at, now)) return;
        for (const v of vs) {
          if (!hasPeriod(vs, v, now)) continue;
          if (at < v.validFrom) expect(hasOwnPeriod(after, v), `version ${v.version}`).toBe(hasOwnPeriod(vs, v));
          else expect(hasPeriod(after, v, now), `version ${v.version}`).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it("names the version in force at that instant, a store's first included; never one ahead", () => {
    const vs = [{ version: 1, validFrom: 0 }, { version: 3, validFrom: 20 }, { version: 4, validFrom: 40 }];
    expect(pastVersionAt(vs, 0, 30)).toEqual({ version: 1, validFrom: 0 });
    expect(pastVersionAt(vs, 20, 30)).toEqual({ version: 3, validFrom: 20 });
    expect(pastVersionAt(vs, 20, 20)).toEqual({ version: 3, validFrom: 20 });
    expect(pastVersionAt(vs, 21, 30)).toBeNull(); // a later instant: a new version from then
    expect(pastVersionAt(vs, 40, 30)).toBeNull(); // saved for later: scheduledAt's
    expect(pastVersionAt([{ version: 1, validFrom: 50 }], 50, 10)).toBeNull(); // a store's first, dated later
    // Two alike already (saved before this rule): the one in force then.
    expect(pastVersionAt([{ version: 2, validFrom: 5 }, { version: 1, validFrom: 5 }], 5, 9)).toEqual({ version: 2, validFrom: 5 });
  });
});

describe("scheduledAt: the version a save at the same instant replaces", () => {
  it("is the version saved for later at exactly that time, and without it the layout in force is the same at every instant", () => {
    fc.assert(
      fc.property(versions, fc.integer({ min: 0, max: 60 }), fc.integer({ min: -5, max: 70 }), (vs, at, now) => {
        const found = scheduledAt([...vs].reverse(), at, now);
        const same = vs.filter((v) => v.validFrom === at && layoutCancel(vs, v.version, now) === "cancellable");
        expect(found).toBe(same[0] ?? null);
        if (!found || at <= now) return;
        // A new version saved at `at` (the highest number) is in force at every instant the replaced one would be.
        const saved = { version: vs.length + 1, validFrom: at };
        const kept = [...vs, saved].sort((a, b) => a.validFrom - b.validFrom || a.version - b.version);
        const replaced = kept.filter((v) => v !== found);
        for (let t = -5; t <= 70; t++) expect(layoutAt(replaced, t)).toBe(layoutAt(kept, t));
      }),
      RUNS,
    );
  });

  it("never names the version in force, a past one, or one at another time", () => {
    const vs = [{ version: 1, validFrom: 50 }];
    expect(scheduledAt(vs, 50, 10)).toBeNull(); // a store's first version is in force before its date
    const two = [{ version: 1, validFrom: 0 }, { version: 2, validFrom: 50 }];
    expect(scheduledAt(two, 50, 10)).toEqual({ version: 2, validFrom: 50 });
    expect(scheduledAt(two, 50, 50)).toBeNull();
    expect(scheduledAt(two, 51, 10)).toBeNull();
  });
});

describe("zone ids: a new zone never takes a removed zone's id (and so its history)", () => {
  const ids = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,12}$/);
  const names = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom("Coffee bar", "Fruit & veg", "Café", "constructor", "Constructor", "x".repeat(70), "-- a --", "🙂", "Zone 2"));
  it("gives an id none of the taken ones, valid, made of the name's slug, the slug itself when free", () => {
    fc.assert(
      fc.property(names, fc.uniqueArray(ids, { maxLength: 20 }), (name, taken) => {
        const set = new Set(taken);
        const id = zoneIdFromName(name, set);
        const slug = zoneIdFromName(name, new Set());
        if (slug === null) {
          expect(id).toBeNull();
          return;
        }
        expect(id).not.toBeNull();
        expect(isId(id)).toBe(true);
        expect(set.has(id!)).toBe(false);
        if (!set.has(slug)) expect(id).toBe(slug);
        else expect(id!.startsWith(slug.slice(0, 40))).toBe(true);
      }),
      RUNS,
    );
  });

  it("a new Coffee bar after the old one was removed is coffee-bar-2; the names' ids as before otherwise", () => {
    const layouts = [
      { version: 1, validFrom: 0, zones: [{ id: "entrance", name: "Entrance" }, { id: "coffee-bar", name: "Coffee bar" }] },
      { version: 2, validFrom: 10, zones: [{ id: "entrance", name: "Front door" }] },
    ];
    const used = zonesUsed(layouts);
    expect(used).toEqual([
      { id: "coffee-bar", name: "Coffee bar", version: 1, validFrom: 0 },
      { id: "entrance", name: "Front door", version: 2, validFrom: 10 },
    ]);
    const taken = new Set(used.map((z) => z.id));
    expect(zoneIdFromName("Coffee bar", taken)).toBe("coffee-bar-2");
    expect(zoneIdFromName("Coffee  Bar!", new Set([...taken, "coffee-bar-2"]))).toBe("coffee-bar-3");
    expect(zoneIdFromName("Fruit & veg", taken)).toBe("fruit-veg");
    expect(zoneIdFromName("Constructor", new Set())).toBe("constructor-2");
    expect(zoneIdFromName("!!!", taken)).toBeNull();
  });

  it("zonesUsed names each id as its latest version (by validFrom, then version) did, whatever the order given", () => {
    fc.assert(
      fc.property(versions, fc.array(fc.array(fc.constantFrom("a", "b", "c"), { maxLength: 3 }), { minLength: 8, maxLength: 8 }), (vs, zoneSets) => {
        const layouts = vs.map((v) => ({ ...v, zones: [...new Set(zoneSets[v.version - 1])].map((id) => ({ id, name: `${id}@${v.version}` })) }));
        const used = zonesUsed([...layouts].reverse());
        const expected = new Map<string, string>();
        for (const l of layouts) for (const z of l.zones) expected.set(z.id, z.name);
        expect(used.map((u) => [u.id, u.name])).toEqual([...expected].sort((a, b) => a[0].localeCompare(b[0])));
      }),
      RUNS,
    );
  });
});
