/**
 * Times in requests (query strings and bodies): ISO 8601 or epoch milliseconds, checked against
 * the calendar and bounded to the years the protocol knows, so that a bad or absurd time is a 400
 * naming the field, never a 500 from a date formatter further on.
 */
import { httpError } from "./http-errors.js";

/** The protocol's time range (DESIGN v1.1, event `ts`): 2000-01-01 to the end of 2099, UTC. */
export const EARLIEST_MS = 946_684_800_000;
export const LATEST_MS = 4_102_444_800_000;

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const DIGITS = /^-?\d{1,20}$/;

export type TimeResult = { ok: true; ms: number } | { ok: false; error: string };

const FORMAT = "ISO 8601 (2026-11-22T09:00:00Z, 2026-11-22) or epoch milliseconds";
const RANGE = "times run from 2000-01-01 to 2099-12-31";

/** Whether an epoch-ms value lies in the protocol's range. */
export function inRange(ms: number): boolean {
  return Number.isSafeInteger(ms) && ms >= EARLIEST_MS && ms < LATEST_MS;
}

/**
 * Epoch ms of a time as text, or why it is not one. ISO 8601: a date, or a date and time with an
 * optional offset (without one it is UTC); every part must exist in the calendar (no 2026-02-30,
 * no 24:61). Epoch milliseconds: an integer. Either must fall in 2000..2099.
 */
export function readTime(value: string): TimeResult {
  const text = value.trim();
  if (DIGITS.test(text)) {
    const ms = Number(text);
    return inRange(ms) ? { ok: true, ms } : { ok: false, error: `${text} is out of range: ${RANGE}` };
  }
  const m = ISO.exec(text);
  if (!m) return { ok: false, error: `must be ${FORMAT}, got ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}` };
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const frac = Number((m[7] ?? "0").padEnd(3, "0").slice(0, 3));
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return { ok: false, error: `"${text}" is not a date in the calendar` };
  if (h > 23 || mi > 59 || s > 59) return { ok: false, error: `"${text}" is not a time of day (00:00:00 to 23:59:59)` };
  let offsetMin = 0;
  const tz = m[8];
  if (tz && tz.toUpperCase() !== "Z") {
    const oh = Number(tz.slice(1, 3));
    const om = Number(tz.slice(3).replace(":", "") || "0");
    if (oh > 18 || om > 59) return { ok: false, error: `"${text}" has no such UTC offset (${tz})` };
    offsetMin = (tz[0] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Date.UTC(y, mo - 1, d, h, mi, s, frac) - offsetMin * 60_000;
  return inRange(ms) ? { ok: true, ms } : { ok: false, error: `"${text}" is out of range: ${RANGE}` };
}

function daysIn(year: number, month: number): number {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Epoch ms of a query-string time; the fallback when absent; 400 naming `querystring/<field>` otherwise. */
export function parseTime(value: string | undefined, field: string, fallback?: number): number {
  if (value === undefined || value === "") {
    if (fallback !== undefined) return fallback;
    throw httpError(400, `querystring/${field} is required (${FORMAT})`);
  }
  const r = readTime(value);
  if (!r.ok) throw httpError(400, `querystring/${field} ${r.error}`);
  return r.ms;
}

/** Epoch ms of a time in a JSON body (a number of epoch ms, or text as {@link readTime}); 400 naming `body/<field>`. */
export function bodyTime(value: number | string, field: string): number {
  if (typeof value === "number") {
    if (!inRange(value)) throw httpError(400, `body/${field} ${value} is out of range: ${RANGE} (epoch milliseconds)`);
    return value;
  }
  const r = readTime(value);
  if (!r.ok) throw httpError(400, `body/${field} ${r.error}`);
  return r.ms;
}

const MAX_RANGE_MS = 400 * 86_400_000;

/** `[from, to)` from the query; defaults to the 24 hours before `to` (itself `now` by default). */
export function parseRange(q: { from?: string | undefined; to?: string | undefined }, now: number): { from: number; to: number } {
  const to = parseTime(q.to, "to", now);
  const from = parseTime(q.from, "from", Math.max(EARLIEST_MS, to - 86_400_000));
  if (!(from < to)) throw httpError(400, emptyRangeMessage(q, from, to));
  if (to - from > MAX_RANGE_MS) throw httpError(400, "querystring/from: a range may span at most 400 days");
  return { from, to };
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/**
 * Why `[from, to)` is empty, with the times as read and what to give instead: `to` is not included,
 * so `from=2026-12-04&to=2026-12-04` (meant as one day) is nothing; the day after is its end.
 */
function emptyRangeMessage(q: { from?: string | undefined; to?: string | undefined }, from: number, to: number): string {
  const read = `querystring/from must be before querystring/to (read as ${iso(from)} and ${iso(to)}; to is not included)`;
  const day = q.to?.trim() ?? "";
  if (from === to && DATE_ONLY.test(day)) return `${read}: for the whole day ${day}, give the next day as to (to=${iso(to + 86_400_000).slice(0, 10)}); a date alone is its 00:00 UTC, add the store's offset for its own midnight (2026-12-04T00:00:00+01:00)`;
  return `${read}: give a to later than from`;
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/**
 * When a token given `--expires <value>` expires: a duration from `now` (`30m`, `12h`, `90d`,
 * `2w`) or a time as {@link readTime} (`2027-01-31`, `2027-01-31T18:00:00+01:00`), which must be
 * in the future; `never` for none (null).
 */
export function readExpiry(value: string, now: number): { ok: true; ms: number | null } | { ok: false; error: string } {
  const text = value.trim().toLowerCase();
  if (text === "never" || text === "none") return { ok: true, ms: null };
  const d = /^(\d{1,6})\s*(m|h|d|w)$/.exec(text);
  if (d) {
    const ms = now + Number(d[1]) * UNITS[d[2]!]!;
    if (Number(d[1]) === 0) return { ok: false, error: `"${value}" is no time at all: give e.g. 90d, 12h, 2w or a date` };
    return inRange(ms) ? { ok: true, ms } : { ok: false, error: `"${value}" is too far ahead: ${RANGE}` };
  }
  const t = readTime(value);
  if (!t.ok) return { ok: false, error: `"${value}" is neither a duration (30m, 12h, 90d, 2w) nor a time: ${t.error}` };
  if (t.ms <= now) return { ok: false, error: `"${value}" is in the past` };
  return { ok: true, ms: t.ms };
}
