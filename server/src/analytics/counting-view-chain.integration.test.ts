/**
 * A chain (two servers in this process on Debian's PostgreSQL and mosquitto): an agent's last will
 * reaches only the server holding its store's shard, yet the other server's answers say its zone is
 * not counted as soon as the holder's notice arrives, though that server's clock stands still (so its
 * view of the store's agents could not have run out by its lifetime), and its answers in between and
 * after read the store's agents once, not at every answer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics, type ZoneId } from "@footfall/core";
import type { MqttClient } from "mqtt";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { localServerConfig } from "../../../test/support/in-process.js";
import { Mosquitto } from "../../../test/support/mosquitto.js";
import { connectMqtt } from "../../../test/support/mqtt.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { requireTool } from "../../../test/support/tools.js";
import { tempDir, waitFor } from "../../../test/support/wait.js";
import { createLogger } from "../log.js";
import { startServer, type RunningServer } from "../server.js";

const T0 = Date.UTC(2026, 11, 6, 15);
const now = T0;
const pg = usePostgres();
let broker: Mosquitto;
const servers: RunningServer[] = [];
const dirs: { remove(): void }[] = [];
let agent: MqttClient | null = null;

beforeAll(async () => {
  requireTool("mosquitto");
  broker = await Mosquitto.anonymous(19121);
}, 60_000);
afterAll(async () => {
  await agent?.endAsync(true).catch(() => {});
  for (const s of servers.splice(0).reverse()) await s.close();
  for (const d of dirs) d.remove();
  await broker?.dispose();
});

type Occ = { partial: boolean; zones: { zone: string; offlineSince: number | null; offlineAgents: string[] }[] };

describe("zones nobody counts now on a chain's other server", () => {
  it("follow an agent's last will at the holder's notice, the other server's clock standing still", async () => {
    const databaseUrl = pg.database("footfall_counting_chain");
    for (const [id, httpPort] of [
      ["a", 19122],
      ["b", 19123],
    ] as const) {
      const dir = tempDir(`footfall-counting-${id}-`);
      dirs.push(dir);
      servers.push(await startServer(localServerConfig(dir.path, { databaseUrl, mqttUrl: broker.url, serverId: id, httpPort }), { log: createLogger("silent"), uiDir: null, now: () => now }));
    }
    const [a] = servers as [RunningServer, RunningServer];
    const storage = a.services.storage;
    const admin = await storage.tokens.add("admin", null, now);
    const put = await a.app.inject({ method: "PUT", url: "/api/v1/stores/shop/layout", headers: { authorization: `Bearer ${admin}` }, payload: smallLayout() });
    expect(put.statusCode, put.body).toBe(200);
    for (const id of ["cam-1", "cam-2"]) await storage.agents.add("shop", id, "camera", now - 3_600_000);
    // Whichever server holds the shop's shard ingests it, once the two have settled on half the shards each; the other only answers.
    await waitFor("the shards shared", () => servers.every((s) => s.cluster!.leases.leases().length === 32), { timeoutMs: 90_000 });
    const [holder, other] = await waitFor("the shop's shard held", () => {
      const h = servers.find((s) => s.cluster?.ingests("shop"));
      return h ? [h, servers.find((s) => s !== h)!] : undefined;
    }, { timeoutMs: 60_000 });
    const stateOf = async (id: string) => (await storage.agents.listAll()).find((r) => r.store === "shop" && r.agent === id)?.state;
    const status = (state: string) => JSON.stringify({ state, ts: now, kind: "camera", version: "1.0.0" });
    const publisher = await connectMqtt({ url: broker.url, username: "", password: "" });
    await publisher.publishAsync(topics.status("shop", "cam-1"), status("online"), { qos: 1, retain: true });
    await publisher.endAsync();
    agent = await connectMqtt({ url: broker.url, username: "", password: "" }, { clientId: "shop-cam-2", reconnectPeriod: 0, will: { topic: topics.status("shop", "cam-2"), payload: Buffer.from(status("offline")), qos: 1, retain: true } });
    await agent.publishAsync(topics.status("shop", "cam-2"), status("online"), { qos: 1, retain: true });
    await waitFor("both online", async () => (await stateOf("cam-1")) === "online" && (await stateOf("cam-2")) === "online", { timeoutMs: 30_000 });
    const events = new EventFactory("cam-2");
    await agent.publishAsync(topics.events("shop", "cam-2"), JSON.stringify({ agent: "cam-2", events: [events.enter("b1", "bakery" as ZoneId, now - 5000)] }), { qos: 1 });
    await waitFor("cam-2's event committed", async () => (await storage.agents.zoneAgents("shop", "bakery")).length === 1, { timeoutMs: 30_000 });
    const occupancy = async (s: RunningServer) => {
      const res = await s.app.inject({ method: "GET", url: "/api/v1/stores/shop/occupancy", headers: { authorization: `Bearer ${admin}` } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as Occ;
    };
    const bakery = (o: Occ) => o.zones.find((z) => z.zone === "bakery")!;
    expect(bakery(await occupancy(holder)).offlineSince).toBeNull();
    // The other server's reads of the shop's agents: once the holder's notices of the commit have come in, its
    // answers read them no more (its view is kept: the clock stands still).
    let reads = 0;
    const list = other.services.storage.agents.list;
    other.services.storage.agents.list = (store) => (reads++, list(store));
    let quiet = 0;
    await waitFor(
      "the other server's view kept",
      async () => {
        const before = reads;
        expect(bakery(await occupancy(other)).offlineSince).toBeNull();
        quiet = reads === before ? quiet + 1 : 0;
        return quiet >= 5;
      },
      { intervalMs: 200 },
    );

    // cam-2's link dies: the broker sends its will to the holder's shard session alone.
    agent.stream.destroy();
    await waitFor("cam-2's will stored by the holder", async () => (await stateOf("cam-2")) === "offline", { timeoutMs: 30_000 });
    expect(bakery(await occupancy(holder))).toMatchObject({ offlineSince: now, offlineAgents: ["cam-2"] });
    // The other server's view of the shop's agents was read at this same instant of its clock: only the holder's notice drops it.
    const seen = await waitFor("the other server says the bakery is not counted", async () => {
      const o = await occupancy(other);
      return bakery(o).offlineSince !== null ? o : undefined;
    });
    expect(bakery(seen)).toMatchObject({ offlineSince: now, offlineAgents: ["cam-2"] });
    expect(seen.partial).toBe(true);
    // And kept again: five more answers read the agents no more.
    const before = reads;
    for (let i = 0; i < 5; i++) expect(bakery(await occupancy(other)).offlineSince).toBe(now);
    expect(reads - before).toBe(0);
  }, 180_000);
});
