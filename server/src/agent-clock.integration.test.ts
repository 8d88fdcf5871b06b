/**
 * An agent's clock offset, as the Agents API (and `footfall agent list`) shows it, from a real server
 * on Debian's mosquitto: a live status stamped 2 minutes ahead shows the offset once a second one
 * agrees; a retained status the broker replays when the server subscribes (stamped an hour before:
 * old, not skewed) is stored as the last status but measures nothing; an agent's last will is stored
 * at its receipt; the statuses the broker queued while the server was away 12 minutes (a clock it
 * moves by hand: no sleeping) arrive late and do not flag a clock in step, and a clock set right by
 * NTP is no longer flagged from its second status. And on the embedded broker, an agent's status is
 * its own publish: live.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { localServerConfig } from "../../test/support/in-process.js";
import { Mosquitto } from "../../test/support/mosquitto.js";
import { connectMqtt } from "../../test/support/mqtt.js";
import { requireTool } from "../../test/support/tools.js";
import { tempDir, waitFor } from "../../test/support/wait.js";
import { agentList } from "./agent-list-format.js";
import { createLogger } from "./log.js";
import { startServer, type RunningServer } from "./server.js";
import { openSqliteStorage } from "./storage/sqlite.js";

type ApiAgent = { agent: string; lastStatusTs: number | null; clockOffsetMs: number | null; clockMeasuredAt: number | null };
type AgentsAnswer = { clockWarnMs: number; agents: ApiAgent[] };
const status = (ts: number) => JSON.stringify({ state: "online", ts, kind: "camera", version: "1.0.0" });
const config = (dataDir: string, mqttUrl: string | null) => localServerConfig(dataDir, { mqttUrl });
async function agentsOf(server: RunningServer, token: string, store: string): Promise<AgentsAnswer> {
  const res = await server.app.inject({ method: "GET", url: `/api/v1/stores/${store}/agents`, headers: { authorization: `Bearer ${token}` } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as AgentsAnswer;
}

// One broker for these: each test its own store and server (the server's session, client id footfall-server, goes from one to the next).
describe("an agent's clock and status through mosquitto", () => {
  let broker: Mosquitto;
  beforeAll(async () => {
    requireTool("mosquitto");
    broker = await Mosquitto.anonymous();
  }, 60_000);
  afterAll(async () => {
    await broker?.dispose();
  });

  it("shows a live status's offset once a second one agrees, and none from a retained one replayed at subscribe time", async () => {
    const dir = tempDir("footfall-clock-");
    const hourAgo = Date.now() - 3_600_000;
    const storage = openSqliteStorage(dir.path);
    await storage.agents.add("s1", "cam-1", "camera", Date.now());
    await storage.agents.add("s1", "cam-2", "camera", Date.now());
    await storage.close();
    // Retained before the server ever subscribed: the broker replays it to the server with the retain flag set.
    const early = await connectMqtt({ url: broker.url, username: "", password: "" });
    await early.publishAsync(topics.status("s1", "cam-2"), status(hourAgo), { qos: 1, retain: true });
    await early.endAsync();
    let shift = 0;
    const server = await startServer(config(dir.path, broker.url), { log: createLogger("silent"), uiDir: null, now: () => Date.now() + shift });
    try {
      const token = await server.services.storage.tokens.add("admin", null, Date.now());
      // The retained status is the last status (the Agents view's "Last status" an hour ago), with no clock offset.
      const replayed = await waitFor("the retained status stored", async () => {
        const a = (await agentsOf(server, token, "s1")).agents.find((x) => x.agent === "cam-2")!;
        return a.lastStatusTs === hourAgo ? a : undefined;
      });
      expect(replayed.clockOffsetMs).toBeNull();
      expect(replayed.clockMeasuredAt).toBeNull();

      // Live statuses stamped 2 minutes ahead of the server's clock, 30 s apart (the server's clock moved on by hand).
      const agent = await connectMqtt({ url: broker.url, username: "", password: "" });
      try {
        const sent = Date.now() + shift;
        await agent.publishAsync(topics.status("s1", "cam-1"), status(sent + 120_000), { qos: 1, retain: true });
        await waitFor("the first status stored", async () => (await agentsOf(server, token, "s1")).agents.find((x) => x.agent === "cam-1" && x.lastStatusTs === sent + 120_000));
        // One status alone is not believed (it may have waited in a queue).
        expect((await agentsOf(server, token, "s1")).agents.find((x) => x.agent === "cam-1")!.clockOffsetMs).toBeNull();
        shift += 30_000;
        const second = Date.now() + shift;
        await agent.publishAsync(topics.status("s1", "cam-1"), status(second + 120_000), { qos: 1, retain: true });
        const answer = await waitFor("the live status measured", async () => {
          const r = await agentsOf(server, token, "s1");
          return r.agents.find((x) => x.agent === "cam-1")!.clockOffsetMs !== null ? r : undefined;
        });
        const cam1 = answer.agents.find((x) => x.agent === "cam-1")!;
        // ts - receipt: at most the skew, less only by the delivery's few ms.
        expect(cam1.clockOffsetMs!).toBeLessThanOrEqual(120_000);
        expect(cam1.clockOffsetMs!).toBeGreaterThan(115_000);
        expect(cam1.clockMeasuredAt!).toBeGreaterThanOrEqual(second);
        expect(answer.clockWarnMs).toBe(30_000);
        expect(answer.agents.find((x) => x.agent === "cam-2")!.clockOffsetMs).toBeNull();
      } finally {
        await agent.endAsync();
      }
    } finally {
      await server.close();
      dir.remove();
    }
  });

  it("stores a will with the time the server got it, and a restart's replay of it does not put its old time back", async () => {
    const dir = tempDir("footfall-will-");
    let server = await startServer(config(dir.path, broker.url), { log: createLogger("silent"), uiDir: null });
    try {
      await server.services.storage.agents.add("s2", "cam-1", "camera", Date.now());
      await server.services.storage.agents.add("s2", "cam-2", "camera", Date.now());
      const token = await server.services.storage.tokens.add("admin", null, Date.now());
      // The agent connected three days ago: its will (written at the connection, as edge/src/connection.ts writes it) is stamped then.
      const connectedAt = Date.now() - 3 * 86_400_000;
      const will = JSON.stringify({ state: "offline", ts: connectedAt, kind: "camera", version: "1.0.0", reason: "connection lost" });
      const agent = await connectMqtt({ url: broker.url, username: "", password: "" }, { clientId: "s2-cam-1", will: { topic: topics.status("s2", "cam-1"), payload: Buffer.from(will), qos: 1, retain: true } });
      await agent.publishAsync(topics.status("s2", "cam-1"), status(Date.now()), { qos: 1, retain: true });
      await waitFor("online", async () => (await agentsOf(server, token, "s2")).agents.find((x) => x.agent === "cam-1" && x.lastStatusTs !== null));
      const died = Date.now();
      (agent.stream as { destroy(): void }).destroy(); // not a clean DISCONNECT: the broker publishes the will
      agent.end(true);
      const gone = await waitFor("the will stored", async () => (await agentsOf(server, token, "s2")).agents.find((x) => x.agent === "cam-1" && x.lastStatusTs !== null && x.lastStatusTs >= died));
      expect(gone.lastStatusTs!).toBeLessThanOrEqual(Date.now());
      // A restart: the broker replays the retained will (stamped three days ago) at the new subscription.
      await server.close();
      // Another agent's status retained meanwhile: once it is stored, the replays of the subscription have been read.
      const other = await connectMqtt({ url: broker.url, username: "", password: "" });
      const otherTs = Date.now();
      await other.publishAsync(topics.status("s2", "cam-2"), status(otherTs), { qos: 1, retain: true });
      await other.endAsync();
      server = await startServer(config(dir.path, broker.url), { log: createLogger("silent"), uiDir: null });
      await waitFor("the replayed statuses read", async () => (await agentsOf(server, token, "s2")).agents.find((x) => x.agent === "cam-2" && x.lastStatusTs === otherTs));
      await new Promise((r) => setTimeout(r, 300));
      const after = (await agentsOf(server, token, "s2")).agents.find((x) => x.agent === "cam-1")!;
      expect(after.lastStatusTs).toBe(gone.lastStatusTs);
    } finally {
      await server.close();
      dir.remove();
    }
  }, 60_000);

  it("the server away 12 min: the statuses queued meanwhile do not flag a clock in step; a clock set right is cleared at its second status", async () => {
    const dir = tempDir("footfall-clock-outage-");
    // The server's clock: the real one moved on by hand (12 minutes of outage without waiting them).
    let shift = 0;
    const now = () => Date.now() + shift;
    const start = () => startServer(config(dir.path, broker.url), { log: createLogger("silent"), uiDir: null, now });
    let server = await start();
    // Agents' clocks: cam-1 in step, cam-2 2 min ahead.
    const skew: Record<string, number> = { "cam-1": 0, "cam-2": 120_000 };
    const agent = await connectMqtt({ url: broker.url, username: "", password: "" });
    const publish = (cam: string, sentAt: number) => agent.publishAsync(topics.status("s3", cam), status(sentAt + skew[cam]!), { qos: 1, retain: true });
    try {
      await server.services.storage.agents.add("s3", "cam-1", "camera", now());
      await server.services.storage.agents.add("s3", "cam-2", "camera", now());
      const token = await server.services.storage.tokens.add("admin", null, now());
      const api = async (cam: string) => (await agentsOf(server, token, "s3")).agents.find((x) => x.agent === cam)!;
      /** Both agents' live statuses, each stored before the clock moves on 30 s. */
      const liveRound = async (cams: string[]) => {
        const sentAt = now();
        for (const cam of cams) {
          await publish(cam, sentAt);
          await waitFor(`${cam}'s status stored`, async () => (await api(cam)).lastStatusTs === sentAt + skew[cam]!);
        }
        shift += 30_000;
      };
      await liveRound(["cam-1", "cam-2"]);
      await liveRound(["cam-1", "cam-2"]);
      const before = now();
      expect(Math.abs((await api("cam-1")).clockOffsetMs!)).toBeLessThan(2_000);
      expect((await api("cam-2")).clockOffsetMs!).toBeGreaterThan(118_000);

      // The server goes away; for 12 minutes the agents' statuses (every 30 s, the newest a minute before it is back) wait in its session at the broker.
      await server.close();
      const queued: number[] = [];
      for (let t = before + 30_000; t <= before + 11 * 60_000; t += 30_000) {
        queued.push(t);
        for (const cam of ["cam-1", "cam-2"]) await publish(cam, t);
      }
      shift += 12 * 60_000;
      const back = now();
      server = await start();
      // All delivered: each agent's queue stored as samples received now (the retained copy replayed at the subscription adds none).
      await waitFor("every queued status read", async () => {
        const rows = await server.services.storage.agents.list("s3");
        const n = (r: (typeof rows)[number]) => (JSON.parse(r.clockSamples ?? "[]") as unknown[]).filter((x) => (x as number[])[0]! >= back).length;
        return rows.every((r) => n(r) === queued.length);
      }, { timeoutMs: 20_000 });
      const cam1 = await api("cam-1");
      // In step as before the outage, measured then; not "1 min behind" (the newest queued status's wait).
      expect(Math.abs(cam1.clockOffsetMs!)).toBeLessThan(2_000);
      expect(cam1.clockMeasuredAt!).toBeLessThan(before);
      const answer = await agentsOf(server, token, "s3");
      expect(answer.agents.filter((a) => Math.abs(a.clockOffsetMs!) > answer.clockWarnMs).map((a) => a.agent)).toEqual(["cam-2"]);
      // footfall agent list says the same from the same rows.
      const listed = agentList(await server.services.storage.agents.listAll(), { stores: ["s3"] }, answer.clockWarnMs);
      expect(listed.map((e) => [e.agent, e.clockOffsetMs, e.clockMeasuredAt, e.clockWarn])).toEqual(answer.agents.map((a) => [a.agent, a.clockOffsetMs, a.clockMeasuredAt, a.agent === "cam-2"]));

      // NTP sets cam-2's clock right: its first status alone is not believed; the second, 30 s on, clears the flag.
      skew["cam-2"] = 0;
      await liveRound(["cam-1", "cam-2"]);
      expect((await api("cam-2")).clockOffsetMs!).toBeGreaterThan(118_000);
      await liveRound(["cam-1", "cam-2"]);
      const fixed = await api("cam-2");
      expect(Math.abs(fixed.clockOffsetMs!)).toBeLessThan(2_000);
      expect(fixed.clockMeasuredAt!).toBeGreaterThanOrEqual(back + 30_000);
      expect(Math.abs((await api("cam-1")).clockOffsetMs!)).toBeLessThan(2_000);
    } finally {
      await agent.endAsync();
      await server.close();
      dir.remove();
    }
  }, 60_000);
});

describe("an agent's clock offset on the embedded broker", () => {
  const dir = tempDir("footfall-clock-embedded-");
  let server: RunningServer;
  // The server's clock: the real one moved on by hand.
  let shift = 0;
  const now = () => Date.now() + shift;
  beforeAll(async () => {
    server = await startServer(config(dir.path, null), { log: createLogger("silent"), uiDir: null, now });
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
      // Two statuses 30 s apart, from a clock 90 s behind.
      const first = now() - 90_000;
      await agent.publishAsync(topics.status("s1", "door-1"), status(first), { qos: 1, retain: true });
      await waitFor("the first status stored", async () => (await agentsOf(server, token, "s1")).agents.find((x) => x.agent === "door-1" && x.lastStatusTs === first));
      shift += 30_000;
      await agent.publishAsync(topics.status("s1", "door-1"), status(now() - 90_000), { qos: 1, retain: true });
      const door = await waitFor("measured", async () => (await agentsOf(server, token, "s1")).agents.find((x) => x.agent === "door-1" && x.clockOffsetMs !== null));
      expect(door.clockOffsetMs!).toBeLessThanOrEqual(-90_000);
      expect(door.clockOffsetMs!).toBeGreaterThan(-95_000);
      // An offline status a day old (as a will stamped at connect would be): stored at the time the server got it, the offset stays.
      const sent = now();
      await agent.publishAsync(topics.status("s1", "door-1"), JSON.stringify({ state: "offline", ts: now() - 86_400_000, kind: "door", version: "1.0.0" }), { qos: 1, retain: true });
      const offline = await waitFor("the offline status stored", async () => (await agentsOf(server, token, "s1")).agents.find((x) => x.agent === "door-1" && x.clockOffsetMs === door.clockOffsetMs && x.lastStatusTs! >= sent));
      expect(offline.lastStatusTs!).toBeLessThanOrEqual(now());
    } finally {
      await agent.endAsync();
    }
  });
});
