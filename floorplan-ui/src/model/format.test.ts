import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDateTimeZ, formatMoney, formatRange, formatTime, isoLocal, offsetMinutes, zoneAbbr } from "./format.js";

describe("formatRange", () => {
  it("names one day for a day, even a 25-hour DST day", () => {
    const from = Date.UTC(2026, 9, 24, 22); // Sun 25 Oct 2026 00:00 in Paris, a 25-hour day
    expect(formatRange({ from, to: from + 25 * 3_600_000 }, "Europe/Paris")).toBe("Sun, 25 Oct 2026");
  });
  it("names the first and the last day of a longer range", () => {
    const from = Date.UTC(2026, 10, 15, 23); // Mon 16 Nov 00:00 in Paris
    expect(formatRange({ from, to: from + 7 * 86_400_000 }, "Europe/Paris")).toBe("Mon, 16 Nov 2026 – Sun, 22 Nov 2026");
  });
});

describe("times in the store's zone, labelled", () => {
  const t = Date.UTC(2026, 10, 22, 8, 48, 5); // 09:48:05 in Paris (CET)
  it("writes the time in the store's zone with its name, whatever the browser's zone", () => {
    expect(formatTime(t, "Europe/Paris")).toBe("09:48 CET");
    expect(formatTime(t, "Europe/Paris", { seconds: true })).toBe("09:48:05 CET");
    expect(formatTime(t, "America/New_York")).toBe("03:48 GMT-5");
    expect(formatDateTimeZ(t, "Europe/Paris")).toBe("Sun 22 Nov, 09:48 CET");
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
