import { beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

/** Friday 20 Nov 2026, 16:00 in Paris (UTC+1). */
const NOW = Date.UTC(2026, 10, 20, 15, 0, 0);
/** 14:00 in Paris. */
const T = NOW - 2 * 3_600_000;
const S = 1000;
const RANGE = `from=${T - 3_600_000}&to=${NOW}`;

const t = useTestServer({ now: () => NOW, stores: ["shop", "empty"] });
beforeAll(async () => {
  const f = new EventFactory("cam-1");
  await t.ingest("shop", "cam-1", [
    // v1: entrance 10 s, fruit 60 s, checkout 120 s
    ...f.visit("v1", "entrance", T, 10 * S),
    ...f.visit("v1", "fruit", T + 20 * S, 60 * S),
    ...f.visit("v1", "checkout", T + 100 * S, 120 * S),
    // v2: entrance 10 s, fruit 120 s, then fruit again 30 s (folded into one step of its path)
    ...f.visit("v2", "entrance", T + 60 * S, 10 * S),
    ...f.visit("v2", "fruit", T + 80 * S, 120 * S),
    ...f.visit("v2", "fruit", T + 300 * S, 30 * S),
    // v3 is in the entrance now
    f.enter("v3", "entrance", NOW - 60 * S),
    // the door counted 3 in and 1 out today
    f.count("entrance", T, 3, 1),
  ]);
});

describe("GET /api/v1/stores/:store/dwell", () => {
  it("gives visits, distinct visitors and dwell mean, median and p90 in seconds per zone", async () => {
    const res = await t.get(`/api/v1/stores/shop/dwell?${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      zones: [
        { zone: "bakery", visits: 0, visitors: 0, dwell_s: null },
        { zone: "checkout", visits: 1, visitors: 1, dwell_s: { mean: 120, median: 120, p90: 120 } },
        { zone: "entrance", visits: 3, visitors: 3, dwell_s: { mean: 10, median: 10, p90: 10 } },
        { zone: "fruit", visits: 3, visitors: 2, dwell_s: { mean: 70, median: 60, p90: 120 } },
      ],
      // No agent of the store was ever offline: no hour nobody counted.
      outages: null,
    });
  });

  it("counts only visits whose enter lies in [from, to)", async () => {
    const res = await t.get(`/api/v1/stores/shop/dwell?from=${T + 60 * S}&to=${T + 300 * S}`);
    const byZone = Object.fromEntries(res.body.zones.map((z: { zone: string; visits: number }) => [z.zone, z.visits]));
    expect(byZone).toEqual({ bakery: 0, checkout: 1, entrance: 1, fruit: 1 });
  });

  it("accepts ISO 8601 times", async () => {
    const iso = await t.get(`/api/v1/stores/shop/dwell?from=${new Date(T - 3_600_000).toISOString()}&to=${new Date(NOW).toISOString()}`);
    expect(iso.body).toEqual((await t.get(`/api/v1/stores/shop/dwell?${RANGE}`)).body);
  });

  it("defaults to the last 24 hours", async () => {
    expect((await t.get("/api/v1/stores/shop/dwell")).body).toEqual((await t.get(`/api/v1/stores/shop/dwell?from=${NOW - 86_400_000}&to=${NOW}`)).body);
  });

  it("lists the layout's zones with null dwell for a store without events", async () => {
    const res = await t.get("/api/v1/stores/empty/dwell");
    expect(res.body.zones).toHaveLength(4);
    expect(res.body.zones.every((z: { visits: number; dwell_s: unknown }) => z.visits === 0 && z.dwell_s === null)).toBe(true);
  });
});

describe("GET /api/v1/stores/:store/paths", () => {
  it("gives paths per trip with repeats folded, and transitions, by count then lexically", async () => {
    const res = await t.get(`/api/v1/stores/shop/paths?${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      paths: [
        { zones: ["entrance"], count: 1 },
        { zones: ["entrance", "fruit"], count: 1 },
        { zones: ["entrance", "fruit", "checkout"], count: 1 },
      ],
      transitions: [
        { from: "entrance", to: "fruit", count: 2 },
        { from: "fruit", to: "checkout", count: 1 },
      ],
      trips: 3,
      outages: null,
    });
  });

  it("cuts the paths at `limit` but lists every transition and counts every trip (v1.1)", async () => {
    const res = await t.get(`/api/v1/stores/shop/paths?${RANGE}&limit=1`);
    expect(res.body.paths).toEqual([{ zones: ["entrance"], count: 1 }]);
    expect(res.body.transitions).toHaveLength(2);
    expect(res.body.trips).toBe(3);
  });
});

describe("GET /api/v1/stores/:store/traffic", () => {
  it("gives enters per local hour: visits opened plus door `in`, the store's from entrance zones", async () => {
    const res = await t.get(`/api/v1/stores/shop/traffic?from=${T}&to=${T + 3_600_000}&bucket=hour`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ buckets: [{ start: "2026-11-20T14:00:00+01:00", enters: 5, zones: { checkout: 1, entrance: 5, fruit: 3 } }], outages: null });
  });

  it("lists empty hours with zero enters", async () => {
    const res = await t.get(`/api/v1/stores/shop/traffic?from=${T - 3_600_000}&to=${T}&bucket=hour`);
    expect(res.body).toEqual({ buckets: [{ start: "2026-11-20T13:00:00+01:00", enters: 0, zones: {} }], outages: null });
  });

  it("buckets by local day", async () => {
    const res = await t.get(`/api/v1/stores/shop/traffic?from=${Date.UTC(2026, 10, 19, 23)}&to=${Date.UTC(2026, 10, 20, 23)}&bucket=day`);
    expect(res.body.buckets).toEqual([{ start: "2026-11-20T00:00:00+01:00", enters: 6, zones: { checkout: 1, entrance: 6, fruit: 3 } }]);
  });

  it("defaults to hourly buckets", async () => {
    const res = await t.get(`/api/v1/stores/shop/traffic?from=${T}&to=${T + 2 * 3_600_000}`);
    expect(res.body.buckets.map((b: { start: string }) => b.start)).toEqual(["2026-11-20T14:00:00+01:00", "2026-11-20T15:00:00+01:00"]);
  });
});

describe("GET /api/v1/stores/:store/occupancy", () => {
  it("gives open visits per zone with capacities and the door counters' total since midnight", async () => {
    const res = await t.get("/api/v1/stores/shop/occupancy");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ts: NOW,
      total: 2,
      zones: [
        { zone: "entrance", occupancy: 1, capacity: 10, offlineSince: null, offlineAgents: [] },
        { zone: "fruit", occupancy: 0, capacity: 5, offlineSince: null, offlineAgents: [] },
        { zone: "bakery", occupancy: 0, capacity: null, offlineSince: null, offlineAgents: [] },
        { zone: "checkout", occupancy: 0, capacity: 3, offlineSince: null, offlineAgents: [] },
      ],
      totalFrom: "door",
      doorZones: ["entrance"],
      partial: false,
      layoutVersion: 1,
    });
  });

  it("names the layout version in force, as the live push does, so a client sees a renamed zone's new name", async () => {
    await t.putLayout("renamed", smallLayout());
    expect((await t.get("/api/v1/stores/renamed/occupancy")).body.layoutVersion).toBe(1);
    // The bakery renamed: the same zone ids, so only the version tells a client its names are old.
    const v2 = smallLayout();
    await t.putLayout("renamed", { ...v2, zones: v2.zones.map((z) => (z.id === "bakery" ? { ...z, name: "Bakery & pastries" } : z)) });
    const res = await t.get("/api/v1/stores/renamed/occupancy");
    expect(res.body.layoutVersion).toBe(2);
    expect((await t.get("/api/v1/stores/renamed/layout")).body.version).toBe(2);
  });

  it("is zero everywhere for a store without events", async () => {
    const res = await t.get("/api/v1/stores/empty/occupancy");
    expect(res.body.total).toBe(0);
    expect(res.body.zones.map((z: { occupancy: number }) => z.occupancy)).toEqual([0, 0, 0, 0]);
  });
});

describe("bad input to the analytics routes", () => {
  const cases: [string, string, RegExp][] = [
    ["a `from` that is not a time", "dwell?from=yesterday", /querystring\/from/],
    ["a `to` that is not a time", "dwell?to=2026-13-45T99:00:00Z", /querystring\/to/],
    ["`from` equal to `to`", `dwell?from=${T}&to=${T}`, /querystring\/from must be before querystring\/to/],
    ["`from` after `to`", `paths?from=${NOW}&to=${T}`, /querystring\/from must be before querystring\/to/],
    ["a range over 400 days", `dwell?from=0&to=${NOW}`, /querystring\/from/],
    ["an unknown bucket", "traffic?bucket=week", /querystring\/bucket/],
    ["hourly buckets over more than 93 days", `traffic?from=${NOW - 100 * 86_400_000}&to=${NOW}&bucket=hour`, /^querystring\/bucket: .*; use bucket=day$/],
    // Told in the parameter asked with: interval=1h is not told to use bucket=day.
    ["interval=1h over more than 93 days", `traffic?from=${NOW - 100 * 86_400_000}&to=${NOW}&interval=1h`, /^querystring\/interval: .*; use interval=1d$/],
    ["hourly (neither bucket nor interval) over more than 93 days", `traffic?from=${NOW - 100 * 86_400_000}&to=${NOW}`, /^querystring\/bucket: .*; use bucket=day \(or interval=1d\)$/],
    ["a limit of 0", "paths?limit=0", /querystring\/limit/],
    ["a limit over 1000", "paths?limit=1001", /querystring\/limit/],
    ["a limit that is not a number", "paths?limit=many", /querystring\/limit/],
  ];
  it.each(cases)("answers 400 naming the field for %s", async (_what, path, message) => {
    const res = await t.get(`/api/v1/stores/shop/${path}`);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  it.each(["dwell", "paths", "traffic", "occupancy", "agents", "layout"])("answers 400 naming the store for a bad store id on %s", async (route) => {
    const res = await t.get(`/api/v1/stores/Main%20Street/${route}`);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/params\/store/);
  });

  it.each(["dwell", "paths", "traffic", "occupancy"])("answers 404 for an unknown store on %s", async (route) => {
    const res = await t.get(`/api/v1/stores/nowhere/${route}`);
    expect(res.status).toBe(404);
    expect(res.body.message).toContain('"nowhere"');
  });
});
