import { bucketStarts, type Bucket, type Range } from "@footfall/core";
import { HOUR_MS } from "./time-parts.js";

/*
 * How a traffic range splits: the hour rollups it reads, its buckets cut where the layout changes,
 * and the parts of hours only raw rows answer. StoreAnalytics counts by them, and a store read in
 * one statement (./stored-figures.ts) names the parts before anything is read.
 */

/** The hour indexes [h0, h1) whose rollups answer a traffic range. */
export function hoursOf(range: Range): [number, number] {
  return [Math.floor(range.from / HOUR_MS), Math.ceil(range.to / HOUR_MS)];
}

/** Each bucket of a traffic range with its start and its pieces [a, b), cut where the layout changes. */
export function trafficCuts(range: Range, bucket: Bucket, timeZone: string, layoutChanges: readonly number[]): { start: number; cuts: [number, number][] }[] {
  const starts = bucketStarts(range, bucket, timeZone);
  return starts.map((start, i) => {
    const from = Math.max(start, range.from);
    const to = Math.min(starts[i + 1] ?? Number.POSITIVE_INFINITY, range.to);
    const bounds = [from, ...layoutChanges.filter((t) => t > from && t < to), to];
    return { start, cuts: bounds.slice(1).map((b, c) => [bounds[c]!, b] as [number, number]) };
  });
}

/**
 * [a, b) as whole hours [ha, hb) and the parts of hours around them that raw rows answer (empty
 * ones left out); without a whole hour, `whole` is null and the part is [a, b) itself.
 */
export function hourParts(a: number, b: number): { whole: [number, number] | null; parts: [number, number][] } {
  const ha = Math.ceil(a / HOUR_MS);
  const hb = Math.floor(b / HOUR_MS);
  if (ha >= hb) return { whole: null, parts: b > a ? [[a, b]] : [] };
  const parts: [number, number][] = [];
  if (a < ha * HOUR_MS) parts.push([a, ha * HOUR_MS]);
  if (hb * HOUR_MS < b) parts.push([hb * HOUR_MS, b]);
  return { whole: [ha, hb], parts };
}
