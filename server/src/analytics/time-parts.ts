export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export interface PartVisitor {
  /** The whole UTC hour `h` (index = floor(ts / HOUR_MS)) lies in the range. */
  hour(h: number): void;
  /** The whole UTC day `d` lies in the range. */
  day(d: number): void;
  /** Only [from, to) of hour `h` lies in the range. */
  partial(h: number, from: number, to: number): void;
}

/**
 * Split [from, to) into whole UTC days, whole UTC hours and at most two partial hours, so that
 * rollups answer the middle and only the edges look at single items.
 */
export function forEachPart(from: number, to: number, v: PartVisitor): void {
  if (!(to > from)) return;
  const firstFull = Math.ceil(from / HOUR_MS) * HOUR_MS;
  const lastFull = Math.floor(to / HOUR_MS) * HOUR_MS;
  if (firstFull > lastFull) {
    v.partial(Math.floor(from / HOUR_MS), from, to);
    return;
  }
  if (from < firstFull) v.partial(Math.floor(from / HOUR_MS), from, firstFull);
  let t = firstFull;
  const dayStart = Math.min(Math.ceil(t / DAY_MS) * DAY_MS, lastFull);
  for (; t < dayStart; t += HOUR_MS) v.hour(t / HOUR_MS);
  for (; t + DAY_MS <= lastFull; t += DAY_MS) v.day(t / DAY_MS);
  for (; t < lastFull; t += HOUR_MS) v.hour(t / HOUR_MS);
  if (lastFull < to) v.partial(lastFull / HOUR_MS, lastFull, to);
}
