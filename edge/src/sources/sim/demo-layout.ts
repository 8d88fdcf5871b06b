import { DEMO_LAYOUT } from "@footfall/core";
import type { BasketSetting } from "./basket.js";

export { DEMO_LAYOUT };


/** Median dwell (seconds) and spread per demo zone: what makes the demo's zones differ. */
export const DEMO_DWELL: Record<string, { medianS: number; sigma: number }> = {
  entrance: { medianS: 8, sigma: 0.4 },
  "fruit-veg": { medianS: 110, sigma: 0.6 },
  bakery: { medianS: 75, sigma: 0.5 },
  dairy: { medianS: 40, sigma: 0.5 },
  drinks: { medianS: 50, sigma: 0.6 },
  household: { medianS: 90, sigma: 0.7 },
  promo: { medianS: 30, sigma: 0.6 },
  clothing: { medianS: 200, sigma: 0.7 },
  "fitting-room": { medianS: 360, sigma: 0.5 },
  frozen: { medianS: 45, sigma: 0.5 },
  checkout: { medianS: 75, sigma: 0.4 }, // at a till, after the queue (the line is the queue zone's, from the tills open)
};

/** How much each demo zone draws visitors (1 = average). */
export const DEMO_ATTRACTION: Record<string, number> = {
  "fruit-veg": 1.6,
  promo: 1.3,
  bakery: 1.2,
  dairy: 1.1,
  drinks: 0.9,
  frozen: 0.7,
  household: 0.6,
  clothing: 0.6,
  "fitting-room": 0.15,
};

/** Multipliers on the demo's zone-to-zone moves (most people start at fruit & veg; the fitting rooms are reached from clothing). */
export const DEMO_TRANSITIONS: Record<string, Record<string, number>> = {
  entrance: { "fruit-veg": 3, promo: 1.5 },
  clothing: { "fitting-room": 12 },
  "fitting-room": { clothing: 4 },
  bakery: { dairy: 1.5 },
};

/**
 * What a paying visitor of the demo store buys in each zone it browsed (prices in the layout's
 * currency): groceries often and cheaply, clothing rarely and dearly. The fitting rooms sell
 * nothing themselves: what is tried on is paid for as clothing.
 */
export const DEMO_BASKET: Record<string, BasketSetting> = {
  "fruit-veg": { buyChance: 0.8, meanItems: 3, price: { median: 1.6, sigma: 0.5 } },
  bakery: { buyChance: 0.7, meanItems: 2, price: { median: 2.2, sigma: 0.4 } },
  dairy: { buyChance: 0.75, meanItems: 2.5, price: { median: 1.9, sigma: 0.4 } },
  drinks: { buyChance: 0.6, meanItems: 3, price: { median: 2.4, sigma: 0.6 } },
  household: { buyChance: 0.45, meanItems: 2, price: { median: 4.5, sigma: 0.7 } },
  promo: { buyChance: 0.55, meanItems: 1.5, price: { median: 3.5, sigma: 0.5 } },
  clothing: { buyChance: 0.2, meanItems: 1.3, price: { median: 24, sigma: 0.6 } },
  "fitting-room": { buyChance: 0, meanItems: 1, price: { median: 1, sigma: 0 } },
  frozen: { buyChance: 0.6, meanItems: 2, price: { median: 3.2, sigma: 0.5 } },
};
