import { compareIds, compareZoneSequences, type PathReport, type ZoneId } from "@footfall/core";
import { topK } from "../aggregates/top-k.js";

/** Trips per path: each distinct zone sequence with its count of trips. */
export type PathCounts = readonly { zones: readonly string[]; count: number }[];

/**
 * The paths report of path counts, ordered exactly as the domain's `pathReport`: the top `limit`
 * paths (count desc, then zone by zone, kept in a bounded heap), every transition (count desc,
 * then `from`, then `to`), and the number of trips.
 */
export function pathReportOfCounts(paths: PathCounts, limit: number): PathReport {
  const transitions = new Map<string, { from: string; to: string; count: number }>();
  let trips = 0;
  for (const p of paths) {
    trips += p.count;
    for (let i = 1; i < p.zones.length; i++) {
      const key = `${p.zones[i - 1]}\u0000${p.zones[i]}`;
      const t = transitions.get(key);
      if (t) t.count += p.count;
      else transitions.set(key, { from: p.zones[i - 1]!, to: p.zones[i]!, count: p.count });
    }
  }
  const top = topK(paths, limit, (a, b) => a.count > b.count || (a.count === b.count && compareZoneSequences(a.zones, b.zones) < 0));
  return {
    paths: top.map((p) => ({ zones: [...p.zones] as ZoneId[], count: p.count })),
    transitions: [...transitions.values()]
      .sort((a, b) => b.count - a.count || compareIds(a.from, b.from) || compareIds(a.to, b.to))
      .map((t) => ({ from: t.from as ZoneId, to: t.to as ZoneId, count: t.count })),
    trips,
  };
}
