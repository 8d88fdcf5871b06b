import type { FootfallEvent, LayoutInput, Zone, ZoneId } from "@footfall/core";
import { EventFactory, prng } from "../../support/index.js";
import { shopLayout } from "./store.js";

/** The shop after the change: the promo table moved next to the entrance (same id, new outline). */
export function shopLayoutAfter(validFrom: number): LayoutInput {
  const base = shopLayout();
  return {
    ...base,
    validFrom,
    zones: base.zones.map((z): Zone => (z.id === "promo" ? { ...z, polygon: [[12, 12], [18, 12], [18, 15.5], [12, 15.5]] } : z)),
  };
}

const SHOP = ["fruit", "bakery", "drinks", "clothing"] as const;

/**
 * `n` trips spread evenly over `[from, from + spanMs)`: the entrance, the promo table for a share
 * `promoShare` of them, one shop zone (long stays at the drinks), and the checkout for most.
 * Deterministic for a seed; visitor ids carry the seed so periods and stores never share one.
 */
export function promoTrips(f: EventFactory, from: number, spanMs: number, n: number, promoShare: number, seed: number): FootfallEvent[] {
  const rnd = prng(seed);
  const events: FootfallEvent[] = [];
  for (let v = 0; v < n; v++) {
    let t = from + Math.floor(((v + rnd()) / n) * (spanMs - 20 * 60_000));
    const route: string[] = ["entrance"];
    if (rnd() < promoShare) route.push("promo");
    route.push(SHOP[Math.floor(rnd() * SHOP.length)]!);
    if (rnd() < 0.8) route.push("checkout");
    for (const zone of route) {
      const dwell = 1000 * (zone === "entrance" ? 5 + rnd() * 15 : zone === "drinks" ? 200 + rnd() * 200 : 20 + rnd() * 120);
      events.push(...f.visit(`s${seed}-${v}`, zone as ZoneId, t, Math.round(dwell)));
      t += Math.round(dwell) + 1000;
    }
  }
  return events;
}

/**
 * A sales CSV: `n` sales over the range at the promo table, the fruit stand, the bakery, the
 * checkout, the "Fashion" department and now and then the drinks, then the rows a real export gets wrong: a transaction repeated, an amount with a
 * currency sign, a department nobody mapped. Returns the text and the file lines of the bad rows.
 */
export function salesCsv(from: number, to: number, n: number, seed = 11): { csv: string; good: number; duplicateLine: number; badLines: number[] } {
  const rnd = prng(seed);
  const lines = ["timestamp,zone,department,amount,items,transaction"];
  for (let i = 0; i < n; i++) {
    const ts = from + Math.floor(((i + rnd()) / n) * (to - from - 3_600_000));
    // Most zones sell; the drinks, where shoppers linger, sell once in a while.
    const where = i % 20 === 19 ? "drinks," : ["promo,", "fruit,", "bakery,", "checkout,", ",Fashion"][i % 5]!;
    lines.push(`${new Date(ts).toISOString()},${where},${(5 + rnd() * 60).toFixed(2)},${1 + Math.floor(rnd() * 4)},T${String(i).padStart(5, "0")}`);
  }
  const at = new Date(from + 3_600_000).toISOString();
  lines.push(lines[1]!); // the first sale again, as a till export that overlaps the previous one
  const duplicateLine = lines.length;
  lines.push(`${at},fruit,,€4.50,1,T90001`);
  lines.push(`${at},,Garden,20.00,2,T90002`);
  return { csv: lines.join("\n") + "\n", good: n, duplicateLine, badLines: [lines.length - 1, lines.length] };
}
