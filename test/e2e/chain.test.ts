/**
 * A chain on standard parts, with real processes (issue 12): Debian's PostgreSQL, Debian's
 * mosquitto, and two `footfall serve` on them (FOOTFALL_DATABASE_URL and FOOTFALL_MQTT_URL). The
 * stores split between the two servers by shard leases; every query is answered the same by both;
 * a tablet on one server follows a store the other ingests; `kill -9` of one server in the middle
 * of a stream: the other takes its shards over within 30 s (and the messages its shard sessions
 * queued in the broker), nothing is lost or doubled (each event id sent is stored exactly once,
 * counted once), and every figure equals core's reference computed from the events that were
 * sent. The killed server, started again, rejoins and takes its share back.
 */
import { join } from "node:path";
import { io, type Socket } from "socket.io-client";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { topics, type FootfallEvent, type Occupancy, type ZoneKind } from "@footfall/core";
import { shardOf } from "../../server/src/cluster/shards.js";
import {
  batchJson,
  chunks,
  connectMqtt,
  EventFactory,
  FootfallApi,
  footfall,
  footfallJson,
  prng,
  reference,
  sleep,
  smallLayout,
  visitedZones,
  waitFor,
} from "../support/index.js";
import { useChain } from "../support/chain.js";
import type { MqttClient } from "mqtt";

const HOUR = 3_600_000;
const VISIT_TIMEOUT = 30 * 60_000;
const SHARDS = 64;
const AGENT = "sim-1";

interface ClusterStatusJson {
  shards: number;
  servers: { id: string; live: boolean; shards: number[] }[];
  unowned: number[];
}

/** Six stores, three in shards 0-31 and three in 32-63 (the halves two servers settle on). */
function pickStores(): string[] {
  const low: string[] = [];
  const high: string[] = [];
  for (let i = 1; low.length < 3 || high.length < 3; i++) {
    const s = `chain-${String(i).padStart(3, "0")}`;
    if (shardOf(s, SHARDS) < 32) {
      if (low.length < 3) low.push(s);
    } else if (high.length < 3) high.push(s);
  }
  return [...low, ...high];
}
const STORES = pickStores();
const KINDS: Record<string, ZoneKind> = Object.fromEntries(smallLayout().zones.map((z) => [z.id, z.kind]));

/** A store's afternoon: visitors through entrance, a zone or two and the checkout; door counts; a few still inside at the end. */
function storeEvents(store: string, now: number): FootfallEvent[] {
  const random = prng([...store].reduce((h, c) => h * 31 + c.charCodeAt(0), 7) >>> 0);
  const f = new EventFactory(AGENT, "t");
  const start = now - 3 * HOUR;
  const out: FootfallEvent[] = [];
  for (let v = 0; v < 90; v++) {
    const visitor = `${store}-v${v}`;
    let ts = start + Math.floor(random() * 2.5 * HOUR);
    const zones = ["entrance", ...(random() < 0.5 ? ["fruit"] : []), ...(random() < 0.6 ? ["bakery"] : []), "checkout"];
    for (const [i, zone] of zones.entries()) {
      out.push(f.enter(visitor, zone, ts));
      ts += 20_000 + Math.floor(random() * 240_000);
      // The last visitors stay at the checkout: open visits for live occupancy.
      if (!(v >= 85 && i === zones.length - 1)) out.push(f.exit(visitor, zone, ts));
      ts += 3_000;
    }
    if (v % 9 === 0) out.push(f.count("entrance", ts, 2, 1));
  }
  return out.filter((e) => e.ts < now - 60_000).sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1));
}

const chain = useChain({ name: "footfall-chain", database: "footfall_chain", stores: STORES, agent: AGENT });
const agents = new Map<string, MqttClient>();
const sent = new Map<string, FootfallEvent[]>();
const now = Date.now();

const status = () => footfallJson<ClusterStatusJson>(["cluster", "status", "--json"], { env: chain.env() });

/** Publishes events as the store's agent, in batches, each acknowledged by the broker. */
async function publish(
  store: string,
  events: readonly FootfallEvent[],
  o: { size: number; pauseMs: number; live?: boolean } = { size: 20, pauseMs: 0 },
): Promise<void> {
  const client = agents.get(store)!;
  const pauseMs = o.pauseMs;
  // With `live`, each batch also brings a visitor into the fruit zone now: the live figures change as it streams.
  const live = new EventFactory(AGENT, "live");
  for (const part of chunks(events, o.size)) {
    const batch = o.live ? [...part, live.enter(`${store}-live${part[0]!.id.slice(-4)}`, "fruit", Date.now() - 500)] : part;
    await client.publishAsync(topics.events(store, AGENT), batchJson(AGENT, batch), { qos: 1 });
    (sent.get(store) ?? sent.set(store, []).get(store)!).push(...batch);
    if (pauseMs) await sleep(pauseMs);
  }
}

async function storedIds(store: string): Promise<string[]> {
  const db = new pg.Client({ connectionString: chain.databaseUrl });
  await db.connect();
  try {
    return (await db.query<{ id: string }>("SELECT id FROM events WHERE store = $1", [store])).rows.map((r) => r.id);
  } finally {
    await db.end();
  }
}

/** Waits until every event sent is stored and counted (the agents' counters on `api`). */
async function allAccepted(api: FootfallApi, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    "every event sent to be accepted",
    async () => {
      for (const store of STORES) {
        const a = (await api.agents(store)).agents.find((x) => x.agent === AGENT);
        if ((a?.events ?? 0) < new Set(sent.get(store)?.map((e) => e.id)).size) return false;
      }
      return true;
    },
    { timeoutMs, intervalMs: 250 },
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${[...chain.servers.values()].map((s) => `--- ${s.httpUrl} ---\n${s.output().slice(-3000)}`).join("\n")}`);
  });
}

/** Who ingests each store now, from `footfall cluster status`. */
async function owners(): Promise<Map<string, string>> {
  const s = await status();
  const byShard = new Map<number, string>();
  for (const v of s.servers) if (v.live) for (const sh of v.shards) byShard.set(sh, v.id);
  return new Map(STORES.map((store) => [store, byShard.get(shardOf(store, SHARDS)) ?? "-"]));
}

const ranges = () => {
  const from = Math.floor((now - 4 * HOUR) / HOUR) * HOUR;
  // The live visitors of the stream came later than `now`: the whole range reaches past them.
  const to = Math.ceil((now + 20 * 60_000) / HOUR) * HOUR;
  return [
    { from, to },
    { from: now - 3 * HOUR + 17 * 60_000, to: now - 13 * 60_000 },
  ];
};

/** Every figure of every store from `api`, checked against core's reference on the events sent. */
async function figures(api: FootfallApi): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const store of STORES) {
    const events = sent.get(store) ?? [];
    for (const range of ranges()) {
      const dwell = (await api.dwell(store, range)).zones;
      const paths = await api.paths(store, range, 20);
      const traffic = (await api.traffic(store, range, "hour")).buckets;
      expect(visitedZones(dwell), `dwell of ${store}`).toEqual(reference.dwell(events, range, VISIT_TIMEOUT));
      // outages (3a6b370: the open hours a zone was counted by no agent) is not the reference's: left out of the comparison.
      expect({ ...paths, outages: undefined }, `paths of ${store}`).toEqual(reference.paths(events, range, VISIT_TIMEOUT, 20));
      expect(traffic, `traffic of ${store}`).toEqual(reference.traffic(events, range, "hour", "Europe/Paris", KINDS, VISIT_TIMEOUT));
      out.push({ store, range, dwell, paths, traffic });
    }
  }
  return out;
}

describe("footfall cluster status", () => {
  it("says what it needs: FOOTFALL_DATABASE_URL, then a database where servers have joined", async () => {
    const none = await footfall(["cluster", "status"], { env: { FOOTFALL_DATABASE_URL: "", FOOTFALL_DATA_DIR: join(chain.dir, "none") } });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/set FOOTFALL_DATABASE_URL/);
    const fresh = await footfall(["cluster", "status"], { env: { FOOTFALL_DATABASE_URL: chain.database("footfall_empty") } });
    expect(fresh.code).toBe(1);
    expect(fresh.stderr).toMatch(/this database has no chain yet: start a server with FOOTFALL_DATABASE_URL and FOOTFALL_MQTT_URL first/);
  });
});

describe("two servers on one PostgreSQL and one Mosquitto", () => {
  it("split the stores, answer every store the same, and survive a kill -9 of one: taken over within 30 s, nothing lost or doubled, figures equal the reference", async () => {
    // Server a alone takes every shard; b joins and a hands b its fair half.
    const a = await chain.startServer("a");
    const b = await chain.startServer("b");
    const apiA = new FootfallApi(a.httpUrl, chain.admin);
    const apiB = new FootfallApi(b.httpUrl, chain.admin);
    for (const store of STORES) await apiA.putLayout(store, smallLayout({ name: store }));
    const balanced = await waitFor(
      "the shards split evenly between a and b",
      async () => {
        const s = await status();
        const held = Object.fromEntries(s.servers.map((v) => [v.id, v.shards.length]));
        return held.a === 32 && held.b === 32 && s.unowned.length === 0 ? s : false;
      },
      { timeoutMs: 40_000, intervalMs: 500 },
    );
    expect(balanced.servers.map((v) => v.id).sort()).toEqual(["a", "b"]);
    const split = await owners();
    expect(new Set(split.values())).toEqual(new Set(["a", "b"]));

    // The stores' agents (their own logins on the broker), and the first half of an afternoon.
    for (const store of STORES) {
      const c = chain.creds.get(store)!;
      const client = await connectMqtt({ url: chain.mosquitto.url, username: c.username, password: c.password }, { clientId: `${store}-${AGENT}`, clean: false });
      chain.onClose(() => client.endAsync(true).catch(() => {}));
      agents.set(store, client);
    }
    const all = new Map(STORES.map((s) => [s, storeEvents(s, now)]));
    await Promise.all(STORES.map((s) => publish(s, all.get(s)!.slice(0, Math.floor(all.get(s)!.length / 2)))));
    await allAccepted(apiA);

    // Both servers answer every store, and the same.
    const fromA = await figures(apiA);
    const fromB = await figures(apiB);
    expect(fromB).toEqual(fromA);
    for (const store of STORES) expect((await apiB.agents(store)).agents).toEqual((await apiA.agents(store)).agents);

    // A tablet on b follows a store that a ingests.
    const watched = STORES.find((s) => split.get(s) === "a")!;
    const staff = (await footfallJson<{ token: string }>(["token", "add", "--role", "staff"], { env: chain.env() })).token;
    const tablet: Socket = io(b.httpUrl, { transports: ["websocket"], auth: { token: staff }, reconnection: false });
    chain.onClose(() => void tablet.close());
    const pushes: { at: number; o: Occupancy }[] = [];
    tablet.on("occupancy", (o: Occupancy) => pushes.push({ at: Date.now(), o }));
    await new Promise<void>((resolve, reject) => {
      tablet.once("connect", resolve);
      tablet.once("connect_error", reject);
    });
    expect(await new Promise((resolve) => tablet.emit("join", watched, resolve))).toEqual({ ok: true });

    // An alert rule of that store fires on a (which evaluates the stores it ingests) and reaches the tablet on b.
    const alertsSeen: { alerts: { ruleId: string; state: string }[] }[] = [];
    tablet.on("alerts", (x: { alerts: { ruleId: string; state: string }[] }) => alertsSeen.push(x));
    const rule = await apiA.request("PUT", `/api/v1/stores/${watched}/alert-rules/agent-silent`, { kind: "agent-offline", threshold: 0, forSeconds: 0, cooldownSeconds: 0, enabled: true });
    expect(rule.status).toBe(200);
    const firedAt = Date.now();
    await waitFor("the tablet on b to get the alert a fired", () => alertsSeen.some((x) => x.alerts.some((al) => al.ruleId === "agent-silent" && al.state === "firing")), { timeoutMs: 20_000 });
    console.log(`alert fired on a shown to the tablet on b within ${Date.now() - firedAt} ms of saving the rule (evaluation every second)`);

    // The second half streams in for some 40 s; a is killed in the middle of it.
    const streaming = Promise.all(
      STORES.map((s) => {
        const rest = all.get(s)!.slice(Math.floor(all.get(s)!.length / 2));
        return publish(s, rest, { size: 4, pauseMs: Math.round(40_000 / (rest.length / 4)), live: true });
      }),
    );
    streaming.catch(() => {}); // awaited below; a failure before that must not be reported twice
    await waitFor("the tablet on b to get live figures of a store a ingests", () => pushes.length >= 3, { timeoutMs: 20_000 });
    await sleep(1000);
    const killedAt = Date.now();
    await a.kill9();
    const takenOver = await waitFor(
      "b to hold every shard",
      async () => {
        const s = await status();
        return s.servers.find((v) => v.id === "b")?.shards.length === SHARDS ? Date.now() : false;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    // Taken over because a's database session ended with it (its liveness lock gone), not at its leases' end.
    expect(b.output()).toMatch(/database session ended \(it died\): its shards are taken over now/);
    const pushesAtTakeover = pushes.length;
    await waitFor("the tablet on b to keep getting the store's figures after the takeover", () => pushes.length > pushesAtTakeover, { timeoutMs: 20_000 });
    await streaming;
    await allAccepted(apiB, 60_000);

    // Nothing lost, nothing doubled: every id sent is stored once and counted once.
    let duplicates = 0;
    for (const store of STORES) {
      const ids = (sent.get(store) ?? []).map((e) => e.id);
      const stored = await storedIds(store);
      expect(stored.length, `events stored for ${store}`).toBe(new Set(stored).size);
      expect([...stored].sort(), `events of ${store}`).toEqual([...new Set(ids)].sort());
      const info = (await apiB.agents(store)).agents.find((x) => x.agent === AGENT)!;
      expect(info.events, `events counted for ${store}`).toBe(ids.length);
      duplicates += info.duplicates;
    }
    // Every figure equals the reference, on the survivor.
    const after = await figures(apiB);
    console.log(
      `chain e2e: ${[...sent.values()].reduce((n, l) => n + l.length, 0)} events over ${STORES.length} stores; kill -9 of a -> b held every shard ${((takenOver - killedAt) / 1000).toFixed(1)} s later; copies dropped by id: ${duplicates}; live pushes on b: ${pushes.length}`,
    );

    // a comes back: it rejoins, takes its share again, and answers as b does.
    await a.restart();
    await waitFor(
      "a to rejoin and get its share back",
      async () => {
        const s = await status();
        const held = Object.fromEntries(s.servers.filter((v) => v.live).map((v) => [v.id, v.shards.length]));
        return held.a === 32 && held.b === 32;
      },
      { timeoutMs: 40_000, intervalMs: 500 },
    );
    expect(await figures(apiA)).toEqual(after);
    const text = await footfall(["cluster", "status"], { env: chain.env() });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^SERVER\s+LIVE\s+HEARTBEAT\s+SHARDS/m);
    expect(text.stdout).toMatch(/^a\s+yes\s+\S+ \S+\s+32\s/m);
    expect(text.stdout).toMatch(/64 shards; every shard is held/);
  }, 300_000);
});
