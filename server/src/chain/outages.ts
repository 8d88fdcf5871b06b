/**
 * The hours of a chain overview's period in which a store's entrance was counted by no agent while
 * the store was open: every agent counting it offline by the recorded offline spans (its camera or
 * door counter down for an afternoon), as experiments and forecasts leave such hours out
 * (../routes/experiment-data.ts hoursNotCounted: core allOffline, gapsNotCounted, gapsWhileOpen). Its
 * enters, visitors and conversion in such a period are short by what nobody counted: the overview
 * says so and does not compare the store's period with another (a change would read the outage as a
 * drop in traffic, or the return as growth).
 */
import { bucketStarts } from "@footfall/core";
import { hoursNotCounted, type NotCounted } from "../routes/experiment-data.js";
import type { Services } from "../services.js";

/** The store's entrance hours nobody counted in [from, to) while it was open (`{hours, zones, spans}`), or null when none. */
export async function entranceNotCounted(services: Services, store: string, range: { from: number; to: number }, timeZone: string): Promise<NotCounted | null> {
  if (range.to <= range.from) return null;
  const starts = bucketStarts(range, "hour", timeZone);
  return (await hoursNotCounted(services, store, range, starts, [], timeZone)).info;
}

/**
 * {@link entranceNotCounted} of each of `periods` (the overview's range, previous period and last
 * year's): one read of the store's spans over them all first, so a store that never had an agent
 * offline in any (most of a chain) costs one indexed read, not one per period.
 */
export async function storeOutages<K extends string>(services: Services, store: string, periods: Record<K, { from: number; to: number }>, timeZone: string): Promise<Record<K, NotCounted | null>> {
  const keys = Object.keys(periods) as K[];
  const all = keys.map((k) => periods[k]);
  const from = Math.min(...all.map((p) => p.from));
  const to = Math.max(...all.map((p) => p.to));
  const none = (await services.storage.offlineSpans.list(store, from, to)).length === 0;
  const out = {} as Record<K, NotCounted | null>;
  for (const k of keys) out[k] = none ? null : await entranceNotCounted(services, store, periods[k], timeZone);
  return out;
}
