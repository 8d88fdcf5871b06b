/**
 * A chain (Debian's PostgreSQL and mosquitto, two `footfall serve`): the servers' LISTEN connections are cut (as a
 * PostgreSQL restart cuts them) and an alert change on the server that ingests the store is announced while the other
 * server does not listen: that notice is lost. When the other server listens again, its viewers' alerts-only links
 * (/alerts, the web app's header) get the store's alerts read again. Before, the reconnection reloaded layouts only:
 * the header showed the alert as before until the store's next change (at night, the morning), or here (the alerts-only
 * round made ten minutes long with FOOTFALL_TEST_ALERTS_ONLY_READ_MS) never within the test.
 */
import pg from "pg";
import { io, type Socket } from "socket.io-client";
import { beforeAll, describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import type { MqttClient } from "mqtt";
import type { LiveAlerts } from "../../server/src/alerts/live.js";
import { shardOf } from "../../server/src/cluster/shards.js";
import { batchJson, connectMqtt, EventFactory, FootfallApi, requireTool, waitFor } from "../support/index.js";
import { CHAIN_SHARDS, storesInShardHalves, useChain } from "../support/chain.js";

const AGENT = "cam-1";
const [STORE] = storesInShardHalves("rs");
/** The other server's alerts-only round (ms): longer than the whole file, so no push in it comes from that round. */
const ROUND_MS = 600_000;
const chain = useChain({ name: "footfall-chain-alerts-resync", database: "footfall_chain_alerts_resync", stores: [STORE!], agent: AGENT });
let agent: MqttClient;
let viewer = "";
let db: pg.Client;

const statusOf = (state: "online" | "offline") => JSON.stringify({ state, ts: Date.now(), kind: "camera", version: "1.0.0" });
/** The servers' LISTEN connections (cluster/bus.ts): pid and when each began (epoch ms). */
const listeners = async () =>
  (await db.query<{ pid: number; started: string }>("SELECT pid, (extract(epoch FROM backend_start) * 1000)::bigint AS started FROM pg_stat_activity WHERE application_name = 'footfall-listen'")).rows.map((r) => ({
    pid: r.pid,
    started: Number(r.started),
  }));

beforeAll(async () => {
  requireTool("mosquitto");
  await chain.startTwoServers({ FOOTFALL_TEST_ALERTS_ONLY_READ_MS: String(ROUND_MS) });
  db = new pg.Client({ connectionString: chain.databaseUrl });
  await db.connect();
  chain.onClose(() => db.end());
  const api = new FootfallApi(chain.servers.get("a")!.httpUrl, chain.admin);
  const rule = await api.request("PUT", `/api/v1/stores/${STORE}/alert-rules/fruit-full`, { kind: "occupancy", zone: "fruit", threshold: 1, forSeconds: 0, cooldownSeconds: 0, enabled: true });
  expect(rule.status).toBe(200);
  agent = await connectMqtt({ url: chain.mosquitto.url, ...chain.creds.get(STORE!)! });
  chain.onClose(() => agent.endAsync());
  await agent.publishAsync(topics.status(STORE!, AGENT), statusOf("online"), { qos: 1, retain: true });
  viewer = (await api.request<{ token: string }>("POST", "/api/v1/tokens", { role: "viewer", label: "area manager" })).body.token;
}, 180_000);

describe("a chain server's LISTEN connection back after a gap", () => {
  it("pushes the store's alerts to its alerts-only links again: an alert change announced during the gap is not lost", async () => {
    const held = await chain.held();
    const holder = held.a?.includes(shardOf(STORE!, CHAIN_SHARDS)) ? "a" : "b";
    const other = holder === "a" ? "b" : "a";
    /** A viewer's header on `server`: every `alerts` it got, with when. */
    const header = async (server: string): Promise<{ at: number; alerts: LiveAlerts }[]> => {
      const socket: Socket = io(`${chain.servers.get(server)!.httpUrl}/alerts`, { auth: { token: viewer }, transports: ["websocket"], reconnection: false, forceNew: true });
      chain.onClose(() => socket.close());
      const got: { at: number; alerts: LiveAlerts }[] = [];
      socket.on("alerts", (a: LiveAlerts) => got.push({ at: Date.now(), alerts: a }));
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", reject);
      });
      expect(await new Promise((resolve) => socket.emit("join", STORE, resolve)), server).toEqual({ ok: true });
      await waitFor(`the alerts at the join on ${server}`, () => got.length > 0, { timeoutMs: 10_000 });
      return got;
    };
    const onHolder = await header(holder);
    const got = await header(other);
    const fruit = (a: LiveAlerts) => a.alerts.find((x) => x.ruleId === "fruit-full");
    const holderApi = new FootfallApi(chain.servers.get(holder)!.httpUrl, chain.admin);
    const events = new EventFactory(AGENT, STORE!);
    // Each server's processes (its HTTP half and its ingest half) listen each on a connection of their own.
    const listening = (await listeners()).length;
    expect(listening).toBeGreaterThanOrEqual(2);

    // Each round: six people in the fruit zone (capacity 5) fire the alert, which both headers get (every process
    // listening); every LISTEN connection is cut and the alert acknowledged on the holder at once, which announces it.
    // A round counts when no LISTEN connection was back before the holder's header got the acknowledgement (its notice
    // was sent then): the other server could not hear it. Then the six leave (resolved) for the next round.
    let checked = 0;
    for (let round = 0; round < 5 && checked === 0; round++) {
      await waitFor("every LISTEN connection back", async () => (await listeners()).length === listening, { timeoutMs: 30_000, intervalMs: 100 });
      await agent.publishAsync(topics.events(STORE!, AGENT), batchJson(AGENT, Array.from({ length: 6 }, (_, i) => events.enter(`r${round}v${i}`, "fruit", Date.now() - 200 + i))), { qos: 1 });
      const fired = await waitFor(`fired on ${other}`, () => got.find((g) => fruit(g.alerts)?.state === "firing")?.alerts, { timeoutMs: 20_000 });
      const alertId = fruit(fired)!.id;
      await waitFor(`fired on ${holder}`, () => onHolder.find((g) => fruit(g.alerts)?.id === alertId), { timeoutMs: 20_000 });
      const acked = (a: LiveAlerts) => fruit(a)?.id === alertId && fruit(a)?.state === "acknowledged";
      const from = got.length;
      const fromHolder = onHolder.length;
      const cut = (await db.query<{ pid: number }>("SELECT pid, pg_terminate_backend(pid) AS cut FROM pg_stat_activity WHERE application_name = 'footfall-listen'")).rows.map((r) => r.pid);
      expect(cut).toHaveLength(listening);
      expect((await holderApi.request("POST", `/api/v1/stores/${STORE}/alerts/${alertId}/ack`, {})).status).toBe(200);
      const h = await waitFor(`acknowledged on ${holder}`, () => onHolder.slice(fromHolder).find((g) => acked(g.alerts)), { timeoutMs: 20_000 });
      const back = (await listeners()).filter((l) => !cut.includes(l.pid));
      if (back.some((l) => l.started <= h.at + 200)) {
        // A LISTEN connection was back in time: the notice may have been heard. Not a round.
        console.log(`round ${round}: a LISTEN connection was back ${h.at - Math.min(...back.map((l) => l.started))} ms before the acknowledgement's push; again`);
        await waitFor(`round ${round} settled on ${other}`, () => got.slice(from).find((g) => acked(g.alerts)), { timeoutMs: 20_000 }).catch(() => undefined);
      } else {
        // The notice went while the other server did not listen: its reconnection must push the alerts again.
        const p = await waitFor(`acknowledged pushed to ${other}'s /alerts socket after its LISTEN came back`, () => got.slice(from).find((g) => acked(g.alerts)), { timeoutMs: 30_000 });
        expect(p.at - h.at).toBeLessThan(ROUND_MS);
        checked++;
      }
      // Resolved: the six leave.
      const fromResolved = got.length;
      await agent.publishAsync(topics.events(STORE!, AGENT), batchJson(AGENT, Array.from({ length: 6 }, (_, i) => events.exit(`r${round}v${i}`, "fruit", Date.now() - 100 + i))), { qos: 1 });
      await waitFor(`resolved on ${other}`, () => got.slice(fromResolved).find((g) => fruit(g.alerts) === undefined), { timeoutMs: 20_000 });
    }
    expect(checked, "a round whose notice went while nobody listened").toBe(1);
  }, 240_000);
});
