import { describe, expect, it } from "vitest";
import type { Layout } from "@footfall/core";
import type { EventDraft } from "../../source.js";
import type { Homography } from "../../vision/homography.js";
import type { TrackView } from "../../vision/tracker.js";
import { Scene, type SceneOptions } from "./scene.js";

/** 100 px = 1 m, no perspective: image (u, v) -> floor (u / 100, v / 100). */
const H: Homography = [0.01, 0, 0, 0, 0.01, 0, 0, 0, 1];
const layout = {
  zones: [
    {
      id: "fruit",
      name: "Fruit",
      kind: "zone",
      polygon: [
        [1, 1],
        [3, 1],
        [3, 3],
        [1, 3],
      ],
    },
  ],
} as unknown as Layout;

function scene(over: Partial<SceneOptions> = {}) {
  const events: EventDraft[] = [];
  let n = 0;
  const s = new Scene(
    {
      homography: H,
      frontSign: 1,
      minFramesIn: 2,
      minFramesOut: 2,
      positionEveryMs: 1000,
      rotateVisitorMs: 0,
      line: null,
      newVisitor: () => `v${++n}`,
      ...over,
    },
    (e) => events.push(e),
  );
  return { s, events };
}
const track = (id: number, u: number, v: number): TrackView => ({
  id,
  box: [u - 15, v - 80, u + 15, v],
  foot: [u, v],
  score: 0.8,
  detection: 0,
  sinceUpdate: 0,
  velocity: [0, 0],
});
const zones = Scene.zonesOf(layout);

describe("Scene", () => {
  it("enters a zone after minFramesIn frames inside and exits after minFramesOut outside", () => {
    const { s, events } = scene();
    s.step(0, [track(1, 200, 200)], [], zones);
    s.step(100, [track(1, 200, 200)], [], zones);
    s.step(200, [track(1, 500, 500)], [], zones);
    s.step(300, [track(1, 500, 500)], [], zones);
    expect(events.filter((e) => e.type !== "position")).toEqual([
      { type: "enter", ts: 100, zone: "fruit", visitor: "v1", confidence: 0.8 },
      { type: "exit", ts: 300, zone: "fruit", visitor: "v1", confidence: 0.8 },
    ]);
  });

  it("samples positions in metres at most once per positionEveryMs per visitor", () => {
    const { s, events } = scene();
    for (let ts = 0; ts <= 2500; ts += 100) s.step(ts, [track(1, 250, 150)], [], zones);
    const positions = events.filter((e) => e.type === "position");
    expect(positions.map((p) => p.ts)).toEqual([0, 1000, 2000]);
    expect(positions[0]).toMatchObject({ x: 2.5, y: 1.5, visitor: "v1" });
  });

  it("exits the zones of a track the tracker dropped, at the time it was last seen", () => {
    const { s, events } = scene();
    s.step(0, [track(1, 200, 200)], [], zones);
    s.step(100, [track(1, 200, 200)], [], zones);
    s.step(900, [], [1], zones);
    expect(events.filter((e) => e.type === "exit")).toEqual([{ type: "exit", ts: 100, zone: "fruit", visitor: "v1", confidence: 0.8 }]);
  });

  it("gives each track its own anonymous visitor and a fresh one after rotateVisitorMs, leaving and re-entering its zones", () => {
    const { s, events } = scene({ rotateVisitorMs: 1000 });
    for (let ts = 0; ts <= 1000; ts += 100) s.step(ts, [track(1, 200, 200), track(2, 900, 900)], [], zones);
    const zoneEvents = events.filter((e) => e.type === "enter" || e.type === "exit");
    expect(zoneEvents.map((e) => [e.type, (e as { visitor: string }).visitor, e.ts])).toEqual([
      ["enter", "v1", 100],
      ["exit", "v1", 1000],
      ["enter", "v3", 1000],
    ]);
  });

  it("emits no zone events without a calibration, but still counts the line", () => {
    const line = { a: [300, 0] as const, b: [300, 600] as const, margin: 5, zone: "door", reportEveryMs: 1000 };
    const { s, events } = scene({ homography: null, line });
    for (let k = 0; k < 20; k++) s.step(k * 100, [track(1, 250 + 10 * k, 200)], [], zones);
    s.endAll(2000);
    expect(events).toEqual([{ type: "count", ts: 600, zone: "door", in: 0, out: 1 }]);
  });

  it("reports line crossings at most once per reportEveryMs, summed", () => {
    const line = { a: [300, 0] as const, b: [300, 600] as const, margin: 5, zone: "door", reportEveryMs: 5000 };
    const { s, events } = scene({ homography: null, line });
    const path = [200, 400, 200, 400, 200];
    path.forEach((u, k) => s.step(k * 1000, [track(1, u, 100)], [], zones));
    s.step(6000, [], [], zones);
    expect(events).toEqual([{ type: "count", ts: 4000, zone: "door", in: 2, out: 2 }]);
  });

  it("counts the line's zone by the line alone, never by its outline too (the server adds the two)", () => {
    // "fruit" is both the line's zone and a zone of the layout under the walk: enters there would be counted again.
    const line = { a: [200, 0] as const, b: [200, 600] as const, margin: 5, zone: "fruit", reportEveryMs: 1000 };
    const { s, events } = scene({ line, positionEveryMs: 0 });
    for (let k = 0; k < 20; k++) s.step(k * 100, [track(1, 50 + 20 * k, 200)], [], zones);
    s.endAll(2000);
    expect(events).toEqual([{ type: "count", ts: 800, zone: "fruit", in: 0, out: 1 }]);
  });
});
