import type { FootfallEvent } from "../protocol/events.js";
import type { VisitorId } from "../protocol/ids.js";
import { acceptedEvents } from "./accepted.js";
import { byVisitor, historyOf, replayVisitor, type HistoryOptions } from "./history.js";
import type { Trip } from "./types.js";

/** Order of trips: by `startTs`, then visitor id; one visitor's trips keep their time order. */
export function compareTrips(a: Trip, b: Trip): number {
  return a.startTs - b.startTs || (a.visitor < b.visitor ? -1 : a.visitor > b.visitor ? 1 : 0);
}

/**
 * Every trip in `events`: per visitor, a run of its activity (enter, exit, position) with no
 * silence of visitTimeoutMs; its zones are those of the visits opened in it, in enter order,
 * immediate repeats folded (A, A, B -> A, B). Trips that opened no visit are left out.
 * Same input rules as `visitsOf` (duplicates dropped, any order). Sorted by `compareTrips`.
 */
export function tripsOf(events: readonly FootfallEvent[], opts: HistoryOptions): Trip[] {
  const out: Trip[] = [];
  for (const list of byVisitor(acceptedEvents(events)).values()) out.push(...replayVisitor(list, opts).trips);
  return out.sort(compareTrips);
}

/** The trips of one visitor (see `visitsOfVisitor`); equal to its part of `tripsOf`. */
export function tripsOfVisitor(visitor: VisitorId, events: readonly FootfallEvent[], opts: HistoryOptions): Trip[] {
  return historyOf(visitor, events, opts).trips;
}
