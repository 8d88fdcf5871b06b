import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { chunks, EventFactory, rectZone } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { promoLayout, salesCsv, simulateShoppers } from "../../../test/support/shopper-sim.js";

const DAY = 86_400_000;
/** Friday 20 Nov 2026, 16:00 in Paris (UTC+1). */
const NOW = Date.UTC(2026, 10, 20, 15, 0, 0);
const START = Date.UTC(2026, 10, 5);
const CHANGE = START + 7 * DAY;
const BEFORE = { from: START, to: CHANGE };
const AFTER = { from: CHANGE, to: CHANGE + 7 * DAY };

const post = (payload: unknown, token: string = t.admin) =>
  t.server.app
    .inject({ method: "POST", url: "/api/v1/experiments", headers: { authorization: `Bearer ${token}` }, payload: payload as object })
    .then((r) => ({ status: r.statusCode, body: r.json() }));

const definition = (over: Record<string, unknown> = {}) => ({
  name: "Promo table by the entrance",
  testStores: ["test-a"],
  controlStores: ["ctl-a"],
  layoutVersion: 2,
  before: BEFORE,
  after: AFTER,
  zones: ["promo", "fruit"],
  ...over,
});

const t = useTestServer({ now: () => NOW, maxAgeMs: 60 * DAY });
beforeAll(async () => {
  await t.putLayout("test-a", promoLayout());
  await t.putLayout("test-a", promoLayout({ validFrom: CHANGE, promoAt: [4, 6] }));
  await t.putLayout("ctl-a", promoLayout());
  await t.putLayout("other", promoLayout());
  // The move raises the promo table's reach from 30 % to 60 % in the test store; the control store stays at 30 %.
  const stores = [
    { store: "test-a", seed: 1, reach: (ts: number) => (ts < CHANGE ? 0.3 : 0.6) },
    { store: "ctl-a", seed: 2, reach: () => 0.3 },
  ];
  for (const s of stores) {
    const sim = simulateShoppers({ seed: s.seed, agent: "cam-1", from: BEFORE.from, to: AFTER.to, tripsPerHour: 4, promoReach: s.reach });
    for (const batch of chunks(sim.events, 1000)) await t.ingest(s.store, "cam-1", batch);
    const res = await t.server.app.inject({
      method: "POST",
      url: `/api/v1/stores/${s.store}/sales`,
      headers: { authorization: `Bearer ${t.admin}`, "content-type": "text/csv" },
      payload: salesCsv(sim.sales),
    });
    expect(res.json()).toMatchObject({ accepted: sim.sales.length, rejectedCount: 0 });
  }
});

describe("POST /api/v1/experiments", () => {
  it("stores the definition with the change resolved from the layout version", async () => {
    const res = await post(definition());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{12}$/),
      name: "Promo table by the entrance",
      testStores: ["test-a"],
      controlStores: ["ctl-a"],
      changeAt: CHANGE,
      layoutVersion: 2,
      before: BEFORE,
      after: AFTER,
      zones: ["promo", "fruit"],
      createdAt: NOW,
    });
  });

  it("takes ISO 8601 times and a change time instead of a layout version, and no control stores", async () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    const res = await post({
      name: "x",
      testStores: ["test-a"],
      changeAt: iso(CHANGE),
      layoutVersion: null,
      before: { from: iso(BEFORE.from), to: iso(BEFORE.to) },
      after: { from: AFTER.from, to: AFTER.to },
      zones: ["promo"],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ controlStores: [], changeAt: CHANGE, layoutVersion: null, before: BEFORE });
  });

  it.each([
    ["no name", { name: undefined }, /body.*name/],
    ["no test store", { testStores: [] }, /body\/testStores/],
    ["an unknown test store", { testStores: ["nowhere"] }, /body\/testStores\/0: store "nowhere"/],
    ["a store both test and control", { controlStores: ["test-a"] }, /body\/controlStores\/0: store "test-a" is also a test store/],
    ["both a change time and a layout version", { changeAt: CHANGE }, /body\/changeAt: give either/],
    ["neither a change time nor a layout version", { layoutVersion: undefined }, /body\/changeAt: give either/],
    ["an unknown layout version", { layoutVersion: 9 }, /body\/layoutVersion: store "test-a" has no layout version 9/],
    ["a before period that ends after the change", { before: { from: START, to: CHANGE + 1 } }, /body\/before\/to/],
    ["an after period that starts before the change", { after: { from: CHANGE - 1, to: AFTER.to } }, /body\/after\/from/],
    ["an empty period", { before: { from: START, to: START } }, /body\/before\/from must be before body\/before\/to/],
    ["a period over 93 days", { before: { from: CHANGE - 94 * DAY, to: CHANGE } }, /body\/before: a period spans at most 93 days/],
    ["a period shorter than a day", { before: { from: CHANGE - 6 * 3_600_000, to: CHANGE } }, /body\/before: a period spans at least 24 hours/],
    ["an after period of minutes", { after: { from: CHANGE, to: CHANGE + 10 * 60_000 } }, /body\/after: a period spans at least 24 hours/],
    ["a time that is not one", { after: { from: "next week", to: AFTER.to } }, /body\/after\/from/],
    ["no zones", { zones: [] }, /body\/zones/],
    ["a zone a store does not have", { zones: ["promo", "toys"] }, /body\/zones\/1: zone "toys"/],
    // Raw events are kept 90 days (the default): the dwell samples of Aug 12 are gone by Nov 20.
    ["a before period older than the raw events kept", { before: { from: CHANGE - 92 * DAY, to: CHANGE } }, /body\/before\/from: an experiment needs raw events.*no longer kept/],
  ])("answers 400 naming the field for %s", async (_what, over, message) => {
    const res = await post(definition(over));
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  it("may be called by an admin only, for stores the token may see", async () => {
    expect((await post(definition(), (await t.token("viewer")))).status).toBe(403);
    const limited = await post(definition(), (await t.token("admin", "test-a")));
    expect(limited.status).toBe(403);
    expect(limited.body.message).toMatch(/limited to store "test-a"/);
  });
});

describe("GET /api/v1/experiments and /api/v1/experiments/:id", () => {
  let id: string;
  beforeAll(async () => {
    id = (await post(definition({ name: "listed" }))).body.id;
  });

  it("lists the experiments, newest first, and gives one by id", async () => {
    const list = await t.get("/api/v1/experiments", (await t.token("viewer")));
    expect(list.status).toBe(200);
    expect(list.body.experiments.map((e: { id: string }) => e.id)).toContain(id);
    const one = await t.get(`/api/v1/experiments/${id}`, (await t.token("viewer")));
    expect(one.body).toEqual(list.body.experiments.find((e: { id: string }) => e.id === id));
  });

  it("shows a token limited to a store only the experiments within its store", async () => {
    const token = (await t.token("viewer", "other"));
    expect((await t.get("/api/v1/experiments", token)).body).toEqual({ experiments: [] });
    for (const url of [`/api/v1/experiments/${id}`, `/api/v1/experiments/${id}/result`, `/api/v1/experiments/${id}/result.csv`]) {
      const res = await t.get(url, token);
      expect(res.status, url).toBe(403);
    }
  });

  it("answers 404 for an unknown experiment, 400 for a malformed id, 401 without a token", async () => {
    expect((await t.get("/api/v1/experiments/0123456789ab")).status).toBe(404);
    const bad = await t.get("/api/v1/experiments/Not%20an%20id");
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/params\/id/);
    expect((await t.get("/api/v1/experiments", null)).status).toBe(401);
  });
});

describe("DELETE /api/v1/experiments/:id", () => {
  const del = (id: string, token: string | null = t.admin) =>
    t.server.app
      .inject({ method: "DELETE", url: `/api/v1/experiments/${id}`, headers: token ? { authorization: `Bearer ${token}` } : {} })
      .then((r) => ({ status: r.statusCode, body: r.json() }));
  const listed = async (token: string = t.admin) => (await t.get("/api/v1/experiments", token)).body.experiments.map((e: { id: string }) => e.id);

  it("deletes it for a merchandiser: gone from the list, its definition and result 404, the others kept; audited", async () => {
    const kept = (await post(definition({ name: "kept" }))).body.id;
    const made = await post(definition({ name: "a test run" }));
    const id = made.body.id;
    const merch = await t.token("merchandiser");
    expect(await listed()).toContain(id);
    const res = await del(id, merch);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(made.body);
    expect(await listed()).not.toContain(id);
    expect(await listed()).toContain(kept);
    for (const url of [`/api/v1/experiments/${id}`, `/api/v1/experiments/${id}/result`, `/api/v1/experiments/${id}/result.csv`]) expect((await t.get(url)).status, url).toBe(404);
    // Deleted once: again is a 404 that says where the experiments are listed.
    const again = await del(id, merch);
    expect(again.status).toBe(404);
    expect(again.body.message).toMatch(/GET \/api\/v1\/experiments lists them/);
    const audit = await t.get(`/api/v1/audit?action=experiment.delete`);
    expect(audit.body.entries[0]).toMatchObject({ action: "experiment.delete", target: id, actor: { role: "merchandiser" }, details: { name: "a test run", testStores: ["test-a"], controlStores: ["ctl-a"] } });
  });

  it("refuses a viewer (403) and a token of another store (403), and keeps the experiment", async () => {
    const id = (await post(definition({ name: "not theirs" }))).body.id;
    expect((await del(id, await t.token("viewer"))).status).toBe(403);
    const other = await del(id, await t.token("merchandiser", "other"));
    expect(other.status).toBe(403);
    expect(other.body.message).toMatch(/limited to store "other"/);
    // A token of the test store alone does not reach the control store: it could not have created it either.
    expect((await del(id, await t.token("admin", "test-a"))).status).toBe(403);
    expect(await listed()).toContain(id);
    expect((await del(id, null)).status).toBe(401);
  });

  it("lets a token limited to a store delete that store's own experiment", async () => {
    const token = await t.token("merchandiser", "test-a");
    const made = await post(definition({ name: "own store", controlStores: [] }), token);
    expect(made.status).toBe(200);
    expect((await del(made.body.id, token)).status).toBe(200);
    expect(await listed(token)).not.toContain(made.body.id);
  });

  it("answers 404 for an unknown experiment and 400 for a malformed id", async () => {
    const unknown = await del("0123456789ab");
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/experiment "0123456789ab" not found/);
    expect((await del("Not%20an%20id")).status).toBe(400);
  });
});

describe("an experiment whose periods are not over", () => {
  it("says first that the after period has not started", async () => {
    const change = NOW + 2 * DAY;
    const res = await post(definition({ layoutVersion: undefined, changeAt: change, controlStores: [], before: { from: NOW - 5 * DAY, to: NOW - 2 * DAY }, after: { from: change, to: change + 2 * DAY } }));
    expect(res.status).toBe(200);
    const r = (await t.get(`/api/v1/experiments/${res.body.id}/result`, await t.token("viewer"))).body;
    expect(r.warnings[0]).toBe("the after period has not started yet: there is nothing to compare until it has; come back once it is over");
  });

  it("says how much of an after period running into the future has passed", async () => {
    const res = await post(definition({ after: { from: CHANGE, to: NOW + 2 * DAY } }));
    const r = (await t.get(`/api/v1/experiments/${res.body.id}/result`, await t.token("viewer"))).body;
    // 8 days 15 hours of 10 days 15 hours.
    expect(r.warnings[0]).toBe("the after period is not over yet (81 % of it has passed): these are the figures so far, and they will change as data arrives");
    // The export says it on every line, as the page's banner does (the old file had no word of it).
    const csv = await t.request("GET", `/api/v1/experiments/${res.body.id}/result.csv`, undefined, await t.token("viewer"));
    const rows = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.experiment_warnings).toBe(r.warnings.join(" | "));
    expect(rows[0]!.experiment_warnings).toMatch(/^the after period is not over yet \(81 % of it has passed\): these are the figures so far/);
    // Its verdicts are provisional, in the answer and on every line of the export: no screen may show them as final.
    expect(r.provisional).toBe(true);
    for (const row of rows) expect(row.provisional).toBe("true");
  });
});

describe("an experiment older than the raw events kept", () => {
  it("answers its result with a 400 that says its period's events are gone, not a range error", async () => {
    const id = "01d0e0000000";
    const storage = t.server.app.storage;
    await storage.experiments.insert({ ...definition(), id, changeAt: CHANGE, before: { from: NOW - 100 * DAY, to: NOW - 93 * DAY }, after: { from: NOW - 93 * DAY, to: NOW - 86 * DAY }, createdAt: NOW - 100 * DAY }, NOW - 100 * DAY);
    for (const url of [`/api/v1/experiments/${id}/result`, `/api/v1/experiments/${id}/result.csv`]) {
      const res = await t.get(url, await t.token("viewer"));
      expect(res.status, url).toBe(400);
      expect(res.body.message, url).toMatch(/^this experiment's before period starts 2026-08-12T15:00:00.000Z, before the oldest raw events kept \(2026-08-22T15:00:00.000Z, FOOTFALL_RETENTION_DAYS\)/);
      expect(res.body.message, url).not.toMatch(/whole hours/);
    }
  });
});

describe("GET /api/v1/experiments/:id/result", () => {
  let id: string;
  beforeAll(async () => {
    id = (await post(definition())).body.id;
  });

  it("reports per zone reach, visits, median dwell and conversion, net of the control store", async () => {
    const res = await t.get(`/api/v1/experiments/${id}/result`, (await t.token("viewer")));
    expect(res.status).toBe(200);
    expect(res.body.experiment.id).toBe(id);
    expect(res.body.computedAt).toBe(NOW);
    expect(res.body.provisional).toBe(false);
    expect(res.body.zones.map((z: { zone: string }) => z.zone)).toEqual(["promo", "fruit"]);
    for (const z of res.body.zones) expect(z.metrics.map((m: { metric: string }) => m.metric)).toEqual(["reach", "visits", "medianDwell", "conversion"]);
    const reach = res.body.zones[0].metrics[0];
    expect(reach).toMatchObject({ metric: "reach", unit: "share", verdict: "increase", basis: "difference-in-differences", adjusted: true });
    expect(reach.did.interval[0]).toBeLessThan(0.3);
    expect(reach.did.interval[1]).toBeGreaterThan(0.3);
    expect(reach.text).toMatch(/^a larger share of trips reached promo: .* relative to before, net of control stores$/);
    expect(res.body.trips.control).not.toBeNull();
  });

  it("gives the same figures every time (the bootstrap is seeded by the experiment id)", async () => {
    const a = await t.get(`/api/v1/experiments/${id}/result`);
    const b = await t.get(`/api/v1/experiments/${id}/result`);
    expect(a.body).toEqual(b.body);
  });

  it("exports the verdict table as CSV, one line per zone and metric", async () => {
    const res = await t.server.app.inject({
      method: "GET",
      url: `/api/v1/experiments/${id}/result.csv`,
      headers: { authorization: `Bearer ${(await t.token("viewer"))}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/csv/);
    expect(res.headers["content-disposition"]).toBe(`attachment; filename="experiment-${id}.csv"`);
    // RFC 4180 records, CRLF line ends, as every other export (the views', queues.csv, /counts): 9 records, no bare LF.
    expect(res.body.endsWith("\r\n")).toBe(true);
    expect(res.body.split("\r\n")).toHaveLength(1 + 8 + 1);
    expect(res.body.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(8);
    expect(Object.keys(rows[0]!)).toEqual([
      "zone",
      "name",
      "metric",
      "before",
      "after",
      "change",
      "interval_low",
      "interval_high",
      "relative_change",
      "relative_low",
      "relative_high",
      "basis",
      "verdict",
      "text",
      "warning",
      "unit",
      "experiment",
      "experiment_name",
      "before_from",
      "before_to",
      "after_from",
      "after_to",
      "experiment_warnings",
      "test_change",
      "test_interval_low",
      "test_interval_high",
      "test_relative_change",
      "test_relative_low",
      "test_relative_high",
      "sample_before",
      "sample_after",
      "provisional",
    ]);
    // Every line says which experiment and periods it is (the test store's zone), so several files pasted together can be told apart.
    for (const r of rows) {
      expect([r.experiment, r.experiment_name]).toEqual([id, "Promo table by the entrance"]);
      expect([r.before_from, r.before_to, r.after_from, r.after_to]).toEqual(["2026-11-05T01:00:00+01:00", "2026-11-12T01:00:00+01:00", "2026-11-12T01:00:00+01:00", "2026-11-19T01:00:00+01:00"]);
      expect([Date.parse(r.before_from!), Date.parse(r.after_to!)]).toEqual([BEFORE.from, AFTER.to]);
    }
    expect(rows[0]).toMatchObject({ zone: "promo", metric: "reach", basis: "difference-in-differences", verdict: "increase", unit: "share of trips (0-1)" });
    // Each metric says what its figures are counted in, so a share's change (0.04) is not read as 4 %-relative.
    expect(new Map(rows.map((r) => [r.metric, r.unit]))).toEqual(
      new Map([
        ["reach", "share of trips (0-1)"],
        ["visits", "visits per trip"],
        ["medianDwell", "seconds"],
        ["conversion", "share of visits (0-1)"],
      ]),
    );
    const json = (await t.get(`/api/v1/experiments/${id}/result`)).body;
    // Shares and relative changes to 4 decimals, as every export writes them (core's CSV_DECIMALS).
    expect(Number(rows[0]!.change)).toBeCloseTo(json.zones[0].metrics[0].did.estimate, 4);
    // The relative figures are the ratio's, as the verdict text shows them, and a possible change (above -100 %).
    expect(Number(rows[0]!.relative_change)).toBeCloseTo(json.zones[0].metrics[0].did.relative.estimate, 4);
    expect(Number(rows[0]!.relative_low)).toBeCloseTo(json.zones[0].metrics[0].did.relative.interval[0], 4);
    for (const r of rows.filter((r) => r.relative_low !== "")) expect(Number(r.relative_low)).toBeGreaterThan(-1);
  });
});

describe("a zone that did not exist in both periods", () => {
  it("is not comparable: no change, no verdict of increase, and a warning naming it", async () => {
    // The change added a coffee kiosk: before it, its reach is 0 because it was not there.
    const base = promoLayout();
    await t.putLayout("grow", base);
    await t.putLayout("grow", { ...promoLayout({ validFrom: CHANGE }), zones: [...base.zones, rectZone("kiosk", "zone", 10, 7, 2, 2)] });
    const sim = simulateShoppers({ seed: 5, agent: "cam-1", from: BEFORE.from, to: AFTER.to, tripsPerHour: 4, promoReach: () => 0.3 });
    for (const batch of chunks(sim.events, 1000)) await t.ingest("grow", "cam-1", batch);
    const f = new EventFactory("cam-1");
    await t.ingest("grow", "cam-1", Array.from({ length: 40 }, (_, i) => f.visit(`k${i}`, "kiosk", AFTER.from + i * 3_600_000, 60_000)).flat());
    const created = await post(definition({ testStores: ["grow"], controlStores: [], zones: ["kiosk", "promo"] }));
    expect(created.status).toBe(200);
    const res = await t.get(`/api/v1/experiments/${created.body.id}/result`, await t.token("viewer"));
    expect(res.status).toBe(200);
    const kiosk = res.body.zones.find((z: { zone: string }) => z.zone === "kiosk");
    for (const m of kiosk.metrics) {
      // No figure as counted either: the UI showed "0% as counted" under the "–" of the period the kiosk was not there in.
      expect(m).toMatchObject({ verdict: "not comparable", before: null, change: null, interval: null, did: null, unadjusted: null });
      expect(m.text).toMatch(/not on the layout before the change/);
    }
    expect(res.body.zones.find((z: { zone: string }) => z.zone === "promo").metrics.every((m: { verdict: string }) => m.verdict !== "not comparable")).toBe(true);
    expect(res.body.warnings.join(" ")).toMatch(/(^| )not comparable: .*did not exist in both periods/);
  });

  it("is not comparable when one of the test stores removed it, not a fall of the pooled stores' reach", async () => {
    // Two test stores change alike but one's change removed the promo table: its trips after the change reach no promo
    // table, and pooled with the other store's they halved the reach: "a smaller share of trips reached promo: -50 %".
    const base = promoLayout();
    for (const store of ["keeps", "drops"]) await t.putLayout(store, base);
    await t.putLayout("keeps", promoLayout({ validFrom: CHANGE, promoAt: [4, 6] }));
    await t.putLayout("drops", { ...promoLayout({ validFrom: CHANGE }), zones: base.zones.filter((z) => z.id !== "promo") });
    for (const [store, seed] of [["keeps", 21], ["drops", 22]] as const) {
      const reach = (ts: number) => (store === "drops" && ts >= CHANGE ? 0 : 0.3);
      const sim = simulateShoppers({ seed, agent: "cam-1", from: BEFORE.from, to: AFTER.to, tripsPerHour: 4, promoReach: reach });
      for (const batch of chunks(sim.events, 1000)) await t.ingest(store, "cam-1", batch);
    }
    const created = await post(definition({ testStores: ["keeps", "drops"], controlStores: [], zones: ["promo", "fruit"] }));
    expect(created.status).toBe(200);
    const res = await t.get(`/api/v1/experiments/${created.body.id}/result`);
    const promo = res.body.zones.find((z: { zone: string }) => z.zone === "promo");
    for (const m of promo.metrics) {
      expect(m).toMatchObject({ verdict: "not comparable", after: null, change: null, interval: null, did: null });
      expect(m.text).toBe('promo was not on every test store\'s layout after the change (not on store "drops"): there is nothing to compare it with.');
    }
    expect(res.body.zones.find((z: { zone: string }) => z.zone === "fruit").metrics.every((m: { verdict: string }) => m.verdict !== "not comparable")).toBe(true);
    expect(res.body.warnings).toContain(
      "not comparable: promo did not exist in both periods in every test store (a zone the change added or removed in some of them); its figures are shown for the period every test store had it in only",
    );
  });
});

describe("a queue zone", () => {
  it("has no conversion (null, not 0 %, as the heatmap's –): no change, the verdict not comparable and why; a till with sales placed in it keeps its own", async () => {
    // A checkout queue beside the tills: shoppers wait in it, and sell nothing there (the tills place every sale at the checkout).
    const base = promoLayout();
    const queued = { ...base, zones: [...base.zones, { ...rectZone("line", "queue", 17, 6, 3, 3), queueFor: "checkout" }] };
    await t.putLayout("queued", queued);
    await t.putLayout("queued", { ...queued, ...promoLayout({ validFrom: CHANGE, promoAt: [4, 6] }), zones: [...promoLayout({ promoAt: [4, 6] }).zones, queued.zones.at(-1)!] });
    const sim = simulateShoppers({ seed: 7, agent: "cam-1", from: BEFORE.from, to: AFTER.to, tripsPerHour: 4, promoReach: () => 0.3 });
    for (const batch of chunks(sim.events, 1000)) await t.ingest("queued", "cam-1", batch);
    // 40 waits in each period (ids of their own: the simulation's took cam-1's first ones).
    const f = new EventFactory("cam-1", "queue");
    const waits = [BEFORE.from, AFTER.from].flatMap((from) => Array.from({ length: 40 }, (_, i) => f.visit(`q${from}-${i}`, "line", from + DAY + i * 3_600_000, 90_000)).flat());
    await t.ingest("queued", "cam-1", waits);
    const imported = await t.server.app.inject({ method: "POST", url: "/api/v1/stores/queued/sales", headers: { authorization: `Bearer ${t.admin}`, "content-type": "text/csv" }, payload: salesCsv(sim.sales) });
    expect(imported.json()).toMatchObject({ accepted: sim.sales.length });
    const created = await post(definition({ testStores: ["queued"], controlStores: [], zones: ["line", "checkout"] }));
    expect(created.status).toBe(200);
    const res = await t.get(`/api/v1/experiments/${created.body.id}/result`, await t.token("viewer"));
    expect(res.status).toBe(200);
    const metric = (zone: string, id: string) => res.body.zones.find((z: { zone: string }) => z.zone === zone).metrics.find((m: { metric: string }) => m.metric === id);
    // The queue: no conversion (the old result read 0 % before and after, "no clear change").
    expect(metric("line", "conversion")).toMatchObject({ before: null, after: null, change: null, relativeChange: null, interval: null, did: null, verdict: "not comparable" });
    expect(metric("line", "conversion").text).toMatch(/is a queue: no sale is placed in it, so it has no conversion/);
    // Its other figures stand: 40 waits each side are visits like any.
    expect(metric("line", "medianDwell")).toMatchObject({ before: 90, after: 90 });
    expect(metric("line", "reach").verdict).not.toBe("not comparable");
    // The tills place the sales at the checkout: its conversion is a figure.
    expect(metric("checkout", "conversion").before).toBeGreaterThan(0);
    // The CSV says the same: empty figures, not 0.
    const csv = await t.server.app.inject({ method: "GET", url: `/api/v1/experiments/${created.body.id}/result.csv`, headers: { authorization: `Bearer ${t.admin}` } });
    const line = (parse(csv.body, { columns: true }) as Record<string, string>[]).find((r) => r.zone === "line" && r.metric === "conversion")!;
    expect(line).toMatchObject({ before: "", after: "", change: "", verdict: "not comparable" });
  });
});

describe("a control store without a zone of interest in a period", () => {
  it("is refused, naming the store, the zone and the periods (the form's rule), not taken for a control that stayed flat", async () => {
    // The promo table came to this store only with the change's week: before it, its reach there would read 0 %.
    const base = promoLayout();
    await t.putLayout("ctl-late", { ...base, zones: base.zones.filter((z) => z.id !== "promo") });
    await t.putLayout("ctl-late", promoLayout({ validFrom: CHANGE }));
    const res = await post(definition({ controlStores: ["ctl-a", "ctl-late"] }), await t.token("merchandiser"));
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      'body/controlStores/1: store "ctl-late" does not have the zone "promo" on its layout at the start of both periods (2026-11-05T00:00:00.000Z, 2026-11-12T00:00:00.000Z): a control store needs every zone of interest in both, so pick one with the same zones or leave it out',
    );
    // A store that never had the zone (another format: a fashion store beside the grocers) is refused in the same words,
    // which say what to do (it was "zone "promo" is not in the layouts of store ... (test and control stores need the zones of interest)").
    await t.putLayout("ctl-fashion", { ...base, zones: base.zones.filter((z) => z.id !== "promo") });
    const never = await post(definition({ controlStores: ["ctl-fashion"] }), await t.token("merchandiser"));
    expect(never.status).toBe(400);
    expect(never.body.message).toBe(
      'body/controlStores/0: store "ctl-fashion" does not have the zone "promo" on its layout at the start of both periods (2026-11-05T00:00:00.000Z, 2026-11-12T00:00:00.000Z): a control store needs every zone of interest in both, so pick one with the same zones or leave it out',
    );
    // With the zone in both periods it is taken.
    expect((await post(definition({ controlStores: ["ctl-late"], before: { from: CHANGE, to: CHANGE + DAY }, after: { from: CHANGE + DAY, to: CHANGE + 2 * DAY }, changeAt: CHANGE + DAY, layoutVersion: undefined }))).status).toBe(200);
  });
});

describe("a zone counted by a door counter only", () => {
  it("is not comparable (no figures, and why), not 0 % reach with 'no clear change' beside the heatmap's enters", async () => {
    // A side door with a counter on it: it counts people in, nobody is followed there.
    const base = promoLayout();
    const doored = { ...base, zones: [...base.zones, rectZone("side-door", "entrance", 0, 9, 2, 1)] };
    await t.putLayout("doored", doored);
    await t.putLayout("doored", { ...doored, validFrom: CHANGE, zones: [...promoLayout({ promoAt: [4, 6] }).zones, doored.zones.at(-1)!] });
    const sim = simulateShoppers({ seed: 9, agent: "cam-1", from: BEFORE.from, to: AFTER.to, tripsPerHour: 4, promoReach: () => 0.3 });
    for (const batch of chunks(sim.events, 1000)) await t.ingest("doored", "cam-1", batch);
    const door = new EventFactory("door-1");
    await t.ingest("doored", "door-1", Array.from({ length: 14 * 24 }, (_, h) => door.count("side-door", BEFORE.from + h * 3_600_000 + 60_000, 5, 5)));
    const created = await post(definition({ testStores: ["doored"], controlStores: [], zones: ["side-door", "promo"] }), await t.token("merchandiser"));
    expect(created.status).toBe(200);
    // The heatmap counts the door's people as the zone's visits (its enters): 5 an hour.
    const traffic = (await t.get(`/api/v1/stores/doored/traffic?from=${AFTER.from}&to=${AFTER.to}&bucket=day`)).body;
    expect(traffic.buckets.reduce((s: number, b: { zones: Record<string, number> }) => s + (b.zones["side-door"] ?? 0), 0)).toBe(7 * 24 * 5);
    const res = await t.get(`/api/v1/experiments/${created.body.id}/result`, await t.token("viewer"));
    expect(res.status).toBe(200);
    const zone = (id: string) => res.body.zones.find((z: { zone: string }) => z.zone === id);
    for (const m of zone("side-door").metrics) {
      // The old result: reach and visits per trip 0 before and after, "no clear change".
      expect(m).toMatchObject({ verdict: "not comparable", before: null, after: null, change: null, interval: null, relative: null });
    }
    const reach = zone("side-door").metrics.find((m: { metric: string }) => m.metric === "reach");
    expect(reach.text).toMatch(/side-door is counted by a door counter, which counts people coming in, not the trips and visits followed/);
    expect(res.body.warnings.join(" ")).toMatch(/not comparable: side-door is counted by a door counter only/);
    // The zones followed by the cameras keep their figures.
    expect(zone("promo").metrics.map((m: { verdict: string }) => m.verdict)).not.toContain("not comparable");
    expect(zone("promo").metrics.find((m: { metric: string }) => m.metric === "reach").before).toBeGreaterThan(0);
    // The CSV says the same: empty figures, not 0.
    const csv = await t.request("GET", `/api/v1/experiments/${created.body.id}/result.csv`);
    const row = (parse(csv.text, { columns: true }) as Record<string, string>[]).find((r) => r.zone === "side-door" && r.metric === "reach")!;
    expect(row).toMatchObject({ before: "", after: "", change: "", verdict: "not comparable" });
  });
});

describe("a period holding a holiday, a closure or a day of hours of its own", () => {
  it("is said to in the result's warnings, per period and store, with the day, its hours and note", async () => {
    const week = { mon: [{ open: "09:00", close: "19:00" }], tue: [{ open: "09:00", close: "19:00" }], wed: [{ open: "09:00", close: "19:00" }], thu: [{ open: "09:00", close: "19:00" }], fri: [{ open: "09:00", close: "19:00" }], sat: [{ open: "09:00", close: "19:00" }], sun: [] };
    await t.putLayout("holiday", { ...promoLayout(), name: "Rue de Rivoli" });
    await t.putLayout("holiday", { ...promoLayout({ validFrom: CHANGE, promoAt: [4, 6] }), name: "Rue de Rivoli" });
    await t.putLayout("ctl-h", { ...promoLayout(), name: "Le Marais" });
    // The before period (5-12 Nov) holds Armistice Day, closed; the after one (12-19 Nov) a stock-take on short hours; another week nothing.
    const hours = (exceptions: unknown[]) => ({ hours: { weekly: week, exceptions } });
    const armistice = { date: "2026-11-11", intervals: [], note: "Armistice Day" };
    const stockTake = { date: "2026-11-14", intervals: [{ open: "09:00", close: "12:00" }], note: "Stock-take" };
    expect((await t.request("PUT", "/api/v1/stores/holiday/hours", hours([armistice, stockTake, { date: "2026-11-26", intervals: [] }]))).status).toBe(200);
    expect((await t.request("PUT", "/api/v1/stores/ctl-h/hours", hours([armistice]))).status).toBe(200);
    const created = await post(definition({ name: "Promo by the door", testStores: ["holiday"], controlStores: ["ctl-h"] }), await t.token("merchandiser"));
    expect(created.status).toBe(200);
    const res = await t.get(`/api/v1/experiments/${created.body.id}/result`, await t.token("viewer"));
    expect(res.status).toBe(200);
    const warnings: string[] = res.body.warnings;
    // The old result said nothing of either day.
    expect(warnings.filter((w) => w.includes("mark as special"))).toEqual([
      expect.stringMatching(/^the before period holds days the opening hours mark as special \(a holiday, a closure, hours of their own\): Rue de Rivoli: 2026-11-11 \(Wed, closed: Armistice Day\); Le Marais: 2026-11-11 \(Wed, closed: Armistice Day\)\. /),
      expect.stringMatching(/^the after period holds days the opening hours mark as special \(a holiday, a closure, hours of their own\): Rue de Rivoli: 2026-11-14 \(Sat, 09:00-12:00: Stock-take\)\. /),
    ]);
    // 26 Nov is in neither period.
    expect(warnings.join(" ")).not.toMatch(/2026-11-26/);
  });

  it("says nothing of days for stores without opening hours or exceptions in the periods", async () => {
    const created = await post(definition({ name: "No holidays" }));
    const res = await t.get(`/api/v1/experiments/${created.body.id}/result`);
    expect(res.body.warnings.join(" ")).not.toMatch(/mark as special/);
  });
});

describe("median dwell past 500 visits", () => {
  it("is the heatmap's figure for the same store, zone and period (GET /dwell), not the exact median beside its sketch's", async () => {
    await t.putLayout("busy", promoLayout());
    await t.putLayout("busy", promoLayout({ validFrom: CHANGE, promoAt: [4, 6] }));
    // 601 stays at the promo table after the change (20.000 s, 20.037 s, ...: the exact median 31.1 s, the heatmap's 31.5 s, "32 s"), 40 before.
    const f = new EventFactory("cam-1");
    const after = Array.from({ length: 601 }, (_, i) => f.visit(`a${i}`, "promo", AFTER.from + ((i * 263) % 601) * 600_000, 20_000 + i * 37)).flat();
    const before = Array.from({ length: 40 }, (_, i) => f.visit(`b${i}`, "promo", BEFORE.from + i * 3_600_000, 30_000 + i * 100)).flat();
    for (const batch of chunks([...before, ...after], 1000)) await t.ingest("busy", "cam-1", batch);
    const created = await post(definition({ testStores: ["busy"], controlStores: [], zones: ["promo"] }));
    expect(created.status).toBe(200);
    const res = await t.get(`/api/v1/experiments/${created.body.id}/result`);
    const dwell = res.body.zones[0].metrics.find((m: { metric: string }) => m.metric === "medianDwell");
    const heatmap = async (p: { from: number; to: number }) =>
      (await t.get(`/api/v1/stores/busy/dwell?from=${p.from}&to=${p.to}`)).body.zones.find((z: { zone: string }) => z.zone === "promo").dwell_s.median;
    expect(await heatmap(AFTER)).toBe(31.5);
    // The old result: 31.1 after ("31 s" in the verdict table beside the heatmap's "32 s").
    expect(dwell.after).toBeCloseTo(await heatmap(AFTER), 9);
    expect(dwell.before).toBeCloseTo(await heatmap(BEFORE), 9);
    expect(dwell).toMatchObject({ sampleBefore: 40, sampleAfter: 601 });
  });
});

describe("a zone the change renamed", () => {
  it("is said to: the result shows the name after the change, and the warning the name its before figures were counted under", async () => {
    const base = promoLayout();
    const named = (zones: typeof base.zones, names: Record<string, string>) => zones.map((z) => ({ ...z, name: names[z.id] ?? z.name }));
    await t.putLayout("rename", { ...base, zones: named(base.zones, { promo: "Seasonal", fruit: "Fruit" }) });
    const moved = promoLayout({ validFrom: CHANGE, promoAt: [4, 6] });
    await t.putLayout("rename", { ...moved, zones: named(moved.zones, { promo: "Promotions", fruit: "Fruit" }) });
    const created = await post(definition({ testStores: ["rename"], controlStores: [], zones: ["promo", "fruit"] }), await t.token("merchandiser"));
    expect(created.status).toBe(200);
    const res = await t.get(`/api/v1/experiments/${created.body.id}/result`, await t.token("viewer"));
    expect(res.body.zones.map((z: { name: string }) => z.name)).toEqual(["Promotions", "Fruit"]);
    // The old result named it Promotions throughout and said nothing of Seasonal.
    expect(res.body.warnings.filter((w: string) => w.startsWith("renamed"))).toEqual([
      'renamed by the change: Promotions was named "Seasonal" before it (zone promo): the same zone, shown by the name after the change; the figures before it are those of the zone under its old name',
    ]);
  });
});
