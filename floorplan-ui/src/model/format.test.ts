import { describe, expect, it } from "vitest";
import { formatDateTimeZ, formatMoney, formatRange, formatTime, isoLocal, zoneAbbr } from "./format.js";

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
});

describe("formatMoney", () => {
  it("writes amounts in the store's currency, and bare amounts for a store that names none", () => {
    expect(formatMoney(12.4, "EUR")).toBe("€12.40");
    expect(formatMoney(1234.5, "GBP")).toBe("£1,234.50");
    expect(formatMoney(12.4)).toBe("12.40");
    expect(formatMoney(null, "EUR")).toBe("–");
  });
});
