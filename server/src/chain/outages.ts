/**
 * The hours of a chain overview's period in which a store's entrance was counted by no agent while
 * the store was open: every agent counting it offline by the recorded offline spans (its camera or
 * door counter down for an afternoon), by the rule experiments and forecasts leave such hours out
 * with (core allOffline, gapsNotCounted, gapsWhileOpen). Its enters, visitors and conversion in such
 * a period are short by what nobody counted: the overview says so and does not compare the store's
 * period with another (a change would read the outage as a drop in traffic, or the return as
 * growth); the digests likewise.
 */
import { allOffline, bucketStarts, zonesNotCounted, type Gap } from "@footfall/core";
import { RetentionError } from "../analytics/store-analytics.js";
import type { OfflineSpan } from "../analytics/offline-spans.js";
import type { NotCounted } from "../routes/experiment-data.js";
import type { Services } from "../services.js";
import type { ZoneAgentRow } from "../storage/types.js";

const HOUR = 3_600_000;

/**
 * The store's entrance hours nobody counted in [from, to) while it was open (`{hours, zones, spans}`,
 * whole hours merged), or null when none. An hour within an offline span in which the entrance still
 * counted someone (a camera's visits or a door counter's crossings, in or out: countedPerHour; an agent
 * cut off from the broker that kept counting delivered them later from its outbox) is counted, as are
 * the hours before it in that span.
 */
export async function entranceNotCounted(services: Services, store: string, range: { from: number; to: number }, timeZone: string): Promise<NotCounted | null> {
  return storeNotCounted(services, store, range, timeZone, "entrances");
}

/**
 * {@link entranceNotCounted} of the entrances (`which` "entrances": the store's enters, its visitors)
 * or of every zone of the layout (`"zones"`: what GET .../dwell, .../paths, .../funnel and
 * .../conversion count: a fruit stand's own camera offline 14:00-18:00 while the entrance kept
 * counting leaves the stand's visits, dwell and trips of those hours unknown, not none). One rule,
 * core zonesNotCounted; `zones` names the zones nobody counted.
 */
export async function storeNotCounted(services: Services, store: string, range: { from: number; to: number }, timeZone: string, which: "entrances" | "zones"): Promise<NotCounted | null> {
  if (range.to <= range.from) return null;
  const { storage, layouts } = services;
  const spans = await storage.offlineSpans.list(store, range.from, range.to);
  if (spans.length === 0) return null;
  await layouts.load(store);
  const ids = (layouts.at(store, range.from)?.zones ?? []).filter((z) => which === "zones" || z.kind === "entrance").map((z) => z.id as string);
  const now = services.now();
  const starts = bucketStarts(range, "hour", timeZone);
  // Each zone's hours every agent counting it was offline in (within the range).
  const offlineOf: [string, Gap[]][] = [];
  for (const zone of ids) {
    const agents = (await storage.agents.zoneAgents(store, zone)).map((x) => x.agent);
    const offline = allOffline(agents, spans, now).filter((g) => g.from < range.to && g.to > range.from);
    if (offline.length > 0) offlineOf.push([zone, offline]);
  }
  if (offlineOf.length === 0) return null;
  // The zones' visits per local hour, door counters' crossings in and out included (countedPerHour), read once for them all and
  // only for the hours those gaps touch (gapsNotCounted reads no other): a 4-hour outage in a month reads 4 hours, not 720.
  const every = offlineOf.flatMap(([, g]) => g);
  const lo = Math.min(...every.map((g) => g.from));
  const hi = Math.max(...every.map((g) => g.to));
  let i0 = starts.findIndex((s) => s + HOUR > lo);
  let i1 = starts.length - 1;
  while (i1 >= 0 && starts[i1]! >= hi) i1--;
  if (i0 < 0 || i1 < i0) [i0, i1] = [0, starts.length - 1];
  let read = { from: starts[i0]!, to: starts[i1 + 1] ?? range.to };
  // The part's hours are the range's (local hours from a bucket's start); else the whole range, as before.
  if (bucketStarts(read, "hour", timeZone).some((s, k) => s !== starts[i0 + k])) [i0, read] = [0, range];
  let perHour: Record<string, number>[];
  try {
    perHour = await (await services.analytics.get(store)).countedPerHour(read, timeZone);
  } catch (err) {
    // Hours older than the figures kept: nothing to say of them (their spans go with them).
    if (err instanceof RetentionError) return null;
    throw err;
  }
  const opening = (await services.hours?.historyNow(store)) ?? null;
  const zones = offlineOf.map(([zone, offline]) => ({ zone, offline, counts: starts.map((_, i) => perHour[i - i0]?.[zone] ?? 0) }));
  return zonesNotCounted(range, starts, zones, opening, timeZone, now);
}

/**
 * {@link entranceNotCounted} of each of `periods` (the overview's range, previous period and last
 * year's) for each of `stores`: one read of the chain's stores with a span over them all first, so the
 * stores that never had an agent offline in any (most of a chain) cost nothing more, not one read each.
 */
export async function chainOutages<K extends string>(
  services: Services,
  stores: readonly { id: string; timezone: string }[],
  periods: Record<K, { from: number; to: number }>,
): Promise<Map<string, Record<K, NotCounted | null>>> {
  const keys = Object.keys(periods) as K[];
  const all = keys.map((k) => periods[k]);
  const from = Math.min(...all.map((p) => p.from));
  const to = Math.max(...all.map((p) => p.to));
  const withSpans = await services.storage.offlineSpans.storesWithin(from, to);
  const none = Object.fromEntries(keys.map((k) => [k, null])) as Record<K, NotCounted | null>;
  const once = readOnce(services, from, to);
  const byStore = await Promise.all(
    stores.map(async (s): Promise<[string, Record<K, NotCounted | null>]> => {
      if (!withSpans.has(s.id)) return [s.id, { ...none }];
      const out = {} as Record<K, NotCounted | null>;
      for (const k of keys) out[k] = await entranceNotCounted(once, s.id, periods[k], s.timezone);
      return [s.id, out];
    }),
  );
  return new Map(byStore);
}

/**
 * `services` whose storage reads a store's offline spans and each of its zones' agents once for one answer over
 * [from, to), however many of its periods read them (the overview's three: three reads of each otherwise). A
 * period's spans are those of the whole read that overlap it, as `offlineSpans.list` selects them (same order).
 */
function readOnce(services: Services, from: number, to: number): Services {
  const { storage } = services;
  const spans = new Map<string, Promise<OfflineSpan[]>>();
  const agents = new Map<string, Promise<ZoneAgentRow[]>>();
  const list = (store: string, a: number, b: number): Promise<OfflineSpan[]> => {
    if (a < from || b > to) return storage.offlineSpans.list(store, a, b);
    let all = spans.get(store);
    if (!all) spans.set(store, (all = storage.offlineSpans.list(store, from, to)));
    return all.then((rows) => rows.filter((s) => s.from < b && (s.to === null || s.to > a)));
  };
  const zoneAgents = (store: string, zone: string): Promise<ZoneAgentRow[]> => {
    const key = JSON.stringify([store, zone]);
    let rows = agents.get(key);
    if (!rows) agents.set(key, (rows = storage.agents.zoneAgents(store, zone)));
    return rows;
  };
  return { ...services, storage: { ...storage, offlineSpans: { ...storage.offlineSpans, list }, agents: { ...storage.agents, zoneAgents } } };
}
