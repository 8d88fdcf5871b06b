import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DAY_MS, forEachPart, HOUR_MS } from "./time-parts.js";

type Part = { kind: "hour" | "day" | "partial"; from: number; to: number };
function parts(from: number, to: number): Part[] {
  const out: Part[] = [];
  forEachPart(from, to, {
    hour: (h) => out.push({ kind: "hour", from: h * HOUR_MS, to: (h + 1) * HOUR_MS }),
    day: (d) => out.push({ kind: "day", from: d * DAY_MS, to: (d + 1) * DAY_MS }),
    partial: (h, a, b) => {
      expect(Math.floor(a / HOUR_MS)).toBe(h);
      expect(Math.floor((b - 1) / HOUR_MS)).toBe(h);
      out.push({ kind: "partial", from: a, to: b });
    },
  });
  return out;
}

const BASE = Date.UTC(2026, 0, 1);
const instant = fc.integer({ min: BASE, max: BASE + 10 * DAY_MS });

describe("forEachPart", () => {
  it("covers [from, to) exactly once, in order, with whole UTC hours and days and at most two partial hours", () => {
    fc.assert(
      fc.property(instant, instant, (a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const ps = parts(from, to);
        if (from === to) {
          expect(ps).toEqual([]);
          return;
        }
        expect(ps[0]!.from).toBe(from);
        expect(ps[ps.length - 1]!.to).toBe(to);
        for (let i = 1; i < ps.length; i++) expect(ps[i]!.from).toBe(ps[i - 1]!.to);
        for (const p of ps) expect(p.to).toBeGreaterThan(p.from);
        expect(ps.filter((p) => p.kind === "partial").length).toBeLessThanOrEqual(2);
      }),
    );
  });

  it("uses whole days for the middle of a long range", () => {
    const ps = parts(BASE + 30 * 60_000, BASE + 3 * DAY_MS + 30 * 60_000);
    expect(ps.filter((p) => p.kind === "day")).toHaveLength(2);
    expect(ps.filter((p) => p.kind === "hour")).toHaveLength(23);
  });

  it("gives one partial hour for a range inside one hour", () => {
    expect(parts(BASE + 1000, BASE + 2000)).toEqual([{ kind: "partial", from: BASE + 1000, to: BASE + 2000 }]);
  });

  it("visits nothing for an empty or reversed range", () => {
    expect(parts(BASE, BASE)).toEqual([]);
    expect(parts(BASE + 1, BASE)).toEqual([]);
  });
});
