import { describe, expect, it } from "vitest";
import { allOffline, gapsNotCounted, withoutGaps } from "./series.js";

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 30);
const starts = Array.from({ length: 24 }, (_, i) => T0 + i * H);

describe("allOffline: when every agent of a zone was offline", () => {
  it("is the intersection of the agents' spans, an open span read up to now", () => {
    const spans = [
      { agent: "door-1", from: T0, to: T0 + 10 * H },
      { agent: "door-1", from: T0 + 20 * H, to: null },
      { agent: "door-2", from: T0 + 5 * H, to: T0 + 22 * H },
    ];
    expect(allOffline(["door-1", "door-2"], spans, T0 + 30 * H)).toEqual([
      { from: T0 + 5 * H, to: T0 + 10 * H },
      { from: T0 + 20 * H, to: T0 + 22 * H },
    ]);
    expect(allOffline(["door-1"], spans, T0 + 30 * H)).toEqual([
      { from: T0, to: T0 + 10 * H },
      { from: T0 + 20 * H, to: T0 + 30 * H },
    ]);
  });
  it("is nothing when one agent was never offline, or no agent is known to count the zone", () => {
    expect(allOffline(["door-1", "cam-1"], [{ agent: "door-1", from: T0, to: T0 + H }], T0 + 2 * H)).toEqual([]);
    expect(allOffline([], [{ agent: "door-1", from: T0, to: T0 + H }], T0 + 2 * H)).toEqual([]);
  });
});

describe("gapsNotCounted and withoutGaps: the hours nobody counted", () => {
  it("starts a gap after the last hour within it that counted someone (delivered later by store-and-forward)", () => {
    const counts = starts.map((_, i) => (i >= 9 && i < 16 ? 5 : 0));
    expect(gapsNotCounted(starts, counts, [{ from: T0, to: T0 + 24 * H }])).toEqual([{ from: T0 + 16 * H, to: T0 + 24 * H }]);
    expect(gapsNotCounted(starts, counts, [{ from: T0 + 10 * H, to: T0 + 12 * H }])).toEqual([]);
    expect(gapsNotCounted(starts, counts, [{ from: T0 + 17 * H, to: T0 + 19 * H }])).toEqual([{ from: T0 + 17 * H, to: T0 + 19 * H }]);
  });
  it("makes unknown every hour a gap touches, a partly counted hour too; the others are kept", () => {
    const values = starts.map(() => 3);
    const out = withoutGaps(starts, values, [{ from: T0 + 2 * H + 60_000, to: T0 + 4 * H }]);
    expect(out.map((v, i) => (v === null ? i : -1)).filter((i) => i >= 0)).toEqual([2, 3]);
    expect(withoutGaps(starts, values, [])).toEqual(values);
  });
});
