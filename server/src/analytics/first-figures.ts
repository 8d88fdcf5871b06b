/**
 * When a store's figures begin, as the UI's coverage knows it (core's `firstDataStart`: the start of
 * the first local hour with any enter in any zone), from the storage's first hour with a visit or a
 * door count in: one indexed read, whatever the store's history. Conversion counts sales from the
 * local day holding it on (core's `conversionSpan`); the digests mark a period it falls in as partial.
 */
import { bucketStarts } from "@footfall/core";
import type { AnalyticsRegistry } from "./registry.js";
import { RetentionError } from "./store-analytics.js";
import type { LayoutCache } from "../ingest/layouts.js";
import type { Storage } from "../storage/types.js";

const HOUR = 3_600_000;

export interface FirstFiguresDeps {
  storage: Storage;
  layouts: LayoutCache;
  analytics: AnalyticsRegistry;
}

/**
 * The start (epoch ms) of the store's first local hour (`timeZone`) with figures; null when nothing
 * was counted. The storage knows the UTC hour: in a zone whose hours are not whole UTC hours (India,
 * Newfoundland), a local hour starts inside it, and which of the two holds the first figure is read
 * from the events (the earlier when those are no longer kept).
 */
export async function firstFigures(deps: FirstFiguresDeps, store: string, timeZone: string): Promise<number | null> {
  return firstLocalHour(deps, store, timeZone, await deps.storage.aggregates.firstHour(store));
}

/**
 * {@link firstFigures} of many stores (the chain overview's): one statement for them all
 * (`chain.firstHours`), the events read only for a store whose local hours are not whole UTC hours.
 */
export async function firstFiguresOf(deps: FirstFiguresDeps, stores: readonly { id: string; timezone: string }[]): Promise<Map<string, number | null>> {
  const hours = await deps.storage.chain.firstHours(stores.map((s) => s.id));
  const out = new Map<string, number | null>();
  await Promise.all(stores.map(async (s) => out.set(s.id, await firstLocalHour(deps, s.id, s.timezone, hours.get(s.id) ?? null))));
  return out;
}

/** The local hour (`timeZone`) holding the store's first figures, from the storage's first UTC hour `h` (null: none). */
async function firstLocalHour(deps: FirstFiguresDeps, store: string, timeZone: string, h: number | null): Promise<number | null> {
  if (h === null) return null;
  const hour = h * HOUR;
  const [start, next] = bucketStarts({ from: hour, to: hour + HOUR }, "hour", timeZone);
  if (next === undefined) return start!;
  try {
    const a = await deps.analytics.get(store);
    const kindAt = (zone: string, ts: number) => deps.layouts.zoneKindAt(store, zone, ts);
    const head = await a.traffic({ from: hour, to: next }, "hour", timeZone, kindAt, deps.layouts.changes(store));
    return head.some((b) => b.enters > 0 || Object.values(b.zones).some((n) => n > 0)) ? start! : next;
  } catch (err) {
    if (err instanceof RetentionError) return start!;
    throw err;
  }
}
