import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { drawBasket, type BasketSetting } from "./basket.js";
import { Random } from "./prng.js";

const setting = fc.record({
  buyChance: fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
  meanItems: fc.double({ min: 1, max: 6, noNaN: true }),
  price: fc.record({ median: fc.double({ min: 0, max: 500, noNaN: true }), sigma: fc.double({ min: 0, max: 2, noNaN: true }) }),
});
/** Browsed zones (distinct ids, in visiting order) and what each sells. */
const store = fc.uniqueArray(fc.constantFrom("a", "b", "c", "d", "e", "f"), { maxLength: 6 }).chain((zones) =>
  fc.tuple(fc.constant(zones), fc.array(setting, { minLength: zones.length, maxLength: zones.length })),
);

describe("drawBasket", () => {
  it("sells something exactly when a browsed zone sells anything, attributed to one of those zones, to the cent", () => {
    fc.assert(
      fc.property(store, fc.integer({ min: 0, max: 2 ** 32 - 1 }), ([zones, settings], seed) => {
        const of = new Map<string, BasketSetting>(zones.map((z, i) => [z, settings[i]!]));
        const basket = drawBasket(zones, (z) => of.get(z)!, new Random(seed));
        const selling = zones.filter((z) => of.get(z)!.buyChance > 0);
        if (selling.length === 0) {
          expect(basket).toBeNull();
          return;
        }
        expect(basket).not.toBeNull();
        expect(selling).toContain(basket!.zone);
        expect(basket!.items).toBeGreaterThanOrEqual(1);
        expect(Number.isInteger(basket!.items)).toBe(true);
        expect(basket!.amount).toBeGreaterThanOrEqual(0.01);
        expect(Math.round(basket!.amount * 100) / 100).toBe(basket!.amount);
        // The same seed draws the same basket.
        expect(drawBasket(zones, (z) => of.get(z)!, new Random(seed))).toEqual(basket);
      }),
    );
  });

  it("with fixed prices and one item per zone, is the sum of the prices, attributed to the dearest zone (the first of equals)", () => {
    const fixed = fc.uniqueArray(fc.constantFrom("a", "b", "c", "d", "e"), { minLength: 1, maxLength: 5 }).chain((zones) =>
      fc.tuple(fc.constant(zones), fc.array(fc.integer({ min: 1, max: 9_999 }), { minLength: zones.length, maxLength: zones.length })),
    );
    fc.assert(
      fc.property(fixed, fc.integer({ min: 0, max: 2 ** 32 - 1 }), ([zones, cents], seed) => {
        const price = new Map<string, number>(zones.map((z, i) => [z, cents[i]! / 100]));
        const basket = drawBasket(zones, (z): BasketSetting => ({ buyChance: 1, meanItems: 1, price: { median: price.get(z)!, sigma: 0 } }), new Random(seed));
        // The reference: every zone sells one item at its price.
        const top = Math.max(...cents);
        expect(basket).toEqual({ zone: zones[cents.indexOf(top)], amount: cents.reduce((a, b) => a + b, 0) / 100, items: zones.length });
      }),
    );
  });

  it("gives somebody who paid one item from the likeliest zone when every draw came up empty", () => {
    // buyChance so small that no draw succeeds with this seed: the fallback item.
    const of: Record<string, BasketSetting> = {
      bakery: { buyChance: 1e-12, meanItems: 3, price: { median: 2, sigma: 0 } },
      clothing: { buyChance: 2e-12, meanItems: 1, price: { median: 30, sigma: 0 } },
      rooms: { buyChance: 0, meanItems: 1, price: { median: 99, sigma: 0 } },
    };
    expect(drawBasket(["bakery", "clothing", "rooms"], (z) => of[z]!, new Random(7))).toEqual({ zone: "clothing", amount: 30, items: 1 });
  });
});
