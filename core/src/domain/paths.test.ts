import { describe, expect, it } from "vitest";
import { minuteEvents } from "../../../test/support/minute-events.js";
import type { FootfallEvent, Trip, VisitorId, ZoneId } from "../index.js";
import { pathReport } from "./paths.js";
import { tripsOf, tripsOfVisitor } from "./trips.js";

const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 2, 9, 0);
const opts = { visitTimeoutMs: 30 * MIN };
const { at, enter, exit, position } = minuteEvents(T0);
/** A visitor walking through zones, one minute each, starting at `minute`. */
const walk = (visitor: string, minute: number, ...zones: string[]): FootfallEvent[] =>
  zones.flatMap((z, i) => [enter(visitor, z, minute + i), exit(visitor, z, minute + i + 0.5)]);
const trip = (minute: number, ...zones: string[]): Trip => ({ visitor: "v" as VisitorId, startTs: at(minute), zones: zones as ZoneId[] });
const all = { from: at(0), to: at(600) };

describe("tripsOf", () => {
  it("lists the zones entered in order of enter ts", () => {
    expect(tripsOf(walk("v1", 0, "entrance", "fruit", "till"), opts)).toEqual([{ visitor: "v1", startTs: at(0), zones: ["entrance", "fruit", "till"] }]);
  });

  it("folds an immediate re-entry of the same zone into one", () => {
    expect(tripsOf(walk("v1", 0, "fruit", "fruit", "bread", "fruit"), opts)[0]!.zones).toEqual(["fruit", "bread", "fruit"]);
  });

  it("does not count an ignored second enter as a re-entry", () => {
    const events = [enter("v1", "fruit", 0), enter("v1", "bread", 1), enter("v1", "fruit", 2)];
    expect(tripsOf(events, opts)[0]!.zones).toEqual(["fruit", "bread"]);
  });

  it("ends a trip when the visitor is silent for visitTimeoutMs", () => {
    const trips = tripsOf([...walk("v1", 0, "fruit"), ...walk("v1", 31, "bread")], opts);
    expect(trips.map((t) => [t.startTs, t.zones])).toEqual([[at(0), ["fruit"]], [at(31), ["bread"]]]);
  });

  it("keeps one trip while position samples fill the silence", () => {
    const trips = tripsOf([...walk("v1", 0, "fruit"), position("v1", 20), ...walk("v1", 40, "bread")], opts);
    expect(trips.map((t) => t.zones)).toEqual([["fruit", "bread"]]);
  });

  it("drops trips that opened no visit", () => {
    expect(tripsOf([position("v1", 0), exit("v1", "fruit", 1)], opts)).toEqual([]);
  });

  it("starts a trip at its first enter, not its first activity", () => {
    expect(tripsOf([position("v1", 0), enter("v1", "fruit", 5)], opts)[0]!.startTs).toBe(at(5));
  });

  it("gives one visitor's part of tripsOf with tripsOfVisitor", () => {
    const events = [...walk("v1", 0, "a", "b"), ...walk("v2", 1, "b", "c"), ...walk("v1", 50, "c")];
    expect(tripsOfVisitor("v1" as VisitorId, events, opts)).toEqual(tripsOf(events, opts).filter((t) => t.visitor === "v1"));
  });
});

describe("pathReport", () => {
  it("counts trips with an identical zone sequence as one path", () => {
    expect(pathReport([trip(0, "a", "b"), trip(1, "a", "b"), trip(2, "a")], all).paths).toEqual([
      { zones: ["a", "b"], count: 2 },
      { zones: ["a"], count: 1 },
    ]);
  });

  it("takes a trip in range when its first enter is, wherever its later enters fall", () => {
    const report = pathReport([trip(9, "a", "b"), trip(10, "c")], { from: at(10), to: at(20) });
    expect(report.paths).toEqual([{ zones: ["c"], count: 1 }]);
  });

  it("leaves out a trip starting exactly at the end of the range", () => {
    expect(pathReport([trip(20, "a")], { from: at(10), to: at(20) }).paths).toEqual([]);
  });

  it("breaks count ties lexically by zone sequence", () => {
    const report = pathReport([trip(0, "b"), trip(1, "a", "c"), trip(2, "a")], all);
    expect(report.paths.map((p) => p.zones.join(","))).toEqual(["a", "a,c", "b"]);
  });

  it("counts every consecutive pair of the paths as a transition", () => {
    const report = pathReport([trip(0, "a", "b", "a", "b"), trip(1, "b", "c")], all);
    expect(report.transitions).toEqual([
      { from: "a", to: "b", count: 2 },
      { from: "b", to: "a", count: 1 },
      { from: "b", to: "c", count: 1 },
    ]);
  });

  it("limits the paths but lists every transition", () => {
    const report = pathReport([trip(0, "a", "b"), trip(1, "a", "b"), trip(2, "c", "d")], all, 1);
    expect(report.paths).toEqual([{ zones: ["a", "b"], count: 2 }]);
    expect(report.transitions.map((t) => `${t.from}>${t.to}`)).toEqual(["a>b", "c>d"]);
  });

  it("lists at most 20 paths by default", () => {
    const trips = Array.from({ length: 25 }, (_, i) => trip(i, `z${String(i).padStart(2, "0")}`));
    expect(pathReport(trips, all).paths).toHaveLength(20);
  });
});
