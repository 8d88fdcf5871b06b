import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketStarts, localTime } from "../domain/calendar.js";
import { countsFromFirst, dailyTotals, localGrid, withoutNotCounted } from "./series.js";

const H = 3_600_000;
/** Paris hours from Thursday 26 March 2026 00:00 (local) over the spring DST change. */
const FROM = Date.parse("2026-03-25T23:00:00Z");
const starts = (hours: number) => bucketStarts({ from: FROM, to: FROM + hours * H }, "hour", "Europe/Paris");
const known = (counts: number[]) => countsFromFirst(counts, localGrid({ starts: starts(counts.length), timeZone: "Europe/Paris" }));

/** A store open 9:00-19:00 with `n` visitors an open hour, over `days` days, counted from hour `from`. */
function store(days: number, from: number, n = 5): number[] {
  const ts = starts(days * 24);
  return ts.map((t, i) => {
    const h = localTime(t, "Europe/Paris").hour;
    return i >= from && h >= 9 && h < 19 ? n : 0;
  });
}

/** The rule said plainly, with the calendar's local time of each hour rather than the grid. */
function reference(counts: number[]): (number | null)[] {
  const ts = starts(counts.length);
  const at = ts.map((t) => localTime(t, "Europe/Paris"));
  const dayOf = (i: number) => `${at[i]!.year}-${at[i]!.month}-${at[i]!.day}`;
  const first = counts.findIndex((n) => n > 0);
  return counts.map((n, i) => {
    if (first < 0) return null;
    if (i >= first) return n;
    if (dayOf(i) !== dayOf(first) || n !== 0) return null;
    const same = counts.map((_, j) => j).filter((j) => j >= first && at[j]!.hour === at[i]!.hour);
    const onLaterDay = same.some((j) => dayOf(j) !== dayOf(first));
    return onLaterDay && same.every((j) => counts[j] === 0) ? 0 : null;
  });
}

describe("a store's counts from its first counted visitor", () => {
  it("take the night before a first opening at 9:00 as closed, so the first day is a whole day", () => {
    const counts = store(3, 9);
    const values = known(counts);
    expect(values.slice(0, 9)).toEqual(new Array(9).fill(0));
    const days = dailyTotals({ grain: "hour", timeZone: "Europe/Paris", starts: starts(counts.length), values });
    expect(days.values).toEqual([50, 50, 50]);
  });
  it("leave a first day whose counting began at 14:00 unknown: its morning had visitors on the days after", () => {
    const values = known(store(3, 14));
    expect(values.slice(0, 14)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null, null, null]);
    const days = dailyTotals({ grain: "hour", timeZone: "Europe/Paris", starts: starts(72), values });
    expect(days.values).toEqual([null, 50, 50]);
  });
  it("know nothing before the first counted day, nor anything of a series with no visitor", () => {
    const counts = [...new Array<number>(24).fill(0), ...store(2, 9)];
    expect(known(counts).slice(0, 24)).toEqual(new Array(24).fill(null));
    expect(known(new Array<number>(48).fill(0))).toEqual(new Array(48).fill(null));
  });
  it("take no hour of the first day as closed without a later day to tell (a store in its first day)", () => {
    expect(known(store(1, 9)).slice(0, 9)).toEqual(new Array(9).fill(null));
  });
  it("agree with the rule said plainly on any counts (across the DST change)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 * 24 }).chain((n) => fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 9 })), { minLength: n, maxLength: n })), (counts) => {
        expect(known(counts)).toEqual(reference(counts));
      }),
      { numRuns: 300 },
    );
  });
});

describe("a store's counts since its counting agents went offline", () => {
  it("are unknown from the hour the outage began in, that hour included (counted only in part)", () => {
    const ts = starts(6);
    expect(withoutNotCounted(ts, [1, 2, 3, 4, 5, 6], ts[2]! + 10 * 60_000)).toEqual([1, 2, null, null, null, null]);
    expect(withoutNotCounted(ts, [1, 2, 3, 4, 5, 6], ts[4]!)).toEqual([1, 2, 3, 4, null, null]);
    expect(withoutNotCounted(ts, [1, null, 3], null)).toEqual([1, null, 3]);
  });
  it("keep every hour that ended by the outage, and no hour after it (any outage, any values)", () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 50 })), { minLength: 1, maxLength: 72 }), fc.integer({ min: -2 * H, max: 80 * H }), (values, offset) => {
        const ts = starts(values.length);
        const since = FROM + offset;
        const out = withoutNotCounted(ts, values, since);
        out.forEach((v, i) => expect(v).toBe(ts[i]! + H <= since ? values[i] : null));
      }),
    );
  });
});
