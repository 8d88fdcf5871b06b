/** The simulated chain's stores: the same for a seed, each a sound layout with its own hours and crowd, walked by the sim engine. */
import { describe, expect, it } from "vitest";
import { isId, layoutInputValidator, layoutProblems } from "@footfall/core";
import { SimEngine } from "../sources/sim/engine.js";
import { hourOfDay } from "../sources/sim/clock.js";
import { checkSimSettings } from "../sources/sim/settings.js";
import { chainStores, STORE_FORMATS, type ChainStore } from "./stores.js";

const HOUR = 3_600_000;
/** A simulated day of one store through the sim engine (as the agent runs it), from local midnight. */
function day(store: ChainStore) {
  const checked = checkSimSettings({ ...store.settings, layout: store.layout });
  expect(checked.problems).toEqual([]);
  // 2026-03-10 00:00 in the store's time zone (within an hour: the zone's offset is at most ±12 h).
  let start = Date.UTC(2026, 2, 10);
  while (hourOfDay(start, store.layout.timezone) !== 0) start += HOUR;
  const engine = new SimEngine({ settings: checked.value, layout: store.layout, seed: store.settings.seed, startMs: start, idSalt: "t" });
  return { start, events: engine.advance(start + 24 * HOUR), engine };
}

describe("chainStores", () => {
  it("gives the same chain for the same seed, and store N the same in a chain of any size", () => {
    expect(chainStores({ count: 30, seed: 7 })).toEqual(chainStores({ count: 30, seed: 7 }));
    expect(chainStores({ count: 200, seed: 7 }).slice(0, 30)).toEqual(chainStores({ count: 30, seed: 7 }));
    expect(chainStores({ count: 30, seed: 8 })).not.toEqual(chainStores({ count: 30, seed: 7 }));
  });

  it("names stores <prefix>-0001.. with valid, unique ids and unique names", () => {
    const stores = chainStores({ count: 300, prefix: "shop" });
    expect(stores[0]!.store).toBe("shop-0001");
    expect(stores[299]!.store).toBe("shop-0300");
    expect(stores.every((s) => isId(s.store) && isId(s.agent))).toBe(true);
    expect(new Set(stores.map((s) => s.store)).size).toBe(300);
    expect(new Set(stores.map((s) => s.name)).size).toBe(300);
    // "<brand> <city> n" only after "<brand> <city> n-1" (or "<brand> <city>" for 2): no "Footfall Tech Berlin 2" without a first.
    const names = new Set<string>();
    for (const s of stores) {
      const m = / (\d+)$/.exec(s.name);
      if (m) expect(names.has(Number(m[1]) === 2 ? s.name.slice(0, m.index) : `${s.name.slice(0, m.index)} ${Number(m[1]) - 1}`), s.name).toBe(true);
      names.add(s.name);
    }
  });

  it("gives every store a layout the server accepts: schema, time zone, zones on the floor, an entrance and a checkout", () => {
    for (const s of chainStores({ count: 300, seed: 3 })) {
      expect(layoutInputValidator.check(s.layout), s.store).toBe(true);
      expect(layoutProblems(s.layout), s.store).toEqual([]);
      expect(s.layout.store).toBe(s.store);
      expect(s.layout.zones.filter((z) => z.kind === "entrance").length, s.store).toBe(1);
      expect(
        s.layout.zones.some((z) => z.kind === "checkout"),
        s.store,
      ).toBe(true);
    }
  });

  it("mixes formats, cities and time zones, and stores of one format differ in size, layout and crowd", () => {
    const stores = chainStores({ count: 300, seed: 3 });
    expect(new Set(stores.map((s) => s.format))).toEqual(new Set(STORE_FORMATS));
    expect(new Set(stores.map((s) => s.layout.timezone)).size).toBeGreaterThanOrEqual(5);
    const markets = stores.filter((s) => s.format === "supermarket");
    expect(new Set(markets.map((s) => s.layout.floor.width)).size).toBeGreaterThan(3);
    expect(new Set(markets.map((s) => s.settings.arrivalsPerHour)).size).toBeGreaterThan(10);
    expect(new Set(markets.map((s) => s.layout.zones.map((z) => z.id).join())).size).toBeGreaterThan(10);
  });

  it("opens each store at its hours: no arrivals while closed, a curve peaking at 1 while open", () => {
    for (const s of chainStores({ count: 100, seed: 5 })) {
      const curve = s.settings.hourlyCurve;
      expect(curve).toHaveLength(24);
      curve.forEach((v, h) => {
        if (h < s.opens || h >= s.closes) expect(v, `${s.store} ${h}h`).toBe(0);
        else expect(v, `${s.store} ${h}h`).toBeGreaterThan(0);
      });
      expect(Math.max(...curve)).toBe(1);
    }
  });

  it("makes a believable day per store: visitors only while open, events only in the store's own zones", () => {
    for (const store of chainStores({ count: 12, seed: 11 })) {
      const { events, engine } = day(store);
      const zones = new Set<string>(store.layout.zones.map((z) => z.id));
      const arrivals = engine.stats().arrivals;
      // The busiest hour sees about arrivalsPerHour; a day several hours of it.
      expect(arrivals, store.store).toBeGreaterThan(store.settings.arrivalsPerHour * 2);
      expect(arrivals, store.store).toBeLessThan(store.settings.arrivalsPerHour * 16);
      for (const [i, e] of events.entries()) {
        if ("zone" in e) expect(zones.has(e.zone), `${store.store}: ${e.zone}`).toBe(true);
        // The local hour of every 10th enter (time-zone formatting is slow).
        if (e.type === "enter" && i % 10 === 0) {
          const h = hourOfDay(e.ts, store.layout.timezone);
          // Entered while open (a visitor arriving just before closing browses on for a while).
          expect(h >= store.opens && h <= Math.min(23, store.closes + 1), `${store.store} enter at ${h}h (open ${store.opens}-${store.closes})`).toBe(true);
        }
      }
    }
  });

  it("sells in the store's currency: every basket in the euro stores' prices times the city's rate, as the sim reads its settings", () => {
    const stores = chainStores({ count: 60, seed: 3 });
    const euro = new Map(stores.filter((s) => s.layout.currency === "EUR").map((s) => [s.format, s]));
    const rate = { EUR: 1, GBP: 0.85, PLN: 4.3, USD: 1.1 } as Record<string, number>;
    expect(new Set(stores.map((s) => s.layout.currency))).toEqual(new Set(["EUR", "GBP", "PLN", "USD"]));
    for (const store of stores) {
      const reference = euro.get(store.format)!;
      const read = (s: ChainStore) => checkSimSettings({ ...s.settings, layout: s.layout }).value.basket;
      // Each zone browsed, as the sim reads it (the demo store's euro baskets merged in for the ids not given must not win).
      for (const [id, , kind] of store.layout.zones.map((z) => [z.id as string, z.name, z.kind] as const)) {
        if (kind !== "zone" && kind !== "other") continue;
        const price = read(store)[id]!.price.median;
        expect(price, `${store.store} ${store.city} ${id}`).toBe(Math.round(read(reference)[id]!.price.median * rate[store.layout.currency!]! * 100) / 100);
      }
    }
  });

  it("refuses a number of stores it cannot make", () => {
    expect(() => chainStores({ count: 0 })).toThrow(/--stores must be a whole number from 1 to 100000/);
  });
});
