/**
 * A chain's operations beside ingest (issues 12 and 14), with real processes: Debian's PostgreSQL,
 * Debian's mosquitto with the files `footfall broker-config --home-assistant` writes, and two
 * `footfall serve` on them.
 * - Retained MQTT topics and Home Assistant discovery: each store's are published by the server
 *   that holds its shard; its discovery's availability is the shard's (`footfall/v1/availability/
 *   shard-NN`: the shard session's will). A `kill -9` of that server: the topic says "offline",
 *   the other server takes the shard, says "online" and publishes the store's figures from then on.
 *   Read as Home Assistant would, with `mosquitto_sub` and its read-only user.
 * - Events of a store with agents but no layout are refused `unknown_store` with a receipt, as one
 *   server does (before, no shard session subscribed them and the broker dropped them unseen).
 * - A token checked on b (then answered from b's cache) and revoked on a is refused by b's next request.
 */
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { topics, type Receipt } from "@footfall/core";
import type { MqttClient } from "mqtt";
import { io, type Socket } from "socket.io-client";
import { shardOf } from "../../server/src/cluster/shards.js";
import { batchJson, connectMqtt, EventFactory, FootfallApi, requireTool, smallLayout, waitFor } from "../support/index.js";
import { CHAIN_SHARDS, storesInShardHalves, useChain } from "../support/chain.js";
import { mosquittoSubRetained } from "../support/mosquitto-sub.js";

const AGENT = "sim-1";

/** A store in each half of the shards (the halves two servers settle on), and one with agents only. */
const [LOW, HIGH] = storesInShardHalves("ops") as [string, string];
const BARE = "ops-bare";

const chain = useChain({ name: "footfall-chain-ops", database: "footfall_chain_ops", stores: [LOW, HIGH, BARE], agent: AGENT, homeAssistant: true });
const servers = chain.servers;
/** Home Assistant's read-only login on the broker. */
const ha = () => ({ username: "homeassistant", password: chain.passwords.homeassistant! });

const retained = (filter: string) => mosquittoSubRetained({ url: chain.mosquitto.url, ...ha() }, filter, 1);
const retainedOne = async (topic: string) => (await retained(topic)).get(topic);

/** Who holds each shard now, from `footfall cluster status`. */
async function holderOf(store: string): Promise<string | undefined> {
  return Object.entries(await chain.held()).find(([, shards]) => shards.includes(shardOf(store, CHAIN_SHARDS)))?.[0];
}

beforeAll(async () => {
  requireTool("mosquitto_sub");
  await chain.startServer("a");
  await chain.startServer("b");
  const api = new FootfallApi(servers.get("a")!.httpUrl, chain.admin);
  for (const store of [LOW, HIGH]) await api.putLayout(store, smallLayout({ name: store }));
  await waitFor(
    "the shards to split between a and b",
    async () => {
      const [l, h] = [await holderOf(LOW), await holderOf(HIGH)];
      return l && h && l !== h;
    },
    { timeoutMs: 40_000, intervalMs: 500 },
  );
}, 120_000);

async function agent(store: string): Promise<MqttClient> {
  const c = chain.creds.get(store)!;
  const client = await connectMqtt({ url: chain.mosquitto.url, username: c.username, password: c.password }, { clientId: `${store}-${AGENT}-${randomBytes(2).toString("hex")}`, clean: true });
  chain.onClose(() => client.endAsync(true).catch(() => {}));
  return client;
}

describe("a chain's MQTT topics for other systems (issue 14.4 in chain mode)", () => {
  it("publishes each store's occupancy and Home Assistant discovery from the server holding its shard, with the shard's availability; after a kill -9 the new holder takes over", async () => {
    const holder = (await holderOf(LOW))!;
    const other = holder === "a" ? "b" : "a";
    const shard = shardOf(LOW, CHAIN_SHARDS);
    const availability = topics.shardAvailability(shard);
    const node = (store: string) => `homeassistant/+/footfall_${store}/+/config`;

    // Both servers publish their own stores: discovery of both stores, each pointing at its shard's availability.
    for (const store of [LOW, HIGH]) {
      const configs = await waitFor(`discovery of ${store}`, async () => {
        const got = await retained(node(store));
        return got.size > 0 ? got : undefined;
      });
      for (const p of configs.values()) {
        const c = JSON.parse(p) as { availability: { topic: string }[] };
        expect(c.availability[0]!.topic).toBe(topics.shardAvailability(shardOf(store, CHAIN_SHARDS)));
      }
      expect(await retainedOne(topics.shardAvailability(shardOf(store, CHAIN_SHARDS)))).toBe("online");
    }
    // No server's own availability in a chain: one server's shutdown is not every store's.
    expect(await retainedOne(topics.availability())).toBeUndefined();

    // Visitors come in: the holder publishes the store's occupancy.
    const client = await agent(LOW);
    const f = new EventFactory(AGENT, "occ");
    const now = Date.now();
    await client.publishAsync(topics.events(LOW, AGENT), batchJson(AGENT, [f.enter("v1", "entrance", now - 2000), f.enter("v2", "entrance", now - 1500)]), { qos: 1 });
    await waitFor("occupancy 2 on the broker", async () => JSON.parse((await retainedOne(topics.occupancy(LOW))) ?? "{}").total === 2, { timeoutMs: 20_000 });

    // An alert rule saved on the other server fires on the holder (which evaluates the stores it ingests): its retained
    // state says so; acknowledged on the other server, the holder's retained state follows.
    const apiOther = new FootfallApi(servers.get(other)!.httpUrl, chain.admin);
    const rule = await apiOther.request("PUT", `/api/v1/stores/${LOW}/alert-rules/silent`, { kind: "agent-offline", threshold: 0, forSeconds: 0, cooldownSeconds: 0, enabled: true });
    expect(rule.status).toBe(200);
    const alertState = async () => JSON.parse((await retainedOne(topics.alert(LOW, "silent"))) ?? "{}") as { active?: string; state?: string; alert?: { id: string } };
    const firing = await waitFor("the rule's state ON (firing) on the broker", async () => ((await alertState()).state === "firing" ? alertState() : undefined), { timeoutMs: 30_000 });
    expect(firing.active).toBe("ON");
    const ack = await apiOther.request("POST", `/api/v1/stores/${LOW}/alerts/${firing.alert!.id}/ack`, { by: "Anna" });
    expect(ack.status).toBe(200);
    await waitFor("the rule's state acknowledged on the broker", async () => (await alertState()).state === "acknowledged", { timeoutMs: 20_000 });
    expect(await retained(`homeassistant/binary_sensor/footfall_${LOW}/alert_silent/config`)).toHaveProperty("size", 1);

    // The holder dies: its shard session's will says "offline"; the other server takes the shard and says "online".
    await servers.get(holder)!.kill9();
    await waitFor("the shard's availability offline (the session's will)", async () => (await retainedOne(availability)) === "offline", { timeoutMs: 20_000, intervalMs: 200 });
    await waitFor(`${other} to hold the store's shard`, async () => (await holderOf(LOW)) === other, { timeoutMs: 40_000, intervalMs: 500 });
    await waitFor("the shard's availability online again", async () => (await retainedOne(availability)) === "online", { timeoutMs: 20_000, intervalMs: 200 });

    // The new holder publishes the store's figures from here on (retained topics stay correct).
    await client.publishAsync(topics.events(LOW, AGENT), batchJson(AGENT, [f.enter("v3", "entrance", Date.now() - 500)]), { qos: 1 });
    await waitFor("occupancy 3 from the new holder", async () => JSON.parse((await retainedOne(topics.occupancy(LOW))) ?? "{}").total === 3, { timeoutMs: 30_000 });
    // The alert's state is still right (read again from the database by the new holder).
    expect((await alertState()).state).toBe("acknowledged");
    // Its discovery is still there and still points at the shard's availability.
    const after = await retained(node(LOW));
    expect(after.size).toBeGreaterThan(0);
    for (const p of after.values()) expect((JSON.parse(p) as { availability: { topic: string }[] }).availability[0]!.topic).toBe(availability);

    // The killed server comes back and the shards are shared again (some handed over cleanly: "offline", then the
    // taker's "online"): whoever holds the store's shard then publishes its figures, and its availability ends online.
    await servers.get(holder)!.restart();
    await chain.shardsShared("the shards shared by a and b again");
    await waitFor("the shard's availability online after the rebalance", async () => (await retainedOne(availability)) === "online", { timeoutMs: 20_000, intervalMs: 200 });
    await client.publishAsync(topics.events(LOW, AGENT), batchJson(AGENT, [f.enter("v4", "entrance", Date.now() - 300)]), { qos: 1 });
    await waitFor("occupancy 4 from the holder after the rebalance", async () => JSON.parse((await retainedOne(topics.occupancy(LOW))) ?? "{}").total === 4, { timeoutMs: 30_000 });
  }, 240_000);
});

describe("events of a store with agents but no layout (issue 12)", () => {
  it("are refused unknown_store with a receipt, as one server does, and accepted once the store has a layout", async () => {
    const client = await agent(BARE);
    const receipts: Receipt[] = [];
    client.on("message", (topic, payload) => {
      if (topic === topics.receipts(BARE, AGENT)) receipts.push(JSON.parse(payload.toString()) as Receipt);
    });
    await client.subscribeAsync(topics.receipts(BARE, AGENT), { qos: 1 });
    const f = new EventFactory(AGENT, "bare");
    const e1 = f.enter("v1", "entrance", Date.now() - 1000);
    // The servers learn of the store from its agent within a lease round; until its shard's session subscribes, publish again.
    await waitFor(
      "a receipt for the store without a layout",
      async () => {
        if (receipts.length === 0) await client.publishAsync(topics.events(BARE, AGENT), batchJson(AGENT, [e1]), { qos: 1 });
        return receipts.length > 0;
      },
      { timeoutMs: 30_000, intervalMs: 1000 },
    );
    expect(receipts[0]).toMatchObject({ settled: [e1.id], rejected: [{ id: e1.id, reason: "unknown_store" }] });

    // With a layout, the next events are taken.
    const api = new FootfallApi(servers.get("a")!.httpUrl, chain.admin);
    await api.putLayout(BARE, smallLayout({ name: BARE }));
    const e2 = f.enter("v2", "entrance", Date.now() - 500);
    const before = receipts.length;
    await waitFor(
      "the event accepted once the layout is saved",
      async () => {
        if (receipts.length === before) await client.publishAsync(topics.events(BARE, AGENT), batchJson(AGENT, [e2]), { qos: 1 });
        return receipts.slice(before).some((r) => r.settled.includes(e2.id) && !(r.rejected ?? []).some((x) => x.id === e2.id));
      },
      { timeoutMs: 20_000, intervalMs: 1000 },
    );
    expect((await api.agents(BARE)).agents.find((x) => x.agent === AGENT)).toMatchObject({ events: 1 });
  }, 90_000);
});

describe("token checks cached per server (issue 12)", () => {
  it("refuses on b, at its next request, a token revoked on a, though b answered it from its cache before", async () => {
    const [a, b] = [servers.get("a")!, servers.get("b")!];
    await waitFor("both servers up", async () => (await fetch(`${a.httpUrl}/api/v1/health`)).ok && (await fetch(`${b.httpUrl}/api/v1/health`)).ok, { timeoutMs: 60_000 });
    const adminA = new FootfallApi(a.httpUrl, chain.admin);
    const created = await adminA.request<{ token: string; id: string }>("POST", "/api/v1/tokens", { role: "staff", label: "tablet" });
    expect(created.status).toBe(200);
    const viewerB = new FootfallApi(b.httpUrl, created.body.token);
    for (let i = 0; i < 5; i++) expect((await viewerB.request("GET", "/api/v1/stores")).status).toBe(200);
    // A tablet on b signed in with it.
    const tablet: Socket = io(b.httpUrl, { transports: ["websocket"], auth: { token: created.body.token }, reconnection: false });
    chain.onClose(() => void tablet.close());
    const signedOut = new Promise<{ reason: string }>((resolve) => tablet.on("signed_out", resolve));
    await new Promise<void>((resolve, reject) => {
      tablet.once("connect", resolve);
      tablet.once("connect_error", reject);
    });
    expect(await new Promise((resolve) => tablet.emit("join", LOW, resolve))).toEqual({ ok: true });

    const revoked = await adminA.request("DELETE", `/api/v1/tokens/${created.body.id}`);
    expect(revoked.status).toBe(200);
    const next = await viewerB.request<{ error?: string; message?: string }>("GET", "/api/v1/stores");
    expect(next.status).toBe(401);
    expect(JSON.stringify(next.body)).toMatch(/revoked/);
    // b's tablet is signed out too (by the notice, or at the latest by its hub's sweep within a second).
    const out = await Promise.race([signedOut, new Promise<null>((r) => setTimeout(() => r(null), 5_000))]);
    expect(out, "the tablet on b signed out within 5 s of the revoke on a").toEqual({ reason: "this token was revoked" });
  }, 90_000);
});
