import type { LayoutInput, Zone, ZoneKind } from "./protocol/layout.js";

type Rect = [x0: number, y0: number, x1: number, y1: number];
function zone(id: string, name: string, kind: ZoneKind, [x0, y0, x1, y1]: Rect, capacity: number, queueFor?: string): Zone {
  return {
    id: id as Zone["id"],
    name,
    kind,
    polygon: [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
    ],
    capacity,
    ...(queueFor !== undefined ? { queueFor } : {}),
  };
}

/**
 * The built-in demo store, a 30 x 20 m supermarket with a small clothing corner: 11 zones in three
 * rows with 1.5-2 m aisles between them, the entrance and the tills along the bottom wall, and the
 * tills' waiting line (a zone of kind `queue`) in the aisle in front of them.
 * The server's `footfall demo` seeds it and the simulator walks it: one copy, so both agree on
 * zone ids (`edge/examples/demo-layout.json` holds the same, for people to start from).
 */
export const DEMO_LAYOUT: LayoutInput = {
  store: "demo",
  name: "Demo Store",
  validFrom: 1_735_689_600_000, // 2025-01-01T00:00:00Z
  timezone: "Europe/Paris",
  currency: "EUR",
  floor: { width: 30, height: 20 },
  zones: [
    zone("entrance", "Entrance", "entrance", [0.5, 15.5, 6, 19.5], 20),
    zone("fruit-veg", "Fruit & vegetables", "zone", [1, 8.5, 8, 14], 25),
    zone("bakery", "Bakery", "zone", [1, 1, 7, 6.5], 15),
    zone("dairy", "Dairy", "zone", [8.5, 1, 14, 6.5], 15),
    zone("drinks", "Drinks", "zone", [15.5, 1, 21, 6.5], 15),
    zone("household", "Household", "zone", [22.5, 1, 29, 6.5], 15),
    zone("promo", "Promotions", "zone", [10, 9, 14.5, 13.5], 10),
    zone("clothing", "Clothing", "zone", [16.5, 8.5, 24, 14], 20),
    zone("fitting-room", "Fitting rooms", "fitting-room", [25.5, 8.5, 29, 12.5], 6),
    zone("frozen", "Frozen food", "zone", [18, 15.5, 24, 19], 12),
    zone("checkout", "Checkout", "checkout", [8, 15.5, 16, 19], 20),
    zone("checkout-queue", "Checkout queue", "queue", [8.5, 13.8, 16, 15.3], 12, "checkout"),
  ],
};

/** The demo store's arrivals multiplier per local hour (0-23): closed at night, peaks at lunch and after work; nobody comes in from 21:00. */
export const DEMO_HOURLY_CURVE: readonly number[] = [
  0, 0, 0, 0, 0, 0, 0, 0, // 00-07 closed
  0.25, 0.4, 0.5, 0.7, 1.0, 0.9, 0.55, 0.5, // 08-15: lunch peak at 12
  0.6, 0.85, 1.0, 0.8, 0.4, 0, 0, 0, // 16-23: evening peak at 18, closes at 21
];

/**
 * Minutes a demo store stays open after its last arrivals (`hoursCoveringCurve`): at closing the
 * simulated shoppers head for the tills and out, all gone well within it (a real store's doors
 * close to newcomers while the last customers pay).
 */
export const DEMO_CLOSING_GRACE_MINUTES = 30;

/**
 * Hours `footfall demo` back-fills at its first start by default (`--backfill-hours`). Three days:
 * the seeded layout change then sits 36 h back (`demoChangeAgoMs`), so the Experiments form finds a
 * full day of data on both sides of it whatever the hour the demo starts. With two days the change
 * sat 24 h back with no slack: a back-fill beginning between the last arrivals and the closing
 * (21:00-21:30 in the store's time) left 23.x hours before it, and the form offered no comparison.
 */
export const DEMO_BACKFILL_HOURS = 72;

/** Hours a chain demo (`footfall demo --stores N`) back-fills by default: two days, its stores have no seeded change to judge, and each hour is N stores' worth. */
export const DEMO_CHAIN_BACKFILL_HOURS = 48;

/**
 * How long ago the demo store's layout changed, at its first run: a whole day before and one after
 * it fit in the back-filled history (the Experiments form's shortest periods), and with a longer
 * history the change sits in its middle (up to 3 days on each side at the simulator's 160 h).
 */
export function demoChangeAgoMs(backfillHours: number): number {
  return Math.max(24, Math.floor(backfillHours / 2)) * 3_600_000;
}
