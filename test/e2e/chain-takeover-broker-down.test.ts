/**
 * A chain's takeover while the broker is unreachable (Debian's PostgreSQL and mosquitto, two
 * `footfall serve`): the broker is stopped, then server b is killed; a takes b's shards over by
 * their leases (in PostgreSQL), but their shard sessions cannot connect within the grace. a says so
 * in its takeover line (a warning: how many sessions have not connected and keep trying) and
 * /health says mqtt disconnected; when the broker is back, the sessions connect, /health says
 * connected, and the events of a store taken over are ingested by a.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { shardOf } from "../../server/src/cluster/shards.js";
import { batchJson, connectMqtt, EventFactory, FootfallApi, requireTool, waitFor } from "../support/index.js";
import { CHAIN_SHARDS, storesInShardHalves, useChain } from "../support/chain.js";

const AGENT = "cam-1";

/** A store in each half of the shards (the halves two servers settle on). */
const STORES = storesInShardHalves("tb");

const chain = useChain({ name: "footfall-chain-takeover-broker-down", database: "footfall_chain_takeover_broker_down", stores: STORES, agent: AGENT });
const servers = chain.servers;

beforeAll(async () => {
  requireTool("mosquitto");
  // At info: the takeover's line is read.
  await chain.startTwoServers({ FOOTFALL_LOG_LEVEL: "info" });
}, 180_000);

describe("a takeover while the broker is unreachable", () => {
  it("warns that the sessions taken over have not connected and keep trying, /health says mqtt disconnected; both recover when the broker is back", async () => {
    const api = new FootfallApi(servers.get("a")!.httpUrl, chain.admin);
    await waitFor("a's /health ok", async () => (await api.request<{ mqtt: string }>("GET", "/api/v1/health")).body.mqtt === "connected", {
      timeoutMs: 20_000,
    });
    const owners = await chain.held();
    const taken = STORES.find((s) => owners.b!.includes(shardOf(s, CHAIN_SHARDS)))!;
    const mark = servers.get("a")!.output().length;

    await chain.mosquitto.stop();
    await servers.get("b")!.kill9();
    // b's leases run out (15 s), a takes them, and their sessions get 10 s to connect.
    const warned = await waitFor(
      "a's takeover line",
      () => {
        const got = servers.get("a")!.logLines(/taken over from b/, mark);
        return got.length > 0 ? got : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n--- a ---\n${servers.get("a")!.output().slice(mark).slice(-4000)}`);
    });
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({
      level: 40,
      msg: "32 shards taken over from b: ingesting their stores; 32 of their sessions have not connected to the broker in time and keep trying (/health says mqtt disconnected until they do)",
      shards: owners.b,
      unconnected: owners.b,
      from: ["b"],
      sessions: { notConnected: 32 },
    });
    const down = await api.request<{ status: string; mqtt: string; db: string }>("GET", "/api/v1/health");
    expect(down).toMatchObject({ status: 503, body: { status: "degraded", mqtt: "disconnected", db: "ok" } });
    expect((await chain.held()).a).toHaveLength(64);

    await chain.mosquitto.start();
    await waitFor(
      "a's /health ok again",
      async () => {
        const h = await api.request<{ mqtt: string }>("GET", "/api/v1/health");
        return h.status === 200 && h.body.mqtt === "connected";
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    // A store taken over is ingested by a: its agent's event is counted.
    const agent = await connectMqtt({ url: chain.mosquitto.url, ...chain.creds.get(taken)! });
    chain.onClose(() => agent.endAsync());
    const f = new EventFactory(AGENT, "back");
    await agent.publishAsync(topics.events(taken, AGENT), batchJson(AGENT, [f.enter(`${taken}-v1`, "fruit", Date.now() - 500)]), { qos: 1 });
    await waitFor(`${taken}'s event ingested by a`, async () => ((await api.agents(taken)).agents.find((x) => x.agent === AGENT)?.events ?? 0) >= 1, {
      timeoutMs: 30_000,
      intervalMs: 250,
    });
  }, 150_000);
});
