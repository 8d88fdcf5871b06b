/**
 * The hours editor's words for hours through time: a week's one-line summary read back by a simple
 * reference parser (every day's intervals, maximal runs of equal days), when a scheduled version
 * applies (its local date, or date and time), the date after a date, the words after scheduling,
 * and the compact history of the versions in force before.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { calendarDay, localMidnight, WEEKDAYS, type OpeningHours, type Weekday } from "@footfall/core";
import { dayAfter, firstScheduleDate, historyLines, hoursSummary, scheduledText, versionStart } from "./hours-schedule.js";
import { clockIn2026 } from "./clock-year.testing.js";

// Its fixtures are dated in 2026, and dates of another year than now's say their year.
clockIn2026();

const TZ = "Europe/Paris";
const DAY = 86_400_000;
const POOL = [[], [{ open: "09:00", close: "19:00" }], [{ open: "09:00", close: "12:30" }, { open: "14:00", close: "24:00" }], [{ open: "00:00", close: "24:00" }]];
const week = (days: number[], exceptions = 0): OpeningHours => ({
  weekly: Object.fromEntries(WEEKDAYS.map((d, i) => [d, POOL[days[i]!]!])) as OpeningHours["weekly"],
  exceptions: Array.from({ length: exceptions }, (_, i) => ({ date: `2026-12-${String(i + 1).padStart(2, "0")}`, intervals: [] })),
});
const SHORT = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** Reference: the summary read back, each weekday's intervals and the exceptions counted. */
function parse(summary: string): { weekly: Record<Weekday, { open: string; close: string }[]>; exceptions: number; parts: number } {
  const [weekText, ex] = summary.split(" · ");
  const exceptions = ex === undefined ? 0 : Number(/^(\d+) dated exceptions?$/.exec(ex)![1]);
  const ivs = (text: string) => (text === "closed" ? [] : text.split(", ").map((t) => ({ open: t.slice(0, 5), close: t.slice(6) })));
  const weekly = {} as Record<Weekday, { open: string; close: string }[]>;
  if (weekText === "closed every day") WEEKDAYS.forEach((d) => (weekly[d] = []));
  else if (weekText!.startsWith("every day ")) WEEKDAYS.forEach((d) => (weekly[d] = ivs(weekText!.slice("every day ".length))));
  else
    for (const part of weekText!.split("; ")) {
      const m = /^(\w{3})(?:-(\w{3}))? (.*)$/.exec(part)!;
      for (let i = SHORT.indexOf(m[1]!); i <= SHORT.indexOf(m[2] ?? m[1]!); i++) weekly[WEEKDAYS[i]!] = ivs(m[3]!);
    }
  return { weekly, exceptions, parts: weekText!.split("; ").length };
}

describe("hoursSummary", () => {
  it("says every day's intervals, in maximal runs of equal days, and counts the exceptions", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: POOL.length - 1 }), { minLength: 7, maxLength: 7 }), fc.integer({ min: 0, max: 3 }), (days, n) => {
        const hours = week(days, n);
        const read = parse(hoursSummary(hours));
        expect(read.weekly).toEqual(hours.weekly);
        expect(read.exceptions).toBe(n);
        // One part per run: a new part exactly where a day differs from the one before.
        const changes = days.slice(1).filter((d, i) => d !== days[i]).length;
        expect(read.parts).toBe(changes + 1);
      }),
    );
  });
  it("reads as a manager writes it", () => {
    expect(hoursSummary(week([1, 1, 1, 1, 1, 1, 0]))).toBe("Mon-Sat 09:00-19:00; Sun closed");
    expect(hoursSummary(week([2, 2, 2, 2, 2, 1, 0], 1))).toBe("Mon-Fri 09:00-12:30, 14:00-24:00; Sat 09:00-19:00; Sun closed · 1 dated exception");
    expect(hoursSummary(week([1, 1, 1, 1, 1, 1, 1], 2))).toBe("every day 09:00-19:00 · 2 dated exceptions");
    expect(hoursSummary(week([0, 0, 0, 0, 0, 0, 0]))).toBe("closed every day");
    expect(hoursSummary(week([0, 1, 0, 0, 0, 0, 0]))).toBe("Mon closed; Tue 09:00-19:00; Wed-Sun closed");
    expect(hoursSummary(null)).toBe("no opening hours (always open)");
  });
});

describe("versionStart", () => {
  it("names a version from a local midnight by its date, as every screen names a day, else with its time and zone", () => {
    const dec20 = localMidnight(Date.UTC(2026, 11, 20, 12), TZ);
    expect(dec20).toBe(Date.UTC(2026, 11, 19, 23));
    expect(versionStart(dec20, TZ)).toBe("Sun, 20 Dec 2026");
    expect(versionStart(dec20 + 8 * 3_600_000, TZ)).toBe("Sun 20 Dec, 08:00 CET");
    // Summer time: the local midnight is 22:00 UTC.
    expect(versionStart(Date.UTC(2027, 5, 30, 22), TZ)).toBe("Thu, 1 Jul 2027");
  });
});

describe("dayAfter", () => {
  it("is the next calendar date (month, year and leap day ends too); empty for no date", () => {
    expect(dayAfter("2026-12-31")).toBe("2027-01-01");
    expect(dayAfter("2028-02-28")).toBe("2028-02-29");
    expect(dayAfter("2027-02-28")).toBe("2027-03-01");
    expect(dayAfter("")).toBe("");
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1) / DAY, max: Date.UTC(2099, 11, 30) / DAY }), (n) => {
        const date = new Date(n * DAY).toISOString().slice(0, 10);
        expect(calendarDay(dayAfter(date))! - calendarDay(date)!).toBe(DAY);
      }),
    );
  });
});

describe("firstScheduleDate", () => {
  it("is tomorrow, except in a day's last 5 minutes (the server refuses a start nearer): the day after", () => {
    // Mon 7 Dec 2026, Paris: 23:54:59 and 23:55 (tomorrow's midnight then 5 minutes away, refused), 00:00 the next day.
    expect(firstScheduleDate(Date.UTC(2026, 11, 7, 22, 54, 59), TZ)).toBe("2026-12-08");
    expect(firstScheduleDate(Date.UTC(2026, 11, 7, 22, 55), TZ)).toBe("2026-12-09");
    expect(firstScheduleDate(Date.UTC(2026, 11, 7, 23), TZ)).toBe("2026-12-09");
    // 23:40 UTC: the UTC date is the 7th, Paris's the 8th already.
    expect(firstScheduleDate(Date.UTC(2026, 11, 7, 23, 40), TZ)).toBe("2026-12-09");
  });

  it("is the first local date whose start is more than 5 minutes ahead of now, in any zone (reference: each date's start)", () => {
    const ZONES = ["Europe/Paris", "America/Sao_Paulo", "Asia/Kolkata", "Pacific/Chatham", "America/Havana", "UTC"];
    // Reference: the starts of today, tomorrow, ... (core's localMidnight) until one is more than 5 minutes ahead; its date.
    const reference = (now: number, tz: string) => {
      let k = 0;
      while (!(localMidnight(now, tz, k) > now + 5 * 60_000)) k++;
      return new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(localMidnight(now, tz, k));
    };
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2001, 0, 1), max: Date.UTC(2098, 11, 1) }), fc.constantFrom(...ZONES), (now, tz) => {
        expect(firstScheduleDate(now, tz)).toBe(reference(now, tz));
      }),
      { numRuns: 2000 },
    );
    // Near midnights (the last minutes of a day, and across the changes of the clocks): the same.
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2026, 0, 1) / DAY, max: Date.UTC(2028, 11, 31) / DAY }), fc.integer({ min: -10 * 60_000, max: 10 * 60_000 }), fc.constantFrom(...ZONES), (day, off, tz) => {
        const now = localMidnight(day * DAY + DAY / 2, tz) + off;
        expect(firstScheduleDate(now, tz)).toBe(reference(now, tz));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("scheduledText", () => {
  it("says from when the hours apply and what applies until then", () => {
    expect(scheduledText("2026-12-20", false)).toBe("From Sun, 20 Dec 2026 these hours apply; until then the current ones. The form shows the hours in force now again.");
    expect(scheduledText("2026-12-27", false, "Sun, 20 Dec 2026")).toBe(
      "From Sun, 27 Dec 2026 these hours apply; until then the current ones, and from Sun, 20 Dec 2026 those scheduled then. The form shows the hours in force now again.",
    );
    expect(scheduledText("2027-01-04", true)).toMatch(/^From Mon, 4 Jan 2027 the store has no opening hours \(always open\); until then the current ones\./);
  });
});

describe("historyLines", () => {
  const nov3 = localMidnight(Date.UTC(2026, 10, 3, 12), TZ);
  const first = Date.UTC(2026, 9, 1, 8, 30);
  const now = Date.UTC(2026, 11, 7, 9);
  const christmas = localMidnight(Date.UTC(2026, 11, 20, 12), TZ);
  const versions = [
    { from: first, hours: week([1, 1, 1, 1, 1, 1, 1]) },
    { from: nov3, hours: week([1, 1, 1, 1, 1, 1, 0]) },
    { from: christmas, hours: week([3, 3, 3, 3, 3, 3, 3]) },
  ];
  it("lists the versions in force now and before, newest first, without those scheduled ahead", () => {
    expect(historyLines(versions, now, TZ)).toEqual([
      { from: nov3, when: "since Tue, 3 Nov 2026", summary: "Mon-Sat 09:00-19:00; Sun closed", current: true },
      { from: first, when: "until Tue, 3 Nov 2026", summary: "every day 09:00-19:00", current: false },
    ]);
    // Once Christmas has come, it is in force, the others past, each to the next's start.
    expect(historyLines(versions, christmas, TZ).map((l) => `${l.when}: ${l.summary}`)).toEqual([
      "since Sun, 20 Dec 2026: every day 00:00-24:00",
      "Tue, 3 Nov 2026 – Sun, 20 Dec 2026: Mon-Sat 09:00-19:00; Sun closed",
      "until Tue, 3 Nov 2026: every day 09:00-19:00",
    ]);
    expect(historyLines(versions, christmas, TZ, 1)).toHaveLength(1);
  });
  it("says the first hours count for all the past, whenever they were saved; none removed says always open", () => {
    expect(historyLines([{ from: first, hours: null }], now, TZ)).toEqual([{ from: first, when: "first hours, saved Thu 1 Oct, 10:30 CEST", summary: "no opening hours (always open)", current: true }]);
    // A first version saved ahead of now (a store's first hours, scheduled) is in force: the first counts for all time.
    expect(historyLines([{ from: christmas, hours: null }], now, TZ)).toHaveLength(1);
    expect(historyLines([], now, TZ)).toEqual([]);
  });
});
