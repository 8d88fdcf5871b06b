import { compareEvents } from "../protocol/events.js";
import type { Range } from "./types.js";

/**
 * The accepted events in the order of the event semantics: a repeated `id` is a duplicate and
 * dropped (the first occurrence in `events` wins), the rest sorted by `ts`, ties by `id`.
 * Returns a new array; `events` is not touched.
 */
export function acceptedEvents<T extends { id: string; ts: number }>(events: readonly T[]): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const e of events) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    out.push(e);
  }
  return out.sort(compareEvents);
}

/** Whether `ts` lies in the half-open range `[from, to)`. */
export function inRange(ts: number, range: Range): boolean {
  return ts >= range.from && ts < range.to;
}
