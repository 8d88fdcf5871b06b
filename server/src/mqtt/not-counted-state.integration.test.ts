/**
 * A zone nobody counts now, as Home Assistant and other MQTT readers see it, through Debian's
 * mosquitto: with cam-q (the only camera over the bakery and the till queue) offline, the bakery's
 * and the queue's sensors are unavailable (Home Assistant's "we don't know now"), not their frozen
 * figures; their retained states say `offlineSince` and the store total `partial`; back online, they
 * are available again with their figures. Home Assistant's availability is read as it reads it: each
 * availability topic's last retained payload, its value_template rendered by Jinja2, all of them
 * available (`availability_mode: all`).
 */
import { spawnSync } from "node:child_process";
import { userInfo } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { topics, type LayoutInput, type ZoneId } from "@footfall/core";
import { batchJson, EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { Mosquitto } from "../../../test/support/mosquitto.js";
import { connectMqtt } from "../../../test/support/mqtt.js";
import { tempDir, waitFor } from "../../../test/support/wait.js";
import { createLogger } from "../log.js";
import { startServer, type RunningServer } from "../server.js";
import { openSqliteStorage } from "../storage/sqlite.js";
import { localServerConfig } from "../../../test/support/in-process.js";

const STORE = "shop";
const BROKER_PORT = 18811;
const dir = tempDir("footfall-not-counted-mqtt-");
let mosquitto: Mosquitto;
let server: RunningServer;
let agent: MqttClient;
let reader: MqttClient;
let admin: string;
/** The last payload on each topic (retained or live), as Home Assistant keeps them. */
const last = new Map<string, string>();

const layout: LayoutInput = {
  ...smallLayout(),
  zones: [...smallLayout().zones, { id: "line" as ZoneId, name: "Line", kind: "queue", queueFor: "checkout" as ZoneId, polygon: [[10, 8], [14, 8], [14, 10], [10, 10]] }],
};
const config = (object: string) => `homeassistant/sensor/footfall_${STORE}/${object}/config`;

interface Availability {
  topic: string;
  payload_available?: string;
  payload_not_available?: string;
  value_template?: string;
}
/** Renders Jinja2 templates with `value_json` (Python's Jinja2, as Home Assistant; .ci/run installs python3-jinja2). */
function render(jobs: { template: string; payload: string }[]): string[] {
  const py = ["import sys, json, jinja2", "env = jinja2.Environment()", "print(json.dumps([env.from_string(t).render(value_json=json.loads(p)) for t, p in json.loads(sys.argv[1])]))"].join("\n");
  const r = spawnSync("python3", ["-c", py, JSON.stringify(jobs.map((j) => [j.template, j.payload]))], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`python3 with Jinja2 (sudo apt-get install -y python3-jinja2): ${r.error?.message ?? r.stderr}`);
  return JSON.parse(r.stdout) as string[];
}
/** What Home Assistant shows for a sensor of the discovery: "unavailable", or its state rendered from its state topic. */
function shown(object: string): string | undefined {
  const raw = last.get(config(object));
  if (!raw) return undefined;
  const c = JSON.parse(raw) as { state_topic: string; value_template: string; availability: Availability[]; availability_mode?: string };
  const state = last.get(c.state_topic);
  if (state === undefined) return undefined;
  const entries = c.availability.map((a) => ({ a, payload: last.get(a.topic) }));
  const rendered = render([...entries.flatMap(({ a, payload }) => (a.value_template && payload !== undefined ? [{ template: a.value_template, payload }] : [])), { template: c.value_template, payload: state }]);
  const value = rendered.pop()!;
  const verdicts = entries.map(({ a, payload }) => {
    if (payload === undefined) return "unknown";
    const p = a.value_template ? rendered.shift()! : payload;
    return p === (a.payload_available ?? "online") ? "up" : p === (a.payload_not_available ?? "offline") ? "down" : "unknown";
  });
  const mode = c.availability_mode ?? "latest";
  const up = mode === "all" ? verdicts.every((v) => v === "up") : mode === "any" ? verdicts.some((v) => v === "up") : verdicts.at(-1) === "up";
  return up ? value : "unavailable";
}
const status = (who: string, state: "online" | "offline") =>
  agent.publishAsync(topics.status(STORE, who), JSON.stringify({ state, ts: Date.now(), kind: "camera", version: "0.1.0" }), { qos: 1, retain: true });
const json = (topic: string) => JSON.parse(last.get(topic) ?? "null") as Record<string, unknown> | null;

beforeAll(async () => {
  const storage = openSqliteStorage(dir.path);
  for (const a of ["cam-1", "cam-q"]) await storage.agents.add(STORE, a, "camera", Date.now());
  await storage.close();
  mosquitto = await Mosquitto.withConf(
    (d) => [`listener ${BROKER_PORT} 127.0.0.1`, "allow_anonymous true", "persistence false", `persistence_location ${d}/`, "max_queued_messages 100000", `user ${userInfo().username}`, "log_dest stderr", "log_type error", ""].join("\n"),
    BROKER_PORT,
  );
  server = await startServer(
    localServerConfig(dir.path, { httpPort: 8111, mqttPort: 18812, mqttUrl: mosquitto.url }),
    { log: createLogger("silent"), uiDir: null },
  );
  admin = await server.services.storage.tokens.add("admin", null, Date.now());
  const res = await server.app.inject({ method: "PUT", url: `/api/v1/stores/${STORE}/layout`, headers: { authorization: `Bearer ${admin}` }, payload: layout });
  expect(res.statusCode).toBe(200);
  reader = await connectMqtt({ url: mosquitto.url, username: "", password: "" });
  reader.on("message", (topic, payload) => void last.set(topic, payload.toString()));
  await reader.subscribeAsync([`footfall/v1/#`, `homeassistant/#`], { qos: 1 });
  agent = await connectMqtt({ url: mosquitto.url, username: "", password: "" });
  await status("cam-1", "online");
  await status("cam-q", "online");
  // cam-q follows the bakery (2 people) and the line (3 waiting); cam-1 the fruit stand (1).
  const q = new EventFactory("cam-q");
  const now = Date.now();
  await agent.publishAsync(topics.events(STORE, "cam-q"), batchJson("cam-q", [q.enter("b1", "bakery", now), q.enter("b2", "bakery", now), q.enter("l1", "line", now), q.enter("l2", "line", now), q.enter("l3", "line", now)]), { qos: 1 });
  await agent.publishAsync(topics.events(STORE, "cam-1"), batchJson("cam-1", [new EventFactory("cam-1").enter("f1", "fruit", now)]), { qos: 1 });
}, 60_000);
afterAll(async () => {
  await agent?.endAsync();
  await reader?.endAsync();
  await server?.close();
  await mosquitto?.dispose();
  dir.remove();
});

describe("MQTT states and Home Assistant sensors of a zone nobody counts now", () => {
  it("show the figures while cam-q counts them", async () => {
    await waitFor("the bakery's 2 and the line's 3 in Home Assistant, the total 6", () => (shown("zone_bakery_occupancy") === "2" && shown("queue_line_length") === "3" && json(topics.occupancy(STORE))?.total === 6) || undefined, { timeoutMs: 20_000 });
    expect(shown("zone_fruit_occupancy")).toBe("1");
    expect(json(topics.zoneOccupancy(STORE, "bakery"))).toMatchObject({ occupancy: 2, offlineSince: null });
    expect(json(topics.queue(STORE, "line"))).toMatchObject({ length: 3, offlineSince: null });
    expect(json(topics.occupancy(STORE))).toMatchObject({ total: 6, partial: false });
  }, 30_000);

  it("make the bakery's and the line's sensors unavailable once cam-q is offline, and say since when in their states; the fruit stand stays as it was", async () => {
    await status("cam-q", "offline");
    // A topic is sent at most once a second: the store's may follow its zones' by a second.
    await waitFor("the bakery unavailable in Home Assistant, the total partial", () => (shown("zone_bakery_occupancy") === "unavailable" && json(topics.occupancy(STORE))?.partial === true) || undefined, { timeoutMs: 20_000 });
    for (const q of ["length", "wait", "tills"]) expect(shown(`queue_line_${q}`), q).toBe("unavailable");
    expect(shown("zone_fruit_occupancy")).toBe("1");
    expect(shown("occupancy")).toBe("6");
    // The plain state topics keep the frozen figures (the visit timeout has not passed) and say since when nobody counts them.
    const bakery = json(topics.zoneOccupancy(STORE, "bakery"))!;
    expect(bakery).toMatchObject({ occupancy: 2 });
    expect(typeof bakery.offlineSince).toBe("number");
    const occ = (await server.app.inject({ method: "GET", url: `/api/v1/stores/${STORE}/occupancy`, headers: { authorization: `Bearer ${admin}` } })).json() as { zones: { zone: string; offlineSince: number | null }[] };
    expect(bakery.offlineSince).toBe(occ.zones.find((z) => z.zone === "bakery")!.offlineSince);
    expect(json(topics.queue(STORE, "line"))).toMatchObject({ length: 3, offlineSince: bakery.offlineSince });
    expect(json(topics.zoneOccupancy(STORE, "fruit"))).toMatchObject({ occupancy: 1, offlineSince: null });
    expect(json(topics.occupancy(STORE))).toMatchObject({ total: 6, partial: true });
  }, 30_000);

  it("make them available again with their figures once cam-q is back online", async () => {
    await status("cam-q", "online");
    await waitFor("the bakery's 2 again, the total whole", () => (shown("zone_bakery_occupancy") === "2" && json(topics.occupancy(STORE))?.partial === false) || undefined, { timeoutMs: 20_000 });
    expect(shown("queue_line_length")).toBe("3");
    expect(json(topics.occupancy(STORE))).toMatchObject({ total: 6, partial: false });
  }, 30_000);
});
