import { describe, expect, it } from "vitest";
import type { Visit, VisitorId, ZoneId } from "../index.js";
import { dwellByZone, dwellStats } from "./dwell.js";

const S = 1000;
const closed = (visitor: string, zone: string, enterTs: number, dwellS: number): Visit => ({
  visitor: visitor as VisitorId,
  zone: zone as ZoneId,
  enterTs,
  enterId: `${visitor}-${zone}-${enterTs}`,
  exitTs: enterTs + dwellS * S,
  status: "closed",
  lastSeenTs: enterTs + dwellS * S,
});
const unfinished = (visitor: string, zone: string, enterTs: number, status: "open" | "abandoned"): Visit => ({ ...closed(visitor, zone, enterTs, 0), exitTs: null, status, lastSeenTs: enterTs });
const range = { from: 0, to: 3_600 * S };

describe("dwellStats", () => {
  it("is null without durations", () => {
    expect(dwellStats([])).toBeNull();
  });

  it("gives the mean in seconds", () => {
    expect(dwellStats([10 * S, 20 * S, 60 * S])!.mean).toBe(30);
  });

  it("takes the middle value as the median of an odd count", () => {
    expect(dwellStats([60 * S, 10 * S, 20 * S])!.median).toBe(20);
  });

  it("takes the mean of the two middle values as the median of an even count", () => {
    expect(dwellStats([10 * S, 30 * S, 40 * S, 100 * S])!.median).toBe(35);
  });

  it("takes the value at position ceil(0.9 n) of the sorted list as p90", () => {
    const tenValues = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((s) => s * S);
    expect(dwellStats(tenValues)!.p90).toBe(9);
    expect(dwellStats([5 * S, 1 * S])!.p90).toBe(5); // ceil(1.8) = 2
  });

  it("finds the nearest rank where 0.9 n is an integer in exact arithmetic but not in floating point", () => {
    const seventy = Array.from({ length: 70 }, (_, i) => (i + 1) * S); // 0.9 * 70 = 63.00000000000001
    expect(dwellStats(seventy)!.p90).toBe(63);
  });
});

describe("dwellByZone", () => {
  it("takes the mean of the two middle visits as the median of an even count", () => {
    const visits = [closed("v1", "fruit", 0, 10), closed("v2", "fruit", 0, 30)];
    expect(dwellByZone(visits, range)[0]!.dwell_s!.median).toBe(20);
  });

  it("takes visits by enter ts in [from, to)", () => {
    const visits = [closed("v1", "fruit", -1, 10), closed("v2", "fruit", 0, 10), closed("v3", "fruit", range.to, 10)];
    expect(dwellByZone(visits, range)[0]!.visits).toBe(1);
  });

  it("counts distinct visitors among the visits", () => {
    const visits = [closed("v1", "fruit", 0, 10), closed("v1", "fruit", 100 * S, 10), closed("v2", "fruit", 0, 10)];
    expect(dwellByZone(visits, range)[0]).toMatchObject({ visits: 3, visitors: 2 });
  });

  it("leaves abandoned and open visits out of dwell but counts them as visits", () => {
    const visits = [closed("v1", "fruit", 0, 10), unfinished("v2", "fruit", 0, "abandoned"), unfinished("v3", "fruit", 0, "open")];
    expect(dwellByZone(visits, range)[0]).toEqual({ zone: "fruit", visits: 3, visitors: 3, dwell_s: { mean: 10, median: 10, p90: 10 } });
  });

  it("gives null statistics to a zone with no closed visit", () => {
    expect(dwellByZone([unfinished("v1", "fruit", 0, "abandoned")], range)[0]!.dwell_s).toBeNull();
  });

  it("sorts zones by id", () => {
    const visits = [closed("v1", "till", 0, 1), closed("v1", "bread", 0, 1), closed("v1", "fruit", 0, 1)];
    expect(dwellByZone(visits, range).map((z) => z.zone)).toEqual(["bread", "fruit", "till"]);
  });
});
