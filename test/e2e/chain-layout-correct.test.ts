/**
 * A chain (Debian's PostgreSQL and mosquitto, two `footfall serve`): a layout version saved for later
 * and then corrected (PUT .../layout?replaces=) or cancelled (DELETE .../layouts/:version) through the
 * OTHER server than the one it was saved on. The server holding the store's shard sends its agents
 * the correction (its number, its content) at its validFrom and never the replaced version; after a
 * cancel, they keep the version in force and never get the cancelled one. Both servers answer the
 * version and the history alike. One store is held by each server: each server's HTTP front takes a
 * save or correction of a store held by itself and of one held by the other; the holder follows the
 * chain's notice either way (seen: without that follow, or without the cancel's notice, it fails).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { topics, type LayoutInput } from "@footfall/core";
import { shardOf } from "../../server/src/cluster/shards.js";
import { connectMqtt, FootfallApi, requireTool, smallLayout, waitFor } from "../support/index.js";
import { CHAIN_SHARDS, storesInShardHalves, useChain } from "../support/chain.js";

const AGENT = "cam-1";

/** A store in each half of the shards (the halves two servers settle on). */
const STORES = storesInShardHalves("lc");

const chain = useChain({ name: "footfall-chain-layout-correct", database: "footfall_chain_layout_correct", stores: STORES, agent: AGENT });

/** What an agent got on its layout topic. */
interface Got {
  version: number;
  name: string;
  validFrom: number;
  zones: { id: string; polygon: [number, number][] }[];
  at: number;
}
/** Each store's agent following its retained layout: each message received, with when. */
const got = new Map<string, Got[]>();
/** The server holding each store's shard. */
const holder = new Map<string, "a" | "b">();

const api = (server: "a" | "b") => new FootfallApi(chain.servers.get(server)!.httpUrl, chain.admin);

/** The small layout with another name, its fruit zone moved and no bakery: a content the agents can tell apart. */
function refitted(name: string, validFrom: number): LayoutInput {
  const l = smallLayout({ name, validFrom });
  return {
    ...l,
    zones: l.zones
      .filter((z) => z.id !== "bakery")
      .map((z) => (z.id === "fruit" ? { ...z, polygon: z.polygon.map(([x, y]): [number, number] => [x + 1, y]) } : z)),
  };
}

/** The same answer from both servers (status and body), for a GET. */
async function same(path: string): Promise<{ status: number; body: unknown }> {
  const [ra, rb] = await Promise.all([api("a").request("GET", path), api("b").request("GET", path)]);
  expect({ status: rb.status, body: rb.body }, `${path} on b as on a`).toEqual({ status: ra.status, body: ra.body });
  return { status: ra.status, body: ra.body };
}

beforeAll(async () => {
  requireTool("mosquitto");
  await chain.startTwoServers();
  const h = await chain.held();
  for (const store of STORES) holder.set(store, h.a!.includes(shardOf(store, CHAIN_SHARDS)) ? "a" : "b");
  // One store each: a correction on the holder and one on the other server.
  expect(new Set(holder.values())).toEqual(new Set(["a", "b"]));
  for (const store of STORES) {
    const client = await connectMqtt({ url: chain.mosquitto.url, ...chain.creds.get(store)! });
    chain.onClose(() => client.endAsync());
    const list: Got[] = [];
    got.set(store, list);
    client.on("message", (_t, payload) => list.push({ ...(JSON.parse(payload.toString()) as Omit<Got, "at">), at: Date.now() }));
    await client.subscribeAsync(topics.layout(store), { qos: 1 });
  }
  for (const s of STORES) await waitFor(`${s}'s layout in force`, () => got.get(s)!.at(-1)?.version === 1, { timeoutMs: 20_000 });
}, 180_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a chain's layout version saved for later, corrected or cancelled on the other server", () => {
  it("sends the agents the correction (its number, its content) at its validFrom, never the replaced version", async () => {
    const t0 = Date.now();
    // The store held by a: corrected to an earlier time (the holder's timer must come sooner), by b.
    // The store held by b: saved on a (b follows a's notice), corrected to a later time on b itself.
    const plan = new Map(
      STORES.map((s) => {
        const earlier = holder.get(s) === "a";
        return [s, { first: t0 + (earlier ? 11_000 : 5_000), corrected: t0 + (earlier ? 6_000 : 10_000) }] as const;
      }),
    );
    for (const s of STORES) {
      const saved = await api("a").putLayout(s, smallLayout({ name: `${s} planned`, validFrom: plan.get(s)!.first }));
      expect(saved.version, s).toBe(2);
    }
    for (const s of STORES) {
      const r = await api("b").request<{ version: number; validFrom: number; name: string }>(
        "PUT",
        `/api/v1/stores/${s}/layout?replaces=2`,
        refitted(`${s} corrected`, plan.get(s)!.corrected),
      );
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.version, s).toBe(3);
    }
    // Before either time: both servers have v1 and v3, not v2, and give v3 alike.
    for (const s of STORES) {
      expect((await same(`/api/v1/stores/${s}/layouts`)).body, s).toEqual({
        layouts: [
          { version: 1, validFrom: 0 },
          { version: 3, validFrom: plan.get(s)!.corrected },
        ],
        // Every zone id of v1 and v3 (additive): the same on both servers.
        zones: expect.any(Array),
      });
      expect((await same(`/api/v1/stores/${s}/layouts/2`)).status, s).toBe(404);
      const v3 = await same(`/api/v1/stores/${s}/layouts/3`);
      expect(v3.status, s).toBe(200);
      expect(v3.body, s).toMatchObject({ version: 3, name: `${s} corrected`, validFrom: plan.get(s)!.corrected });
    }
    for (const s of STORES) {
      const { corrected, first } = plan.get(s)!;
      const taken = await waitFor(`${s}'s version 3`, () => got.get(s)!.find((m) => m.version === 3), { timeoutMs: 20_000 });
      expect(taken.at, s).toBeGreaterThanOrEqual(corrected);
      expect(taken.at - corrected, s).toBeLessThan(3_000);
      const v3 = (await api(holder.get(s)!).request<Got>("GET", `/api/v1/stores/${s}/layouts/3`)).body;
      expect({ name: taken.name, validFrom: taken.validFrom, zones: taken.zones.map((z) => ({ id: z.id, polygon: z.polygon })) }, s).toEqual({
        name: `${s} corrected`,
        validFrom: corrected,
        zones: v3.zones.map((z) => ({ id: z.id, polygon: z.polygon })),
      });
      expect(
        taken.zones.map((z) => z.id),
        s,
      ).not.toContain("bakery");
      // Past the replaced version's time too: it was never sent.
      await sleep(Math.max(0, Math.max(first, corrected) + 2_000 - Date.now()));
      expect(
        got
          .get(s)!
          .filter((m) => m.at < corrected)
          .every((m) => m.version === 1),
        s,
      ).toBe(true);
      expect(
        got.get(s)!.some((m) => m.version === 2),
        s,
      ).toBe(false);
      expect(got.get(s)!.at(-1)!.version, s).toBe(3);
      expect(((await same(`/api/v1/stores/${s}/layout`)).body as { version: number }).version, s).toBe(3);
    }
  }, 60_000);

  it("keeps the version in force on the agents after a cancel on the other server; the cancelled one is never sent", async () => {
    const t0 = Date.now();
    const validFrom = t0 + 6_000;
    for (const s of STORES) expect((await api("a").putLayout(s, smallLayout({ name: `${s} cancelled`, validFrom }))).version, s).toBe(4);
    for (const s of STORES) {
      const r = await api("b").request<{ version: number; cancelled: boolean }>("DELETE", `/api/v1/stores/${s}/layouts/4`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body, s).toMatchObject({ version: 4, validFrom, cancelled: true });
    }
    for (const s of STORES) {
      expect((await same(`/api/v1/stores/${s}/layouts/4`)).status, s).toBe(404);
      expect(
        ((await same(`/api/v1/stores/${s}/layouts`)).body as { layouts: { version: number }[] }).layouts.map((l) => l.version),
        s,
      ).toEqual([1, 3]);
    }
    await sleep(validFrom + 3_000 - Date.now());
    for (const s of STORES) {
      expect(
        got.get(s)!.some((m) => m.version === 4),
        s,
      ).toBe(false);
      expect(got.get(s)!.at(-1)!.version, s).toBe(3);
      expect(((await same(`/api/v1/stores/${s}/layout`)).body as { version: number; name: string }).name, s).toBe(`${s} corrected`);
    }
  }, 60_000);
});
