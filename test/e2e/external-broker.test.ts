/**
 * `footfall serve` against Debian's `mosquitto` (FOOTFALL_MQTT_URL), with the password file and ACL
 * that `footfall broker-config` writes: the same stream gives the same figures, forged topics never
 * reach the server, and what agents publish while the server is down arrives when it is back.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics, type FootfallEvent } from "@footfall/core";
import {
  addAgent,
  addToken,
  batchJson,
  brokerConfig,
  EventFactory,
  FootfallApi,
  metricValue,
  Mosquitto,
  mosquittoPub,
  mosquittoPubOk,
  requireTool,
  ServerProcess,
  tempDir,
  waitFor,
  type AgentCredentials,
} from "../support/index.js";
import { CAMERAS, chaoticStream, DOOR, expectApiMatchesDomain, LAYOUT, oversizedMessage, STORE } from "./scenario.js";

const dataDir = tempDir("footfall-ext-");
const serverUser = { username: "footfall-server", password: randomBytes(12).toString("hex") };
let mosquitto: Mosquitto;
let server: ServerProcess;
let api: FootfallApi;
const agents: Record<string, AgentCredentials> = {};
const accepted: FootfallEvent[] = [];
let now: number;

const login = (agent: string) => ({ url: mosquitto.url, username: agents[agent]!.username, password: agents[agent]!.password });
/** Accepted events as stored (the agents' counters survive restarts; /metrics counters do not). */
const acceptedCount = async () => (await api.agents(STORE)).agents.reduce((n, a) => n + a.events, 0);
const waitForAccepted = (events: readonly FootfallEvent[]) => {
  const n = new Set(events.map((e) => e.id)).size;
  return waitFor(`${n} accepted events`, async () => (await acceptedCount()) === n, { timeoutMs: 20_000 });
};

beforeAll(async () => {
  requireTool("mosquitto");
  requireTool("mosquitto_pub");
  // Agents first, then the broker files for them and the server's own user.
  for (const c of await Promise.all([...CAMERAS.map((cam) => addAgent(dataDir.path, STORE, cam, "camera")), addAgent(dataDir.path, STORE, DOOR, "door")]))
    agents[c.agent] = c;
  const files = await brokerConfig(dataDir.path, join(dataDir.path, "mosquitto"), serverUser);
  mosquitto = await Mosquitto.start({ passwordFile: files.passwd, aclFile: files.acl });
  server = await ServerProcess.start({ dataDir: dataDir.path, mqttUrl: mosquitto.url, mqttUsername: serverUser.username, mqttPassword: serverUser.password });
  api = new FootfallApi(server.httpUrl, await addToken(dataDir.path, "admin"));
  await api.putLayout(STORE, LAYOUT);
  now = Date.now();
}, 60_000);
afterAll(async () => {
  await server?.dispose();
  await mosquitto?.dispose();
  dataDir.remove();
});

describe("footfall serve with Debian's mosquitto as the broker", () => {
  it("reports the broker link as connected", async () => {
    expect(await api.health()).toEqual({ status: "ok", mqtt: "connected", db: "ok" });
  });

  describe("a mangled stream from mosquitto_pub", () => {
    let rejects: Record<string, number>;
    beforeAll(async () => {
      const stream = chaoticStream(now);
      rejects = { ...stream.rejects, oversized: 1 };
      await Promise.all(
        Object.entries(stream.lines).map(([agent, lines]) => mosquittoPubOk({ ...login(agent), topic: topics.events(STORE, agent), messages: lines })),
      );
      const big = join(dataDir.path, "oversized.json");
      writeFileSync(big, oversizedMessage("cam-a", now));
      await mosquittoPubOk({ ...login("cam-a"), topic: topics.events(STORE, "cam-a"), file: big });
      accepted.push(...stream.accepted);
      await waitForAccepted(accepted);
    }, 60_000);

    it("gives the figures the domain computes from the accepted events", async () => {
      await expectApiMatchesDomain(api, accepted, now);
    });

    it("counts the rejects that reach the server by reason", async () => {
      const text = await api.metrics();
      const got = Object.fromEntries(Object.keys(rejects).map((r) => [r, metricValue(text, "footfall_events_rejected_total", { reason: r })]));
      expect(got).toEqual(rejects);
    });
  });

  it("never sees what an agent publishes on another agent's topic or the layout topic: the ACL drops it", async () => {
    const before = await api.metrics();
    const forged = batchJson("cam-b", [new EventFactory("cam-b", "forged").enter("cam-b-forged-1", "fruit", now - 60_000)]);
    await mosquittoPub({ ...login("cam-a"), topic: topics.events(STORE, "cam-b"), messages: [forged] });
    await mosquittoPub({ ...login("cam-a"), topic: topics.layout(STORE), messages: ['{"zones":[]}'], retain: true });
    // A marker published after them, on cam-a's own topic: once it is in, the forged ones would have been too.
    const marker = new EventFactory("cam-a", "marker").enter("cam-a-marker-1", "fruit", now - 30_000);
    await mosquittoPubOk({ ...login("cam-a"), topic: topics.events(STORE, "cam-a"), messages: [batchJson("cam-a", [marker])] });
    accepted.push(marker);
    await waitForAccepted(accepted);
    const after = await api.metrics();
    expect(metricValue(after, "footfall_events_rejected_total")).toBe(metricValue(before, "footfall_events_rejected_total"));
    expect((await api.layout(STORE)).zones).toHaveLength(LAYOUT.zones.length);
  });

  it("refuses an unknown agent at the broker", async () => {
    const r = await mosquittoPub({
      url: mosquitto.url,
      username: `${STORE}.intruder`,
      password: "guess",
      topic: topics.events(STORE, "intruder"),
      messages: ["{}"],
    });
    expect(r.code).not.toBe(0);
  });

  it("gets what agents published while the server was down once it is back (persistent session)", async () => {
    await server.stop();
    const f = new EventFactory(DOOR, "offline");
    const offline: FootfallEvent[] = [
      ...new EventFactory("cam-b", "offline").visit("cam-b-offline-1", "bakery", now - 20 * 60_000, 95_000),
      f.count("entrance", now - 5 * 60_000, 4, 1),
    ];
    await mosquittoPubOk({ ...login("cam-b"), topic: topics.events(STORE, "cam-b"), messages: [batchJson("cam-b", offline.slice(0, 2))] });
    await mosquittoPubOk({ ...login(DOOR), topic: topics.events(STORE, DOOR), messages: [batchJson(DOOR, offline.slice(2))] });
    await server.restart();
    accepted.push(...offline);
    await waitForAccepted(accepted);
    await expectApiMatchesDomain(api, accepted, now);
  });

  it("reports the broker link as down while mosquitto is stopped, and takes events again once it is back", async () => {
    await mosquitto.stop();
    const down = await waitFor("health to say the broker is disconnected", async () => {
      const r = await api.request<{ mqtt: string }>("GET", "/api/v1/health");
      return r.status === 503 ? r.body : undefined;
    });
    expect(down).toMatchObject({ status: "degraded", mqtt: "disconnected" });
    expect(metricValue(await api.metrics(), "footfall_mqtt_connected")).toBe(0);
    await mosquitto.restart();
    await waitFor("health ok again", async () => (await api.request("GET", "/api/v1/health")).status === 200, { timeoutMs: 15_000 });
    expect(metricValue(await api.metrics(), "footfall_mqtt_connected")).toBe(1);
    const back = new EventFactory("cam-a", "back").enter("cam-a-back-1", "fruit", Date.now() - 1000);
    await mosquittoPubOk({ ...login("cam-a"), topic: topics.events(STORE, "cam-a"), messages: [batchJson("cam-a", [back])] });
    accepted.push(back);
    await waitForAccepted(accepted);
  }, 40_000);
});
