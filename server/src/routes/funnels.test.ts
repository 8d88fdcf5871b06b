import { beforeAll, describe, expect, it } from "vitest";
import { aliasPathCounts, funnelOf, pathReport, tripsOf, type FootfallEvent } from "@footfall/core";
import { EventFactory } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

/** Friday 20 Nov 2026, 16:00 in Paris (UTC+1). */
const NOW = Date.UTC(2026, 10, 20, 15, 0, 0);
/** 13:00 in Paris. */
const T = NOW - 3 * 3_600_000;
const S = 1000;
const M = 60 * S;
const TIMEOUT = 30 * M;
const RANGE = { from: T, to: NOW };
const Q = `from=${RANGE.from}&to=${RANGE.to}`;
const ALIASES = { fruit: "fresh", bakery: "fresh" };

/** Trips through the four zones in several orders, over three hours; v5 comes back after 40 min of silence (two trips). */
function stream(): FootfallEvent[] {
  const f = new EventFactory("cam-1");
  const trip = (v: string, at: number, zones: string[]) => zones.flatMap((z, i) => f.visit(v, z, at + i * 2 * M, M));
  return [
    ...trip("v1", T + 5 * M, ["entrance", "fruit", "bakery", "checkout"]),
    ...trip("v2", T + 10 * M, ["entrance", "fruit", "checkout"]),
    ...trip("v3", T + 20 * M, ["entrance", "bakery", "fruit", "checkout"]),
    ...trip("v4", T + 70 * M, ["entrance", "fruit"]),
    ...trip("v5", T + 80 * M, ["entrance", "checkout"]),
    ...trip("v5", T + 130 * M, ["fruit", "bakery", "fruit", "checkout"]),
    ...trip("v6", T + 150 * M, ["entrance", "bakery"]),
    ...trip("v7", T + 170 * M, ["entrance", "fruit", "fruit", "checkout"]),
    // before the range: not counted
    ...trip("v0", T - 50 * M, ["entrance", "fruit", "checkout"]),
  ];
}
const EVENTS = stream();
const TRIPS = tripsOf(EVENTS, { visitTimeoutMs: TIMEOUT });
const pathsIn = (from: number, to: number) => pathReport(TRIPS, { from, to }, Number.MAX_SAFE_INTEGER).paths;

const t = useTestServer({ now: () => NOW, visitTimeoutMs: TIMEOUT, stores: ["shop"] });
beforeAll(async () => {
  await t.ingest("shop", "cam-1", EVENTS);
  const res = await t.server.app.inject({
    method: "PUT",
    url: "/api/v1/stores/shop/departments",
    headers: { authorization: `Bearer ${t.admin}` },
    payload: { departments: { fresh: ["fruit", "bakery"] } },
  });
  expect(res.statusCode).toBe(200);
});

describe("GET /api/v1/stores/:store/funnel", () => {
  const STEPS = ["entrance", "fruit", "checkout"];

  it("equals core's funnelOf over the domain's trips of the range", async () => {
    const res = await t.get(`/api/v1/stores/shop/funnel?${Q}&steps=${STEPS.join(",")}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ steps: funnelOf(pathsIn(RANGE.from, RANGE.to), STEPS), outages: null });
    expect(res.body.steps.map((s: { reached: number }) => s.reached)).toEqual([7, 5, 4]);
  });

  it("counts steps in order, skipping zones between them, within one trip only", async () => {
    const res = await t.get(`/api/v1/stores/shop/funnel?${Q}&steps=bakery,fruit,checkout`);
    // v3 (bakery, fruit, checkout) and v5's second trip (fruit, bakery, fruit, checkout)
    expect(res.body.steps.map((s: { reached: number }) => s.reached)).toEqual([4, 2, 2]);
    expect(res.body.steps[0]).toMatchObject({ step: "bakery", dropOff: 2, rate: 1, stepRate: 1 });
    expect(res.body.steps[1]).toMatchObject({ step: "fruit", dropOff: 0, rate: 0.5, stepRate: 0.5 });
  });

  it("gives the funnel per local hour of the trips' start", async () => {
    const res = await t.get(`/api/v1/stores/shop/funnel?${Q}&steps=${STEPS.join(",")}&by=hour`);
    expect(res.body.steps).toEqual(funnelOf(pathsIn(RANGE.from, RANGE.to), STEPS));
    expect(res.body.buckets.map((b: { start: string }) => b.start)).toEqual([
      "2026-11-20T13:00:00+01:00",
      "2026-11-20T14:00:00+01:00",
      "2026-11-20T15:00:00+01:00",
    ]);
    res.body.buckets.forEach((b: { steps: unknown }, i: number) => {
      expect(b.steps).toEqual(funnelOf(pathsIn(T + i * 3_600_000, T + (i + 1) * 3_600_000), STEPS));
    });
  });

  it("gives one bucket per local day", async () => {
    const res = await t.get(`/api/v1/stores/shop/funnel?${Q}&steps=entrance&by=day`);
    expect(res.body.buckets).toEqual([{ start: "2026-11-20T00:00:00+01:00", steps: res.body.steps }]);
  });

  it("with alias=1 takes steps of departments, over paths with zones replaced by their department", async () => {
    const res = await t.get(`/api/v1/stores/shop/funnel?${Q}&steps=entrance,fresh,checkout&alias=1`);
    expect(res.body.steps).toEqual(funnelOf(aliasPathCounts(pathsIn(RANGE.from, RANGE.to), ALIASES), ["entrance", "fresh", "checkout"]));
    expect(res.body.steps.map((s: { reached: number }) => s.reached)).toEqual([7, 6, 4]);
  });

  it.each([
    ["no steps", "", /querystring.*steps/],
    ["an empty step", "steps=entrance,,checkout", /querystring\/steps: step 2 is empty/],
    ["a step that is not a zone id", "steps=entrance,Fresh%20food", /querystring\/steps: step 2 "Fresh food" is not a zone id/],
    ["13 steps", `steps=${Array(13).fill("fruit").join(",")}`, /querystring\/steps: at most 12/],
    ["an unknown `by`", "steps=fruit&by=week", /querystring\/by/],
    ["an alias that is not 0 or 1", "steps=fruit&alias=2", /querystring\/alias/],
    ["hourly buckets over 93 days", `steps=fruit&by=hour&from=${NOW - 94 * 86_400_000}&to=${NOW}`, /querystring\/by/],
  ])("answers 400 naming the field for %s", async (_what, query, message) => {
    const res = await t.get(`/api/v1/stores/shop/funnel?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  it("answers 404 for an unknown store", async () => {
    expect((await t.get("/api/v1/stores/nowhere/funnel?steps=fruit")).status).toBe(404);
  });
});

describe("GET /api/v1/stores/:store/paths with alias", () => {
  it("keeps its output without alias, and with alias=0", async () => {
    const plain = await t.get(`/api/v1/stores/shop/paths?${Q}`);
    expect(plain.body).toEqual({ ...pathReport(TRIPS, RANGE, 20), outages: null });
    expect((await t.get(`/api/v1/stores/shop/paths?${Q}&alias=0`)).body).toEqual(plain.body);
  });

  it("with alias=1 merges zones into departments, folds repeats and counts transitions between departments", async () => {
    const res = await t.get(`/api/v1/stores/shop/paths?${Q}&alias=1`);
    const aliased = aliasPathCounts(pathsIn(RANGE.from, RANGE.to), ALIASES);
    expect(res.body.paths).toEqual(aliased);
    expect(res.body.paths[0]).toEqual({ zones: ["entrance", "fresh", "checkout"], count: 4 });
    expect(res.body.transitions).toEqual([
      { from: "entrance", to: "fresh", count: 6 },
      { from: "fresh", to: "checkout", count: 5 },
      { from: "entrance", to: "checkout", count: 1 },
    ]);
  });

  it("cuts aliased paths at `limit`", async () => {
    expect((await t.get(`/api/v1/stores/shop/paths?${Q}&alias=1&limit=1`)).body.paths).toHaveLength(1);
  });
});
