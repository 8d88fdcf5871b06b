/** Number, duration and time formatting shared by every view (plain functions, no locale state). */
import { csvTime, formatRelativeChange, formatShare, localMidnight, offsetMs } from "@footfall/core";
import { formatDuration, formatDurationShort } from "@footfall/core";
import { serverNow } from "./server-clock.js";

const int = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });
const one = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });

export function formatCount(n: number): string {
  return int.format(n);
}

/**
 * A zone's transactions: whole, or to one decimal where a department's sales are split between its
 * zones (1/n transaction each, README "Sales"), so that a zone with a third of a sale reads 0.3
 * beside its conversion, not 0; a share under 0.05 reads "< 0.1".
 */
export function formatTransactions(n: number): string {
  if (Number.isInteger(n)) return int.format(n);
  return n > 0 && n < 0.05 ? "< 0.1" : one.format(n);
}

/**
 * Seconds as `45 s`, `3 min 05 s`, `1 h 02 min`, and compact for labels on small zones (`45s`,
 * `3m05`, `1h02`): core's one duration rule, which the digests and the queue waits write too.
 */
export { formatDuration, formatDurationShort };

/** A relative change (0.12 → `+12 %`, −0.034 → `−3.4 %`); `new` when there is nothing to compare with (core's formatRelativeChange, as the digests and the experiment verdicts write it). */
export const formatChange = (change: number | null): string => formatRelativeChange(change);

/** Occupancy as a share of capacity in whole percent, as the alerts write it ("at 95 % of capacity", "now 9 %"): `25 %`. */
export function formatPercent(ratio: number): string {
  return `${int.format(ratio * 100)} %`;
}

/** Milliseconds of lag as `120 ms`, `3.4 s`, `2 min 10 s`. */
export function formatLag(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${one.format(ms / 1000)} s`;
  return formatDuration(ms / 1000);
}

/** How long ago `ts` was, relative to `now`: `just now`, `12 s ago`, `5 min ago`, ... (core's, as `footfall agent list` says it). */
export { formatAgo } from "@footfall/core";

const yearIn = (ts: number, timeZone: string) => new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric" }).format(ts);

/**
 * Date and time in a time zone, e.g. `Sun 22 Nov, 09:15` (`Sun 22 Nov, 09:15:07` with seconds). A date of another
 * year than `now`'s (the server's clock by default), each read in the zone, says its year: `Wed, 1 Jan 2025, 01:00`,
 * never a bare `Wed 1 Jan` that reads as this January.
 */
export function formatDateTime(ts: number, timeZone: string, opts: { seconds?: boolean; now?: number } = {}): string {
  const year = yearIn(ts, timeZone) !== yearIn(opts.now ?? serverNow(), timeZone);
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    ...(year ? { year: "numeric" } : {}),
    hour: "2-digit",
    minute: "2-digit",
    ...(opts.seconds ? { second: "2-digit" } : {}),
  }).format(ts);
}

/**
 * A day as the screens name it beside their times (formatDateTime's day, without the time): `Mon 7 Dec`; a day of
 * another year than `now`'s (the server's clock by default), each read in the zone, says its year: `Tue, 9 Sept 2025`.
 * The experiments' retention note read "since Wed, 9 Sept 2026" (formatDate's, always with its year).
 */
export function formatDay(ts: number, timeZone: string, opts: { now?: number } = {}): string {
  const year = yearIn(ts, timeZone) !== yearIn(opts.now ?? serverNow(), timeZone);
  return new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short", ...(year ? { year: "numeric" } : {}) }).format(ts);
}

export function formatDate(ts: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short", year: "numeric" }).format(ts);
}

/** A store's local date (`YYYY-MM-DD`, as the API gives days) as every screen names a day: `Sat, 28 Nov 2026`. */
export function formatLocalDate(date: string): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return formatDate(Date.UTC(y, m - 1, d, 12), "UTC");
}

const clock = (ts: number, timeZone: string) => new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(ts);

/**
 * A range `[from, to)` of whole days as its first day, or first – last day when it spans more than a
 * day (25 h, for DST days). A range of other hours (a store opened from the chain on the chain's
 * days, in another zone) says its times too: `Thu, 3 Dec 2026, 17:00 – Fri, 4 Dec 2026, 17:00`, never
 * the bare date of its first hours. `open`: the range reaches now (the caller says "so far"), so its
 * end is no edge: only its day is named.
 */
export function formatRange(range: { from: number; to: number }, timeZone: string, opts: { open?: boolean } = {}): string {
  const first = formatDate(range.from, timeZone);
  const wholeDay = (t: number) => localMidnight(t, timeZone) === t;
  if (wholeDay(range.from) && (opts.open || wholeDay(range.to))) return range.to - range.from > 90_000_000 ? `${first} – ${formatDate(range.to - 1, timeZone)}` : first;
  const start = `${first}, ${clock(range.from, timeZone)}`;
  if (opts.open) return `${start} – ${formatDate(range.to - 1, timeZone)}`;
  const last = formatDate(range.to, timeZone);
  return `${start} – ${last === first ? "" : `${last}, `}${clock(range.to, timeZone)}`;
}

/** A share of a whole as a percentage with one decimal below 10 % (0.034 → `3.4 %`, 0.25 → `25 %`), `–` without one (core's formatShare, as the digests write it). */
export const formatRate = (ratio: number | null | undefined): string => formatShare(ratio);

const money = new Intl.NumberFormat("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const moneyIn = new Map<string, Intl.NumberFormat>();
/** An amount in the store's currency (its layout's ISO 4217 code): `€12.40`; `12.40` for a store that names none. */
export function formatMoney(amount: number | null | undefined, currency?: string): string {
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return "–";
  if (!currency) return money.format(amount);
  let f = moneyIn.get(currency);
  if (!f) {
    try {
      f = new Intl.NumberFormat("en", { style: "currency", currency, minimumFractionDigits: 2, maximumFractionDigits: 2 });
    } catch {
      f = money; // not a currency this browser knows: the amount alone
    }
    moneyIn.set(currency, f);
  }
  return f.format(amount);
}

/** The short name of a time zone at an instant, as a label for times shown in it: `CET`, `CEST`, `GMT+5:30`. */
export function zoneAbbr(ts: number, timeZone: string): string {
  const part = new Intl.DateTimeFormat("en-GB", { timeZone, timeZoneName: "short" }).formatToParts(ts).find((p) => p.type === "timeZoneName");
  return part?.value ?? timeZone;
}

/** A time of day in the store's zone, labelled with the zone: `09:48 CET` (`09:48:05 CET` with seconds). */
export function formatTime(ts: number, timeZone: string, opts: { seconds?: boolean; label?: boolean } = {}): string {
  const t = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23", ...(opts.seconds ? { second: "2-digit" } : {}) }).format(ts);
  return opts.label === false ? t : `${t} ${zoneAbbr(ts, timeZone)}`;
}

/** Date and time in the store's zone, labelled with it: `Sun 22 Nov, 09:15 CET` (`Sun 22 Nov, 09:15:07 CET` with seconds; the year when not `now`'s, as formatDateTime). */
export function formatDateTimeZ(ts: number, timeZone: string, opts: { seconds?: boolean; now?: number } = {}): string {
  return `${formatDateTime(ts, timeZone, opts)} ${zoneAbbr(ts, timeZone)}`;
}

/** Minutes east of UTC of `timeZone` at `ts` (core's calendar, to the whole minute). */
export function offsetMinutes(ts: number, timeZone: string): number {
  return Math.round(offsetMs(ts, timeZone) / 60_000);
}

/** ISO 8601 in the store's zone with its offset, to the whole second, as every CSV export writes times (core csvTime): `2026-11-22T09:00:00+01:00`. */
export function isoLocal(ts: number, timeZone: string): string {
  return csvTime(ts, timeZone);
}
