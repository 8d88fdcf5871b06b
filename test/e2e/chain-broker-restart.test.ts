/**
 * A chain after its central broker restarts without persistence (Debian's mosquitto with
 * `persistence false`, killed with SIGKILL and started again), with Debian's PostgreSQL and two
 * `footfall serve`: the broker forgets every session and retained message. Each server sends again
 * the retained messages of the stores whose shards it holds (their agents' layouts, their
 * occupancy topics and Home Assistant discovery), once its shard sessions come back without their
 * sessions, and only those: no store is published by two servers. Before, in chain mode nothing
 * was sent again until something changed: agents starting then got no layout, Home Assistant no
 * device.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { shardOf } from "../../server/src/cluster/shards.js";
import { requireTool, waitFor } from "../support/index.js";
import { CHAIN_SHARDS, storesInShardHalves, useChain } from "../support/chain.js";
import { mosquittoSubRetained } from "../support/mosquitto-sub.js";

const AGENT = "cam-1";

/** Three stores in each half of the shards (the halves two servers settle on). */
const STORES = storesInShardHalves("rb", 3);

const chain = useChain({
  name: "footfall-chain-broker-restart",
  database: "footfall_chain_broker_restart",
  stores: STORES,
  agent: AGENT,
  homeAssistant: true,
  brokerPersistence: false,
});
const servers = chain.servers;
const ha = () => ({ url: chain.mosquitto.url, username: "homeassistant", password: chain.passwords.homeassistant! });
const server = () => ({ url: chain.mosquitto.url, ...chain.serverLogin });

/** What a fresh subscriber sees retained of every store: layouts (as the server's user), state topics and discovery (as Home Assistant). */
async function snapshot(): Promise<Map<string, string>> {
  const [layouts, state, discovery] = await Promise.all([
    mosquittoSubRetained(server(), topics.layout("+"), 1),
    mosquittoSubRetained(ha(), "footfall/v1/#", 1),
    mosquittoSubRetained(ha(), "homeassistant/#", 1),
  ]);
  return new Map([...layouts, ...state, ...discovery]);
}
/** Every store's layout, occupancy and occupancy discovery config is held. */
const complete = (m: Map<string, string>) =>
  STORES.every((s) => m.has(topics.layout(s)) && m.has(topics.occupancy(s)) && m.has(`homeassistant/sensor/footfall_${s}/occupancy/config`));
/**
 * Every shard's availability says "online": the chain has settled. The leases (chain.held()) say b
 * holds its half a moment before b's shard sessions have connected and said so; a snapshot taken in
 * that moment held a shard "offline" (a's clean hand-over) that b's "online" replaced just after.
 */
const settled = (m: Map<string, string>) =>
  Array.from({ length: CHAIN_SHARDS }, (_, shard) => m.get(topics.shardAvailability(shard))).every((v) => v === "online");
/** Per store: how many retained messages a fresh subscriber sees of it. */
const perStore = (m: Map<string, string>) =>
  Object.fromEntries(STORES.map((s) => [s, [...m.keys()].filter((t) => t.includes(`/${s}/`) || t.includes(`footfall_${s}/`)).length]));

beforeAll(async () => {
  requireTool("mosquitto_sub");
  // At info: the takeover's lines are read.
  await chain.startTwoServers({ FOOTFALL_LOG_LEVEL: "info" });
}, 180_000);

describe("a chain's retained messages after the broker restarts without persistence", () => {
  it("are sent again by the holder of each store's shard, the same as before, by one server each", async () => {
    const before = await waitFor(
      "every store's retained layout, occupancy and discovery, and every shard online",
      async () => {
        const m = await snapshot();
        return complete(m) && settled(m) ? m : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    const counts = perStore(before);
    for (const s of STORES) expect(counts[s], s).toBeGreaterThanOrEqual(10);
    const owners = await chain.held();

    await chain.mosquitto.kill9();
    await chain.mosquitto.start();
    const after = await waitFor(
      "every store's retained messages again",
      async () => {
        const m = await snapshot();
        return complete(m) && settled(m) && JSON.stringify(perStore(m)) === JSON.stringify(counts) ? m : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n--- a ---\n${servers.get("a")!.output().slice(-3000)}\n--- b ---\n${servers.get("b")!.output().slice(-3000)}`);
    });
    // The same messages as before, every store's (the occupancy's `ts` is the time it was read; a layout saved through the
    // API and one read back from PostgreSQL's jsonb hold the same keys in another order).
    const stable = (m: Map<string, string>) =>
      [...m]
        .filter(([t]) => !t.endsWith("/occupancy") && !t.includes("/zones/"))
        .map(([t, p]) => [t, t.endsWith("/layout") ? (JSON.parse(p) as unknown) : p])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    expect(stable(after)).toEqual(stable(before));
    for (const s of STORES) expect(JSON.parse(after.get(topics.layout(s))!)).toMatchObject({ store: s, receipts: true });

    // Each server sent again the stores of the shards it holds, in one line; no shard by both.
    const resent = Object.fromEntries(
      ["a", "b"].map((id) => [id, servers.get(id)!.logLines(/took shard sessions back without their sessions/).flatMap((l) => l.shards as number[])]),
    );
    expect(resent.a!.sort((x, y) => x - y)).toEqual(owners.a);
    expect(resent.b!.sort((x, y) => x - y)).toEqual(owners.b);
    for (const id of ["a", "b"]) expect(servers.get(id)!.logLines(/took shard sessions back without their sessions/)).toHaveLength(1);
  }, 120_000);
});

describe("the log of a takeover (a server killed)", () => {
  it("says in one line which shards were taken over from whom, whether their sessions were kept, and how long it took; one line when the live tap caught up", async () => {
    const owners = await chain.held();
    const mark = servers.get("a")!.output().length;
    const since = (msg: RegExp) =>
      servers
        .get("a")!
        .output()
        .slice(mark)
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => typeof l.msg === "string" && msg.test(l.msg));
    await servers.get("b")!.kill9();
    const taken = await waitFor(
      "a's line for the shards taken over",
      () => {
        const got = since(/taken over from b/);
        return got.length > 0 ? got : undefined;
      },
      { timeoutMs: 40_000, intervalMs: 250 },
    );
    expect(taken).toHaveLength(1);
    expect(taken[0]).toMatchObject({
      level: 30,
      msg: "32 shards taken over from b: ingesting their stores",
      shards: owners.b,
      from: ["b"],
      sessions: { kept: 32, new: 0 },
    });
    expect(taken[0]!.stores).toBe(STORES.filter((s) => owners.b!.includes(shardOf(s, CHAIN_SHARDS))).length);
    expect(taken[0]!.tookMs).toEqual(expect.any(Number));
    // The sessions' own lines are debug (not at info): one line for 32 shards.
    expect(since(/shard session connected/)).toEqual([]);
    // The live tap reads the newest messages of the shards taken over until their commits follow (15 s at least): one line then.
    const caughtUp = await waitFor(
      "a's line for the live tap caught up",
      () => {
        const got = since(/^live tap: the commits of the shards taken over follow/);
        return got.length > 0 ? got : undefined;
      },
      { timeoutMs: 40_000, intervalMs: 500 },
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(since(/^live tap:/)).toHaveLength(1);
    expect(caughtUp[0]).toMatchObject({ level: 30, shards: owners.b });
    expect((await chain.held()).a).toHaveLength(64);
  }, 120_000);
});
