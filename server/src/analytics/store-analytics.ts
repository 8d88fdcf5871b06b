import {
  compareEvents,
  formatBucketStart,
  dwellQuantiles,
  dwellSketchKth,
  EXACT_QUANTILES_UP_TO,
  localMidnight,
  type Bucket,
  type DomainOptions,
  type DwellStats,
  type FootfallEvent,
  type Occupancy,
  type PathReport,
  type Range,
  type TrafficBucket,
  type VisitorEvent,
  type ZoneDwell,
  type ZoneId,
} from "@footfall/core";
import { AggregateDelta } from "../aggregates/delta.js";
import { addToHistogram, type DwellHistogram } from "../aggregates/dwell-histogram.js";
import { spansOf } from "../aggregates/spans.js";
import type { DwellReads, OpenVisitRow, PathCount, Storage, StoredVisit, TrafficReads } from "../storage/types.js";
import { HOUR_MS } from "./time-parts.js";
import { hourParts, hoursOf, trafficCuts } from "./traffic-cuts.js";
import { deriveVisitor, diffByKey, sortSmall, visitKey, type VisitorDerivation } from "./visitor-derivation.js";

export interface StoreAnalyticsOptions extends DomainOptions {
  store: string;
  /** Where the aggregates live: read here; written through the transaction `stage` is given. */
  storage: Storage;
  now(): number;
  /** Raw rows (events, visits, trips) older than this may have been deleted by retention; -Infinity when nothing is. */
  rawSince?(): number;
  /** Since when the door count makes the occupancy at `now` (opening hours: the last closing); default local midnight. */
  doorCountSince?(now: number, timeZone: string, midnight: number): number;
  /** Visitors whose events and derivation stay in memory between batches (least recently active dropped first). */
  maxCachedVisitors?: number | (() => number);
}

/** A range that needs raw rows older than the retention horizon. */
export class RetentionError extends Error {
  /** Fastify answers it as a 400 with this message. */
  readonly statusCode = 400;
  constructor(readonly horizon: number, what = "this figure") {
    super(
      `${what} needs raw events, and those before ${new Date(horizon).toISOString()} are no longer kept (FOOTFALL_RETENTION_DAYS): choose a range from then on, or one that starts and ends on whole hours`,
    );
  }
}

/** Closed visits up to which dwell quantiles are computed exactly from raw rows (above: from the histogram sketch): core's. */
export { EXACT_QUANTILES_UP_TO };

interface VisitorState {
  events: VisitorEvent[];
  derived: VisitorDerivation;
}

/** The commit half of {@link StoreAnalytics.stage}: call after the transaction commits, or abort after it failed. */
export interface StagedAnalytics {
  commit(): void;
  abort(): void;
}

interface ZoneFigures {
  visits: number;
  visitors: number;
  closed: number;
  dwellSumMs: number;
  hist: DwellHistogram;
  exact: number[] | null;
}

function dwellStatsOf(f: ZoneFigures): DwellStats | null {
  const n = f.closed;
  if (n === 0) return null;
  // Core's one quantile rule, over the exact sorted values or the sketch.
  const kth = f.exact ? (k: number) => f.exact![k - 1]! : (k: number) => dwellSketchKth(f.hist, k);
  return { mean: f.dwellSumMs / n / 1000, ...dwellQuantiles(n, kth)! };
}

/**
 * One store's figures, answered from the aggregates in storage. Every figure is what the domain of
 * `@footfall/core` computes from the set of accepted events, whatever their order: each batch
 * re-derives only the visitors it touches and writes the difference to the rollups, in the same
 * transaction as the events. Memory holds only recently active visitors (a bounded cache) and the
 * open visits for live occupancy.
 */
export class StoreAnalytics {
  private readonly store: string;
  private readonly repo: Storage["aggregates"];
  private readonly visitors = new Map<string, VisitorState>();
  /** zone -> visitor -> last activity, for visitors with an open visit there. */
  private readonly open = new Map<string, Map<string, number>>();
  private readonly maxCached: () => number;
  private readonly visitZones: Set<string>;
  private readonly doorZones: Set<string>;

  private constructor(
    private readonly opts: StoreAnalyticsOptions,
    known: { visits: string[]; doors: string[] },
  ) {
    this.store = opts.store;
    this.repo = opts.storage.aggregates;
    const max = opts.maxCachedVisitors ?? 50_000;
    this.maxCached = typeof max === "number" ? () => max : max;
    this.visitZones = new Set(known.visits);
    this.doorZones = new Set(known.doors);
  }

  /**
   * A store's analytics over known zones read elsewhere (with a query's other reads, by
   * ./stored-figures.ts), without its open visits: for figures from storage only, never for
   * occupancy or ingest.
   */
  static ofKnownZones(opts: StoreAnalyticsOptions, known: { visits: string[]; doors: string[] }): StoreAnalytics {
    return new StoreAnalytics(opts, known);
  }

  /** Open a store's analytics: reads only its known zones and its open visits. */
  static async open(opts: StoreAnalyticsOptions): Promise<StoreAnalytics> {
    const aggregates = opts.storage.aggregates;
    const [known, open] = await Promise.all([aggregates.knownZones(opts.store), aggregates.openVisitsSince(opts.store, opts.now() - opts.visitTimeoutMs)]);
    return StoreAnalytics.of(opts, known, open);
  }

  /** A store's analytics from what {@link open} reads (read for many stores at once by the caller: `aggregates.openMany`). */
  static of(opts: StoreAnalyticsOptions, known: { visits: string[]; doors: string[] }, open: readonly OpenVisitRow[]): StoreAnalytics {
    const a = new StoreAnalytics(opts, known);
    for (const o of open) a.setOpen(o.zone, o.visitor, o.lastSeenTs);
    return a;
  }

  private setOpen(zone: string, visitor: string, lastSeenTs: number): void {
    let m = this.open.get(zone);
    if (!m) this.open.set(zone, (m = new Map()));
    m.set(visitor, lastSeenTs);
  }

  /**
   * Derive what newly accepted (never seen before) events change and write it to the aggregates,
   * through `tx`, the transaction that inserted the events; then `commit()` after it committed (the
   * in-memory cache follows), or `abort()` when it rolled back.
   */
  /**
   * The visitors of `events` whose stored events `stage` needs and this cache does not hold, with
   * how many of each the batch brings (for `visitorsEvents`' `known`): a group commit reads them
   * for all its stores at once and hands each store its part.
   */
  missingVisitors(events: readonly FootfallEvent[]): { visitors: string[]; known: (visitor: string) => number } {
    const inBatch = new Map<string, number>();
    for (const e of events) if (e.type !== "count") inBatch.set(e.visitor, (inBatch.get(e.visitor) ?? 0) + 1);
    return { visitors: [...inBatch.keys()].filter((v) => !this.visitors.has(v)), known: (v) => inBatch.get(v) ?? 0 };
  }

  /** Whether the cache holds a visitor's events (staging it then reads nothing). */
  holdsVisitor(visitor: string): boolean {
    return this.visitors.has(visitor);
  }

  /**
   * `preloaded`: the stored events of the visitors {@link missingVisitors} named, read by the
   * caller; without it, `stage` reads them itself.
   */
  async stage(tx: Storage, events: readonly FootfallEvent[], preloaded?: ReadonlyMap<string, VisitorEvent[]>): Promise<StagedAnalytics> {
    const delta = new AggregateDelta();
    const byVisitor = new Map<string, VisitorEvent[]>();
    for (const e of events) {
      if (e.type === "count") {
        delta.door(e.zone, e.ts, e.in, e.out);
        continue;
      }
      let list = byVisitor.get(e.visitor);
      if (!list) byVisitor.set(e.visitor, (list = []));
      list.push(e);
    }
    const next = new Map<string, { state: VisitorState; before: VisitorDerivation }>();
    const missing = [...byVisitor.keys()].filter((v) => !this.visitors.has(v));
    // The batch's events are stored already: a visitor with nothing more stored is new, and needs no read.
    const loaded =
      preloaded ?? (missing.length ? await tx.events.visitorsEvents(this.store, missing, (v) => byVisitor.get(v)?.length ?? 0) : new Map<string, VisitorEvent[]>());
    for (const [visitor, fresh] of byVisitor) {
      let state = this.visitors.get(visitor);
      if (!state) {
        const read = loaded.get(visitor);
        const ids = read?.length ? new Set(fresh.map((e) => e.id)) : null;
        const stored = read && ids ? read.filter((e) => !ids.has(e.id)) : [];
        state = { events: stored, derived: stored.length ? deriveVisitor(stored, this.opts) : emptyDerivation() };
      }
      // `fresh` is this batch's own list: a visitor without earlier events needs no copy.
      const merged = sortSmall(state.events.length ? state.events.concat(fresh) : fresh, compareEvents);
      const derived = deriveVisitor(merged, this.opts);
      diffInto(delta, visitor, state.derived, derived);
      next.set(visitor, { state: { events: merged, derived }, before: state.derived });
    }
    await tx.aggregates.write(this.store, delta);
    return {
      commit: () => {
        for (const [visitor, { state, before }] of next) {
          this.visitors.delete(visitor); // re-inserted below, so Map order is least recently active first
          this.visitors.set(visitor, state);
          for (const o of before.open) this.open.get(o.zone)?.delete(visitor);
          for (const o of state.derived.open) this.setOpen(o.zone, visitor, o.lastSeenTs);
        }
        for (const v of delta.visitInserts) this.visitZones.add(v.zone);
        for (const d of delta.doors.values()) this.doorZones.add(d.zone);
        this.trimCache();
      },
      abort: () => {
        for (const visitor of next.keys()) this.visitors.delete(visitor);
      },
    };
  }

  private trimCache(): void {
    const max = this.maxCached();
    if (this.visitors.size <= max) return;
    for (const visitor of this.visitors.keys()) {
      this.visitors.delete(visitor);
      if (this.visitors.size <= max * 0.9) break;
    }
  }

  private rawSince(): number {
    return this.opts.rawSince?.() ?? Number.NEGATIVE_INFINITY;
  }

  /** The parts of hours at a range's edges are read from raw rows: each must lie within the horizon (a range that ends now, not on a whole hour, is fine). */
  private requirePartials(spans: { partials: readonly (readonly [number, number])[] }): void {
    for (const [a] of spans.partials) this.requireRaw(a, "a range that does not start and end on whole hours");
  }

  private requireRaw(from: number, what?: string): void {
    const since = this.rawSince();
    if (from < since) throw new RetentionError(since, what);
  }

  /**
   * Visits, visitors and dwell of each zone for visits entered in [from, to). The reads go out in
   * two rounds, each in parallel and each one statement for all zones (on PostgreSQL every
   * statement is a round trip that waits behind the ingest): the rollups, revisits and the raw rows
   * of the partial hours at the edges; then the exact quantiles' raw rows and the histograms.
   * `pre`: all of them read already, in one statement (storage's `dwellReads`); its second round is
   * used when it picked the same exact and sketch zones as here, else read again.
   */
  private async zoneFigures(range: Range, zoneIds: Iterable<string>, pre?: DwellReads): Promise<Map<string, ZoneFigures>> {
    const { from, to } = range;
    const spans = spansOf(from, to);
    this.requirePartials(spans);
    const zones = [...new Set([...zoneIds, ...this.visitZones])];
    const whole = spans.whole;
    const aligned = whole ? from === whole[0] * HOUR_MS : true;
    const [totals, revisits, prevHours, partialReads] = pre
      ? [pre.totals, pre.revisits, pre.prevHours, pre.partials]
      : await Promise.all([
      this.repo.zoneTotals(this.store, spans),
      whole ? this.repo.revisitsBefore(this.store, whole[0], whole[1], aligned ? whole[0] : whole[0] - 1) : new Map<string, number>(),
      whole && !aligned ? this.repo.revisitHoursOfPrev(this.store, whole[0], whole[1], whole[0] - 1) : [],
      Promise.all(spans.partials.map(([a, b]) => this.repo.visitsInZones(this.store, zones, a, b))),
    ]);
    const out = new Map<string, ZoneFigures>();
    const fig = (zone: string): ZoneFigures => {
      let f = out.get(zone);
      if (!f) out.set(zone, (f = { visits: 0, visitors: 0, closed: 0, dwellSumMs: 0, hist: new Map(), exact: null }));
      return f;
    };
    for (const [zone, t] of totals) {
      const f = fig(zone);
      f.visits += t.visits;
      f.visitors += t.firsts;
      f.closed += t.closed;
      f.dwellSumMs += t.dwellSumMs;
    }
    // A revisit is a new visitor of the range when the same visitor's previous visit lies before `from`.
    for (const [zone, n] of revisits) fig(zone).visitors += n;
    const loose = new Map<string, number[]>();
    for (const byZone of partialReads) {
      for (const [zone, visits] of byZone) {
        for (const v of visits) {
          const f = fig(zone);
          f.visits++;
          if (v.prevEnterTs === null || v.prevEnterTs < from) f.visitors++;
          if (v.dwellMs !== null) {
            f.closed++;
            f.dwellSumMs += v.dwellMs;
            let l = loose.get(zone);
            if (!l) loose.set(zone, (l = []));
            l.push(v.dwellMs);
          }
        }
      }
    }
    const rawOk = from >= this.rawSince();
    const sketchZones: string[] = [];
    const exactZones: string[] = [];
    for (const [zone, f] of out) {
      if (f.closed === 0) continue;
      if (rawOk && f.closed <= EXACT_QUANTILES_UP_TO) exactZones.push(zone);
      else sketchZones.push(zone);
    }
    // The one-statement read chose its exact and sketch zones by the same counts (one snapshot): else this reads them now.
    const second = pre && sameSet(pre.exactZones, exactZones) && sameSet(pre.sketchZones, sketchZones) ? pre : null;
    // Revisits whose previous visit lies in the hour before the first whole one: before `from` or not, by the raw rows.
    const prevReads = prevHours.map(async ({ hour, zone }) => {
      const visits = second ? (second.prevVisits.get(`${hour}|${zone}`) ?? []) : await this.repo.visitsIn(this.store, zone, hour * HOUR_MS, (hour + 1) * HOUR_MS);
      for (const v of visits) {
        if (v.prevEnterTs !== null && Math.floor(v.prevEnterTs / HOUR_MS) === whole![0] - 1 && v.prevEnterTs < from) fig(zone).visitors++;
      }
    });
    const [exact, hists] = await Promise.all([
      second ? second.exact : exactZones.length ? this.repo.visitsInZones(this.store, exactZones, from, to).then(closedDwells) : new Map<string, number[]>(),
      second ? second.hists : sketchZones.length ? this.repo.zoneHistograms(this.store, spans) : new Map<string, DwellHistogram>(),
      ...prevReads,
    ]);
    for (const zone of exactZones) {
      out.get(zone)!.exact = [...(exact.get(zone) ?? [])].sort((x, y) => x - y);
    }
    for (const zone of sketchZones) {
      const f = out.get(zone)!;
      f.hist = hists.get(zone) ?? new Map();
      for (const ms of loose.get(zone) ?? []) addToHistogram(f.hist, ms);
    }
    return out;
  }

  /** Per zone: visits, distinct visitors and dwell statistics of visits entered in the range (`pre`: read already, see zoneFigures). */
  async dwell(range: Range, zoneIds: readonly string[], pre?: DwellReads): Promise<ZoneDwell[]> {
    const figures = await this.zoneFigures(range, zoneIds, pre);
    const ids = new Set([...zoneIds, ...figures.keys()]);
    const out: ZoneDwell[] = [];
    for (const id of [...ids].sort()) {
      const f = figures.get(id);
      if (!f || f.visits === 0) {
        if (zoneIds.includes(id)) out.push({ zone: id as ZoneId, visits: 0, visitors: 0, dwell_s: null });
        continue;
      }
      out.push({ zone: id as ZoneId, visits: f.visits, visitors: f.visitors, dwell_s: dwellStatsOf(f) });
    }
    return out;
  }

  private pathSpans(range: Range) {
    const spans = spansOf(range.from, range.to);
    this.requirePartials(spans);
    return spans;
  }

  /** Top paths of trips that started in the range, all transitions between zones in them, and the number of trips. */
  async pathReport(range: Range, limit: number): Promise<PathReport> {
    return this.repo.pathReport(this.store, this.pathSpans(range), limit);
  }

  /** Each path with its count of trips that started in the range (unordered). */
  async pathCounts(range: Range): Promise<PathCount[]> {
    return this.repo.pathCounts(this.store, this.pathSpans(range));
  }

  /**
   * Enters per zone in any sub-range of `range`: visits opened plus door `in`, from the hour
   * rollups of the range read once, and raw rows for the parts of hours at the edges. `pre`: the
   * hour rows and the parts of hours read already (storage's `trafficReads`; a part it lacks is read).
   * `crossings`: door `out` too (what a door counter counted either way; `pre` is not read then).
   */
  private async entersCounter(range: Range, pre?: TrafficReads, crossings = false): Promise<(zone: string, a: number, b: number) => number | Promise<number>> {
    if (crossings) pre = undefined;
    const [h0, h1] = hoursOf(range);
    const prefix = new Map<string, Float64Array>();
    const row = (zone: string) => {
      let p = prefix.get(zone);
      if (!p) prefix.set(zone, (p = new Float64Array(h1 - h0 + 1)));
      return p;
    };
    const [zoneHours, doorHours] = pre ? [pre.zoneHours, pre.doorHours] : await Promise.all([this.repo.zoneHours(this.store, h0, h1), this.repo.doorHours(this.store, h0, h1)]);
    for (const r of zoneHours) row(r.zone)[r.t - h0 + 1]! += r.n;
    for (const r of doorHours) row(r.zone)[r.t - h0 + 1]! += crossings ? r.in + r.out : r.in;
    for (const p of prefix.values()) for (let i = 1; i < p.length; i++) p[i]! += p[i - 1]!;
    // A part of an hour is read once for every zone (two statements: visits per zone, door counts).
    const parts = new Map<string, Promise<Map<string, number>>>();
    const partOf = (a: number, b: number) => {
      const key = `${a}:${b}`;
      let p = parts.get(key);
      const read = pre?.pieces.get(key);
      if (!p && read) {
        const n = new Map(read.visits);
        for (const [zone, nIn] of read.doorIn) if (this.doorZones.has(zone)) n.set(zone, (n.get(zone) ?? 0) + nIn);
        parts.set(key, (p = Promise.resolve(n)));
      }
      if (!p) {
        const visitZones = [...this.visitZones];
        const doors = this.doorZones.size > 0;
        p = Promise.all([visitZones.length ? this.repo.visitCounts(this.store, visitZones, a, b) : new Map<string, number>(), doors ? this.repo.countsIn(this.store, a, b) : []]).then(
          ([visits, counts]) => {
            const n = new Map(visits);
            for (const c of counts) if (this.doorZones.has(c.zone)) n.set(c.zone, (n.get(c.zone) ?? 0) + c.nIn + (crossings ? c.nOut : 0));
            return n;
          },
        );
        parts.set(key, p);
      }
      return p;
    };
    const raw = async (zone: string, a: number, b: number) => {
      if (b <= a) return 0;
      this.requireRaw(a, "a range or bucket that does not start and end on whole hours");
      if (!this.visitZones.has(zone) && !this.doorZones.has(zone)) return 0;
      return (await partOf(a, b)).get(zone) ?? 0;
    };
    // Whole hours are answered at once from the prefix sums (no promise): a month of hourly buckets asks thousands.
    return (zone, a, b) => {
      const p = prefix.get(zone);
      const { whole: w, parts: edges } = hourParts(a, b);
      if (!w) return raw(zone, a, b);
      const whole = p ? p[w[1] - h0]! - p[w[0] - h0]! : 0;
      if (edges.length === 0) return whole;
      return Promise.all(edges.map(([x, y]) => raw(zone, x, y))).then((n) => n.reduce((s, x) => s + x, whole));
    };
  }

  /**
   * What an outage is judged by (core zonesNotCounted's `counts`, the one rule of the chain view, the digests, the
   * store's screens, experiments and forecasts): per local hour of `range` (`starts`, core bucketStarts), per zone,
   * the visits opened plus what a door counter counted either way, in and out. An agent cut off from the broker
   * that kept counting delivered them later from its outbox; in the evening a door counter counts people leaving
   * only, and an hour it counted the last of them out in was counted (`in` alone called it "not counted").
   */
  async countedPerHour(range: Range, timeZone: string): Promise<Record<string, number>[]> {
    const zoneIds = this.allZones();
    const count = await this.entersCounter(range, undefined, true);
    const out: Record<string, number>[] = [];
    for (const { cuts } of trafficCuts(range, "hour", timeZone, [])) {
      const zones: Record<string, number> = {};
      for (const [a, b] of cuts) {
        const counts = zoneIds.map((id) => count(id, a, b));
        const settled = counts.some((n) => typeof n !== "number") ? await Promise.all(counts) : (counts as number[]);
        for (const [i, id] of zoneIds.entries()) if (settled[i]! > 0) zones[id] = (zones[id] ?? 0) + settled[i]!;
      }
      out.push(zones);
    }
    return out;
  }

  private allZones(): string[] {
    return [...new Set([...this.visitZones, ...this.doorZones])].sort();
  }

  /**
   * Enters per local hour or day: visits opened plus door `in`, per zone, and the store's enters
   * over zones that were of kind `entrance` at the time (a bucket is split where the layout changes).
   */
  async traffic(
    range: Range,
    bucket: Bucket,
    timeZone: string,
    kindAt: (zone: string, ts: number) => string | undefined,
    layoutChanges: readonly number[],
    pre?: TrafficReads,
  ): Promise<TrafficBucket[]> {
    const zoneIds = this.allZones();
    const count = await this.entersCounter(range, pre);
    const out: TrafficBucket[] = [];
    for (const { start, cuts } of trafficCuts(range, bucket, timeZone, layoutChanges)) {
      const zones: Record<string, number> = {};
      let enters = 0;
      for (const [a, b] of cuts) {
        // Whole hours come from the prefix sums at once; the zones' raw reads at the edges go out together.
        const counts = zoneIds.map((id) => count(id, a, b));
        const settled = counts.some((n) => typeof n !== "number") ? await Promise.all(counts) : (counts as number[]);
        for (const [i, id] of zoneIds.entries()) {
          const n = settled[i]!;
          if (n === 0) continue;
          zones[id] = (zones[id] ?? 0) + n;
          if (kindAt(id, a) === "entrance") enters += n;
        }
      }
      out.push({ start: formatBucketStart(start, timeZone), enters, zones });
    }
    return out;
  }

  /** The store's enters in the range: as `traffic` sums them over its buckets (entrance zones' visits plus door `in`). */
  async storeEnters(range: Range, kindAt: (zone: string, ts: number) => string | undefined, layoutChanges: readonly number[]): Promise<number> {
    const count = await this.entersCounter(range);
    const cuts = [range.from, ...layoutChanges.filter((t) => t > range.from && t < range.to), range.to];
    let enters = 0;
    for (let c = 1; c < cuts.length; c++) {
      const [a, b] = [cuts[c - 1]!, cuts[c]!];
      for (const id of this.allZones()) {
        if (kindAt(id, a) !== "entrance") continue;
        const counted = count(id, a, b);
        enters += typeof counted === "number" ? counted : await counted;
      }
    }
    return enters;
  }

  /** Visits to `zone` entered in the range (closed and abandoned). */
  async zoneVisits(zone: string, range: Range): Promise<number> {
    return (await this.zoneFigures(range, [zone])).get(zone)?.visits ?? 0;
  }

  /** Dwell in seconds of each closed visit to `zone` entered in the range (unordered samples; raw rows, so within retention). */
  async dwellSamples(zone: string, range: Range): Promise<number[]> {
    this.requireRaw(range.from, "per-visit dwell samples (experiments)");
    return (await this.repo.visitsIn(this.store, zone, range.from, range.to)).flatMap((v) => (v.dwellMs === null ? [] : [v.dwellMs / 1000]));
  }

  /** Door counters' crossings with ts in [from, to), all doors together. */
  private async doorSum(from: number, to: number): Promise<{ in: number; out: number }> {
    const spans = spansOf(from, to);
    const s = { in: 0, out: 0 };
    for (const t of (await this.repo.doorTotals(this.store, spans)).values()) {
      s.in += t.in;
      s.out += t.out;
    }
    for (const [a, b] of spans.partials) {
      for (const c of await this.repo.countsIn(this.store, a, b)) {
        s.in += c.nIn;
        s.out += c.nOut;
      }
    }
    return s;
  }

  /**
   * Where the live store total comes from (DESIGN §6): the door counters' net count when the store
   * has any, else the people followed in zones; and the zones door counters report for. The UI
   * says which figure it shows, and that a door-only zone holds nobody it can count.
   */
  liveSource(): { totalFrom: "door" | "zones"; doorZones: string[] } {
    return { totalFrom: this.doorZones.size > 0 ? "door" : "zones", doorZones: [...this.doorZones].sort() };
  }

  /**
   * Live occupancy at `now`. `pending`: events received but not committed yet (a chain's server
   * catching up on a shard it took over reads the newest messages beside the backlog, see
   * cluster/live-tap.ts): replayed over the committed open visits as the domain's live state
   * replays events over its settled part, so the figure is the domain's over the committed events
   * plus those (exactly so when they are all newer than the committed ones).
   */
  async occupancy(
    now: number,
    timeZone: string,
    layoutZones: readonly { id: string; capacity?: number | undefined }[],
    pending: readonly FootfallEvent[] = [],
  ): Promise<Occupancy> {
    const timeout = this.opts.visitTimeoutMs;
    let openOf = this.open;
    let pendingIn = 0;
    let pendingOut = 0;
    let pendingCounts = false;
    // Door counts are summed from local midnight, or from the store's last closing when it has opening hours.
    const countSince = () => {
      const midnight = localMidnight(now, timeZone);
      return this.opts.doorCountSince ? this.opts.doorCountSince(now, timeZone, midnight) : midnight;
    };
    if (pending.length) {
      pending = [...new Map(pending.map((e) => [e.id, e])).values()]; // a message received twice counts once
      const since = countSince();
      // The committed open visits per visitor (last activity, open zones), then each visitor's pending events in order.
      const visitors = new Map<string, { last: number; open: Set<string> }>();
      for (const [zone, m] of this.open) {
        for (const [visitor, last] of m) {
          let v = visitors.get(visitor);
          if (!v) visitors.set(visitor, (v = { last: -Infinity, open: new Set() }));
          v.last = Math.max(v.last, last);
          v.open.add(zone);
        }
      }
      const visitorEvents = pending.filter((e): e is VisitorEvent => e.type !== "count").sort(compareEvents);
      for (const e of visitorEvents) {
        let v = visitors.get(e.visitor);
        if (!v) visitors.set(e.visitor, (v = { last: -Infinity, open: new Set() }));
        if (e.ts < v.last) continue; // older than what is committed of this visitor: committed already, or too late to place
        if (e.ts - v.last >= timeout) v.open.clear();
        v.last = e.ts;
        if (e.type === "enter") v.open.add(e.zone);
        else if (e.type === "exit") v.open.delete(e.zone);
      }
      openOf = new Map();
      for (const [visitor, v] of visitors) {
        for (const zone of v.open) {
          let m = openOf.get(zone);
          if (!m) openOf.set(zone, (m = new Map()));
          m.set(visitor, v.last);
        }
      }
      for (const e of pending) {
        if (e.type !== "count") continue;
        pendingCounts = true;
        if (e.ts < since || e.ts > now) continue;
        pendingIn += e.in;
        pendingOut += e.out;
      }
    }
    const active = (zone: string) => {
      let n = 0;
      for (const last of openOf.get(zone)?.values() ?? []) if (now - last < timeout) n++;
      return n;
    };
    let total: number;
    if (this.doorZones.size > 0 || pendingCounts) {
      const s = this.doorZones.size > 0 ? await this.doorSum(countSince(), now + 1) : { in: 0, out: 0 };
      total = Math.max(0, s.in + pendingIn - (s.out + pendingOut));
    } else {
      const present = new Set<string>();
      for (const m of openOf.values()) for (const [visitor, last] of m) if (now - last < timeout) present.add(visitor);
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

/** The dwell (ms) of each closed visit, per zone. */
function closedDwells(visits: ReadonlyMap<string, readonly StoredVisit[]>): Map<string, number[]> {
  return new Map([...visits].map(([zone, vs]) => [zone, vs.flatMap((v) => (v.dwellMs === null ? [] : [v.dwellMs]))]));
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

/** Write the difference between two derivations of one visitor into `delta`. */
function diffInto(delta: AggregateDelta, visitor: string, before: VisitorDerivation, after: VisitorDerivation): void {
  if (before.visits.length === 0 && before.trips.length === 0 && before.open.length === 0) {
    // A visitor seen for the first time (the common case): everything is added, no multiset diff to build.
    for (const x of after.visits) delta.visit(x.zone, x.enterId, x.item, 1);
    for (const x of after.trips) delta.trip(visitor, x.startTs, x.key, 1, x.steps);
    for (const o of after.open) delta.openVisit(o.zone, visitor, o.lastSeenTs);
    return;
  }
  const v = diffByKey(before.visits, after.visits, visitKey);
  for (const x of v.removed) delta.visit(x.zone, x.enterId, x.item, -1);
  for (const x of v.added) delta.visit(x.zone, x.enterId, x.item, 1);
  const t = diffByKey(before.trips, after.trips, (x) => `${x.startTs}|${x.key}|${x.steps}`);
  for (const x of t.removed) delta.trip(visitor, x.startTs, x.key, -1);
  for (const x of t.added) delta.trip(visitor, x.startTs, x.key, 1, x.steps);
  const stillOpen = new Set(after.open.map((o) => o.zone));
  for (const o of before.open) if (!stillOpen.has(o.zone)) delta.openVisit(o.zone, visitor, null);
  for (const o of after.open) delta.openVisit(o.zone, visitor, o.lastSeenTs);
}

function emptyDerivation(): VisitorDerivation {
  return { visits: [], trips: [], open: [], lastActivityTs: -Infinity };
}
