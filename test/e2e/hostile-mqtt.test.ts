/**
 * Hostile MQTT input against the real `footfall serve` process: its embedded broker, then Debian's
 * `mosquitto` in front of it. Each attack (deep nesting in events, statuses and wills; an oversized
 * CONNECT and a 10 MB status; poison timestamps; foreign ids; MAC-shaped visitor ids; a client-id
 * takeover; a wrong-password flood; a 500-agent reconnect storm) is followed by the same checks:
 * the server is alive, good events published just before and after it were stored exactly once,
 * and an honest agent that published throughout never lost its connection.
 * Latencies are printed, never asserted (test/bench/mqtt-storm.mjs measures them).
 */
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { MqttClient } from "mqtt";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIMITS, topics } from "@footfall/core";
import { openStorage } from "../../server/src/storage.js";
import {
  addAgent,
  addToken,
  batchJson,
  brokerConfig,
  connectMqtt,
  EventFactory,
  FootfallApi,
  metricValue,
  Mosquitto,
  requireTool,
  ServerProcess,
  sleep,
  smallLayout,
  tempDir,
  waitFor,
  type AgentCredentials,
  type BrokerLogin,
} from "../support/index.js";

const STORE = "hostile";
const MIN = 60_000;
const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
const statusOf = (extra: string) => `{"state":"online","ts":${Date.now()},"kind":"camera","version":"1.0.0",${extra}}`;

/** An agent publishing a batch of fresh events every 20 ms for the whole suite, counting every disconnection. */
class HonestAgent {
  readonly acked = new Set<string>();
  closes = 0;
  private readonly f: EventFactory;
  private running = false;
  private loop: Promise<void> | null = null;
  private client: MqttClient | null = null;
  constructor(
    private readonly login: BrokerLogin,
    readonly agent: string,
  ) {
    this.f = new EventFactory(agent);
  }
  async start(): Promise<void> {
    this.client = await connectMqtt(this.login, { clientId: `${STORE}-${this.agent}`, clean: false, reconnectPeriod: 200 });
    this.client.on("close", () => this.closes++);
    this.running = true;
    this.loop = (async () => {
      let n = 0;
      while (this.running) {
        const events = [0, 1, 2, 3].map((i) => this.f.enter(`h-${n}-${i}`, "fruit", Date.now() - 1000));
        n++;
        await this.client!.publishAsync(topics.events(STORE, this.agent), batchJson(this.agent, events), { qos: 1 });
        for (const e of events) this.acked.add(e.id);
        await sleep(20);
      }
    })();
  }
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.client?.endAsync();
  }
}

/** The process's resident memory in MiB (Linux). */
function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) / 1024;
}

/** A raw TCP client whose CONNECT announces `announcedBytes` and then streams up to `sendBytes`: resolves with whether the server closed it. */
async function oversizedConnect(port: number, announcedBytes = 150 * 1024 * 1024, sendBytes = 24 * 1024 * 1024): Promise<{ closed: boolean; written: number }> {
  const socket = tcpConnect(port, "127.0.0.1");
  socket.on("error", () => {});
  let closed = false;
  socket.on("close", () => (closed = true));
  await once(socket, "connect");
  const len: number[] = [];
  let n = announcedBytes;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    len.push(b);
  } while (n > 0);
  // CONNECT, then the start of its variable header (protocol "MQTT", level 4), then filler.
  socket.write(Buffer.from([0x10, ...len, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0xc2, 0, 60]));
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let written = 0;
  while (!closed && written < sendBytes) {
    if (!socket.write(chunk)) {
      await new Promise<void>((resolve) => {
        socket.once("drain", resolve);
        socket.once("close", resolve);
        setTimeout(resolve, 2000);
      });
    }
    written += chunk.length;
  }
  await waitFor("the server to close the socket", () => closed, { timeoutMs: 5000 }).catch(() => undefined);
  socket.destroy();
  return { closed, written };
}

/** An mqtt.js client that connects once (no reconnects); resolves with the CONNACK error code, or 0 when it got in. */
function tryConnect(url: string, opts: mqtt.IClientOptions): Promise<{ code: number; client: MqttClient }> {
  const client = mqtt.connect(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10_000, ...opts });
  return new Promise((resolve) => {
    client.once("connect", () => resolve({ code: 0, client }));
    client.once("error", (err) => resolve({ code: (err as Error & { code?: number }).code ?? -1, client }));
    client.once("close", () => resolve({ code: -1, client }));
  });
}

/** GET /api/v1/health every 20 ms while `during` runs: the latencies seen (ms) and whether every answer came. */
async function healthWhile(httpUrl: string, during: Promise<unknown>): Promise<{ latencies: number[]; allAnswered: boolean }> {
  const latencies: number[] = [];
  let allAnswered = true;
  let done = false;
  void during.finally(() => (done = true));
  while (!done) {
    const t = performance.now();
    const res = await fetch(`${httpUrl}/api/v1/health`).catch(() => null);
    if (!res || res.status !== 200) allAnswered = false;
    latencies.push(performance.now() - t);
    await sleep(20);
  }
  await during;
  return { latencies, allAnswered };
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))] ?? NaN;
const describeLatency = (xs: number[]) => `n=${xs.length} p50=${pct(xs, 0.5).toFixed(1)} ms p99=${pct(xs, 0.99).toFixed(1)} ms max=${Math.max(...xs).toFixed(1)} ms`;

/** What every attack is checked against: markers, the honest agent, the server. */
function checks(ctx: () => { server: ServerProcess; api: FootfallApi; honest: HonestAgent; login: (agent: string) => BrokerLogin }) {
  const marker = new EventFactory("cam-m");
  const markers = new Set<string>();
  let markerClient: MqttClient | null = null;
  const agentRow = async (agent: string) => (await ctx().api.agents(STORE)).agents.find((a) => a.agent === agent);
  return {
    markers,
    agentRow,
    /** cam-m publishes one good batch and it is acknowledged (the embedded broker acknowledges after the commit). */
    async publishMarker(label: string): Promise<void> {
      markerClient ??= await connectMqtt(ctx().login("cam-m"), { clientId: `${STORE}-cam-m` });
      const events = [marker.enter(`m-${label}`, "bakery", Date.now() - 2000), marker.exit(`m-${label}`, "bakery", Date.now() - 1000)];
      await markerClient.publishAsync(topics.events(STORE, "cam-m"), batchJson("cam-m", events), { qos: 1 });
      for (const e of events) markers.add(e.id);
    },
    /** Alive, markers stored exactly once, the honest agent's acknowledged events all stored, and it never disconnected. */
    async expectUnharmed(): Promise<void> {
      const { server, api, honest } = ctx();
      expect(server.running).toBe(true);
      expect(await api.health()).toMatchObject({ status: "ok" });
      await waitFor(`the ${markers.size} marker events stored`, async () => (await agentRow("cam-m"))?.events === markers.size, { timeoutMs: 15_000 });
      const m = (await agentRow("cam-m"))!;
      expect({ events: m.events, duplicates: m.duplicates }).toEqual({ events: markers.size, duplicates: 0 });
      const acked = honest.acked.size;
      await waitFor(`the honest agent's ${acked} acknowledged events stored`, async () => ((await agentRow(honest.agent))?.events ?? 0) >= acked, { timeoutMs: 15_000 });
      expect(honest.closes).toBe(0);
    },
    async close(): Promise<void> {
      await markerClient?.endAsync();
    },
  };
}

describe("hostile MQTT input, embedded broker", () => {
  let server: ServerProcess;
  let api: FootfallApi;
  let honest: HonestAgent;
  const agents: Record<string, AgentCredentials> = {};
  const login = (agent: string): BrokerLogin => ({ url: server.mqttUrl, username: agents[agent]!.username, password: agents[agent]!.password });
  const c = checks(() => ({ server, api, honest, login }));
  const metrics = () => api.metrics();
  const rejected = async (reason: string) => metricValue(await metrics(), "footfall_events_rejected_total", { reason });
  let attacker: MqttClient;

  beforeAll(async () => {
    server = await ServerProcess.start();
    for (const cred of await Promise.all(["cam-h", "cam-m", "cam-x"].map((a) => addAgent(server.dataDir, STORE, a, "camera")))) agents[cred.agent] = cred;
    api = new FootfallApi(server.httpUrl, await addToken(server.dataDir, "admin"));
    await api.putLayout(STORE, smallLayout());
    honest = new HonestAgent(login("cam-h"), "cam-h");
    await honest.start();
    attacker = await connectMqtt(login("cam-x"), { clientId: `${STORE}-cam-x` });
  }, 60_000);
  afterAll(async () => {
    await attacker?.endAsync();
    await c.close();
    await honest?.stop();
    await server?.dispose();
  });

  it("rejects events nested 20,000 deep as too_deep, without parsing them", async () => {
    await c.publishMarker("deep-events-before");
    await attacker.publishAsync(topics.events(STORE, "cam-x"), `{"agent":"cam-x","events":[${deep(20_000)}]}`, { qos: 1 });
    await attacker.publishAsync(topics.events(STORE, "cam-x"), `{"agent":"cam-x","events":[{"type":"enter","id":"cam-x:1","ts":${Date.now()},"zone":"fruit","visitor":${deep(30)}}]}`, { qos: 1 });
    await c.publishMarker("deep-events-after");
    expect(await rejected("too_deep")).toBe(2);
    await c.expectUnharmed();
  });

  it("rejects a deep status (and an oversized one) without storing or retaining it", async () => {
    await c.publishMarker("deep-status-before");
    await attacker.publishAsync(topics.status(STORE, "cam-x"), statusOf(`"m":${deep(5_000)}`), { qos: 1, retain: true });
    await attacker.publishAsync(topics.status(STORE, "cam-x"), statusOf(`"m":${deep(20_000)}`), { qos: 1, retain: true });
    await attacker.publishAsync(topics.status(STORE, "cam-x"), statusOf(`"nested":{"a":1}`), { qos: 1, retain: true });
    await c.publishMarker("deep-status-after");
    expect(await rejected("too_deep")).toBe(3);
    expect(await rejected("oversized")).toBe(1);
    expect(await rejected("schema")).toBe(1);
    expect((await c.agentRow("cam-x"))!.lastStatusTs).toBeNull();
    await c.expectUnharmed();
  });

  it("rejects a deep last will as too_deep when its agent drops off", async () => {
    const before = await rejected("too_deep");
    const { client } = await tryConnect(server.mqttUrl, {
      ...login("cam-x"),
      clientId: `${STORE}-cam-x-will`,
      will: { topic: topics.status(STORE, "cam-x"), payload: Buffer.from(statusOf(`"m":${deep(5_000)}`)), qos: 1, retain: true },
    });
    (client.stream as { destroy(): void }).destroy(); // not a clean DISCONNECT: the broker publishes the will
    client.end(true);
    await waitFor("the will to be rejected", async () => (await rejected("too_deep")) === before + 1, { timeoutMs: 10_000 });
    await c.publishMarker("deep-will-after");
    await c.expectUnharmed();
  });

  it("closes a connection whose CONNECT announces 150 MB at its header, before authentication, without buffering it", async () => {
    await c.publishMarker("connect-before");
    const rssBefore = rssMiB(server.pid!);
    const attempts = await Promise.all([1, 2, 3].map(() => oversizedConnect(server.mqttPort)));
    const rssAfter = rssMiB(server.pid!);
    console.log(`oversized CONNECT x3: server RSS ${rssBefore.toFixed(1)} -> ${rssAfter.toFixed(1)} MiB; bytes sent before the close: ${attempts.map((a) => a.written).join(", ")}`);
    for (const a of attempts) expect(a.closed).toBe(true);
    expect(rssAfter - rssBefore).toBeLessThan(16);
    await c.publishMarker("connect-after");
    await c.expectUnharmed();
  }, 30_000);

  it("closes an agent's connection that sends a 10 MB status, counts it as oversized, and stores nothing", async () => {
    const before = await rejected("oversized");
    const rssBefore = rssMiB(server.pid!);
    const { client } = await tryConnect(server.mqttUrl, { ...login("cam-x"), clientId: `${STORE}-cam-x-big` });
    client.on("error", () => {});
    client.publish(topics.status(STORE, "cam-x"), statusOf(`"pad":"${"x".repeat(10 * 1024 * 1024)}"`), { qos: 1, retain: true });
    await waitFor("the broker to close the connection", () => client.disconnected || !client.connected, { timeoutMs: 10_000 });
    client.end(true);
    expect(await rejected("oversized")).toBe(before + 1);
    expect(rssMiB(server.pid!) - rssBefore).toBeLessThan(16);
    expect((await c.agentRow("cam-x"))!.lastStatusTs).toBeNull();
    await c.publishMarker("big-status-after");
    await c.expectUnharmed();
  }, 30_000);

  it("rejects poison timestamps as schema, acknowledges the message and stores the good events beside them", async () => {
    const f = new EventFactory("cam-x", "poison");
    const good = f.enter("x-good", "fruit", Date.now() - MIN);
    const bad = [9e15, 1e300, -1, "NaN", "Infinity", 1.5].map((ts) => ({ ...f.enter("x-bad", "fruit", 0), ts }));
    const before = await rejected("schema");
    await c.publishMarker("poison-before");
    // Acknowledged (publishAsync resolves), so a persistent session never redelivers it.
    await attacker.publishAsync(topics.events(STORE, "cam-x"), batchJson("cam-x", [...bad, good]), { qos: 1 });
    await c.publishMarker("poison-after");
    expect(await rejected("schema")).toBe(before + bad.length);
    expect((await c.agentRow("cam-x"))!.events).toBe(1);
    await c.expectUnharmed();
  });

  it("rejects another agent's event ids as foreign_id: the owner's events with those ids are stored later", async () => {
    const stolen = new EventFactory("cam-m", "stolen").enter("x-stolen", "fruit", Date.now() - MIN);
    await c.publishMarker("foreign-before");
    await attacker.publishAsync(topics.events(STORE, "cam-x"), batchJson("cam-x", [stolen, { ...stolen, id: `cam-h:${"9".repeat(9)}` }]), { qos: 1 });
    expect(await rejected("foreign_id")).toBe(2);
    // The real owner publishes an event with the id the attacker tried to take first.
    const m = await connectMqtt(login("cam-m"), { clientId: `${STORE}-cam-m-2` });
    await m.publishAsync(topics.events(STORE, "cam-m"), batchJson("cam-m", [stolen]), { qos: 1 });
    await m.endAsync();
    c.markers.add(stolen.id);
    await c.publishMarker("foreign-after");
    await c.expectUnharmed();
  });

  it("rejects MAC-, e-mail- and phone-shaped visitor ids as personal_id and stores none of them", async () => {
    const f = new EventFactory("cam-x", "mac");
    const visitors = ["00:1A:2B:3C:4D:5E", "00-1a-2b-3c-4d-5e", "001a.2b3c.4d5e", "ble-001a2b3c4d5e", "jane@example.org", "+33 6 12 34 56 78"];
    const eventsBefore = (await c.agentRow("cam-x"))!.events;
    await c.publishMarker("mac-before");
    await attacker.publishAsync(topics.events(STORE, "cam-x"), batchJson("cam-x", visitors.map((v) => f.enter(v, "fruit", Date.now() - MIN))), { qos: 1 });
    await c.publishMarker("mac-after");
    expect(await rejected("personal_id")).toBe(visitors.length);
    expect((await c.agentRow("cam-x"))!.events).toBe(eventsBefore);
    await c.expectUnharmed();
  });

  it("refuses another agent's client id with CONNACK 2 (identifier rejected): the owner stays connected", async () => {
    await c.publishMarker("takeover-before");
    const takeover = await tryConnect(server.mqttUrl, { ...login("cam-x"), clientId: `${STORE}-cam-h` });
    takeover.client.end(true);
    expect(takeover.code).toBe(2);
    // Nor can it take the id the marker agent is connected with.
    const second = await tryConnect(server.mqttUrl, { ...login("cam-x"), clientId: `${STORE}-cam-m` });
    second.client.end(true);
    expect(second.code).toBe(2);
    await c.publishMarker("takeover-after");
    await c.expectUnharmed();
  });

  it("survives 300 wrong passwords for the honest agent's user name, refusing most without running the KDF", async () => {
    await c.publishMarker("flood-before");
    const flood = (async () => {
      const codes: number[] = [];
      for (let wave = 0; wave < 6; wave++) {
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => tryConnect(server.mqttUrl, { username: agents["cam-h"]!.username, password: `guess-${wave}-${i}`, clientId: `flood-${wave}-${i}` })),
        );
        for (const r of results) {
          r.client.end(true);
          codes.push(r.code);
        }
      }
      return codes;
    })();
    const health = await healthWhile(server.httpUrl, flood);
    console.log(`wrong-password flood (300 attempts): /health ${describeLatency(health.latencies)}`);
    expect((await flood).every((code) => code === 4)).toBe(true);
    expect(health.allAnswered).toBe(true);
    await c.publishMarker("flood-after");
    await c.expectUnharmed();
  }, 60_000);

  it("takes a storm of 500 agents connecting at once, then reconnecting at once, while /health keeps answering", async () => {
    // 500 more agents, written by a second connection to the server's database (as `footfall agent add` does).
    const storage = await openStorage(server.dataDir);
    const creds: Array<Awaited<ReturnType<typeof storage.agents.add>>> = [];
    for (let i = 0; i < 500; i++) creds.push(await storage.agents.add(STORE, `s-${i}`, "sim", Date.now()));
    await storage.close();
    // Cold, 500 PBKDF2 checks share the thread pool (seconds on a busy 2-core machine): a patient connect timeout.
    const connectAll = () =>
      Promise.all(creds.map((cr) => tryConnect(server.mqttUrl, { username: cr.username, password: cr.password, clientId: `${STORE}-${cr.agent}`, connectTimeout: 60_000 })));
    await c.publishMarker("storm-before");
    for (const round of ["first connection (passwords checked)", "reconnection (remembered)"]) {
      const storm = connectAll();
      const health = await healthWhile(server.httpUrl, storm);
      const clients = await storm;
      const codes = clients.reduce<Record<number, number>>((m, r) => ({ ...m, [r.code]: (m[r.code] ?? 0) + 1 }), {});
      console.log(`storm of 500 agents, ${round}: CONNACK codes ${JSON.stringify(codes)} (-1: no answer); /health ${describeLatency(health.latencies)}`);
      expect(clients.every((r) => r.code === 0)).toBe(true);
      expect(health.allAnswered).toBe(true);
      await Promise.all(clients.map((r) => r.client.endAsync()));
    }
    await c.publishMarker("storm-after");
    await c.expectUnharmed();
  }, 120_000);

  it("stored every acknowledged event of the honest agent exactly once, and it never disconnected", async () => {
    await honest.stop();
    const row = (await c.agentRow("cam-h"))!;
    expect({ events: row.events, duplicates: row.duplicates, rejects: row.rejects }).toEqual({ events: honest.acked.size, duplicates: 0, rejects: 0 });
    expect(honest.closes).toBe(1); // its own clean end, just now
    expect(row.events).toBeGreaterThan(100);
    expect(LIMITS.maxJsonDepth).toBe(16);
  });
});

describe("hostile MQTT input through Debian's mosquitto", () => {
  const dataDir = tempDir("footfall-hostile-");
  const serverUser = { username: "footfall-server", password: randomBytes(12).toString("hex") };
  let mosquitto: Mosquitto;
  let server: ServerProcess;
  let api: FootfallApi;
  let honest: HonestAgent;
  const agents: Record<string, AgentCredentials> = {};
  const login = (agent: string): BrokerLogin => ({ url: mosquitto.url, username: agents[agent]!.username, password: agents[agent]!.password });
  const c = checks(() => ({ server, api, honest, login }));
  const rejected = async (reason: string) => metricValue(await api.metrics(), "footfall_events_rejected_total", { reason });

  beforeAll(async () => {
    requireTool("mosquitto");
    for (const cred of await Promise.all(["cam-h", "cam-m", "cam-x"].map((a) => addAgent(dataDir.path, STORE, a, "camera")))) agents[cred.agent] = cred;
    const files = await brokerConfig(dataDir.path, join(dataDir.path, "mosquitto"), serverUser);
    mosquitto = await Mosquitto.start({ passwordFile: files.passwd, aclFile: files.acl });
    server = await ServerProcess.start({ dataDir: dataDir.path, mqttUrl: mosquitto.url, mqttUsername: serverUser.username, mqttPassword: serverUser.password });
    api = new FootfallApi(server.httpUrl, await addToken(dataDir.path, "admin"));
    await api.putLayout(STORE, smallLayout());
    honest = new HonestAgent(login("cam-h"), "cam-h");
    await honest.start();
  }, 60_000);
  afterAll(async () => {
    await c.close();
    await honest?.stop();
    await server?.dispose();
    await mosquitto?.dispose();
    dataDir.remove();
  });

  it("survives retained deep and oversized statuses, and a deep last will, at every restart", async () => {
    const attacker = await connectMqtt(login("cam-x"), { clientId: `${STORE}-cam-x` });
    await c.publishMarker("retained-before");
    await attacker.publishAsync(topics.status(STORE, "cam-x"), statusOf(`"m":${deep(5_000)}`), { qos: 1, retain: true });
    await waitFor("the retained deep status to be rejected", async () => (await rejected("too_deep")) === 1, { timeoutMs: 10_000 });
    await attacker.endAsync();
    const { client } = await tryConnect(mosquitto.url, {
      ...login("cam-x"),
      clientId: `${STORE}-cam-x-will`,
      will: { topic: topics.status(STORE, "cam-x"), payload: Buffer.from(statusOf(`"m":${deep(20_000)}`)), qos: 1, retain: true },
    });
    (client.stream as { destroy(): void }).destroy();
    client.end(true);
    await waitFor("the oversized will to be rejected", async () => (await rejected("oversized")) === 1, { timeoutMs: 10_000 });
    for (let restart = 1; restart <= 2; restart++) {
      await server.restart();
      // The retained poison is delivered again at the new subscription: rejected again, and the server carries on.
      await waitFor(`the retained poison rejected after restart ${restart}`, async () => (await rejected("oversized")) >= 1, { timeoutMs: 10_000 });
      await c.publishMarker(`retained-after-${restart}`);
      await c.expectUnharmed();
    }
    expect((await c.agentRow("cam-x"))!.lastStatusTs).toBeNull();
  }, 90_000);

  it("refuses a 10 MB status and a CONNECT announcing 150 MB at the broker (max_packet_size), and stays up", async () => {
    await c.publishMarker("mosquitto-big-before");
    const { client, code } = await tryConnect(mosquitto.url, { ...login("cam-x"), clientId: `${STORE}-cam-x-big` });
    expect(code).toBe(0);
    client.on("error", () => {});
    client.publish(topics.status(STORE, "cam-x"), statusOf(`"pad":"${"x".repeat(10 * 1024 * 1024)}"`), { qos: 1, retain: true });
    await waitFor("mosquitto to drop the connection", () => !client.connected, { timeoutMs: 10_000 });
    client.end(true);
    const attempt = await oversizedConnect(mosquitto.port);
    expect(attempt.closed).toBe(true);
    await c.publishMarker("mosquitto-big-after");
    await c.expectUnharmed();
    expect((await c.agentRow("cam-x"))!.lastStatusTs).toBeNull();
  }, 30_000);

  it("rejects deep events, poison timestamps, foreign ids and MAC-shaped visitors that come through mosquitto", async () => {
    const attacker = await connectMqtt(login("cam-x"), { clientId: `${STORE}-cam-x` });
    const f = new EventFactory("cam-x", "via-mosquitto");
    await c.publishMarker("mixed-before");
    await attacker.publishAsync(topics.events(STORE, "cam-x"), `{"agent":"cam-x","events":[${deep(20_000)}]}`, { qos: 1 });
    await attacker.publishAsync(
      topics.events(STORE, "cam-x"),
      batchJson("cam-x", [{ ...f.enter("x", "fruit", 0), ts: 9e15 }, { ...f.enter("x", "fruit", Date.now() - MIN), id: "cam-m:taken" }, f.enter("AA:BB:CC:DD:EE:FF", "fruit", Date.now() - MIN)]),
      { qos: 1 },
    );
    await attacker.endAsync();
    await waitFor("the rejects counted", async () => (await rejected("personal_id")) === 1, { timeoutMs: 10_000 });
    expect(await rejected("foreign_id")).toBe(1);
    expect(await rejected("schema")).toBe(1);
    await c.publishMarker("mixed-after");
    await c.expectUnharmed();
  }, 30_000);

  it("stored every acknowledged event of the honest agent exactly once, through restarts, and it never disconnected", async () => {
    await honest.stop();
    await waitFor("the honest agent's events stored", async () => (await c.agentRow("cam-h"))!.events === honest.acked.size, { timeoutMs: 20_000 });
    const row = (await c.agentRow("cam-h"))!;
    expect({ events: row.events, rejects: row.rejects }).toEqual({ events: honest.acked.size, rejects: 0 });
    expect(honest.closes).toBe(1);
  }, 30_000);
});
