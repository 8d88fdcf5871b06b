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
