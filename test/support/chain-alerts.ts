/**
 * What the chain's alert-notice tests share (test/e2e chain-alerts-push, chain-alerts-resync): a chain (`useChain`:
 * Debian's PostgreSQL, mosquitto, two `footfall serve`) of one store with agent cam-1, servers a and b started with
 * the alerts-only round made ten minutes long (FOOTFALL_TEST_ALERTS_ONLY_READ_MS), so that no push within a test comes
 * from that round; the store's rule fruit-full (more people in the fruit zone than its capacity); cam-1 connected to
 * the broker and online (retained); a viewer's token; and a viewer's /alerts socket (the web app's header) on a server.
 */
import { io, type Socket } from "socket.io-client";
import { beforeAll, expect } from "vitest";
import { topics } from "@footfall/core";
import type { MqttClient } from "mqtt";
import type { LiveAlerts } from "../../server/src/alerts/live.js";
import { shardOf } from "../../server/src/cluster/shards.js";
import { CHAIN_SHARDS, storesInShardHalves, useChain, type ChainFixture } from "./chain.js";
import { FootfallApi } from "./api.js";
import { connectMqtt } from "./mqtt.js";
import { requireTool } from "./tools.js";
import { waitFor } from "./wait.js";

/** The other server's alerts-only round (ms): longer than the whole file, so no push in it comes from that round. */
export const ALERTS_ONLY_ROUND_MS = 600_000;

export interface ChainAlertStore {
  readonly chain: ChainFixture;
  /** The store (in the first half of the shards of `prefix`'s stores). */
  readonly store: string;
  /** Its agent's id: cam-1. */
  readonly agentId: string;
  /** cam-1's MQTT client on the chain's broker (from the file's beforeAll on). */
  readonly agent: MqttClient;
  /** A viewer's token (from the file's beforeAll on). */
  readonly viewer: string;
  /** A status of cam-1 as a camera says it, now. */
  statusOf(state: "online" | "offline"): string;
  /** Which server ingests the store (holds its shard), and the other. */
  holder(): Promise<{ holder: string; other: string }>;
  /**
   * A viewer's header on `server`: a socket on /alerts that joined the store; every `alerts` it got, with when
   * (resolves once the alerts at the join came). `onOccupancy` is called on each `occupancy` it gets (none is due).
   */
  header(server: string, opts?: { onOccupancy?: () => void }): Promise<{ at: number; alerts: LiveAlerts }[]>;
}

/**
 * Registers the file's beforeAll (after `useChain`'s): servers a and b, then `afterStart` (e.g. a database client),
 * then the rule, cam-1 online and the viewer's token. `name` and `database` as `useChain` takes them; `prefix` names the store.
 */
export function useChainAlertStore(opts: {
  name: string;
  database: string;
  prefix: string;
  afterStart?: (chain: ChainFixture) => Promise<void>;
}): ChainAlertStore {
  const agentId = "cam-1";
  const [store] = storesInShardHalves(opts.prefix);
  const chain = useChain({ name: opts.name, database: opts.database, stores: [store!], agent: agentId });
  let agent: MqttClient | null = null;
  let viewer = "";
  const statusOf = (state: "online" | "offline") => JSON.stringify({ state, ts: Date.now(), kind: "camera", version: "1.0.0" });

  beforeAll(async () => {
    requireTool("mosquitto");
    await chain.startTwoServers({ FOOTFALL_TEST_ALERTS_ONLY_READ_MS: String(ALERTS_ONLY_ROUND_MS) });
    await opts.afterStart?.(chain);
    const api = new FootfallApi(chain.servers.get("a")!.httpUrl, chain.admin);
    const rule = await api.request("PUT", `/api/v1/stores/${store}/alert-rules/fruit-full`, {
      kind: "occupancy",
      zone: "fruit",
      threshold: 1,
      forSeconds: 0,
      cooldownSeconds: 0,
      enabled: true,
    });
    expect(rule.status).toBe(200);
    const client = await connectMqtt({ url: chain.mosquitto.url, ...chain.creds.get(store!)! });
    agent = client;
    chain.onClose(() => client.endAsync());
    await client.publishAsync(topics.status(store!, agentId), statusOf("online"), { qos: 1, retain: true });
    viewer = (await api.request<{ token: string }>("POST", "/api/v1/tokens", { role: "viewer", label: "area manager" })).body.token;
  }, 180_000);

  return {
    chain,
    store: store!,
    agentId,
    get agent() {
      if (!agent) throw new Error("useChainAlertStore: cam-1 is connected in the file's beforeAll");
      return agent;
    },
    get viewer() {
      return viewer;
    },
    statusOf,
    async holder() {
      const held = await chain.held();
      const holder = held.a?.includes(shardOf(store!, CHAIN_SHARDS)) ? "a" : "b";
      return { holder, other: holder === "a" ? "b" : "a" };
    },
    async header(server, headerOpts = {}) {
      const socket: Socket = io(`${chain.servers.get(server)!.httpUrl}/alerts`, {
        auth: { token: viewer },
        transports: ["websocket"],
        reconnection: false,
        forceNew: true,
      });
      chain.onClose(() => socket.close());
      const got: { at: number; alerts: LiveAlerts }[] = [];
      socket.on("alerts", (a: LiveAlerts) => got.push({ at: Date.now(), alerts: a }));
      const onOccupancy = headerOpts.onOccupancy;
      if (onOccupancy) socket.on("occupancy", () => onOccupancy());
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", reject);
      });
      expect(await new Promise((resolve) => socket.emit("join", store, resolve)), server).toEqual({ ok: true });
      await waitFor(`the alerts at the join on ${server}`, () => got.length > 0, { timeoutMs: 10_000 });
      return got;
    },
  };
}
