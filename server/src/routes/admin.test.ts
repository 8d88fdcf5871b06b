import { describe, expect, it } from "vitest";
import { EventFactory } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { metricValue } from "../../../test/support/api.js";
import { scrape, startMetricsListener } from "../metrics-listener.js";

const NOW = Date.UTC(2026, 10, 20, 15, 0, 0);
const t = useTestServer({ now: () => NOW, stores: ["shop"] });

describe("GET /api/v1/health", () => {
  it("says ok with the broker connected and the database ok", async () => {
    const res = await t.get("/api/v1/health", null);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok", mqtt: "connected", db: "ok" });
  });

  it("says the broker disconnected when the server's own link check says so (a split chain server's front: its worker's shard sessions)", async () => {
    const services = t.server.services;
    services.mqttConnected = () => false;
    try {
      const res = await t.get("/api/v1/health", null);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: "degraded", mqtt: "disconnected", db: "ok" });
      expect(metricValue((await scrape(services)).body, "footfall_mqtt_connected")).toBe(0);
    } finally {
      delete services.mqttConnected;
    }
    expect((await t.get("/api/v1/health", null)).status).toBe(200);
  });
});

describe("GET /api/v1/me", () => {
  it("returns the role and the store of an unlimited token", async () => {
    expect((await t.get("/api/v1/me", (await t.token("staff")))).body).toEqual({ role: "staff", store: null });
  });
});

describe("GET /api/v1/stores/:store/agents", () => {
  it("lists an agent that never connected as never-seen with zero counts", async () => {
    await t.server.services.storage.agents.add("shop", "door-1", "door", NOW);
    const res = await t.get("/api/v1/stores/shop/agents");
    expect(res.status).toBe(200);
    expect(res.body.agents).toContainEqual({
      agent: "door-1",
      kind: "door",
      state: "never-seen",
      version: null,
      lastStatusTs: null,
      lastEventTs: null,
      lagMs: null,
      events: 0,
      duplicates: 0,
      rejects: 0,
      revokedAt: null,
      rejectReasons: {},
      backlog: null,
      clockOffsetMs: null,
      clockMeasuredAt: null,
      lastHeardAt: null,
      statusEveryMs: null,
      input: null,
      agentRejects: null,
      recentInput: null,
      problems: ["never-seen"],
      expectedBackBy: null,
    });
    expect(res.body.clockWarnMs).toBe(30_000);
  });

  it("counts an agent's events, duplicates and rejects, with its last event time and lag", async () => {
    await t.server.services.storage.agents.add("shop", "cam-1", "camera", NOW);
    const f = new EventFactory("cam-1");
    const first = f.enter("v1", "fruit", NOW - 5000);
    await t.ingest("shop", "cam-1", [first, f.exit("v1", "fruit", NOW - 2000), f.enter("v1", "nowhere", NOW - 1000)]);
    await t.ingest("shop", "cam-1", [first]);
    const cam = (await t.get("/api/v1/stores/shop/agents")).body.agents.find((a: { agent: string }) => a.agent === "cam-1");
    expect(cam).toMatchObject({ events: 2, duplicates: 1, rejects: 1, lastEventTs: NOW - 2000, lagMs: 2000 });
  });

  it("says why an agent's events were refused, reason by reason", async () => {
    await t.server.services.storage.agents.add("shop", "cam-2", "camera", NOW);
    const f = new EventFactory("cam-2");
    await t.ingest("shop", "cam-2", [f.enter("v1", "nowhere", NOW - 1000), f.enter("v2", "fruit", NOW - 30 * 86_400_000), f.enter("v3", "fruit", NOW - 31 * 86_400_000), f.enter("v4", "fruit", NOW)]);
    const cam = (await t.get("/api/v1/stores/shop/agents")).body.agents.find((a: { agent: string }) => a.agent === "cam-2");
    expect(cam).toMatchObject({ events: 1, rejects: 3, rejectReasons: { unknown_zone: 1, too_old: 2 } });
  });

  it("reports the state and version of the agent's last status", async () => {
    await t.server.services.storage.agents.add("shop", "beacon-1", "beacon", NOW);
    await t.server.services.storage.agents.recordStatus("shop", "beacon-1", { state: "online", ts: NOW - 10, kind: "beacon", version: "1.2.3" });
    const b = (await t.get("/api/v1/stores/shop/agents")).body.agents.find((a: { agent: string }) => a.agent === "beacon-1");
    expect(b).toMatchObject({ state: "online", version: "1.2.3", lastStatusTs: NOW - 10 });
  });

  it("says what an agent held at its last status (its outbox), so an outage's backlog shows in Agents", async () => {
    await t.server.services.storage.agents.add("shop", "cam-9", "camera", NOW);
    await t.server.services.storage.agents.recordStatus("shop", "cam-9", { state: "online", ts: NOW - 10, kind: "camera", version: "0.1.0", queued: 384, oldestQueuedAgeMs: 68_111, outboxDropped: 0, outbox: "durable" });
    const cam = (await t.get("/api/v1/stores/shop/agents")).body.agents.find((a: { agent: string }) => a.agent === "cam-9");
    expect(cam).toMatchObject({ lastStatusTs: NOW - 10, backlog: { queued: 384, oldestQueuedAgeMs: 68_111, outboxDropped: 0 } });
    // Emptied: nothing held, no age.
    await t.server.services.storage.agents.recordStatus("shop", "cam-9", { state: "online", ts: NOW - 5, kind: "camera", version: "0.1.0", queued: 0, oldestQueuedAgeMs: 0 });
    const after = (await t.get("/api/v1/stores/shop/agents")).body.agents.find((a: { agent: string }) => a.agent === "cam-9");
    expect(after.backlog).toEqual({ queued: 0, oldestQueuedAgeMs: null, outboxDropped: null });
  });

  it("lists the agents of a store that has agents but no layout yet", async () => {
    await t.server.services.storage.agents.add("new-shop", "door-1", "door", NOW);
    expect((await t.get("/api/v1/stores/new-shop/agents")).body.agents.map((a: { agent: string }) => a.agent)).toEqual(["door-1"]);
  });

  it("answers 404 for a store with neither layout nor agent", async () => {
    expect((await t.get("/api/v1/stores/nowhere/agents")).status).toBe(404);
  });
});

describe("GET /metrics", () => {
  it("serves Prometheus text with accepted, duplicate and rejected events to an admin token on the API port", async () => {
    await t.server.services.storage.agents.add("shop", "m-1", "sim", NOW);
    const f = new EventFactory("m-1");
    const e = f.enter("m", "fruit", NOW - 1000);
    await t.ingest("shop", "m-1", [e, e, f.enter("m", "mars", NOW)]);
    const res = await t.get("/metrics");
    expect(res.status).toBe(200);
    expect(res.text).toContain("# TYPE footfall_events_accepted_total counter");
    expect(metricValue(res.text, "footfall_events_accepted_total", { store: "shop" })).toBeGreaterThanOrEqual(1);
    expect(metricValue(res.text, "footfall_events_duplicate_total", { store: "shop" })).toBeGreaterThanOrEqual(1);
    expect(metricValue(res.text, "footfall_events_rejected_total", { reason: "unknown_zone" })).toBeGreaterThanOrEqual(1);
  });

  it("reports the ingest lag histogram, the broker link and the commit failures", async () => {
    const text = (await t.get("/metrics")).text;
    expect(text).toContain("footfall_ingest_lag_seconds_bucket");
    expect(metricValue(text, "footfall_mqtt_connected")).toBe(1);
    expect(text).toContain("# TYPE footfall_commit_failures_total counter");
    expect(metricValue(text, "footfall_commit_failing")).toBe(0);
  });

  it("is not public on the API port: 401 without a token, 403 for a role below admin", async () => {
    expect((await t.get("/metrics", null)).status).toBe(401);
    for (const role of ["viewer", "staff", "merchandiser"] as const) expect((await t.get("/metrics", (await t.token(role)))).status, role).toBe(403);
    expect((await t.get("/metrics", t.admin)).status).toBe(200);
    // An admin limited to a store is refused: the text counts every store's events (limited-admin.test).
    expect((await t.get("/metrics", (await t.token("admin", "shop")))).status).toBe(403);
  });

  it("is served without a token on its own listener, and only GET /metrics there", async () => {
    const listener = await startMetricsListener(t.server.services, { host: "127.0.0.1", port: 0, log: t.server.services.log });
    try {
      const res = await fetch(listener.url);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(metricValue(await res.text(), "footfall_mqtt_connected")).toBe(1);
      expect((await fetch(listener.url.replace("/metrics", "/api/v1/stores"))).status).toBe(404);
      expect((await fetch(listener.url, { method: "POST" })).status).toBe(405);
    } finally {
      await listener.close();
    }
  });
});

describe("/api/docs", () => {
  it("serves the OpenAPI document listing every route of the API", async () => {
    const res = await t.get("/api/docs/json", null);
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const paths = res.body.paths as Record<string, Record<string, unknown>>;
    const routes = Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes).toEqual(
      expect.arrayContaining([
        "GET /api/v1/health",
        "GET /api/v1/me",
        "GET /api/v1/stores",
        "GET /api/v1/stores/{store}/layout",
        "PUT /api/v1/stores/{store}/layout",
        "GET /api/v1/stores/{store}/layouts",
        "GET /api/v1/stores/{store}/occupancy",
        "GET /api/v1/stores/{store}/dwell",
        "GET /api/v1/stores/{store}/paths",
        "GET /api/v1/stores/{store}/traffic",
        "GET /api/v1/stores/{store}/agents",
      ]),
    );
  });

  it("documents the query parameters of the analytics routes", async () => {
    const paths = (await t.get("/api/docs/json", null)).body.paths;
    const names = (p: string) => (paths[p].get.parameters as { name: string }[]).map((x) => x.name);
    expect(names("/api/v1/stores/{store}/traffic")).toEqual(expect.arrayContaining(["store", "from", "to", "bucket"]));
    expect(names("/api/v1/stores/{store}/paths")).toEqual(expect.arrayContaining(["store", "from", "to", "limit"]));
  });

  it("serves the interactive documentation as HTML", async () => {
    const res = await t.server.app.inject({ method: "GET", url: "/api/docs/" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
  });
});

describe("GET /", () => {
  it("serves a page listing the API when the UI is not built", async () => {
    const res = await t.server.app.inject({ method: "GET", url: "/" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("/api/v1/stores/:store/dwell");
  });
});
