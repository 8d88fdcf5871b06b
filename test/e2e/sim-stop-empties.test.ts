/**
 * A simulator stopped with Ctrl-C (as `footfall demo` stops it) leaves no one in the store: its
 * shoppers walk out at the stop, so the live tablet does not go on counting people who are gone.
 * Before, the people inside at the stop stayed in their zones until the server's visit timeout
 * (half an hour), and the door's "in the store" (in minus out since opening) counted them in for
 * the rest of the day: a restarted demo showed them beside its new crowd, and each restart added more.
 * Real processes: `footfall serve` with its embedded broker, a `footfall-edge sim` agent.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LayoutInput } from "@footfall/core";
import { addAgent, addToken, Child, EDGE_CLI, FootfallApi, REPO_ROOT, requireBuilt, ServerProcess, tempDir, waitFor } from "../support/index.js";

const STORE = "sim-stop";
const DEMO = JSON.parse(readFileSync(join(REPO_ROOT, "edge/examples/demo-layout.json"), "utf8")) as LayoutInput;
const dir = tempDir("footfall-sim-stop-");
let server: ServerProcess | null = null;
afterAll(async () => {
  await server?.dispose();
  dir.remove();
});

describe("a simulator stopped with Ctrl-C", () => {
  it("lets its shoppers walk out: no one is left in a zone, and the door's 'in the store' is back to 0", async () => {
    server = await ServerProcess.start();
    const api = new FootfallApi(server.httpUrl, await addToken(server.dataDir, "admin"));
    await api.putLayout(STORE, { ...DEMO, store: STORE, validFrom: 0 });
    const creds = await addAgent(server.dataDir, STORE, "sim-1");
    const configFile = join(dir.path, "sim.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        store: STORE,
        agent: "sim-1",
        mqtt: { url: server.mqttUrl, username: creds.username, password: creds.password },
        shutdownTimeoutMs: 10_000,
        // Open all day, whatever the hour the test runs at; nobody lost by the tracking (they would stay open by design).
        settings: { speed: 60, arrivalsPerHour: 1200, hourlyCurve: Array(24).fill(1), vanishRate: 0, layoutWaitMs: 5000 },
      }),
    );
    const env = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith("FOOTFALL_")) delete env[k];
    const sim = new Child("footfall-edge sim", process.execPath, [requireBuilt(EDGE_CLI), "sim", "--config", configFile], { cwd: REPO_ROOT, env });

    // A busy store: people in the zones and through the door.
    const busy = await waitFor(
      "people in the store",
      async () => {
        const o = await api.occupancy(STORE);
        // The store total is the door counter's once its first count is in (before, the zones' sum: run ci114 read that).
        return o.total >= 10 && o.zones.filter((z) => z.occupancy > 0).length >= 3 && (o as { totalFrom?: string }).totalFrom === "door" ? o : false;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${sim.output()}`);
    });
    // The store total is the door counter's (GET /occupancy's totalFrom, beside core's Occupancy).
    expect((busy as { totalFrom?: string }).totalFrom).toBe("door");

    sim.proc.kill("SIGINT");
    const exit = await sim.waitExit();
    expect(exit.code, sim.output().slice(-3000)).toBe(0);
    // Its offline status comes after its last events: the server has them then.
    await waitFor("the agent offline", async () => (await api.agents(STORE)).agents.find((a) => a.agent === "sim-1")?.state === "offline", { timeoutMs: 20_000, intervalMs: 100 });
    const after = await api.occupancy(STORE);
    expect(after.total).toBe(0);
    expect(after.zones.filter((z) => z.occupancy !== 0)).toEqual([]);
    expect(sim.output()).toMatch(/the people still in the simulated store walk out now/);
  }, 120_000);
});
