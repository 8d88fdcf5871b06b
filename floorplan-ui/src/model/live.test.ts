import { describe, expect, it } from "vitest";
import type { Layout, Occupancy } from "@footfall/core";
import { capacityState, liveScene, stateText, storeCapacity, trackOver } from "./live.js";

type Z = Layout["zones"][number];
const zone = (id: string, capacity?: number) => ({ id, name: id, kind: "zone", polygon: [[0, 0], [1, 0], [1, 1]], ...(capacity === undefined ? {} : { capacity }) }) as unknown as Z;
const occ = (total: number, zones: [string, number, number | null][]): Occupancy =>
  ({ ts: 0, total, zones: zones.map(([zone, occupancy, capacity]) => ({ zone, occupancy, capacity })) }) as Occupancy;

describe("capacityState", () => {
  it("is ok below 80 %, busy from 80 %, full at capacity and over above it", () => {
    expect(capacityState(7, 10)).toBe("ok");
    expect(capacityState(8, 10)).toBe("busy");
    expect(capacityState(10, 10)).toBe("full");
    expect(capacityState(12, 10)).toBe("over");
  });
  it("tells at capacity from over by how many", () => {
    expect(stateText(2, 2, capacityState(2, 2))).toBe("At capacity");
    expect(stateText(10, 2, capacityState(10, 2))).toBe("Over by 8");
  });
  it("has no state without a capacity", () => {
    expect(capacityState(50, null)).toBe("none");
  });
  it("is full for anyone in a zone of capacity 0", () => {
    expect(capacityState(1, 0)).toBe("over");
    expect(capacityState(0, 0)).toBe("ok");
  });
});

describe("storeCapacity", () => {
  it("adds up the zones that have a capacity", () => {
    expect(storeCapacity([{ capacity: 10 }, { capacity: null }, { capacity: 5 }])).toBe(15);
  });
  it("is null when no zone has one", () => {
    expect(storeCapacity([{ capacity: null }])).toBeNull();
  });
});

describe("liveScene", () => {
  const layout = { zones: [zone("fruit", 10), zone("bread", 4), zone("hall")] };
  it("takes figures and capacities from the occupancy message, zones worst first", () => {
    const s = liveScene(layout, occ(9, [["fruit", 8, 10], ["bread", 1, 4]]));
    expect(s.zones.map((z) => [z.id, z.state])).toEqual([["fruit", "busy"], ["bread", "ok"], ["hall", "none"]]);
    expect(s.capacity).toBe(14);
    expect(s.state).toBe("ok");
  });
  it("shows zeros before the first message", () => {
    const s = liveScene(layout, null);
    expect(s.total).toBe(0);
    expect(s.zones.find((z) => z.id === "fruit")!.capacity).toBe(10);
  });
  it("raises an alert per zone and for the store over capacity, not at capacity", () => {
    const s = liveScene(layout, occ(16, [["fruit", 11, 10], ["bread", 4, 4]]));
    expect(s.alerts.map((a) => a.text)).toEqual(["Whole store: 16 of 14, over by 2", "fruit: 11 of 10, over by 1"]);
  });
  it("puts the zone over capacity first, then those at capacity, busy, ok", () => {
    const big = { zones: [zone("a", 10), zone("b", 10), zone("c", 10), zone("d", 10), zone("e")] };
    const s = liveScene(big, occ(0, [["a", 1, 10], ["b", 10, 10], ["c", 9, 10], ["d", 14, 10], ["e", 3, null]]));
    expect(s.zones.map((z) => z.id)).toEqual(["d", "b", "c", "a", "e"]);
  });
  it("shows the store card in the worst state of the store and its zones (never green under a red banner)", () => {
    const s = liveScene(layout, occ(3, [["fruit", 1, 10], ["bread", 6, 4]]));
    expect([s.state, s.attention]).toEqual(["ok", "over"]);
  });
  it("says where the store total comes from and how many are followed in zones", () => {
    const s = liveScene(layout, { ...occ(16, [["fruit", 5, 10], ["bread", 2, 4]]), totalFrom: "door", doorZones: ["hall"] });
    expect([s.totalFrom, s.total, s.inZones]).toEqual(["door", 16, 7]);
    expect(s.zones.find((z) => z.id === "hall")?.doorOnly).toBe(true);
  });
});

describe("trackOver", () => {
  const over = (ids: string[]) => ({ alerts: ids.map((id) => ({ id, text: id })) });
  it("keeps the time an alert began while it lasts, and forgets it once it ends", () => {
    let t = trackOver(new Map(), over([]), 1000, true);
    t = trackOver(t, over(["fruit"]), 2000, false);
    t = trackOver(t, over(["fruit", "store"]), 3000, false);
    expect(t.get("fruit")).toEqual({ since: 2000, seenStart: true });
    expect(t.get("store")).toEqual({ since: 3000, seenStart: true });
    t = trackOver(t, over(["store"]), 4000, false);
    expect(t.has("fruit")).toBe(false);
  });
  it("says an alert already on when the view opened began at an unknown time", () => {
    expect(trackOver(new Map(), over(["fruit"]), 5000, true).get("fruit")).toEqual({ since: 5000, seenStart: false });
  });
});
