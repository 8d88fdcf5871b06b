import fc from "fast-check";
import { Histogram, Registry } from "prom-client";
import { describe, expect, test } from "vitest";
import { FastHistogram } from "./fast-histogram.js";

const buckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600];

describe("FastHistogram", () => {
  test("exposes exactly what prom-client's Histogram exposes for the same values (bucket edges, zero, huge, reset)", async () => {
    const value = fc.oneof(fc.constantFrom(0, ...buckets, 3600.0001, 1e9), fc.double({ min: 0, max: 5000, noNaN: true }));
    await fc.assert(
      fc.asyncProperty(fc.array(value, { maxLength: 60 }), fc.nat({ max: 60 }), async (values, resetAt) => {
        const ours = new Registry();
        const theirs = new Registry();
        const a = new FastHistogram({ name: "x_lag_seconds", help: "lag", buckets, registers: [ours] });
        const b = new Histogram({ name: "x_lag_seconds", help: "lag", buckets, registers: [theirs] });
        for (const [i, v] of values.entries()) {
          if (i === resetAt) {
            a.reset();
            b.reset();
          }
          a.observe(v);
          b.observe(v);
        }
        expect(await ours.metrics()).toBe(await theirs.metrics());
      }),
      { numRuns: 200 },
    );
  });

  test("a value that is not a number is refused, as prom-client refuses it", () => {
    const h = new FastHistogram({ name: "y_seconds", help: "y", buckets, registers: [] });
    expect(() => h.observe(Number.NaN)).toThrow(/not a valid number/);
  });
});
