import type { ZoneId } from "../protocol/ids.js";
import { inRange } from "./accepted.js";
import type { PathCount, PathReport, Range, TransitionCount, Trip } from "./types.js";

/** Paths listed by `pathReport` when no limit is given. */
export const DEFAULT_PATH_LIMIT = 20;

/** Code-unit order of strings (not locale order), so results are the same everywhere. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Lexical order of zone sequences, element by element, a prefix first. For valid zone ids
 * (`[a-z0-9_-]`) this is the order of the sequences joined with ",".
 */
export function compareZoneSequences(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareIds(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/**
 * Top paths and transitions of the trips whose `startTs` (first enter) is in `[from, to)`.
 * Paths are counted per trip by identical zone sequence; transitions are the consecutive pairs
 * of those paths, each occurrence counted. Both sorted by count descending, then lexically
 * (paths by zone sequence, transitions by `from` then `to`). `limit` (default 20, at least 0)
 * cuts the paths only; every transition is listed. `trips` counts every trip in range.
 */
export function pathReport(trips: readonly Pick<Trip, "startTs" | "zones">[], range: Range, limit = DEFAULT_PATH_LIMIT): PathReport {
  const paths = new Map<string, PathCount>();
  const transitions = new Map<string, TransitionCount>();
  let inRangeTrips = 0;
  for (const trip of trips) {
    if (!inRange(trip.startTs, range) || trip.zones.length === 0) continue;
    inRangeTrips++;
    const key = JSON.stringify(trip.zones);
    const path = paths.get(key);
    if (path) path.count++;
    else paths.set(key, { zones: [...trip.zones], count: 1 });
    for (let i = 1; i < trip.zones.length; i++) {
      const from: ZoneId = trip.zones[i - 1]!;
      const to: ZoneId = trip.zones[i]!;
      const tkey = JSON.stringify([from, to]);
      const t = transitions.get(tkey);
      if (t) t.count++;
      else transitions.set(tkey, { from, to, count: 1 });
    }
  }
  const sortedPaths = [...paths.values()].sort((a, b) => b.count - a.count || compareZoneSequences(a.zones, b.zones));
  const sortedTransitions = [...transitions.values()].sort((a, b) => b.count - a.count || compareIds(a.from, b.from) || compareIds(a.to, b.to));
  return { paths: sortedPaths.slice(0, Math.max(0, Math.floor(limit))), transitions: sortedTransitions, trips: inRangeTrips };
}
