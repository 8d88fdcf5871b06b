import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { currentNote, dayTime, partialNote, partialStores } from "./coverage.js";

const H = 3_600_000;
/** Tuesday 24 Nov 2026, 00:00 in Paris (UTC+1). */
const TUE = Date.UTC(2026, 10, 23, 23);
const day = { from: TUE, to: TUE + 24 * H };

describe("partialStores", () => {
  it("keeps the stores whose figures begin inside the range, not at its start, before it, after it or never", () => {
    const starts = [
      { store: "a", from: TUE + 14 * H },
      { store: "b", from: TUE },
      { store: "c", from: TUE - 5 * 24 * H },
      { store: "d", from: TUE + 24 * H },
      { store: "e", from: null },
      { store: "f", from: TUE + 1 },
    ];
    expect(partialStores(day, starts)).toEqual([
      { store: "a", from: TUE + 14 * H },
      { store: "f", from: TUE + 1 },
    ]);
  });
  it("a store is partial exactly when its start lies strictly inside the range (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -100, max: 100 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: -200, max: 200 }), (from, len, start) => {
        const got = partialStores({ from, to: from + len }, [{ store: "s", from: start }]).length === 1;
        expect(got).toBe(start > from && start < from + len);
      }),
    );
  });
});

describe("currentNote", () => {
  it("is empty when the period is covered; else says when the figures begin and that the period is not compared", () => {
    expect(currentNote("this day", "the day before", "store", [], 1, "Europe/Paris")).toBe("");
    expect(currentNote("this week", "the week before", "store", [{ store: "opera", from: TUE + 14 * H }], 1, "Europe/Paris")).toBe(
      "This week is partial: this store's figures begin Tue 24 Nov 14:00, so it is not compared with the week before.",
    );
    const four = ["a", "b", "c", "d"].map((store, i) => ({ store, from: TUE + (9 + i) * H }));
    expect(currentNote("this day", "the day before", "group", four, 6, "Europe/Paris")).toBe(
      "This day is partial: the figures of 4 of the 6 stores begin during it (a from Tue 24 Nov 09:00, b from Tue 24 Nov 10:00, c from Tue 24 Nov 11:00 and 1 more), so it is not compared with the day before.",
    );
  });
});

describe("partialNote", () => {
  it("is empty when nothing is partial", () => {
    expect(partialNote("the day before", "store", [], 1, "Europe/Paris")).toBe("");
  });
  it("names when a store's figures begin, in the digest's zone", () => {
    expect(partialNote("the day before", "store", [{ store: "opera", from: TUE + 14 * H + 20 * 60_000 }], 1, "Europe/Paris")).toBe(
      "The day before is partial: this store's figures begin Tue 24 Nov 14:20, so its figures are marked (partial) and not compared.",
    );
  });
  it("names how many of a group's stores begin during it, and when", () => {
    const partial = [
      { store: "opera", from: TUE + 14 * H },
      { store: "bastille", from: TUE + 9 * H },
    ];
    expect(partialNote("the week before", "group", partial, 5, "Europe/Paris")).toBe(
      "The week before is partial: the figures of 2 of the 5 stores begin during it (opera from Tue 24 Nov 14:00, bastille from Tue 24 Nov 09:00), so its figures are marked (partial) and not compared.",
    );
  });

  it("names three of a group's stores at most, and counts the others", () => {
    const partial = ["a", "b", "c", "d", "e"].map((store, i) => ({ store, from: TUE + (10 + i) * H }));
    expect(partialNote("the day before", "group", partial, 12, "Europe/Paris")).toBe(
      "The day before is partial: the figures of 5 of the 12 stores begin during it (a from Tue 24 Nov 10:00, b from Tue 24 Nov 11:00, c from Tue 24 Nov 12:00 and 2 more), so its figures are marked (partial) and not compared.",
    );
  });
});

describe("dayTime", () => {
  it("is the local weekday, date and time", () => {
    expect(dayTime(TUE + 14 * H, "Europe/Paris")).toBe("Tue 24 Nov 14:00");
    expect(dayTime(TUE + 14 * H, "America/New_York")).toBe("Tue 24 Nov 08:00");
  });
});
