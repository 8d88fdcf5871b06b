import { PATH_SEP } from "../analytics/visitor-derivation.js";
import type { StoredTripSteps } from "../storage/types.js";

/**
 * Trips with when each step of their path began (migration 31, `trips.step_ts`): what the queue
 * figures read to count a join in the hour the shopper joined the line, not the hour the trip began.
 * `step_ts` holds each step's enter in ms after the trip's start, joined by "," (visitor-derivation.ts).
 */

/** A stored trip row back as {@link StoredTripSteps}: `enters` null when the row has no steps or they do not fit its path. */
export function tripStepsOf(startTs: number, zones: string, steps: string | null): StoredTripSteps {
  const path = zones.split(PATH_SEP);
  if (steps === null) return { startTs, zones: path, enters: null };
  const offsets = steps.split(PATH_SEP).map(Number);
  const ok = offsets.length === path.length && offsets.every((x) => Number.isSafeInteger(x) && x >= 0);
  return { startTs, zones: path, enters: ok ? offsets.map((x) => startTs + x) : null };
}

/**
 * A LIKE pattern per zone that a path (zones joined by ",", wrapped in "," on both sides) holding it matches
 * (`\` escapes LIKE's own characters); callers keep only the trips whose path holds one exactly.
 */
export function pathHoldsPattern(zone: string): string {
  return `%${PATH_SEP}${zone.replace(/[\\%_]/g, (c) => `\\${c}`)}${PATH_SEP}%`;
}

/** Keep the trips whose path holds one of `zones` (the LIKE read's matches, exactly). */
export function holdingAny(trips: StoredTripSteps[], zones: readonly string[]): StoredTripSteps[] {
  const want = new Set(zones);
  return trips.filter((t) => t.zones.some((z) => want.has(z)));
}
