import { describe, expect, it } from "vitest";
import { backoffDelay } from "./connection.js";

describe("backoffDelay", () => {
  it("doubles from the minimum after each failed attempt", () => {
    const mid = () => 0.5; // no jitter
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, 1000, 30_000, mid))).toEqual([1000, 2000, 4000, 8000]);
  });

  it("stops growing at the maximum", () => {
    expect(backoffDelay(20, 1000, 30_000, () => 0.5)).toBe(30_000);
  });

  it("spreads retries by ±20% so that many agents do not reconnect in step", () => {
    expect(backoffDelay(1, 1000, 30_000, () => 0)).toBe(800);
    expect(backoffDelay(1, 1000, 30_000, () => 0.999999)).toBe(1200);
  });
});
