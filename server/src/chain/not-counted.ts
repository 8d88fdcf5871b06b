/**
 * Which stores of the chain overview have zones nobody counts now (core's notCountedSince, the rule
 * of the live map, the occupancy answer, alert rules and MQTT): a store whose "in store now" holds
 * such a zone is partial, its figure frozen in part. Read through the server's view of each store's
 * agents (analytics/counting-view.ts, as the live hub, MQTT and GET .../occupancy read it): a store
 * whose view is held costs nothing, the others one read of every agent together; a store's zones'
 * agents are read only when one of its agents is down (and kept with its view). Without a view: one
 * read of every agent at each ask.
 */
import { anyAgentDown, notCountedSince, type NotCounted, type OpeningHours, type TrackingAgent } from "@footfall/core";
import type { CountingView } from "../analytics/counting-view.js";
import { notCountedFigures, trackingOf, whileOpen } from "../analytics/zone-tracking.js";
import type { Storage } from "../storage/types.js";

/** A zone nobody counts now: since when and which agents counted it. */
export interface ZoneNotCounted {
  zone: string;
  name: string;
  since: number;
  agents: string[];
}

export interface StoreNotCounted {
  /** The store's occupancy holds a zone nobody counts now (with door counters: a door zone's counter is down). */
  partial: boolean;
  /** Zones nobody counts now (those the total holds or not), by name. */
  zones: ZoneNotCounted[];
}

export async function chainNotCounted(
  storage: Pick<Storage, "agents" | "chain">,
  /** `hours` and `timeZone`: the store's opening hours (null: none) in its zone; a zone closed now by them is not "not counted" (core notCountedWhileOpen). */
  stores: readonly { id: string; zones: readonly { id: string; name: string }[]; occupancyFrom: "door" | "zones"; hours?: OpeningHours | null; timeZone?: string }[],
  now: number,
  counting?: CountingView,
): Promise<Map<string, StoreNotCounted>> {
  const notCounted = counting
    ? await counting.zonesNotCountedOfStores(
        stores.map((s) => ({ id: s.id, zones: s.zones.map((z) => z.id) })),
        now,
      )
    : await readAll(storage, stores, now);
  const zonesOf = stores.map((s) => {
    const down = notCounted.get(s.id);
    const of = down && s.hours && s.timeZone ? whileOpen(down, s.hours, now, s.timeZone) : down;
    const zones: ZoneNotCounted[] = s.zones.flatMap((z) => {
      const n = of?.get(z.id);
      return n ? [{ zone: z.id, name: z.name, since: n.since, agents: n.agents }] : [];
    });
    return { s, zones };
  });
  // The door zones of the door-counted stores with a zone nobody counts (is it one their total holds?): one read for them all.
  const doorZones = await storage.chain.doorZones(zonesOf.filter(({ s, zones }) => s.occupancyFrom === "door" && zones.length > 0).map(({ s }) => s.id));
  const out = new Map<string, StoreNotCounted>();
  for (const { s, zones } of zonesOf) {
    if (zones.length === 0) {
      out.set(s.id, { partial: false, zones });
      continue;
    }
    const figures = notCountedFigures({ totalFrom: s.occupancyFrom, doorZones: doorZones.get(s.id) ?? [] }, new Map(zones.map((z) => [z.zone, z])));
    out.set(s.id, { partial: figures.store !== undefined, zones });
  }
  return out;
}

/** Each store's zones nobody counts now from one read of every agent (no view). */
async function readAll(storage: Pick<Storage, "agents">, stores: readonly { id: string; zones: readonly { id: string }[] }[], now: number): Promise<Map<string, Map<string, NotCounted>>> {
  const byStore = new Map<string, TrackingAgent[]>();
  for (const a of await storage.agents.listAll()) (byStore.get(a.store) ?? byStore.set(a.store, []).get(a.store)!).push(trackingOf(a));
  const out = new Map<string, Map<string, NotCounted>>();
  await Promise.all(
    stores.map(async (s) => {
      const agents = byStore.get(s.id) ?? [];
      const of = new Map<string, NotCounted>();
      if (anyAgentDown(agents, now))
        for (const z of s.zones) {
          const n = notCountedSince(agents, await storage.agents.zoneAgents(s.id, z.id), now);
          if (n) of.set(z.id, n);
        }
      out.set(s.id, of);
    }),
  );
  return out;
}
