/**
 * Seeded shoppers for layout experiments, where the truth is known: every trip enters the store,
 * reaches the promo table with a probability that the test sets per period, may visit the fruit
 * zone, and ends at the checkout, buying there or not. The same seed gives the same events.
 */
import type { FootfallEvent, LayoutInput } from "@footfall/core";
import { EventFactory, prng, rectZone } from "./fixtures.js";

const S = 1000;
const HOUR = 3_600_000;

/** A store with a promo table, 20 x 10 m; `promoAt` moves the table (the layout change of an experiment). */
export function promoLayout(opts: { validFrom?: number; promoAt?: [number, number]; timezone?: string } = {}): LayoutInput {
  const [px, py] = opts.promoAt ?? [14, 6];
  return {
    name: "Promo store",
    validFrom: opts.validFrom ?? 0,
    timezone: opts.timezone ?? "Europe/Paris",
    floor: { width: 20, height: 10 },
    zones: [
      rectZone("entrance", "entrance", 0, 0, 3, 10),
      rectZone("promo", "zone", px, py, 3, 3),
      rectZone("fruit", "zone", 4, 0, 6, 5),
      rectZone("checkout", "checkout", 17, 0, 3, 5),
    ],
  };
}

export interface ShopperOptions {
  seed: number;
  agent: string;
  /** Trips start in [from, to), during opening hours only. */
  from: number;
  to: number;
  /** Opening hours in UTC, [open, close). */
  open?: number;
  close?: number;
  /** Trips per opening hour. */
  tripsPerHour: number;
  /** Chance that a trip starting at `ts` reaches the promo table. */
  promoReach(ts: number): number;
  /** Chance that a trip at the checkout buys; 0.6 by default. */
  buys?: number;
}

export interface Shoppers {
  events: FootfallEvent[];
  /** One transaction per buying trip, at its checkout exit. */
  sales: { ts: number; zone: string; amount: number; items: number; transaction: string }[];
  trips: number;
  promoTrips: number;
}

/** Trips of `opts.tripsPerHour` per opening hour, each a run of closed visits a few seconds apart. */
export function simulateShoppers(opts: ShopperOptions): Shoppers {
  const random = prng(opts.seed);
  const between = (a: number, b: number) => Math.round(a + random() * (b - a));
  const f = new EventFactory(opts.agent);
  const out: Shoppers = { events: [], sales: [], trips: 0, promoTrips: 0 };
  const open = opts.open ?? 8;
  const close = opts.close ?? 19;
  for (let hour = Math.ceil(opts.from / HOUR) * HOUR; hour < opts.to; hour += HOUR) {
    const h = new Date(hour).getUTCHours();
    if (h < open || h >= close) continue;
    for (let i = 0; i < opts.tripsPerHour; i++) {
      const visitor = `${opts.agent}-${out.trips++}`;
      let ts = hour + between(0, HOUR / S - 1) * S;
      const zones = ["entrance"];
      if (random() < opts.promoReach(ts)) {
        zones.push("promo");
        out.promoTrips++;
      }
      if (random() < 0.5) zones.push("fruit");
      zones.push("checkout");
      for (const zone of zones) {
        const dwell = (zone === "entrance" ? between(3, 15) : zone === "checkout" ? between(60, 240) : between(20, 180)) * S;
        out.events.push(...f.visit(visitor, zone, ts, dwell));
        ts += dwell + between(2, 30) * S;
      }
      if (random() < (opts.buys ?? 0.6))
        out.sales.push({ ts: ts - 1000, zone: "checkout", amount: between(5, 80), items: between(1, 6), transaction: `${visitor}-t` });
    }
  }
  return out;
}

/** The sales as the CSV that `POST /api/v1/stores/:store/sales` takes. */
export function salesCsv(sales: Shoppers["sales"]): string {
  return ["timestamp,zone,department,amount,items,transaction", ...sales.map((s) => `${s.ts},${s.zone},,${s.amount},${s.items},${s.transaction}`)].join("\n");
}
