import { DAY_MS, HOUR_MS } from "../analytics/time-parts.js";

/**
 * [from, to) split for rollups: whole UTC days, whole UTC hours (at most two runs, before and
 * after the days), and at most two partial hours at the edges that only raw rows can answer.
 * Every bound is an index: hours and days since the epoch; partials in epoch ms.
 */
export interface Spans {
  /** [first, end) day indexes, or null. */
  days: [number, number] | null;
  /** [first, end) hour index runs. */
  hours: [number, number][];
  /** [from, to) ms runs inside one hour each. */
  partials: [number, number][];
  /** The contiguous whole-hour run [first, end) (days and hours together), or null. */
  whole: [number, number] | null;
}

export function spansOf(from: number, to: number): Spans {
  const out: Spans = { days: null, hours: [], partials: [], whole: null };
  if (!(to > from)) return out;
  const a = Math.ceil(from / HOUR_MS);
  const b = Math.floor(to / HOUR_MS);
  if (a >= b) {
    // Inside one hour, or across one hour boundary without a whole hour between.
    if (a * HOUR_MS > from && a * HOUR_MS < to) out.partials.push([from, a * HOUR_MS], [a * HOUR_MS, to]);
    else out.partials.push([from, to]);
    return out;
  }
  if (from < a * HOUR_MS) out.partials.push([from, a * HOUR_MS]);
  out.whole = [a, b];
  const perDay = DAY_MS / HOUR_MS;
  const dA = Math.ceil(a / perDay);
  const dB = Math.floor(b / perDay);
  if (dA < dB) {
    out.days = [dA, dB];
    if (a < dA * perDay) out.hours.push([a, dA * perDay]);
    if (dB * perDay < b) out.hours.push([dB * perDay, b]);
  } else {
    out.hours.push([a, b]);
  }
  if (b * HOUR_MS < to) out.partials.push([b * HOUR_MS, to]);
  return out;
}
