import type { Bucket, PathReport, Range, TrafficBucket, ZoneDwell } from "@footfall/core";
import { spansOf } from "../aggregates/spans.js";
import type { PathCount } from "../storage/types.js";
import { EXACT_QUANTILES_UP_TO, StoreAnalytics, type StoreAnalyticsOptions } from "./store-analytics.js";
import { hourParts, hoursOf, trafficCuts } from "./traffic-cuts.js";
import { HOUR_MS } from "./time-parts.js";

/** The figures the dwell, paths (also aliased) and traffic routes ask of a store: an opened {@link StoreAnalytics}, or {@link StoredFigures}. */
export type StoreFigures = Pick<StoreAnalytics, "dwell" | "pathReport" | "pathCounts" | "traffic">;

/**
 * Dwell, paths and traffic of a store this server does not ingest (a chain's store whose shard
 * another server holds, or every store for an HTTP thread whose ingest runs elsewhere): read from
 * storage without opening the store's analytics, whose visitor cache and open visits these figures
 * never use, and each in one statement where the storage reads it so (PostgreSQL: the store's known
 * zones, the rollups, the raw rows of the partial hours and the exact quantiles' rows together).
 * Every statement waits once for a busy event loop under ingest (issue 12), so their number is the
 * query's latency. The figures are computed from what was read by StoreAnalytics' own code: the
 * same answers as an opened store's.
 */
export class StoredFigures implements StoreFigures {
  constructor(private readonly opts: StoreAnalyticsOptions) {}

  private get aggregates() {
    return this.opts.storage.aggregates;
  }

  async dwell(range: Range, zoneIds: readonly string[]): Promise<ZoneDwell[]> {
    if (!this.aggregates.dwellReads) return (await StoreAnalytics.open(this.opts)).dwell(range, zoneIds);
    const spans = spansOf(range.from, range.to);
    const whole = spans.whole;
    const aligned = whole ? range.from === whole[0] * HOUR_MS : true;
    const pre = await this.aggregates.dwellReads(this.opts.store, {
      spans,
      zones: zoneIds,
      range: { from: range.from, to: range.to },
      revisits: whole ? { a: whole[0], b: whole[1], before: aligned ? whole[0] : whole[0] - 1 } : null,
      prevHour: whole && !aligned ? whole[0] - 1 : null,
      rawOk: range.from >= (this.opts.rawSince?.() ?? Number.NEGATIVE_INFINITY),
      exactUpTo: EXACT_QUANTILES_UP_TO,
    });
    return StoreAnalytics.ofKnownZones(this.opts, { visits: pre.knownVisitZones, doors: [] }).dwell(range, zoneIds, pre);
  }

  /** One statement already (the rollups and the partial hours' trips together); nothing of the store is needed. */
  pathReport(range: Range, limit: number): Promise<PathReport> {
    return StoreAnalytics.ofKnownZones(this.opts, { visits: [], doors: [] }).pathReport(range, limit);
  }

  /** One statement (the `alias=1` paths report counts its paths by department). */
  pathCounts(range: Range): Promise<PathCount[]> {
    return StoreAnalytics.ofKnownZones(this.opts, { visits: [], doors: [] }).pathCounts(range);
  }

  async traffic(range: Range, bucket: Bucket, timeZone: string, kindAt: (zone: string, ts: number) => string | undefined, layoutChanges: readonly number[]): Promise<TrafficBucket[]> {
    if (!this.aggregates.trafficReads) return (await StoreAnalytics.open(this.opts)).traffic(range, bucket, timeZone, kindAt, layoutChanges);
    // The parts of hours the buckets will ask of raw rows, known before anything is read.
    const pieces = new Map<string, [number, number]>();
    for (const { cuts } of trafficCuts(range, bucket, timeZone, layoutChanges)) {
      for (const [a, b] of cuts) for (const p of hourParts(a, b).parts) pieces.set(`${p[0]}:${p[1]}`, p);
    }
    const pre = await this.aggregates.trafficReads(this.opts.store, { hours: hoursOf(range), pieces: [...pieces.values()] });
    return StoreAnalytics.ofKnownZones(this.opts, pre.known).traffic(range, bucket, timeZone, kindAt, layoutChanges, pre);
  }
}
