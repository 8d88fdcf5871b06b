import { describe, expect, it } from "vitest";
import { clockIn2026 } from "./clock-year.testing.js";
import { retentionNote } from "./retention.js";

const DAY = 86_400_000;
const SINCE = Date.UTC(2026, 10, 27, 12);
const r = { rawDays: 3, rawSince: SINCE };

describe("retentionNote", () => {
  clockIn2026(); // 8 Dec 2026: SINCE is this year's

  it("names the horizon in days and as a date when the range starts before it", () => {
    const text = retentionNote(r, "raw", "Funnels", "UTC", { from: SINCE - DAY });
    expect(text).toBe(`Raw events are kept 3 days (since Fri 27 Nov). Funnels need raw events: choose a range from then on. Older ranges show aggregates only.`);
    expect(retentionNote(r, "aggregates", "", "UTC", { from: SINCE - DAY })).toBe(`Raw events are kept 3 days (since Fri 27 Nov): older ranges show aggregates only, so they must start and end on whole hours.`);
  });

  it("says nothing when the range starts at or after the horizon, or when nothing is deleted", () => {
    expect(retentionNote(r, "raw", "Funnels", "UTC", { from: SINCE })).toBeNull();
    expect(retentionNote({ rawDays: 0, rawSince: null }, "raw", "Funnels", "UTC", { from: 0 })).toBeNull();
    expect(retentionNote(undefined, "raw", "Funnels", "UTC", { from: 0 })).toBeNull();
  });

  it("without a range (periods yet to be chosen), says it whenever raw events are deleted", () => {
    expect(retentionNote({ rawDays: 1, rawSince: SINCE }, "raw", "Experiments' per-visit statistics", "UTC")).toBe(
      `Raw events are kept 1 day (since Fri 27 Nov). Experiments' per-visit statistics need raw events: choose periods from then on. Older ranges show aggregates only.`,
    );
  });

  it("names the day as the other screens do, 'since Fri 27 Nov', with its year only when another year's (it read 'since Wed, 9 Sept 2026')", () => {
    expect(retentionNote({ rawDays: 90, rawSince: Date.UTC(2026, 8, 9, 6) }, "raw", "Experiments' per-visit statistics", "Europe/Paris")).toMatch(/^Raw events are kept 90 days \(since Wed 9 Sept\)\. /);
    expect(retentionNote({ rawDays: 400, rawSince: Date.UTC(2025, 10, 3, 6) }, "raw", "Experiments' per-visit statistics", "Europe/Paris")).toMatch(/^Raw events are kept 400 days \(since Mon, 3 Nov 2025\)\. /);
  });
});
