import { describe, expect, it } from "vitest";
import type { Layout, PathCount, TransitionCount } from "@footfall/core";
import { ENTERED, firstStepRows, firstSteps, flowArrows, namedPaths, stepText } from "./flows.js";

type Z = Layout["zones"][number];
const box = (id: string, kind: Z["kind"], x: number, y = 0) =>
  ({ id, name: id[0]!.toUpperCase() + id.slice(1), kind, polygon: [[x, y], [x + 2, y], [x + 2, y + 2], [x, y + 2]] }) as unknown as Z;
const layout = { zones: [box("door", "entrance", 0), box("fruit", "zone", 4), box("bread", "zone", 8), box("till", "checkout", 12)] };
const t = (from: string, to: string, count: number) => ({ from, to, count }) as TransitionCount;
const p = (count: number, ...zones: string[]) => ({ zones, count }) as PathCount;

describe("flowArrows", () => {
  it("draws the largest transition widest and scales the others linearly", () => {
    const arrows = flowArrows(layout, [t("door", "fruit", 10), t("fruit", "bread", 5)], { minWidth: 2, maxWidth: 12 });
    expect(arrows.map((a) => a.width)).toEqual([12, 7]);
  });
  it("leaves out transitions to zones that are not on the layout", () => {
    expect(flowArrows(layout, [t("door", "gone", 10)])).toEqual([]);
  });
  it("keeps only the largest transitions", () => {
    const arrows = flowArrows(layout, [t("door", "fruit", 1), t("fruit", "bread", 5), t("bread", "till", 3)], { maxArrows: 2 });
    expect(arrows.map((a) => a.count)).toEqual([5, 3]);
  });
  it("bends A→B and B→A to opposite sides", () => {
    const [ab, ba] = flowArrows(layout, [t("door", "fruit", 2), t("fruit", "door", 2)]);
    expect(Math.sign(ab!.points[3] - 1)).toBe(-Math.sign(ba!.points[3] - 1));
  });
});

describe("firstSteps", () => {
  const paths = [p(6, "door", "fruit", "till"), p(3, "door", "bread"), p(1, "door"), p(2, "fruit", "till")];
  it("starts trips that did not begin in an entrance zone from an implied entrance", () => {
    const s = firstSteps(layout, paths);
    expect(s.trips).toBe(12);
    expect(s.elsewhere).toBe(2);
    expect(s.nodes.find((n) => n.id === `0|${ENTERED}`)?.label).toBe("Entered the store");
    expect(s.links).toContainEqual({ source: `0|${ENTERED}`, target: "1|fruit", value: 2 });
  });
  it("links each step to the next with the trips that took it", () => {
    const s = firstSteps(layout, paths);
    expect(s.links).toContainEqual({ source: "0|door", target: "1|fruit", value: 6 });
    expect(s.links).toContainEqual({ source: "1|fruit", target: "2|till", value: 8 });
  });
  it("counts trips that went no further as drop-off at that step", () => {
    const s = firstSteps(layout, paths);
    expect(s.dropOff[0]).toEqual({ step: 1, left: 1, share: 1 / 12 });
    expect(s.dropOff[1]!.left).toBe(3);
    expect(s.links).toContainEqual({ source: "1|bread", target: "2|left", value: 3 });
  });
  it("groups zones beyond the busiest few of a step", () => {
    const s = firstSteps(layout, paths, 2, 1);
    expect(s.nodes.find((n) => n.id === "1|other")?.label).toBe("Other zones");
    expect(s.links).toContainEqual({ source: "0|door", target: "1|other", value: 3 });
  });
  it("never links a node to one on an earlier step", () => {
    const s = firstSteps(layout, [p(4, "door", "fruit", "door", "fruit")]);
    const level = new Map(s.nodes.map((n) => [n.id, n.level]));
    for (const l of s.links) expect(level.get(l.target)!).toBeGreaterThan(level.get(l.source)!);
  });
});

describe("firstStepRows: the Sankey's table for screen readers", () => {
  it("says which step each move is, so a pair of zones met at two steps is two rows told apart", () => {
    const rows = firstStepRows(firstSteps(layout, [p(4, "door", "fruit", "door", "fruit"), p(2, "door", "bread")]));
    expect(rows).toEqual([
      { step: 1, from: "Door", to: "Fruit", trips: 4 },
      { step: 1, from: "Door", to: "Bread", trips: 2 },
      { step: 2, from: "Fruit", to: "Door", trips: 4 },
      { step: 2, from: "Bread", to: "Left", trips: 2 },
      { step: 3, from: "Door", to: "Fruit", trips: 4 },
    ]);
    expect(rows.map((r) => stepText(r.step))).toContain("Step 3: from zone 2 to zone 3");
    expect(stepText(1)).toBe("Step 1: from the entrance");
  });
});

describe("namedPaths", () => {
  it("names the zones and gives each path's share", () => {
    expect(namedPaths(layout, [p(3, "door", "fruit"), p(1, "door")])[0]).toEqual({ names: ["Door", "Fruit"], count: 3, share: 0.75 });
  });
});

describe("trips: all of them, not only the listed paths", () => {
  const paths = [p(6, "door", "fruit", "till"), p(3, "door", "bread"), p(1, "door")];
  it("counts every trip in range and takes path shares of all of them", () => {
    const s = firstSteps(layout, paths, 3, 6, 20);
    expect([s.trips, s.listed]).toEqual([20, 10]);
    expect(s.dropOff[0]).toEqual({ step: 1, left: 1, share: 0.1 });
    expect(namedPaths(layout, paths, 10, 20)[0]!.share).toBe(0.3);
  });
  it("never reports fewer trips than the listed paths hold", () => {
    expect(firstSteps(layout, paths, 3, 6, 4).trips).toBe(10);
  });
  it("does not claim who left right after an entrance only a door counter sees", () => {
    const s = firstSteps(layout, [p(5, "fruit", "till"), p(2, "bread")]);
    expect(s.entranceTracked).toBe(false);
    expect(s.dropOff.map((d) => d.step)).toEqual([2, 3]);
    expect(s.nodes.find((n) => n.id === `0|${ENTERED}`)?.label).toBe("Came in (door counter)");
  });
});
