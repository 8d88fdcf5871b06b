/**
 * A layout experiment end to end: `footfall serve` as a real process, one agent per store from
 * `footfall agent add` publishing seeded shoppers over MQTT, sales uploaded as CSV, and the
 * experiment's result read over HTTP. Where the truth is known, the verdict must find it: moving
 * the promo table raises its reach by 15 points in the test store (control stores unchanged), and
 * in two other stores where nothing changed the verdict is "no clear change".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { addAgent, addToken, batchJson, chunks, connectMqtt, FootfallApi, metricValue, publishAll, ServerProcess, waitFor } from "../support/index.js";
import { promoLayout, salesCsv, simulateShoppers } from "../support/shopper-sim.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BEFORE_REACH = 0.3;
const LIFT = 0.15;

/** Stores, each with its agent, its promo reach over time and whether its layout changes. */
interface SimStore {
  store: string;
  seed: number;
  reach(ts: number, changeAt: number): number;
  moves: boolean;
}
const STORES: SimStore[] = [
  { store: "lift-test", seed: 101, reach: (ts, c) => (ts < c ? BEFORE_REACH : BEFORE_REACH + LIFT), moves: true },
  { store: "lift-control", seed: 102, reach: () => BEFORE_REACH, moves: false },
  { store: "calm-test", seed: 103, reach: () => BEFORE_REACH, moves: true },
  { store: "calm-control", seed: 104, reach: () => BEFORE_REACH, moves: false },
];

interface Metric {
  metric: string;
  verdict: string;
  text: string;
  change: number | null;
  interval: [number, number] | null;
  did: { estimate: number; interval: [number, number] } | null;
  basis: string;
}
interface Result {
  zones: { zone: string; metrics: Metric[] }[];
  warnings: string[];
}

let server: ServerProcess;
let api: FootfallApi;
let viewer: FootfallApi;
let changeAt: number;
let before: { from: number; to: number };
let after: { from: number; to: number };

beforeAll(async () => {
  server = await ServerProcess.start({ maxEventAgeMs: 30 * DAY });
  const [admin, view, ...agents] = await Promise.all([
    addToken(server.dataDir, "admin"),
    addToken(server.dataDir, "viewer"),
    ...STORES.map((s) => addAgent(server.dataDir, s.store, "sim-1", "sim")),
  ]);
  api = new FootfallApi(server.httpUrl, admin);
  viewer = api.as(view);
  // Two whole weeks ending yesterday (UTC midnight): the same weekday-hour mix before and after.
  const end = Math.floor(Date.now() / DAY) * DAY - DAY;
  changeAt = end - 7 * DAY;
  before = { from: changeAt - 7 * DAY, to: changeAt };
  after = { from: changeAt, to: end };

  let expected = 0;
  await Promise.all(
    STORES.map(async (s, i) => {
      // UTC stores: the weekday-hour cells of the two weeks match whatever the date (no DST change between them).
      await api.putLayout(s.store, promoLayout({ timezone: "UTC" }));
      // The test stores move the promo table next to the entrance at the change (layout version 2).
      if (s.moves) await api.putLayout(s.store, promoLayout({ validFrom: changeAt, promoAt: [3.5, 6], timezone: "UTC" }));
      const sim = simulateShoppers({
        seed: s.seed,
        agent: "sim-1",
        from: before.from,
        to: after.to,
        tripsPerHour: 10,
        promoReach: (ts) => s.reach(ts, changeAt),
      });
      expected += sim.events.length;
      const creds = agents[i]!;
      const client = await connectMqtt({ url: `mqtt://127.0.0.1:${server.mqttPort}`, username: creds.username, password: creds.password });
      await publishAll(
        client,
        topics.events(s.store, "sim-1"),
        chunks(sim.events, 500).map((b) => batchJson("sim-1", b)),
      );
      await client.endAsync();
      const res = await fetch(`${server.httpUrl}/api/v1/stores/${s.store}/sales`, {
        method: "POST",
        headers: { authorization: `Bearer ${admin}`, "content-type": "text/csv" },
        body: salesCsv(sim.sales),
      });
      expect(await res.json()).toMatchObject({ accepted: sim.sales.length, rejectedCount: 0 });
    }),
  );
  await waitFor(`${expected} accepted events`, async () => metricValue(await api.metrics(), "footfall_events_accepted_total") === expected, {
    timeoutMs: 30_000,
  });
}, 60_000);
afterAll(async () => {
  await server?.dispose();
});

async function experiment(name: string, testStore: string, controlStore: string): Promise<{ id: string; result: Result }> {
  const created = await api.request<{ id: string; changeAt: number }>("POST", "/api/v1/experiments", {
    name,
    testStores: [testStore],
    controlStores: [controlStore],
    layoutVersion: 2,
    before,
    after,
    zones: ["promo", "checkout"],
  });
  expect(created.status).toBe(200);
  expect(created.body.changeAt).toBe(changeAt);
  const result = await viewer.request<Result>("GET", `/api/v1/experiments/${created.body.id}/result`);
  expect(result.status).toBe(200);
  return { id: created.body.id, result: result.body };
}
const metric = (r: Result, zone: string, name: string) => r.zones.find((z) => z.zone === zone)!.metrics.find((m) => m.metric === name)!;

describe("a layout experiment on a real server", () => {
  it("reports an increase in the promo table's reach with an interval covering the true lift, net of the control store", async () => {
    const { result } = await experiment("Promo table by the entrance", "lift-test", "lift-control");
    const reach = metric(result, "promo", "reach");
    expect(reach.verdict).toBe("increase");
    expect(reach.basis).toBe("difference-in-differences");
    expect(reach.did!.interval[0]).toBeLessThanOrEqual(LIFT);
    expect(reach.did!.interval[1]).toBeGreaterThanOrEqual(LIFT);
    expect(reach.did!.interval[0]).toBeGreaterThan(0);
    // The test store's own before/after change covers the truth too.
    expect(reach.interval![0]).toBeLessThanOrEqual(LIFT);
    expect(reach.interval![1]).toBeGreaterThanOrEqual(LIFT);
    expect(reach.text).toMatch(/^a larger share of trips reached promo: \+\d+ % \[\+\d+ %, \+\d+ %\]/);
  });

  it("reports no clear change where the layout moved but shoppers did not change", async () => {
    const { result } = await experiment("A move that changes nothing", "calm-test", "calm-control");
    for (const name of ["reach", "visits", "medianDwell"]) expect(metric(result, "promo", name).verdict, name).toBe("no clear change");
    for (const name of ["visits", "medianDwell", "conversion"]) expect(metric(result, "checkout", name).verdict, name).toBe("no clear change");
  });

  it("exports the verdict table as CSV", async () => {
    const { id } = await experiment("Export", "lift-test", "lift-control");
    const res = await fetch(`${server.httpUrl}/api/v1/experiments/${id}/result.csv`, { headers: { authorization: `Bearer ${viewer.token}` } });
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines).toHaveLength(1 + 2 * 4);
    expect(lines[1]).toMatch(/^promo,promo,reach,.*,difference-in-differences,increase,/);
  });
});
