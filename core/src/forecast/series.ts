import type { EpochMs } from "../protocol/ids.js";
import { bucketStarts, calendarDay, offsetMs } from "../domain/calendar.js";
import type { Bucket, Range } from "../domain/types.js";
import { openIntervals, type StoreHours } from "../alerts/hours.js";

/**
 * A count series on the local calendar of a store: one value per local `hour` or `day` bucket
 * (DST-correct: a spring-forward day has 23 hour buckets, a fall-back day 25), `null` where the
 * count is unknown (a gap). Buckets past the forecast origin are listed with `null` values, so one
 * grid holds both the history and the hours to forecast.
 */
export interface Series {
  grain: Bucket;
  timeZone: string;
  /** Start of each bucket, ascending and consecutive (as `bucketStarts` lists them). */
  starts: readonly EpochMs[];
  values: readonly (number | null)[];
}

const DAY = 86_400_000;

/**
 * The local wall clock of each bucket of a series, and the lookup "the bucket at the same local
 * hour `d` days earlier": the seasonal lags of a store are taken on its local clock, so the
 * same hour last week is 09:00 last Monday even across a DST change (167 or 169 hours back).
 */
export interface LocalGrid {
  /** Local date of each bucket as days since 1970-01-01. */
  day: Int32Array;
  /** Local hour 0-23 of each bucket (0 for day buckets). */
  hour: Int8Array;
  /** ISO weekday of each bucket, 1 = Monday .. 7 = Sunday. */
  weekday: Int8Array;
  /** Index of the first bucket at local `day` and `hour`, or -1 when the series has none. */
  indexOf(day: number, hour: number): number;
}

/** ISO weekday (1 = Monday) of a local day number. */
export const weekdayOfDay = (day: number): number => ((((day + 3) % 7) + 7) % 7) + 1;

/** The local day number of a `YYYY-MM-DD` date; NaN when it is not one. */
export function dayOfDate(date: string): number {
  const ms = calendarDay(date);
  return ms === null ? Number.NaN : ms / DAY;
}

/** `YYYY-MM-DD` of a local day number. */
export const dateOfDay = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);

/** The local grid of `series` (one time-zone lookup per bucket). */
export function localGrid(series: Pick<Series, "starts" | "timeZone">): LocalGrid {
  const n = series.starts.length;
  const day = new Int32Array(n);
  const hour = new Int8Array(n);
  const weekday = new Int8Array(n);
  const offsets = bucketOffsets(series.starts, series.timeZone);
  for (let i = 0; i < n; i++) {
    const wall = series.starts[i]! + offsets[i]!;
    day[i] = Math.floor(wall / DAY);
    hour[i] = Math.floor((wall - day[i]! * DAY) / 3_600_000);
    weekday[i] = weekdayOfDay(day[i]!);
  }
  const first = n ? day[0]! : 0;
  const slots = n ? day[n - 1]! - first + 1 : 0;
  const index = new Int32Array(slots * 24).fill(-1);
  for (let i = n - 1; i >= 0; i--) index[(day[i]! - first) * 24 + hour[i]!] = i;
  return {
    day,
    hour,
    weekday,
    indexOf(d, h) {
      const k = d - first;
      if (k < 0 || k >= slots || h < 0 || h > 23) return -1;
      return index[k * 24 + h]!;
    },
  };
}

/**
 * The UTC offset of each of `starts` (ascending). Offsets change a few times a year, so they are
 * looked up every `STRIDE` buckets and bucket by bucket only between two lookups that differ.
 */
function bucketOffsets(starts: readonly EpochMs[], timeZone: string): Float64Array {
  const STRIDE = 24;
  const n = starts.length;
  const out = new Float64Array(n);
  let prev = n ? offsetMs(starts[0]!, timeZone) : 0;
  out[0] = prev;
  for (let a = 0; a < n - 1; a += STRIDE) {
    const b = Math.min(a + STRIDE, n - 1);
    const ob = offsetMs(starts[b]!, timeZone);
    if (ob === prev) out.fill(prev, a + 1, b + 1);
    else for (let i = a + 1; i <= b; i++) out[i] = offsetMs(starts[i]!, timeZone);
    prev = ob;
  }
  return out;
}

/** Index of the bucket at the same local hour `days` days before bucket `i` (-1 when none). */
export const lagIndex = (grid: LocalGrid, i: number, days: number): number => grid.indexOf(grid.day[i]! - days, grid.hour[i]!);

/**
 * A series of `grain` buckets over `range` in `timeZone`, summing `points` into the bucket that
 * holds each `ts`. Buckets no point falls in are `null` (unknown), or 0 with `emptyIsZero`
 * (a store whose counters were up: no one came). Points outside the range are ignored.
 */
export function seriesOf(
  range: Range,
  grain: Bucket,
  timeZone: string,
  points: Iterable<{ ts: EpochMs; value: number }>,
  opts: { emptyIsZero?: boolean } = {},
): Series {
  const starts = bucketStarts(range, grain, timeZone);
  const values: (number | null)[] = starts.map(() => (opts.emptyIsZero ? 0 : null));
  for (const p of points) {
    if (!(p.ts >= range.from && p.ts < range.to) || !Number.isFinite(p.value)) continue;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (starts[mid]! <= p.ts) lo = mid;
      else hi = mid - 1;
    }
    values[lo] = (values[lo] ?? 0) + p.value;
  }
  return { grain, timeZone, starts, values };
}

/**
 * A store's or zone's hourly counts (0 where nothing was counted) as known values: unknown (null)
 * before its first counted visitor (no counter may have been there yet), except the hours of that
 * first local day, before it, whose local hour of day counted nobody on any later day of the
 * history (the night before a store's first opening: closed, as every night since). So the first
 * day of a store that began counting at opening is a whole day, not unknown; one whose counting
 * began mid-day stays unknown (its missing morning had visitors on the days after).
 */
export function countsFromFirst(counts: readonly number[], grid: Pick<LocalGrid, "day" | "hour">): (number | null)[] {
  const first = counts.findIndex((n) => n > 0);
  if (first < 0) return counts.map(() => null);
  const values: (number | null)[] = counts.map((n, i) => (i >= first ? n : null));
  const firstDay = grid.day[first]!;
  // per local hour of day: seen on a later day, and ever counted someone (from the first count on)
  const later = new Array<boolean>(24).fill(false);
  const busy = new Array<boolean>(24).fill(false);
  for (let j = first; j < counts.length; j++) {
    const h = grid.hour[j]!;
    if (grid.day[j]! > firstDay) later[h] = true;
    if (counts[j]! > 0) busy[h] = true;
  }
  for (let i = first - 1; i >= 0 && grid.day[i] === firstDay; i--) {
    const h = grid.hour[i]!;
    if (later[h] && !busy[h] && counts[i] === 0) values[i] = 0;
  }
  return values;
}

/**
 * Hourly values with every hour that ends after `since` unknown (null): a store's or zone's counts
 * from the moment its counting agents went offline (still offline: nothing counted them since), which
 * read 0 but are no counts. Unchanged when `since` is null (counted now).
 */
export function withoutNotCounted(starts: readonly EpochMs[], values: readonly (number | null)[], since: EpochMs | null): (number | null)[] {
  if (since === null) return [...values];
  return values.map((v, i) => (starts[i]! + 3_600_000 > since ? null : v));
}

/** A span of time [from, to) (epoch ms). */
export interface Gap {
  from: EpochMs;
  to: EpochMs;
}

/**
 * When every one of `agents` was offline: the intersection of their offline spans (each agent's
 * spans, `to` null while still offline, read up to `now`). None when `agents` is empty (nothing is
 * known to count the zone) or one of them has no span. Sorted, disjoint.
 */
export function allOffline(agents: readonly string[], spans: readonly { agent: string; from: EpochMs; to: EpochMs | null }[], now: EpochMs): Gap[] {
  let common: Gap[] | null = null;
  for (const agent of new Set(agents)) {
    const own = spans.filter((s) => s.agent === agent).map((s) => ({ from: s.from, to: s.to ?? now })).filter((g) => g.to > g.from);
    if (common === null) common = own;
    else {
      const next: Gap[] = [];
      for (const a of common) for (const b of own) {
        const from = Math.max(a.from, b.from);
        const to = Math.min(a.to, b.to);
        if (to > from) next.push({ from, to });
      }
      common = next;
    }
    if (common.length === 0) return [];
  }
  return (common ?? []).sort((a, b) => a.from - b.from);
}

/**
 * The part of each gap the hourly `counts` do not show counted: an agent offline on the broker that
 * kept counting delivers its events later (store-and-forward), so a gap's hours up to the last one
 * within it that counted someone were counted; the gap starts at that hour's end.
 */
export function gapsNotCounted(starts: readonly EpochMs[], counts: readonly number[], gaps: readonly Gap[]): Gap[] {
  const out: Gap[] = [];
  for (const g of gaps) {
    let from = g.from;
    starts.forEach((s, i) => {
      if (s + 3_600_000 > g.from && s < g.to && (counts[i] ?? 0) > 0) from = Math.max(from, s + 3_600_000);
    });
    if (g.to > from) out.push({ from, to: g.to });
  }
  return out;
}

/**
 * The parts of `gaps` (outages nobody counted in) in which the store was open by its opening hours
 * `hours` (a history: the hours in force at each instant), in `timeZone`; unchanged for a store
 * without hours (null or undefined: open at every hour). Nobody is missed while a store is closed, so a closed hour an agent was offline in is a
 * closed hour, no visitors, not an unknown one: an edge box switched off every night leaves no
 * gap, and a closed night inside a longer outage splits it at the night. The one rule of what an
 * outage left uncounted, for experiments and forecasts alike. Sorted, disjoint when `gaps` are.
 */
export function gapsWhileOpen(gaps: readonly Gap[], hours: StoreHours | null | undefined, timeZone: string): Gap[] {
  if (!hours) return gaps.map((g) => ({ from: g.from, to: g.to }));
  return gaps.flatMap((g) => openIntervals(hours, { from: g.from, to: g.to }, timeZone).map((iv) => ({ from: iv.from, to: iv.to })));
}

/**
 * Under this much of one local hour's open time nobody counted a zone (every agent of it offline, its
 * outages in that hour added up), the hour is counted, not "not counted": a restart of the server and
 * its agents (the demo's takes about 8 s), a box rebooted, a link that drops for a minute. The cost: the
 * visitors of those minutes are missed (under 5 of 60, at most about 8 % of the hour; an agent cut off
 * from the broker that kept counting delivers them later anyway). From 5 minutes on, the whole hour
 * stays "not counted", as before. The one constant the screens, exports, digests, the chain view,
 * experiments and forecasts read outages by (withoutShortOutages).
 */
export const SHORT_OUTAGE_MS = 5 * 60_000;

/**
 * One zone's `gaps` (times nobody counted it, already cut to the store's open hours: gapsWhileOpen)
 * less their parts in the local hours of `starts` (consecutive hour starts; the last hour an hour
 * long) in which they cover under SHORT_OUTAGE_MS together: those hours were counted. An outage still
 * going on (`ongoing`: the zone's, begun at `since`, read to `now`) is not short in the hour not over
 * at `now`, however few its minutes so far: that hour is kept (the camera may stay off). An hour
 * already over is judged on the outage minutes inside it, final: the answer of a past hour does not
 * change when the outage ends later (a box off at 20:57 in a store closing at 21:00 leaves hour 20
 * counted at night and in the morning alike). Parts outside the hours of `starts` are kept as they
 * are. Sorted and disjoint, touching gaps joined.
 */
export function withoutShortOutages(
  starts: readonly EpochMs[],
  gaps: readonly Gap[],
  ongoing: { since: EpochMs; now: EpochMs } | null = null,
): Gap[] {
  const merged = joinGaps(gaps.filter((g) => g.to > g.from));
  const n = starts.length;
  if (n === 0 || merged.length === 0) return merged;
  const endOf = (i: number) => starts[i + 1] ?? starts[i]! + 3_600_000;
  const lo = starts[0]!;
  const hi = endOf(n - 1);
  const kept: Gap[] = [];
  const inHour = new Map<number, Gap[]>();
  for (const g of merged) {
    if (g.from < lo) kept.push({ from: g.from, to: Math.min(g.to, lo) });
    if (g.to > hi) kept.push({ from: Math.max(g.from, hi), to: g.to });
    // The first hour that ends after the gap's start (binary search), then each hour it reaches.
    let a = 0;
    let b = n;
    while (a < b) {
      const m = (a + b) >> 1;
      if (endOf(m) <= g.from) a = m + 1;
      else b = m;
    }
    for (let i = a; i < n && starts[i]! < g.to; i++) {
      const from = Math.max(g.from, starts[i]!);
      const to = Math.min(g.to, endOf(i));
      if (to <= from) continue;
      let pieces = inHour.get(i);
      if (!pieces) inHour.set(i, (pieces = []));
      pieces.push({ from, to });
    }
  }
  for (const [i, pieces] of inHour) {
    // The outage going on keeps only the hour not over yet; an hour over is judged on its minutes.
    const goingOn = ongoing !== null && endOf(i) > ongoing.now && pieces.some((p) => p.to > ongoing.since);
    if (goingOn || pieces.reduce((t, p) => t + (p.to - p.from), 0) >= SHORT_OUTAGE_MS) kept.push(...pieces);
  }
  return joinGaps(kept);
}

/** `gaps` sorted, overlapping or touching ones joined. */
function joinGaps(gaps: readonly Gap[]): Gap[] {
  const out: Gap[] = [];
  for (const g of [...gaps].sort((x, y) => x.from - y.from)) {
    const last = out[out.length - 1];
    if (last && g.from <= last.to) last.to = Math.max(last.to, g.to);
    else out.push({ from: g.from, to: g.to });
  }
  return out;
}

/** The open hours of a range in which some zone was counted by no agent: how many (whole), which zones, the hours merged. */
export interface ZonesNotCounted {
  hours: number;
  zones: string[];
  spans: Gap[];
}

/**
 * The one rule of what a screen's figures of `range` miss (the chain view, the digests, the store's
 * traffic, conversion, funnels, flows and dwell say it alike): for each zone, the hours every agent
 * counting it was offline (`offline`, from allOffline), less the hours it still counted someone in
 * (`counts`, its hourly visits or a door counter's crossings, in and out, at the local hour `starts`:
 * an agent cut off from the broker that kept counting delivered them later, so that is no outage; in
 * the evening a door counter counts people leaving only, and that is counting too), less the hours the
 * store was closed (`opening`), less the hours a zone's outages cover under SHORT_OUTAGE_MS of
 * (withoutShortOutages: an 8-second restart leaves its hour counted; an outage still going on at `now`,
 * an open span read to it, is never short in the hour not over at `now`, while an hour already over
 * is judged on its outage minutes, final; a local hour the range cuts, on all its minutes, those
 * outside the range too, so its verdict is the same on every screen); the hours they touch within
 * `range` merged, an hour cut by the range's end counted whole (today so far, 14:00-14:20, is 1 h).
 * Null when no zone lost an open hour.
 */
export function zonesNotCounted(
  range: Gap,
  starts: readonly EpochMs[],
  zones: readonly { zone: string; offline: readonly Gap[]; counts: readonly number[] }[],
  opening: StoreHours | null | undefined,
  timeZone: string,
  now: EpochMs | null = null,
): ZonesNotCounted | null {
  const gaps: Gap[] = [];
  const names: string[] = [];
  for (const z of zones) {
    const own = zoneNotCounted(range, starts, z, opening, timeZone, now);
    if (own.length === 0) continue;
    names.push(z.zone);
    gaps.push(...own);
  }
  if (gaps.length === 0) return null;
  const merged: Gap[] = [];
  starts.forEach((start, i) => {
    const from = Math.max(start, range.from);
    const to = Math.min(starts[i + 1] ?? range.to, range.to);
    if (to <= from || !gaps.some((g) => g.from < to && g.to > from)) return;
    const last = merged[merged.length - 1];
    if (last && last.to === from) last.to = to;
    else merged.push({ from, to });
  });
  const length = merged.reduce((s, g) => s + (g.to - g.from), 0);
  return { hours: Math.ceil(length / 3_600_000), zones: names, spans: merged };
}

/**
 * One zone's part of {@link zonesNotCounted}: the times within `range` nobody counted it, in the hours it was not
 * counted (each local hour the range touches judged on all its outage minutes, those outside the range too).
 */
function zoneNotCounted(
  range: Gap,
  starts: readonly EpochMs[],
  z: { offline: readonly Gap[]; counts: readonly number[] },
  opening: StoreHours | null | undefined,
  timeZone: string,
  now: EpochMs | null,
): Gap[] {
  // The local hours the range touches, whole: each is judged on all its outage minutes, not only those inside the range. A
  // range cut mid-hour (the chain overview's whole UTC hours are half past in Kolkata or on Lord Howe Island) would
  // otherwise call an hour with 6 minutes off, 3 of them before the cut, counted while the store's own screens say not.
  const last = starts[starts.length - 1];
  const whole: Gap =
    last === undefined
      ? range
      : { from: Math.min(range.from, starts[0]!), to: Math.max(range.to, bucketStarts({ from: last, to: last + 2 * 3_600_000 }, "hour", timeZone)[1] ?? last + 3_600_000) };
  const within = (g: Gap, r: Gap): Gap => ({ from: Math.max(g.from, r.from), to: Math.min(g.to, r.to) });
  // An outage of the zone still going on (read to `now`, as allOffline reads an open span) is never short.
  const ongoing = now === null ? undefined : z.offline.find((g) => g.to >= now);
  return withoutShortOutages(
    starts,
    gapsWhileOpen(
      gapsNotCounted(starts, z.counts, z.offline).map((g) => within(g, whole)).filter((g) => g.to > g.from),
      opening,
      timeZone,
    ),
    ongoing && now !== null ? { since: ongoing.from, now } : null,
  )
    .map((g) => within(g, range))
    .filter((g) => g.to > g.from);
}

/**
 * What a forecast leaves out of its history (`starts`: consecutive local hours up to the start of the current hour): the
 * times nobody counted one of `zones` (the store's entrances, or the one zone forecast) in the hours the screens call not
 * counted, by {@link zonesNotCounted}'s rule, for an outage still going on as for one ended. A zone's outages are its
 * recorded ones (`offline`, allOffline: an open span read to `now`) and, when nothing counts it now by the live view
 * (`downSince`, core notCountedSince: an agent silent or revoked too), the time from then to `now`. Every hour of a history
 * is over, so each is judged on its own outage minutes while the store was open, final: an agent off since 10:57, read at
 * 11:30, leaves hour 10 counted (3 minutes, under SHORT_OUTAGE_MS), as the traffic chart, the chain view and the digests
 * count it, and its hours from 11:00 on are not yet history. Sorted, disjoint; withoutGaps nulls the hours they touch.
 */
export function historyNotCounted(
  starts: readonly EpochMs[],
  zones: readonly { zone: string; offline: readonly Gap[]; counts: readonly number[]; downSince?: EpochMs | null }[],
  opening: StoreHours | null | undefined,
  timeZone: string,
  now: EpochMs,
): Gap[] {
  const last = starts[starts.length - 1];
  if (last === undefined) return [];
  const range = { from: starts[0]!, to: bucketStarts({ from: last, to: last + 2 * 3_600_000 }, "hour", timeZone)[1] ?? last + 3_600_000 };
  const out: Gap[] = [];
  for (const z of zones) {
    const live = z.downSince === null || z.downSince === undefined || z.downSince >= now ? [] : [{ from: z.downSince, to: now }];
    out.push(...zoneNotCounted(range, starts, { offline: joinGaps([...z.offline, ...live]), counts: z.counts }, opening, timeZone, now));
  }
  return joinGaps(out);
}

/** Hourly values with every hour that overlaps one of `gaps` unknown (null): counts nobody made. */
export function withoutGaps(starts: readonly EpochMs[], values: readonly (number | null)[], gaps: readonly Gap[]): (number | null)[] {
  if (gaps.length === 0) return [...values];
  return values.map((v, i) => (gaps.some((g) => g.from < starts[i]! + 3_600_000 && g.to > starts[i]!) ? null : v));
}

/**
 * Daily totals of an hourly series on its local days: a day's total is the sum of its hours, or
 * `null` when any of its hours is unknown or at or past index `before` (not yet known then).
 * Days cut by either end of the series are left out.
 */
export function dailyTotals(series: Series, grid: LocalGrid = localGrid(series), before = series.values.length): Series {
  if (series.grain !== "hour") throw new RangeError("dailyTotals needs an hourly series");
  const n = series.starts.length;
  const groups: [number, number][] = [];
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && grid.day[j] === grid.day[i]) j++;
    groups.push([i, j]);
    i = j;
  }
  const whole = ([i, j]: [number, number]): boolean => {
    const [dayStart, nextDay] = bucketStarts({ from: series.starts[i]!, to: series.starts[i]! + 2 * DAY }, "day", series.timeZone);
    return series.starts[i] === dayStart && (j < n || series.starts[j - 1]! + 3_600_000 >= nextDay!);
  };
  if (groups.length && !whole(groups[0]!)) groups.shift();
  if (groups.length && !whole(groups[groups.length - 1]!)) groups.pop();
  const starts: EpochMs[] = [];
  const values: (number | null)[] = [];
  for (const [i, j] of groups) {
    let sum: number | null = 0;
    for (let k = i; k < j && sum !== null; k++) {
      const v = k < before ? series.values[k] : null;
      sum = v === null || v === undefined ? null : sum + v;
    }
    starts.push(series.starts[i]!);
    values.push(sum);
  }
  return { grain: "day", timeZone: series.timeZone, starts, values };
}
