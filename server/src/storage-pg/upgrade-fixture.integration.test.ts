/**
 * A regression guard for a chain's upgrade from a real old build. test/fixtures/upgrade-pg-8611a54
 * holds a plain SQL pg_dump of a PostgreSQL database written by 8611a54 itself (the last released
 * main: PostgreSQL migrations 1-8, 11, 12, 13, 16), running as the one server of a chain (Debian's
 * PostgreSQL and mosquitto), and what that old server answered about it (see its README.md and
 * make.mjs). The schema tests migrate schemas built from today's code; this one restores the dump into
 * a fresh database, starts today's server on it as a chain's server, and checks that every migration
 * ran over the old rows, that the answers are the old server's, and that new events from an agent are
 * counted on top, with a receipt, and a resent old event is a duplicate.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { topics } from "@footfall/core";
import type { MqttClient } from "mqtt";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localServerConfig } from "../../../test/support/in-process.js";
import { Mosquitto } from "../../../test/support/mosquitto.js";
import { connectMqtt } from "../../../test/support/mqtt.js";
import { postgresBinDir, usePostgres } from "../../../test/support/postgres.js";
import { requireTool } from "../../../test/support/tools.js";
import { tempDir, waitFor } from "../../../test/support/wait.js";
import { createLogger } from "../log.js";
import { startServer, type RunningServer } from "../server.js";
import { PG_MIGRATIONS } from "./schema.js";

const FIXTURE = join(import.meta.dirname, "../../../test/fixtures/upgrade-pg-8611a54");
type Answers = { made: { commit: string; now: string; events: number } } & Record<string, unknown>;
const recorded = JSON.parse(readFileSync(join(FIXTURE, "answers.json"), "utf8")) as Answers;
const NOW = Date.parse(recorded.made.now);
const MIN = 60_000;
/** When the kiosk's only camera went offline under the old server (its last will, make.mjs): Thu 19 Nov, 21:00 in Paris. */
const KIOSK_OFFLINE = Date.UTC(2026, 10, 19, 20);

const postgres = usePostgres();
let broker: Mosquitto;
let server: RunningServer | undefined;
let agent: MqttClient | undefined;
let db: pg.Pool | undefined;
const dir = tempDir("footfall-pg-upgrade-");

beforeAll(async () => {
  requireTool("mosquitto");
  broker = await Mosquitto.anonymous(19210);
}, 60_000);
afterAll(async () => {
  await agent?.endAsync(true).catch(() => {});
  await server?.close();
  await db?.end();
  await broker?.dispose();
  dir.remove();
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** `body` with only the keys `shape` has, at every depth (arrays element by element): today's answer in the old answer's shape. */
function inShapeOf(body: Json, shape: Json): Json {
  if (Array.isArray(shape) && Array.isArray(body)) return body.map((b, i) => (i < shape.length ? inShapeOf(b, shape[i]!) : b));
  if (shape && typeof shape === "object" && !Array.isArray(shape) && body && typeof body === "object" && !Array.isArray(body))
    return Object.fromEntries(Object.keys(shape).map((k) => [k, k in body ? inShapeOf(body[k]!, shape[k]!) : "(missing)"]));
  return body;
}

/**
 * The differences from the old answers, each deliberate: fields today's server adds (DESIGN v1.1: additive
 * only) are checked here and left out of the comparison; a figure whose meaning was changed since is set to
 * today's value in the old answer, with the commit that changed it (the fixture's README lists them).
 */
function expectedNow(path: string, body: Json): { now: Json; old: Json } {
  const old = structuredClone(recorded[path]) as Json;
  if (path === "stores/shop/occupancy") {
    // Live occupancy gained layoutVersion (9c0044d: the version in force, 2 here), partial and each zone's offlineSince and
    // offlineAgents (dcd4a79). The door counter's last will said offline, but the camera counts the entrance too: no zone is uncounted.
    const b = body as { layoutVersion: number; partial: boolean; zones: { zone: string; offlineSince: number | null; offlineAgents: string[] }[] };
    expect([b.layoutVersion, b.partial]).toEqual([2, false]);
    for (const z of b.zones) expect([z.offlineSince, z.offlineAgents], z.zone).toEqual([null, []]);
  }
  if (path.startsWith("stores/shop/dwell") || path.startsWith("stores/shop/paths")) {
    // Dwell and paths gained outages (the open hours a zone was counted by no agent): the camera counted every zone, so none.
    expect((body as { outages: unknown }).outages, path).toBeNull();
  }
  if (path.startsWith("stores/shop/traffic")) {
    // Traffic gained outages (6022151: the open hours nobody counted the entrance). The door counter is offline, but the
    // camera counted the entrance through those hours: none.
    expect((body as { outages: unknown }).outages, path).toBeNull();
  }
  if (path === "stores/shop/alerts") {
    // The firing alert is the old server's, as it stored it: no second alert for the same condition.
    expect((body as { alerts: unknown[] }).alerts).toHaveLength(1);
  }
  if (path.startsWith("overview?")) {
    type Figures = Record<string, number | null>;
    type Row = { id: string | null; figures: Figures; previous: Figures; lastYear: Figures; partial?: boolean; notCounted?: unknown[] };
    const o = old as unknown as { stores: Row[]; totals: Row; groups: Row[] };
    const now = body as unknown as { stores: Row[] };
    for (const row of [...o.stores, o.totals, ...o.groups]) {
      // 063643d, 256338e: no sale is recorded in any store (no till feed): transactions, sales and conversion are no data, not 0.
      Object.assign(row.figures, { transactions: null, sales: null, conversion: null });
      // ca7e803, 063643d: the previous period and last year end before the stores' figures begin: no data, not 0 'nobody came'.
      for (const period of [row.previous, row.lastYear]) Object.assign(period, { enters: null, visitors: null, transactions: null, sales: null });
    }
    // 181a796: a store's median dwell is of the visits to zones other than entrances, checkouts and queues (a pass, a payment,
    // a wait are no stay). The shop's checkout visits were in the old median; the kiosk has none, its median is unchanged.
    const shop = o.stores.find((r) => r.id === "shop")!;
    expect(shop.figures.dwellMedianS).toBeCloseTo(232.98, 2);
    shop.figures.dwellMedianS = 270.48473046330616;
    for (const row of [o.totals, ...o.groups]) {
      expect(row.figures.dwellMedianS).toBeCloseTo(244.87, 2);
      row.figures.dwellMedianS = 285.71065266187605;
    }
    // Added since: each store's partial and notCounted, of now. The shop's door counter is offline but its camera counts the
    // entrance too; the kiosk's only camera is offline: neither of its zones is counted now.
    expect(now.stores.map((r) => [r.id, r.partial, r.notCounted?.length])).toEqual([
      ["kiosk", true, 2],
      ["shop", false, 0],
    ]);
  }
  return { now: inShapeOf(body, old), old };
}

describe("a PostgreSQL database a chain's server of 8611a54 wrote, opened by today's chain server", () => {
  it("gets every migration, answers as the old server did, and counts new events on top", async () => {
    const databaseUrl = postgres.database("footfall_upgrade");
    execFileSync(join(postgresBinDir(), "psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", databaseUrl, "-f", join(FIXTURE, "footfall.sql")], {
      encoding: "utf8",
    });
    db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    const q = async <T extends pg.QueryResultRow>(sql: string) => (await db!.query<T>(sql)).rows;
    expect((await q<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version")).map((r) => r.version)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 16,
    ]);
    expect(await q("SELECT count(*)::int AS n FROM events")).toEqual([{ n: recorded.made.events }]);

    // The chain's broker outlives a server's upgrade: it still holds the agents' retained statuses the old server
    // stored (make.mjs), the door counter's last will among them.
    const status = (state: string, ts: number, kind: string) => JSON.stringify({ state, ts, kind, version: "1.0.0" });
    const retained = await connectMqtt({ url: broker.url, username: "", password: "" });
    await retained.publishAsync(topics.status("shop", "cam-1"), status("online", NOW - 5 * MIN, "camera"), { qos: 1, retain: true });
    await retained.publishAsync(topics.status("shop", "door-1"), status("offline", NOW - 20 * MIN, "door"), { qos: 1, retain: true });
    await retained.publishAsync(topics.status("kiosk", "cam-k"), status("offline", KIOSK_OFFLINE, "camera"), { qos: 1, retain: true });
    await retained.endAsync();

    server = await startServer(localServerConfig(dir.path, { databaseUrl, mqttUrl: broker.url, serverId: "today", httpPort: 19211 }), {
      log: createLogger("silent"),
      uiDir: null,
      now: () => NOW,
    });
    expect((await q<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version")).map((r) => r.version)).toEqual(
      PG_MIGRATIONS.map((m) => m.version),
    );
    // Alone in the chain now, it takes over every shard the old server handed back.
    const s = server;
    await waitFor("every shard held", () => s.cluster!.leases.leases().length === 64, { timeoutMs: 60_000 });

    // What the migrations did with the old rows: 21 counted the layout versions each store had saved, 22 marked the
    // old server's firing alert as notified (its webhooks were queued by the old server: none is queued again), 19
    // gave the cluster's servers their liveness key; and 25 opened an offline span for each agent the old server had
    // stored as offline, from when it heard its will (24 records spans as a status turns offline, and the wills the
    // broker replays say nothing the agents table does not hold: without 25 these outages were recorded nowhere).
    expect(await q("SELECT id, layout_versions FROM stores ORDER BY id")).toEqual([
      { id: "kiosk", layout_versions: 1 },
      { id: "shop", layout_versions: 2 },
    ]);
    expect(await q("SELECT state, notified FROM alerts")).toEqual([{ state: "firing", notified: "firing" }]);
    expect(await q("SELECT id, liveness_key IS NOT NULL AS live FROM cluster_servers")).toEqual([{ id: "today", live: true }]);
    expect(await q("SELECT store, agent, from_ts::float8 AS from, to_ts FROM agent_offline_spans ORDER BY store, agent")).toEqual([
      { store: "kiosk", agent: "cam-k", from: KIOSK_OFFLINE, to_ts: null },
      { store: "shop", agent: "door-1", from: NOW - 20 * MIN, to_ts: null },
    ]);

    const admin = await s.services.storage.tokens.add("admin", null, NOW);
    const get = async (path: string) => {
      const res = await s.app.inject({ method: "GET", url: `/api/v1/${path}`, headers: { authorization: `Bearer ${admin}` } });
      expect(res.statusCode, `${path}: ${res.body}`).toBe(200);
      return res.json() as unknown;
    };
    const paths = Object.keys(recorded).filter((k) => k !== "made");
    expect(paths).toHaveLength(12);
    for (const path of paths) {
      const { now, old } = expectedNow(path, (await get(path)) as Json);
      expect(now, path).toEqual(old);
    }

    // The chain view says the kiosk's outage left its hours since uncounted, rather than reading them as nobody there.
    const today = `from=${new Date(Date.UTC(2026, 10, 20)).toISOString()}&to=${new Date(NOW).toISOString()}`;
    const overview = (await get(`overview?${today}`)) as { stores: { id: string; outages: { range: { hours: number } | null } }[] };
    expect(overview.stores.map((r) => [r.id, r.outages.range?.hours ?? null])).toEqual([
      ["kiosk", 11],
      ["shop", null],
    ]);

    // New events of the shop's camera through the broker, as the agent sends them: two new ones after the old server's
    // ids, and the first event the old server stored sent again (an agent's outbox resending it). A receipt settles the
    // three; the new ones are counted on top of the old figures, the old one is a duplicate, counted once.
    const trafficToday = `stores/shop/traffic?${today}&bucket=day`;
    const entranceToday = async () => ((await get(trafficToday)) as { buckets: { zones: Record<string, number> }[] }).buckets[0]!.zones.entrance ?? 0;
    const before = await entranceToday();
    const [first] = await q<{ id: string; ts: number; zone: string; visitor: string; type: number }>(
      "SELECT id, ts::float8 AS ts, zone, visitor, type FROM events WHERE store = 'shop' AND id = 'cam-1:000000000'",
    );
    expect(first).toMatchObject({ type: 0, zone: "entrance" });
    const events = [
      { type: "enter", id: first!.id, ts: first!.ts, zone: first!.zone, visitor: first!.visitor },
      { type: "enter", id: "cam-1:000000456", ts: NOW - 3 * MIN, zone: "entrance", visitor: "after-upgrade" },
      { type: "exit", id: "cam-1:000000457", ts: NOW - 2 * MIN, zone: "entrance", visitor: "after-upgrade" },
    ];
    const settled: string[] = [];
    agent = await connectMqtt({ url: broker.url, username: "", password: "" }, { clientId: "shop-cam-1" });
    agent.on("message", (_topic, payload) => settled.push(...(JSON.parse(payload.toString()) as { settled: string[] }).settled));
    await agent.subscribeAsync(topics.receipts("shop", "cam-1"), { qos: 1 });
    await agent.publishAsync(topics.events("shop", "cam-1"), JSON.stringify({ agent: "cam-1", events }), { qos: 1 });
    await waitFor("the receipt of the three events", () => settled.length >= 3, { timeoutMs: 30_000 });
    expect(settled.sort()).toEqual(events.map((e) => e.id).sort());
    expect(await q("SELECT count(*)::int AS n, count(DISTINCT (store, id))::int AS ids FROM events")).toEqual([
      { n: recorded.made.events + 2, ids: recorded.made.events + 2 },
    ]);
    expect(await q("SELECT events::int, duplicates::int FROM agents WHERE store = 'shop' AND agent = 'cam-1'")).toEqual([{ events: 458, duplicates: 1 }]);
    expect(await entranceToday()).toBe(before + 1);
    // The old days' figures are unchanged by it.
    for (const path of paths.filter((p) => p.startsWith("stores/shop/traffic") || p.startsWith("stores/shop/dwell"))) {
      const { now, old } = expectedNow(path, (await get(path)) as Json);
      expect(now, path).toEqual(old);
    }

    // The next layout saved is numbered after the old build's two (migration 21 counts on from them).
    const { version: _version, store: _store, ...input } = recorded["stores/shop/layout"] as Record<string, unknown>;
    const saved = await s.app.inject({
      method: "PUT",
      url: "/api/v1/stores/shop/layout",
      headers: { authorization: `Bearer ${admin}` },
      payload: { ...input, validFrom: NOW, name: "Old store, upgraded" },
    });
    expect([saved.statusCode, (saved.json() as { version: number }).version], saved.body).toEqual([200, 3]);
  }, 180_000);
});
