/**
 * deploy/systemd: the server's and the edge agent's units are valid for systemd (`systemd-analyze verify`: no error, no
 * warning), and the very command each one's ExecStart runs, with the environment the unit gives it (Environment=, the
 * example env file), starts a server that answers and an agent that connects to it; SIGTERM (what `systemctl stop`
 * sends) stops both with exit 0, so that Restart=on-failure leaves a stopped service stopped. Only the install paths
 * are moved: /opt/footfall to this checkout, /var/lib and /etc/footfall to a temporary folder.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FootfallApi } from "../support/api.js";
import { addAgent, addToken, run } from "../support/cli.js";
import { REPO_ROOT } from "../support/paths.js";
import { freePort } from "../support/ports.js";
import { requireTool } from "../support/tools.js";
import { tempDir, waitFor } from "../support/wait.js";

const UNITS = join(REPO_ROOT, "deploy/systemd");
const dir = tempDir("footfall-systemd-");
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  dir.remove();
});

/** The [Service] section's settings of a unit file: each key's values in order (Environment= may come many times). */
function serviceSettings(file: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = "";
  for (const raw of readFileSync(file, "utf8").split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line.startsWith("[")) section = line;
    else if (section === "[Service]") {
      const at = line.indexOf("=");
      const key = line.slice(0, at);
      settings.set(key, [...(settings.get(key) ?? []), line.slice(at + 1)]);
    }
  }
  return settings;
}

/** An env file's VAR=value lines, as systemd's EnvironmentFile= reads them (no quotes used in ours). */
function envFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

/** Where the test puts what the unit puts in /opt/footfall, /var/lib and /etc/footfall. */
const moved = (s: string) =>
  s
    .replaceAll("/opt/footfall/", REPO_ROOT.endsWith("/") ? REPO_ROOT : `${REPO_ROOT}/`)
    .replaceAll("/var/lib/", `${dir.path}/var/lib/`)
    .replaceAll("/etc/footfall/", `${dir.path}/etc/footfall/`);

/**
 * The unit's ExecStart as systemd runs it: specifiers (%i) and ${VAR} from its environment replaced, split on spaces
 * (ours quote nothing), then the environment: Environment= lines, overridden by the env file's.
 */
function execStart(unit: string, instance: string, envFileText: string): { argv: string[]; env: Record<string, string> } {
  const settings = serviceSettings(join(UNITS, unit));
  const env: Record<string, string> = {};
  for (const e of settings.get("Environment") ?? []) {
    const at = e.indexOf("=");
    env[e.slice(0, at)] = moved(e.slice(at + 1).replaceAll("%i", instance));
  }
  Object.assign(env, envFile(envFileText));
  const [exec] = settings.get("ExecStart")!;
  const argv = moved(exec!.replaceAll("%i", instance))
    .replace(/\$\{([A-Z_]+)\}/g, (_, name: string) => env[name] ?? "")
    .split(/\s+/);
  return { argv, env };
}

/** Starts argv as systemd would (its environment only, no inherited one but PATH), collecting its output. */
function start(argv: string[], env: Record<string, string>): ChildProcess & { output: () => string } {
  const child = spawn(argv[0]!, argv.slice(1), { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  return Object.assign(child, { output: () => output });
}

const exited = (child: ChildProcess) =>
  new Promise<number | string>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve(child.exitCode ?? child.signalCode!)
      : child.once("exit", (code, signal) => resolve(code ?? signal!)),
  );

describe("deploy/systemd", () => {
  it("systemd-analyze verify finds nothing to say about the server's and the edge agent's units", async () => {
    const analyze = requireTool("systemd-analyze");
    for (const unit of ["footfall.service", "footfall-edge@.service"]) {
      const r = await run(analyze, ["verify", join(UNITS, unit)]);
      expect({ unit, code: r.code, output: r.stderr + r.stdout }).toEqual({ unit, code: 0, output: "" });
    }
  });

  it("a setting to fix in the server's env file exits 2 with one line naming it, which neither unit restarts", async () => {
    // A typo in /etc/footfall/footfall.env: restarted every 5 s for ever, it filled the journal with the same line.
    for (const unit of ["footfall.service", "footfall-edge@.service"]) {
      const settings = serviceSettings(join(UNITS, unit));
      expect({ unit, restart: settings.get("Restart"), prevent: settings.get("RestartPreventExitStatus") }).toEqual({ unit, restart: ["on-failure"], prevent: ["2"] });
    }
    const serverEnv = readFileSync(join(UNITS, "footfall.env"), "utf8").replace(/^FOOTFALL_HTTP_PORT=.*$/m, "FOOTFALL_HTTP_PORT=80800");
    const s = execStart("footfall.service", "", serverEnv);
    mkdirSync(s.env.FOOTFALL_DATA_DIR!, { recursive: true, mode: 0o700 });
    const server = start(s.argv, s.env);
    expect({ code: await exited(server), output: server.output() }).toEqual({ code: 2, output: 'footfall: FOOTFALL_HTTP_PORT="80800" must be an integer between 0 and 65535\n' });
  }, 30_000);

  it("their ExecStart lines, with the units' environment and the example env files, start a server and an agent that connects to it; SIGTERM stops each with exit 0", async () => {
    const [http, mqtt] = [await freePort(), await freePort()];
    // The server: footfall.env as shipped, its ports moved to free ones, the metrics listener off (tests run side by side).
    const serverEnv = readFileSync(join(UNITS, "footfall.env"), "utf8")
      .replace(/^FOOTFALL_HTTP_PORT=.*$/m, `FOOTFALL_HTTP_PORT=${http}`)
      .replace(/^FOOTFALL_MQTT_PORT=.*$/m, `FOOTFALL_MQTT_PORT=${mqtt}`)
      .replace(/^FOOTFALL_METRICS_PORT=.*$/m, "FOOTFALL_METRICS_PORT=off");
    const s = execStart("footfall.service", "", serverEnv);
    expect(s.argv).toEqual(["/usr/bin/node", join(REPO_ROOT, "server/bin/footfall.js"), "serve"]);
    const dataDir = s.env.FOOTFALL_DATA_DIR!;
    expect(dataDir).toBe(`${dir.path}/var/lib/footfall`);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 }); // StateDirectory=
    const server = start(s.argv, s.env);
    const api = new FootfallApi(`http://127.0.0.1:${http}`, await waitFor("the server's data folder", () => addToken(dataDir, "admin"), { timeoutMs: 30_000 }));
    await waitFor("the server's health", async () => (await api.health()).status === "ok", { timeoutMs: 30_000 });

    // An agent: its instance's env file is footfall-edge.env with the source and the login filled in, its config edge's sim example.
    const login = await addAgent(dataDir, "shop", "sim-1");
    const edgeEnv = readFileSync(join(UNITS, "footfall-edge.env"), "utf8")
      .replace(/^FOOTFALL_EDGE_SOURCE=.*$/m, "FOOTFALL_EDGE_SOURCE=sim")
      .replace(/^FOOTFALL_MQTT_URL=.*$/m, `FOOTFALL_MQTT_URL=mqtt://127.0.0.1:${mqtt}`)
      .replace(/^FOOTFALL_MQTT_USERNAME=.*$/m, `FOOTFALL_MQTT_USERNAME=${login.username}`)
      .replace(/^FOOTFALL_MQTT_PASSWORD=.*$/m, `FOOTFALL_MQTT_PASSWORD=${login.password}`);
    const e = execStart("footfall-edge@.service", "sim-1", edgeEnv);
    expect(e.argv).toEqual(["/usr/bin/node", join(REPO_ROOT, "edge/bin/footfall-edge.js"), "sim", "--config", `${dir.path}/etc/footfall/edge/sim-1.json`]);
    mkdirSync(`${dir.path}/etc/footfall/edge`, { recursive: true });
    const example = JSON.parse(readFileSync(join(REPO_ROOT, "edge/examples/sim.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(e.argv[4]!, JSON.stringify({ ...example, store: "shop", agent: "sim-1" }));
    mkdirSync(e.env.FOOTFALL_EDGE_DATA_DIR!, { recursive: true, mode: 0o700 }); // StateDirectory=
    const agent = start(e.argv, e.env);
    await waitFor(
      "the agent online in the server's list",
      async () => (await api.agents("shop")).agents.find((a) => a.agent === "sim-1" && a.state === "online"),
      { timeoutMs: 30_000 },
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nagent:\n${agent.output()}\nserver:\n${server.output()}`);
    });

    agent.kill("SIGTERM");
    expect(await exited(agent), agent.output()).toBe(0);
    server.kill("SIGTERM");
    expect(await exited(server), server.output()).toBe(0);
  }, 90_000);
});
