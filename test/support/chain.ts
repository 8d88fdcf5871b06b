/**
 * The start-up the chain e2e tests share (test/e2e/chain*.test.ts): Debian's PostgreSQL
 * (usePostgres), an agent of each store and an admin token made with the `footfall` CLI on its
 * database, Debian's mosquitto with the files `footfall broker-config` writes, and
 * `footfall serve` processes on them, started by the test with `startServer`.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { shardOf } from "../../server/src/cluster/shards.js";
import { FootfallApi } from "./api.js";
import { footfallJson, type AgentCredentials } from "./cli.js";
import { smallLayout } from "./fixtures.js";
import { Mosquitto } from "./mosquitto.js";
import { usePostgres } from "./postgres.js";
import { ServerProcess } from "./server-process.js";
import { requireTool } from "./tools.js";
import { tempDir, waitFor } from "./wait.js";

/** The shards of a chain server's default (FOOTFALL_SHARDS): two servers settle on half each. */
export const CHAIN_SHARDS = 64;

/**
 * `perHalf` store ids `<prefix>-001`, `<prefix>-002`, ... whose shards lie in the lower half, then
 * as many in the upper half: with two servers, stores held by each.
 */
export function storesInShardHalves(prefix: string, perHalf = 1): string[] {
  const low: string[] = [];
  const high: string[] = [];
  for (let i = 1; low.length < perHalf || high.length < perHalf; i++) {
    const s = `${prefix}-${String(i).padStart(3, "0")}`;
    const half = shardOf(s, CHAIN_SHARDS) < CHAIN_SHARDS / 2 ? low : high;
    if (half.length < perHalf) half.push(s);
  }
  return [...low, ...high];
}

export interface ChainFixture {
  /** The file's temporary folder: each server's data folder, the CLI's, the broker's files. */
  readonly dir: string;
  /** The chain's database. */
  readonly databaseUrl: string;
  /** A fresh, empty database on the same PostgreSQL server. */
  database(prefix?: string): string;
  readonly mosquitto: Mosquitto;
  /** An admin token. */
  readonly admin: string;
  /** The MQTT login of each store's agent. */
  readonly creds: ReadonlyMap<string, AgentCredentials>;
  /** The servers' broker login (it reads every store's layout). */
  readonly serverLogin: { username: string; password: string };
  /** The passwords `broker-config` made (Home Assistant's, with `homeAssistant`). */
  readonly passwords: Readonly<Record<string, string>>;
  /** Every server `startServer` started, by id. */
  readonly servers: ReadonlyMap<string, ServerProcess>;
  /** The environment of a `footfall` command on the chain's database. */
  env(): Record<string, string>;
  /** `footfall serve` as server `id` of the chain (FOOTFALL_SERVER_ID), on its own data folder, with `env` besides (and `launcher` before node, which must run node in its own pid: `exec`, never a fork). */
  startServer(id: string, env?: Record<string, string>, launcher?: string[]): Promise<ServerProcess>;
  /** The shards each live server holds (`footfall cluster status --json`), by server id. */
  held(): Promise<Record<string, number[]>>;
  /** Waits until servers a and b hold half the shards each (`what` names the wait in its error). */
  shardsShared(what?: string): Promise<void>;
  /** Starts servers a and b (with `env` besides), saves each store's small layout through a, and waits until a and b share the shards. */
  startTwoServers(env?: Record<string, string>): Promise<void>;
  /** Runs `close` after the file's tests, before the servers stop (clients, sockets); the last registered first. */
  onClose(close: () => unknown): void;
}

/**
 * Registers the file's beforeAll (PostgreSQL, agents and token, broker) and afterAll (what
 * `onClose` was given, the servers, the broker, the folder; then PostgreSQL) and returns the
 * chain they fill in. The file's own beforeAll (starting servers, layouts) runs after this one.
 */
export function useChain(opts: {
  /** The temporary folder's prefix. */
  name: string;
  /** The chain database's name prefix. */
  database: string;
  stores: readonly string[];
  /** The agent id each store gets. */
  agent: string;
  /** `broker-config --home-assistant`: a read-only `homeassistant` user (its password in `passwords`). */
  homeAssistant?: boolean;
  /** false: the broker runs without persistence (a restart loses its sessions and retained messages). Default true. */
  brokerPersistence?: boolean;
  timeoutMs?: number;
}): ChainFixture {
  const pg = usePostgres();
  const dir = tempDir(`${opts.name}-`);
  const serverUser = { username: "footfall-server", password: randomBytes(12).toString("hex") };
  const creds = new Map<string, AgentCredentials>();
  const servers = new Map<string, ServerProcess>();
  const closers: (() => unknown)[] = [];
  let databaseUrl = "";
  let mosquitto: Mosquitto | undefined;
  let admin = "";
  let passwords: Record<string, string> = {};
  const env = () => ({ FOOTFALL_DATABASE_URL: databaseUrl, FOOTFALL_DATA_DIR: join(dir.path, "cli"), FOOTFALL_LOG_LEVEL: "warn" });

  beforeAll(async () => {
    requireTool("mosquitto");
    databaseUrl = pg.database(opts.database);
    for (const store of opts.stores)
      creds.set(store, await footfallJson<AgentCredentials>(["agent", "add", opts.agent, "--store", store, "--kind", "sim"], { env: env() }));
    admin = (await footfallJson<{ token: string }>(["token", "add", "--role", "admin"], { env: env() })).token;
    const files = await footfallJson<{ passwd: string; acl: string; passwords?: Record<string, string> }>(
      [
        "broker-config",
        "--out",
        join(dir.path, "mosquitto"),
        "--server-username",
        serverUser.username,
        "--server-password",
        serverUser.password,
        ...(opts.homeAssistant ? ["--home-assistant"] : []),
      ],
      { env: env() },
    );
    passwords = files.passwords ?? {};
    mosquitto = await Mosquitto.start({ passwordFile: files.passwd, aclFile: files.acl, ...(opts.brokerPersistence === false ? { persistence: false } : {}) });
  }, opts.timeoutMs ?? 120_000);

  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    for (const s of servers.values()) await s.dispose().catch(() => {});
    await mosquitto?.dispose();
    dir.remove();
  });

  return {
    dir: dir.path,
    get databaseUrl() {
      return databaseUrl;
    },
    database: (prefix) => pg.database(prefix),
    get mosquitto() {
      if (!mosquitto) throw new Error("useChain(): the broker starts in beforeAll; use it inside a hook or a test");
      return mosquitto;
    },
    get admin() {
      return admin;
    },
    creds,
    serverLogin: serverUser,
    get passwords() {
      return passwords;
    },
    servers,
    env,
    async startServer(id, env = {}, launcher) {
      const s = await ServerProcess.start({
        ...(launcher ? { launcher } : {}),
        dataDir: join(dir.path, id),
        mqttUrl: this.mosquitto.url,
        mqttUsername: serverUser.username,
        mqttPassword: serverUser.password,
        env: { FOOTFALL_DATABASE_URL: databaseUrl, FOOTFALL_SERVER_ID: id, FOOTFALL_METRICS_PORT: "off", ...env },
        startTimeoutMs: 60_000,
      });
      servers.set(id, s);
      return s;
    },
    async held() {
      const st = await footfallJson<{ servers: { id: string; live: boolean; shards: number[] }[] }>(["cluster", "status", "--json"], { env: env() });
      return Object.fromEntries(st.servers.filter((v) => v.live).map((v) => [v.id, v.shards]));
    },
    async shardsShared(what = "the shards shared by a and b") {
      await waitFor(
        what,
        async () => {
          const h = await this.held();
          return h.a?.length === CHAIN_SHARDS / 2 && h.b?.length === CHAIN_SHARDS / 2;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
    },
    async startTwoServers(env = {}) {
      const a = await this.startServer("a", env);
      await this.startServer("b", env);
      const api = new FootfallApi(a.httpUrl, admin);
      for (const store of opts.stores) await api.putLayout(store, smallLayout({ name: store }));
      await this.shardsShared();
    },
    onClose(close) {
      closers.push(close);
    },
  };
}
