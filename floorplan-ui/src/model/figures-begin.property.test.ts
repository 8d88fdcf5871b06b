/**
 * The chain view's "Figures begin Sun 6 Dec, 18:00 CET" under a store's enters (beginsNote) against a reference written
 * out: said exactly when the store's figures are whole from an instant strictly inside the range (the digest's "this day
 * is partial"), naming the first hour counted; a first day counted from the opening time (whole from its midnight) and a
 * range the store was counted through say nothing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { beginsNote } from "./figures-begin.js";
import { clockIn2026 } from "./clock-year.testing.js";

// Its fixtures are dated in 2026, and dates of another year than now's say their year.
clockIn2026();

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Sun 6 Dec 2026, 00:00 in Paris (23:00 UTC the day before). */
const SUN = Date.UTC(2026, 11, 5, 23);
const DAY_RANGE = { from: SUN, to: SUN + DAY };

describe("beginsNote", () => {
  it("names the first hour when the store's counters started at 18:00 inside the range, in the store's time zone", () => {
    const late = { figuresFrom: SUN + 18 * HOUR, figuresWholeFrom: SUN + 18 * HOUR, timezone: "Europe/Paris" };
    expect(beginsNote(late, DAY_RANGE)).toEqual({
      text: "Figures begin Sun 6 Dec, 18:00 CET",
      title: "This store's figures begin Sun 6 Dec, 18:00 CET: the range before that has no data, so its figures cover only the rest of the range",
    });
    // The week holding that day too; not the day after (counted through), nor the day before (no figures in it).
    expect(beginsNote(late, { from: SUN - 6 * DAY, to: SUN + DAY })?.text).toBe("Figures begin Sun 6 Dec, 18:00 CET");
    expect(beginsNote(late, { from: SUN + DAY, to: SUN + 2 * DAY })).toBeNull();
    expect(beginsNote(late, { from: SUN - DAY, to: SUN })).toBeNull();
  });

  it("says nothing of a first day counted from the opening time (whole from its midnight), nor from a server without the field", () => {
    expect(beginsNote({ figuresFrom: SUN + 8 * HOUR, figuresWholeFrom: SUN, timezone: "Europe/Paris" }, DAY_RANGE)).toBeNull();
    expect(beginsNote({ figuresFrom: SUN + 18 * HOUR, timezone: "Europe/Paris" }, DAY_RANGE)).toBeNull();
    expect(beginsNote({ figuresFrom: null, figuresWholeFrom: null, timezone: "Europe/Paris" }, DAY_RANGE)).toBeNull();
  });

  it("is said exactly when the figures are whole from inside the range, and names the first hour counted", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -72, max: 72 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: -72, max: 72 }),
        fc.integer({ min: 1, max: 24 * 14 }),
        fc.boolean(),
        (wholeH, firstAfterH, fromH, lengthH, none) => {
          const whole = none ? null : SUN + wholeH * HOUR;
          const first = whole === null ? null : whole + firstAfterH * HOUR;
          const range = { from: SUN + fromH * HOUR, to: SUN + (fromH + lengthH) * HOUR };
          const note = beginsNote({ figuresFrom: first, figuresWholeFrom: whole, timezone: "UTC" }, range);
          const expected = whole !== null && range.from < whole && whole < range.to;
          expect(note !== null).toBe(expected);
          if (note) {
            const t = new Date(first!);
            expect(note.text).toContain(`${String(t.getUTCHours()).padStart(2, "0")}:00 UTC`);
            expect(note.title.startsWith(`This store's figures begin ${note.text.slice("Figures begin ".length)}:`)).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
