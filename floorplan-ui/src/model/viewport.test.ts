import { describe, expect, it } from "vitest";
import { fitViewport, panBy, toFloor, toScreen, zoomAt, ZOOM_LIMITS } from "./viewport.js";

describe("fitViewport", () => {
  it("scales a wide floor to the stage width and centres it vertically", () => {
    const v = fitViewport({ width: 40, height: 10 }, { width: 848, height: 600 }, 24);
    expect(v.scale).toBe(20);
    expect(v.x).toBe(24);
    expect(v.y).toBe((600 - 200) / 2);
  });
  it("scales a tall floor to the stage height", () => {
    const v = fitViewport({ width: 10, height: 40 }, { width: 800, height: 448 }, 24);
    expect(v.scale).toBe(10);
    expect(v.y).toBe(24);
  });
});

describe("toScreen and toFloor", () => {
  it("are inverse of each other", () => {
    const v = { scale: 17.5, x: -30, y: 12 };
    const [sx, sy] = toScreen(v, [3.2, 7.9]);
    const [x, y] = toFloor(v, [sx, sy]);
    expect(x).toBeCloseTo(3.2, 9);
    expect(y).toBeCloseTo(7.9, 9);
  });
});

describe("zoomAt", () => {
  it("keeps the floor point under the pointer still", () => {
    const v = { scale: 10, x: 5, y: 5 };
    const before = toFloor(v, [200, 150]);
    const after = toFloor(zoomAt(v, [200, 150], 2, 10), [200, 150]);
    expect(after[0]).toBeCloseTo(before[0], 9);
    expect(after[1]).toBeCloseTo(before[1], 9);
  });
  it("stops at the zoom limits", () => {
    const v = { scale: 10, x: 0, y: 0 };
    expect(zoomAt(v, [0, 0], 1000, 10).scale).toBe(10 * ZOOM_LIMITS.max);
    expect(zoomAt(v, [0, 0], 0.001, 10).scale).toBe(10 * ZOOM_LIMITS.min);
  });
});

describe("panBy", () => {
  it("moves the offset and leaves the scale", () => {
    expect(panBy({ scale: 3, x: 1, y: 2 }, 10, -5)).toEqual({ scale: 3, x: 11, y: -3 });
  });
});
