/**
 * A chain whose servers' clocks disagree (real processes: Debian's PostgreSQL, mosquitto, two `footfall serve`, one
 * of them with libfaketime preloaded, FAKETIME=+30s). Shard leases run on the database's clock (`clock_timestamp()` for expiry and
 * renewal, epochs for fencing) and each server's own deadline on a monotonic clock, so a server 30 s ahead neither
 * takes the other's shards as expired nor loses its own: both hold half the shards, at the same epochs, through
 * four lease lifetimes (15 s each). DESIGN ("Chain clocks") lists what else a chain decides on a server's own clock.
 */
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { CHAIN_SHARDS, storesInShardHalves, useChain } from "../support/chain.js";
import { requireLibFaketime } from "../support/tools.js";

const chain = useChain({ name: "footfall-chain-skew", database: "footfall_chain_skew", stores: storesInShardHalves("skew"), agent: "sim-1" });

const epochs = async (): Promise<Record<number, { owner: string | null; epoch: number }>> => {
  const client = new pg.Client({ connectionString: chain.env().FOOTFALL_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ shard: number; owner: string | null; epoch: string }>("SELECT shard, owner, epoch FROM shard_leases ORDER BY shard");
    return Object.fromEntries(rows.map((r) => [r.shard, { owner: r.owner, epoch: Number(r.epoch) }]));
  } finally {
    await client.end();
  }
};

beforeAll(async () => {
  await chain.startServer("a");
  // libfaketime preloaded into the server itself (faketime's wrapper would fork it, and its stop would leave it running).
  await chain.startServer("b", { LD_PRELOAD: requireLibFaketime(), FAKETIME: "+30s" });
  await chain.shardsShared();
}, 120_000);

describe("a chain with a server 30 s ahead", () => {
  it("keeps its leases: no shard changes hands or epoch through four lease lifetimes", async () => {
    // libfaketime works on node: b's answers are dated about 30 s ahead of a's.
    const dateOf = async (id: string) => Date.parse((await fetch(`${chain.servers.get(id)!.httpUrl}/api/v1/health`)).headers.get("date") ?? "");
    const skew = (await dateOf("b")) - (await dateOf("a"));
    expect(skew).toBeGreaterThanOrEqual(28_000);
    expect(skew).toBeLessThanOrEqual(32_000);
    const before = await epochs();
    expect(Object.keys(before)).toHaveLength(CHAIN_SHARDS);
    for (let i = 0; i < 60; i++) {
      const held = await chain.held();
      expect(held.a?.length, `a's shards at look ${i}`).toBe(CHAIN_SHARDS / 2);
      expect(held.b?.length, `b's shards at look ${i}`).toBe(CHAIN_SHARDS / 2);
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(await epochs()).toEqual(before);
  }, 180_000);
});
