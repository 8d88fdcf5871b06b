/**
 * An agent's clock offset, as the Agents API shows it, from a real server on Debian's mosquitto: a
 * live status stamped 2 minutes ahead shows the offset; a retained status the broker replays when the
 * server subscribes (stamped an hour before: old, not skewed) is stored as the last status but
 * measures nothing. And on the embedded broker, an agent's status is its own publish: live.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { localServerConfig } from "../../test/support/in-process.js";
import { Mosquitto } from "../../test/support/mosquitto.js";
import { connectMqtt } from "../../test/support/mqtt.js";
import { requireTool } from "../../test/support/tools.js";
import { tempDir, waitFor } from "../../test/support/wait.js";
import { createLogger } from "./log.js";
import { startServer, type RunningServer } from "./server.js";
import { openSqliteStorage } from "./storage/sqlite.js";

type AgentsAnswer = { clockWarnMs: number; agents: { agent: string; lastStatusTs: number | null; clockOffsetMs: number | null; clockMeasuredAt: number | null }[] };
const status = (ts: number) => JSON.stringify({ state: "online", ts, kind: "camera", version: "1.0.0" });
const config = (dataDir: string, mqttUrl: string | null) => localServerConfig(dataDir, { mqttUrl });
async function agentsOf(server: RunningServer, token: string, store: string): Promise<AgentsAnswer> {
  const res = await server.app.inject({ method: "GET", url: `/api/v1/stores/${store}/agents`, headers: { authorization: `Bearer ${token}` } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as AgentsAnswer;
}

describe("an agent's clock offset through mosquitto", () => {
  const dir = tempDir("footfall-clock-");
  let broker: Mosquitto;
  let server: RunningServer;
  const hourAgo = Date.now() - 3_600_000;
  beforeAll(async () => {
    requireTool("mosquitto");
    const storage = openSqliteStorage(dir.path);
    await storage.agents.add("s1", "cam-1", "camera", Date.now());
    await storage.agents.add("s1", "cam-2", "camera", Date.now());
    await storage.close();
    broker = await Mosquitto.anonymous();
    // Retained before the server ever subscribed: the broker replays it to the server with the retain flag set.
    const agent = await connectMqtt({ url: broker.url, username: "", password: "" });
    await agent.publishAsync(topics.status("s1", "cam-2"), status(hourAgo), { qos: 1, retain: true });
    await agent.endAsync();
    server = await startServer(config(dir.path, broker.url), { log: createLogger("silent"), uiDir: null });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await broker?.dispose();
    dir.remove();
  });

  it("shows a live status's offset, and none from a retained one replayed at subscribe time", async () => {
    const token = await server.services.storage.tokens.add("admin", null, Date.now());
    // The retained status is the last status (the Agents view's "Last status" an hour ago), with no clock offset.
    const replayed = await waitFor("the retained status stored", async () => {
      const a = (await agentsOf(server, token, "s1")).agents.find((x) => x.agent === "cam-2")!;
      return a.lastStatusTs === hourAgo ? a : undefined;
    });
    expect(replayed.clockOffsetMs).toBeNull();
    expect(replayed.clockMeasuredAt).toBeNull();

    // A live status stamped 2 minutes ahead of the server's clock.
    const agent = await connectMqtt({ url: broker.url, username: "", password: "" });
    try {
      const sent = Date.now();
      await agent.publishAsync(topics.status("s1", "cam-1"), status(sent + 120_000), { qos: 1, retain: true });
      const answer = await waitFor("the live status measured", async () => {
        const r = await agentsOf(server, token, "s1");
        return r.agents.find((x) => x.agent === "cam-1")!.clockOffsetMs !== null ? r : undefined;
      });
      const cam1 = answer.agents.find((x) => x.agent === "cam-1")!;
      // ts - receipt: at most the skew, less only by the delivery's few ms.
      expect(cam1.clockOffsetMs!).toBeLessThanOrEqual(120_000);
      expect(cam1.clockOffsetMs!).toBeGreaterThan(115_000);
      expect(cam1.clockMeasuredAt!).toBeGreaterThanOrEqual(sent);
      expect(answer.clockWarnMs).toBe(30_000);
      expect(answer.agents.find((x) => x.agent === "cam-2")!.clockOffsetMs).toBeNull();
    } finally {
      await agent.endAsync();
    }
  });
});

describe("an agent's last will through mosquitto: 'last status' is when it went, not when it connected", () => {
  const dir = tempDir("footfall-will-");
  let broker: Mosquitto;
  let server: RunningServer | undefined;
  beforeAll(async () => {
    requireTool("mosquitto");
    broker = await Mosquitto.anonymous();
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await broker?.dispose();
    dir.remove();
  });

  it("stores a will with the time the server got it, and a restart's replay of it does not put its old time back", async () => {
    server = await startServer(config(dir.path, broker.url), { log: createLogger("silent"), uiDir: null });
    await server.services.storage.agents.add("s1", "cam-1", "camera", Date.now());
    await server.services.storage.agents.add("s1", "cam-2", "camera", Date.now());
    const token = await server.services.storage.tokens.add("admin", null, Date.now());
    // The agent connected three days ago: its will (written at the connection, as edge/src/connection.ts writes it) is stamped then.
    const connectedAt = Date.now() - 3 * 86_400_000;
    const will = JSON.stringify({ state: "offline", ts: connectedAt, kind: "camera", version: "1.0.0", reason: "connection lost" });
    const agent = await connectMqtt({ url: broker.url, username: "", password: "" }, { clientId: "s1-cam-1", will: { topic: topics.status("s1", "cam-1"), payload: Buffer.from(will), qos: 1, retain: true } });
    await agent.publishAsync(topics.status("s1", "cam-1"), status(Date.now()), { qos: 1, retain: true });
    await waitFor("online", async () => (await agentsOf(server!, token, "s1")).agents.find((x) => x.agent === "cam-1" && x.lastStatusTs !== null));
    const died = Date.now();
    (agent.stream as { destroy(): void }).destroy(); // not a clean DISCONNECT: the broker publishes the will
    agent.end(true);
    const gone = await waitFor("the will stored", async () => (await agentsOf(server!, token, "s1")).agents.find((x) => x.agent === "cam-1" && x.lastStatusTs !== null && x.lastStatusTs >= died));
    expect(gone.lastStatusTs!).toBeLessThanOrEqual(Date.now());
    // A restart: the broker replays the retained will (stamped three days ago) at the new subscription.
    await server.close();
    // Another agent's status retained meanwhile: once it is stored, the replays of the subscription have been read.
    const other = await connectMqtt({ url: broker.url, username: "", password: "" });
    const otherTs = Date.now();
    await other.publishAsync(topics.status("s1", "cam-2"), status(otherTs), { qos: 1, retain: true });
    await other.endAsync();
    server = await startServer(config(dir.path, broker.url), { log: createLogger("silent"), uiDir: null });
    await waitFor("the replayed statuses read", async () => (await agentsOf(server!, token, "s1")).agents.find((x) => x.agent === "cam-2" && x.lastStatusTs === otherTs));
    await new Promise((r) => setTimeout(r, 300));
    const after = (await agentsOf(server, token, "s1")).agents.find((x) => x.agent === "cam-1")!;
    expect(after.lastStatusTs).toBe(gone.lastStatusTs);
  }, 60_000);
});

describe("an agent's clock offset on the embedded broker", () => {
  const dir = tempDir("footfall-clock-embedded-");
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(config(dir.path, null), { log: createLogger("silent"), uiDir: null });
  });
  afterAll(async () => {
    await server?.close();
    dir.remove();
  });

  it("measures an agent's own publish; its last will (offline) measures nothing", async () => {
    const token = await server.services.storage.tokens.add("admin", null, Date.now());
    const c = await server.services.storage.agents.add("s1", "door-1", "door", Date.now());
    const agent = await connectMqtt({ url: `mqtt://127.0.0.1:${server.mqttPort}`, username: c.username, password: c.password }, { clientId: "s1-door-1" });
    try {
      await agent.publishAsync(topics.status("s1", "door-1"), status(Date.now() - 90_000), { qos: 1, retain: true });
      const door = await waitFor("measured", async () => (await agentsOf(server, token, "s1")).agents.find((x) => x.agent === "door-1" && x.clockOffsetMs !== null));
      expect(door.clockOffsetMs!).toBeLessThanOrEqual(-90_000);
      expect(door.clockOffsetMs!).toBeGreaterThan(-95_000);
      // An offline status a day old (as a will stamped at connect would be): stored at the time the server got it, the offset stays.
      const sent = Date.now();
      await agent.publishAsync(topics.status("s1", "door-1"), JSON.stringify({ state: "offline", ts: Date.now() - 86_400_000, kind: "door", version: "1.0.0" }), { qos: 1, retain: true });
      const offline = await waitFor("the offline status stored", async () => (await agentsOf(server, token, "s1")).agents.find((x) => x.agent === "door-1" && x.clockOffsetMs === door.clockOffsetMs && x.lastStatusTs! >= sent));
      expect(offline.lastStatusTs!).toBeLessThanOrEqual(Date.now());
    } finally {
      await agent.endAsync();
    }
  });
});
