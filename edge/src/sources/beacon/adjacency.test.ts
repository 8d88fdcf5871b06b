import { describe, expect, it } from "vitest";
import { layoutAdjacency, polygonDistance } from "./adjacency.js";

const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

describe("polygonDistance", () => {
  it("is 0 for outlines that share a wall or overlap, and the gap otherwise", () => {
    expect(polygonDistance(rect(0, 0, 10, 10), rect(10, 0, 20, 10))).toBe(0);
    expect(polygonDistance(rect(0, 0, 10, 10), rect(5, 5, 15, 15))).toBe(0);
    expect(polygonDistance(rect(0, 0, 10, 10), rect(2, 2, 4, 4))).toBe(0);
    expect(polygonDistance(rect(0, 0, 10, 10), rect(12, 0, 20, 10))).toBeCloseTo(2);
    expect(polygonDistance(rect(0, 0, 10, 10), rect(13, 14, 20, 20))).toBeCloseTo(5);
  });
});

describe("layoutAdjacency", () => {
  it("joins the zones of a 3 x 2 grid that share a wall or a corner, and no others", () => {
    const zones = [
      { id: "entrance", polygon: rect(0, 0, 10, 10) },
      { id: "fruit", polygon: rect(10, 0, 20, 10) },
      { id: "bakery", polygon: rect(20, 0, 30, 10) },
      { id: "checkout", polygon: rect(0, 10, 10, 20) },
      { id: "dairy", polygon: rect(10, 10, 20, 20) },
      { id: "drinks", polygon: rect(20, 10, 30, 20) },
    ];
    const pairs = layoutAdjacency(zones, 1)!;
    const walls = [
      ["entrance", "fruit"],
      ["bakery", "fruit"],
      ["checkout", "entrance"],
      ["dairy", "fruit"],
      ["bakery", "drinks"],
      ["checkout", "dairy"],
      ["dairy", "drinks"],
    ];
    const corners = [["dairy", "entrance"], ["checkout", "fruit"], ["dairy", "bakery"].sort(), ["drinks", "fruit"]];
    expect([...pairs].map((p) => p.join("-")).sort()).toEqual([...walls, ...corners].map((p) => p.join("-")).sort());
    expect(pairs.some(([a, b]) => (a === "bakery" && b === "entrance") || (a === "checkout" && b === "drinks"))).toBe(false);
  });

  it("keeps zones across an aisle wider than the gap apart", () => {
    const zones = [
      { id: "a", polygon: rect(0, 0, 5, 5) },
      { id: "b", polygon: rect(8, 0, 12, 5) },
    ];
    expect(layoutAdjacency(zones, 1)).toEqual([]);
    expect(layoutAdjacency(zones, 3)).toEqual([["a", "b"]]);
  });
});
