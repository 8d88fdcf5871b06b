/**
 * The live screens' shop on the demo's layout (live-kiosk-labels, live-kiosk-not-counted, live-phone,
 * nothing-counted-screens): the seeded shop of `withShop` with DEMO_LAYOUT (valid from a day ago) and one person
 * in each of its twelve zones, counted by cam-1 a minute ago, so that cam-1 offline leaves nothing counted.
 */
import { DEMO_LAYOUT, type FootfallEvent } from "@footfall/core";
import type { ServerProcessOptions } from "../../support/index.js";
import { withShop, type BrowserShop } from "./shop.js";
import type { SeededStore } from "./store.js";

/** The demo layout's zone ids, in its order. */
export const DEMO_ZONES = DEMO_LAYOUT.zones.map((z) => z.id as string);

/**
 * `withShop` on the demo's layout, one person in each zone (visitor v<i> in the i-th zone, a minute ago). `events`
 * adds more to the same batch (at `now`, the instant the others are a minute before); `setup` runs after.
 */
export function withDemoShop(opts: {
  server: ServerProcessOptions;
  events?: (shop: SeededStore, now: number) => FootfallEvent[];
  setup?: (t: BrowserShop) => Promise<void>;
}): BrowserShop {
  return withShop({
    server: opts.server,
    setup: async (t) => {
      await t.shop.api.putLayout(t.shop.store, { ...DEMO_LAYOUT, store: t.shop.store, validFrom: Date.now() - 86_400_000 });
      const now = Date.now();
      await t.shop.publish([...DEMO_ZONES.map((z, i) => t.shop.events.enter(`v${i}`, z, now - 60_000 + i)), ...(opts.events?.(t.shop, now) ?? [])]);
      await opts.setup?.(t);
    },
  });
}

/** Publishes an agent's status (cam-1's by default): store.ts. */
export { agentStatus } from "./store.js";
