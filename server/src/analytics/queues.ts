import {
  abandonmentRate,
  CSV_DECIMALS,
  type CsvColumn,
  type CsvValue,
  estimateWait,
  csvTime,
  localTime,
  queueJoinsOf,
  queuesOf,
  notCountedSince,
  QUEUE_WAITS_WINDOW_MS,
  QUEUE_WINDOW_MS,
  waitByWeekdayHour,
  waitStats,
  type Layout,
  type QueueEstimateMethod,
  type QueueVisit,
  type Range,
  type NotCounted,
  type WaitStats,
  toCsv,
} from "@footfall/core";
import { trackingOf, zonesNotCountedNow } from "./zone-tracking.js";
import type { Services } from "../services.js";
import type { AgentRow, StoredTripSteps, StoredVisit, ZoneAgentRow } from "../storage/types.js";
import { RetentionError } from "./store-analytics.js";

/**
 * Checkout queues of a store (issue 14.1), from the stored visits of its zones of kind `queue`
 * (core's queue figures): live (`liveQueues`: people waiting, estimated wait for someone joining
 * now, waits of the last hour) and over a range (`queueReport`: waits and abandonment, by local
 * weekday and hour). Both read storage (visits and trip paths; the live figures which lines nothing
 * counts through the server's view of the agents), so they answer the same on SQLite and PostgreSQL
 * and on any server of a chain.
 */

/** How far back the live figures read visits: the estimate's windows, plus the longest wait worth seeing. */
const LIVE_LOOKBACK_MS = Math.max(QUEUE_WINDOW_MS, QUEUE_WAITS_WINDOW_MS) + 60 * 60_000;
const HOUR_MS = 3_600_000;

/** One queue now. */
export interface LiveQueue {
  zone: string;
  name: string;
  queueFor: string;
  /** The name of the `queueFor` zone (the tills'), from the layout in force. */
  queueForName: string;
  /** People waiting now (open visits; people the tracking lost left out). */
  length: number;
  /**
   * Open visits of the queue zone left out of `length` as people the tracking lost (core's
   * estimateWait `stale`): the zone's live occupancy still counts them until the visit timeout, and
   * so does this figure; a visit open longer than the visit timeout is in the line nowhere, not here either.
   */
  lost: number;
  /** Capacity of the queue zone from the layout, or null. */
  capacity: number | null;
  /** Estimated wait in seconds for someone joining now; null when the last 15 minutes say nothing. */
  estimatedWaitS: number | null;
  method: QueueEstimateMethod;
  /** People leaving the queue per minute while it is not empty; null without departures. */
  servedPerMin: number | null;
  arrivalsPerMin: number;
  /**
   * Tills open at the `queueFor` zone, seen through its visits (core's estimateWait `tillsOpen`),
   * or null when that zone had no visit in the lookback (not tracked).
   */
  tillsOpen: number | null;
  /** Waits that ended in the last hour (seconds), or null. */
  lastHour: WaitStats | null;
  /**
   * Since when nothing counts the queue (queueTracking): every agent whose events named the zone is
   * offline, silent or revoked; the figures above are then those of that moment. Null while one counts it.
   */
  offlineSince: number | null;
  /** Those agents, by id, while `offlineSince` is set; [] otherwise. */
  offlineAgents: string[];
}

/** A store's queues now. */
export interface LiveQueues {
  ts: number;
  queues: LiveQueue[];
}

const toQueueVisit = (v: StoredVisit): QueueVisit => ({ enterTs: v.enterTs, exitTs: v.dwellMs === null ? null : v.enterTs + v.dwellMs });

/**
 * How long before a range the report looks for trips that joined a queue in it: a trip is a run of activity with no
 * silence of a visit timeout, so one that began more than this before it and was still going on is not a shopper.
 */
export const QUEUE_TRIP_LOOKBACK_MS = 12 * HOUR_MS;

/** What a report reads: a store's raw queue visits, and the raw trips (with when each step began) whose path holds a zone. */
export interface QueueSource {
  visits(zone: string, range: Range): Promise<QueueVisit[]>;
  /** Trips started in `range` whose path holds one of `zones`. */
  trips(zones: readonly string[], range: Range): Promise<StoredTripSteps[]>;
}

/** The report's reads for a store: raw visits and raw trips (within retention, else a RetentionError). */
export function queueSource(services: Pick<Services, "storage" | "retention">, store: string): QueueSource {
  return {
    async visits(zone, range) {
      const since = services.retention?.rawSince() ?? Number.NEGATIVE_INFINITY;
      if (range.from < since) throw new RetentionError(since, "queue waits");
      return (await services.storage.aggregates.visitsIn(store, zone, range.from, range.to)).map(toQueueVisit);
    },
    trips: (zones, range) => services.storage.aggregates.tripStepsIn(store, zones, range.from, range.to),
  };
}

/**
 * Live figures of every queue of the store's current layout, or null when the store has no layout.
 * This is the service other parts use (alert rules, MQTT and Home Assistant sensors, the tablet).
 */
export async function liveQueues(services: Pick<Services, "layouts" | "storage" | "now" | "counting" | "hours" | "analytics">, store: string, now = services.now()): Promise<LiveQueues | null> {
  await services.layouts.load(store);
  const layout = services.layouts.current(store, now);
  if (!layout) return null;
  const defs = queuesOf(layout.zones);
  // Which lines nothing counts now: the server's view of the store's agents (counting-view.ts, as the live map and
  // GET .../occupancy read it), so an agent's will shows here at once and asks while nothing changed read nothing.
  const notCounted = await zonesNotCountedNow(
    services,
    store,
    defs.map((d) => d.zone),
    now,
    layout.timezone,
  );
  const queues = await Promise.all(
    defs.map(async ({ zone, queueFor }): Promise<LiveQueue> => {
      const z = layout.zones.find((x) => x.id === zone)!;
      // Nothing counts the line now: its figures are those of the moment the last of its agents went quiet, not
      // of now (at now its people waiting would turn into people the tracking lost, its wait into a guess).
      const tracking = notCounted.get(zone) ?? null;
      const at = tracking ? Math.min(now, tracking.since) : now;
      const read = async (id: string) => {
        const visits = (await services.storage.aggregates.visitsIn(store, id, at - LIVE_LOOKBACK_MS, at + 1)).map(toQueueVisit).filter((v) => v.enterTs <= at);
        // What is known at `at`: a visit that ends later is still open. An open visit entered a visit timeout or more
        // before `at` is in the zone nowhere (the live map and the zone's occupancy dropped it at the timeout), so it is
        // neither waiting nor among the `lost` the map still shows.
        const timedOut = at - services.analytics.opts.visitTimeoutMs;
        return visits.map((v) => (v.exitTs !== null && v.exitTs > at ? { enterTs: v.enterTs, exitTs: null } : v)).filter((v) => v.exitTs !== null || v.enterTs > timedOut);
      };
      // The zone it queues for (the tills): people at it count the tills open and the estimate reads its interval per till.
      const [known, tills] = await Promise.all([read(zone), read(queueFor)]);
      const e = estimateWait(at + 1, known, tills.length > 0 ? { served: tills } : {});
      const lastHour = waitStats(known.flatMap((v) => (v.exitTs !== null && v.exitTs >= at - HOUR_MS ? [v.exitTs - v.enterTs] : [])));
      return {
        zone,
        name: z.name,
        queueFor,
        queueForName: layout.zones.find((x) => x.id === queueFor)?.name ?? queueFor,
        length: e.length,
        lost: e.stale,
        capacity: z.capacity ?? null,
        estimatedWaitS: e.estimatedWaitS === null ? null : Math.round(e.estimatedWaitS * 10) / 10,
        method: e.method,
        servedPerMin: e.servedPerMin,
        arrivalsPerMin: e.arrivalsPerMin,
        tillsOpen: e.tillsOpen,
        lastHour,
        offlineSince: tracking?.since ?? null,
        offlineAgents: tracking?.agents ?? [],
      };
    }),
  );
  return { ts: now, queues };
}

/**
 * Whether nothing counts a zone now, from the store's agents (`agents`: storage's list) and those
 * whose events named the zone (`named`: storage's zoneAgents): core's notCountedSince, the rule the
 * live map, zone list and occupancy answer use too (zone-tracking.ts).
 */
export function queueTracking(agents: readonly AgentRow[], named: readonly ZoneAgentRow[], now: number): NotCounted | null {
  return notCountedSince(agents.map(trackingOf), named, now);
}

/**
 * The alert evaluator's view of the queues (server/src/alerts/evaluator.ts `QueueFigures`): per
 * queue zone, people waiting and the estimated wait in seconds (and the tills open, which the MQTT
 * state publisher sends too).
 */
export function queueFiguresForAlerts(services: Pick<Services, "layouts" | "storage" | "now" | "counting" | "analytics">) {
  return async (store: string, now: number): Promise<Record<string, { length: number; waitSeconds: number | null; tillsOpen: number | null }> | undefined> => {
    const live = await liveQueues(services, store, now);
    if (!live || live.queues.length === 0) return undefined;
    return Object.fromEntries(live.queues.map((q) => [q.zone, { length: q.length, waitSeconds: q.estimatedWaitS, tillsOpen: q.tillsOpen }]));
  };
}

/** One (weekday, hour) cell of a queue's report. */
export interface QueueCell {
  /** ISO weekday, 1 = Monday, in the store's time zone. */
  weekday: number;
  hour: number;
  /** Queue visits entered in the cell's hours. */
  joins: number;
  wait_s: WaitStats | null;
  /** Outcomes of the joins in the cell's hours (the hour the shopper joined the queue, as `joins`). */
  served: number;
  abandoned: number;
}

/** One queue over a range. */
export interface QueueReportRow {
  zone: string;
  name: string;
  queueFor: string;
  /** The name of the `queueFor` zone (the tills'), as the layout in force last in the range gives it. */
  queueForName: string;
  /** Queue visits entered in the range. */
  joins: number;
  /** Waits (closed visits) of those joins, in seconds. */
  wait_s: WaitStats | null;
  /** Outcomes of the joins in the range: served (the queueFor zone next), abandoned, pending (trip still going on). */
  served: number;
  abandoned: number;
  pending: number;
  /** abandoned / (served + abandoned), or null. */
  abandonmentRate: number | null;
  /** By local weekday and hour, cells with a join or a trip only, sorted by weekday then hour. */
  byWeekdayHour: QueueCell[];
}

/**
 * Waits and abandonment of each queue over `range` (the queues of every layout version in force
 * then), by the store's local weekday and hour: waits from the queue zones' raw visits, outcomes
 * from the raw trips whose path holds a queue, each join counted in the local hour the shopper
 * joined the queue (the enter of its step; core queueJoinsOf), the hour its wait is counted in, not
 * the hour the trip began. A join that ends a trip whose last step began in the last `pendingMs`
 * may still go on: pending, not abandoned. A trip stored before migration 31 and not yet filled
 * has no step times: its joins count at the trip's start, as before.
 */
export async function queueReport(analytics: QueueSource, layouts: readonly Layout[], range: Range, timeZone: string, now: number, pendingMs: number): Promise<QueueReportRow[]> {
  const defs = new Map<string, { zone: string; name: string; queueFor: string; queueForName: string }>();
  layouts.forEach((l, i) => {
    const end = layouts[i + 1]?.validFrom ?? Number.POSITIVE_INFINITY;
    const start = i === 0 ? Number.NEGATIVE_INFINITY : l.validFrom;
    if (!(start < range.to && end > range.from)) return;
    const nameOf = (id: string): string => l.zones.find((z) => z.id === id)?.name ?? id;
    for (const q of queuesOf(l.zones)) defs.set(q.zone, { zone: q.zone, name: nameOf(q.zone), queueFor: q.queueFor, queueForName: nameOf(q.queueFor) });
  });
  const queues = [...defs.values()].sort((a, b) => (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : 0));
  if (queues.length === 0) return [];
  const visits = await Promise.all(queues.map((q) => analytics.visits(q.zone, range)));
  // Trips that may have joined a queue in the range: those begun in it, or a little before and still going on.
  const trips = await analytics.trips(
    queues.map((q) => q.zone),
    { from: range.from - QUEUE_TRIP_LOOKBACK_MS, to: range.to },
  );
  const joins = queueJoinsOf(
    trips.map((t) => {
      const enters = t.enters ?? t.zones.map(() => t.startTs);
      return { zones: t.zones, enters, ongoing: enters[enters.length - 1]! > now - pendingMs };
    }),
    queues,
  ).filter((j) => j.joinTs >= range.from && j.joinTs < range.to);
  return queues.map((q, i) => {
    const vs = visits[i]!;
    const cells = new Map<number, QueueCell>();
    for (const c of waitByWeekdayHour(vs, timeZone)) cells.set(c.weekday * 24 + c.hour, { ...c, served: 0, abandoned: 0 });
    const total = { joins: 0, served: 0, abandoned: 0, pending: 0 };
    for (const j of joins) {
      if (j.zone !== q.zone) continue;
      total[j.outcome]++;
      if (j.outcome === "pending") continue;
      const t = localTime(j.joinTs, timeZone);
      const key = t.weekday * 24 + t.hour;
      let c = cells.get(key);
      if (!c) cells.set(key, (c = { weekday: t.weekday, hour: t.hour, joins: 0, wait_s: null, served: 0, abandoned: 0 }));
      c[j.outcome]++;
    }
    const waits = vs.flatMap((v) => (v.exitTs === null ? [] : [v.exitTs - v.enterTs]));
    return {
      ...q,
      joins: vs.length,
      wait_s: waitStats(waits),
      served: total.served,
      abandoned: total.abandoned,
      pending: total.pending,
      abandonmentRate: abandonmentRate({ ...total, joins: total.served + total.abandoned + total.pending }),
      byWeekdayHour: [...cells.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c),
    };
  });
}

/**
 * The report as CSV (core's toCsv: CRLF line ends as every export), one row per queue and (weekday, hour) cell, waits in seconds
 * to 1 decimal as every export's seconds (core's csvNumber); each row starts with the range it covers in the store's zone
 * (`range_from`, `range_to`), as the views' exports do. After each queue's cells (`row` "hour"), its figures over the whole
 * range (`row` "total", no weekday or hour), as the view's line above the queue's table says them: its joins, its median and
 * p90 wait (which its cells' medians do not give), served and abandoned. The last column, `queue_name`, is the queue zone's
 * name as the view heads its table (`queue` is its id); after it `queue_for_name`, the name of the zone it queues for
 * (`queue_for` is its id), from the same layout. Times to the whole second (core csvTime), as every export. With
 * `noData` (the range ends before the store's figures begin, or it has none: the view's "No data for this range"), each
 * queue's total row with empty figures, not 0 joins.
 */
export function queueReportCsv(rows: readonly QueueReportRow[], range: Range, timeZone: string, noData = false): string {
  const WEEKDAYS = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  const seconds = CSV_DECIMALS.seconds;
  const header: CsvColumn[] = [
    ...["range_from", "range_to", "queue", "queue_for", "weekday", "hour"].map((name) => ({ name })),
    ...["joins", "waits"].map((name) => ({ name, decimals: CSV_DECIMALS.count })),
    ...["median_wait_s", "p90_wait_s", "mean_wait_s"].map((name) => ({ name, decimals: seconds })),
    ...["served", "abandoned"].map((name) => ({ name, decimals: CSV_DECIMALS.count })),
    { name: "row" },
    { name: "queue_name" },
    { name: "queue_for_name" },
  ];
  // The range to the whole second, as every export writes it (core csvTime): the Heatmap's own CSVs name it alike.
  const from = csvTime(range.from, timeZone);
  const to = csvTime(range.to, timeZone);
  const lines: CsvValue[][] = [];
  for (const r of rows) {
    // A range before the store's figures begin: no data, not 0 joins (empty cells, as the view says "No data for this range").
    if (noData) {
      lines.push([from, to, r.zone, r.queueFor, "", "", null, null, null, null, null, null, null, "total", r.name, r.queueForName]);
      continue;
    }
    for (const c of r.byWeekdayHour) {
      lines.push([from, to, r.zone, r.queueFor, WEEKDAYS[c.weekday], String(c.hour).padStart(2, "0"), c.joins, c.wait_s?.n ?? 0, c.wait_s?.median, c.wait_s?.p90, c.wait_s?.mean, c.served, c.abandoned, "hour", r.name, r.queueForName]);
    }
    lines.push([from, to, r.zone, r.queueFor, "", "", r.joins, r.wait_s?.n ?? 0, r.wait_s?.median, r.wait_s?.p90, r.wait_s?.mean, r.served, r.abandoned, "total", r.name, r.queueForName]);
  }
  return toCsv(header, lines);
}
