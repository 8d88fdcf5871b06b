import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { TrafficBucket } from "@footfall/core";
import { firstDataStart, rangeHasData, rangeIsPartial, slotHasData } from "./coverage.js";

const b = (start: string, enters: number, zones: Record<string, number> = {}): TrafficBucket => ({ start, enters, zones });

describe("firstDataStart", () => {
  it("is the first bucket with an enter in any zone, zeros before it ignored", () => {
    expect(firstDataStart([b("2026-11-20T08:00:00+01:00", 0), b("2026-11-20T09:00:00+01:00", 0, { fruit: 2 }), b("2026-11-20T10:00:00+01:00", 4)])).toBe(Date.parse("2026-11-20T08:00:00Z"));
  });
  it("is null when nothing was ever counted", () => {
    expect(firstDataStart([b("2026-11-20T08:00:00+01:00", 0)])).toBeNull();
  });
  it("equals the earliest non-empty bucket, whatever the order (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ h: fc.integer({ min: 0, max: 500 }), n: fc.integer({ min: 0, max: 3 }) })), (xs) => {
        const buckets = xs.map(({ h, n }) => b(new Date(Date.UTC(2026, 0, 1) + h * 3_600_000).toISOString(), n));
        const nonEmpty = xs.filter((x) => x.n > 0).map((x) => Date.UTC(2026, 0, 1) + x.h * 3_600_000);
        expect(firstDataStart(buckets)).toBe(nonEmpty.length ? Math.min(...nonEmpty) : null);
      }),
    );
  });
});

describe("slotHasData", () => {
  const c = { from: 1000, now: 5000 };
  it("has data from the first figure until now", () => {
    expect(slotHasData(0, 1000, c)).toBe(false);
    expect(slotHasData(0, 1001, c)).toBe(true);
    expect(slotHasData(4999, 6000, c)).toBe(true);
    expect(slotHasData(5000, 6000, c)).toBe(false);
  });
  it("never has data in a store without figures", () => {
    expect(slotHasData(0, 10_000, { from: null, now: 10_000 })).toBe(false);
  });
  it("tells ranges with no data and partial ones", () => {
    expect(rangeHasData({ from: 0, to: 900 }, c)).toBe(false);
    expect(rangeIsPartial({ from: 0, to: 2000 }, c)).toBe(true);
    expect(rangeIsPartial({ from: 1000, to: 2000 }, c)).toBe(false);
  });
});
