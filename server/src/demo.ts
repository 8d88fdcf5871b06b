import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { asId, DEMO_LAYOUT, type StoreId } from "@footfall/core";
import type { ServerConfig } from "./config.js";
import { startServer } from "./server.js";

const STORE = "demo";
const AGENT = "sim-1";

/** Where `footfall-edge` lives: the simulator is its own agent process, never imported. */
function edgeCli(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("@footfall/edge/package.json")), "dist", "cli.js");
}

/**
 * `footfall demo`: the server, a demo store with a floor plan, and the simulator speaking MQTT
 * to it like any agent. Prints the URL and an admin token.
 */
export async function runDemo(config: ServerConfig, opts: { speed: number; backfillHours: number }) {
  const server = await startServer(config);
  const { storage, layouts, now } = server.services;
  if (!layouts.current(STORE, now())) {
    // Valid from before the back-filled history, so every simulated event has its zones.
    const layout = storage.stores.saveLayout(asId<StoreId>(STORE), { ...DEMO_LAYOUT, validFrom: now() - 8 * 86_400_000 }, now());
    layouts.invalidate(STORE);
    await server.services.onLayoutSaved(layout);
  }
  const creds = storage.agents.add(STORE, AGENT, "sim", now());
  const token = storage.tokens.add("admin", null, now(), "demo");
  const configFile = join(config.dataDir, "demo-sim.json");
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(
    configFile,
    JSON.stringify(
      {
        store: STORE,
        agent: AGENT,
        mqtt: { url: `mqtt://localhost:${server.mqttPort ?? 1883}`, username: creds.username, password: creds.password },
        settings: { speed: opts.speed, backfillHours: opts.backfillHours },
      },
      null,
      2,
    ),
    { mode: 0o600 },
  );
  let child: ChildProcess | null = null;
  let stopping = false;
  const startSim = () => {
    child = spawn(process.execPath, [edgeCli(), "sim", "--config", configFile], { stdio: ["ignore", "inherit", "inherit"] });
    child.on("exit", (code) => {
      if (stopping) return;
      server.services.log.warn({ code }, "the simulator stopped; restarting it in 2 s");
      setTimeout(startSim, 2000).unref();
    });
  };
  if (config.mqttUrl) server.services.log.warn("demo with an external broker: the simulator needs the broker to admit it (footfall broker-config)");
  startSim();
  const url = server.httpUrl;
  process.stdout.write(
    [
      "",
      "  Footfall demo is running.",
      `  Open     ${url}`,
      `  Token    ${token}   (admin; paste it to sign in)`,
      `  Kiosk    ${url}/#/live/${STORE}?kiosk=1&token=${token}`,
      `  API      ${url}/api/docs`,
      "  Stop     Ctrl+C",
      "",
    ].join("\n") + "\n",
  );
  return {
    server,
    close: async () => {
      stopping = true;
      child?.kill("SIGTERM");
      await server.close();
    },
  };
}
