import type { EnterEvent, ExitEvent, FootfallEvent, PositionEvent } from "../protocol/events.js";
import type { VisitorId, ZoneId } from "../protocol/ids.js";
import { acceptedEvents } from "./accepted.js";
import type { DomainOptions, Trip, Visit } from "./types.js";

/** An event that is activity of a visitor: `enter`, `exit` or `position`. */
export type VisitorEvent = EnterEvent | ExitEvent | PositionEvent;

/** Options of the batch functions: `now`, when given, abandons visits silent for visitTimeoutMs by then. */
export type HistoryOptions = DomainOptions & { now?: number };

/** Everything one visitor did: its visits and trips, both in time order. */
export interface VisitorHistory {
  visits: Visit[];
  trips: Trip[];
}

/** Whether an event carries a visitor (and so is activity of that visitor). */
export function isVisitorEvent(e: FootfallEvent): e is VisitorEvent {
  return e.type !== "count";
}

/**
 * Replays one visitor's events by the event semantics and returns its visits and trips.
 * `events` may hold other visitors' and `count` events (ignored), duplicates and any order;
 * the result equals the part of `visitsOf`/`tripsOf` for this visitor, provided that event ids
 * are unique across visitors (as they are once accepted by the store).
 */
export function historyOf(visitor: VisitorId, events: readonly FootfallEvent[], opts: HistoryOptions): VisitorHistory {
  const mine = events.filter((e): e is VisitorEvent => isVisitorEvent(e) && e.visitor === visitor);
  return replayVisitor(acceptedEvents(mine), opts);
}

/** Groups accepted (deduplicated, sorted) events by visitor, keeping their order. */
export function byVisitor(sorted: readonly FootfallEvent[]): Map<VisitorId, VisitorEvent[]> {
  const groups = new Map<VisitorId, VisitorEvent[]>();
  for (const e of sorted) {
    if (!isVisitorEvent(e)) continue;
    const list = groups.get(e.visitor);
    if (list) list.push(e);
    else groups.set(e.visitor, [e]);
  }
  return groups;
}

/**
 * The replay itself, over one visitor's accepted events already sorted by `compareEvents`.
 * A silence of visitTimeoutMs before an event abandons the open visits and ends the trip.
 */
export function replayVisitor(sorted: readonly VisitorEvent[], opts: HistoryOptions): VisitorHistory {
  const timeout = opts.visitTimeoutMs;
  const visits: Visit[] = [];
  const trips: Trip[] = [];
  const open = new Map<ZoneId, Visit>();
  let tripVisits: Visit[] = [];
  let last: number | null = null;

  const endTrip = (abandon: boolean): void => {
    if (abandon) for (const v of open.values()) v.status = "abandoned";
    if (abandon) open.clear();
    if (tripVisits.length === 0 || last === null) return;
    for (const v of tripVisits) v.lastSeenTs = last;
    trips.push({ visitor: tripVisits[0]!.visitor, startTs: tripVisits[0]!.enterTs, zones: foldRepeats(tripVisits.map((v) => v.zone)) });
    tripVisits = [];
  };

  for (const e of sorted) {
    if (last !== null && e.ts - last >= timeout) endTrip(true);
    last = e.ts;
    if (e.type === "enter" && !open.has(e.zone)) {
      const visit: Visit = { visitor: e.visitor, zone: e.zone, enterTs: e.ts, enterId: e.id, exitTs: null, status: "open", lastSeenTs: e.ts };
      open.set(e.zone, visit);
      visits.push(visit);
      tripVisits.push(visit);
    } else if (e.type === "exit") {
      const visit = open.get(e.zone);
      if (visit) {
        visit.exitTs = e.ts;
        visit.status = "closed";
        open.delete(e.zone);
      }
    }
  }
  endTrip(opts.now !== undefined && last !== null && opts.now - last >= timeout);
  return { visits, trips };
}

/** Folds immediate repeats: A, A, B, A becomes A, B, A. */
export function foldRepeats<T>(items: readonly T[]): T[] {
  return items.filter((item, i) => i === 0 || items[i - 1] !== item);
}
