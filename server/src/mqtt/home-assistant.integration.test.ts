/**
 * Retained occupancy, queue and alert topics and Home Assistant discovery through Debian's
 * mosquitto, with the ACL `footfall broker-config` writes (with its read-only user for Home
 * Assistant, `--home-assistant`), read back with `mosquitto_sub` and checked against the discovery schema.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics, type LayoutInput, type ZoneId } from "@footfall/core";
import { batchJson, EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { Mosquitto } from "../../../test/support/mosquitto.js";
import { mosquittoSubRetained } from "../../../test/support/mosquitto-sub.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { mosquittoPub } from "../../../test/support/mqtt.js";
import { requireTool } from "../../../test/support/tools.js";
import { tempDir, waitFor } from "../../../test/support/wait.js";
import { hashPassword } from "../auth/secrets.js";
import { mosquittoFiles } from "../broker-files.js";
import { openSqliteStorage } from "../storage/sqlite.js";
import { discoveryProblems } from "./ha-schema.js";

const STORE = "shop";
const dir = tempDir("footfall-ha-");
const serverUser = { username: "footfall-server", password: randomBytes(12).toString("hex") };
const ha = { username: "homeassistant", password: randomBytes(12).toString("hex") };
let mosquitto: Mosquitto;
let t: TestServer;
let agent: { username: string; password: string };

/** The small store plus a checkout queue. */
const layout = (zones = smallLayout().zones): LayoutInput => ({
  ...smallLayout({ name: "Main street" }),
  zones: [...zones, { id: "line" as ZoneId, name: "Line", kind: "queue", queueFor: "checkout" as ZoneId, polygon: [[10, 8], [14, 8], [14, 10], [10, 10]] }],
});

const haLogin = () => ({ url: mosquitto.url, ...ha });
const retained = (filter: string) => mosquittoSubRetained(haLogin(), filter, 1);

beforeAll(async () => {
  requireTool("mosquitto");
  requireTool("mosquitto_sub");
  requireTool("mosquitto_pub");
  // The agent and the broker files first, as `footfall agent add` then `footfall broker-config` do.
  const storage = openSqliteStorage(dir.path);
  const creds = await storage.agents.add(STORE, "cam-1", "camera", Date.now());
  agent = { username: creds.username, password: creds.password };
  // Home Assistant's read-only user, as `footfall broker-config --home-assistant` writes it.
  const files = await mosquittoFiles(storage, serverUser, { homeAssistant: { username: ha.username, hash: hashPassword(ha.password) } });
  await storage.close();
  const brokerDir = join(dir.path, "mosquitto");
  mkdirSync(brokerDir, { recursive: true });
  writeFileSync(join(brokerDir, "passwd"), files.passwd, { mode: 0o600 });
  writeFileSync(join(brokerDir, "acl"), files.acl);
  mosquitto = await Mosquitto.start({ passwordFile: join(brokerDir, "passwd"), aclFile: join(brokerDir, "acl") });
  t = await startTestServer({ dataDir: dir.path, config: { mqttUrl: mosquitto.url, mqttUsername: serverUser.username, mqttPassword: serverUser.password } });
  await t.putLayout(STORE, layout());
  // A rule added after the layout: discovery picks it up (its first alert, or the periodic refresh, or the next layout).
  const rule = { id: "busy", name: "Store busy", kind: "occupancy", threshold: 0.8, forSeconds: 0, cooldownSeconds: 0, enabled: true };
  expect(await t.request("POST", `/api/v1/stores/${STORE}/alert-rules`, rule)).toMatchObject({ status: 201 });
  await t.putLayout(STORE, layout());
}, 60_000);
afterAll(async () => {
  await t?.close();
  await mosquitto?.dispose();
  dir.remove();
});

const node = "homeassistant/+/footfall_shop/+/config";
const expectedDiscovery = [
  "homeassistant/binary_sensor/footfall_shop/alert_busy/config",
  "homeassistant/sensor/footfall_shop/occupancy/config",
  "homeassistant/sensor/footfall_shop/queue_line_length/config",
  "homeassistant/sensor/footfall_shop/queue_line_tills/config",
  "homeassistant/sensor/footfall_shop/queue_line_wait/config",
  "homeassistant/sensor/footfall_shop/zone_bakery_occupancy/config",
  "homeassistant/sensor/footfall_shop/zone_checkout_occupancy/config",
  "homeassistant/sensor/footfall_shop/zone_entrance_occupancy/config",
  "homeassistant/sensor/footfall_shop/zone_fruit_occupancy/config",
];

describe("MQTT for Home Assistant through mosquitto", () => {
  it("holds a retained discovery config per zone, queue and alert rule, each valid against Home Assistant's schema, all on one device", async () => {
    const m = await waitFor("every discovery config", async () => {
      const got = await retained(node);
      return expectedDiscovery.every((t) => got.has(t)) ? got : undefined;
    });
    expect([...m.keys()].sort()).toEqual(expectedDiscovery);
    for (const [topic, payload] of m) expect(discoveryProblems(topic, payload), topic).toEqual([]);
    const devices = new Set([...m.values()].map((p) => JSON.stringify(JSON.parse(p).device)));
    expect(devices.size).toBe(1);
    expect(JSON.parse([...devices][0]!)).toMatchObject({ identifiers: ["footfall_shop"], name: "Footfall Main street", manufacturer: "Footfall" });
  });

  it("holds the server's availability and the state topics the configs point at", async () => {
    const state = await waitFor("the state topics", async () => {
      const got = await retained("footfall/v1/#");
      return got.has(topics.queue(STORE, "line")) && got.has(topics.alert(STORE, "busy")) ? got : undefined;
    });
    expect(state.get(topics.availability())).toBe("online");
    expect(JSON.parse(state.get(topics.occupancy(STORE))!)).toMatchObject({ total: 0 });
    expect(JSON.parse(state.get(topics.zoneOccupancy(STORE, "fruit"))!)).toMatchObject({ occupancy: 0, capacity: 5 });
    expect(JSON.parse(state.get(topics.queue(STORE, "line"))!)).toMatchObject({ length: 0, waitSeconds: null, tillsOpen: null });
    expect(JSON.parse(state.get(topics.alert(STORE, "busy"))!)).toMatchObject({ rule: "busy", active: "OFF" });
    // Every state topic a config names is held.
    const configs = await retained(node);
    for (const p of configs.values()) expect(state.has(JSON.parse(p).state_topic)).toBe(true);
  });

  it("does not let an agent publish the server's topics (broker ACL)", async () => {
    const forged = JSON.stringify({ ts: 1, total: 999 });
    await mosquittoPub({ url: mosquitto.url, ...agent, topic: topics.occupancy(STORE), messages: [forged], retain: true });
    await mosquittoPub({ url: mosquitto.url, ...agent, topic: "homeassistant/sensor/footfall_shop/occupancy/config", messages: [""], retain: true });
    const state = await retained(`footfall/v1/${STORE}/occupancy`);
    expect(state.get(topics.occupancy(STORE))).not.toBe(forged);
    expect((await retained(node)).has("homeassistant/sensor/footfall_shop/occupancy/config")).toBe(true);
  });

  it("gives Home Assistant's user read access only: what it publishes on the discovery and state topics is dropped", async () => {
    const forged = JSON.stringify({ ts: 2, total: 777 });
    await mosquittoPub({ url: mosquitto.url, ...ha, topic: topics.occupancy(STORE), messages: [forged], retain: true });
    await mosquittoPub({ url: mosquitto.url, ...ha, topic: "homeassistant/sensor/footfall_shop/occupancy/config", messages: [""], retain: true });
    await mosquittoPub({ url: mosquitto.url, ...ha, topic: topics.events(STORE, "cam-1"), messages: ["{}"] });
    expect((await retained(topics.occupancy(STORE))).get(topics.occupancy(STORE))).not.toBe(forged);
    expect((await retained(node)).has("homeassistant/sensor/footfall_shop/occupancy/config")).toBe(true);
    // It reads no agent's topics either (the retained layout is the agents' and the server's).
    expect((await retained(topics.layout(STORE))).size).toBe(0);
  });

  it("clears the config and the retained state of a zone a new layout no longer has, and publishes the new one's", async () => {
    // Someone browses the fruit stand: its retained occupancy says 1.
    const f = new EventFactory("cam-1");
    await mosquittoPub({ url: mosquitto.url, ...agent, topic: topics.events(STORE, "cam-1"), messages: [batchJson("cam-1", [f.enter("v1", "fruit", Date.now())])] });
    await waitFor("fruit's occupancy 1", async () => {
      const p = (await retained(topics.zoneOccupancy(STORE, "fruit"))).get(topics.zoneOccupancy(STORE, "fruit"));
      return p !== undefined && JSON.parse(p).occupancy === 1 ? true : undefined;
    });
    const zones = smallLayout().zones.filter((z) => z.id !== "fruit");
    await t.putLayout(STORE, layout(zones));
    const m = await waitFor("fruit's config gone", async () => {
      const got = await retained(node);
      return got.has("homeassistant/sensor/footfall_shop/zone_fruit_occupancy/config") ? undefined : got;
    });
    expect([...m.keys()].sort()).toEqual(expectedDiscovery.filter((t) => !t.includes("fruit")));
    // The stand is gone: a dashboard reading footfall/v1/shop/zones/+/occupancy no longer finds it holding 1.
    const state = await waitFor("fruit's state topic gone", async () => {
      const got = await retained(`footfall/v1/${STORE}/zones/+/occupancy`);
      return got.has(topics.zoneOccupancy(STORE, "fruit")) ? undefined : got;
    });
    expect([...state.keys()].sort()).toEqual(["bakery", "checkout", "entrance"].map((z) => topics.zoneOccupancy(STORE, z)));
  });

  it("clears the binary sensor's config and the retained state of an alert rule deleted", async () => {
    const rule = { id: "door-left-open", kind: "occupancy", zone: "entrance", threshold: 0.9, forSeconds: 0, cooldownSeconds: 0, enabled: true };
    expect(await t.request("POST", `/api/v1/stores/${STORE}/alert-rules`, rule)).toMatchObject({ status: 201 });
    await t.putLayout(STORE, layout(smallLayout().zones.filter((z) => z.id !== "fruit"))); // discovery now, not at the 30 s refresh
    const config = "homeassistant/binary_sensor/footfall_shop/alert_door-left-open/config";
    await waitFor("the rule's config and state", async () => ((await retained(node)).has(config) && (await retained(topics.alert(STORE, rule.id))).size === 1) || undefined);
    expect(await t.request("DELETE", `/api/v1/stores/${STORE}/alert-rules/${rule.id}`)).toMatchObject({ status: 204 });
    await t.putLayout(STORE, layout(smallLayout().zones.filter((z) => z.id !== "fruit")));
    await waitFor("the rule's config gone", async () => !(await retained(node)).has(config) || undefined);
    const alerts = await waitFor("the rule's state topic gone", async () => {
      const got = await retained(`footfall/v1/${STORE}/alerts/+`);
      return got.has(topics.alert(STORE, rule.id)) ? undefined : got;
    });
    expect([...alerts.keys()]).toEqual([topics.alert(STORE, "busy")]);
  });

  it("publishes its retained topics again when the broker comes back without them (kill -9 before its autosave)", async () => {
    const before = await retained(node);
    expect(before.size).toBeGreaterThan(0);
    // Killed within its 60 s autosave: its sessions and retained messages are gone when it starts again.
    await mosquitto.kill9();
    await mosquitto.start();
    const m = await waitFor("every discovery config again", async () => {
      const got = await retained(node);
      return got.size === before.size ? got : undefined;
    });
    expect(m).toEqual(before);
    const state = await waitFor("the state topics again", async () => {
      const got = await retained("footfall/v1/#");
      return got.has(topics.zoneOccupancy(STORE, "bakery")) && got.has(topics.queue(STORE, "line")) && got.has(topics.alert(STORE, "busy")) ? got : undefined;
    });
    expect(state.get(topics.availability())).toBe("online");
    // The shopper of the fruit stand's test, still in the store.
    expect(JSON.parse(state.get(topics.occupancy(STORE))!)).toMatchObject({ total: 1 });
    // The agents' retained layout too: an agent starting now gets its zones.
    const layoutMsg = await waitFor("the layout again", async () => (await mosquittoSubRetained({ url: mosquitto.url, ...agent }, topics.layout(STORE), 1)).get(topics.layout(STORE)));
    expect(JSON.parse(layoutMsg)).toMatchObject({ store: STORE });
  }, 60_000);

  it("says offline when the server stops", async () => {
    await t.server.close();
    expect((await retained(topics.availability())).get(topics.availability())).toBe("offline");
  });

  it("clears at start what a server before this one left of a zone an earlier layout version had (removed before an upgrade)", async () => {
    // The fruit stand (version 1 had it, the one in force does not) as an older server left it: its last figures and its config.
    const left = new Map([
      [topics.zoneOccupancy(STORE, "fruit"), JSON.stringify({ ts: 1, occupancy: 3, capacity: 5 })],
      ["homeassistant/sensor/footfall_shop/zone_fruit_occupancy/config", JSON.stringify({ name: "Fruit occupancy", state_topic: topics.zoneOccupancy(STORE, "fruit") })],
    ]);
    for (const [topic, payload] of left) await mosquittoPub({ url: mosquitto.url, ...serverUser, topic, messages: [payload], retain: true });
    expect((await retained(`footfall/v1/${STORE}/zones/fruit/occupancy`)).size).toBe(1);
    const again = await startTestServer({ dataDir: dir.path, config: { mqttUrl: mosquitto.url, mqttUsername: serverUser.username, mqttPassword: serverUser.password } });
    try {
      await waitFor("fruit's state and config cleared", async () => ((await retained(`footfall/v1/${STORE}/zones/#`)).has(topics.zoneOccupancy(STORE, "fruit")) ? undefined : true));
      await waitFor("fruit's config cleared", async () => ((await retained(node)).has("homeassistant/sensor/footfall_shop/zone_fruit_occupancy/config") ? undefined : true));
      // What the layout in force has is still there.
      expect((await retained(node)).has("homeassistant/sensor/footfall_shop/zone_bakery_occupancy/config")).toBe(true);
      expect((await retained(`footfall/v1/${STORE}/zones/#`)).has(topics.zoneOccupancy(STORE, "bakery"))).toBe(true);
    } finally {
      await again.close();
    }
  });

  it("clears at start the state topic and binary sensor of an alert rule deleted before (by a version that left them)", async () => {
    const serve = () => startTestServer({ dataDir: dir.path, config: { mqttUrl: mosquitto.url, mqttUsername: serverUser.username, mqttPassword: serverUser.password } });
    // A rule made and deleted (the audit log keeps its deletion), its topics then left as a server before 4a8a96a left them.
    const first = await serve();
    try {
      const rule = { id: "queue-long", kind: "queue-length", zone: "line", threshold: 5, forSeconds: 0, cooldownSeconds: 0, enabled: true };
      expect(await first.request("POST", `/api/v1/stores/${STORE}/alert-rules`, rule)).toMatchObject({ status: 201 });
      expect(await first.request("DELETE", `/api/v1/stores/${STORE}/alert-rules/${rule.id}`)).toMatchObject({ status: 204 });
    } finally {
      await first.close();
    }
    const config = "homeassistant/binary_sensor/footfall_shop/alert_queue-long/config";
    const left = new Map([
      [topics.alert(STORE, "queue-long"), JSON.stringify({ rule: "queue-long", active: "ON", state: "firing", at: 1 })],
      [config, JSON.stringify({ name: "Alert queue-length line", state_topic: topics.alert(STORE, "queue-long") })],
    ]);
    for (const [topic, payload] of left) await mosquittoPub({ url: mosquitto.url, ...serverUser, topic, messages: [payload], retain: true });
    expect((await retained(topics.alert(STORE, "queue-long"))).size).toBe(1);
    const again = await serve();
    try {
      // A dashboard following alerts/+ no longer sees a rule nobody can find in Footfall holding ON for ever.
      const alerts = await waitFor("the deleted rule's state topic cleared", async () => {
        const got = await retained(`footfall/v1/${STORE}/alerts/+`);
        return got.has(topics.alert(STORE, "queue-long")) ? undefined : got;
      });
      expect([...alerts.keys()]).toEqual([topics.alert(STORE, "busy")]);
      const configs = await waitFor("its binary sensor cleared", async () => {
        const got = await retained(node);
        return got.has(config) ? undefined : got;
      });
      // The rule that still exists keeps its binary sensor.
      expect(configs.has("homeassistant/binary_sensor/footfall_shop/alert_busy/config")).toBe(true);
    } finally {
      await again.close();
    }
  });
});
