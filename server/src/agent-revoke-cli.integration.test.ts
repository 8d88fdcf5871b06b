/**
 * IT revokes an agent with `footfall agent revoke` (or gives it a new password with `agent add`) while the
 * server runs and the agent is connected to its embedded broker: the connection is closed within a second or
 * so, its events stop counting, and what it sent before stays. The CLI writes the database; the server learns
 * of it there (the API's revoke closed the connection at once; the CLI's left it sending, counted, for as long
 * as it stayed connected). Real Aedes on a socket, real mqtt.js clients, the built CLI on the same SQLite file.
 */
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { startServer, type RunningServer } from "./server.js";
import { logLines } from "../../test/support/log-lines.js";
import { addAgent, footfallJson, type AgentCredentials } from "../../test/support/cli.js";
import { batchJson, EventFactory, smallLayout } from "../../test/support/fixtures.js";
import { connectMqtt } from "../../test/support/mqtt.js";
import { tempDir, waitFor } from "../../test/support/wait.js";
import { localServerConfig } from "../../test/support/in-process.js";

const HTTP_PORT = 19530;
const MQTT_PORT = 19531;

describe("an agent revoked or given a new password by the CLI while connected", () => {
  const dir = tempDir("footfall-agent-revoke-cli-");
  const captured = logLines("info");
  const lines = captured.lines;
  let server: RunningServer;
  let token: string;
  const url = `mqtt://127.0.0.1:${MQTT_PORT}`;
  beforeAll(async () => {
    server = await startServer(
      localServerConfig(dir.path, { httpPort: HTTP_PORT, mqttPort: MQTT_PORT }),
      { log: captured.log, uiDir: null },
    );
    token = (await server.services.storage.tokens.create("admin", null, Date.now())).token;
    const put = await server.app!.inject({ method: "PUT", url: "/api/v1/stores/shop/layout", headers: { authorization: `Bearer ${token}` }, payload: smallLayout() });
    expect(put.statusCode).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
    dir.remove();
  });

  const agentRow = async (agent: string) => {
    const res = await server.app!.inject({ method: "GET", url: "/api/v1/stores/shop/agents", headers: { authorization: `Bearer ${token}` } });
    return (res.json() as { agents: { agent: string; events: number; revokedAt: number | null }[] }).agents.find((a) => a.agent === agent)!;
  };
  const closed = (client: MqttClient) => new Promise<void>((resolve) => client.once("close", () => resolve()));
  const sendCount = async (client: MqttClient, f: EventFactory, nIn: number) => {
    await client.publishAsync(topics.events("shop", f.agent), batchJson(f.agent, [f.count("entrance", Date.now() - 1000, nIn, 0)]), { qos: 1 });
  };

  it("closes a revoked agent's connection, refuses it from then on, and keeps the events it sent before", async () => {
    const creds = await addAgent(dir.path, "shop", "door-1", "door");
    const client = await connectMqtt({ url, ...creds }, { reconnectPeriod: 0 });
    const f = new EventFactory("door-1");
    await sendCount(client, f, 3);
    await waitFor("door-1's first event counted", async () => (await agentRow("door-1")).events === 1);

    const gone = closed(client);
    await footfallJson(["agent", "revoke", "door-1", "--store", "shop"], { dataDir: dir.path });
    // Hang guard only: the old server never closed it, and the agent went on sending, counted.
    await gone;
    expect(lines.filter((l) => l.agent === "door-1" && l.revoked === true).map((l) => l.msg)).toEqual([
      "agent shop/door-1 was revoked while connected: its MQTT connection is closed, and its login is refused from now on",
    ]);
    await expect(connectMqtt({ url, ...creds }, { reconnectPeriod: 0 })).rejects.toThrow();
    const row = await agentRow("door-1");
    expect(row.events).toBe(1);
    expect(row.revokedAt).not.toBeNull();
  }, 20_000);

  it("closes the connection made with an agent's old password once `agent add` gave it a new one, and takes the new one", async () => {
    const first: AgentCredentials = await addAgent(dir.path, "shop", "cam-1", "camera");
    const old = await connectMqtt({ url, ...first }, { reconnectPeriod: 0 });
    const gone = closed(old);
    const second = await addAgent(dir.path, "shop", "cam-1", "camera");
    await gone;
    expect(lines.filter((l) => l.agent === "cam-1").map((l) => l.msg)).toContain("agent shop/cam-1 was given a new password while connected: its connection with the old one is closed");
    await expect(connectMqtt({ url, ...first }, { reconnectPeriod: 0 })).rejects.toThrow();
    const client = await connectMqtt({ url, ...second }, { reconnectPeriod: 0 });
    const f = new EventFactory("cam-1");
    await sendCount(client, f, 2);
    await waitFor("cam-1's event counted", async () => (await agentRow("cam-1")).events === 1);
    // A connection whose login is still in force is left alone.
    expect(client.connected).toBe(true);
    await client.endAsync();
  }, 20_000);
});
