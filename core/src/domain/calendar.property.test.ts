/**
 * The store-time helpers against a reference that only reads the local wall clock from
 * Intl.DateTimeFormat and scans it minute by minute (no offsets, no arithmetic on zones), on
 * instants of 2000-2040 in zones with every kind of change: southern DST (Adelaide, Santiago,
 * Sao Paulo's old DST at midnight: days that start at 01:00), 30-minute DST (Lord Howe), +12:45
 * (Chatham), half-hour zones that dropped DST (Tehran), Casablanca's Ramadan pauses, a skipped date
 * (Apia, 2011-12-30). Half the instants lie within a day of an offset change found by the reference.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { wallToUtc } from "../alerts/hours.js";
import { bucketStarts, localMidnight, localTime, offsetMs } from "./calendar.js";

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const FROM = Date.UTC(2000, 0, 1);
const TO = Date.UTC(2041, 0, 1);

const ZONES = [
  "Australia/Adelaide",
  "Australia/Lord_Howe",
  "America/Santiago",
  "America/Sao_Paulo",
  "Asia/Tehran",
  "Pacific/Chatham",
  "Europe/Paris",
  "America/New_York",
  "Africa/Casablanca",
  "America/Havana",
  "America/St_Johns",
  "Pacific/Apia",
  "Asia/Kathmandu",
  "UTC",
];

// ---- the reference: Intl's wall clock, read minute by minute ----------------------------------

const formats = new Map<string, Intl.DateTimeFormat>();
/** The local wall clock of `t` as [date "YYYY-MM-DD", hour, minute, the wall clock as if UTC (ms)]. */
function wall(t: number, tz: string): { date: string; hour: number; ms: number } {
  let f = formats.get(tz);
  if (!f) formats.set(tz, (f = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })));
  const m = /^(\d\d)\/(\d\d)\/(\d{4}), (\d\d):(\d\d):(\d\d)$/.exec(f.format(t));
  if (!m) throw new Error(`unexpected Intl output ${f.format(t)}`);
  const [, mo, d, y, h, mi, s] = m.map(Number) as number[];
  return { date: `${m[3]}-${m[1]}-${m[2]}`, hour: h!, ms: Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) };
}
/** The UTC offset the wall clock shows at `t` (whole minutes here). */
const refOffset = (t: number, tz: string) => wall(t, tz).ms - Math.floor(t / 1000) * 1000;
const floorMinute = (t: number) => Math.floor(t / MINUTE) * MINUTE;

/** The earliest whole minute in [t - 27 h, t] whose local date is the local date of `t` (the start of its day). */
function refDayStart(t: number, tz: string): number {
  const date = wall(t, tz).date;
  for (let m = floorMinute(t) - 27 * HOUR; ; m += MINUTE) if (wall(m, tz).date === date || m >= t) return Math.min(m, t);
}
/** The start of the local date after the one starting at `start` (the next date the clock shows). */
function refNextDayStart(start: number, tz: string): number {
  const date = wall(start, tz).date;
  let m = start;
  while (wall(m, tz).date <= date) m += HOUR; // past the date, then back to its first minute
  return refDayStart(m, tz);
}
/** The start of the local hour bucket holding `t`: the first minute of its run of the same (date, hour, offset). */
function refHourStart(t: number, tz: string): number {
  const key = (m: number) => `${wall(m, tz).date} ${wall(m, tz).hour} ${refOffset(m, tz)}`;
  const k = key(t);
  let m = floorMinute(t);
  if (key(m) !== k) return t;
  while (key(m - MINUTE) === k) m -= MINUTE;
  return m;
}
/** The next hour bucket's start after the one starting at `start`. */
function refNextHourStart(start: number, tz: string): number {
  const k = `${wall(start, tz).date} ${wall(start, tz).hour} ${refOffset(start, tz)}`;
  let m = floorMinute(start) + MINUTE;
  while (`${wall(m, tz).date} ${wall(m, tz).hour} ${refOffset(m, tz)}` === k) m += MINUTE;
  return m;
}

/** Every offset change of `tz` in 2000-2040 (daily samples, bisected to the minute), for instants near one. */
function refChanges(tz: string): number[] {
  const out: number[] = [];
  let prev = refOffset(FROM, tz);
  for (let t = FROM + DAY; t < TO; t += DAY) {
    const o = refOffset(t, tz);
    if (o === prev) continue;
    let lo = t - DAY;
    let hi = t;
    while (hi - lo > MINUTE) {
      const mid = floorMinute((lo + hi) / 2);
      if (refOffset(mid, tz) === prev) lo = mid;
      else hi = mid;
    }
    out.push(hi);
    prev = o;
  }
  return out;
}
const CHANGES = new Map(ZONES.map((tz) => [tz, refChanges(tz)]));

// ---- generators -----------------------------------------------------------------------------------

const anyInstant = fc.tuple(fc.constantFrom(...ZONES), fc.integer({ min: FROM, max: TO - 1 }));
/** An instant within ~a day of one of the zone's changes, to the ms (exactly on it now and then). */
const nearChange = fc
  .tuple(
    fc.constantFrom(...ZONES.filter((tz) => CHANGES.get(tz)!.length > 0)),
    fc.nat(),
    fc.oneof(fc.integer({ min: -30 * HOUR, max: 30 * HOUR }), fc.integer({ min: -2 * MINUTE, max: 2 * MINUTE }), fc.constantFrom(0, -1, 1)),
  )
  .map(([tz, i, delta]) => {
    const changes = CHANGES.get(tz)!;
    return [tz, changes[i % changes.length]! + delta] as [string, number];
  });
const instant = fc.oneof(anyInstant, nearChange);
/** A reference day start (a local midnight or the first instant of a day that skips it), or an instant just before one. */
const atMidnight = instant.chain(([tz, t]) => fc.constantFrom(0, -1, -MINUTE).map((d) => [tz, refDayStart(t, tz) + d] as [string, number]));

const iso = (t: number) => new Date(t).toISOString();
/** The minute scans take a few seconds; on a loaded machine several times that (a limit, not a timing assertion). */
const SLOW = 120_000;

describe("offsetMs", () => {
  it("is the offset Intl's wall clock shows", () => {
    fc.assert(
      fc.property(instant, ([tz, t]) => {
        expect(offsetMs(t, tz)).toBe(refOffset(t, tz));
      }),
      { numRuns: 2000 },
    );
  }, SLOW);
});

describe("localMidnight", () => {
  it("is the earliest instant whose local date is the date of `now`", () => {
    fc.assert(
      fc.property(fc.oneof(instant, atMidnight), ([tz, t]) => {
        expect(iso(localMidnight(t, tz))).toBe(iso(refDayStart(t, tz)));
      }),
      { numRuns: 300 },
    );
  }, SLOW);

  it("`days` dates later or earlier: the earliest instant of that date", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -40, max: 40 }), ([tz, t], days) => {
        // Apia skipped 2011-12-30: no date lies a whole number of dates across it.
        fc.pre(tz !== "Pacific/Apia" || Math.abs(t - Date.UTC(2011, 11, 30)) > 45 * DAY);
        const date = new Date(Date.parse(`${wall(t, tz).date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
        let m = Date.parse(`${date}T00:00:00Z`) - 15 * HOUR;
        while (wall(m, tz).date < date) m += MINUTE;
        expect(iso(localMidnight(t, tz, days))).toBe(iso(m));
      }),
      { numRuns: 150 },
    );
  }, SLOW);

  it("the reported cases: Adelaide after DST ends in 2029, Chatham in 2028", () => {
    // DST ends 2029-04-01 03:00 +10:30 (16:30 UTC the day before): 2 April starts at 00:00 +09:30.
    expect(iso(localMidnight(Date.parse("2029-04-02T14:29:59.999Z"), "Australia/Adelaide"))).toBe("2029-04-01T14:30:00.000Z");
    expect(iso(localMidnight(Date.parse("2029-04-01T14:29:59.999Z"), "Australia/Adelaide"))).toBe("2029-03-31T13:30:00.000Z");
    // Chatham: +13:45 until 2028-04-02 03:45 local, then +12:45.
    expect(iso(localMidnight(Date.parse("2028-04-03T10:00:00Z"), "Pacific/Chatham"))).toBe("2028-04-02T11:15:00.000Z");
  });

  it("an instant of an hour repeated across midnight belongs to its date: St John's 2003-10-26 00:01 back to 2003-10-25 23:01", () => {
    const tz = "America/St_Johns";
    const repeated = Date.parse("2003-10-26T02:31:30Z"); // 23:01:30 NST on the 25th, after 00:00 NDT of the 26th
    expect(localTime(repeated, tz)).toMatchObject({ day: 25, hour: 23 });
    expect(iso(localMidnight(repeated, tz))).toBe("2003-10-25T02:30:00.000Z");
    expect(bucketStarts({ from: repeated, to: repeated + 1 }, "day", tz).map(iso)).toEqual(["2003-10-26T02:30:00.000Z"]);
  });

  it("a day whose midnight is skipped starts at 01:00 (Sao Paulo 2018-11-04, Santiago 2024-09-08)", () => {
    expect(localTime(localMidnight(Date.parse("2018-11-04T15:00:00Z"), "America/Sao_Paulo"), "America/Sao_Paulo")).toMatchObject({ day: 4, hour: 1, minute: 0 });
    expect(localTime(localMidnight(Date.parse("2024-09-08T15:00:00Z"), "America/Santiago"), "America/Santiago")).toMatchObject({ day: 8, hour: 1, minute: 0 });
  });
});

describe("bucketStarts", () => {
  it("day: the last date start at or before `from`, then each next date's start, before `to`", () => {
    // A day bucket runs from its date's start to the next date's start. Where the clock went back
    // over midnight (St John's fell back at 00:01 until 2011: 00:00-00:01 of the 26th, then 23:01 of
    // the 25th again), the repeated minutes belong to the bucket of the later date, already begun.
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 4 * DAY }), ([tz, from], len) => {
        const expected = [refDayStart(from, tz)];
        for (let s = refNextDayStart(expected[0]!, tz); s < from + len; s = refNextDayStart(s, tz)) expected.push(s);
        while (expected.length > 1 && expected[1]! <= from) expected.shift();
        expect(bucketStarts({ from, to: from + len }, "day", tz).map(iso)).toEqual(expected.map(iso));
      }),
      { numRuns: 150 },
    );
  }, SLOW);

  it("hour: the start of the local hour (with its offset) holding `from`, then each next one, before `to`", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 6 * HOUR }), ([tz, from], len) => {
        const expected = [refHourStart(from, tz)];
        for (let s = refNextHourStart(expected[0]!, tz); s < from + len; s = refNextHourStart(s, tz)) expected.push(s);
        expect(bucketStarts({ from, to: from + len }, "hour", tz).map(iso)).toEqual(expected.map(iso));
      }),
      { numRuns: 150 },
    );
  }, SLOW);
});

describe("localTime", () => {
  it("reads the wall clock Intl shows", () => {
    fc.assert(
      fc.property(instant, ([tz, t]) => {
        const l = localTime(t, tz);
        const w = wall(t, tz);
        expect(`${l.year}-${String(l.month).padStart(2, "0")}-${String(l.day).padStart(2, "0")} ${l.hour}`).toBe(`${w.date} ${w.hour}`);
      }),
      { numRuns: 500 },
    );
  }, SLOW);
});

describe("wallToUtc (opening hours' instants)", () => {
  it("is the first instant the local clock reads at least HH:MM on that date", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 24 * 4 }), ([tz, t], quarter) => {
        const minutes = quarter * 15;
        const civil = Math.floor(Date.parse(`${wall(t, tz).date}T00:00:00Z`) / DAY);
        const target = civil * DAY + minutes * MINUTE;
        let m = target - 15 * HOUR;
        while (wall(m, tz).ms < target) m += MINUTE;
        expect(iso(wallToUtc(civil, minutes, tz))).toBe(iso(m));
      }),
      { numRuns: 150 },
    );
  }, SLOW);
});
