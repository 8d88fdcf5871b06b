import type { CountEvent } from "../protocol/events.js";
import type { EpochMs, ZoneId } from "../protocol/ids.js";
import type { ZoneKind } from "../protocol/layout.js";
import { acceptedEvents, inRange } from "./accepted.js";
import { bucketStarts, formatBucketStart } from "./calendar.js";
import { compareIds } from "./paths.js";
import type { Bucket, Range, TrafficBucket, Visit } from "./types.js";

/** The kind of a zone at a time (the layout valid then); undefined for a zone it does not know. */
export type ZoneKindAt = (zone: ZoneId, ts: EpochMs) => ZoneKind | undefined;

/** Index of the bucket holding `ts`: the last start at or before it (starts ascending, ts >= starts[0]). */
function bucketIndex(starts: readonly number[], ts: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (starts[mid]! <= ts) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Traffic per local `hour` or `day` bucket of `timeZone` over `[from, to)`: per zone, its enters
 * (visits opened, by `enterTs`, plus the door `in` of its `count` events, by `ts`), and the
 * store's enters (the part of those in zones whose kind at that time is `entrance`). Every bucket
 * overlapping the range is listed, empty ones with zeros; only visits and counts with a time in
 * `[from, to)` count. Zones with no enters are left out of `zones`, whose keys are sorted.
 * Count events repeated by id are counted once.
 */
export function trafficOf(
  visits: readonly Visit[],
  counts: readonly CountEvent[],
  range: Range,
  bucket: Bucket,
  timeZone: string,
  zoneKind: ZoneKindAt,
): TrafficBucket[] {
  const starts = bucketStarts(range, bucket, timeZone);
  const acc = starts.map(() => ({ enters: 0, zones: new Map<string, number>() }));
  const add = (zone: ZoneId, ts: number, n: number): void => {
    if (n <= 0 || !inRange(ts, range)) return;
    const b = acc[bucketIndex(starts, ts)]!;
    b.zones.set(zone, (b.zones.get(zone) ?? 0) + n);
    if (zoneKind(zone, ts) === "entrance") b.enters += n;
  };
  for (const v of visits) add(v.zone, v.enterTs, 1);
  for (const c of acceptedEvents(counts)) add(c.zone, c.ts, c.in);
  return starts.map((start, i) => {
    const b = acc[i]!;
    const zones: Record<string, number> = {};
    for (const zone of [...b.zones.keys()].sort(compareIds)) zones[zone] = b.zones.get(zone)!;
    return { start: formatBucketStart(start, timeZone), enters: b.enters, zones };
  });
}
