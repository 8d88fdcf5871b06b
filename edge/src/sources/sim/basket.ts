import type { Random } from "./prng.js";

/** What visitors buy in one zone: how often, how many items, at what price. */
export interface BasketSetting {
  /** Chance that a paying visitor who browsed the zone takes something from it (0-1). */
  buyChance: number;
  /** Items taken when they do, on average (at least 1). */
  meanItems: number;
  /** Price of one item: log-normal with this median and spread. */
  price: { median: number; sigma: number };
}

/** One simulated till transaction, as a till system would export it. */
export interface SimSale {
  /** Unique per run: the visitor's id after `t-`. */
  transaction: string;
  /** When the customer paid (simulated ms: the end of the service at the till). */
  ts: number;
  /** When the customer came in (simulated ms): a restart's back-fill makes the customers who came in after its start again, their sales with them. */
  arrived: number;
  /** The browsed zone the larger part of the basket came from (what conversion per zone counts). */
  zone: string;
  /** Total, in the store's currency, to the cent. */
  amount: number;
  items: number;
}

/** A basket: its total, items and the zone it is attributed to. */
export type Basket = Pick<SimSale, "zone" | "amount" | "items">;

/**
 * The basket of a paying visitor who browsed `zones` (in the order visited): from each zone,
 * with its `buyChance`, 1 + Poisson(meanItems - 1) items at log-normal prices. Somebody who
 * queued and paid bought something: when every zone's draw came up empty, one item from the zone
 * with the highest `buyChance` (the first of them). The basket is attributed to the zone that
 * made up most of its amount (the first of equals), as a till's department total would place it.
 * Null when no browsed zone sells anything (every `buyChance` 0, or none browsed).
 */
export function drawBasket(zones: readonly string[], basketOf: (zone: string) => BasketSetting, rng: Random): Basket | null {
  const spent = new Map<string, number>();
  let items = 0;
  const take = (zone: string, setting: BasketSetting, n: number): void => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.max(0.01, setting.price.median * Math.exp(setting.price.sigma * rng.normal()));
    spent.set(zone, (spent.get(zone) ?? 0) + sum);
    items += n;
  };
  const settings = zones.map((zone) => basketOf(zone));
  zones.forEach((zone, i) => {
    const setting = settings[i]!;
    if (setting.buyChance > 0 && rng.chance(setting.buyChance)) take(zone, setting, 1 + rng.poisson(Math.max(0, setting.meanItems - 1)));
  });
  if (items === 0) {
    let best = -1;
    settings.forEach((s, i) => {
      if (s.buyChance > 0 && (best < 0 || s.buyChance > settings[best]!.buyChance)) best = i;
    });
    if (best < 0) return null;
    take(zones[best]!, settings[best]!, 1);
  }
  let zone = "";
  let top = -1;
  let amount = 0;
  for (const [z, sum] of spent) {
    amount += sum;
    if (sum > top) [zone, top] = [z, sum];
  }
  return { zone, amount: Math.round(amount * 100) / 100, items };
}
