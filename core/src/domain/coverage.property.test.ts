/**
 * conversionSpan against a reference that reads local dates from Intl.DateTimeFormat only: a sale
 * of the range counts when its local date is not before the local date of the store's first
 * figures (and those begin before the range's end). Zones with days that start at 01:00 (Sao
 * Paulo's old DST at midnight), half-hour and 45-minute offsets, and ordinary DST.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { OpeningHours } from "../alerts/hours.js";
import { conversionSpan, countedThrough, figuresBegin, keptCoverage, notLikeForLike, rangeIsPartial, slotHasData, wholeFrom } from "./coverage.js";

const HOUR = 3_600_000;
const DAY = 86_400_000;
const FROM = Date.UTC(2010, 0, 1);
const TO = Date.UTC(2030, 0, 1);
const ZONES = ["Europe/Paris", "America/Sao_Paulo", "Asia/Kolkata", "Pacific/Chatham", "Australia/Lord_Howe", "America/New_York", "UTC"];

const formats = new Map<string, Intl.DateTimeFormat>();
/** "2026-12-03", the local date of `ts` in `tz` (en-CA writes dates as ISO). */
function localDate(ts: number, tz: string): string {
  let f = formats.get(tz);
  if (!f) formats.set(tz, (f = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" })));
  return f.format(ts);
}

/** Whether a sale at `ts` counts in the conversion of `range`, by the definition's words. */
function reference(ts: number, range: { from: number; to: number }, first: number | null, tz: string): boolean {
  if (first === null || first >= range.to) return false;
  return ts >= range.from && ts < range.to && localDate(ts, tz) >= localDate(first, tz);
}

describe("conversionSpan", () => {
  it("counts exactly the sales of the range on or after the local day of the first figures", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: FROM, max: TO }),
        fc.integer({ min: 1, max: 40 * DAY }),
        fc.option(fc.integer({ min: -45 * DAY, max: 45 * DAY }), { nil: null }),
        fc.constantFrom(...ZONES),
        fc.array(fc.integer({ min: -2 * DAY, max: 42 * DAY }), { maxLength: 12 }),
        (from, length, firstOffset, tz, saleOffsets) => {
          const range = { from, to: from + length };
          const first = firstOffset === null ? null : from + firstOffset;
          const span = conversionSpan(range, first, tz);
          // Sales near the span's edges too (a minute either side of the local midnight).
          const sales = [...saleOffsets.map((o) => from + o), ...(span ? [span.from - 60_000, span.from, span.from + 60_000] : [])];
          for (const ts of sales) {
            const counted = span !== null && ts >= span.from && ts < span.to;
            expect(counted, `${new Date(ts).toISOString()} in ${tz}`).toBe(reference(ts, range, first, tz));
          }
          if (span) {
            expect(span.to).toBe(range.to);
            expect(span.from).toBeGreaterThanOrEqual(range.from);
            // The whole range exactly when its figures do not begin inside it on a later day.
            if (!rangeIsPartial(range, { from: first, now: range.to })) expect(span.from).toBe(range.from);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("a range before the first figures, or a store without any, has no span", () => {
    const range = { from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 11, 1) };
    expect(conversionSpan(range, null, "Europe/Paris")).toBeNull();
    expect(conversionSpan(range, range.to, "Europe/Paris")).toBeNull();
    expect(conversionSpan(range, range.to - 1, "Europe/Paris")).toEqual({ from: Date.UTC(2026, 10, 30, 23), to: range.to }); // 1 Dec 00:59 in Paris: from its midnight
    // Figures from 3 Dec 14:00 Paris: a November-December range rests on 3 Dec from midnight Paris on.
    const longer = { from: range.from, to: Date.UTC(2026, 11, 10) };
    expect(conversionSpan(longer, Date.UTC(2026, 11, 3, 13), "Europe/Paris")).toEqual({ from: Date.UTC(2026, 11, 2, 23), to: longer.to });
    expect(conversionSpan(longer, range.from - HOUR, "Europe/Paris")).toEqual(longer);
  });
});

describe("countedThrough (like-for-like)", () => {
  it("is true exactly when every hour of the period lies at or after the store's first figures", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 200 }),
        fc.option(fc.integer({ min: -50, max: 1300 }), { nil: null }),
        (fromH, hours, firstH) => {
          const period = { from: FROM + fromH * HOUR, to: FROM + (fromH + hours) * HOUR };
          const first = firstH === null ? null : FROM + firstH * HOUR;
          const hourStarts = Array.from({ length: hours }, (_, i) => period.from + i * HOUR);
          const reference = first !== null && hourStarts.every((h) => h >= first);
          expect(countedThrough(period, first)).toBe(reference);
          // A period the heatmap calls partial is never like-for-like.
          if (first !== null && rangeIsPartial(period, { from: first, now: Infinity })) expect(countedThrough(period, first)).toBe(false);
        },
      ),
    );
  });
});

describe("notLikeForLike (why a store is left out)", () => {
  it("is null exactly when countedThrough; 'no-data' only when the period is older than the figures kept and the store's begin at that horizon (within a week) or are gone", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 200 }),
        fc.option(fc.integer({ min: -50, max: 1300 }), { nil: null }),
        fc.option(fc.integer({ min: -50, max: 1300 }), { nil: null }),
        (fromH, hours, firstH, keptH) => {
          const period = { from: FROM + fromH * HOUR, to: FROM + (fromH + hours) * HOUR };
          const first = firstH === null ? null : FROM + firstH * HOUR;
          const kept = keptH === null ? null : FROM + keptH * HOUR;
          const why = notLikeForLike(period, first, kept);
          expect(why === null).toBe(countedThrough(period, first));
          if (why === null) return;
          // Written out: history dropped when the period reaches before what is kept and the store's kept figures start within 7 days (168 h) of it.
          const cut = keptH !== null && fromH < keptH && (firstH === null || firstH - keptH < 168);
          expect(why).toBe(cut ? "no-data" : "new");
          // Kept for ever: never "no-data".
          expect(notLikeForLike(period, first, null)).toBe("new");
        },
      ),
    );
  });
});

describe("keptCoverage", () => {
  // A tablet's Heatmap open since Monday: the store's first figures were found then (30 days back);
  // a retention pass with 20 days kept has deleted the hours before Thursday's horizon since.
  const now = Date.UTC(2026, 11, 3, 10, 20);
  const history = { keptDays: 20, keptFrom: now - 20 * DAY - 3 * DAY };
  const found = { from: now - 30 * DAY, now };

  it("makes the hours retention deleted no data, not zeros, from the first whole hour kept at the view's now", () => {
    const c = keptCoverage(found, history);
    expect(c.from).toBe(Date.UTC(2026, 10, 13, 10, 0));
    expect(slotHasData(now - 25 * DAY, now - 25 * DAY + HOUR, c)).toBe(false);
    expect(slotHasData(now - 25 * DAY, now - 25 * DAY + HOUR, found)).toBe(true);
    // The hour holding the horizon is kept (as /counts' first kept hour), and every later one.
    expect(slotHasData(Date.UTC(2026, 10, 13, 10, 0), Date.UTC(2026, 10, 13, 11, 0), c)).toBe(true);
    expect(slotHasData(Date.UTC(2026, 10, 13, 9, 0), Date.UTC(2026, 10, 13, 10, 0), c)).toBe(false);
  });

  it("leaves a start within the history kept, a store without figures, and history kept for ever as they are", () => {
    const later = { from: now - 5 * DAY, now };
    expect(keptCoverage(later, history)).toEqual(later);
    expect(keptCoverage({ from: null, now }, history)).toEqual({ from: null, now });
    expect(keptCoverage(found, null)).toEqual(found);
    expect(keptCoverage(found, undefined)).toEqual(found);
  });

  it("never says a slot before the first whole hour kept has data", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 0, max: 500 * 24 }), fc.integer({ min: 0, max: 500 * 24 }), (keptDays, firstH, slotH) => {
        const c = keptCoverage({ from: now - firstH * HOUR, now }, { keptDays, keptFrom: now - keptDays * DAY });
        const firstKept = Math.floor((now - keptDays * DAY) / HOUR) * HOUR;
        const start = now - slotH * HOUR;
        if (start + HOUR <= firstKept) expect(slotHasData(start, start + HOUR, c)).toBe(false);
      }),
    );
  });
});

describe("wholeFrom (a first day counted from opening time is whole)", () => {
  const parts = new Map<string, Intl.DateTimeFormat>();
  /** The local wall clock of `ts` in `tz`, from Intl only: its date, minutes past midnight, and the offset (ms). */
  function wall(ts: number, tz: string): { date: string; minutes: number; offset: number } {
    let f = parts.get(tz);
    if (!f) parts.set(tz, (f = new Intl.DateTimeFormat("en-CA", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })));
    const p = Object.fromEntries(f.formatToParts(ts).map((x) => [x.type, x.value]));
    const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
    return { date: `${p.year}-${p.month}-${p.day}`, minutes: Number(p.hour) * 60 + Number(p.minute), offset: asUtc - Math.floor(ts / 1000) * 1000 };
  }
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  const WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
  /** A day's hours: none (closed), or one or two intervals on the half hour. */
  const dayHours = fc.option(
    fc.tuple(fc.integer({ min: 0, max: 46 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 10 })),
    { nil: null },
  ).map((d) => {
    if (d === null) return [];
    const [o, len, gap, len2] = d.map((x) => x * 30) as [number, number, number, number];
    const close = Math.min(1440, o + len);
    const out = [{ open: hhmm(o), close: hhmm(close) }];
    if (gap > 0 && len2 > 0 && close + gap + len2 <= 1440) out.push({ open: hhmm(close + gap), close: hhmm(close + gap + len2) });
    return out;
  });

  it("is the local midnight of the first figures' day exactly when their hour starts at or before the day's first opening (Intl reference)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: FROM, max: TO }),
        fc.constantFrom(...ZONES),
        fc.array(dayHours, { minLength: 7, maxLength: 7 }),
        fc.option(dayHours, { nil: null }),
        (t, tz, weekly, exception) => {
          // The start of the local hour holding t (the first hour with figures).
          const w = wall(t, tz);
          const first = Math.floor(t / 1000) * 1000 - ((w.minutes % 60) * 60_000 + (Math.floor(t / 1000) * 1000 + w.offset) % 60_000);
          const at = wall(first, tz);
          // Days whose clocks change (DST) are left to the examples: the reference reads wall clocks only.
          fc.pre(wall(first - DAY, tz).offset === at.offset && wall(first + DAY, tz).offset === at.offset);
          const hours: OpeningHours = {
            weekly: Object.fromEntries(WEEK.map((d, i) => [d, weekly[i]!])) as OpeningHours["weekly"],
            exceptions: exception === null ? [] : [{ date: at.date, intervals: exception }],
          };
          const weekday = WEEK[(new Date(`${at.date}T12:00:00Z`).getUTCDay() + 6) % 7]!;
          const intervals = exception ?? hours.weekly[weekday];
          const opens = intervals.length === 0 ? null : Math.min(...intervals.map((iv) => Number(iv.open.slice(0, 2)) * 60 + Number(iv.open.slice(3))));
          const whole = opens !== null && at.minutes <= opens;
          const got = wholeFrom(first, hours, tz);
          if (!whole) {
            expect(got).toBe(first);
          } else {
            // The start of that local day: its date, 00:00, and a minute before it the day before.
            expect(wall(got!, tz)).toMatchObject({ date: at.date, minutes: 0 });
            expect(wall(got! - 60_000, tz).date < at.date).toBe(true);
          }
          // As the heatmap, the digests and the chain view read it: the first day is partial exactly when not whole.
          const day = { from: whole ? got! : first - at.minutes * 60_000, to: first + HOUR };
          expect(rangeIsPartial(day, { from: got, now: Infinity })).toBe(!whole && at.minutes > 0);
          expect(countedThrough(day, got)).toBe(whole || at.minutes === 0);
          // Without opening hours: unchanged.
          expect(wholeFrom(first, null, tz)).toBe(first);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("examples: opening at 09:00 in Paris, counters from 09:00 (whole), 10:00 (partial), a closed day, a DST day, no figures", () => {
    const shop: OpeningHours = {
      weekly: { mon: [{ open: "09:00", close: "19:00" }], tue: [{ open: "09:00", close: "19:00" }], wed: [], thu: [], fri: [], sat: [], sun: [{ open: "01:30", close: "12:00" }] },
      exceptions: [],
    };
    const monday = Date.UTC(2026, 10, 30, 23); // Tue 1 Dec 2026 00:00 in Paris
    expect(wholeFrom(monday + 9 * HOUR, shop, "Europe/Paris")).toBe(monday);
    expect(wholeFrom(monday + 8 * HOUR, shop, "Europe/Paris")).toBe(monday); // staff before opening
    expect(wholeFrom(monday + 10 * HOUR, shop, "Europe/Paris")).toBe(monday + 10 * HOUR);
    expect(wholeFrom(monday + DAY + 9 * HOUR, shop, "Europe/Paris")).toBe(monday + DAY + 9 * HOUR); // Wednesday: closed all day
    // Sun 25 Oct 2026, Paris falls back at 03:00: opening 01:30, counters from 01:00 CEST.
    const sunday = Date.UTC(2026, 9, 24, 22);
    expect(wholeFrom(sunday + HOUR, shop, "Europe/Paris")).toBe(sunday);
    expect(wholeFrom(sunday + 2 * HOUR, shop, "Europe/Paris")).toBe(sunday + 2 * HOUR);
    expect(wholeFrom(null, shop, "Europe/Paris")).toBeNull();
    expect(wholeFrom(Number.NEGATIVE_INFINITY, shop, "Europe/Paris")).toBe(Number.NEGATIVE_INFINITY);
  });

  it("figuresBegin says the first hour counted, not the midnight a whole first day counts from (or the horizon retention moved it to)", () => {
    const from = Date.UTC(2026, 10, 30, 23);
    expect(figuresBegin({ from, now: from + DAY, first: from + 9 * HOUR })).toBe(from + 9 * HOUR);
    expect(figuresBegin({ from, now: from + DAY })).toBe(from);
    expect(figuresBegin({ from: null, now: from, first: null })).toBeNull();
    expect(figuresBegin(keptCoverage({ from, now: from + 40 * DAY, first: from + 9 * HOUR }, { keptDays: 20, keptFrom: from + 20 * DAY }))).toBe(from + 20 * DAY);
  });
});
