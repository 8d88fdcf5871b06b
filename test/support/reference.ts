import {
  acceptedEvents,
  dwellByZone,
  occupancyOf,
  pathReport,
  trafficOf,
  tripsOf,
  visitsOf,
  type Bucket,
  type CountEvent,
  type FootfallEvent,
  type Occupancy,
  type PathReport,
  type Range,
  type TrafficBucket,
  type ZoneDwell,
  type ZoneId,
  type ZoneKind,
} from "@footfall/core";

/**
 * What the event semantics say the figures are, computed with the pure domain of `@footfall/core`
 * from the accepted events (any order, duplicates by id dropped). The server must answer exactly this.
 */
export const reference = {
  dwell(events: readonly FootfallEvent[], range: Range, visitTimeoutMs: number): ZoneDwell[] {
    return dwellByZone(visitsOf(events, { visitTimeoutMs }), range);
  },
  paths(events: readonly FootfallEvent[], range: Range, visitTimeoutMs: number, limit = 20): PathReport {
    return pathReport(tripsOf(events, { visitTimeoutMs }), range, limit);
  },
  traffic(
    events: readonly FootfallEvent[],
    range: Range,
    bucket: Bucket,
    timeZone: string,
    kinds: Readonly<Record<string, ZoneKind>>,
    visitTimeoutMs: number,
  ): TrafficBucket[] {
    const counts = acceptedEvents(events).filter((e): e is CountEvent => e.type === "count");
    return trafficOf(visitsOf(events, { visitTimeoutMs }), counts, range, bucket, timeZone, (zone: ZoneId) => kinds[zone]);
  },
  occupancy(
    events: readonly FootfallEvent[],
    zones: readonly { id: string; capacity?: number | undefined }[],
    now: number,
    timeZone: string,
    visitTimeoutMs: number,
  ): Occupancy {
    return occupancyOf(
      events,
      zones.map((z) => ({ id: z.id as ZoneId, capacity: z.capacity ?? null })),
      now,
      timeZone,
      { visitTimeoutMs },
    );
  },
};

/**
 * The server's dwell lists every zone of the layout (zero visits included); the domain lists
 * only zones with a visit. This keeps the zones with visits, to compare the two.
 */
export function visitedZones(zones: readonly ZoneDwell[]): ZoneDwell[] {
  return zones.filter((z) => z.visits > 0);
}
