/**
 * A chain (Debian's PostgreSQL and mosquitto, two `footfall serve`): a layout version saved on one
 * server for a moment later reaches the agents of its store at its validFrom, not at the save,
 * whether the server that saved it holds the store's shard or the other one does (it follows
 * the schedule from the other's notice). Before, the saving server sent the version saved at once,
 * and nobody sent it when it took effect. And when the holder hears of the save only after its
 * validFrom (a server stalled: stopped here with SIGSTOP; a loaded one in ci89), it sends it then:
 * before, it took the version in force then for sent (the saver had sent the one before) and nobody sent it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import type { MqttClient } from "mqtt";
import { shardOf } from "../../server/src/cluster/shards.js";
import { connectMqtt, FootfallApi, requireTool, sleep, smallLayout, waitFor } from "../support/index.js";
import { CHAIN_SHARDS, storesInShardHalves, useChain } from "../support/chain.js";

const AGENT = "cam-1";

/** A store in each half of the shards (the halves two servers settle on). */
const STORES = storesInShardHalves("ls");

const chain = useChain({ name: "footfall-chain-layout-schedule", database: "footfall_chain_layout_schedule", stores: STORES, agent: AGENT });

/** Each store's agent following its retained layout: each version received, with when. */
const got = new Map<string, { version: number; at: number }[]>();
const clients: MqttClient[] = [];

beforeAll(async () => {
  requireTool("mosquitto");
  await chain.startTwoServers();
  for (const store of STORES) {
    const client = await connectMqtt({ url: chain.mosquitto.url, ...chain.creds.get(store)! });
    clients.push(client);
    chain.onClose(() => client.endAsync());
    const list: { version: number; at: number }[] = [];
    got.set(store, list);
    client.on("message", (_t, payload) => list.push({ version: (JSON.parse(payload.toString()) as { version: number }).version, at: Date.now() }));
    await client.subscribeAsync(topics.layout(store), { qos: 1 });
  }
}, 180_000);

describe("a chain's layout version saved for later", () => {
  it("reaches each store's agents at its validFrom, whichever server holds the store's shard", async () => {
    for (const s of STORES) await waitFor(`${s}'s layout in force`, () => got.get(s)!.at(-1)?.version === 1, { timeoutMs: 20_000 });
    const api = new FootfallApi(chain.servers.get("a")!.httpUrl, chain.admin);
    const validFrom = Date.now() + 4_000;
    for (const s of STORES) await api.putLayout(s, smallLayout({ name: `${s} refitted`, validFrom }));
    for (const s of STORES) {
      const taken = await waitFor(`${s}'s version 2`, () => got.get(s)!.find((m) => m.version === 2), { timeoutMs: 15_000 }).catch(async (err: Error) => {
        // What each agent got (ms from validFrom), and who holds which shard now: the evidence of a flake (with FOOTFALL_TEST_SERVER_LOGS).
        const held = await chain.held().catch((e: Error) => e.message);
        const times = (st: string) => got.get(st)!.map((m) => `v${m.version}@${m.at - validFrom}ms`);
        const seen = STORES.map((st) => `${st} (shard ${shardOf(st, CHAIN_SHARDS)}): ${times(st).join(", ")}`);
        throw new Error(`${err.message}\nvalidFrom ${new Date(validFrom).toISOString()}; got:\n${seen.join("\n")}\nheld now: ${JSON.stringify(held)}`);
      });
      expect(taken.at, s).toBeGreaterThanOrEqual(validFrom);
      expect(taken.at - validFrom, s).toBeLessThan(3_000);
      expect(got.get(s)!.filter((m) => m.at < validFrom).every((m) => m.version === 1), s).toBe(true);
    }
  });

  it("reaches them when the holder of the store's shard follows the save only after its validFrom (stalled meanwhile)", async () => {
    const held = await chain.held();
    for (const s of STORES) {
      const holder = held.a?.includes(shardOf(s, CHAIN_SHARDS)) ? "a" : "b";
      const stalled = chain.servers.get(holder)!;
      // Saved through the other server, which sends the agents version 2, in force at the save.
      const api = new FootfallApi(chain.servers.get(holder === "a" ? "b" : "a")!.httpUrl, chain.admin);
      const validFrom = Date.now() + 4_000;
      process.kill(stalled.pid!, "SIGSTOP");
      try {
        expect((await api.putLayout(s, smallLayout({ name: `${s} refitted again`, validFrom }))).version, s).toBe(3);
        await sleep(validFrom + 1_000 - Date.now());
      } finally {
        process.kill(stalled.pid!, "SIGCONT");
      }
      // The holder hears of the save now, version 3 in force: it sends it (a hang guard, not a timing check).
      const taken = await waitFor(`${s}'s version 3 from ${holder}, continued after its validFrom`, () => got.get(s)!.find((m) => m.version === 3), { timeoutMs: 20_000 });
      expect(taken.at, s).toBeGreaterThanOrEqual(validFrom);
      expect(got.get(s)!.at(-1)!.version, s).toBe(3);
    }
  }, 90_000);
});
