import { describe, expect, it } from "vitest";
import type { Layout, Occupancy } from "@footfall/core";
import { capacityState, liveScene, storeCapacity } from "./live.js";

type Z = Layout["zones"][number];
const zone = (id: string, capacity?: number) => ({ id, name: id, kind: "zone", polygon: [[0, 0], [1, 0], [1, 1]], ...(capacity === undefined ? {} : { capacity }) }) as unknown as Z;
const occ = (total: number, zones: [string, number, number | null][]): Occupancy =>
  ({ ts: 0, total, zones: zones.map(([zone, occupancy, capacity]) => ({ zone, occupancy, capacity })) }) as Occupancy;

describe("capacityState", () => {
  it("is ok below 80 %, busy from 80 % and full from 100 %", () => {
    expect(capacityState(7, 10)).toBe("ok");
    expect(capacityState(8, 10)).toBe("busy");
    expect(capacityState(10, 10)).toBe("full");
    expect(capacityState(12, 10)).toBe("full");
  });
  it("has no state without a capacity", () => {
    expect(capacityState(50, null)).toBe("none");
  });
  it("is full for anyone in a zone of capacity 0", () => {
    expect(capacityState(1, 0)).toBe("full");
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
  it("takes figures and capacities from the occupancy message", () => {
    const s = liveScene(layout, occ(9, [["fruit", 8, 10], ["bread", 1, 4]]));
    expect(s.zones.map((z) => z.state)).toEqual(["busy", "ok", "none"]);
    expect(s.capacity).toBe(14);
    expect(s.state).toBe("ok");
  });
  it("shows zeros before the first message", () => {
    const s = liveScene(layout, null);
    expect(s.total).toBe(0);
    expect(s.zones[0]!.capacity).toBe(10);
  });
  it("raises an alert per zone and for the store over capacity, not at capacity", () => {
    const s = liveScene(layout, occ(16, [["fruit", 11, 10], ["bread", 4, 4]]));
    expect(s.alerts).toEqual(["Whole store: 16 of 14", "fruit: 11 of 10"]);
  });
});
