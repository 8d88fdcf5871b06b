import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { layoutInputValidator, layoutProblems, pointInPolygon, polygonCentroid } from "@footfall/core";
import { DEMO_LAYOUT } from "./demo-layout.js";

const jsonFile = JSON.parse(readFileSync(new URL("../../../examples/demo-layout.json", import.meta.url), "utf8")) as unknown;

describe("the demo layout", () => {
  it("is the same in edge/examples/demo-layout.json, for the server's demo to seed", () => {
    expect(jsonFile).toEqual(DEMO_LAYOUT);
  });

  it("is a valid layout input with sound geometry", () => {
    expect(layoutInputValidator.problems(jsonFile)).toEqual([]);
    expect(layoutProblems(DEMO_LAYOUT)).toEqual([]);
  });

  it("has 8+ zones of every useful kind, each with a capacity", () => {
    expect(DEMO_LAYOUT.zones.length).toBeGreaterThanOrEqual(8);
    const kinds = new Set(DEMO_LAYOUT.zones.map((z) => z.kind));
    for (const kind of ["entrance", "zone", "checkout", "fitting-room"]) expect(kinds).toContain(kind);
    for (const z of DEMO_LAYOUT.zones) expect(z.capacity, z.id).toBeGreaterThan(0);
    expect(DEMO_LAYOUT.floor).toEqual({ width: 30, height: 20 });
  });

  it("has no two zones overlapping", () => {
    const zones = DEMO_LAYOUT.zones;
    for (const a of zones) {
      for (const b of zones) {
        if (a === b) continue;
        // Rectangles: overlapping ones would contain a corner or the centre of the other.
        for (const p of [...b.polygon, polygonCentroid(b.polygon)]) expect(pointInPolygon(p, a.polygon) && !a.polygon.some((q) => q[0] === p[0] && q[1] === p[1]), `${a.id} / ${b.id}`).toBe(false);
      }
    }
  });
});
