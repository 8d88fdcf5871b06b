/**
 * When a store's figures begin (shared by the UI's views and the server's digests).
 *
 * "No data" is not zero. The server answers every hour or day of a range, with 0 where nothing
 * was counted, whether the store was open and empty or no agent was reporting yet. The UI tells
 * them apart by when the store's figures begin: the first hour with any enter (from `/traffic`).
 * Before it, a slot has no data; from it on, a 0 is a real 0 (a closed store at night included).
 * A slot that starts at or after `now` has no data either (nothing can have been counted yet).
 */
import { openIntervals, type StoreHours } from "../alerts/hours.js";
import { localMidnight } from "./calendar.js";
import type { TrafficBucket } from "./types.js";

/** The start (epoch ms) of the first bucket with any enter in any zone; null when there is none. */
export function firstDataStart(buckets: readonly TrafficBucket[]): number | null {
  let first: number | null = null;
  for (const b of buckets) {
    const any = b.enters > 0 || Object.values(b.zones).some((n) => n > 0);
    if (!any) continue;
    const t = Date.parse(b.start);
    if (Number.isFinite(t) && (first === null || t < first)) first = t;
  }
  return first;
}

/**
 * From when a store's figures count as whole, given `first`, the start of its first local hour with
 * figures ({@link firstDataStart}), its opening hours (null or undefined: none) and its time zone:
 * the start of the local day holding `first` when that hour starts at or before the day's first
 * opening (by its opening hours: an exception of that date, else its weekday's; open since the
 * night before: at midnight), `first` otherwise. A store that started counting at opening time (the
 * usual install) was closed, and counted as nobody, before it: its first day is whole, not partial.
 * A first hour after the day's opening (counters started mid-day), on a day it is closed, or a store
 * without opening hours: unchanged. The UI's coverage, the digests and the chain view's
 * like-for-like all read it, so they agree on which periods are partial.
 */
export function wholeFrom(first: number | null, hours: StoreHours | null | undefined, timeZone: string): number | null {
  if (first === null || !hours || !Number.isFinite(first)) return first;
  const day = localMidnight(first, timeZone);
  const opens = openIntervals(hours, { from: day, to: localMidnight(first, timeZone, 1) }, timeZone)[0]?.from;
  return opens !== undefined && first <= opens ? day : first;
}

/** When a store's figures begin, as the UI knows it. */
export interface Coverage {
  /** The first instant with data; null when the store has none at all. */
  from: number | null;
  /** The current time: nothing after it has data. */
  now: number;
  /**
   * The first hour with figures when `from` was taken back to the start of that day ({@link wholeFrom}:
   * counted from opening time), for saying when the figures begin; absent: `from`.
   */
  first?: number | null;
}

/** When a store's figures begin, as the views say it ("this store's figures begin ..."): the first hour with figures. */
export const figuresBegin = (c: Coverage): number | null => (c.first === undefined || c.first === null || c.from === null || c.first < c.from ? c.from : c.first);

/** Whether the slot `[start, end)` holds data: it ends after the data began and starts before now. */
export function slotHasData(start: number, end: number, c: Coverage): boolean {
  return c.from !== null && end > c.from && start < c.now;
}

/** Whether any of the range `[from, to)` has data. */
export const rangeHasData = (range: { from: number; to: number }, c: Coverage): boolean => slotHasData(range.from, range.to, c);

/** Whether the range starts before the data does (its figures cover only part of it). */
export const rangeIsPartial = (range: { from: number; to: number }, c: Coverage): boolean => c.from !== null && range.from < c.from && range.to > c.from;

/**
 * The part of `range` a store's conversion rests on: its sales are set against its enters from the
 * start of the local day (`timeZone`, the store's) holding `first`, the store's first figures, on;
 * the whole range when the figures begin before it; null when they begin at or after its end, or
 * there are none (no sale of the range has enters to be set against).
 *
 * Sales before the figures begin have no enters counted against them (counters installed later,
 * history that starts inside the range): counting them over the enters of the later days overstates
 * conversion (30 days of sales over 3 days of enters). From the first figures on, a day without
 * enters is a real 0 (a closed store), so every later day counts, as every screen shows it; the
 * first day counts whole, as the Sales page's day rows show it (a till's day is not cut at the hour
 * the counters started).
 */
export function conversionSpan(range: { from: number; to: number }, first: number | null, timeZone: string): { from: number; to: number } | null {
  if (first === null || !(first < range.to) || !(range.from < range.to)) return null;
  return { from: Math.max(range.from, localMidnight(first, timeZone)), to: range.to };
}

/**
 * Whether a store was counted over the whole of `period` (like-for-like): its figures began at or
 * before the period's start. A store whose figures begin inside an earlier period, or after it, has
 * no honest change against it (a partial period overstates growth; an empty one has nothing to
 * compare), so the chain view shows "new" there and leaves it out of the totals' changes. The later
 * period compared (the current range) starts after the earlier one, so it is counted whole too.
 */
export const countedThrough = (period: { from: number; to: number }, first: number | null): boolean => first !== null && first <= period.from;

/**
 * How long hour and day figures are kept (FOOTFALL_AGGREGATE_RETENTION_DAYS) and the oldest instant
 * kept, epoch ms; null: kept for ever. `GET /overview` (history) and `GET /stores` (retention.history)
 * answer it; figures of a period before `keptFrom` are gone, not zero.
 */
export type KeptHistory = { keptDays: number; keptFrom: number } | null;

/**
 * A store's coverage as of the history kept at `c.now`: its figures begin no earlier than the first
 * whole hour kept (`c.now` minus `keptDays`, floored to the hour, as the server's /counts, /traffic and
 * /dwell `keptFrom`): the hours before it are deleted, and their zeros are no data kept. A first start
 * found before a retention pass (the UI keeps it for the session) moves on with the horizon, so a view
 * open for days never charts deleted hours as a closed store. Unchanged when history is kept for ever,
 * or the store has no figures.
 */
export function keptCoverage(c: Coverage, history: KeptHistory | undefined): Coverage {
  if (!history || c.from === null) return c;
  const since = Math.max(history.keptFrom, c.now - history.keptDays * 86_400_000);
  const firstHour = Math.floor(since / 3_600_000) * 3_600_000;
  return c.from >= firstHour ? c : { ...c, from: firstHour };
}

/** Whether a period reaches before the figures kept: its figures before `keptFrom` are not counted. */
export function cutByRetention(period: { from: number }, history: KeptHistory): boolean {
  return history !== null && period.from < history.keptFrom;
}

/**
 * Why a store is left out of a like-for-like comparison: "new" (its figures begin after the earlier
 * period's start), "no-data" (that period is older than the figures kept), "outage" (its entrance was
 * counted by no agent for some open hours of either period: the chain overview's own rule, from the
 * recorded offline spans; {@link notLikeForLike} never gives it).
 */
export type NotLikeForLike = "new" | "no-data" | "outage";

/**
 * How close to the oldest figures kept a store's first figures may lie and still be history cut by
 * retention rather than a store that opened then: a week (a store closed a few days just after the
 * horizon still reads as history gone).
 */
export const HISTORY_CUT_SLACK_MS = 7 * 86_400_000;

/**
 * Why a store is not compared like-for-like against `period` (null: it is, {@link countedThrough}).
 * `keptFrom` is the oldest instant whose figures are kept (FOOTFALL_AGGREGATE_RETENTION_DAYS; null:
 * kept for ever). When the period starts before it and the store's figures begin at it (within
 * {@link HISTORY_CUT_SLACK_MS}) or there are none left, its history was dropped by retention: "no-data",
 * not "new" (the store is not new, its earlier figures are gone). Otherwise "new": its figures begin
 * later than the period's start while older ones are kept.
 */
export function notLikeForLike(period: { from: number; to: number }, first: number | null, keptFrom: number | null): NotLikeForLike | null {
  if (countedThrough(period, first)) return null;
  if (keptFrom !== null && period.from < keptFrom && (first === null || first < keptFrom + HISTORY_CUT_SLACK_MS)) return "no-data";
  return "new";
}
