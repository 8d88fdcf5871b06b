import { compareEvents, type FootfallEvent } from "../protocol/events.js";
import type { VisitorId } from "../protocol/ids.js";
import { acceptedEvents } from "./accepted.js";
import { byVisitor, historyOf, replayVisitor, type HistoryOptions } from "./history.js";
import type { Visit } from "./types.js";

/** Order of visits: by enter `ts`, ties by the enter event's id (a total order: ids are unique). */
export function compareVisits(a: Visit, b: Visit): number {
  return compareEvents({ ts: a.enterTs, id: a.enterId }, { ts: b.enterTs, id: b.enterId });
}

/**
 * Every visit in `events` (any visitors, any arrival order, duplicates by id dropped: the first
 * occurrence wins), by the event semantics: enter/exit pairing per visitor and zone, a second
 * enter or an orphan exit ignored, visits abandoned after visitTimeoutMs of the visitor's silence
 * (and, when `opts.now` is given, still-open visits silent that long by `now`).
 * Sorted by `compareVisits`.
 */
export function visitsOf(events: readonly FootfallEvent[], opts: HistoryOptions): Visit[] {
  const out: Visit[] = [];
  for (const list of byVisitor(acceptedEvents(events)).values()) out.push(...replayVisitor(list, opts).visits);
  return out.sort(compareVisits);
}

/**
 * The visits of one visitor, for recomputing a single visitor: equal to
 * `visitsOf(events, opts).filter((v) => v.visitor === visitor)` when event ids are unique across
 * visitors. `events` may include other visitors' events; they are ignored.
 */
export function visitsOfVisitor(visitor: VisitorId, events: readonly FootfallEvent[], opts: HistoryOptions): Visit[] {
  return historyOf(visitor, events, opts).visits;
}
