/**
 * A chain server in two threads (issue 12; FOOTFALL_CHAIN_INGEST=worker, the default of `footfall serve`
 * with PostgreSQL and an external broker), with real processes on Debian's PostgreSQL and mosquitto:
 * the worker thread holds the shard leases and ingests, the main thread answers HTTP and live push and
 * holds no shard; `cluster status` shows the process once, with the front's URL; SIGTERM hands the
 * shards over and exits 0 without hanging; a worker that dies takes the process with it (non-zero);
 * FOOTFALL_CHAIN_INGEST=main keeps the one-thread server, and a wrong value is refused at start.
 * One scrape of the Prometheus listener shows both threads' figures (the front's live clients and
 * overview memo, the worker's events, receipts and commits), each name once, the same as main mode's.
 */
import pg from "pg";
import { io, type Socket } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { topics, type Occupancy } from "@footfall/core";
import { batchJson, connectMqtt, EventFactory, FootfallApi, footfall, footfallJson, freePort, smallLayout, waitFor } from "../support/index.js";
import { useChain } from "../support/chain.js";

const AGENT = "sim-1";
const STORES = ["worker-1", "worker-2"];

interface ClusterStatusJson {
  shards: number;
  servers: { id: string; live: boolean; shards: number[]; info: Record<string, unknown> }[];
  unowned: number[];
}

const chain = useChain({ name: "footfall-chain-worker", database: "footfall_chain_worker", stores: STORES, agent: AGENT });
const status = () => footfallJson<ClusterStatusJson>(["cluster", "status", "--json"], { env: chain.env() });

async function leaseOwners(): Promise<string[]> {
  const db = new pg.Client({ connectionString: chain.databaseUrl });
  await db.connect();
  try {
    return (await db.query<{ owner: string | null }>("SELECT DISTINCT owner FROM shard_leases WHERE expires_at > clock_timestamp() ORDER BY owner")).rows.map(
      (r) => r.owner ?? "-",
    );
  } finally {
    await db.end();
  }
}

/** A Prometheus scrape: its families (one `# TYPE` line each) and its samples by name and labels (`a_total{store="x"}`). */
async function scrape(url: string, token?: string): Promise<{ families: string[]; samples: Map<string, number> }> {
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  expect(res.status).toBe(200);
  const text = await res.text();
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return { families: [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!), samples };
}
/** The sum of a family's samples (every label set). */
const total = (samples: Map<string, number>, name: string) => [...samples].filter(([k]) => k === name || k.startsWith(`${name}{`)).reduce((n, [, v]) => n + v, 0);
/** The server's own families (not the process's or a thread's event loop, heap and GC). */
const serverFamilies = (families: string[]) => families.filter((f) => !f.startsWith("footfall_process_") && !f.startsWith("footfall_ingest_thread_")).sort();
/** What worker mode's scrape served (main mode's test compares). */
let workerFamilies: string[] | null = null;

/** Resolves with how the process ended, or rejects after `ms`. */
function exitWithin(s: { waitExit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> }, ms: number) {
  return Promise.race([
    s.waitExit(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the server did not exit within ${ms} ms`)), ms).unref()),
  ]);
}

describe("a chain server's ingest in a worker thread", () => {
  it("holds its shards in the worker (the main thread holds none, cluster status shows the process once with its HTTP URL), ingests and pushes live figures; SIGTERM hands the shards over and exits 0", async () => {
    const metricsPort = await freePort();
    const w = await chain.startServer("w", { FOOTFALL_LOG_LEVEL: "info", FOOTFALL_METRICS_PORT: String(metricsPort) });
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    const api = new FootfallApi(w.httpUrl, chain.admin);
    for (const store of STORES) await api.putLayout(store, smallLayout({ name: store }));
    let last: ClusterStatusJson | null = null;
    const s = await waitFor(
      "w to hold every shard, with its front's URL in its heartbeat",
      async () => {
        const s = (last = await status());
        const v = s.servers.find((x) => x.id === "w");
        return v?.live && v.shards.length === 64 && v.info.http === `http://localhost:${w.httpPort}` ? s : false;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nlast status: ${JSON.stringify(last)}\n--- w ---\n${w.output().slice(-4000)}`);
    });
    // One server, one id: the front never heartbeats and never takes a lease.
    expect(s.servers.map((v) => v.id)).toEqual(["w"]);
    expect(s.unowned).toEqual([]);
    expect(await leaseOwners()).toEqual(["w"]);
    expect(w.output()).toMatch(/ingest in a worker thread/);
    // The worker's young generation (FOOTFALL_CHAIN_WORKER_YOUNG_MB, default 192 MiB), as the worker thread got it.
    expect(w.output()).toMatch(/"youngGenerationMb":192\b.*ingest in a worker thread/);
    expect(w.output()).toMatch(/"half":"ingest".*"msg":"joined the chain"/);
    expect(w.output()).toMatch(/joined the chain as a front/);
    // Each half's "ready" line names its half once (the ingest thread's logger already carries it: a second key doubled it).
    const ready = w.output().split("\n").filter((l) => l.includes('"msg":"footfall server ready"'));
    expect(ready.map((l) => [...l.matchAll(/"half":"(\w+)"/g)].map((m) => m[1])).sort()).toEqual([["front"], ["ingest"]]);

    // A tablet on the front follows a store; its agent's events are ingested by the worker and reach the tablet.
    const staff = (await footfallJson<{ token: string }>(["token", "add", "--role", "staff"], { env: chain.env() })).token;
    const tablet: Socket = io(w.httpUrl, { transports: ["websocket"], auth: { token: staff }, reconnection: false });
    chain.onClose(() => void tablet.close());
    const pushes: Occupancy[] = [];
    tablet.on("occupancy", (o: Occupancy) => pushes.push(o));
    await new Promise<void>((resolve, reject) => {
      tablet.once("connect", resolve);
      tablet.once("connect_error", reject);
    });
    expect(await new Promise((resolve) => tablet.emit("join", STORES[0], resolve))).toEqual({ ok: true });
    const c = chain.creds.get(STORES[0]!)!;
    const agent = await connectMqtt(
      { url: chain.mosquitto.url, username: c.username, password: c.password },
      { clientId: `${STORES[0]}-${AGENT}`, clean: false },
    );
    chain.onClose(() => agent.endAsync(true).catch(() => {}));
    const f = new EventFactory(AGENT, "w");
    const events = [f.enter("v1", "entrance", Date.now() - 60_000), f.exit("v1", "entrance", Date.now() - 50_000), f.enter("v1", "fruit", Date.now() - 49_000)];
    await agent.publishAsync(topics.events(STORES[0]!, AGENT), batchJson(AGENT, events), { qos: 1 });
    await waitFor("the events to be accepted", async () => (await api.agents(STORES[0]!)).agents.find((a) => a.agent === AGENT)?.events === 3, {
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    await waitFor(
      "the tablet on the front to see the visitor in the fruit zone",
      () => pushes.some((o) => o.zones.some((z) => z.zone === "fruit" && z.occupancy === 1)),
      {
        timeoutMs: 10_000,
      },
    );

    // One scrape, both threads: the front's live clients and the worker's ingest, receipts and commits, each name once.
    const hour = 3_600_000;
    const to = Math.ceil(Date.now() / hour) * hour;
    expect((await api.request("GET", `/api/v1/overview?from=${new Date(to - 24 * hour).toISOString()}&to=${new Date(to).toISOString()}`)).status).toBe(200);
    const m = await scrape(metricsUrl);
    expect(m.families.length).toBe(new Set(m.families).size);
    expect(m.samples.get("footfall_live_clients")).toBe(1);
    expect(total(m.samples, "footfall_overview_memo_stores_total")).toBeGreaterThan(0);
    expect(m.samples.get(`footfall_events_accepted_total{store="${STORES[0]}"}`)).toBe(3);
    expect(m.samples.get("footfall_receipts_settled_total")).toBe(3);
    expect(m.samples.get("footfall_ingest_commit_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(m.samples.get("footfall_ingest_lag_seconds_count")).toBe(3);
    expect(m.samples.get("footfall_mqtt_connected")).toBe(1);
    expect(m.samples.get("footfall_commit_failing")).toBe(0);
    // The process's figures once (the front's), and the worker thread's own event loop and heap beside them.
    expect(m.samples.get("footfall_process_process_cpu_seconds_total")).toBeGreaterThan(0);
    expect(m.families).toContain("footfall_process_nodejs_eventloop_lag_seconds");
    expect(m.families).toContain("footfall_ingest_thread_nodejs_eventloop_lag_seconds");
    expect(m.samples.get("footfall_ingest_thread_nodejs_heap_size_used_bytes")).toBeGreaterThan(0);
    expect(m.families.filter((f) => f.startsWith("footfall_ingest_thread_process_"))).toEqual([]);
    // The API port's /metrics (admin) is the same scrape.
    expect((await scrape(`${w.httpUrl}/metrics`, chain.admin)).families).toEqual(m.families);
    workerFamilies = serverFamilies(m.families);
    // The figures move: more events, a reject, another tablet.
    await agent.publishAsync(topics.events(STORES[0]!, AGENT), batchJson(AGENT, [f.exit("v1", "fruit", Date.now() - 40_000)]), { qos: 1 });
    await agent.publishAsync(topics.events(STORES[0]!, AGENT), batchJson(AGENT, [f.enter("v2", "nowhere", Date.now() - 30_000)]), { qos: 1 });
    const second: Socket = io(w.httpUrl, { transports: ["websocket"], auth: { token: staff }, reconnection: false });
    chain.onClose(() => void second.close());
    await waitFor(
      "the scrape to count the fourth event, the reject and the second tablet",
      async () => {
        const n = (await scrape(metricsUrl)).samples;
        return (
          n.get(`footfall_events_accepted_total{store="${STORES[0]}"}`) === 4 &&
          n.get('footfall_events_rejected_total{reason="unknown_zone"}') === 1 &&
          n.get("footfall_live_clients") === 2
        );
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    second.close();
    // The Agents view on the front says why: the worker counted the reject.
    expect((await api.agents(STORES[0]!)).agents.find((a) => a.agent === AGENT)).toMatchObject({ rejects: 1, rejectReasons: { unknown_zone: 1 } });

    // SIGTERM: the worker hands its shards over, then HTTP closes; the process exits 0 by itself.
    const t0 = Date.now();
    process.kill(w.pid!, "SIGTERM");
    expect(await exitWithin(w, 30_000)).toEqual({ code: 0, signal: null });
    console.log(`chain worker: SIGTERM to exit ${Date.now() - t0} ms`);
    const after = await status();
    expect(after.servers.map((v) => v.id)).toEqual([]);
    expect(after.unowned.length).toBe(64);
  }, 120_000);

  it("exits non-zero when its ingest worker dies: never a front without ingest", async () => {
    // Long enough after the worker is ready for the front to start and answer on a loaded machine (8 s was not, once).
    const x = await chain.startServer("x", { FOOTFALL_TEST_INGEST_WORKER_THROW_AFTER_MS: "15000" });
    expect((await fetch(`${x.httpUrl}/api/v1/health`)).status).toBe(200);
    const exit = await exitWithin(x, 30_000);
    expect(exit.signal).toBeNull();
    expect(exit.code).not.toBe(0);
    expect(x.output()).toMatch(/the ingest worker thread stopped: this server exits so that its supervisor starts it again/);
    expect(x.output()).toMatch(/fails on purpose/);
  }, 90_000);

  it("FOOTFALL_CHAIN_INGEST=main keeps the one-thread server; a wrong value is refused at start", async () => {
    const metricsPort = await freePort();
    const m = await chain.startServer("m", { FOOTFALL_CHAIN_INGEST: "main", FOOTFALL_LOG_LEVEL: "info", FOOTFALL_METRICS_PORT: String(metricsPort) });
    await waitFor("m to hold every shard", async () => (await status()).servers.find((v) => v.id === "m" && v.live)?.shards.length === 64, {
      timeoutMs: 40_000,
      intervalMs: 250,
    });
    expect(m.output()).not.toMatch(/worker thread/);
    expect(m.output()).not.toMatch(/"half":/);
    // The same names as worker mode's scrape (besides the worker thread's own event loop and heap).
    const scraped = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(scraped.families.length).toBe(new Set(scraped.families).size);
    expect(scraped.families.filter((f) => f.startsWith("footfall_ingest_thread_"))).toEqual([]);
    if (workerFamilies) expect(serverFamilies(scraped.families)).toEqual(workerFamilies);
    // A second server under m's id (FOOTFALL_SERVER_ID copied to another machine) is refused before it connects anything;
    // before, it took m's MQTT client ids (each kicking the other off every second: both unhealthy) and, stopped, handed m's shards over.
    const twin = await footfall(["serve"], { env: { ...chain.env(), FOOTFALL_MQTT_URL: chain.mosquitto.url, FOOTFALL_SERVER_ID: "m", FOOTFALL_METRICS_PORT: "off" } });
    expect(twin.code).not.toBe(0);
    expect(twin.stderr).toMatch(/footfall: a server named "m" is already running in this chain \(heartbeat [\d.]+ s ago, http:\/\/.*\): give each server its own FOOTFALL_SERVER_ID/);
    expect(m.output()).not.toMatch(/reconnecting to the MQTT broker/);
    expect((await status()).servers.find((v) => v.id === "m" && v.live)?.shards.length).toBe(64);
    process.kill(m.pid!, "SIGTERM");
    expect(await exitWithin(m, 30_000)).toEqual({ code: 0, signal: null });

    const bad = await footfall(["serve"], { env: { ...chain.env(), FOOTFALL_MQTT_URL: chain.mosquitto.url, FOOTFALL_CHAIN_INGEST: "thread" } });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/FOOTFALL_CHAIN_INGEST="thread" must be "worker".*or "main"/);
    const young = await footfall(["serve"], { env: { ...chain.env(), FOOTFALL_MQTT_URL: chain.mosquitto.url, FOOTFALL_CHAIN_WORKER_YOUNG_MB: "lots" } });
    expect(young.code).not.toBe(0);
    expect(young.stderr).toMatch(/FOOTFALL_CHAIN_WORKER_YOUNG_MB="lots" must be an integer between 0 and 4096/);
    // The worker's turn is refused under its own name (before: "FOOTFALL_PG_TURN_MS must be ..., not \"fast\"", a variable not set).
    const turn = await footfall(["serve"], { env: { ...chain.env(), FOOTFALL_MQTT_URL: chain.mosquitto.url, FOOTFALL_CHAIN_WORKER_TURN_MS: "fast" } });
    expect(turn.code).not.toBe(0);
    expect(turn.stderr).toMatch(/footfall: FOOTFALL_CHAIN_WORKER_TURN_MS must be a number of milliseconds from 1 to 1000 .*not "fast"/);
    expect(turn.stderr).not.toMatch(/FOOTFALL_PG_TURN_MS must/);
  }, 120_000);

  it("a worker that cannot start says why in the one line a one-thread server's start says it, without its stack", async () => {
    // The broker answers, but refuses the server's login: the worker's error is the start's error.
    const env = { ...chain.env(), FOOTFALL_MQTT_URL: chain.mosquitto.url, FOOTFALL_MQTT_USERNAME: "footfall-server", FOOTFALL_MQTT_PASSWORD: "wrong", FOOTFALL_LOG_LEVEL: "info" };
    const t0 = Date.now();
    const worker = await footfall(["serve"], { env: { ...env, FOOTFALL_METRICS_PORT: "off", FOOTFALL_HTTP_PORT: String(await freePort()) } });
    expect(worker.code).toBe(1);
    const line = `footfall: the MQTT broker at ${chain.mosquitto.url} refused the server's login (Connection refused: Not authorized): check FOOTFALL_MQTT_USERNAME and FOOTFALL_MQTT_PASSWORD`;
    expect(worker.stderr.trim().split("\n").at(-1)).toContain(line);
    expect(worker.stderr + worker.stdout).not.toMatch(/before it was ready|see the log above|"stack"|\bat .*\.js:\d+/);
    // At once: the broker answered, nothing is waited for.
    expect(Date.now() - t0).toBeLessThan(9_000);
    // The same line in main mode.
    const main = await footfall(["serve"], { env: { ...env, FOOTFALL_CHAIN_INGEST: "main", FOOTFALL_METRICS_PORT: "off", FOOTFALL_HTTP_PORT: String(await freePort()) } });
    expect(main.code).toBe(1);
    expect(main.stderr.trim().split("\n").at(-1)).toContain(line);
  }, 60_000);
});
