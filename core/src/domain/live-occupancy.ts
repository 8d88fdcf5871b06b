import { compareEvents, type CountEvent, type FootfallEvent } from "../protocol/events.js";
import type { EpochMs, VisitorId, ZoneId } from "../protocol/ids.js";
import { bucketStarts } from "./calendar.js";
import { isVisitorEvent, type VisitorEvent } from "./history.js";
import { doorOccupancy, occupancyFigures, type DoorSum, type ZoneCapacity } from "./occupancy.js";
import type { DomainOptions, Occupancy, Range } from "./types.js";

/**
 * Live occupancy, one event at a time, equal to `occupancyOf` over the same events.
 *
 * The state keeps the last `lateMs` of events raw (sorted, ids remembered) and settles older ones
 * into a summary: per visitor with an open visit, its last activity and open zones; door counts
 * per UTC minute for the last 3 days. Replaying the raw events over the summary gives exact
 * figures whatever the arrival order, provided every event arrives (its `now`) at most `lateMs`
 * after its `ts`. An event older than the settled part (ts < watermark) cannot be placed any more:
 * it is not applied and is counted in `stale`, so the caller can log it or rebuild the state from
 * storage (`occupancyApply(occupancyInit(opts), storedEvents, now)`). Visitors whose visits are all
 * closed or abandoned are dropped once settled, so the state holds the open visitors plus
 * `lateMs` of events. Functions never modify a state; they return a new one sharing what did not
 * change. `now` is expected not to go back (a smaller `now` counts as the latest one seen).
 */

/** How late an event may arrive and still be applied exactly, by default (10 minutes). */
export const DEFAULT_LATE_MS = 10 * 60_000;
const MINUTE = 60_000;
const DAY = 86_400_000;
/** Door-count minutes kept: local midnight is never this far back. */
const DOOR_KEEP_MS = 3 * DAY;

/** Options of a live state, fixed when it is created (a changed time zone or timeout means a new state). */
export interface LiveOptions extends DomainOptions {
  /** The store's IANA time zone: door counts are summed since its local midnight. */
  timeZone: string;
  /** How long after its `ts` an event may arrive and still be applied (default DEFAULT_LATE_MS). */
  lateMs?: number;
}

/** A visitor as settled by the events before the watermark. */
interface Settled {
  readonly last: number;
  readonly open: readonly ZoneId[];
}

/** Live occupancy state of one store; create it with `occupancyInit`. Treat it as opaque and immutable. */
export interface OccupancyState {
  readonly opts: Readonly<Required<LiveOptions>>;
  /** The latest `now` seen. */
  readonly now: number;
  /** Events with `ts` before this are settled; an event arriving older than this is stale. */
  readonly watermark: number;
  readonly settled: ReadonlyMap<VisitorId, Settled>;
  /** Events with `ts >= watermark`, sorted by `compareEvents`, ids unique. */
  readonly recent: readonly FootfallEvent[];
  readonly recentIds: ReadonlySet<string>;
  /** Settled door counts by UTC minute (`floor(ts / 60000)`). */
  readonly doorMinutes: ReadonlyMap<number, DoorSum>;
  /** Whether any `count` event was seen: then the store total comes from door counters. */
  readonly hasCounters: boolean;
  /** The local day holding `now`, cached. */
  readonly day: Range | null;
  /** The figures at `now`, canonical, to tell whether an update changed them. */
  readonly figures: string;
}

/** What an update returns: the new state, whether the figures at `now` changed, events not applied as too late. */
export interface OccupancyUpdate {
  state: OccupancyState;
  changed: boolean;
  stale: number;
}

/** An empty live state for a store. */
export function occupancyInit(opts: LiveOptions): OccupancyState {
  const full = { visitTimeoutMs: opts.visitTimeoutMs, timeZone: opts.timeZone, lateMs: opts.lateMs ?? DEFAULT_LATE_MS };
  const base = { opts: full, now: -Infinity, watermark: -Infinity, settled: new Map(), recent: [], recentIds: new Set<string>(), doorMinutes: new Map(), hasCounters: false, day: null };
  return { ...base, figures: figuresKey(figuresOf(base, -Infinity)) };
}

/** Applies one event seen at `now` (duplicates by id are ignored). */
export function occupancyStep(state: OccupancyState, event: FootfallEvent, now: EpochMs): OccupancyUpdate {
  return occupancyApply(state, [event], now);
}

/** Lets time pass to `now`: abandons silent visitors, counts door counts now due, resets at local midnight. */
export function occupancyExpire(state: OccupancyState, now: EpochMs): OccupancyUpdate {
  return occupancyApply(state, [], now);
}

/** Applies a batch of events seen at `now`, in any order, with duplicates; cheaper than one step per event. */
export function occupancyApply(state: OccupancyState, events: readonly FootfallEvent[], now: EpochMs): OccupancyUpdate {
  const { lateMs, visitTimeoutMs, timeZone } = state.opts;
  const ids = new Set(state.recentIds);
  const added: FootfallEvent[] = [];
  let stale = 0;
  let hasCounters = state.hasCounters;
  for (const e of events) {
    if (e.type === "count") hasCounters = true;
    if (ids.has(e.id)) continue;
    if (e.ts < state.watermark) {
      stale++;
      continue;
    }
    ids.add(e.id);
    added.push(e);
  }
  const latest = Math.max(state.now, now);
  const watermark = Math.max(state.watermark, latest - lateMs);
  const all = merge(state.recent, added.sort(compareEvents));
  let cut = 0;
  while (cut < all.length && all[cut]!.ts < watermark) cut++;
  const settling = all.slice(0, cut);
  for (const e of settling) ids.delete(e.id);
  const day = state.day && state.day.from <= latest && latest < state.day.to ? state.day : localDay(latest, timeZone);
  const next = {
    opts: state.opts,
    now: latest,
    watermark,
    settled: settle(state.settled, settling, watermark, visitTimeoutMs),
    recent: cut === 0 && added.length === 0 ? state.recent : all.slice(cut),
    recentIds: ids,
    doorMinutes: settleDoors(state.doorMinutes, settling, latest - DOOR_KEEP_MS),
    hasCounters,
    day,
  };
  const figures = figuresKey(figuresOf(next, latest));
  return { state: { ...next, figures }, changed: figures !== state.figures, stale };
}

/** Occupancy at `now` (not earlier than the last `now` given) in the REST shape, one row per given zone. */
export function occupancySnapshot(state: OccupancyState, zones: readonly ZoneCapacity[], now: EpochMs): Occupancy {
  const f = figuresOf(state, now);
  return occupancyFigures(zones, f.openByZone, f.total, now);
}

type StateCore = Omit<OccupancyState, "figures">;

interface Figures {
  openByZone: Map<ZoneId, number>;
  total: number;
}

function figuresKey(f: Figures): string {
  return JSON.stringify([f.total, [...f.openByZone.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
}

function figuresOf(state: StateCore, now: number): Figures {
  const timeout = state.opts.visitTimeoutMs;
  const recentByVisitor = new Map<VisitorId, VisitorEvent[]>();
  for (const e of state.recent) {
    if (!isVisitorEvent(e)) continue;
    const list = recentByVisitor.get(e.visitor);
    if (list) list.push(e);
    else recentByVisitor.set(e.visitor, [e]);
  }
  const openByZone = new Map<ZoneId, number>();
  let openVisitors = 0;
  for (const visitor of new Set([...state.settled.keys(), ...recentByVisitor.keys()])) {
    const s = replayOpen(state.settled.get(visitor), recentByVisitor.get(visitor) ?? [], timeout);
    if (!s || s.open.length === 0 || now - s.last >= timeout) continue;
    openVisitors++;
    for (const zone of s.open) openByZone.set(zone, (openByZone.get(zone) ?? 0) + 1);
  }
  if (!state.hasCounters) return { openByZone, total: openVisitors };
  const day = state.day && state.day.from <= now && now < state.day.to ? state.day : localDay(now, state.opts.timeZone);
  const sum: DoorSum = { in: 0, out: 0 };
  for (const [minute, s] of state.doorMinutes) {
    if (minute * MINUTE < day.from) continue;
    sum.in += s.in;
    sum.out += s.out;
  }
  for (const e of state.recent) {
    if (e.type !== "count" || e.ts < day.from || e.ts > now) continue;
    sum.in += e.in;
    sum.out += e.out;
  }
  return { openByZone, total: doorOccupancy(sum) };
}

/** Continues a visitor's settled state over its later events (sorted): enter opens, exit closes, silence abandons. */
function replayOpen(base: Settled | undefined, events: readonly VisitorEvent[], timeout: number): Settled | undefined {
  if (events.length === 0) return base;
  let last = base?.last ?? null;
  const open = new Set(base?.open ?? []);
  for (const e of events) {
    if (last !== null && e.ts - last >= timeout) open.clear();
    last = e.ts;
    if (e.type === "enter") open.add(e.zone);
    else if (e.type === "exit") open.delete(e.zone);
  }
  return { last: last ?? -Infinity, open: [...open] };
}

/** Settles events (sorted, all before `watermark`) and drops visitors that can no longer have an open visit. */
function settle(prev: ReadonlyMap<VisitorId, Settled>, events: readonly FootfallEvent[], watermark: number, timeout: number): ReadonlyMap<VisitorId, Settled> {
  const byVisitor = new Map<VisitorId, VisitorEvent[]>();
  for (const e of events) {
    if (!isVisitorEvent(e)) continue;
    const list = byVisitor.get(e.visitor);
    if (list) list.push(e);
    else byVisitor.set(e.visitor, [e]);
  }
  const dead = (s: Settled): boolean => s.open.length === 0 || watermark - s.last >= timeout;
  if (byVisitor.size === 0 && ![...prev.values()].some(dead)) return prev;
  const next = new Map(prev);
  for (const [visitor, list] of byVisitor) next.set(visitor, replayOpen(prev.get(visitor), list, timeout)!);
  for (const [visitor, s] of next) if (dead(s)) next.delete(visitor);
  return next;
}

/** Adds settled count events to the per-minute sums and forgets minutes before `keepFrom`. */
function settleDoors(prev: ReadonlyMap<number, DoorSum>, events: readonly FootfallEvent[], keepFrom: number): ReadonlyMap<number, DoorSum> {
  const counts = events.filter((e): e is CountEvent => e.type === "count" && e.ts >= keepFrom);
  const old = [...prev.keys()].filter((m) => (m + 1) * MINUTE <= keepFrom);
  if (counts.length === 0 && old.length === 0) return prev;
  const next = new Map(prev);
  for (const m of old) next.delete(m);
  for (const c of counts) {
    const m = Math.floor(c.ts / MINUTE);
    const s = next.get(m) ?? { in: 0, out: 0 };
    next.set(m, { in: s.in + c.in, out: s.out + c.out });
  }
  return next;
}

function localDay(now: number, timeZone: string): Range {
  if (!Number.isFinite(now)) return { from: -Infinity, to: -Infinity };
  const starts = bucketStarts({ from: now, to: now + 2 * DAY }, "day", timeZone);
  return { from: starts[0]!, to: starts[1] ?? Infinity };
}

/** Merges two lists sorted by `compareEvents`. */
function merge(a: readonly FootfallEvent[], b: readonly FootfallEvent[]): FootfallEvent[] {
  if (b.length === 0) return [...a];
  const out: FootfallEvent[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && compareEvents(a[i]!, b[j]!) <= 0)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}
