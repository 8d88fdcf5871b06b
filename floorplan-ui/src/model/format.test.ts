import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatDateTimeZ, formatDay, formatLocalDate, formatMoney, formatRange, formatTime, isoLocal, offsetMinutes, zoneAbbr } from "./format.js";

describe("formatLocalDate", () => {
  it("names a store's local date as the day of that date in the store's zone is named", () => {
    expect(formatLocalDate("2026-11-28")).toBe("Sat, 28 Nov 2026");
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1) / 60_000, max: Date.UTC(2040, 11, 31) / 60_000 }), fc.constantFrom("Europe/Paris", "America/Chicago", "Pacific/Kiritimati", "Pacific/Pago_Pago"), (minute, zone) => {
        const ts = minute * 60_000;
        const date = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(ts);
        expect(formatLocalDate(date)).toBe(formatDate(ts, zone));
      }),
    );
  });
});

describe("formatRange", () => {
  it("names one day for a day, even a 25-hour DST day", () => {
    const from = Date.UTC(2026, 9, 24, 22); // Sun 25 Oct 2026 00:00 in Paris, a 25-hour day
    expect(formatRange({ from, to: from + 25 * 3_600_000 }, "Europe/Paris")).toBe("Sun, 25 Oct 2026");
  });
  it("names the first and the last day of a longer range", () => {
    const from = Date.UTC(2026, 10, 15, 23); // Mon 16 Nov 00:00 in Paris
    expect(formatRange({ from, to: from + 7 * 86_400_000 }, "Europe/Paris")).toBe("Mon, 16 Nov 2026 – Sun, 22 Nov 2026");
  });
  it("says the times of a range that is not whole days: the chain's Paris day in Chicago", () => {
    const from = Date.UTC(2026, 11, 3, 23); // Fri 4 Dec 00:00 in Paris: Thu 3 Dec 17:00 in Chicago
    expect(formatRange({ from, to: from + 86_400_000 }, "America/Chicago")).toBe("Thu, 3 Dec 2026, 17:00 – Fri, 4 Dec 2026, 17:00");
    expect(formatRange({ from, to: from + 86_400_000 }, "Europe/Paris")).toBe("Fri, 4 Dec 2026");
    expect(formatRange({ from: from + 9 * 3_600_000, to: from + 12 * 3_600_000 }, "Europe/Paris")).toBe("Fri, 4 Dec 2026, 09:00 – 12:00");
  });
  it("names only the last day of a range that reaches now (the caller says 'so far')", () => {
    const from = Date.UTC(2026, 11, 4, 23); // Sat 5 Dec 00:00 in Paris
    expect(formatRange({ from, to: from + 5 * 3_600_000 + 123 }, "Europe/Paris", { open: true })).toBe("Sat, 5 Dec 2026");
    expect(formatRange({ from, to: from + 30 * 3_600_000 }, "America/Chicago", { open: true })).toBe("Fri, 4 Dec 2026, 17:00 – Sat, 5 Dec 2026");
  });
  it("never gives the bare date of a range that does not start at the day's start (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2026, 0, 1) / 60_000, max: Date.UTC(2027, 11, 31) / 60_000 }).map((m) => m * 60_000),
        fc.integer({ min: 1, max: 40 * 24 * 60 }).map((m) => m * 60_000),
        fc.constantFrom("Europe/Paris", "America/Chicago", "Asia/Kolkata", "Australia/Sydney"),
        fc.boolean(),
        (from, length, zone, open) => {
          const text = formatRange({ from, to: from + length }, zone, { open });
          const day = formatDate(from, zone);
          const time = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(from);
          expect(text.startsWith(time === "00:00" ? day : `${day}, ${time} – `)).toBe(true);
        },
      ),
    );
  });
});

describe("times in the store's zone, labelled", () => {
  const t = Date.UTC(2026, 10, 22, 8, 48, 5); // 09:48:05 in Paris (CET)
  it("writes the time in the store's zone with its name, whatever the browser's zone", () => {
    expect(formatTime(t, "Europe/Paris")).toBe("09:48 CET");
    expect(formatTime(t, "Europe/Paris", { seconds: true })).toBe("09:48:05 CET");
    expect(formatTime(t, "America/New_York")).toBe("03:48 GMT-5");
    expect(formatDateTimeZ(t, "Europe/Paris", { now: t })).toBe("Sun 22 Nov, 09:48 CET");
  });
  it("says the year of a date in another year than now's (the form's 'Version 1 · from Wed 1 Jan' read as this January), each in the zone", () => {
    const now = Date.UTC(2026, 11, 8, 0, 30);
    expect(formatDateTimeZ(Date.UTC(2025, 0, 1), "Europe/Paris", { now })).toBe("Wed, 1 Jan 2025, 01:00 CET");
    expect(formatDateTimeZ(Date.UTC(2026, 0, 1), "Europe/Paris", { now })).toBe("Thu 1 Jan, 01:00 CET");
    // 31 Dec 2025, 23:30 UTC is New Year's Day in Paris: this year there, no year to say.
    expect(formatDateTime(Date.UTC(2025, 11, 31, 23, 30), "Europe/Paris", { now })).toBe("Thu 1 Jan, 00:30");
    expect(formatDateTime(Date.UTC(2025, 11, 31, 23, 30), "UTC", { now })).toBe("Wed, 31 Dec 2025, 23:30");
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2060, 0, 1) }), fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2060, 0, 1) }), fc.constantFrom("UTC", "Europe/Paris", "Pacific/Auckland", "America/New_York"), (ts, at, tz) => {
        const year = new Intl.DateTimeFormat("en-GB", { timeZone: tz, year: "numeric" }).format(ts);
        const same = year === new Intl.DateTimeFormat("en-GB", { timeZone: tz, year: "numeric" }).format(at);
        expect(formatDateTime(ts, tz, { now: at }).includes(` ${year},`)).toBe(!same);
      }),
    );
  });
  it("names a day as the screens do beside their times: 'Wed 9 Sept', its year only when another year's (formatDay)", () => {
    const now = Date.UTC(2026, 11, 8, 0, 30);
    expect(formatDay(Date.UTC(2026, 8, 9, 12), "Europe/Paris", { now })).toBe("Wed 9 Sept");
    expect(formatDay(Date.UTC(2025, 8, 9, 12), "Europe/Paris", { now })).toBe("Tue, 9 Sept 2025");
    expect(formatDay(Date.UTC(2025, 11, 31, 23, 30), "Europe/Paris", { now })).toBe("Thu 1 Jan");
    // Property: formatDateTime's words are the day's, then the time.
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2060, 0, 1) }), fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2060, 0, 1) }), fc.constantFrom("UTC", "Europe/Paris", "Pacific/Auckland", "America/New_York"), (ts, at, tz) => {
        const clock = new Intl.DateTimeFormat("en-GB", { timeZone: tz, hour: "2-digit", minute: "2-digit" }).format(ts);
        expect(formatDateTime(ts, tz, { now: at })).toBe(`${formatDay(ts, tz, { now: at })}, ${clock}`);
      }),
    );
  });
  it("names summer time", () => {
    expect(zoneAbbr(Date.UTC(2026, 6, 1), "Europe/Paris")).toBe("CEST");
  });
  it("writes ISO 8601 with the store's offset, as the API writes bucket starts", () => {
    expect(isoLocal(t, "Europe/Paris")).toBe("2026-11-22T09:48:05+01:00");
    expect(isoLocal(t, "Asia/Kolkata")).toBe("2026-11-22T14:18:05+05:30");
    expect(isoLocal(t, "America/St_Johns")).toBe("2026-11-22T05:18:05-03:30");
  });
  it("takes the offset from core's calendar, as Intl's wall clock gives it, at any instant of 1900-2100", () => {
    /** The offset as the UI read it before (Intl's wall clock minus UTC, to the whole minute). */
    const intlOffset = (ts: number, timeZone: string) => {
      const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).formatToParts(ts);
      const get = (x: string) => Number(parts.find((p) => p.type === x)?.value ?? 0);
      return Math.round((Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) - Math.floor(ts / 1000) * 1000) / 60_000);
    };
    const zones = ["Europe/Paris", "America/Santiago", "Australia/Lord_Howe", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham", "Africa/Casablanca", "UTC"];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }), (zone, ts) => {
        expect(offsetMinutes(ts, zone)).toBe(intlOffset(ts, zone));
      }),
      { numRuns: 500 },
    );
  });
});

describe("formatMoney", () => {
  it("writes amounts in the store's currency, and bare amounts for a store that names none", () => {
    expect(formatMoney(12.4, "EUR")).toBe("€12.40");
    expect(formatMoney(1234.5, "GBP")).toBe("£1,234.50");
    expect(formatMoney(12.4)).toBe("12.40");
    expect(formatMoney(null, "EUR")).toBe("–");
  });
});
