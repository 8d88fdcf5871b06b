/**
 * The history note (hour and day figures kept FOOTFALL_AGGREGATE_RETENTION_DAYS) against a reference
 * written out: said exactly when the range, or the previous period compared with, starts before the
 * oldest figures kept; one sentence, the same on every view, naming which of the two is cut.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { historyNote } from "./retention.js";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 5, 18);

function reference(keptFrom: number, rangeFrom: number, previousFrom: number | null): "none" | "range" | "both" | "previous" {
  const range = rangeFrom < keptFrom;
  const previous = previousFrom !== null && previousFrom < keptFrom;
  return range && previous ? "both" : range ? "range" : previous ? "previous" : "none";
}

describe("historyNote", () => {
  it("says the history kept exactly when the range or the previous period starts before it, and which", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 800 }),
        fc.integer({ min: 0, max: 900 * 24 }),
        fc.integer({ min: 1, max: 400 * 24 }),
        fc.boolean(),
        (keptDays, hoursBack, lengthH, compare) => {
          const history = { keptDays, keptFrom: NOW - keptDays * DAY };
          const from = NOW - hoursBack * 3_600_000;
          const previous = compare ? { from: from - lengthH * 3_600_000 } : null;
          const text = historyNote(history, "Europe/Paris", { from }, previous);
          const want = reference(history.keptFrom, from, previous?.from ?? null);
          if (want === "none") {
            expect(text).toBeNull();
            return;
          }
          expect(text).toMatch(new RegExp(`^History kept from \\w{3}, \\d{1,2} \\w{3,4} \\d{4} \\(${keptDays === 1 ? "1 day" : `[\\d,]+ days`}\\): figures before it are not counted`));
          expect(text!.includes("in this range and in the previous period")).toBe(want === "both");
          expect(text!.includes("the previous period is partial")).toBe(want === "previous");
        },
      ),
    );
  });

  it("says nothing while the history is unknown or kept for ever", () => {
    expect(historyNote(undefined, "UTC", { from: 0 }, { from: 0 })).toBeNull();
    expect(historyNote(null, "UTC", { from: 0 }, { from: 0 })).toBeNull();
  });

  it("reads as the views show it", () => {
    const history = { keptDays: 90, keptFrom: Date.UTC(2026, 8, 6, 17) };
    expect(historyNote(history, "Europe/Paris", { from: Date.UTC(2026, 7, 1) })).toBe("History kept from Sun, 6 Sept 2026 (90 days): figures before it are not counted.");
  });
});
