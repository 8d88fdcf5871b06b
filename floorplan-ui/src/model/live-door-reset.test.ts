import { describe, expect, it } from "vitest";
import { doorCountStart, WEEKDAYS, type OpeningHours } from "@footfall/core";
import { doorCountFromClosing, totalSourceText } from "./live.js";

const TZ = "Europe/Paris";
const every = (open: string, close: string): OpeningHours => ({ weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open, close }]])) as OpeningHours["weekly"], exceptions: [] });
// Tuesday 8 December 2026, 00:30 in Paris (23:30 UTC the day before): after midnight.
const NOW = Date.UTC(2026, 11, 7, 23, 30);
const MIDNIGHT = Date.UTC(2026, 11, 7, 23, 0);

describe("the store card's door count words follow the server's reset (core doorCountStart)", () => {
  it("open round the clock: 'since midnight', as the server counts it (it said 'since opening')", () => {
    const h = every("00:00", "24:00");
    expect(doorCountStart(h, NOW, TZ, MIDNIGHT)).toBe(MIDNIGHT);
    expect(doorCountFromClosing(h, NOW, TZ)).toBe(false);
    expect(totalSourceText("door", doorCountFromClosing(h, NOW, TZ), true)).toBe("door count (in minus out since midnight)");
  });

  it("hours that close: since opening while open, since closing while closed; open across midnight (08:00-02:00) counts on past it", () => {
    const day = every("08:00", "21:30");
    expect(doorCountStart(day, NOW, TZ, MIDNIGHT)).toBeLessThan(MIDNIGHT);
    expect(totalSourceText("door", doorCountFromClosing(day, NOW, TZ), false)).toBe("door count (in minus out since closing)");
    const late: OpeningHours = { weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "08:00", close: "24:00" }]])) as OpeningHours["weekly"], exceptions: [{ date: "2026-12-08", intervals: [{ open: "00:00", close: "02:00" }, { open: "08:00", close: "24:00" }] }] };
    expect(doorCountFromClosing(late, NOW, TZ)).toBe(doorCountStart(late, NOW, TZ, MIDNIGHT) !== MIDNIGHT);
    expect(doorCountFromClosing(null, NOW, TZ)).toBe(false);
    expect(doorCountFromClosing(undefined, NOW, TZ)).toBe(null);
  });
});
