import type { EpochMs } from "../protocol/ids.js";
import { localTime } from "./calendar.js";
import { quantilesOfSorted } from "./dwell-quantiles.js";
import { mean, medianOfSorted, sortedAscending } from "./stats.js";

/**
 * (v1.1) Checkout queues: pure figures of a zone of kind `queue` (DESIGN, layout). Its occupancy is
 * the queue's length, its closed visits are waits, and a visit that is not followed by an enter of
 * its `queueFor` zone next in the same trip is an abandonment.
 */

/** One visit to a queue zone: when it was entered and left (`exitTs` null: still in it, or never closed). */
export interface QueueVisit {
  enterTs: EpochMs;
  exitTs: EpochMs | null;
}

/** How a wait estimate was made. */
export type QueueEstimateMethod = "recent-waits" | "throughput" | "littles-law" | "none";

export interface QueueEstimateOptions {
  /** The recent past the throughput and Little's law rules look at (ms); default 15 minutes. */
  windowMs?: number;
  /** The recent past whose waits the recent-waits rule reads (ms); default 60 minutes. */
  waitsWindowMs?: number;
  /** Waits (recent-waits) or departures (throughput) in the window a method needs (default 3). */
  minDepartures?: number;
  /**
   * An open visit entered longer ago than this (ms), and than twice the longest wait that ended in
   * the window, is not counted as waiting: tracking lost the person (default 3 minutes).
   */
  minStaleMs?: number;
  /**
   * The visits of the zone the queue serves (its `queueFor`, e.g. the checkout): people at the
   * tills. When given, the people at the tills count the tills open (with someone waiting, every
   * open till is busy), and recent-waits reads its interval per till (see `estimateWait`).
   */
  served?: readonly QueueVisit[];
  /** With nobody waiting, a till that served someone in this recent past (ms) counts as open; default 5 minutes. */
  tillsWindowMs?: number;
}

/** An estimate of the wait of someone joining the queue at `now`. */
export interface QueueEstimate {
  /** People waiting now: open visits entered recently enough to be real (see `minStaleMs`). */
  length: number;
  /** Open visits left out of `length` as lost by the tracking. */
  stale: number;
  /** Estimated wait in seconds, null when the recent past says nothing (no arrival and no departure in the window). */
  estimatedWaitS: number | null;
  method: QueueEstimateMethod;
  /** People who left the queue in the window per minute of time the queue was not empty (service rate), or null. */
  servedPerMin: number | null;
  /** People who joined the queue in the window, per minute. */
  arrivalsPerMin: number;
  /** Departures (closed visits that ended) in the window. */
  departures: number;
  /** Share of the window in which the queue held someone (0..1). */
  busyShare: number;
  /**
   * Tills open, from the served zone's visits (null when they were not given): with someone
   * waiting, the people at the tills now; with nobody waiting, the most people at the tills at once
   * in the last `tillsWindowMs`. People the tracking lost at a till are left out as in `length`.
   */
  tillsOpen: number | null;
}

export const QUEUE_WINDOW_MS = 15 * 60_000;
export const QUEUE_WAITS_WINDOW_MS = 60 * 60_000;
const MIN_DEPARTURES = 3;
const MIN_STALE_MS = 3 * 60_000;
export const QUEUE_TILLS_WINDOW_MS = 5 * 60_000;
/** People ahead per till within which a past wait counts as alike to the joiner's (per-till rule). */
const LOAD_TOLERANCE = 0.5;

/**
 * Milliseconds of [from, to) during which at least one of the visits was in the queue (a visit
 * covers [enterTs, exitTs), or [enterTs, to) while open): the measure of the union of the intervals.
 */
export function busyMs(visits: readonly QueueVisit[], from: number, to: number): number {
  const spans: [number, number][] = [];
  for (const v of visits) {
    const a = Math.max(from, v.enterTs);
    const b = Math.min(to, v.exitTs ?? to);
    if (b > a) spans.push([a, b]);
  }
  spans.sort((x, y) => x[0] - y[0]);
  let total = 0;
  let curA = -Infinity;
  let curB = -Infinity;
  for (const [a, b] of spans) {
    if (a > curB) {
      if (curB > curA) total += curB - curA;
      curA = a;
      curB = b;
    } else if (b > curB) curB = b;
  }
  if (curB > curA) total += curB - curA;
  return total;
}

/**
 * The wait of someone joining the queue at `now`, from the queue zone's visits as known at `now`
 * (`exitTs` null: still open). Pass at least the visits entered in the last `windowMs` plus the
 * longest plausible wait; others are ignored.
 *
 * - length: the open visits, except those entered before `now - max(minStaleMs, 2 x the longest
 *   wait that ended in the window)`: a tracker that loses someone in the line leaves a visit open
 *   until the visit timeout, and one such ghost would otherwise count as a person for half an hour.
 *   Those ghosts are left out of the busy time too.
 * - recent-waits (at least `minDepartures` waits that ended in the last `waitsWindowMs` by people
 *   who found someone ahead of them): each such person's wait w_i, behind a_i people when they
 *   joined (the visits open then), is a_i + 1 service intervals, so the interval is
 *   sum(w_i) / sum(a_i + 1) over them; someone joining behind `length` people waits
 *   `(length + 1)` intervals. The waits of people who found about as many ahead (a_i within 1 of
 *   `length`) are used when there are `minDepartures` of them (staff open tills when the line is
 *   long, so the interval depends on it), else all. With the served zone's visits (`served`) and
 *   someone at a till now, the interval is per till: each wait covered (a_i + 1) / c_i service
 *   intervals of one till, c_i the people at the tills when that person joined (at least 1), so
 *   the interval of one till is sum(w_i) / sum((a_i + 1) / c_i) and the joiner waits
 *   `(length + 1) / c` of them, c the people at the tills now. The waits read are those of people
 *   who found about the same load per till ((a_i + 1) / c_i within 0.5 of (length + 1) / c) when
 *   there are `minDepartures` of them, else the group above. People the tracking lost at a till
 *   (a served visit open longer than `minStaleMs` and twice the longest service that ended in the
 *   waits window) are not counted. An empty queue now: the median wait of the
 *   recent people who also found it empty (a free till, or the rest of a service), when there are
 *   `minDepartures` of them, else the throughput rule below.
 * - throughput (at least `minDepartures` departures in the window): the service rate mu is the
 *   departures per millisecond of the window during which the queue held someone (so that idle
 *   minutes do not make the tills look slow). Someone joining behind `length` people leaves the
 *   queue after them and one more service completion: `(length + 1) / mu`. An empty queue: the
 *   joiner waits only if every till is busy, half a service interval on average: `0.5 / mu`,
 *   capped at the median of the waits that ended in the window.
 * - littles-law (fewer departures, some arrivals): W = L / lambda, with lambda the arrivals per
 *   millisecond over the window.
 * - none: nothing happened in the window; the estimate is null.
 */
export function estimateWait(now: EpochMs, visits: readonly QueueVisit[], opts: QueueEstimateOptions = {}): QueueEstimate {
  const windowMs = opts.windowMs ?? QUEUE_WINDOW_MS;
  const minDepartures = opts.minDepartures ?? MIN_DEPARTURES;
  const from = now - windowMs;
  const waits: number[] = [];
  let arrivals = 0;
  for (const v of visits) {
    if (v.enterTs >= from && v.enterTs < now) arrivals++;
    if (v.exitTs !== null && v.exitTs >= from && v.exitTs < now && v.exitTs >= v.enterTs) waits.push(v.exitTs - v.enterTs);
  }
  const staleBefore = now - Math.max(opts.minStaleMs ?? MIN_STALE_MS, 2 * Math.max(0, ...waits));
  let n = 0;
  let stale = 0;
  const live: QueueVisit[] = [];
  for (const v of visits) {
    if (v.enterTs >= now) continue;
    const open = v.exitTs === null || v.exitTs >= now;
    if (open && v.enterTs < staleBefore) {
      stale++;
      continue;
    }
    if (open) n++;
    live.push(v);
  }
  const busy = busyMs(live, from, now);
  const departures = waits.length;
  // Recent waits with the number of people each found ahead (visits open when it joined, ghosts left out).
  const waitsFrom = now - (opts.waitsWindowMs ?? QUEUE_WAITS_WINDOW_MS);
  const staleMs = Math.max(opts.minStaleMs ?? MIN_STALE_MS, 2 * Math.max(0, ...waits));
  const all: WaitGroup = { n: 0, ms: 0, intervals: 0, members: [] };
  const near: WaitGroup = { n: 0, ms: 0, intervals: 0, members: [] };
  const emptyWaits: number[] = [];
  for (const r of live) {
    if (r.exitTs === null || r.exitTs < waitsFrom || r.exitTs >= now || r.exitTs < r.enterTs) continue;
    const ahead = aheadOf(r, live, staleMs);
    if (ahead === 0) {
      emptyWaits.push(r.exitTs - r.enterTs);
      continue;
    }
    for (const acc of Math.abs(ahead - n) <= 1 ? [all, near] : [all]) {
      acc.n++;
      acc.ms += r.exitTs - r.enterTs;
      acc.intervals += ahead + 1;
      acc.members.push({ enterTs: r.enterTs, exitTs: r.exitTs, ahead });
    }
  }
  const behind = near.n >= minDepartures ? near : all;
  const arrivalsPerMin = (arrivals / windowMs) * 60_000;
  const tills = opts.served === undefined ? null : tillsOf(opts.served, now, waitsFrom, opts.minStaleMs ?? MIN_STALE_MS);
  const tillsNow = tills === null ? 0 : tills.at(now);
  const tillsOpen = tills === null ? null : n > 0 ? tillsNow : tills.most(now - (opts.tillsWindowMs ?? QUEUE_TILLS_WINDOW_MS), now);
  const base = { length: n, stale, arrivalsPerMin, departures, busyShare: windowMs > 0 ? busy / windowMs : 0, tillsOpen };
  const servedPerMin = busy > 0 && departures > 0 ? (departures / busy) * 60_000 : null;
  if (n > 0 && behind.n >= minDepartures) {
    if (tills !== null && tillsNow > 0) {
      // Per till: each wait covered (a_i + 1) / c_i intervals of one till.
      // Those who found about the same load per till as the joiner now, when there are enough of them.
      const load = (n + 1) / tillsNow;
      const withTills = (g: WaitGroup) => g.members.map((r) => ({ ...r, tills: Math.max(1, tills.at(r.enterTs)) }));
      const alike = withTills(all).filter((r) => Math.abs((r.ahead + 1) / r.tills - load) <= LOAD_TOLERANCE);
      const members = alike.length >= minDepartures ? alike : withTills(behind);
      let ms = 0;
      let perTill = 0;
      for (const r of members) {
        ms += r.exitTs - r.enterTs;
        perTill += (r.ahead + 1) / r.tills;
      }
      return { ...base, estimatedWaitS: (((n + 1) / tillsNow) * ms) / perTill / 1000, method: "recent-waits", servedPerMin };
    }
    return { ...base, estimatedWaitS: ((n + 1) * behind.ms) / behind.intervals / 1000, method: "recent-waits", servedPerMin };
  }
  if (n === 0 && emptyWaits.length >= minDepartures) {
    return { ...base, estimatedWaitS: medianOfSorted(sortedAscending(emptyWaits)) / 1000, method: "recent-waits", servedPerMin };
  }
  if (departures >= minDepartures && busy > 0) {
    const mu = departures / busy;
    const medianWait = medianOfSorted(sortedAscending(waits));
    const ms = n > 0 ? (n + 1) / mu : Math.min(0.5 / mu, medianWait);
    return { ...base, estimatedWaitS: ms / 1000, method: "throughput", servedPerMin: mu * 60_000 };
  }
  if (arrivals > 0) {
    const lambda = arrivals / windowMs;
    return { ...base, estimatedWaitS: n / lambda / 1000, method: "littles-law", servedPerMin };
  }
  return { ...base, estimatedWaitS: null, method: "none", servedPerMin: null };
}

/** Waits that ended recently, with the people each found ahead. */
interface WaitGroup {
  n: number;
  ms: number;
  intervals: number;
  members: { enterTs: number; exitTs: number; ahead: number }[];
}

/**
 * The tills seen through the served zone's visits: `at(t)`, the people at the tills at t (visits
 * entered by t and not left, entered at most `staleMs` before t, `staleMs` being
 * max(minStaleMs, twice the longest service that ended in [waitsFrom, now))), and `most(from, to)`,
 * the most of them at once in [from, to].
 */
function tillsOf(served: readonly QueueVisit[], now: number, waitsFrom: number, minStaleMs: number) {
  let longest = 0;
  for (const v of served) if (v.exitTs !== null && v.exitTs >= waitsFrom && v.exitTs < now && v.exitTs >= v.enterTs) longest = Math.max(longest, v.exitTs - v.enterTs);
  const staleMs = Math.max(minStaleMs, 2 * longest);
  // As known at `now`: a visit that ends later is open.
  const known = served.filter((v) => v.enterTs < now).map((v) => ({ enterTs: v.enterTs, exitTs: v.exitTs !== null && v.exitTs < now ? v.exitTs : null }));
  const at = (t: number): number => {
    let c = 0;
    for (const v of known) if (v.enterTs <= t && v.enterTs >= t - staleMs && (v.exitTs === null || v.exitTs > t)) c++;
    return c;
  };
  // A visit counts on [enterTs, end): end its exit, or the millisecond after it turns stale. The count
  // changes only at those instants: a sweep over them from `at(from)` (O(n log n), not a count per instant).
  const most = (from: number, to: number): number => {
    let count = at(from);
    let best = count;
    const changes: [number, number][] = [];
    for (const v of known) {
      const end = Math.min(v.exitTs ?? Number.POSITIVE_INFINITY, v.enterTs + staleMs + 1);
      if (end <= v.enterTs) continue;
      if (v.enterTs > from && v.enterTs <= to) changes.push([v.enterTs, 1]);
      if (end > from && end <= to) changes.push([end, -1]);
    }
    changes.sort((x, y) => x[0] - y[0]);
    for (let i = 0; i < changes.length; ) {
      const t = changes[i]![0];
      for (; i < changes.length && changes[i]![0] === t; i++) count += changes[i]![1];
      best = Math.max(best, count);
    }
    return best;
  };
  return { at, most };
}

/** People in the queue when `r` joined: visits entered before it (at most `staleMs` before) and not left by then. */
function aheadOf(r: QueueVisit, visits: readonly QueueVisit[], staleMs: number): number {
  let n = 0;
  for (const v of visits) {
    if (v === r || v.enterTs >= r.enterTs || v.enterTs < r.enterTs - staleMs) continue;
    if (v.exitTs === null || v.exitTs > r.enterTs) n++;
  }
  return n;
}

/** Experienced waits in seconds: the closed visits' durations. */
export interface WaitStats {
  /** Closed visits counted. */
  n: number;
  mean: number;
  median: number;
  p90: number;
}

/**
 * Mean, median and nearest-rank p90 of waits given in ms, in seconds; null when there is none. The
 * quantiles are the dwell report's (./dwell-quantiles.ts: exact up to 500 waits, else from their
 * sketch), so a queue's median wait is its zone's median dwell on the heatmap to the bit.
 */
export function waitStats(waitsMs: readonly number[]): WaitStats | null {
  if (waitsMs.length === 0) return null;
  const sorted = sortedAscending(waitsMs);
  return { n: sorted.length, mean: mean(sorted) / 1000, ...quantilesOfSorted(sorted)! };
}

/** How a queue's joins ended, over a set of trips. */
export interface QueueOutcomes {
  /** Times the queue appears in the trips' paths. */
  joins: number;
  /** Followed next by an enter of the `queueFor` zone. */
  served: number;
  /** Followed next by another zone, or the trip ended there. */
  abandoned: number;
  /** The trip's last zone, and the trip may still go on (not counted either way). */
  pending: number;
}

/**
 * Served and abandoned joins of each queue over trips' paths (zone sequences, immediate repeats
 * folded, as `tripsOf` gives them). A queue zone followed next by its `queueFor` zone was served;
 * followed by any other zone, or ending a finished trip, abandoned; ending a trip that may still
 * go on (`ongoing`), pending. `count` weights a path (paths come with their trip counts).
 */
export function queueOutcomes(
  trips: readonly { zones: readonly string[]; count?: number; ongoing?: boolean }[],
  queues: readonly { zone: string; queueFor: string }[],
): Map<string, QueueOutcomes> {
  const target = new Map(queues.map((q) => [q.zone, q.queueFor]));
  const out = new Map<string, QueueOutcomes>(queues.map((q) => [q.zone, { joins: 0, served: 0, abandoned: 0, pending: 0 }]));
  for (const trip of trips) {
    const w = trip.count ?? 1;
    const z = trip.zones;
    for (let i = 0; i < z.length; i++) {
      const f = target.get(z[i]!);
      if (f === undefined) continue;
      const o = out.get(z[i]!)!;
      o.joins += w;
      if (i + 1 < z.length) {
        if (z[i + 1] === f) o.served += w;
        else o.abandoned += w;
      } else if (trip.ongoing) o.pending += w;
      else o.abandoned += w;
    }
  }
  return out;
}

/** A trip's path with the time each step began: `enters[i]` is the enter of the first visit of the run `zones[i]` folds. */
export interface TripSteps {
  zones: readonly string[];
  enters: readonly number[];
}

/**
 * A trip's visits (zone and enter, in enter order) folded as a path is (immediate repeats folded,
 * A, A, B -> A, B), each step keeping when it began: the enter of its run's first visit.
 */
export function foldSteps(visits: readonly { zone: string; enterTs: number }[]): TripSteps {
  const zones: string[] = [];
  const enters: number[] = [];
  for (const v of visits) {
    if (zones.length > 0 && zones[zones.length - 1] === v.zone) continue;
    zones.push(v.zone);
    enters.push(v.enterTs);
  }
  return { zones, enters };
}

/** One join of a queue: when the shopper joined it (the step's enter) and how it ended. */
export interface QueueJoin {
  zone: string;
  joinTs: number;
  outcome: "served" | "abandoned" | "pending";
}

/**
 * Every join of a queue in trips' paths with its time, by the rule of {@link queueOutcomes} (the
 * `queueFor` zone next: served; another zone next, or the end of a finished trip: abandoned; the
 * end of a trip that may still go on: pending). A join's time is the enter of its step, not the
 * trip's start: the queue figures by hour count a shopper in the hour they joined the line.
 */
export function queueJoinsOf(trips: readonly (TripSteps & { ongoing?: boolean })[], queues: readonly { zone: string; queueFor: string }[]): QueueJoin[] {
  const target = new Map(queues.map((q) => [q.zone, q.queueFor]));
  const out: QueueJoin[] = [];
  for (const trip of trips) {
    const z = trip.zones;
    for (let i = 0; i < z.length; i++) {
      const f = target.get(z[i]!);
      if (f === undefined) continue;
      const outcome = i + 1 < z.length ? (z[i + 1] === f ? "served" : "abandoned") : trip.ongoing ? "pending" : "abandoned";
      out.push({ zone: z[i]!, joinTs: trip.enters[i]!, outcome });
    }
  }
  return out;
}

/** Abandonment rate: abandoned over decided joins (served + abandoned); null when none is decided. */
export function abandonmentRate(o: QueueOutcomes): number | null {
  const decided = o.served + o.abandoned;
  return decided === 0 ? null : o.abandoned / decided;
}

/** One cell of the wait by local weekday (ISO, 1 = Monday) and hour of day. */
export interface WaitCell {
  weekday: number;
  hour: number;
  /** Queue visits entered in the cell. */
  joins: number;
  wait_s: WaitStats | null;
}

/**
 * Waits by the local weekday and hour in which each queue visit was entered, in `timeZone`: one
 * cell per (weekday, hour) that has a visit, sorted by weekday then hour. Open visits count as joins
 * and not as waits.
 */
export function waitByWeekdayHour(visits: readonly QueueVisit[], timeZone: string): WaitCell[] {
  const cells = new Map<number, { joins: number; waits: number[] }>();
  for (const v of visits) {
    const t = localTime(v.enterTs, timeZone);
    const key = t.weekday * 24 + t.hour;
    let c = cells.get(key);
    if (!c) cells.set(key, (c = { joins: 0, waits: [] }));
    c.joins++;
    if (v.exitTs !== null && v.exitTs >= v.enterTs) c.waits.push(v.exitTs - v.enterTs);
  }
  return [...cells.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([key, c]) => ({ weekday: Math.floor(key / 24), hour: key % 24, joins: c.joins, wait_s: waitStats(c.waits) }));
}
