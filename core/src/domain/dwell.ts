import { inRange } from "./accepted.js";
import { compareIds } from "./paths.js";
import { quantilesOfSorted } from "./dwell-quantiles.js";
import { mean, sortedAscending } from "./stats.js";
import type { DwellStats, Range, Visit, ZoneDwell } from "./types.js";
import type { ZoneId } from "../protocol/ids.js";

/**
 * Dwell statistics in seconds of durations in milliseconds: `mean` (exact), `median` (the mean of
 * the two middle values for an even count) and `p90` (nearest rank: the value at 1-based position
 * ceil(0.9 n) of the sorted list), taken as the server takes them (./dwell-quantiles.ts: exact up
 * to 500 durations, else from their sketch). Null when there is no duration.
 */
export function dwellStats(durationsMs: readonly number[]): DwellStats | null {
  if (durationsMs.length === 0) return null;
  const sorted = sortedAscending(durationsMs);
  return { mean: mean(sorted) / 1000, ...quantilesOfSorted(sorted)! };
}

/** Dwell of a closed visit in ms; null for open and abandoned visits. */
export function dwellMs(visit: Visit): number | null {
  return visit.status === "closed" && visit.exitTs !== null ? visit.exitTs - visit.enterTs : null;
}

/**
 * Per zone, over the visits whose `enterTs` is in `[from, to)`: the visits (closed, open and
 * abandoned), the distinct visitors among them, and dwell statistics over the closed ones
 * (null when none is closed). Zones without a visit in range are left out; sorted by zone id.
 */
export function dwellByZone(visits: readonly Visit[], range: Range): ZoneDwell[] {
  const zones = new Map<ZoneId, { visits: number; visitors: Set<string>; dwell: number[] }>();
  for (const v of visits) {
    if (!inRange(v.enterTs, range)) continue;
    let z = zones.get(v.zone);
    if (!z) zones.set(v.zone, (z = { visits: 0, visitors: new Set(), dwell: [] }));
    z.visits++;
    z.visitors.add(v.visitor);
    const ms = dwellMs(v);
    if (ms !== null) z.dwell.push(ms);
  }
  return [...zones.entries()]
    .sort(([a], [b]) => compareIds(a, b))
    .map(([zone, z]) => ({ zone, visits: z.visits, visitors: z.visitors.size, dwell_s: dwellStats(z.dwell) }));
}
