import { describe, expect, it } from "vitest";
import { minuteEvents } from "../../../test/support/minute-events.js";
import type { FootfallEvent, ZoneId } from "../index.js";
import { occupancyApply, occupancyExpire, occupancyInit, occupancySnapshot, occupancyStep, type OccupancyState } from "./live-occupancy.js";
import { occupancyOf } from "./occupancy.js";

const MIN = 60_000;
const T0 = Date.parse("2026-03-02T09:00:00Z");
const opts = { visitTimeoutMs: 30 * MIN, timeZone: "Europe/Paris", lateMs: 5 * MIN };
const { at, enter, exit, position, count } = minuteEvents(T0);
const door = (minute: number, n: number, out: number) => count("door", at(minute), n, out);
const zones = [{ id: "fruit" as ZoneId }, { id: "bread" as ZoneId }];
/** Feeds events one by one, each seen at its own ts plus `delayMin`. */
const feed = (events: FootfallEvent[], delayMin = 0, state: OccupancyState = occupancyInit(opts)): OccupancyState =>
  events.reduce((s, e) => occupancyStep(s, e, e.ts + delayMin * MIN).state, state);
const zoneCounts = (state: OccupancyState, now: number) => occupancySnapshot(state, zones, now).zones.map((z) => z.occupancy);

describe("occupancyStep", () => {
  it("opens and closes visits like occupancyOf", () => {
    const events = [enter("v1", "fruit", 0), enter("v2", "fruit", 1), exit("v1", "fruit", 2), enter("v2", "bread", 3)];
    const state = feed(events);
    expect(occupancySnapshot(state, zones, at(4))).toEqual(occupancyOf(events, zones, at(4), opts.timeZone, opts));
  });

  it("tells that the figures changed on an enter", () => {
    expect(occupancyStep(occupancyInit(opts), enter("v1", "fruit", 0), at(0)).changed).toBe(true);
  });

  it("tells that nothing changed on a position sample", () => {
    const state = feed([enter("v1", "fruit", 0)]);
    expect(occupancyStep(state, position("v1", 1), at(1)).changed).toBe(false);
  });

  it("ignores an event repeated by id", () => {
    const e = enter("v1", "fruit", 0);
    const state = feed([e, exit("v1", "fruit", 1)]);
    const again = occupancyStep(state, e, at(2));
    expect(again.changed).toBe(false);
    expect(zoneCounts(again.state, at(2))).toEqual([0, 0]);
  });

  it("places an event arriving late within lateMs in ts order", () => {
    const late = exit("v1", "fruit", 2);
    const state = feed([enter("v1", "fruit", 0), enter("v1", "fruit", 3)]);
    const after = occupancyStep(state, late, at(6)).state;
    expect(zoneCounts(after, at(6))).toEqual([1, 0]);
  });

  it("revives a visit when a late event fills the silence that abandoned it", () => {
    const state = feed([enter("v1", "fruit", 0), enter("v1", "bread", 32)]);
    expect(zoneCounts(state, at(33))).toEqual([0, 1]);
    const after = occupancyStep(state, position("v1", 29), at(33));
    expect(zoneCounts(after.state, at(33))).toEqual([1, 1]);
  });

  it("applies an event arriving exactly lateMs after its ts", () => {
    const state = occupancyStep(occupancyInit(opts), position("v2", 5), at(5)).state;
    const late = occupancyStep(state, enter("v1", "fruit", 0), at(5));
    expect(late).toMatchObject({ changed: true, stale: 0 });
  });

  it("does not apply an event older than the settled part, and counts it as stale", () => {
    const state = feed([enter("v1", "fruit", 0)], 0, occupancyInit(opts));
    const update = occupancyStep(occupancyExpire(state, at(20)).state, exit("v1", "fruit", 10), at(20));
    expect(update).toMatchObject({ changed: false, stale: 1 });
    expect(zoneCounts(update.state, at(20))).toEqual([1, 0]);
  });

  it("ignores a door count stamped after now until now reaches it", () => {
    const state = occupancyStep(occupancyInit(opts), door(2, 3, 0), at(1)).state;
    expect(occupancySnapshot(state, zones, at(1)).total).toBe(0);
    expect(occupancySnapshot(state, zones, at(2)).total).toBe(3);
  });
});

describe("occupancyApply", () => {
  it("takes a batch in any order with duplicates", () => {
    const events = [enter("v1", "fruit", 0), exit("v1", "fruit", 1), enter("v2", "bread", 2)];
    const state = occupancyApply(occupancyInit(opts), [events[2]!, events[1]!, events[0]!, events[1]!], at(3)).state;
    expect(zoneCounts(state, at(3))).toEqual([0, 1]);
  });

  it("rebuilds a state from stored events, settling the old ones", () => {
    const events = [enter("v1", "fruit", 0), enter("v2", "bread", 1), exit("v2", "bread", 2), door(3, 4, 1)];
    const { state } = occupancyApply(occupancyInit(opts), events, at(20));
    expect(occupancySnapshot(state, zones, at(20))).toEqual(occupancyOf(events, zones, at(20), opts.timeZone, opts));
  });
});

describe("occupancyExpire", () => {
  it("abandons visits as time passes and tells that the figures changed", () => {
    const state = feed([enter("v1", "fruit", 0)]);
    expect(occupancyExpire(state, at(29)).changed).toBe(false);
    const expired = occupancyExpire(state, at(30));
    expect(expired.changed).toBe(true);
    expect(zoneCounts(expired.state, at(30))).toEqual([0, 0]);
  });

  it("resets the door total at the store's local midnight", () => {
    const beforeMidnight = Date.parse("2026-03-02T22:50:00Z"); // 23:50 in Paris
    const state = occupancyStep(occupancyInit(opts), { type: "count", id: "c1", ts: beforeMidnight, zone: "door" as ZoneId, in: 5, out: 0 }, beforeMidnight).state;
    expect(occupancySnapshot(state, zones, beforeMidnight).total).toBe(5);
    const next = occupancyExpire(state, beforeMidnight + 10 * MIN);
    expect(next.changed).toBe(true);
    expect(occupancySnapshot(next.state, zones, beforeMidnight + 10 * MIN).total).toBe(0);
  });

  it("keeps only open visitors once their events are settled", () => {
    const state = feed([enter("v1", "fruit", 0), exit("v1", "fruit", 1), enter("v2", "fruit", 2), enter("v3", "bread", 3)]);
    const later = occupancyExpire(state, at(20)).state;
    expect([...later.settled.keys()].sort()).toEqual(["v2", "v3"]);
    expect(later.recent).toEqual([]);
    expect(occupancyExpire(later, at(60)).state.settled.size).toBe(0);
  });
});
