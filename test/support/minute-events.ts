/**
 * A minute clock of events for core's domain unit tests. It imports core's types from its sources
 * (not `@footfall/core`, which core's own tests see as the built package: branded ids would differ).
 */
import type { FootfallEvent, VisitorId, ZoneId } from "../../core/src/index.js";

/**
 * Events on a minute clock: `at(m)` is `t0` plus `m` minutes, ids are
 * `ev-000001`, `ev-000002`, ... in the order made (pass an `id` where a test needs a given one).
 */
export function minuteEvents(t0: number) {
  let seq = 0;
  const nextId = (): string => `ev-${String(++seq).padStart(6, "0")}`;
  const at = (minute: number): number => t0 + minute * 60_000;
  return {
    at,
    nextId,
    enter: (visitor: string, zone: string, minute: number, id = nextId()): FootfallEvent => ({ type: "enter", id, ts: at(minute), zone: zone as ZoneId, visitor: visitor as VisitorId }),
    exit: (visitor: string, zone: string, minute: number, id = nextId()): FootfallEvent => ({ type: "exit", id, ts: at(minute), zone: zone as ZoneId, visitor: visitor as VisitorId }),
    position: (visitor: string, minute: number, id = nextId()): FootfallEvent => ({ type: "position", id, ts: at(minute), visitor: visitor as VisitorId, x: 0, y: 0 }),
    /** A door counter's count at `ts` (epoch ms, not minutes: counts often sit at a day's edge). */
    count: (zone: string, ts: number, nIn: number, nOut: number, id = nextId()): FootfallEvent => ({ type: "count", id, ts, zone: zone as ZoneId, in: nIn, out: nOut }),
  };
}
