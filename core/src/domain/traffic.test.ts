import { describe, expect, it } from "vitest";
import type { CountEvent, Visit, VisitorId, ZoneId, ZoneKind } from "../index.js";
import { trafficOf } from "./traffic.js";

const H = 3_600_000;
const T0 = Date.parse("2026-03-02T09:00:00Z"); // 10:00 in Paris
const visit = (zone: string, enterTs: number, visitor = "v1"): Visit => ({
  visitor: visitor as VisitorId,
  zone: zone as ZoneId,
  enterTs,
  enterId: `${visitor}-${zone}-${enterTs}`,
  exitTs: null,
  status: "open",
  lastSeenTs: enterTs,
});
let seq = 0;
const door = (zone: string, ts: number, n: number, out = 0): CountEvent => ({ type: "count", id: `c${++seq}`, ts, zone: zone as ZoneId, in: n, out });
const kinds: Record<string, ZoneKind> = { door: "entrance", side: "entrance", fruit: "zone", till: "checkout" };
const kindOf = (zone: ZoneId): ZoneKind | undefined => kinds[zone];
const hours = (n: number) => ({ from: T0, to: T0 + n * H });

describe("trafficOf", () => {
  it("lists every bucket of the range, empty ones with zeros", () => {
    expect(trafficOf([], [], hours(2), "hour", "Europe/Paris", kindOf)).toEqual([
      { start: "2026-03-02T10:00:00+01:00", enters: 0, zones: {} },
      { start: "2026-03-02T11:00:00+01:00", enters: 0, zones: {} },
    ]);
  });

  it("counts the visits a zone opened by enter ts, in the bucket of that ts", () => {
    const buckets = trafficOf([visit("fruit", T0 + 10), visit("fruit", T0 + H + 10, "v2")], [], hours(2), "hour", "Europe/Paris", kindOf);
    expect(buckets.map((b) => b.zones)).toEqual([{ fruit: 1 }, { fruit: 1 }]);
  });

  it("adds a zone's door `in` to its enters and ignores `out`", () => {
    const [bucket] = trafficOf([visit("door", T0)], [door("door", T0 + 5, 3, 7)], hours(1), "hour", "Europe/Paris", kindOf);
    expect(bucket!.zones).toEqual({ door: 4 });
  });

  it("leaves out zones with no enters", () => {
    const [bucket] = trafficOf([], [door("side", T0, 0, 2)], hours(1), "hour", "Europe/Paris", kindOf);
    expect(bucket!.zones).toEqual({});
  });

  it("sums the store's enters over entrance zones only", () => {
    const [bucket] = trafficOf([visit("door", T0), visit("fruit", T0), visit("till", T0)], [door("side", T0, 2)], hours(1), "hour", "Europe/Paris", kindOf);
    expect(bucket).toMatchObject({ enters: 3, zones: { door: 1, fruit: 1, side: 2, till: 1 } });
  });

  it("asks the zone's kind at the time of each enter", () => {
    const kindThen = (zone: ZoneId, ts: number): ZoneKind | undefined => (zone === "fruit" && ts < T0 + 30 * 60_000 ? "entrance" : "zone");
    const [bucket] = trafficOf([visit("fruit", T0), visit("fruit", T0 + 40 * 60_000, "v2")], [], hours(1), "hour", "Europe/Paris", kindThen);
    expect(bucket).toMatchObject({ enters: 1, zones: { fruit: 2 } });
  });

  it("counts only visits and door counts with a time in [from, to)", () => {
    const range = { from: T0 + 30 * 60_000, to: T0 + 90 * 60_000 };
    const buckets = trafficOf([visit("door", T0), visit("door", T0 + 45 * 60_000, "v2"), visit("door", range.to, "v3")], [door("door", T0 + 20 * 60_000, 5)], range, "hour", "Europe/Paris", kindOf);
    expect(buckets.map((b) => b.enters)).toEqual([1, 0]);
  });

  it("counts a door count repeated by id once", () => {
    const c = door("door", T0, 2);
    expect(trafficOf([], [c, c], hours(1), "hour", "Europe/Paris", kindOf)[0]!.enters).toBe(2);
  });

  it("buckets days by the store's local date across a DST change", () => {
    const range = { from: Date.parse("2026-03-28T23:00:00Z"), to: Date.parse("2026-03-30T22:00:00Z") };
    const lateOnSunday = Date.parse("2026-03-29T21:59:00Z"); // 23:59 local, 23 h after local midnight
    const buckets = trafficOf([visit("door", lateOnSunday), visit("door", lateOnSunday + 60_000, "v2")], [], range, "day", "Europe/Paris", kindOf);
    expect(buckets).toEqual([
      { start: "2026-03-29T00:00:00+01:00", enters: 1, zones: { door: 1 } },
      { start: "2026-03-30T00:00:00+02:00", enters: 1, zones: { door: 1 } },
    ]);
  });

  it("buckets hours on the local clock of a +05:30 zone", () => {
    const from = Date.parse("2026-01-10T02:30:00Z"); // 08:00 local
    const buckets = trafficOf([visit("door", from + 29 * 60_000), visit("door", from + 31 * 60_000, "v2")], [], { from, to: from + H }, "hour", "Asia/Kolkata", kindOf);
    expect(buckets).toEqual([{ start: "2026-01-10T08:00:00+05:30", enters: 2, zones: { door: 2 } }]);
  });
});
