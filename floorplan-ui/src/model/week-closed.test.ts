import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketStarts, formatBucketStart, localMidnight } from "@footfall/core";
import { weekGridClosed } from "./week-closed.js";
import { localParts } from "./traffic.js";

const TZ = "Europe/Paris";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Mon 30 Nov .. Sun 6 Dec 2026, the walk-through's 7 days.
const FROM = localMidnight(Date.UTC(2026, 10, 30, 12), TZ);
const range = { from: FROM, to: FROM + 7 * DAY };
const buckets = bucketStarts(range, "hour", TZ).map((t) => ({ start: formatBucketStart(t, TZ), enters: 0, zones: {} }));
/** Open `from`..`to` o'clock (local) on each of the 7 days; `late` for the days given instead. */
const hours = (from: number, to: number, late: Record<number, [number, number]> = {}) =>
  Array.from({ length: 7 }, (_, d) => {
    const [a, b] = late[d] ?? [from, to];
    return { from: FROM + d * DAY + a * HOUR, to: FROM + d * DAY + b * HOUR };
  });

describe("the week grid's closed cells (weekGridClosed)", () => {
  it("marks the night hours closed and the open hours not, by the store's opening hours", () => {
    const closed = weekGridClosed(buckets, hours(9, 19));
    expect(closed.has("0|3")).toBe(true); // Mon 03:00
    expect(closed.has("6|22")).toBe(true); // Sun 22:00
    expect(closed.has("2|9")).toBe(false); // Wed 09:00: open
    expect(closed.has("2|18")).toBe(false);
    expect(closed.size).toBe(7 * 14);
  });

  it("follows the hours in force each day (their history): an hour open on that weekday is not closed", () => {
    // Saturday opened till 21:00 that week, the other days till 19:00.
    const closed = weekGridClosed(buckets, hours(9, 19, { 5: [9, 21] }));
    expect(closed.has("5|20")).toBe(false);
    expect(closed.has("4|20")).toBe(true);
  });

  it("marks none without opening hours (always open) or before the store's figures", () => {
    expect(weekGridClosed(buckets, null).size).toBe(0);
    expect(weekGridClosed(buckets, undefined).size).toBe(0);
    expect(weekGridClosed(buckets, hours(9, 19), { from: range.to, now: range.to }).size).toBe(0);
  });

  it("agrees with a per-hour reference: a cell is closed iff it has hours with data and none of them overlaps an open interval", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 7 * 24 - 1 }), fc.integer({ min: 1, max: 30 })), { maxLength: 12 }), fc.integer({ min: 1, max: 14 }), (spans, days) => {
        const to = FROM + days * DAY;
        const bs = bucketStarts({ from: FROM, to }, "hour", TZ).map((t) => ({ start: formatBucketStart(t, TZ), enters: 0, zones: {} }));
        const open = spans.map(([h, len]) => ({ from: FROM + h * HOUR + 17 * 60_000, to: FROM + (h + len) * HOUR }));
        const closed = weekGridClosed(bs, open);
        const cells = new Map<string, boolean[]>();
        for (const b of bs) {
          const p = localParts(b.start)!;
          const s = Date.parse(b.start);
          const key = `${p.weekday}|${p.hour}`;
          cells.set(key, [...(cells.get(key) ?? []), open.some((o) => o.from < s + HOUR && s < o.to)]);
        }
        for (const [key, opens] of cells) expect(closed.has(key), key).toBe(opens.every((o) => !o));
        for (const key of closed) expect(cells.has(key)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
