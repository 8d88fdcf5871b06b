import type { CountEvent, FootfallEvent } from "../protocol/events.js";
import type { EpochMs, VisitorId, ZoneId } from "../protocol/ids.js";
import { acceptedEvents } from "./accepted.js";
import { localMidnight } from "./calendar.js";
import type { DomainOptions, Occupancy } from "./types.js";
import { visitsOf } from "./visits.js";

/** A zone as occupancy needs it: its id and optional capacity. */
export interface ZoneCapacity {
  id: ZoneId;
  capacity?: number | null | undefined;
}

/** Door-counter crossings summed: `in` and `out`. */
export interface DoorSum {
  in: number;
  out: number;
}

/** Store total from door counters: max(0, in - out). */
export function doorOccupancy(sum: DoorSum): number {
  return Math.max(0, sum.in - sum.out);
}

/** Builds the REST shape from open visitors per zone and the store total; one row per given zone, in their order. */
export function occupancyFigures(zones: readonly ZoneCapacity[], openByZone: ReadonlyMap<ZoneId, number>, total: number, now: EpochMs): Occupancy {
  return {
    ts: now,
    total,
    zones: zones.map((z) => ({ zone: z.id, occupancy: openByZone.get(z.id) ?? 0, capacity: z.capacity ?? null })),
  };
}

/**
 * Occupancy at `now` from all the store's events (any order, duplicates dropped by id).
 * Per zone: the visitors with an open visit (not abandoned by `now`). Store total: when there is
 * any `count` event, max(0, sum of `in` - sum of `out`) over the count events with `ts` in
 * [local midnight of `now` in `timeZone`, `now`]; otherwise the distinct visitors with an open
 * visit in any zone. Events stamped after `now` still move visitors (agents' clocks may run a
 * little ahead); door counts after `now` are not counted yet.
 */
export function occupancyOf(
  events: readonly FootfallEvent[],
  zones: readonly ZoneCapacity[],
  now: EpochMs,
  timeZone: string,
  opts: DomainOptions,
): Occupancy {
  const accepted = acceptedEvents(events);
  const openByZone = new Map<ZoneId, number>();
  const openVisitors = new Set<VisitorId>();
  for (const v of visitsOf(accepted, { ...opts, now })) {
    if (v.status !== "open") continue;
    openByZone.set(v.zone, (openByZone.get(v.zone) ?? 0) + 1);
    openVisitors.add(v.visitor);
  }
  const counts = accepted.filter((e): e is CountEvent => e.type === "count");
  let total = openVisitors.size;
  if (counts.length > 0) {
    const since = localMidnight(now, timeZone);
    const sum: DoorSum = { in: 0, out: 0 };
    for (const c of counts) {
      if (c.ts < since || c.ts > now) continue;
      sum.in += c.in;
      sum.out += c.out;
    }
    total = doorOccupancy(sum);
  }
  return occupancyFigures(zones, openByZone, total, now);
}
