import type { EpochMs } from "../protocol/ids.js";
import type { Bucket, Range } from "./types.js";

/**
 * Local calendar of a store's IANA time zone, DST-correct, without the host's zone.
 * An `hour` bucket is a maximal run of instants with the same local date, hour and UTC offset: the
 * repeated hour of a fall-back is two buckets (02:00+02:00 and 02:00+01:00), and in zones with
 * 30/45-min offsets hours follow the local clock (Asia/Kolkata hours start at hh:30 UTC).
 * A `day` bucket is a local calendar date: it starts at the earliest instant whose local date is
 * that date (its 00:00, or 01:00 on a day whose midnight is skipped: Santiago, Havana) and ends
 * where the next date starts; so a day may last 23, 23.5, 24.5 or 25 hours.
 *
 * The offsets come from Intl (the runtime's ICU time-zone data) and are kept per zone in spans of
 * ~25 days with the instants the offset changes at (found by sampling daily and bisecting to the
 * second), so a lookup after the first in a span is a Map read, not an Intl call.
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const mod = (a: number, n: number): number => ((a % n) + n) % n;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    } catch {
      throw new RangeError(`unknown time zone "${timeZone}"`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

const WALL = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/;
/** The UTC offset at the whole second `s` (ms, a multiple of 1000) straight from Intl: local wall clock minus UTC. */
function intlOffset(s: number, timeZone: string): number {
  const f = formatterOf(timeZone);
  const m = WALL.exec(f.format(s));
  if (m && Number(m[3]) >= 100) return Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6])) - s;
  // Years before 100 (Date.UTC maps 0-99 to 19xx) or an unexpected layout: from the parts.
  const parts = Object.fromEntries(f.formatToParts(s).map((p) => [p.type, p.value]));
  const wall = new Date(0);
  wall.setUTCFullYear(Number(parts.year), Number(parts.month) - 1, Number(parts.day));
  wall.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
  return wall.getTime() - s;
}

/** A stretch of SPAN ms of one zone: the offset at its start, and each change in it (instant, new offset). */
interface Span {
  offsets: number[];
  changes: number[];
}
/** 2^31 ms (~24.9 days): offsets are cached per zone in spans of this length. */
const SPAN = 2 ** 31;
/**
 * Offsets are sampled this far apart within a span: two changes of one zone are never closer. In
 * every zone Intl knows, 2000-2040, the closest are 6.9 days apart (America/Boa_Vista 1999-2000;
 * Gaza's and Hebron's 7, Cairo's Ramadan pauses 21); the property tests compare the helpers with
 * a minute-by-minute scan of the wall clock.
 */
const STEP = DAY;
const MAX_SPANS = 4096; // ~280 years per zone before its cache starts over
const zones = new Map<string, Map<number, Span>>();

function buildSpan(index: number, timeZone: string): Span {
  const a = index * SPAN;
  const b = a + SPAN;
  const sec = (t: number) => Math.floor(t / 1000); // offsets change on whole seconds
  const span: Span = { offsets: [intlOffset(sec(a) * 1000, timeZone)], changes: [] };
  let p = a;
  let prev = span.offsets[0]!;
  while (p < b - 1) {
    const q = Math.min(p + STEP, b - 1);
    const offset = intlOffset(sec(q) * 1000, timeZone);
    if (offset !== prev) {
      // Bisect (p, q] to the first second with the new offset.
      let lo = sec(p);
      let hi = sec(q);
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (intlOffset(mid * 1000, timeZone) === prev) lo = mid;
        else hi = mid;
      }
      span.changes.push(hi * 1000);
      span.offsets.push(offset);
      prev = offset;
    }
    p = q;
  }
  return span;
}

let lastZone = "";
let lastIndex = NaN;
let lastSpan: Span | null = null;
function spanOf(index: number, timeZone: string): Span {
  if (index === lastIndex && timeZone === lastZone) return lastSpan!;
  let spans = zones.get(timeZone);
  if (!spans) {
    formatterOf(timeZone); // an unknown zone throws here, before anything is cached
    zones.set(timeZone, (spans = new Map()));
  }
  let span = spans.get(index);
  if (!span) {
    if (spans.size >= MAX_SPANS) spans.clear();
    span = buildSpan(index, timeZone);
    spans.set(index, span);
  }
  lastZone = timeZone;
  lastIndex = index;
  lastSpan = span;
  return span;
}

const finite = (ts: number): number => {
  if (!Number.isFinite(ts) || Math.abs(ts) > 8.64e15) throw new RangeError(`not a time: ${ts}`);
  return ts;
};

/** UTC offset of `timeZone` at `ts` in ms (east positive); throws a RangeError for an unknown zone. */
export function offsetMs(ts: EpochMs, timeZone: string): number {
  const span = spanOf(Math.floor(finite(ts) / SPAN), timeZone);
  const { changes, offsets } = span;
  let i = 0;
  while (i < changes.length && changes[i]! <= ts) i++;
  return offsets[i]!;
}

interface Segment {
  /** First instant with this offset (or the start of the scan). */
  start: number;
  offset: number;
}

/** The constant-offset stretches of `timeZone` covering [from, to): the first starts at `from`. */
function segments(from: number, to: number, timeZone: string): Segment[] {
  const out: Segment[] = [{ start: from, offset: offsetMs(from, timeZone) }];
  const last = Math.floor(finite(to) / SPAN);
  for (let index = Math.floor(from / SPAN); index <= last; index++) {
    const { changes, offsets } = spanOf(index, timeZone);
    for (let i = 0; i < changes.length; i++) {
      const at = changes[i]!;
      if (at > from && at < to) out.push({ start: at, offset: offsets[i + 1]! });
    }
  }
  return out;
}

/**
 * Starts of every local `hour` or `day` bucket overlapping `[from, to)`, ascending: the first is
 * the start of the bucket holding `from` (at or before it). Empty when `to <= from`.
 */
export function bucketStarts(range: Range, bucket: Bucket, timeZone: string): EpochMs[] {
  if (!(range.to > range.from)) return [];
  const all = bucket === "hour" ? hourStarts(range.from - 2 * HOUR, range.to, timeZone) : dayStarts(range.from - 2 * DAY, range.to, timeZone);
  let first = 0;
  while (first + 1 < all.length && all[first + 1]! <= range.from) first++;
  return first === 0 ? all : all.slice(first); // every start is before range.to
}

/** Every local hour start in [from, to), and `from` itself (the scan's start). */
function hourStarts(from: number, to: number, timeZone: string): number[] {
  const segs = segments(from, to, timeZone);
  const out: number[] = [];
  for (let i = 0; i < segs.length; i++) {
    const { start, offset } = segs[i]!;
    const end = i + 1 < segs.length ? segs[i + 1]!.start : to;
    out.push(start); // an offset change starts an hour bucket (and `from` starts the scan)
    for (let t = start + (mod(-(start + offset), HOUR) || HOUR); t < end; t += HOUR) out.push(t);
  }
  return out;
}

/** The earliest instant of each local date met in [from, to), ascending (`from` itself for the date it is in). */
function dayStarts(from: number, to: number, timeZone: string): number[] {
  const segs = segments(from, to, timeZone);
  const earliest = new Map<number, number>();
  segs.forEach((seg, i) => {
    const end = segs[i + 1]?.start ?? to;
    const last = Math.floor((end - 1 + seg.offset) / DAY);
    for (let d = Math.floor((seg.start + seg.offset) / DAY); d <= last; d++) {
      if (!earliest.has(d)) earliest.set(d, Math.max(d * DAY - seg.offset, seg.start));
    }
  });
  return [...earliest.values()].sort((a, b) => a - b);
}

/**
 * Start of the local calendar day holding `now`, or of the date `days` dates after it (before, when
 * negative): the earliest instant whose local date is that date (local midnight, or the first
 * instant of a day that skips it, e.g. 01:00). The UI's ranges and the chain view's periods count
 * their days with it.
 */
export function localMidnight(now: EpochMs, timeZone: string, days = 0): EpochMs {
  if (days !== 0) {
    // An instant within an hour or two of local noon on that date (the offset read there, twice), then its day's start.
    const noon = (Math.floor((now + offsetMs(now, timeZone)) / DAY) + days) * DAY + 12 * HOUR;
    return localMidnight(noon - offsetMs(noon - offsetMs(noon, timeZone), timeZone), timeZone);
  }
  const offset = offsetMs(now, timeZone);
  const date = Math.floor((now + offset) / DAY);
  const naive = date * DAY - offset; // <= now
  // Without an offset change from a little before the naive midnight to `now`, it is the answer
  // (a clock put back carries an instant before it over midnight only by the hour or so it goes back).
  const segs = segments(naive - 3 * HOUR, now + 1, timeZone);
  if (segs.length === 1) return naive;
  // Else the first stretch of one offset holding an instant of that date, at its earliest.
  const around = segments(now - 2 * DAY, now + 1, timeZone);
  for (let i = 0; i < around.length; i++) {
    const seg = around[i]!;
    const start = Math.max(date * DAY - seg.offset, seg.start);
    if (start < (around[i + 1]?.start ?? now + 1) && start < (date + 1) * DAY - seg.offset) return start;
  }
  return naive; // not reached: `now` itself has that date
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** ISO 8601 local time with the zone's offset, e.g. `2026-03-29T03:00:00+02:00` (ms shown only when not zero). */
export function formatBucketStart(ts: EpochMs, timeZone: string): string {
  const offset = offsetMs(ts, timeZone);
  const iso = new Date(ts + offset).toISOString(); // the local wall clock, spelled as if UTC
  const ms = mod(ts, 1000);
  const abs = Math.abs(offset) / 1000;
  const seconds = abs % 60;
  const sign = offset < 0 ? "-" : "+";
  const zone = `${sign}${pad(Math.floor(abs / 3600))}:${pad(Math.floor(abs / 60) % 60)}${seconds ? `:${pad(seconds)}` : ""}`;
  return `${iso.slice(0, 19)}${ms ? `.${pad(ms, 3)}` : ""}${zone}`;
}

/** Local wall-clock fields of `ts` in `timeZone`; `weekday` is ISO (1 = Monday .. 7 = Sunday). */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  /** UTC offset in minutes, east positive. */
  offsetMinutes: number;
}

/** The local wall clock of `ts` in `timeZone` (for hour-of-day x weekday grids and labels). */
export function localTime(ts: EpochMs, timeZone: string): LocalTime {
  const offset = offsetMs(ts, timeZone);
  const d = new Date(ts + offset);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay() === 0 ? 7 : d.getUTCDay(),
    offsetMinutes: offset / MINUTE,
  };
}

/** A YYYY-MM-DD date's midnight UTC (epoch ms), or null when it is no such day of the calendar (2026-02-30, 2026-13-01). */
export function calendarDay(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d ? t.getTime() : null;
}

/**
 * `timeZones` grouped by the clock they keep over [from, to): two zones share a group when their UTC offsets agree at
 * every instant of it, changes included (Europe/Berlin, Europe/Madrid and Europe/Rome over any recent year), so a local
 * day or hour of one is the same instants in the other. Each group keeps the order of `timeZones`, the groups that of
 * their first zone. Throws a RangeError for an unknown zone.
 */
export function zonesByClock(timeZones: readonly string[], from: EpochMs, to: EpochMs): string[][] {
  const groups = new Map<string, string[]>();
  for (const zone of new Set(timeZones)) {
    const key = segments(from, Math.max(from, to), zone)
      .map((s) => `${s.start}:${s.offset}`)
      .join(",");
    const group = groups.get(key);
    if (group) group.push(zone);
    else groups.set(key, [zone]);
  }
  return [...groups.values()];
}
