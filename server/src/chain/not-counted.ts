/**
 * Which stores of the chain overview have zones nobody counts now (core's notCountedSince, the rule
 * of the live map, the occupancy answer, alert rules and MQTT): a store whose "in store now" holds
 * such a zone is partial, its figure frozen in part. One read of every agent; a store's zones' agents
 * are read only when one of its agents is down.
 */
import { anyAgentDown, notCountedSince, type TrackingAgent } from "@footfall/core";
import { notCountedFigures, trackingOf } from "../analytics/zone-tracking.js";
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
  storage: Pick<Storage, "agents" | "aggregates">,
  stores: readonly { id: string; zones: readonly { id: string; name: string }[]; occupancyFrom: "door" | "zones" }[],
  now: number,
): Promise<Map<string, StoreNotCounted>> {
  const byStore = new Map<string, TrackingAgent[]>();
  for (const a of await storage.agents.listAll()) (byStore.get(a.store) ?? byStore.set(a.store, []).get(a.store)!).push(trackingOf(a));
  const out = new Map<string, StoreNotCounted>();
  await Promise.all(
    stores.map(async (s) => {
      const agents = byStore.get(s.id) ?? [];
      if (!anyAgentDown(agents, now)) return out.set(s.id, { partial: false, zones: [] });
      const zones: ZoneNotCounted[] = [];
      for (const z of s.zones) {
        const n = notCountedSince(agents, await storage.agents.zoneAgents(s.id, z.id), now);
        if (n) zones.push({ zone: z.id, name: z.name, since: n.since, agents: n.agents });
      }
      const doorZones = s.occupancyFrom === "door" && zones.length > 0 ? (await storage.aggregates.knownZones(s.id)).doors : [];
      const figures = notCountedFigures({ totalFrom: s.occupancyFrom, doorZones }, new Map(zones.map((z) => [z.zone, z])));
      return out.set(s.id, { partial: figures.store !== undefined, zones });
    }),
  );
  return out;
}
