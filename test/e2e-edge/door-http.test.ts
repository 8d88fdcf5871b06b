/**
 * A `footfall-edge door` child process with the HTTP push input, against a real `footfall serve`:
 * a sensor pushes counts, the store's occupancy follows in - out; the agent is killed with SIGKILL
 * and started again, and nothing is lost or counted twice.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addAgent, addToken, Child, EDGE_CLI, FootfallApi, freePort, REPO_ROOT, requireBuilt, ServerProcess, smallLayout, tempDir, waitFor } from "../support/index.js";

const STORE = "door-e2e";
const AGENT = "door-1";
const SECRET = "a-shared-secret-for-sensors";
let server: ServerProcess;
let api: FootfallApi;
let port: number;
const agentDir = tempDir("footfall-edge-door-");
const configFile = join(agentDir.path, "door.json");

function startAgent(): Child {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith("FOOTFALL_")) delete base[k];
  return new Child("footfall-edge door", process.execPath, [requireBuilt(EDGE_CLI), "door", "--config", configFile], { cwd: REPO_ROOT, env: base });
}

async function push(body: unknown): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/count`, { method: "POST", headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  return res.status;
}
const waitListening = (agent: Child) =>
  waitFor("the push endpoint", async () => (await fetch(`http://127.0.0.1:${port}/count`).catch(() => null))?.status === 405, { timeoutMs: 10_000 }).catch((e: Error) => {
    throw new Error(`${e.message}\n${agent.output()}`);
  });
const doorTotals = async () => {
  const a = (await api.agents(STORE)).agents.find((x) => x.agent === AGENT);
  return { events: a?.events ?? 0, total: (await api.occupancy(STORE)).total };
};

beforeAll(async () => {
  server = await ServerProcess.start();
  const [admin, creds] = await Promise.all([addToken(server.dataDir, "admin"), addAgent(server.dataDir, STORE, AGENT, "door")]);
  api = new FootfallApi(server.httpUrl, admin);
  await api.putLayout(STORE, smallLayout({ timezone: "UTC" }));
  port = await freePort();
  writeFileSync(
    configFile,
    JSON.stringify({
      store: STORE,
      agent: AGENT,
      dataDir: agentDir.path,
      mqtt: { url: server.mqttUrl, username: creds.username, password: creds.password, reconnectMinMs: 100 },
      settings: { zone: "entrance", input: "http", reportEverySeconds: 1, http: { host: "127.0.0.1", port, secret: SECRET, mapping: { in: "entries", out: "exits" } } },
    }),
  );
}, 60_000);
afterAll(async () => {
  await server?.dispose();
  agentDir.remove();
});

describe("footfall-edge door with pushed counts", () => {
  it("turns pushes into count events the server adds up, across kill -9 of the agent", async () => {
    const first = startAgent();
    await waitListening(first);
    expect(await push({ entries: 7, exits: 2 })).toBe(204);
    await waitFor("occupancy 5", async () => (await doorTotals()).total === 5, { timeoutMs: 10_000 });
    // Pushed, then killed before the next report: the tally on disk carries them over.
    expect(await push({ entries: 3, exits: 0 })).toBe(204);
    await first.kill9();
    const second = startAgent();
    await waitListening(second);
    expect(await push({ entries: 1, exits: 4 })).toBe(204);
    await waitFor("occupancy 5 + 3 + 1 - 4 = 5 after the restart", async () => (await doorTotals()).events >= 2 && (await doorTotals()).total === 5, { timeoutMs: 10_000 });
    await second.stop("SIGTERM", 10_000);
    expect(second.exit?.code, second.output()).toBe(0);
    // Enter counts by day include the door's in: 7 + 3 + 1 = 11, never more.
    const day = await api.traffic(STORE, { from: Date.now() - 86_400_000, to: Date.now() + 60_000 }, "day");
    const entered = day.buckets.reduce((n, b) => n + (b.zones["entrance"] ?? 0), 0);
    expect(entered).toBe(11);
  }, 60_000);
});
