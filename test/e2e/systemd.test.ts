/**
 * deploy/systemd: the server's and the edge agent's units are valid for systemd (`systemd-analyze verify`: no error, no
 * warning), and the very command each one's ExecStart runs, with the environment the unit gives it (Environment=, the
 * example env file), starts a server that answers and an agent that connects to it; SIGTERM (what `systemctl stop`
 * sends) stops both with exit 0, so that Restart=on-failure leaves a stopped service stopped. footfall-broker-sync.path
 * and .service (a Mosquitto of the system) are valid too, and the service's ExecStart, run as root with the unit's
 * capabilities on what the server wrote in its own folder, installs the files for Debian's mosquitto (user mosquitto):
 * after the reload its unit would send, an agent added from the API logs in and publishes, a revoked one is refused.
 * Only the install paths are moved: /opt/footfall to this checkout, /var/lib, /etc/footfall and /etc/mosquitto to a
 * temporary folder.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FootfallApi } from "../support/api.js";
import { addAgent, addToken, brokerConfig, run } from "../support/cli.js";
import { Mosquitto } from "../support/mosquitto.js";
import { connectMqtt } from "../support/mqtt.js";
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

/** Where the test puts what the unit puts in /opt/footfall, /var/lib, /etc/footfall and /etc/mosquitto. */
const moved = (s: string) =>
  s
    .replaceAll("/opt/footfall/", REPO_ROOT.endsWith("/") ? REPO_ROOT : `${REPO_ROOT}/`)
    .replaceAll("/var/lib/", `${dir.path}/var/lib/`)
    .replaceAll("/etc/footfall/", `${dir.path}/etc/footfall/`)
    .replaceAll("/etc/mosquitto/", `${dir.path}/etc/mosquitto/`);

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
    for (const unit of ["footfall.service", "footfall-edge@.service", "footfall-broker-sync.path", "footfall-broker-sync.service"]) {
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

  it("agent changes reach a Mosquitto of the system with no one's hand: the server rewrites its own copies, footfall-broker-sync.service's ExecStart installs them for user mosquitto and reloads it", async () => {
    // Before: the server (user footfall, no capability) rewrote /etc/mosquitto's files and could neither give them back to
    // Mosquitto's user nor signal it, so every agent change waited for someone with root (and a restart refused every login).
    const mosquittoUser = { uid: Number((await run("id", ["-u", "mosquitto"])).stdout.trim()), gid: Number((await run("id", ["-g", "mosquitto"])).stdout.trim()) };
    expect(Number.isInteger(mosquittoUser.uid) && mosquittoUser.uid > 0, "Debian's mosquitto package makes the user mosquitto").toBe(true);
    const path = readFileSync(join(UNITS, "footfall-broker-sync.path"), "utf8");
    expect(path.match(/^PathChanged=.*$/gm)).toEqual(["PathChanged=/var/lib/footfall/broker/passwd", "PathChanged=/var/lib/footfall/broker/acl"]);
    expect(path).toMatch(/^Unit=footfall-broker-sync\.service$/m);

    // The folders as the units and README make them: the server's (here not the test's user, as user footfall is not root:
    // the sync reads it with CAP_DAC_READ_SEARCH alone), and Mosquitto's (root's, 0755), with the way there open to it.
    chmodSync(dir.path, 0o755);
    const [http, mqttPort] = [await freePort(), await freePort()];
    const serverEnv = moved(
      readFileSync(join(UNITS, "footfall.env"), "utf8")
        .replace(/^FOOTFALL_HTTP_PORT=.*$/m, `FOOTFALL_HTTP_PORT=${http}`)
        .replace(/^FOOTFALL_METRICS_PORT=.*$/m, "FOOTFALL_METRICS_PORT=off")
        // The example's Mosquitto lines, uncommented, as README says.
        .replace(/^# (FOOTFALL_MQTT_URL|FOOTFALL_MQTT_USERNAME|FOOTFALL_MQTT_PASSWORD|FOOTFALL_MOSQUITTO_PASSWD|FOOTFALL_MOSQUITTO_ACL|FOOTFALL_MOSQUITTO_SYNC_UNIT)=/gm, "$1=")
        .replace(/^FOOTFALL_MQTT_URL=.*$/m, `FOOTFALL_MQTT_URL=mqtt://127.0.0.1:${mqttPort}`)
        .replace(/^FOOTFALL_MQTT_PASSWORD=.*$/m, "FOOTFALL_MQTT_PASSWORD=server-secret"),
    );
    const s = execStart("footfall.service", "", serverEnv);
    expect(s.env).toMatchObject({
      FOOTFALL_MOSQUITTO_PASSWD: `${dir.path}/var/lib/footfall/broker/passwd`,
      FOOTFALL_MOSQUITTO_ACL: `${dir.path}/var/lib/footfall/broker/acl`,
      FOOTFALL_MOSQUITTO_SYNC_UNIT: "footfall-broker-sync.path",
    });
    expect(s.env.FOOTFALL_MOSQUITTO_PID_FILE).toBeUndefined();
    const dataDir = s.env.FOOTFALL_DATA_DIR!;
    const brokerDir = dirname(s.env.FOOTFALL_MOSQUITTO_PASSWD!);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 }); // StateDirectory=
    chownSync(dataDir, 65534, 65534);
    const mosquittoDir = `${dir.path}/etc/mosquitto/footfall`;
    mkdirSync(mosquittoDir, { recursive: true, mode: 0o755 });

    // footfall-broker-sync.service's ExecStart, with the unit's bounding set and no new privileges; `systemctl` is a stand-in
    // that notes what it was asked (no systemd here): the test then does what Debian's mosquitto.service's ExecReload does.
    const unit = serviceSettings(join(UNITS, "footfall-broker-sync.service"));
    expect({ type: unit.get("Type"), rw: unit.get("ReadWritePaths"), nnp: unit.get("NoNewPrivileges") }).toEqual({ type: ["oneshot"], rw: ["/etc/mosquitto/footfall"], nnp: ["yes"] });
    const sync = execStart("footfall-broker-sync.service", "", "");
    expect(sync.argv).toEqual(["/bin/sh", join(REPO_ROOT, "deploy/systemd/footfall-broker-sync.sh"), brokerDir, mosquittoDir]);
    const caps = unit.get("CapabilityBoundingSet")![0]!.split(/\s+/).map((c) => `+${c.replace(/^CAP_/, "").toLowerCase()}`);
    const bin = `${dir.path}/bin`;
    mkdirSync(bin, { recursive: true });
    writeFileSync(`${bin}/systemctl`, `#!/bin/sh\necho "$@" >> ${bin}/systemctl.log\n`, { mode: 0o755 });
    const runSync = async () => {
      writeFileSync(`${bin}/systemctl.log`, "");
      const r = await run(requireTool("setpriv"), ["--no-new-privs", "--inh-caps=-all", "--ambient-caps=-all", `--bounding-set=-all,${caps.join(",")}`, "--", ...sync.argv], {
        env: { PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin` },
      });
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
      expect(readFileSync(`${bin}/systemctl.log`, "utf8")).toBe("try-reload-or-restart mosquitto.service\n");
      for (const f of ["passwd", "acl"]) {
        const st = statSync(join(mosquittoDir, f));
        expect({ f, uid: st.uid, gid: st.gid, mode: st.mode & 0o777 }).toEqual({ f, ...mosquittoUser, mode: 0o600 });
        expect(readFileSync(join(mosquittoDir, f), "utf8")).toBe(readFileSync(join(brokerDir, f), "utf8"));
      }
    };

    // Setting up (README): the server's files by broker-config, installed by starting the service once.
    await brokerConfig(dataDir, brokerDir, { username: "footfall-server", password: "server-secret" }, ["--new-data-dir"]);
    await runSync();
    // Mosquitto started as root, as Debian's unit starts it, and reading its files as user mosquitto (Debian's default
    // `user`), its configuration readable by that user too (SIGHUP reads it again).
    const broker = await Mosquitto.withConf(
      () =>
        [
          `listener ${mqttPort} 127.0.0.1`,
          "allow_anonymous false",
          `password_file ${mosquittoDir}/passwd`,
          `acl_file ${mosquittoDir}/acl`,
          "persistence false",
          "user mosquitto",
          "log_dest stderr",
          "log_type error",
          "log_type warning",
          "",
        ].join("\n"),
      mqttPort,
    );
    chmodSync(dirname(broker.confFile), 0o755);
    try {
      const server = start(s.argv, s.env);
      const api = new FootfallApi(`http://127.0.0.1:${http}`, await waitFor("the server's data folder", () => addToken(dataDir, "admin"), { timeoutMs: 30_000 }));
      await waitFor("the server's health", async () => (await api.health()).status === "ok", { timeoutMs: 30_000 }).catch((err: Error) => {
        throw new Error(`${err.message}\nserver:\n${server.output()}\nmosquitto:\n${broker.output()}`);
      });
      const url = `mqtt://127.0.0.1:${mqttPort}`;
      const login = (username: string, password: string) =>
        connectMqtt({ url, username, password }, { reconnectPeriod: 0 }).then(
          (c) => {
            c.end(true);
            return true;
          },
          () => false,
        );

      // An admin adds door-1: the server writes its own copies, and says the path unit does the rest.
      const added = await api.request<{ username: string; password: string; broker: { broker: string; message: string; command: string | null } }>("POST", "/api/v1/stores/shop/agents", { agent: "door-1", kind: "door" });
      expect(added.status).toBe(200);
      expect(added.body.broker).toEqual({
        broker: "handed-over",
        message: `wrote ${brokerDir}/passwd and ${brokerDir}/acl; footfall-broker-sync.path installs them for Mosquitto and reloads it (if the agent's login is still refused in a minute: journalctl -u footfall-broker-sync.service)`,
        command: null,
      });
      expect(readFileSync(`${brokerDir}/passwd`, "utf8")).toMatch(/^shop\.door-1:/m);
      expect(await login(added.body.username, added.body.password), "Mosquitto does not know door-1 before the sync").toBe(false);

      // What footfall-broker-sync.path starts on that change, then Mosquitto's reload.
      await runSync();
      broker.reload();
      const server2 = await connectMqtt({ url, username: "footfall-server", password: "server-secret" });
      try {
        const got: string[] = [];
        server2.on("message", (_topic, payload: Buffer) => got.push(payload.toString()));
        await server2.subscribeAsync("footfall/v1/shop/agents/door-1/events", { qos: 1 });
        const agent = await waitFor("Mosquitto lets door-1 in", async () => connectMqtt({ url, username: added.body.username, password: added.body.password }, { reconnectPeriod: 0 }).catch(() => false as const), {
          timeoutMs: 20_000,
        }).catch((err: Error) => {
          throw new Error(`${err.message}\nmosquitto:\n${broker.output()}`);
        });
        await agent.publishAsync("footfall/v1/shop/agents/door-1/events", "hello", { qos: 1 });
        agent.end(true);
        await waitFor("door-1's message through the ACL", () => got.includes("hello"), { timeoutMs: 10_000 });
      } finally {
        server2.end(true);
      }

      // Revoked: the server's copies lose it, the sync installs them, and Mosquitto refuses it after the reload.
      const revoked = await api.request<{ broker: { broker: string } }>("DELETE", "/api/v1/stores/shop/agents/door-1");
      expect(revoked.status).toBe(200);
      expect(revoked.body.broker.broker).toBe("handed-over");
      expect(readFileSync(`${brokerDir}/passwd`, "utf8")).not.toMatch(/^shop\.door-1:/m);
      await runSync();
      broker.reload();
      await waitFor("Mosquitto refuses the revoked door-1", async () => !(await login(added.body.username, added.body.password)), { timeoutMs: 20_000 });
      expect(await login("footfall-server", "server-secret"), "the server's own login stays").toBe(true);
      expect(broker.output()).not.toMatch(/Unable to open|Error/);

      // What the server cannot do is answered and logged with what to run (here its ACL copy is a folder by mistake).
      mkdirSync(`${brokerDir}/acl.footfall-tmp`);
      const failed = await api.request<{ broker: { broker: string; message: string; command: string } }>("POST", "/api/v1/stores/shop/agents/door-1/rotate");
      expect(failed.body.broker).toMatchObject({ broker: "manual", command: `footfall broker-config --out ${brokerDir} && sudo systemctl start footfall-broker-sync.service` });
      await waitFor("the server's log line", () => server.output().includes(`the MQTT broker does not know this agent change yet: ${failed.body.broker.message}; run: ${failed.body.broker.command}`), { timeoutMs: 10_000 });

      server.kill("SIGTERM");
      expect(await exited(server), server.output()).toBe(0);
    } finally {
      await broker.dispose();
    }
  }, 120_000);
});
