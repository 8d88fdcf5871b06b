/**
 * A tablet of a chain through a load balancer (issue 12: "the tablet is back within 30 s after its
 * server dies"): Debian's PostgreSQL and mosquitto, two `footfall serve` sharing them, and a TCP
 * balancer in front that sends each new connection to the first server alive (as HAProxy with a
 * health check). The tablet is the floor-plan UI's own live store with the UI's socket options,
 * following a store that server a ingests, connected through the balancer to a. `kill -9` of a:
 * the tablet reconnects by itself, lands on b, re-joins and gets the store's occupancy at once
 * (what a committed, read by b); once b has taken a's shards over, the store's new visitors reach
 * the tablet from b.
 */
import { randomBytes } from "node:crypto";
import { createConnection, createServer, type Server, type Socket as NetSocket } from "node:net";
import { join } from "node:path";
import { io } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { LiveStore, type LiveSnapshot, type SocketLike } from "../../floorplan-ui/src/live/liveStore.js";
import { liveSocketOptions } from "../../floorplan-ui/src/live/socket-options.js";
import { shardOf } from "../../server/src/cluster/shards.js";
import {
  batchJson,
  connectMqtt,
  EventFactory,
  FootfallApi,
  footfallJson,
  Mosquitto,
  requireTool,
  ServerProcess,
  smallLayout,
  tempDir,
  usePostgres,
  waitFor,
  type AgentCredentials,
} from "../support/index.js";

const SHARDS = 64;
const AGENT = "sim-1";
/** Two stores, one in each half of the shards (the halves two servers settle on). */
const STORES = (() => {
  const out: string[] = [];
  for (let i = 1; out.length < 2; i++) {
    const s = `tab-${String(i).padStart(3, "0")}`;
    if (out.every((o) => shardOf(o, SHARDS) < 32 !== shardOf(s, SHARDS) < 32)) out.push(s);
  }
  return out;
})();

/** A balancer: each new connection goes to the first target not marked down (and that accepts it). */
class Balancer {
  private readonly down = new Set<number>();
  private readonly open = new Map<number, Set<NetSocket>>();
  /** Connections sent to each target so far. */
  readonly sent = new Map<number, number>();
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targets: number[]): Promise<Balancer> {
    let b: Balancer | null = null;
    const server = createServer({ noDelay: true }, (client) => {
      const tryTarget = (i: number) => {
        const port = targets.slice(i).find((p) => !b!.down.has(p));
        if (port === undefined) return client.destroy();
        const upstream = createConnection({ port, host: "127.0.0.1", noDelay: true });
        let connected = false;
        upstream.once("connect", () => {
          connected = true;
          b!.sent.set(port, (b!.sent.get(port) ?? 0) + 1);
          const set = b!.open.get(port) ?? b!.open.set(port, new Set()).get(port)!;
          set.add(client).add(upstream);
          client.pipe(upstream).pipe(client);
        });
        upstream.on("error", () => {
          if (!connected) tryTarget(targets.indexOf(port) + 1);
          else client.destroy();
        });
        upstream.on("close", () => client.destroy());
        client.on("close", () => upstream.destroy());
        client.on("error", () => upstream.destroy());
      };
      tryTarget(0);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    b = new Balancer(server, typeof address === "object" && address ? address.port : 0);
    return b;
  }

  /** The health check failed: no new connection goes there, and those open are cut. */
  markDown(port: number): void {
    this.down.add(port);
    for (const s of this.open.get(port) ?? []) s.destroy();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const set of this.open.values()) for (const s of set) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe("a chain's tablet after its server dies", () => {
  const pg = usePostgres();
  const dir = tempDir("footfall-chain-tablet-");
  const closers: (() => unknown)[] = [];

  it("reconnects through the balancer to the other server, gets the store's occupancy at once, and follows it from the new holder", async () => {
    requireTool("mosquitto");
    try {
      const databaseUrl = pg.database("footfall_tablet");
      const env = { FOOTFALL_DATABASE_URL: databaseUrl, FOOTFALL_DATA_DIR: join(dir.path, "cli"), FOOTFALL_LOG_LEVEL: "warn" };
      const creds = new Map<string, AgentCredentials>();
      for (const store of STORES) creds.set(store, await footfallJson<AgentCredentials>(["agent", "add", AGENT, "--store", store, "--kind", "sim"], { env }));
      const admin = (await footfallJson<{ token: string }>(["token", "add", "--role", "admin"], { env })).token;
      const staff = (await footfallJson<{ token: string }>(["token", "add", "--role", "staff"], { env })).token;
      const serverUser = { username: "footfall-server", password: randomBytes(12).toString("hex") };
      const files = await footfallJson<{ passwd: string; acl: string }>(
        ["broker-config", "--out", join(dir.path, "mosquitto"), "--server-username", serverUser.username, "--server-password", serverUser.password],
        { env },
      );
      const mosquitto = await Mosquitto.start({ passwordFile: files.passwd, aclFile: files.acl });
      closers.push(() => mosquitto.dispose());
      const start = async (id: string) => {
        const s = await ServerProcess.start({
          dataDir: join(dir.path, id),
          mqttUrl: mosquitto.url,
          mqttUsername: serverUser.username,
          mqttPassword: serverUser.password,
          env: { FOOTFALL_DATABASE_URL: databaseUrl, FOOTFALL_SERVER_ID: id, FOOTFALL_METRICS_PORT: "off" },
          startTimeoutMs: 60_000,
        });
        closers.push(() => s.dispose().catch(() => {}));
        return s;
      };
      const a = await start("a");
      const b = await start("b");
      const api = new FootfallApi(a.httpUrl, admin);
      for (const store of STORES) await api.putLayout(store, smallLayout({ name: store }));
      type Status = { servers: { id: string; live: boolean; shards: number[] }[]; unowned: number[] };
      const status = () => footfallJson<Status>(["cluster", "status", "--json"], { env });
      const split = await waitFor(
        "the shards split between a and b",
        async () => {
          const s = await status();
          const held = Object.fromEntries(s.servers.map((v) => [v.id, v.shards]));
          return held.a?.length === 32 && held.b?.length === 32 && s.unowned.length === 0 ? held : false;
        },
        { timeoutMs: 40_000, intervalMs: 500 },
      );
      const watched = STORES.find((s) => split.a!.includes(shardOf(s, SHARDS)))!;

      // The store's agent brings two visitors in.
      const c = creds.get(watched)!;
      const agent = await connectMqtt({ url: mosquitto.url, username: c.username, password: c.password }, { clientId: `${watched}-${AGENT}`, clean: false });
      closers.push(() => agent.endAsync());
      const events = new EventFactory(AGENT);
      const arrive = (visitor: string) =>
        agent.publishAsync(topics.events(watched, AGENT), batchJson(AGENT, [events.enter(visitor, "fruit", Date.now() - 200)]), { qos: 1 });
      await arrive("v1");
      await arrive("v2");

      // The tablet: the UI's live store and socket options, through the balancer, which sends it to a.
      const balancer = await Balancer.start([a.httpPort, b.httpPort]);
      closers.push(() => balancer.close());
      const live = new LiveStore(() => io(balancer.url, liveSocketOptions(staff)) as unknown as SocketLike);
      closers.push(() => live.close());
      const seen: LiveSnapshot[] = [];
      live.subscribe(watched, () => seen.push(live.getSnapshot(watched)));
      await waitFor("the tablet to show the two visitors", () => live.getSnapshot(watched).occupancy?.total === 2, { timeoutMs: 20_000 });
      expect(balancer.sent.get(a.httpPort)).toBeGreaterThan(0);
      expect(balancer.sent.get(b.httpPort) ?? 0).toBe(0);

      // a dies; the balancer's health check marks it down.
      const killedAt = Date.now();
      await a.kill9();
      balancer.markDown(a.httpPort);
      await waitFor("the tablet to lose its connection", () => live.getSnapshot(watched).status === "reconnecting", { timeoutMs: 10_000, intervalMs: 20 });
      // Back: on b, re-joined, with the store's occupancy sent at once (what a committed, read by b from the database).
      const back = await waitFor(
        "the tablet to be back with the store's figures",
        () => {
          const s = live.getSnapshot(watched);
          return s.status === "live" && (s.receivedAt ?? 0) > killedAt && s.occupancy ? s : false;
        },
        { timeoutMs: 30_000, intervalMs: 20 },
      );
      const backMs = back.receivedAt! - killedAt;
      expect(back.occupancy!.total).toBe(2);
      expect(balancer.sent.get(b.httpPort)).toBeGreaterThan(0);

      // b takes a's shards over; a visitor arriving now reaches the tablet from b.
      await waitFor(
        "b to hold every shard",
        async () => (await status()).servers.find((v) => v.id === "b")?.shards.length === SHARDS,
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      const takenMs = Date.now() - killedAt;
      await arrive("v3");
      await waitFor("the tablet to show the third visitor, from b", () => live.getSnapshot(watched).occupancy?.total === 3, { timeoutMs: 30_000, intervalMs: 20 });
      console.log(
        `chain tablet: back on b with the store's occupancy ${(backMs / 1000).toFixed(1)} s after the kill -9 of a; b held every shard after ${(takenMs / 1000).toFixed(1)} s; the next visitor shown ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`,
      );
    } finally {
      for (const close of closers.splice(0).reverse()) await close();
      dir.remove();
    }
  }, 240_000);
});
