/**
 * The periods the experiment form proposes fit the store's history: never before its data begins,
 * the previous version or (after) past the next version or now, and always of equal lengths,
 * against a reference that tries 4, 2 and 1 weeks, then 6 days down to 1, and takes the first that fits.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Period } from "../api/types.js";
import { defaultWindows, experimentReducer, initialExperiment, storeHistoryStart } from "./experiment.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 2);

function reference(changeAt: number, previousFrom: number | null, nextFrom: number | null, now: number, historyFrom: number | null): number | null {
  for (const days of [28, 14, 7, 6, 5, 4, 3, 2, 1]) {
    const len = days * DAY;
    const fits =
      changeAt - len >= (previousFrom ?? -Infinity) &&
      changeAt - len >= (historyFrom ?? -Infinity) &&
      changeAt + len <= (nextFrom ?? Infinity) &&
      changeAt + len <= now;
    if (fits) return len;
  }
  return null;
}

/** Offsets from the change, in minutes up to 40 days, so that lengths just under and over whole days and weeks come up. */
const offset = fc.oneof(
  fc.integer({ min: 0, max: 40 * 24 * 60 }).map((m) => m * 60_000),
  fc.integer({ min: 0, max: 40 }).chain((d) => fc.integer({ min: -2, max: 2 }).map((ms) => Math.max(0, d * DAY + ms))),
);

describe("defaultWindows within the store's history", () => {
  it("starts the before period no earlier than the store's data, with equal periods, as the reference", () => {
    fc.assert(
      fc.property(
        fc.option(offset),
        fc.option(offset),
        offset,
        fc.option(
          fc.oneof(
            offset,
            offset.map((o) => -o),
          ),
        ),
        (prev, next, nowAfter, history) => {
          const previousFrom = prev === null ? null : T0 - prev - 1;
          const nextFrom = next === null ? null : T0 + next + 1;
          const historyFrom = history === null ? null : T0 - history;
          const now = T0 + nowAfter;
          const w = defaultWindows(T0, previousFrom, nextFrom, now, historyFrom);
          const len = reference(T0, previousFrom, nextFrom, now, historyFrom);
          if (len === null) {
            expect(w).toBeNull();
            return;
          }
          expect(w).toEqual({ before: { from: T0 - len, to: T0 }, after: { from: T0, to: T0 + len } });
          expect(w!.before.to - w!.before.from).toBe(w!.after.to - w!.after.from);
          if (historyFrom !== null) expect(w!.before.from).toBeGreaterThanOrEqual(historyFrom);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("the form proposes such periods whenever the history arrives, and leaves a person's own periods alone", () => {
    fc.assert(
      fc.property(offset, offset, fc.option(offset), fc.boolean(), fc.boolean(), (prev, nowAfter, history, historyFirst, edited) => {
        const versions = [
          { version: 1, validFrom: T0 - prev - 1 },
          { version: 2, validFrom: T0 },
        ];
        const historyFrom = history === null ? null : T0 - history;
        const loaded = { type: "historyLoaded", store: "shop", historyFrom } as const;
        let f = initialExperiment("shop", T0 + nowAfter);
        if (historyFirst) f = experimentReducer(f, loaded);
        f = experimentReducer(f, { type: "versionsLoaded", versions });
        const mine: Period | null = edited && f.before ? { from: f.before.from - HOUR, to: f.before.to } : null;
        if (mine) f = experimentReducer(f, { type: "setPeriod", which: "before", edge: "from", ts: mine.from });
        if (!historyFirst) f = experimentReducer(f, loaded);
        if (mine) {
          expect(f.before).toEqual(mine);
          return;
        }
        const len = reference(T0, versions[0]!.validFrom, null, T0 + nowAfter, historyFrom);
        expect(f.before).toEqual(len === null ? null : { from: T0 - len, to: T0 });
        expect(f.after).toEqual(len === null ? null : { from: T0, to: T0 + len });
      }),
      { numRuns: 2000 },
    );
  });
});

describe("storeHistoryStart", () => {
  it("is an hour before the first data, or earlier across the closed stretch just before it, never across an opening", () => {
    const interval = fc
      .tuple(fc.integer({ min: -9 * 24, max: 2 * 24 }), fc.integer({ min: 1, max: 16 }))
      .map(([h, len]) => ({ from: T0 + h * HOUR, to: T0 + (h + len) * HOUR }));
    fc.assert(
      fc.property(fc.integer({ min: -2 * 24, max: 24 }), fc.option(fc.array(interval, { maxLength: 12 })), (firstHour, open) => {
        const first = T0 + firstHour * HOUR;
        const start = storeHistoryStart(first, open);
        if (open === null) {
          expect(start).toBe(first - HOUR);
          return;
        }
        const before = open.filter((o) => o.from < first);
        if (before.length === 0) {
          expect(start).toBeNull();
          return;
        }
        expect(start).not.toBeNull();
        expect(start!).toBeLessThanOrEqual(first - HOUR);
        // Closed all through [start, first - 1 h), and it could not start earlier: at an opening's end, or the hour before the first data.
        if (start! < first - HOUR) expect(open.some((o) => o.from < first - HOUR && o.to > start!)).toBe(false);
        expect(start === first - HOUR || open.some((o) => o.to === start)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("is null for a store without data", () => {
    expect(storeHistoryStart(null, null)).toBeNull();
  });
});
