/**
 * docker-compose.yml's `chain` profile, checked without a Docker engine: `docker-compose config`
 * accepts it and wires PostgreSQL, the central Mosquitto, two servers, HAProxy and the chain
 * simulator together; and the very commands and files its services run, run here: HAProxy with
 * deploy/chain/haproxy.cfg in front of two real servers (round robin, the sticky cookie, a Socket.IO
 * WebSocket, a server killed), PostgreSQL's health check against a real PostgreSQL, and chain-init,
 * chain-layouts and chain-sim against Debian's mosquitto with the shipped configuration and a server.
 *
 * The compose services' server runs here as the chain's only member (FOOTFALL_DATABASE_URL and
 * FOOTFALL_MQTT_URL: shard leases, a session per shard); two of them sharing one database, with a
 * kill -9, are test/e2e/chain.test.ts.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { userInfo } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { io, type Socket } from "socket.io-client";
import { Ledger } from "../../edge/src/chain/ledger.js";
import {
  addToken,
  Child,
  EDGE_CLI,
  FootfallApi,
  freePort,
  Mosquitto,
  Postgres,
  postgresBinDir,
  REPO_ROOT,
  requireBuilt,
  requireTool,
  run,
  ServerProcess,
  tempDir,
  usePostgres,
  waitFor,
  waitForPort,
} from "../support/index.js";
import { DEMO_LAYOUT, type Occupancy } from "@footfall/core";

interface Service {
  image?: string;
  build?: unknown;
  profiles?: string[];
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: Array<{ published: number; target: number }>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
let services: Record<string, Service>;
const HAPROXY_CFG = readFileSync(join(REPO_ROOT, "deploy/chain/haproxy.cfg"), "utf8");
const MOSQUITTO_CONF = readFileSync(join(REPO_ROOT, "deploy/mosquitto/mosquitto.conf"), "utf8");
const CHAIN = ["postgres", "chain-init", "chain-mosquitto", "footfall-1", "footfall-2", "haproxy", "chain-layouts", "chain-sim"];
/** The compose volume mounted at `path` by a service (named volumes only). */
const volumeAt = (s: Service, path: string) => s.volumes?.map((v) => v.split(":")).find(([, target]) => target === path)?.[0];
/** The value after `flag` in a command. */
const arg = (command: string[] | undefined, flag: string) => command?.[command.indexOf(flag) + 1];

beforeAll(async () => {
  requireTool("docker-compose");
  const env = { ...process.env };
  delete env.FOOTFALL_MQTT_PASSWORD;
  delete env.POSTGRES_PASSWORD;
  delete env.FOOTFALL_CHAIN_STORES;
  const r = await run("docker-compose", ["-f", "docker-compose.yml", "--profile", "chain", "config"], { cwd: REPO_ROOT, env });
  if (r.code !== 0) throw new Error(`docker-compose --profile chain config failed:\n${r.stderr}`);
  services = (parse(r.stdout) as { services: Record<string, Service> }).services;
}, 30_000);

describe("docker-compose.yml's chain profile", () => {
  it("adds PostgreSQL, one Mosquitto, two servers, HAProxy and the chain simulator, all in the profile", () => {
    expect(
      Object.keys(services)
        .filter((name) => services[name]!.profiles?.includes("chain"))
        .sort(),
    ).toEqual([...CHAIN].sort());
  });

  it("points both servers at one PostgreSQL and the chain's Mosquitto, as the MQTT user chain-init writes, each with a folder of its own", () => {
    const init = services["chain-init"]!.environment!;
    const pg = services.postgres!.environment!;
    for (const name of ["footfall-1", "footfall-2"]) {
      const s = services[name]!;
      expect(s.command).toEqual(["footfall", "serve"]);
      expect(s.environment!.FOOTFALL_DATABASE_URL).toBe(`postgres://${pg.POSTGRES_USER}:${pg.POSTGRES_PASSWORD}@postgres:5432/${pg.POSTGRES_DB}`);
      expect(s.environment!.FOOTFALL_DATABASE_URL).toBe(init.FOOTFALL_DATABASE_URL);
      expect(s.environment!.FOOTFALL_MQTT_URL).toBe("mqtt://chain-mosquitto:1883");
      expect(s.environment!.FOOTFALL_MQTT_USERNAME).toBe(init.FOOTFALL_MQTT_USERNAME);
      expect(s.environment!.FOOTFALL_MQTT_PASSWORD).toBe(init.FOOTFALL_MQTT_PASSWORD);
      expect(s.depends_on).toMatchObject({ postgres: { condition: "service_healthy" }, "chain-init": { condition: "service_completed_successfully" } });
      expect(s.healthcheck?.test.join(" ")).toContain("/api/v1/health");
      expect(s.ports, "only HAProxy is published").toBeUndefined();
    }
    expect(volumeAt(services["footfall-1"]!, "/data")).not.toBe(volumeAt(services["footfall-2"]!, "/data"));
  });

  it("gives both servers the heap limit README asks of a chain's server, as npm run bench:chain runs them", () => {
    // README ("Ingest by shard"): without one, V8 grows the heap with a taken-over backlog's garbage towards its large default.
    const bench = readFileSync(join(REPO_ROOT, "test/bench/chain.mjs"), "utf8").match(/"(--max-old-space-size=\d+)"/)?.[1];
    expect(bench).toBeDefined();
    expect(readFileSync(join(REPO_ROOT, "README.md"), "utf8")).toContain(`NODE_OPTIONS=${bench}`);
    for (const name of ["footfall-1", "footfall-2"]) expect(services[name]!.environment!.NODE_OPTIONS, name).toBe(bench);
  });

  it("runs PostgreSQL with a health check and its data in a volume", () => {
    const pg = services.postgres!;
    expect(pg.image).toMatch(/^postgres:1[5-9]/);
    expect(pg.healthcheck?.test).toEqual(["CMD", "pg_isready", "-U", pg.environment!.POSTGRES_USER, "-d", pg.environment!.POSTGRES_DB]);
    expect(volumeAt(pg, "/var/lib/postgresql/data")).toBe("chain-postgres");
  });

  it("runs the central Mosquitto with the single-server stack's configuration and the files chain-init writes, published for store sites", () => {
    const m = services["chain-mosquitto"]!;
    expect(m.image).toBe(services.mosquitto!.image);
    expect(m.volumes).toContain(`${join(REPO_ROOT, "deploy/mosquitto/mosquitto.conf")}:/mosquitto/config/mosquitto.conf:ro`);
    expect(volumeAt(m, "/mosquitto/auth")).toBe(volumeAt(services["chain-init"]!, services["chain-init"]!.environment!.MOSQUITTO_CONFIG_DIR!));
    expect(m.ports).toContainEqual({ published: 1883, target: 1883 });
  });

  it("puts HAProxy with deploy/chain/haproxy.cfg on port 8080 in front of both servers, by their service names, once they are healthy", () => {
    const h = services.haproxy!;
    expect(h.volumes).toContain(`${join(REPO_ROOT, "deploy/chain/haproxy.cfg")}:/usr/local/etc/haproxy/haproxy.cfg:ro`);
    expect(h.ports).toContainEqual({ published: 8080, target: 8080 });
    expect(h.depends_on).toEqual({ "footfall-1": { condition: "service_healthy" }, "footfall-2": { condition: "service_healthy" } });
    const servers = [...HAPROXY_CFG.matchAll(/^\s*server (\S+) (\S+):(\d+)/gm)].map((m) => ({ name: m[1], host: m[2], port: m[3] }));
    expect(servers).toEqual(["footfall-1", "footfall-2"].map((name) => ({ name, host: name, port: services[name]!.environment!.FOOTFALL_HTTP_PORT })));
    expect(HAPROXY_CFG).toMatch(/^\s*bind \*:8080$/m);
  });

  it("starts the simulator after every layout is in, with chain-init's stores, credentials and broker", () => {
    const sim = services["chain-sim"]!;
    const init = services["chain-init"]!;
    expect(sim.command!.slice(0, 2)).toEqual(["footfall-edge", "chain"]);
    expect(arg(sim.command, "--stores")).toBe(init.environment!.CHAIN_STORES);
    expect(arg(sim.command, "--seed")).toBe(init.environment!.CHAIN_SEED);
    expect(arg(sim.command, "--mqtt-url")).toBe("mqtt://chain-mosquitto:1883");
    expect(arg(sim.command, "--credentials")).toBe(`${init.environment!.CHAIN_CONFIG_DIR}/agents.jsonl`);
    expect(volumeAt(sim, init.environment!.CHAIN_CONFIG_DIR!)).toBe(volumeAt(init, init.environment!.CHAIN_CONFIG_DIR!));
    expect(sim.depends_on?.["chain-layouts"]?.condition).toBe("service_completed_successfully");
    const layouts = services["chain-layouts"]!;
    expect(layouts.environment!.FOOTFALL_URL).toBe("http://haproxy:8080");
    expect(layouts.environment!.LAYOUTS_FILE).toBe(`${init.environment!.CHAIN_CONFIG_DIR}/layouts.json`);
    expect(volumeAt(layouts, "/data")).toBe(volumeAt(init, "/data"));
  });
});

describe("the chain profile's commands, run here", () => {
  // One PostgreSQL for the health check's test and chain-init's.
  const postgres = usePostgres();

  it("haproxy -c accepts deploy/chain/haproxy.cfg as shipped", async () => {
    const r = await run(requireTool("haproxy"), ["-c", "-f", join(REPO_ROOT, "deploy/chain/haproxy.cfg")]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/Configuration file is valid/);
  });

  it("pg_isready, the postgres service's health check, answers for a running PostgreSQL", async () => {
    const db = new URL(postgres.database("footfall")).pathname.slice(1);
    const [, ...args] = services.postgres!.healthcheck!.test;
    const cmd = args.map((a) =>
      a === services.postgres!.environment!.POSTGRES_DB ? db : a === services.postgres!.environment!.POSTGRES_USER ? Postgres.USER : a,
    );
    const r = await run(join(postgresBinDir(), cmd[0]!), [...cmd.slice(1), "-h", "127.0.0.1", "-p", String(postgres.server.port)]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/accepting connections/);
  });

  describe("HAProxy with deploy/chain/haproxy.cfg in front of two real servers", () => {
    const servers: ServerProcess[] = [];
    const tokens: string[] = [];
    let haproxy: Child;
    let url = "";
    const dir = tempDir("footfall-haproxy-");
    const served = (r: Response) => r.headers.get("x-footfall-server");

    beforeAll(async () => {
      const haproxyBin = requireTool("haproxy");
      for (let i = 0; i < 2; i++) {
        const s = await ServerProcess.start();
        servers.push(s);
        tokens.push(await addToken(s.dataDir, "admin"));
      }
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      // The very file, with this machine's addresses for the two service names and the listener.
      const cfg = HAPROXY_CFG.replace(/^(\s*)bind \*:8080$/m, `$1bind 127.0.0.1:${port}`)
        .replace(/^(\s*server footfall-1) footfall-1:8080/m, `$1 127.0.0.1:${servers[0]!.httpPort}`)
        .replace(/^(\s*server footfall-2) footfall-2:8080/m, `$1 127.0.0.1:${servers[1]!.httpPort}`);
      const file = join(dir.path, "haproxy.cfg");
      writeFileSync(file, cfg);
      const check = await run(haproxyBin, ["-c", "-f", file]);
      expect(check.code, check.stderr + check.stdout).toBe(0);
      expect(check.stdout + check.stderr, "no warning with reachable addresses").not.toMatch(/WARNING|ALERT/);
      haproxy = new Child("haproxy", haproxyBin, ["-f", file, "-db"]);
      await waitForPort(port);
    }, 60_000);
    afterAll(async () => {
      await haproxy?.stop();
      for (const s of servers) await s.dispose();
      dir.remove();
    });

    it("sends requests to both servers in turn, and says which one answered", async () => {
      const names = new Set<string | null>();
      for (let i = 0; i < 6; i++) {
        const r = await fetch(`${url}/api/v1/health`, { headers: { connection: "close" } });
        expect(r.status).toBe(200);
        names.add(served(r));
      }
      expect([...names].sort()).toEqual(["footfall-1", "footfall-2"]);
    });

    it("keeps a client that has its cookie on one server, and carries its Socket.IO live push over a WebSocket", async () => {
      const first = await fetch(`${url}/api/v1/health`, { headers: { connection: "close" } });
      const name = served(first)!;
      const cookie = first.headers.get("set-cookie")!.split(";")[0]!;
      expect(cookie).toBe(`FOOTFALL_SERVER=${name}`);
      for (let i = 0; i < 4; i++) expect(served(await fetch(`${url}/api/v1/health`, { headers: { cookie, connection: "close" } }))).toBe(name);
      // That server's token and a store with a layout on it, through the load balancer.
      const token = tokens[name === "footfall-1" ? 0 : 1]!;
      const put = await fetch(`${url}/api/v1/stores/lb-demo/layout`, {
        method: "PUT",
        headers: { cookie, authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ ...DEMO_LAYOUT, store: undefined, validFrom: 0 }),
      });
      expect(put.status, await put.clone().text()).toBe(200);
      const socket: Socket = io(url, { transports: ["websocket"], auth: { token }, extraHeaders: { cookie }, reconnection: false });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.on("connect", resolve);
          socket.on("connect_error", reject);
        });
        expect(socket.io.engine.transport.name).toBe("websocket");
        const occupancy = new Promise<Occupancy>((resolve) => socket.on("occupancy", resolve));
        const ack = await socket.timeout(5000).emitWithAck("join", "lb-demo");
        expect(ack).toEqual({ ok: true });
        // The snapshot of the store just saved on that server: its zones.
        expect((await occupancy).zones.map((z) => z.zone).sort()).toEqual(DEMO_LAYOUT.zones.map((z) => z.id).sort());
      } finally {
        socket.close();
      }
    });

    it("takes a server killed with kill -9 out: every request is answered by the other, with or without a cookie for the dead one", async () => {
      await servers[0]!.kill9();
      let failed = 0;
      let sent = 0;
      await waitFor(
        "six requests in a row answered by footfall-2",
        async () => {
          for (let i = 0; i < 6; i++) {
            sent++;
            const cookie = i % 2 === 0 ? "FOOTFALL_SERVER=footfall-1" : "";
            const r = await fetch(`${url}/api/v1/health`, { headers: { cookie, connection: "close" } }).catch(() => null);
            if (r?.status !== 200 || served(r) !== "footfall-2") {
              failed++;
              return false;
            }
          }
          return true;
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
      console.log(`HAProxy after kill -9 of footfall-1: ${failed} of ${sent} requests not answered by footfall-2 until it was taken out`);
    });
  });

  describe("chain-init, chain-layouts and chain-sim: the very scripts and command, with Debian's mosquitto and a server", () => {
    const dir = tempDir("footfall-compose-chain-");
    const paths = {
      data: join(dir.path, "data"),
      auth: join(dir.path, "mosquitto-auth"),
      config: join(dir.path, "chain-config"),
      ledger: join(dir.path, "chain-ledger"),
    };
    const STORES = "3";
    let databaseUrl = "";
    let mosquitto: Mosquitto;
    let server: ServerProcess;
    let mqttUrl = "";
    const PATH = [join(REPO_ROOT, "node_modules/.bin"), process.env.PATH].join(delimiter);
    /** A container path of the compose file, on this machine. */
    const local = (p: string) =>
      p
        .replace(/^\/app\//, REPO_ROOT)
        .replace(/^\/data(?=\/|$)/, paths.data)
        .replace(/^\/mosquitto-config(?=\/|$)/, paths.auth)
        .replace(/^\/chain-config(?=\/|$)/, paths.config)
        .replace(/^\/chain-ledger(?=\/|$)/, paths.ledger)
        .replace(/^mqtt:\/\/chain-mosquitto:1883$/, mqttUrl)
        .replace(/^postgres:\/\/.*@postgres:5432\/footfall$/, databaseUrl);
    const localEnv = (s: Service) => Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, local(v)]));
    const runInit = () =>
      run("sh", [local(services["chain-init"]!.command![1]!)], {
        env: { ...localEnv(services["chain-init"]!), CHAIN_STORES: STORES, PATH },
        timeoutMs: 120_000,
      });

    beforeAll(async () => {
      requireTool("mosquitto");
      databaseUrl = postgres.database("footfall");
      const port = await freePort();
      mqttUrl = `mqtt://127.0.0.1:${port}`;
      const init = await runInit();
      if (init.code !== 0) throw new Error(`deploy/chain/init.sh failed:\n${init.stderr}${init.stdout}`);
      mosquitto = await Mosquitto.withConf(
        (persistence) =>
          MOSQUITTO_CONF.replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
            .replace(/^password_file .*$/m, `password_file ${paths.auth}/passwd`)
            .replace(/^acl_file .*$/m, `acl_file ${paths.auth}/acl`)
            .replace(/^persistence_location .*$/m, `persistence_location ${persistence}/`)
            .replace(/^log_dest stdout$/m, "log_dest stderr") + `\nuser ${userInfo().username}\n`,
        port,
      );
      const env = localEnv(services["footfall-1"]!);
      server = await ServerProcess.start({
        dataDir: paths.data,
        mqttUrl: mosquitto.url,
        mqttUsername: env.FOOTFALL_MQTT_USERNAME!,
        mqttPassword: env.FOOTFALL_MQTT_PASSWORD!,
        env: { FOOTFALL_DATABASE_URL: env.FOOTFALL_DATABASE_URL! },
      });
    }, 180_000);
    afterAll(async () => {
      await server?.dispose();
      await mosquitto?.dispose();
      dir.remove();
    });

    it("chain-init writes the stores' layouts, an agent per store, an admin token and mosquitto's files; run again it keeps them", async () => {
      const layouts = JSON.parse(readFileSync(join(paths.config, "layouts.json"), "utf8")) as { stores: { store: string }[] };
      expect(layouts.stores.map((s) => s.store)).toEqual(["store-0001", "store-0002", "store-0003"]);
      const agents = readFileSync(join(paths.config, "agents.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { store: string; username: string; password: string });
      expect(agents.map((a) => a.store)).toEqual(["store-0001", "store-0002", "store-0003"]);
      const acl = readFileSync(join(paths.auth, "acl"), "utf8");
      for (const a of agents) expect(acl).toContain(`user ${a.username}`);
      const before = readFileSync(join(paths.config, "agents.jsonl"), "utf8");
      const token = readFileSync(join(paths.data, "admin-token.json"), "utf8");
      const again = await runInit();
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/chain: 3 stores, 0 new agents/);
      expect(readFileSync(join(paths.config, "agents.jsonl"), "utf8")).toBe(before);
      expect(readFileSync(join(paths.data, "admin-token.json"), "utf8")).toBe(token);
    }, 120_000);

    it("chain-layouts gives every store its floor plan through the API, and leaves them alone when run again", async () => {
      const l = services["chain-layouts"]!;
      const env = { ...localEnv(l), FOOTFALL_URL: server.httpUrl };
      const first = await run(process.execPath, [local(l.command![1]!)], { env });
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/3 stores: 3 layouts saved, 0 already had one/);
      const again = await run(process.execPath, [local(l.command![1]!)], { env });
      expect(again.stdout).toMatch(/3 stores: 0 layouts saved, 3 already had one/);
    });

    it("chain-sim logs in as every store's agent through mosquitto; after a clean stop the server accepted exactly what its ledger holds", async () => {
      const token = (JSON.parse(readFileSync(join(paths.data, "admin-token.json"), "utf8")) as { token: string }).token;
      const api = new FootfallApi(server.httpUrl, token);
      const [cli, sub, ...args] = services["chain-sim"]!.command!;
      expect([cli, sub]).toEqual(["footfall-edge", "chain"]);
      const local3 = args.map(local).map((a, i, all) => (all[i - 1] === "--stores" ? STORES : a));
      // Noon in every store whatever the hour the test runs (the stores are closed at night).
      const sim = await run(process.execPath, [requireBuilt(EDGE_CLI), "chain", ...local3, "--start-hour", "12", "--speed", "120", "--duration", "5"], {
        timeoutMs: 90_000,
      });
      expect(sim.code, sim.stderr).toBe(0);
      const ledger = Ledger.load(join(paths.ledger, "ledger.json"));
      expect(ledger.stores()).toEqual(["store-0001", "store-0002", "store-0003"]);
      for (const store of ledger.stores()) {
        const agent = (await api.agents(store)).agents.find((a) => a.agent === "sim-1");
        expect(ledger.count(store), store).toBeGreaterThan(0);
        expect(agent?.events, store).toBe(ledger.count(store));
        expect(agent?.rejects, store).toBe(0);
      }
    }, 120_000);
  });
});
