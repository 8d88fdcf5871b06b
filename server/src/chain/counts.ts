/**
 * Counts for BI tools: rows of `{start, end, zone, kind, in, out}` per bucket and per zone, the
 * shape people counters such as Axis and Xovis export. Bucket edges are the store's local ones
 * (15 minutes, an hour, or a local day: a DST day has 23 or 25 hours, and its hours are the real
 * ones). A row's `in` is the zone's enters as `traffic` counts them (visits opened plus door `in`);
 * `out` is its door counters' `out`, or null for a zone without a door counter (exits of people
 * followed by cameras or beacons are not rolled up).
 *
 * - `1h` and `1d` come from the hour rollups (and, at edges that are not whole hours, from raw rows
 *   within retention); `in` is computed by the very code `traffic` uses.
 * - `15m` needs raw rows (the rollups are hourly): visits and door counts within the retention
 *   horizon; a range that starts before it is refused with the horizon named.
 *
 * Rows come out a part of the range at a time (at most 31 local days), so a long range streams.
 *
 * Hour and day figures older than those kept (FOOTFALL_AGGREGATE_RETENTION_DAYS) are gone, not 0: a
 * bucket that starts before the first whole hour kept has `in` and `out` null (empty CSV cells), as
 * the overview's enters are null there, rather than a row of zeros a BI tool would chart as a closed store.
 */
import { bucketStarts, csvRecord, formatBucketStart, type Layout, type Range } from "@footfall/core";
import { HOUR_MS } from "../analytics/time-parts.js";
import { RetentionError, type StoreAnalytics } from "../analytics/store-analytics.js";
import type { Storage } from "../storage/types.js";

export type CountsInterval = "15m" | "1h" | "1d";
export const COUNTS_INTERVALS: readonly CountsInterval[] = ["15m", "1h", "1d"];
const QUARTER_MS = 15 * 60_000;

export interface CountsRow {
  start: string;
  end: string;
  zone: string;
  kind: string;
  /** Null: the bucket starts before the hour and day figures kept (aggregate retention). */
  in: number | null;
  out: number | null;
}

export interface CountsSubject {
  store: string;
  timezone: string;
  layouts: readonly Layout[];
  analytics: StoreAnalytics;
  kindAt(zone: string, ts: number): string | undefined;
  changes: readonly number[];
}

/**
 * Bucket starts of `range` in the store's time zone. Every real time zone's offset is a multiple of
 * 15 minutes, so local quarter hours are UTC quarter hours.
 */
export function countsBucketStarts(range: Range, interval: CountsInterval, timeZone: string): number[] {
  if (interval === "1h") return bucketStarts(range, "hour", timeZone);
  if (interval === "1d") return bucketStarts(range, "day", timeZone);
  const out: number[] = [];
  for (let t = Math.floor(range.from / QUARTER_MS) * QUARTER_MS; t < range.to; t += QUARTER_MS) out.push(t);
  return out;
}

/** Parts of the range of at most 31 local days, cut at local midnights (bucket edges of every interval). */
function parts(range: Range, timeZone: string): Range[] {
  const days = bucketStarts(range, "day", timeZone);
  const out: Range[] = [];
  for (let i = 0; i < days.length; i += 31) {
    const from = Math.max(range.from, days[i]!);
    const to = Math.min(range.to, days[i + 31] ?? range.to);
    if (to > from) out.push({ from, to });
  }
  return out;
}

/** Zone ids of the layouts in force during the range, and zones with figures, sorted. */
function zonesOf(subject: CountsSubject, range: Range, extra: Iterable<string>): string[] {
  const ids = new Set<string>(extra);
  subject.layouts.forEach((l, i) => {
    const end = subject.layouts[i + 1]?.validFrom ?? Number.POSITIVE_INFINITY;
    const start = i === 0 ? Number.NEGATIVE_INFINITY : l.validFrom;
    if (start < range.to && end > range.from) for (const z of l.zones) ids.add(z.id);
  });
  return [...ids].sort();
}

/**
 * A zone's kind on a bucket's row: in the layout version in force at the bucket's start, else at its end (a zone added
 * during it), else in the nearest version that has the zone (the latest before the bucket: it was removed; else the first
 * after: it is added later), so a zone added on Monday at 10:37 is not "removed" on Monday's rows. "removed" only for a
 * zone with figures that no version has.
 */
function kindOf(s: CountsSubject, zone: string, from: number, to: number): string {
  const kind = s.kindAt(zone, from) ?? s.kindAt(zone, to - 1);
  if (kind !== undefined) return kind;
  let before: string | undefined;
  let after: string | undefined;
  for (const l of s.layouts) {
    const z = l.zones.find((x) => x.id === zone);
    if (!z) continue;
    if (l.validFrom <= from) before = z.kind;
    else after ??= z.kind;
  }
  return before ?? after ?? "removed";
}

/** The first whole hour of the hour and day figures kept from `keptFrom` (aggregate retention; null: for ever): retention deletes the hours before it. */
export const firstKeptHour = (keptFrom: number | null): number | null => (keptFrom === null ? null : Math.floor(keptFrom / HOUR_MS) * HOUR_MS);

/**
 * The rows of one store, a part of the range at a time. `rawSince`: raw rows before it are gone (retention);
 * `keptFrom`: the hour and day figures before it are gone (aggregate retention; null: kept for ever).
 */
export async function* storeCounts(
  storage: Storage,
  s: CountsSubject,
  range: Range,
  interval: CountsInterval,
  rawSince: number,
  keptFrom: number | null = null,
): AsyncGenerator<CountsRow[]> {
  const kept = firstKeptHour(keptFrom);
  if (interval === "15m" && range.from < rawSince) throw new RetentionError(rawSince, "15-minute counts");
  for (const part of parts(range, s.timezone)) {
    const starts = countsBucketStarts(part, interval, s.timezone);
    const edges = starts.map((start, i) => ({ start, from: Math.max(start, part.from), to: Math.min(starts[i + 1] ?? Number.POSITIVE_INFINITY, part.to) }));
    const ins = new Map<string, number[]>();
    const outs = new Map<string, number[]>();
    const cell = (m: Map<string, number[]>, zone: string) => {
      let a = m.get(zone);
      if (!a) m.set(zone, (a = new Array<number>(edges.length).fill(0)));
      return a;
    };
    const bucketOf = (ts: number) => {
      // Binary search: the last bucket whose start is at or before ts.
      let lo = 0;
      let hi = edges.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (edges[mid]!.from <= ts) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    if (interval === "15m") {
      // Raw rows: visits by enter time, door counts by time.
      const zones = zonesOf(s, part, []);
      const [visits, counts] = await Promise.all([Promise.all(zones.map(async (zone) => ({ zone, visits: await storage.aggregates.visitsIn(s.store, zone, part.from, part.to) }))), storage.aggregates.countsIn(s.store, part.from, part.to)]);
      for (const { zone, visits: vs } of visits) for (const v of vs) cell(ins, zone)[bucketOf(v.enterTs)]! += 1;
      for (const c of counts) {
        const b = bucketOf(c.ts);
        cell(ins, c.zone)[b]! += c.nIn;
        cell(outs, c.zone)[b]! += c.nOut;
      }
    } else {
      // In: what `traffic` answers for these buckets; out: the door counters' out, from the hour rollups.
      const buckets = await s.analytics.traffic(part, interval === "1h" ? "hour" : "day", s.timezone, s.kindAt, s.changes);
      buckets.forEach((b, i) => {
        for (const [zone, n] of Object.entries(b.zones)) cell(ins, zone)[i]! += n;
      });
      // Whole hours [a0, b0) from the hour rollups; the edges outside them from raw door counts.
      const a0 = Math.ceil(part.from / HOUR_MS) * HOUR_MS;
      const b0 = Math.floor(part.to / HOUR_MS) * HOUR_MS;
      const loose: [number, number][] = [];
      if (a0 >= b0) loose.push([part.from, part.to]);
      else {
        for (const r of await storage.aggregates.doorHours(s.store, a0 / HOUR_MS, b0 / HOUR_MS)) cell(outs, r.zone)[bucketOf(r.t * HOUR_MS)]! += r.out;
        if (part.from < a0) loose.push([part.from, a0]);
        if (b0 < part.to) loose.push([b0, part.to]);
      }
      for (const [a, b] of loose) {
        if (a < rawSince) throw new RetentionError(rawSince, "counts over a range that does not start and end on whole hours");
        for (const c of await storage.aggregates.countsIn(s.store, a, b)) cell(outs, c.zone)[bucketOf(c.ts)]! += c.nOut;
      }
    }
    const zones = zonesOf(s, part, [...ins.keys(), ...outs.keys()]);
    const rows: CountsRow[] = [];
    edges.forEach((e, i) => {
      if (!(e.to > e.from)) return;
      const start = formatBucketStart(e.from, s.timezone);
      const end = formatBucketStart(e.to, s.timezone);
      // Before the figures kept (all of it, or the part of a day before the horizon): no data, not 0.
      const gone = kept !== null && e.from < kept;
      for (const zone of zones) {
        const out = outs.has(zone) ? outs.get(zone)![i]! : null;
        rows.push({ start, end, zone, kind: kindOf(s, zone, e.from, e.to), in: gone ? null : (ins.get(zone)?.[i] ?? 0), out: gone ? null : out });
      }
    });
    yield rows;
  }
}


/** The body as text chunks: CSV (a header, then a line a row) or JSON (`{"interval", "rows": [...]}`), written as rows come. */
export async function* serializeCounts(
  rows: AsyncIterable<{ store: string; rows: CountsRow[] }>,
  format: "csv" | "json",
  head: Record<string, unknown>,
): AsyncGenerator<string> {
  if (format === "csv") {
    // Core's records, as every export: CRLF line ends (RFC 4180).
    yield csvRecord(["store", "zone", "kind", "start", "end", "in", "out"]);
    for await (const chunk of rows) {
      if (chunk.rows.length) yield chunk.rows.map((r) => csvRecord([chunk.store, r.zone, r.kind, r.start, r.end, r.in, r.out])).join("");
    }
    return;
  }
  yield `${JSON.stringify(head).slice(0, -1)}${Object.keys(head).length ? "," : ""}"rows":[`;
  let first = true;
  for await (const chunk of rows) {
    if (!chunk.rows.length) continue;
    yield (first ? "" : ",") + chunk.rows.map((r) => JSON.stringify({ store: chunk.store, ...r })).join(",");
    first = false;
  }
  yield "]}";
}
