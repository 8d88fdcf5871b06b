/**
 * Which zones of a store nothing counts now (core's notCountedSince over the stored agents and the
 * agents each zone's events came from), and the live occupancy with it: the occupancy answer and the
 * live push say per zone since when and which agents, and whether the store total holds such a zone.
 */
import { anyAgentDown, layoutAt, notCountedSince, notCountedWhileOpen, type AlertFigures, type OpeningHours, type NotCounted, type StoreOpening, type Occupancy, type TrackingAgent, type ZoneNamer } from "@footfall/core";
import { attentionOf } from "../agent-info.js";
import type { Services } from "../services.js";
import type { AgentRow, Storage } from "../storage/types.js";

/** A stored agent as core's rule reads it. */
export function trackingOf(a: AgentRow): TrackingAgent {
  const h = attentionOf(a);
  return { agent: a.agent, state: a.state, revokedAt: a.revokedAt, lastStatusTs: a.statusTs, lastHeardAt: h.lastHeardAt, statusEveryMs: h.statusEveryMs };
}

/**
 * The zones of `zones` nothing counts now, by id. One read of the store's agents; the zones' agents
 * are read only when one of them is down (a store whose agents are all up costs one query).
 */
export async function zonesNotCounted(storage: Pick<Storage, "agents">, store: string, zones: readonly string[], now: number): Promise<Map<string, NotCounted>> {
  if (zones.length === 0) return new Map();
  const agents = (await storage.agents.list(store)).map(trackingOf);
  return zonesNotCountedOf(agents, (zone) => storage.agents.zoneAgents(store, zone), zones, now);
}

/** {@link zonesNotCounted} from the store's agents as read, and its zones' agents read when asked (only when one agent is down). */
export async function zonesNotCountedOf(agents: readonly TrackingAgent[], namers: (zone: string) => Promise<readonly ZoneNamer[]>, zones: readonly string[], now: number): Promise<Map<string, NotCounted>> {
  const out = new Map<string, NotCounted>();
  if (zones.length === 0 || !anyAgentDown(agents, now)) return out;
  for (const zone of zones) {
    const n = notCountedSince(agents, await namers(zone), now);
    if (n) out.set(zone, n);
  }
  return out;
}

/**
 * The zones nobody counts now through the server's view of its stores' agents (./counting-view.ts:
 * one storage read per store while nothing changes), or storage itself when there is none, by the
 * store's opening hours (core's notCountedWhileOpen): while the store is closed a zone whose agents
 * went down after closing is closed, not "not counted"; at opening, still down, it is not counted
 * since the opening. `timeZone`: the store's (its layout's); `closed`, when given, gets the zones
 * whose agents are down while the store is closed (a reader that publishes only on change reads
 * those again, to say at opening that they are not counted).
 */
export async function zonesNotCountedNow(
  services: Pick<Services, "storage" | "counting" | "hours">,
  store: string,
  zones: readonly string[],
  now: number,
  timeZone: string,
  closed?: Set<string>,
): Promise<Map<string, NotCounted>> {
  const down = services.counting ? await services.counting.zonesNotCounted(store, zones, now) : await zonesNotCounted(services.storage, store, zones, now);
  if (down.size === 0) return down;
  return whileOpen(down, await storeHours(services, store, now), now, timeZone, closed);
}

/** The store's opening hours as the server holds them (the hours keeper's cache; storage without one); null: none. */
export async function storeHours(services: Pick<Services, "storage" | "hours">, store: string, now: number): Promise<OpeningHours | null> {
  return services.hours ? services.hours.hoursNow(store) : ((await services.storage.hours.get(store, now)) ?? null);
}

/**
 * The store's opening hours in its time zone (its current layout's), as core agentProblems reads them: an agent
 * down since the store closed is no problem until it opens. Null for a store without a layout or without hours.
 */
export async function storeOpening(services: Pick<Services, "storage" | "hours" | "layouts">, store: string, now: number): Promise<StoreOpening | null> {
  await services.layouts.load(store);
  const timeZone = services.layouts.current(store, now)?.timezone;
  if (!timeZone) return null;
  const hours = await storeHours(services, store, now);
  return hours ? withGrace({ hours, timeZone }, services.storage, store) : null;
}

/**
 * `opening` with the store's grace for a box down at night: its enabled agent-offline rules (core StoreOpening.offlineRules:
 * threshold, forSeconds and the agent a rule names, a zone's rule once per agent whose events named the zone, as the
 * alert evaluator reads it), so an agent is "closed" until the first rule watching it would page and "expected back by"
 * that instant; offlineGraceMs, the smallest threshold, as before. None (or unreadable): core's default.
 */
export async function withGrace(opening: StoreOpening, storage: Pick<Storage, "alerts"> & Partial<Pick<Storage, "agents">>, store: string): Promise<StoreOpening> {
  const rules = await Promise.resolve()
    .then(() => storage.alerts.rules(store))
    .catch(() => []);
  const ok = (x: number) => Number.isFinite(x) && x >= 0;
  const offline = rules.filter((r) => r.enabled && r.kind === "agent-offline" && ok(r.threshold) && ok(r.forSeconds));
  if (offline.length === 0) return opening;
  const watched = async (r: (typeof offline)[number]): Promise<(string | undefined)[]> => {
    if (r.agent !== undefined) return [r.agent];
    if (r.zone === undefined || !storage.agents) return [undefined];
    const zone = r.zone;
    // Unreadable: as a store-wide rule (the earlier page, never a later one).
    return Promise.resolve()
      .then(async () => (await storage.agents!.zoneAgents(store, zone)).map((a) => a.agent))
      .catch(() => [undefined]);
  };
  const offlineRules = (
    await Promise.all(offline.map(async (r) => (await watched(r)).map((agent) => ({ thresholdMs: r.threshold * 1000, forMs: r.forSeconds * 1000, ...(agent !== undefined ? { agent } : {}) }))))
  ).flat();
  return { ...opening, offlineGraceMs: Math.min(...offline.map((r) => r.threshold * 1000)), offlineRules };
}

/** {@link storeOpening} from storage alone (the CLI, which reads the database): the hours stored, the time zone of the layout in force at `now`. */
export async function storedOpening(storage: Pick<Storage, "hours" | "stores" | "alerts"> & Partial<Pick<Storage, "agents">>, store: string, now: number): Promise<StoreOpening | null> {
  const hours = await storage.hours.get(store, now);
  if (!hours) return null;
  const timeZone = layoutAt(await storage.stores.layouts(store), now)?.timezone;
  return timeZone ? withGrace({ hours, timeZone }, storage, store) : null;
}

/** `down` (zones nobody counts, by id) without those closed now by `hours` (core's notCountedWhileOpen), each since its first open instant. */
export function whileOpen(down: ReadonlyMap<string, NotCounted>, hours: OpeningHours | null | undefined, now: number, timeZone: string, closed?: Set<string>): Map<string, NotCounted> {
  const out = new Map<string, NotCounted>();
  for (const [zone, n] of down) {
    const open = notCountedWhileOpen(n, hours, now, timeZone);
    if (open) out.set(zone, open);
    else closed?.add(zone);
  }
  return out;
}

/** The live occupancy as GET .../occupancy answers it and the live hub pushes it. */
export type TrackedOccupancy = Omit<Occupancy, "zones"> & {
  zones: (Occupancy["zones"][number] & { offlineSince: number | null; offlineAgents: string[] })[];
  totalFrom: "door" | "zones";
  doorZones: string[];
  partial: boolean;
};

/**
 * The occupancy with, per zone, since when nothing counts it (`offlineSince`, null while something
 * does) and its agents; `partial`: the store total holds a zone nothing counts now (a zone whose
 * people it adds up, or with door counters a door zone, whose counter's figures it is).
 */
export function withTracking(occ: Occupancy, source: { totalFrom: "door" | "zones"; doorZones: string[] }, notCounted: ReadonlyMap<string, NotCounted>): TrackedOccupancy {
  const zones = occ.zones.map((z) => {
    const n = notCounted.get(z.zone);
    return { ...z, offlineSince: n?.since ?? null, offlineAgents: n?.agents ?? [] };
  });
  const partial = zones.some((z) => z.offlineSince !== null && inStoreTotal(source, z.zone));
  return { ...occ, zones, ...source, partial };
}

/** Whether the store total holds a zone: every zone it adds up, or with door counters a door zone (its counter's figures). */
function inStoreTotal(source: { totalFrom: "door" | "zones"; doorZones: readonly string[] }, zone: string): boolean {
  return source.totalFrom !== "door" || source.doorZones.includes(zone);
}

/**
 * The figures nobody counts now as alert rules read them (core's AlertFigures `notCounted`): per zone
 * since when, and for the store since when its total is partial (the first of its zones to stop), by
 * the rule `partial` follows in the occupancy answer.
 */
export function notCountedFigures(source: { totalFrom: "door" | "zones"; doorZones: readonly string[] }, notCounted: ReadonlyMap<string, NotCounted>): NonNullable<AlertFigures["notCounted"]> {
  const zones: Record<string, number> = {};
  let store: number | undefined;
  for (const [zone, n] of notCounted) {
    zones[zone] = n.since;
    if (inStoreTotal(source, zone)) store = Math.min(store ?? Infinity, n.since);
  }
  return { zones, ...(store === undefined ? {} : { store }) };
}
