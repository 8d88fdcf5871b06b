import { describe, expect, it } from "vitest";
import { formatDate } from "./format.js";
import { retentionNote } from "./retention.js";

const DAY = 86_400_000;
const SINCE = Date.UTC(2026, 10, 27, 12);
const r = { rawDays: 3, rawSince: SINCE };

describe("retentionNote", () => {
  it("names the horizon in days and as a date when the range starts before it", () => {
    const text = retentionNote(r, "raw", "Funnels", "UTC", { from: SINCE - DAY });
    expect(text).toBe(`Raw events are kept 3 days (since ${formatDate(SINCE, "UTC")}). Funnels need raw events: choose a range from then on. Older ranges show aggregates only.`);
    expect(retentionNote(r, "aggregates", "", "UTC", { from: SINCE - DAY })).toBe(`Raw events are kept 3 days (since ${formatDate(SINCE, "UTC")}): older ranges show aggregates only, so they must start and end on whole hours.`);
  });

  it("says nothing when the range starts at or after the horizon, or when nothing is deleted", () => {
    expect(retentionNote(r, "raw", "Funnels", "UTC", { from: SINCE })).toBeNull();
    expect(retentionNote({ rawDays: 0, rawSince: null }, "raw", "Funnels", "UTC", { from: 0 })).toBeNull();
    expect(retentionNote(undefined, "raw", "Funnels", "UTC", { from: 0 })).toBeNull();
  });

  it("without a range (periods yet to be chosen), says it whenever raw events are deleted", () => {
    expect(retentionNote({ rawDays: 1, rawSince: SINCE }, "raw", "Experiments' per-visit statistics", "UTC")).toBe(
      `Raw events are kept 1 day (since ${formatDate(SINCE, "UTC")}). Experiments' per-visit statistics need raw events: choose periods from then on. Older ranges show aggregates only.`,
    );
  });
});
