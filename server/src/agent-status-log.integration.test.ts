/**
 * Agents publish their status every 30 s (edge statusEveryS): the server's log says when an agent's
 * state changes (or it first hears the agent), not every repeat, which a chain's hundreds of agents
 * would fill the log with (repeats at debug). A real server on its embedded broker, an agent's login.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { startServer, type RunningServer } from "./server.js";
import { logLines } from "../../test/support/log-lines.js";
import { connectMqtt } from "../../test/support/mqtt.js";
import { tempDir, waitFor } from "../../test/support/wait.js";
import { localServerConfig } from "../../test/support/in-process.js";

describe("agent status in the server's log", () => {
  const dir = tempDir("footfall-status-log-");
  const captured = logLines("debug");
  const lines = captured.lines;
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(
      localServerConfig(dir.path),
      { log: captured.log, uiDir: null },
    );
  });
  afterAll(async () => {
    await server?.close();
    dir.remove();
  });

  it("logs a state change at info and a repeat at debug, per agent", async () => {
    const agents = server.services.storage.agents;
    const login = async (agent: string) => {
      const c = await agents.add("s1", agent, "camera", Date.now());
      return connectMqtt({ url: `mqtt://127.0.0.1:${server.mqttPort}`, username: c.username, password: c.password }, { clientId: `s1-${agent}` });
    };
    const cam1 = await login("cam-1");
    const cam2 = await login("cam-2");
    const status = (state: string) => JSON.stringify({ state, ts: Date.now(), kind: "camera", version: "1.0.0" });
    const sent: [typeof cam1, string, string][] = [
      [cam1, "cam-1", "online"],
      [cam1, "cam-1", "online"],
      [cam2, "cam-2", "online"],
      [cam1, "cam-1", "online"],
      [cam1, "cam-1", "offline"],
      [cam1, "cam-1", "offline"],
      [cam1, "cam-1", "online"],
    ];
    try {
      for (const [client, agent, state] of sent) {
        const before = lines.filter((l) => l.msg === "agent status").length;
        await client.publishAsync(topics.status("s1", agent), status(state), { qos: 1 });
        await waitFor("the status to be logged", () => lines.filter((l) => l.msg === "agent status").length === before + 1, { timeoutMs: 10_000 });
      }
    } finally {
      await cam1.endAsync();
      await cam2.endAsync();
    }
    const logged = lines.filter((l) => l.msg === "agent status").map((l) => `${l.agent as string} ${l.state as string} ${l.level === 30 ? "info" : l.level === 20 ? "debug" : String(l.level)}`);
    expect(logged).toEqual(["cam-1 online info", "cam-1 online debug", "cam-2 online info", "cam-1 online debug", "cam-1 offline info", "cam-1 offline debug", "cam-1 online info"]);
  });

  it("folds simulated agents' changes (the chain demo's) into one line per state, each agent's at debug; a real agent's stays its own", async () => {
    const agents = server.services.storage.agents;
    const stores = ["c1", "c2", "c3", "c4"];
    const clients = await Promise.all(
      stores.map(async (store) => {
        const c = await agents.add(store, "sim-1", "sim", Date.now());
        return connectMqtt({ url: `mqtt://127.0.0.1:${server.mqttPort}`, username: c.username, password: c.password }, { clientId: `${store}-sim-1` });
      }),
    );
    const status = (state: string) => JSON.stringify({ state, ts: Date.now(), kind: "sim", version: "1.0.0" });
    const from = lines.length;
    try {
      for (const [i, client] of clients.entries()) await client.publishAsync(topics.status(stores[i]!, "sim-1"), status("online"), { qos: 1 });
      await waitFor("the fold's line", () => lines.slice(from).some((l) => l.msg === "4 simulated agents online (c1/sim-1 … c4/sim-1)"), { timeoutMs: 10_000 });
    } finally {
      await Promise.all(clients.map((c) => c.endAsync()));
    }
    const after = lines.slice(from);
    // Old server: four info "agent status" lines, one per agent.
    expect(after.filter((l) => l.level === 30).map((l) => l.msg)).toEqual(["4 simulated agents online (c1/sim-1 … c4/sim-1)"]);
    expect(after.filter((l) => l.level === 30)[0]).toMatchObject({ state: "online", agents: 4, first: "c1/sim-1", last: "c4/sim-1" });
    expect(after.filter((l) => l.level === 20 && l.msg === "agent status").map((l) => l.store)).toEqual(stores);
  });
});
