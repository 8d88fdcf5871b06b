/**
 * A chain (Debian's PostgreSQL and mosquitto, two `footfall serve`): a viewer's alerts-only link (Socket.IO namespace
 * /alerts, the web app's header sign) on one server gets the alerts of a store the other server ingests and evaluates,
 * pushed through the chain's live notices as staff's live link gets them, and never its occupancy. Before, viewers had
 * no link at all (their header asked GET .../alerts every 20 s).
 */
import { io, type Socket } from "socket.io-client";
import { beforeAll, describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import type { MqttClient } from "mqtt";
import type { LiveAlerts } from "../../server/src/alerts/live.js";
import { shardOf } from "../../server/src/cluster/shards.js";
import { batchJson, connectMqtt, EventFactory, FootfallApi, requireTool, waitFor } from "../support/index.js";
import { CHAIN_SHARDS, storesInShardHalves, useChain } from "../support/chain.js";

const AGENT = "cam-1";
/** A store in each half of the shards (the halves two servers settle on). */
const STORES = storesInShardHalves("al");
const chain = useChain({ name: "footfall-chain-alerts-only", database: "footfall_chain_alerts_only", stores: STORES, agent: AGENT });
const agents = new Map<string, MqttClient>();
let viewer = "";

beforeAll(async () => {
  requireTool("mosquitto");
  await chain.startTwoServers();
  const api = new FootfallApi(chain.servers.get("a")!.httpUrl, chain.admin);
  for (const store of STORES) {
    const rule = await api.request("PUT", `/api/v1/stores/${store}/alert-rules/fruit-full`, { kind: "occupancy", zone: "fruit", threshold: 1, forSeconds: 0, cooldownSeconds: 0, enabled: true });
    expect(rule.status, store).toBe(200);
    const client = await connectMqtt({ url: chain.mosquitto.url, ...chain.creds.get(store)! });
    agents.set(store, client);
    chain.onClose(() => client.endAsync());
  }
  viewer = (await api.request<{ token: string }>("POST", "/api/v1/tokens", { role: "viewer", label: "area manager" })).body.token;
}, 180_000);

describe("a chain's alerts-only link", () => {
  it("pushes a store's alert to a viewer on the server that does not ingest it, and never its occupancy", async () => {
    const held = await chain.held();
    for (const store of STORES) {
      const other = held.a?.includes(shardOf(store, CHAIN_SHARDS)) ? "b" : "a";
      const socket: Socket = io(`${chain.servers.get(other)!.httpUrl}/alerts`, { auth: { token: viewer }, transports: ["websocket"], reconnection: false, forceNew: true });
      chain.onClose(() => socket.close());
      const got: LiveAlerts[] = [];
      let occupancy = 0;
      socket.on("alerts", (a: LiveAlerts) => got.push(a));
      socket.on("occupancy", () => occupancy++);
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", reject);
      });
      expect(await new Promise((resolve) => socket.emit("join", store, resolve)), store).toEqual({ ok: true });
      await waitFor(`${store}'s alerts at the join on ${other}`, () => got.length > 0, { timeoutMs: 10_000 });
      expect(got.at(-1)!.alerts, store).toEqual([]);

      // Six people in the fruit zone (capacity 5), published to the store's agent topic: its holder ingests and fires.
      const events = new EventFactory(AGENT, store);
      await agents.get(store)!.publishAsync(topics.events(store, AGENT), batchJson(AGENT, Array.from({ length: 6 }, (_, i) => events.enter(`v${i}`, "fruit", Date.now() - 200 + i))), { qos: 1 });
      const fired = await waitFor(`${store}'s alert pushed by ${other}`, () => got.find((a) => a.alerts.some((x) => x.state === "firing")), { timeoutMs: 30_000 });
      expect(fired.alerts.map((a) => a.ruleId), store).toEqual(["fruit-full"]);
      expect(occupancy, store).toBe(0);
      socket.close();
    }
  }, 120_000);
});
