import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { asId, DEMO_LAYOUT, type StoreId } from "@footfall/core";
import type { ServerConfig } from "./config.js";
import type { Role, Storage } from "./storage/types.js";
import { startServer } from "./server.js";

const STORE = "demo";
const AGENT = "sim-1";

/** Where `footfall-edge` lives: the simulator is its own agent process, never imported. */
function edgeCli(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("@footfall/edge/package.json")), "dist", "cli.js");
}

export interface DemoTokens {
  /** Signs in to everything: printed for the sign-in page only. */
  admin: string;
  /** Staff, limited to the demo store: the one the kiosk URL carries (a shop-floor tablet shows the URL to anyone near it). */
  kiosk: string;
}

/**
 * The demo's tokens, kept in `demo-tokens.json` (0600) in the data folder so that a restarted
 * demo prints the same ones and a kiosk tablet stays signed in. A token that was revoked, has
 * expired or is not what it should be is replaced.
 */
export async function demoTokens(storage: Storage, dataDir: string, now: number): Promise<DemoTokens> {
  const file = join(dataDir, "demo-tokens.json");
  let saved: Partial<DemoTokens> = {};
  try {
    saved = JSON.parse(readFileSync(file, "utf8")) as Partial<DemoTokens>;
  } catch {
    /* none yet, or unreadable: make new ones */
  }
  const keep = async (token: unknown, role: Role, store: string | null) => {
    const p = typeof token === "string" ? await storage.tokens.verify(token, now) : undefined;
    return p && p.role === role && p.store === store ? (token as string) : null;
  };
  const tokens: DemoTokens = {
    admin: (await keep(saved.admin, "admin", null)) ?? (await storage.tokens.add("admin", null, now, "demo admin")),
    kiosk: (await keep(saved.kiosk, "staff", STORE)) ?? (await storage.tokens.add("staff", STORE, now, "demo kiosk")),
  };
  if (tokens.admin !== saved.admin || tokens.kiosk !== saved.kiosk) writeFileSync(file, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  return tokens;
}

/**
 * `footfall demo`: the server, a demo store with a floor plan, and the simulator speaking MQTT
 * to it like any agent. Prints the URL, an admin token to sign in with, and a kiosk URL that
 * carries a staff token limited to the demo store (never the admin token).
 */
export async function runDemo(config: ServerConfig, opts: { speed: number; backfillHours: number }) {
  if (!(opts.speed > 0 && opts.speed <= 100_000)) throw new Error(`--speed ${opts.speed}: give simulated seconds per real second, above 0 and at most 100000 (1 is real time)`);
  const server = await startServer(config);
  const { storage, layouts, now } = server.services;
  await layouts.load(STORE);
  if (!layouts.current(STORE, now())) {
    // Valid from before the back-filled history, so every simulated event has its zones.
    const layout = await storage.stores.saveLayout(asId<StoreId>(STORE), { ...DEMO_LAYOUT, validFrom: now() - 8 * 86_400_000 }, now());
    await layouts.reload(STORE);
    await server.services.onLayoutSaved(layout);
  }
  // History already held (an earlier run of the demo): the simulator back-fills only after its newest
  // event, so restarting the demo never sends an hour of history twice.
  const held = (await storage.agents.list(STORE)).find((a) => a.agent === AGENT)?.lastEventTs ?? null;
  const creds = await storage.agents.add(STORE, AGENT, "sim", now());
  const tokens = await demoTokens(storage, config.dataDir, now());
  const configFile = join(config.dataDir, "demo-sim.json");
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(
    configFile,
    JSON.stringify(
      {
        store: STORE,
        agent: AGENT,
        mqtt: { url: `mqtt://localhost:${server.mqttPort ?? 1883}`, username: creds.username, password: creds.password },
        settings: { speed: opts.speed, backfillHours: opts.backfillHours, ...(held !== null ? { backfillFrom: held + 1 } : {}) },
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
      opts.speed === 1
        ? "  Speed    real time (--speed 60 runs a simulated hour a minute; dwell times then shrink 60 times)"
        : `  Speed    ${opts.speed}x: a simulated hour every ${formatSpan(3600 / opts.speed)}; dwell times and gaps are ${opts.speed} times shorter than in a real store`,
      held !== null ? `  History  kept from earlier runs; back-filled only after ${new Date(held).toISOString()}` : `  History  ${opts.backfillHours} h back-filled`,
      `  Token    ${tokens.admin}   (admin: paste it to sign in; keep it to yourself)`,
      `  Kiosk    ${url}/#/live/${STORE}?kiosk=1&token=${tokens.kiosk}   (staff, store "${STORE}" only: for a tablet)`,
      `  API      ${url}/api/docs`,
      ...(server.metricsUrl ? [`  Metrics  ${server.metricsUrl}   (Prometheus, this machine only by default)`] : []),
      "  Stop     Ctrl+C",
      "",
    ].join("\n") + "\n",
  );
  return {
    server,
    tokens,
    close: async () => {
      stopping = true;
      child?.kill("SIGTERM");
      await server.close();
    },
  };
}

/** Seconds as `1 min`, `2 s`, `1 h`. */
function formatSpan(seconds: number): string {
  if (seconds >= 3600) return `${Math.round((seconds / 3600) * 10) / 10} h`;
  if (seconds >= 60) return `${Math.round((seconds / 60) * 10) / 10} min`;
  return `${Math.round(seconds * 10) / 10} s`;
}
