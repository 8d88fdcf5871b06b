import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatTime } from "./format.js";
import { notCountedSinceText, nothingCountedPillText, sinceWords } from "./not-counted.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const ZONES = ["Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham", "Pacific/Apia", "UTC"];

/** Reference: the store's calendar day of `ts` read off Intl's own date (en-CA: YYYY-MM-DD), as a day number. */
const dayNo = (ts: number, timeZone: string) => Date.parse(`${new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(ts)}T00:00:00Z`) / DAY;
const part = (ts: number, timeZone: string, opts: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat("en-GB", { timeZone, ...opts }).format(ts);

/** Reference wording: the time alone today (or a start after now); the weekday on the 6 days before; else the date (its year when another). */
function reference(since: number, now: number, timeZone: string): string {
  const time = formatTime(since, timeZone);
  const days = dayNo(now, timeZone) - dayNo(since, timeZone);
  if (days <= 0) return time;
  if (days <= 6) return `${part(since, timeZone, { weekday: "short" })} ${time}`;
  const year = part(since, timeZone, { year: "numeric" }) === part(now, timeZone, { year: "numeric" }) ? "" : ` ${part(since, timeZone, { year: "numeric" })}`;
  return `${part(since, timeZone, { day: "numeric" })} ${part(since, timeZone, { month: "short" })}${year} ${time}`;
}

describe("sinceWords: an outage's start says its day when it is not today in the store's zone", () => {
  it("words the reviewer's case: Friday 17:34 seen on Monday, a date over a week ago, the time alone today", () => {
    const fri = Date.UTC(2026, 11, 4, 16, 34); // Fri 4 Dec 17:34 in Paris
    const tz = "Europe/Paris";
    expect(sinceWords(fri, fri + 5 * 60_000, tz)).toBe("17:34 CET");
    expect(sinceWords(fri, fri + 3 * DAY, tz)).toBe("Fri 17:34 CET");
    expect(sinceWords(fri, fri + 7 * DAY, tz)).toBe("4 Dec 17:34 CET");
    expect(sinceWords(Date.UTC(2026, 10, 28, 16, 34), fri + 3 * DAY, tz)).toBe("28 Nov 17:34 CET");
    expect(sinceWords(Date.UTC(2025, 11, 28, 16, 34), Date.UTC(2026, 0, 9, 12), tz)).toBe("28 Dec 2025 17:34 CET");
    expect(notCountedSinceText({ since: fri, agents: ["cam-1"] }, tz, fri + 3 * DAY)).toBe("Not counted since Fri 17:34 CET (cam-1 offline)");
    expect(nothingCountedPillText({ since: fri, agents: [] }, tz, fri + 3 * DAY)).toBe("Nothing counted since Fri 17:34 CET");
  });

  it("counts the store's calendar days, not 24-hour spans nor the browser's: a start just before local midnight, DST days", () => {
    const tz = "Europe/Paris";
    // 23:59 on Sat 28 Mar 2026 (CET), seen two minutes later, on the day clocks go forward: yesterday.
    const lateSat = Date.UTC(2026, 2, 28, 22, 59);
    expect(sinceWords(lateSat, lateSat + 2 * 60_000, tz)).toBe("Sat 23:59 CET");
    expect(sinceWords(lateSat, lateSat + 30_000, tz)).toBe("23:59 CET");
    // 00:30 on Sun 25 Oct 2026 (CEST), seen at 23:30 CET the same 25-hour day: still today.
    const earlySun = Date.UTC(2026, 9, 24, 22, 30);
    expect(sinceWords(earlySun, earlySun + 24 * HOUR, tz)).toBe("00:30 CEST");
    expect(sinceWords(earlySun, earlySun + 24 * HOUR + 31 * 60_000, tz)).toBe("Sun 00:30 CEST");
    // New York's evening is Paris's next day: the store's zone decides, whatever the browser's.
    const nyEvening = Date.UTC(2026, 11, 4, 23, 0); // Fri 18:00 in New York, Sat 00:00 in Paris
    expect(sinceWords(nyEvening, nyEvening + 5 * HOUR, "America/New_York")).toMatch(/^18:00 /);
    expect(sinceWords(nyEvening, nyEvening + 5 * HOUR, tz)).toBe("00:00 CET");
    // A start a second after the server's now (clocks a second apart) reads as today's, not as a weekday.
    expect(sinceWords(lateSat + 90_000, lateSat + 30_000, tz)).toBe("00:00 CET");
  });

  it("property: agrees with the reference (Intl's calendar day) in zones with DST, half hours and a skipped day", () => {
    const start = Date.UTC(2024, 0, 1);
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: 0, max: 3 * 365 * DAY }),
        // How long ago: minutes around midnight and whole weeks as often as anything.
        fc.oneof(fc.integer({ min: -60_000, max: 40 * DAY }), fc.integer({ min: 0, max: 20 }).map((d) => d * DAY), fc.integer({ min: 0, max: 14 }).map((d) => d * DAY - 60_000)),
        (tz, at, ago) => {
          const now = start + at;
          expect(sinceWords(now - ago, now, tz)).toBe(reference(now - ago, now, tz));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("property: a start around the store's local midnight is today's after it and the day before's before it", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: 0, max: 3 * 365 }), fc.integer({ min: 1, max: 120 }), fc.integer({ min: 0, max: 20 * HOUR }), (tz, d, minutes, after) => {
        // The local midnight of a day: the first instant whose calendar day is that day (found by the reference).
        // (Every zone here is a whole quarter hour off UTC: 15-minute steps from 15 h before UTC's midnight find it.)
        const target = Date.UTC(2024, 0, 1) / DAY + d;
        let midnight = target * DAY - 15 * HOUR;
        while (dayNo(midnight, tz) < target) midnight += 15 * 60_000;
        const now = midnight + after;
        if (dayNo(now, tz) !== target) return;
        expect(sinceWords(midnight + Math.min(after, minutes * 60_000), now, tz)).toBe(formatTime(midnight + Math.min(after, minutes * 60_000), tz));
        expect(sinceWords(midnight - minutes * 60_000, now, tz)).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) /);
      }),
      { numRuns: 300 },
    );
  });
});
