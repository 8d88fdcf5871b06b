/**
 * `unfinishedPeriods` against a reference that counts the period edges already passed (the four
 * edges are in order: before.from < before.to <= after.from < after.to, so their count names the
 * stage) and computes the share of the after period passed in exact integers.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { experimentStage, unfinishedPeriods, verdictsProvisional, type ExperimentPeriod } from "./experiment-periods.js";

const DAY = 86_400_000;

/** The stage at `now` as the number of edges passed: a start is passed once now is after it, an end once now reaches it. */
function reference(e: { before: ExperimentPeriod; after: ExperimentPeriod }, now: number): { stage: number; percent: number | null } {
  const passed = [e.before.from < now, e.before.to <= now, e.after.from < now, e.after.to <= now].filter(Boolean).length;
  const percent = passed === 3 ? Number((100n * BigInt(now - e.after.from)) / BigInt(e.after.to - e.after.from)) : null;
  return { stage: passed, percent };
}

const PREFIX = [
  "neither period has started yet:",
  "the before period is not over yet and the after period has not started:",
  "the after period has not started yet:",
  "the after period is not over yet (",
];

/** Periods as the server accepts them (a day to 93 days each, the after period at or after the before one's end), and an instant near them: often on an edge or a millisecond off one. */
const periodsAndNow = fc
  .record({
    start: fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }),
    before: fc.integer({ min: DAY, max: 93 * DAY }),
    gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 30 * DAY })),
    after: fc.integer({ min: DAY, max: 93 * DAY }),
  })
  .chain(({ start, before, gap, after }) => {
    const e = { before: { from: start, to: start + before }, after: { from: start + before + gap, to: start + before + gap + after } };
    const edges = [e.before.from, e.before.to, e.after.from, e.after.to];
    const now = fc.oneof(
      fc.integer({ min: start - 10 * DAY, max: e.after.to + 10 * DAY }),
      fc.tuple(fc.constantFrom(...edges), fc.integer({ min: -2, max: 2 })).map(([t, d]) => t + d),
    );
    return fc.tuple(fc.constant(e), now);
  });

describe("unfinishedPeriods", () => {
  it("names the stage the reference finds, with the share of the after period passed rounded down", () => {
    fc.assert(
      fc.property(periodsAndNow, ([e, now]) => {
        const got = unfinishedPeriods(e, now);
        const want = reference(e, now);
        if (want.stage === 4) {
          expect(got).toEqual([]);
          return;
        }
        expect(got).toHaveLength(1);
        expect(got[0]!.startsWith(PREFIX[want.stage]!)).toBe(true);
        if (want.percent !== null) {
          expect(want.percent).toBeGreaterThanOrEqual(0);
          expect(want.percent).toBeLessThan(100);
          expect(got[0]).toContain(`(${want.percent} % of it has passed)`);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("says each stage in full", () => {
    const p = (from: number, to: number) => ({ from, to });
    expect(unfinishedPeriods({ before: p(10, 20), after: p(20, 30) }, 5)).toEqual([
      "neither period has started yet: the change is still to come, so there is nothing to compare; come back once the after period is over",
    ]);
    expect(unfinishedPeriods({ before: p(10, 20), after: p(20, 30) }, 15)).toEqual(["the before period is not over yet and the after period has not started: there is nothing to compare yet"]);
    expect(unfinishedPeriods({ before: p(10, 20), after: p(25, 30) }, 22)).toEqual(["the after period has not started yet: there is nothing to compare until it has; come back once it is over"]);
    expect(unfinishedPeriods({ before: p(10, 20), after: p(20, 30) }, 20)[0]).toMatch(/^the after period has not started yet/);
    expect(unfinishedPeriods({ before: p(10, 20), after: p(20, 30) }, 25)).toEqual([
      "the after period is not over yet (50 % of it has passed): these are the figures so far, and they will change as data arrives",
    ]);
    expect(unfinishedPeriods({ before: p(10, 20), after: p(20, 30) }, 30)).toEqual([]);
  });
});

describe("experimentStage", () => {
  const STAGES = ["planned", "before", "between", "after", "over"] as const;

  it("is the stage the reference counts, with the share of the after period passed while it runs", () => {
    fc.assert(
      fc.property(periodsAndNow, ([e, now]) => {
        const got = experimentStage(e, now);
        const want = reference(e, now);
        expect(got.stage).toBe(STAGES[want.stage]);
        expect(got.stage === "after" ? got.passedPercent : null).toBe(want.percent);
      }),
      { numRuns: 2000 },
    );
  });

  it("never goes back as time passes", () => {
    fc.assert(
      fc.property(periodsAndNow, fc.integer({ min: 0, max: 200 * DAY }), ([e, now], later) => {
        expect(STAGES.indexOf(experimentStage(e, now + later).stage)).toBeGreaterThanOrEqual(STAGES.indexOf(experimentStage(e, now).stage));
      }),
    );
  });
});

describe("verdictsProvisional", () => {
  it("is true exactly while the after period runs (its start passed, its end not reached), as the reference counts", () => {
    fc.assert(
      fc.property(periodsAndNow, ([e, now]) => {
        expect(verdictsProvisional(e, now)).toBe(reference(e, now).stage === 3);
      }),
      { numRuns: 2000 },
    );
  });

  it("is final from the after period's end on, and not before it has started", () => {
    const e = { before: { from: 10, to: 20 }, after: { from: 20, to: 30 } };
    expect([15, 20, 21, 29, 30, 31].map((now) => verdictsProvisional(e, now))).toEqual([false, false, true, true, false, false]);
  });
});
