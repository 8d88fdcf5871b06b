/**
 * docker-compose.yml, checked without a Docker engine: Debian's `docker-compose config` accepts it
 * and wires the services together, every command the services run exists, and the same commands
 * run here, against Debian's mosquitto with deploy/mosquitto/mosquitto.conf, bring up a store whose
 * simulator's events reach the server.
 */
import { existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { userInfo } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  EDGE_CLI,
  FOOTFALL_CLI,
  FootfallApi,
  freePort,
  Mosquitto,
  REPO_ROOT,
  requireBuilt,
  requireTool,
  run,
  ServerProcess,
  tempDir,
  waitFor,
} from "../support/index.js";

interface Service {
  image?: string;
  profiles?: string[];
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  user?: string;
}
let services: Record<string, Service>;
const CONF = readFileSync(join(REPO_ROOT, "deploy/mosquitto/mosquitto.conf"), "utf8");
const confValue = (key: string) => new RegExp(`^${key}\\s+(.+)$`, "m").exec(CONF)?.[1]?.trim();
/** The compose volume mounted at `path` by a service (named volumes only). */
const volumeAt = (s: Service, path: string) => s.volumes?.map((v) => v.split(":")).find(([, target]) => target === path)?.[0];

beforeAll(async () => {
  requireTool("docker-compose");
  const env = { ...process.env };
  delete env.FOOTFALL_MQTT_PASSWORD;
  const r = await run("docker-compose", ["-f", "docker-compose.yml", "config"], { cwd: REPO_ROOT, env });
  if (r.code !== 0) throw new Error(`docker-compose config failed:\n${r.stderr}`);
  services = (parse(r.stdout) as { services: Record<string, Service> }).services;
}, 30_000);

describe("docker-compose.yml", () => {
  it("defines mosquitto, an init one-shot, the server, the layout one-shot and the simulator (the chain profile's services aside)", () => {
    expect(Object.keys(services).filter((name) => !services[name]!.profiles).sort()).toEqual(["init", "layout", "mosquitto", "server", "sim"]);
  });

  it("runs Eclipse Mosquitto 2 with deploy/mosquitto/mosquitto.conf and the files init writes", () => {
    const m = services.mosquitto!;
    expect(m.image).toBe("eclipse-mosquitto:2");
    expect(m.volumes).toContain(`${join(REPO_ROOT, "deploy/mosquitto/mosquitto.conf")}:/mosquitto/config/mosquitto.conf:ro`);
    expect(volumeAt(m, "/mosquitto/auth")).toBe(volumeAt(services.init!, services.init!.environment!.MOSQUITTO_CONFIG_DIR!));
    expect(m.depends_on?.init?.condition).toBe("service_completed_successfully");
  });

  it("configures mosquitto with a password file and ACL, no anonymous access, TCP_NODELAY and a raised queue", () => {
    expect(confValue("allow_anonymous")).toBe("false");
    expect(confValue("password_file")).toBe("/mosquitto/auth/passwd");
    expect(confValue("acl_file")).toBe("/mosquitto/auth/acl");
    expect(confValue("set_tcp_nodelay")).toBe("true");
    expect(Number(confValue("max_queued_messages"))).toBeGreaterThanOrEqual(100_000);
    // A packet limit (CONNECT included) that still holds a 256 KiB batch: no client can make it buffer 150 MB.
    expect(Number(confValue("max_packet_size"))).toBeGreaterThan(256 * 1024);
    expect(Number(confValue("max_packet_size"))).toBeLessThanOrEqual(1024 * 1024);
    expect(confValue("persistence")).toBe("true");
  });

  it("runs `footfall serve` against mosquitto, as the MQTT user init writes into the password file", () => {
    const s = services.server!;
    expect(s.command).toEqual(["footfall", "serve"]);
    expect(s.environment).toMatchObject({ FOOTFALL_MQTT_URL: "mqtt://mosquitto:1883", FOOTFALL_DATA_DIR: "/data" });
    expect(s.environment!.FOOTFALL_MQTT_USERNAME).toBe(services.init!.environment!.FOOTFALL_MQTT_USERNAME);
    expect(s.environment!.FOOTFALL_MQTT_PASSWORD).toBe(services.init!.environment!.FOOTFALL_MQTT_PASSWORD);
    expect(volumeAt(s, "/data")).toBe(volumeAt(services.init!, "/data"));
    expect(s.healthcheck?.test.join(" ")).toContain("/api/v1/health");
  });

  it("runs the simulator with the config init writes into their shared volume, after the layout is in", () => {
    const sim = services.sim!;
    expect(sim.command).toEqual(["footfall-edge", "sim", "--config", "/sim-config/sim-1.json"]);
    expect(volumeAt(sim, "/sim-config")).toBe(volumeAt(services.init!, services.init!.environment!.SIM_CONFIG_DIR!));
    expect(sim.depends_on?.layout?.condition).toBe("service_completed_successfully");
    expect(services.layout!.depends_on?.server?.condition).toBe("service_healthy");
  });

  it("builds its image from the Dockerfile (test/dockerfile.test.ts: Node 22, two stages, user node), init alone as root", () => {
    for (const name of ["init", "server", "layout", "sim"]) expect(services[name]!.build, name).toBeDefined();
    // init hands Mosquitto's files to uid 1883 and the rest to `node`; the others run as the image's user.
    expect(services.init!.user).toBe("root");
    for (const name of ["server", "layout", "sim"]) expect(services[name]!.user, name).toBeUndefined();
  });
});

/** Every `footfall ...` command line in the init script, as its sub-command words. */
function initCommands(): string[][] {
  const script = readFileSync(join(REPO_ROOT, "deploy/compose-init.sh"), "utf8");
  return script
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => !l.startsWith("#") && !l.startsWith("echo") && /(^|\s)footfall\s+[a-z]/.test(l))
    .map((l) =>
      l
        .slice(l.search(/(^|\s)footfall\s/))
        .trim()
        .split(/\s+/)
        .slice(1),
    )
    .map((words) => (words[0] === "agent" || words[0] === "token" ? words.slice(0, 2) : words.slice(0, 1)));
}

describe.concurrent("the commands the compose services run", () => {
  it("init runs footfall agent add, token add and broker-config", () => {
    expect(services.init!.command).toEqual(["sh", "/app/deploy/compose-init.sh"]);
    expect(initCommands()).toEqual([["agent", "add"], ["token", "add"], ["broker-config"]]);
  });

  it.each([
    ["footfall serve", [FOOTFALL_CLI, "serve"]],
    ["footfall agent add", [FOOTFALL_CLI, "agent", "add"]],
    ["footfall token add", [FOOTFALL_CLI, "token", "add"]],
    ["footfall broker-config", [FOOTFALL_CLI, "broker-config"]],
    ["footfall-edge sim", [EDGE_CLI, "sim"]],
    ["footfall-edge chain", [EDGE_CLI, "chain"]],
  ])("%s exists and describes itself with --help", async (_name, [cli, ...args]) => {
    const r = await run(process.execPath, [requireBuilt(cli!), ...args, "--help"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: /);
  });
});

describe("the compose stack, run here with Debian's mosquitto", () => {
  const dir = tempDir("footfall-compose-");
  const paths = { data: join(dir.path, "data"), auth: join(dir.path, "mosquitto-auth"), sim: join(dir.path, "sim-config") };
  let mosquitto: Mosquitto;
  let server: ServerProcess;
  /** A container path of the compose file, on this machine. */
  const local = (p: string) =>
    p
      .replace(/^\/app\//, REPO_ROOT)
      .replace(/^\/data(?=\/|$)/, paths.data)
      .replace(/^\/mosquitto-config(?=\/|$)/, paths.auth)
      .replace(/^\/sim-config(?=\/|$)/, paths.sim);
  const PATH = [join(REPO_ROOT, "node_modules/.bin"), process.env.PATH].join(delimiter);
  let simMqttUrl = "";
  /** The init service's very script, with its compose environment mapped to this machine. */
  const runInit = () => {
    const env = Object.fromEntries(Object.entries(services.init!.environment!).map(([k, v]) => [k, local(v)]));
    return run("sh", [local(services.init!.command![1]!)], { env: { ...env, SIM_MQTT_URL: simMqttUrl, PATH } });
  };

  beforeAll(async () => {
    requireTool("mosquitto");
    const mqttPort = await freePort();
    // init: the very script, with the compose environment and this machine's folders.
    simMqttUrl = `mqtt://127.0.0.1:${mqttPort}`;
    const init = await runInit();
    if (init.code !== 0) throw new Error(`compose-init.sh failed:\n${init.stderr}${init.stdout}`);
    // mosquitto: the compose configuration, on a free port and local folders.
    mosquitto = await Mosquitto.withConf(
      (persistence) =>
        CONF.replace(/^listener 1883$/m, `listener ${mqttPort} 127.0.0.1`)
          .replaceAll("/mosquitto/auth/", `${paths.auth}/`)
          .replace(/^persistence_location .*$/m, `persistence_location ${persistence}/`)
          .replace(/^log_dest stdout$/m, "log_dest stderr") + `\nuser ${userInfo().username}\n`,
      mqttPort,
    );
    // server: footfall serve with the compose environment.
    const env = services.server!.environment!;
    server = await ServerProcess.start({
      dataDir: paths.data,
      mqttUrl: mosquitto.url,
      mqttUsername: env.FOOTFALL_MQTT_USERNAME!,
      mqttPassword: env.FOOTFALL_MQTT_PASSWORD!,
    });
  }, 60_000);
  afterAll(async () => {
    await server?.dispose();
    await mosquitto?.dispose();
    dir.remove();
  });

  it("init writes the simulator's config, an admin token and mosquitto's password file and ACL", () => {
    for (const f of [join(paths.sim, "sim-1.json"), join(paths.data, "admin-token.json"), join(paths.auth, "passwd"), join(paths.auth, "acl")])
      expect(existsSync(f), f).toBe(true);
    const sim = JSON.parse(readFileSync(join(paths.sim, "sim-1.json"), "utf8"));
    expect(sim).toMatchObject({ store: "demo", agent: "sim-1", mqtt: { username: "demo.sim-1", password: expect.any(String) } });
    expect(readFileSync(join(paths.auth, "acl"), "utf8")).toContain("user demo.sim-1");
  });

  it("init run again keeps the simulator's credentials and the admin token", async () => {
    const files = [join(paths.sim, "sim-1.json"), join(paths.data, "admin-token.json")];
    const before = files.map((f) => readFileSync(f, "utf8"));
    const again = await runInit();
    expect(again.code, again.stderr).toBe(0);
    expect(files.map((f) => readFileSync(f, "utf8"))).toEqual(before);
  });

  it("the layout one-shot gives the demo store its floor plan, and leaves it alone when run again", async () => {
    const l = services.layout!;
    const env = { ...Object.fromEntries(Object.entries(l.environment!).map(([k, v]) => [k, local(v)])), FOOTFALL_URL: server.httpUrl };
    const first = await run(process.execPath, [local(l.command![1]!)], { env });
    expect(first.code, first.stderr).toBe(0);
    const again = await run(process.execPath, [local(l.command![1]!)], { env });
    expect(again.stdout).toContain("already has layout version 1");
  });

  it("the simulator's events go through mosquitto into the server's figures", async () => {
    const token = (JSON.parse(readFileSync(join(paths.data, "admin-token.json"), "utf8")) as { token: string }).token;
    const api = new FootfallApi(server.httpUrl, token);
    const [cli, ...args] = services.sim!.command!;
    expect(cli).toBe("footfall-edge");
    const sim = await run(process.execPath, [requireBuilt(EDGE_CLI), ...args.map(local), "--duration", "4"], {
      env: { FOOTFALL_LOG_LEVEL: "warn" },
      timeoutMs: 60_000,
    });
    expect(sim.code, sim.stderr).toBe(0);
    const agent = await waitFor(
      "events of sim-1 in the server",
      async () => (await api.agents("demo")).agents.find((a) => a.agent === "sim-1" && a.events > 0),
      { timeoutMs: 15_000 },
    );
    expect(agent.rejects).toBe(0);
    const dwell = await api.dwell("demo", { from: Date.now() - 2 * 86_400_000, to: Date.now() + 60_000 });
    expect(dwell.zones.reduce((n, z) => n + z.visits, 0)).toBeGreaterThan(0);
  }, 60_000);
});
