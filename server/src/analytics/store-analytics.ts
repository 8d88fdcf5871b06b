import {
  bucketStarts,
  compareEvents,
  formatBucketStart,
  localMidnight,
  type Bucket,
  type CountEvent,
  type DomainOptions,
  type DwellStats,
  type FootfallEvent,
  type Occupancy,
  type PathReport,
  type Range,
  type TrafficBucket,
  type ZoneDwell,
  type VisitorEvent,
  type ZoneId,
  compareZoneSequences,
  nearestRank,
} from "@footfall/core";
import { DoorIndex, PathIndex } from "./path-index.js";
import { deriveVisitor, diffByKey, type VisitorDerivation } from "./visitor-derivation.js";
import { ZoneVisitIndex, type ZoneVisitFigures } from "./zone-visits.js";

export interface StoreAnalyticsOptions extends DomainOptions {
  /** A visitor's accepted events from storage, for visitors no longer in the cache. */
  loadVisitorEvents(visitor: string): VisitorEvent[];
  /** Visitors kept in memory (beyond these, the least recently active are dropped and reloaded on demand). */
  maxCachedVisitors?: number;
}

interface VisitorState {
  events: VisitorEvent[];
  derived: VisitorDerivation;
}

function dwellStatsOf(f: ZoneVisitFigures): DwellStats | null {
  const n = f.closed;
  if (n === 0) return null;
  const median = n % 2 === 1 ? f.kth((n + 1) / 2) : (f.kth(n / 2) + f.kth(n / 2 + 1)) / 2;
  return { mean: f.dwellSumMs / n / 1000, median: median / 1000, p90: f.kth(nearestRank(0.9, n)) / 1000 };
}

/**
 * One store's figures, kept up to date event by event. Every figure is what the domain of
 * `@footfall/core` computes from the set of accepted events, whatever their order: each batch
 * re-derives only the visitors it touches and applies the difference to hour/day rollups.
 */
export class StoreAnalytics {
  private readonly zones = new Map<string, ZoneVisitIndex>();
  private readonly doors = new Map<string, DoorIndex>();
  private readonly allDoors = new DoorIndex();
  private readonly paths = new PathIndex();
  private readonly visitors = new Map<string, VisitorState>();
  /** Visitors with stored events that are not in `visitors`: only these need a read from storage. */
  private readonly cold = new Set<string>();
  /** zone -> visitor -> last activity, for visitors with an open visit there. */
  private readonly open = new Map<string, Map<string, number>>();
  private readonly maxCached: number;

  constructor(private readonly opts: StoreAnalyticsOptions) {
    this.maxCached = opts.maxCachedVisitors ?? 200_000;
  }

  private zone(id: string): ZoneVisitIndex {
    let z = this.zones.get(id);
    if (!z) this.zones.set(id, (z = new ZoneVisitIndex()));
    return z;
  }

  /** Add a door counter's report. */
  addCount(e: CountEvent): void {
    let d = this.doors.get(e.zone);
    if (!d) this.doors.set(e.zone, (d = new DoorIndex()));
    d.add(e.ts, e.in, e.out);
    this.allDoors.add(e.ts, e.in, e.out);
  }

  /** Load a visitor's complete event list (at start-up); `keep` caches it for later batches. */
  loadVisitor(visitor: string, events: VisitorEvent[], keep: boolean): void {
    const derived = deriveVisitor(events, this.opts);
    this.applyDiff(visitor, undefined, derived);
    if (keep) this.visitors.set(visitor, { events, derived });
    else this.cold.add(visitor);
  }

  /** Fold newly accepted (never seen before) events in. */
  apply(events: readonly FootfallEvent[]): void {
    const byVisitor = new Map<string, VisitorEvent[]>();
    for (const e of events) {
      if (e.type === "count") {
        this.addCount(e);
        continue;
      }
      let list = byVisitor.get(e.visitor);
      if (!list) byVisitor.set(e.visitor, (list = []));
      list.push(e);
    }
    for (const [visitor, fresh] of byVisitor) {
      let state = this.visitors.get(visitor);
      if (state) {
        this.visitors.delete(visitor); // re-inserted below, so Map order is least recently used first
      } else if (!this.cold.delete(visitor)) {
        state = { events: [], derived: emptyDerivation() }; // never seen: nothing stored to read
      } else {
        const ids = new Set(fresh.map((e) => e.id));
        const stored = this.opts.loadVisitorEvents(visitor).filter((e) => !ids.has(e.id));
        state = { events: stored, derived: stored.length ? deriveVisitor(stored, this.opts) : emptyDerivation() };
      }
      const merged = state.events.concat(fresh).sort(compareEvents);
      const derived = deriveVisitor(merged, this.opts);
      this.applyDiff(visitor, state.derived, derived);
      this.visitors.set(visitor, { events: merged, derived });
    }
    this.trimCache();
  }

  private applyDiff(visitor: string, before: VisitorDerivation | undefined, after: VisitorDerivation): void {
    const v = diffByKey(before?.visits ?? [], after.visits);
    for (const x of v.removed) this.zone(x.zone).remove(x.item);
    for (const x of v.added) this.zone(x.zone).add(x.item);
    const tripKey = (t: { startTs: number; key: string }) => ({ ...t, key: `${t.startTs}|${t.key}`, path: t.key });
    const t = diffByKey((before?.trips ?? []).map(tripKey), after.trips.map(tripKey));
    for (const x of t.removed) this.paths.remove(x.startTs, x.path);
    for (const x of t.added) this.paths.add(x.startTs, x.path);
    for (const o of before?.open ?? []) this.open.get(o.zone)?.delete(visitor);
    for (const o of after.open) {
      let m = this.open.get(o.zone);
      if (!m) this.open.set(o.zone, (m = new Map()));
      m.set(visitor, o.lastSeenTs);
    }
  }

  private trimCache(): void {
    if (this.visitors.size <= this.maxCached) return;
    for (const visitor of this.visitors.keys()) {
      this.visitors.delete(visitor);
      this.cold.add(visitor);
      if (this.visitors.size <= this.maxCached * 0.9) break;
    }
  }

  /** Per zone: visits, distinct visitors and dwell statistics of visits entered in the range. */
  dwell(range: Range, zoneIds: readonly string[]): ZoneDwell[] {
    const ids = new Set([...zoneIds, ...this.zones.keys()]);
    const out: ZoneDwell[] = [];
    for (const id of [...ids].sort()) {
      const f = this.zones.get(id)?.figures(range.from, range.to);
      if (!f || f.visits === 0) {
        if (zoneIds.includes(id)) out.push({ zone: id as ZoneId, visits: 0, visitors: 0, dwell_s: null });
        continue;
      }
      out.push({ zone: id as ZoneId, visits: f.visits, visitors: f.visitors, dwell_s: dwellStatsOf(f) });
    }
    return out;
  }

  /** Top paths of trips that started in the range, and all transitions between zones in them. */
  pathReport(range: Range, limit: number): PathReport {
    // Ordered exactly as the domain's pathReport: count desc, then zone by zone.
    const { paths, transitions } = this.paths.report(range.from, range.to, limit, compareZoneSequences);
    return { paths: paths.map((p) => ({ zones: p.zones as ZoneId[], count: p.count })), transitions: transitions as PathReport["transitions"] };
  }

  /**
   * Enters per local hour or day: visits opened plus door `in`, per zone, and the store's enters
   * over zones that were of kind `entrance` at the time (a bucket is split where the layout changes).
   */
  traffic(range: Range, bucket: Bucket, timeZone: string, kindAt: (zone: string, ts: number) => string | undefined, layoutChanges: readonly number[]): TrafficBucket[] {
    const starts = bucketStarts(range, bucket, timeZone);
    const zoneIds = [...new Set([...this.zones.keys(), ...this.doors.keys()])].sort();
    return starts.map((start, i) => {
      const from = Math.max(start, range.from);
      const to = Math.min(starts[i + 1] ?? Number.POSITIVE_INFINITY, range.to);
      const cuts = [from, ...layoutChanges.filter((t) => t > from && t < to), to];
      const zones: Record<string, number> = {};
      let enters = 0;
      for (let c = 1; c < cuts.length; c++) {
        const [a, b] = [cuts[c - 1]!, cuts[c]!];
        for (const id of zoneIds) {
          const n = (this.zones.get(id)?.count(a, b) ?? 0) + (this.doors.get(id)?.sum(a, b).in ?? 0);
          if (n === 0) continue;
          zones[id] = (zones[id] ?? 0) + n;
          if (kindAt(id, a) === "entrance") enters += n;
        }
      }
      return { start: formatBucketStart(start, timeZone), enters, zones };
    });
  }

  /** The store's enters in the range: as `traffic` sums them over its buckets (entrance zones' visits plus door `in`). */
  storeEnters(range: Range, kindAt: (zone: string, ts: number) => string | undefined, layoutChanges: readonly number[]): number {
    const zoneIds = new Set([...this.zones.keys(), ...this.doors.keys()]);
    const cuts = [range.from, ...layoutChanges.filter((t) => t > range.from && t < range.to), range.to];
    let enters = 0;
    for (let c = 1; c < cuts.length; c++) {
      const [a, b] = [cuts[c - 1]!, cuts[c]!];
      for (const id of zoneIds) {
        if (kindAt(id, a) !== "entrance") continue;
        enters += (this.zones.get(id)?.count(a, b) ?? 0) + (this.doors.get(id)?.sum(a, b).in ?? 0);
      }
    }
    return enters;
  }

  /** Each path with its count of trips that started in the range (unordered; zones shared, do not modify). */
  pathCounts(range: Range): { zones: readonly string[]; count: number }[] {
    return this.paths.pathCounts(range.from, range.to);
  }

  /** Visits to `zone` entered in the range (closed and abandoned). */
  zoneVisits(zone: string, range: Range): number {
    return this.zones.get(zone)?.count(range.from, range.to) ?? 0;
  }

  /** Dwell in seconds of each closed visit to `zone` entered in the range (unordered samples). */
  dwellSamples(zone: string, range: Range): number[] {
    return (this.zones.get(zone)?.dwellSamplesMs(range.from, range.to) ?? []).map((ms) => ms / 1000);
  }

  /** Live occupancy at `now`. */
  occupancy(now: number, timeZone: string, layoutZones: readonly { id: string; capacity?: number | undefined }[]): Occupancy {
    const active = (zone: string) => {
      let n = 0;
      for (const last of this.open.get(zone)?.values() ?? []) if (now - last < this.opts.visitTimeoutMs) n++;
      return n;
    };
    let total: number;
    if (this.allDoors.hasCounts) {
      const s = this.allDoors.sum(localMidnight(now, timeZone), now + 1);
      total = Math.max(0, s.in - s.out);
    } else {
      const present = new Set<string>();
      for (const m of this.open.values()) for (const [visitor, last] of m) if (now - last < this.opts.visitTimeoutMs) present.add(visitor);
      total = present.size;
    }
    return {
      ts: now,
      total,
      zones: layoutZones.map((z) => ({ zone: z.id as ZoneId, occupancy: active(z.id), capacity: z.capacity ?? null })),
    };
  }

  /** Forget open visits abandoned by `now` (keeps the live maps small); true when any went. */
  expire(now: number): boolean {
    let changed = false;
    for (const m of this.open.values()) {
      for (const [visitor, last] of m) {
        if (now - last >= this.opts.visitTimeoutMs) {
          m.delete(visitor);
          changed = true;
        }
      }
    }
    return changed;
  }
}

function emptyDerivation(): VisitorDerivation {
  return { visits: [], trips: [], open: [], lastActivityTs: -Infinity };
}
