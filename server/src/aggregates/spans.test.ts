import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DAY_MS, HOUR_MS } from "../analytics/time-parts.js";
import { spansOf } from "./spans.js";

const T0 = Date.UTC(2026, 2, 28);

/** Every ms of the spans as [start, end) pieces, sorted. */
function pieces(from: number, to: number): [number, number][] {
  const s = spansOf(from, to);
  const out: [number, number][] = [...s.partials];
  if (s.days) out.push([s.days[0] * DAY_MS, s.days[1] * DAY_MS]);
  for (const [a, b] of s.hours) out.push([a * HOUR_MS, b * HOUR_MS]);
  return out.sort((x, y) => x[0] - y[0]);
}

describe("spansOf", () => {
  it("covers [from, to) exactly once with whole days, whole hours and partial hours", () => {
    fc.assert(
      fc.property(fc.integer({ min: T0, max: T0 + 5 * DAY_MS }), fc.integer({ min: 0, max: 4 * DAY_MS }), (from, len) => {
        const to = from + len;
        const ps = pieces(from, to);
        if (len === 0) {
          expect(ps).toEqual([]);
          return;
        }
        expect(ps[0]![0]).toBe(from);
        expect(ps[ps.length - 1]![1]).toBe(to);
        for (let i = 1; i < ps.length; i++) expect(ps[i]![0]).toBe(ps[i - 1]![1]);
        for (const [a, b] of spansOf(from, to).partials) {
          expect(b).toBeGreaterThan(a);
          expect(Math.floor(a / HOUR_MS)).toBe(Math.floor((b - 1) / HOUR_MS)); // inside one hour
        }
      }),
    );
  });

  it("reads a whole month as days, with at most 46 hour rows around them", () => {
    const s = spansOf(T0 + 13 * 60_000, T0 + 30 * DAY_MS + 7 * 60_000);
    expect(s.days).toEqual([T0 / DAY_MS + 1, T0 / DAY_MS + 30]);
    expect(s.hours.reduce((n, [a, b]) => n + b - a, 0)).toBe(23);
    expect(s.partials).toHaveLength(2);
    expect(s.whole).toEqual([T0 / HOUR_MS + 1, (T0 + 30 * DAY_MS) / HOUR_MS]);
  });
});
