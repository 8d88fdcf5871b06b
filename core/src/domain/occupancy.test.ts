import { describe, expect, it } from "vitest";
import { minuteEvents } from "../../../test/support/minute-events.js";
import type { FootfallEvent, ZoneId } from "../index.js";
import { occupancyOf } from "./occupancy.js";

const MIN = 60_000;
const T0 = Date.parse("2026-03-02T09:00:00Z"); // 10:00 in Paris; local midnight is 2026-03-01T23:00Z
const MIDNIGHT = Date.parse("2026-03-01T23:00:00Z");
const opts = { visitTimeoutMs: 30 * MIN };
const { at, enter, exit, count } = minuteEvents(T0);
const door = (ts: number, n: number, out: number) => count("door", ts, n, out);
const zones = [{ id: "fruit" as ZoneId, capacity: 2 }, { id: "bread" as ZoneId }];
const occupancy = (events: FootfallEvent[], now = at(10)) => occupancyOf(events, zones, now, "Europe/Paris", opts);

describe("occupancyOf", () => {
  it("counts per zone the visitors with an open visit", () => {
    const occ = occupancy([enter("v1", "fruit", 0), enter("v2", "fruit", 1), enter("v3", "bread", 2), exit("v3", "bread", 3)]);
    expect(occ.zones).toEqual([{ zone: "fruit", occupancy: 2, capacity: 2 }, { zone: "bread", occupancy: 0, capacity: null }]);
  });

  it("leaves out visits abandoned by now", () => {
    expect(occupancy([enter("v1", "fruit", 0)], at(30)).zones[0]!.occupancy).toBe(0);
  });

  it("stamps the figures with now", () => {
    expect(occupancy([], at(10)).ts).toBe(at(10));
  });

  it("counts distinct visitors with an open visit as the store total without door counters", () => {
    expect(occupancy([enter("v1", "fruit", 0), enter("v1", "bread", 1), enter("v2", "bread", 2)]).total).toBe(2);
  });

  it("takes door in minus out since local midnight as the store total with door counters", () => {
    const events = [door(MIDNIGHT - 1, 50, 0), door(MIDNIGHT, 7, 2), door(at(5), 3, 1), enter("v1", "fruit", 0)];
    expect(occupancy(events).total).toBe(7);
  });

  it("does not count door counts after now yet", () => {
    expect(occupancy([door(at(5), 3, 0), door(at(11), 4, 0)], at(10)).total).toBe(3);
  });

  it("never gives a negative store total", () => {
    expect(occupancy([door(at(1), 1, 5)]).total).toBe(0);
  });

  it("uses door counters even when none has counted since midnight", () => {
    expect(occupancy([door(MIDNIGHT - 1, 5, 0), enter("v1", "fruit", 0)]).total).toBe(0);
  });

  it("ignores duplicate door counts", () => {
    const c = door(at(1), 4, 0);
    expect(occupancy([c, c]).total).toBe(4);
  });
});
