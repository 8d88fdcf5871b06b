import net, { type AddressInfo } from "node:net";
import { Aedes, type AedesPublishPacket } from "aedes";
import mqtt from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { agentStatusValidator, decodeBatch, encodeReceipts, topics, type Layout } from "@footfall/core";
import { Agent } from "./agent.js";
import { validateConfig, type AgentConfig } from "./config.js";
import { createLogger, silentLogger } from "./log.js";
import type { EventDraft, Source, SourceContext } from "./source.js";

const STORE = "shop-1";
const AGENT = "sim-1";
const CREDENTIALS = { username: "shop-1-sim-1", password: "s3cret" };

/**
 * A real Aedes broker on a TCP port, as the server embeds it; closable and restartable on the same
 * port. With `receipts` (the default) it also plays a v1.1 server: each event batch is answered with
 * a receipt settling its ids.
 */
async function startBroker(port = 0, opts: { receipts?: boolean } = {}) {
  const broker = await Aedes.createBroker({
    authenticate: (_client, username, password, done) => done(null, username === CREDENTIALS.username && password?.toString() === CREDENTIALS.password),
  });
  const published: AedesPublishPacket[] = [];
  broker.on("publish", (packet) => {
    if (packet.topic.startsWith("$SYS")) return;
    published.push(packet);
    if (opts.receipts !== false && packet.topic === topics.events(STORE, AGENT)) {
      const settled = (JSON.parse(packet.payload.toString()) as { events: Array<{ id: string }> }).events.map((e) => e.id);
      broker.publish({ cmd: "publish", topic: topics.receipts(STORE, AGENT), payload: Buffer.from(encodeReceipts(settled)[0]!), qos: 1, retain: false, dup: false }, () => {});
    }
  });
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    broker,
    published,
    port: (server.address() as AddressInfo).port,
    /** Cut every connection, as a network failure would (no DISCONNECT). */
    dropConnections: () => sockets.forEach((s) => s.destroy()),
    async close(): Promise<void> {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}
type Broker = Awaited<ReturnType<typeof startBroker>>;

/** A source the test drives: `emit` sends drafts, `ctx` exposes what the runtime gave it. */
class ManualSource implements Source {
  ctx: SourceContext | null = null;
  layouts: Layout[] = [];
  async start(ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
    ctx.onLayout((layout) => this.layouts.push(layout));
  }
  async stop(): Promise<void> {}
  emit(n: number, from = 0): void {
    for (let i = from; i < from + n; i++) this.ctx!.emit(draft(i));
  }
}
const draft = (i: number): EventDraft => ({ type: "enter", ts: Date.now(), zone: "bakery", visitor: `v-${i}` });

function config(port: number, overrides: Record<string, unknown> = {}): AgentConfig {
  const result = validateConfig(
    {
      store: STORE,
      agent: AGENT,
      mqtt: { url: `mqtt://127.0.0.1:${port}`, ...CREDENTIALS, reconnectMinMs: 100, reconnectMaxMs: 400 },
      ...overrides,
    },
    "sim",
    {},
    (s) => ({ value: s, problems: [] }),
  );
  if (!result.ok) throw new Error(result.problems.join("\n"));
  return result.config;
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const statusOf = (p: AedesPublishPacket) => JSON.parse(p.payload.toString()) as Record<string, unknown>;
const statuses = (b: Broker) => b.published.filter((p) => p.topic === topics.status(STORE, AGENT));
const batches = (b: Broker) => b.published.filter((p) => p.topic === topics.events(STORE, AGENT));
function visitorsSent(b: Broker): string[] {
  return batches(b).flatMap((p) => {
    const decoded = decodeBatch(p.payload, (bytes) => Buffer.from(bytes).toString("utf8"));
    if (!decoded.ok) throw new Error(decoded.error);
    expect(decoded.value.rejected).toEqual([]);
    return decoded.value.events.map((e) => ("visitor" in e ? e.visitor : e.id));
  });
}
const range = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `v-${from + i}`);

/** Read a retained message as a fresh subscriber would. */
async function retained(port: number, topic: string): Promise<{ payload: Record<string, unknown>; retain: boolean }> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { ...CREDENTIALS, clientId: `observer-${Math.random()}` });
  try {
    const message = new Promise<{ payload: Record<string, unknown>; retain: boolean }>((resolve) =>
      client.on("message", (_t, payload, packet) => resolve({ payload: JSON.parse(payload.toString()) as Record<string, unknown>, retain: packet.retain })),
    );
    await client.subscribeAsync(topic, { qos: 1 });
    return await message;
  } finally {
    await client.endAsync();
  }
}

const LAYOUT = {
  store: STORE,
  version: 2,
  validFrom: 0,
  timezone: "Europe/Paris",
  floor: { width: 10, height: 10 },
  zones: [{ id: "bakery", name: "Bakery", kind: "zone", polygon: [[0, 0], [5, 0], [5, 5], [0, 5]] }],
};

/** Publish a retained layout as the server does. */
function publishLayout(b: Broker, layout: object): Promise<void> {
  return new Promise((resolve) =>
    b.broker.publish({ cmd: "publish", topic: topics.layout(STORE), payload: Buffer.from(JSON.stringify(layout)), qos: 1, retain: true, dup: false }, () => resolve()),
  );
}

let broker: Broker | null = null;
let agent: Agent<unknown> | null = null;
afterEach(async () => {
  await agent?.stop("test over");
  await broker?.close();
  agent = null;
  broker = null;
});

async function startAgent(b: Broker, overrides: Record<string, unknown> = {}) {
  const source = new ManualSource();
  const a = new Agent({ config: config(b.port, overrides), source, log: silentLogger, sourceBackoff: { minMs: 50 } });
  agent = a;
  a.start();
  await waitFor("connection", () => a.metrics().connected);
  await waitFor("source start", () => source.ctx !== null);
  return { agent: a, source };
}

describe("Agent against a real Aedes broker", () => {
  it("connects with its credentials, client id store-agent and a persistent session", async () => {
    broker = await startBroker();
    const clients: Array<{ id: string; clean: boolean }> = [];
    broker.broker.on("client", (c) => clients.push({ id: c.id, clean: c.clean }));
    await startAgent(broker);
    expect(clients).toEqual([{ id: `${STORE}-${AGENT}`, clean: false }]);
  });

  it("publishes a retained online status with its metrics on connect", async () => {
    broker = await startBroker();
    await startAgent(broker);
    const status = await retained(broker.port, topics.status(STORE, AGENT));
    expect(status.retain).toBe(true);
    expect(agentStatusValidator.problems(status.payload)).toEqual([]);
    expect(status.payload).toMatchObject({ state: "online", kind: "sim", eventsSent: 0, queued: 0 });
    expect(statuses(broker)[0]?.qos).toBe(1);
  });

  it("has its last will mark it offline when the connection dies, then comes back online", async () => {
    broker = await startBroker();
    await startAgent(broker);
    broker.dropConnections();
    await waitFor("last will", () => statuses(broker!).some((p) => statusOf(p).state === "offline"));
    const will = statuses(broker).find((p) => statusOf(p).state === "offline")!;
    expect(will.retain).toBe(true);
    expect(statusOf(will)).toMatchObject({ state: "offline", kind: "sim", reason: "connection lost" });
    await waitFor("reconnection", () => statusOf(statuses(broker!).at(-1)!).state === "online");
  });

  it("sends QoS 1 batches of at most 100 events at the threshold, ids in order", async () => {
    broker = await startBroker();
    const { source } = await startAgent(broker, { batch: { maxEvents: 100 } });
    source.emit(250);
    await waitFor("250 events", () => visitorsSent(broker!).length >= 250);
    expect(batches(broker).every((p) => p.qos === 1 && !p.retain)).toBe(true);
    expect(batches(broker).map((p) => (JSON.parse(p.payload.toString()) as { events: unknown[] }).events.length)).toEqual([100, 100, 50]);
    expect(visitorsSent(broker)).toEqual(range(0, 250));
    const ids = batches(broker).flatMap((p) => (JSON.parse(p.payload.toString()) as { events: Array<{ id: string }> }).events.map((e) => e.id));
    expect([...ids].sort()).toEqual(ids);
    await waitFor("acks", () => agent!.metrics().queued === 0);
    expect(agent!.metrics().sentEvents).toBe(250);
  });

  it("keeps events made while the broker is down and delivers them all, in order, once it is back on the same port", async () => {
    broker = await startBroker();
    const port = broker.port;
    const { source, agent: a } = await startAgent(broker);
    source.emit(50);
    await waitFor("first events", () => visitorsSent(broker!).length === 50 && a.metrics().queued === 0);
    const before = visitorsSent(broker);
    await broker.close();
    await waitFor("disconnection", () => !a.metrics().connected);
    source.emit(300, 50);
    await waitFor("300 events queued while the broker is down", () => a.metrics().queued === 300);
    broker = await startBroker(port);
    await waitFor("events after restart", () => new Set(visitorsSent(broker!)).size >= 300, 15_000);
    const after = visitorsSent(broker);
    expect([...before, ...after.filter((v, i) => after.indexOf(v) === i)]).toEqual(range(0, 350));
    await waitFor("acks", () => a.metrics().queued === 0);
  });

  it("sends a status as soon as an outage's backlog has drained, so the Agents view does not show it for up to statusEveryS more; none after events merely in flight", async () => {
    broker = await startBroker();
    const port = broker.port;
    const { source, agent: a } = await startAgent(broker, { statusEveryS: 3600 });
    source.emit(250); // fresh events, settled as they go: the status at connect showed none held
    await waitFor("fresh events settled", () => a.metrics().queued === 0 && visitorsSent(broker!).length === 250);
    await new Promise((r) => setTimeout(r, 200));
    expect(statuses(broker).map(statusOf).map((s) => s.queued)).toEqual([0]);
    await broker.close();
    await waitFor("disconnection", () => !a.metrics().connected);
    // A door counter's events from the outage: two minutes old when the broker is back.
    for (let i = 0; i < 50; i++) source.ctx!.emit({ type: "enter", ts: Date.now() - 120_000, zone: "bakery", visitor: `old-${i}` });
    broker = await startBroker(port);
    await waitFor("the backlog settled", () => a.metrics().queued === 0 && visitorsSent(broker!).length >= 50, 15_000);
    await waitFor("a status after the drain", () => statuses(broker!).length >= 2);
    const sent = statuses(broker).map(statusOf);
    expect(sent[0]).toMatchObject({ state: "online", queued: 50 });
    expect(sent[0]!.oldestQueuedAgeMs).toBeGreaterThanOrEqual(120_000);
    expect(sent.slice(1)).toEqual([expect.objectContaining({ state: "online", queued: 0, oldestQueuedAgeMs: 0 })]);
    expect((await retained(port, topics.status(STORE, AGENT))).payload).toMatchObject({ queued: 0 });
  });

  it("loses nothing when the broker dies with batches in flight: they are sent again after the restart", async () => {
    broker = await startBroker();
    const port = broker.port;
    const { source, agent: a } = await startAgent(broker, { batch: { maxEvents: 100 } });
    source.emit(1000);
    expect(a.metrics().inflightBatches).toBeGreaterThan(0);
    const first = broker;
    await first.close();
    source.emit(500, 1000);
    broker = await startBroker(port);
    await waitFor("every event", () => new Set([...visitorsSent(first), ...visitorsSent(broker!)]).size === 1500, 15_000);
    const all = [...visitorsSent(first), ...visitorsSent(broker)];
    const firstSeen = all.filter((v, i) => all.indexOf(v) === i);
    expect(firstSeen).toEqual(range(0, 1500));
    await waitFor("acks", () => a.metrics().queued === 0);
  });

  it("hands the store's retained layout to the source, and ignores a broken one", async () => {
    broker = await startBroker();
    await publishLayout(broker, LAYOUT);
    const { source, agent: a } = await startAgent(broker);
    await waitFor("layout", () => source.ctx?.layout() !== null);
    expect(source.ctx?.layout()).toMatchObject({ version: 2, zones: [{ id: "bakery" }] });
    await publishLayout(broker, { store: "other" });
    // A good one after it: once it is here, the broken one (delivered before it) has been handled.
    await publishLayout(broker, { ...LAYOUT, version: 3 });
    await waitFor("the layout after the broken one", () => a.layouts.current()?.version === 3);
    expect(source.layouts.map((l) => l.version)).toEqual([2, 3]); // the broken one never reached the source
  });

  it("gets the retained layout again when restarted on its resumed session (a new process, the same client id)", async () => {
    broker = await startBroker();
    await publishLayout(broker, LAYOUT);
    const first = await startAgent(broker);
    await waitFor("layout", () => first.source.layouts.length > 0);
    await first.agent.stop("restart");
    // The broker still holds the session and its subscription; a new process starts with no layout.
    const again = await startAgent(broker);
    await waitFor("the layout after the restart", () => again.source.layouts.length > 0);
    expect(again.source.ctx?.layout()).toMatchObject({ version: 2, zones: [{ id: "bakery" }] });
    // Still one subscription: a layout published now reaches it once.
    await publishLayout(broker, { ...LAYOUT, version: 3 });
    await waitFor("the next layout", () => again.agent.layouts.current()?.version === 3);
    expect(again.source.layouts.map((l) => l.version)).toEqual([2, 3]);
  });

  it("starts without a broker, queues, and gets the layout and every event once the broker appears", async () => {
    const probe = await startBroker();
    const port = probe.port;
    await probe.close();
    const source = new ManualSource();
    const a = new Agent({ config: config(port), source, log: silentLogger });
    agent = a;
    a.start();
    await waitFor("source start", () => source.ctx !== null, 15_000);
    source.emit(20);
    expect(a.metrics()).toMatchObject({ connected: false, queued: 20 });
    broker = await startBroker(port);
    await publishLayout(broker, { ...LAYOUT, version: 5 });
    await waitFor("layout", () => source.layouts.length > 0);
    await waitFor("events", () => visitorsSent(broker!).length === 20);
    expect(visitorsSent(broker)).toEqual(range(0, 20));
  });

  it("on a graceful stop delivers what is queued, then publishes a retained offline status", async () => {
    broker = await startBroker();
    const { source, agent: a } = await startAgent(broker, { batch: { flushEveryMs: 10_000 } });
    source.emit(30);
    await a.stop("SIGTERM");
    expect(visitorsSent(broker)).toEqual(range(0, 30));
    expect(a.metrics().queued).toBe(0);
    const status = await retained(broker.port, topics.status(STORE, AGENT));
    expect(status.payload).toMatchObject({ state: "offline", reason: "SIGTERM", eventsSent: 30 });
  });

  it("keeps retrying a broker that refuses its credentials, and logs why", async () => {
    broker = await startBroker();
    const lines: string[] = [];
    const a = new Agent({
      config: config(broker.port, { mqtt: { url: `mqtt://127.0.0.1:${broker.port}`, username: "wrong", password: "nope", reconnectMinMs: 50, reconnectMaxMs: 100 } }),
      source: new ManualSource(),
      log: createLogger({ level: "warn", write: (line) => lines.push(line) }),
    });
    agent = a;
    a.start();
    await waitFor("refusal", () => lines.some((l) => /Bad username or password|Not authorized/.test(l)));
    expect(lines.join("\n")).toMatch(/footfall agent add/);
    expect(a.metrics().connected).toBe(false);
  });

  describe("receipts (DESIGN v1.1)", () => {
    /** A logger that keeps warn and info lines. */
    const capture = () => {
      const lines: string[] = [];
      // "WARN  message key=value", without the timestamp
      const log = createLogger({ level: "info", write: (line) => lines.push(line.replace(/^\S+ /, "")) });
      return { log, lines };
    };
    const receipt = (b: Broker, ids: string[]) =>
      new Promise<void>((resolve) =>
        b.broker.publish({ cmd: "publish", topic: topics.receipts(STORE, AGENT), payload: Buffer.from(encodeReceipts(ids)[0]!), qos: 1, retain: false, dup: false }, () => resolve()),
      );
    const idsSent = (b: Broker) => batches(b).flatMap((p) => (JSON.parse(p.payload.toString()) as { events: Array<{ id: string }> }).events.map((e) => e.id));

    async function start(b: Broker, overrides: Record<string, unknown> = {}) {
      const source = new ManualSource();
      const { log, lines } = capture();
      // A short shutdown: an agent stopped with events unsettled must not hold the test 5 s.
      const a = new Agent({ config: config(b.port, { shutdownTimeoutMs: 300, ...overrides }), source, log, sourceBackoff: { minMs: 50 } });
      agent = a;
      a.start();
      await waitFor("connection", () => a.metrics().connected);
      await waitFor("source start", () => source.ctx !== null);
      return { agent: a, source, lines };
    }

    it("keeps events the broker acknowledged until the server's receipt settles them", async () => {
      broker = await startBroker(0, { receipts: false });
      await publishLayout(broker, { ...LAYOUT, receipts: true });
      const { agent: a, source } = await start(broker);
      source.emit(20);
      await waitFor("20 events at the broker", () => idsSent(broker!).length === 20);
      await waitFor("the broker's PUBACKs", () => a.metrics().inflightBatches === 0);
      expect(a.metrics()).toMatchObject({ queued: 20, unsettled: 20, settlement: "receipts", inflightBatches: 0 });
      await receipt(broker, idsSent(broker).slice(10));
      await waitFor("the receipt for the last 10", () => a.metrics().settledByReceipt === 10);
      expect(a.metrics().queued).toBe(20); // settled out of order: only a settled prefix leaves
      await receipt(broker, idsSent(broker).slice(0, 10));
      await waitFor("settled", () => a.metrics().queued === 0);
      expect(a.status("online")).toMatchObject({ receipts: "auto", settlement: "receipts", unsettled: 0, eventsSent: 20 });
    });

    it("sends every unsettled event again after a reconnection, although the session was resumed", async () => {
      broker = await startBroker(0, { receipts: false });
      await publishLayout(broker, { ...LAYOUT, receipts: true });
      const { agent: a, source } = await start(broker);
      source.emit(20);
      await waitFor("20 events at the broker", () => idsSent(broker!).length === 20);
      broker.dropConnections();
      await waitFor("the same 20 sent again", () => idsSent(broker!).length >= 40, 15_000);
      const ids = idsSent(broker);
      expect(new Set(ids).size).toBe(20);
      expect(a.metrics().resends).toBeGreaterThanOrEqual(1);
      await receipt(broker, ids.slice(0, 20));
      await waitFor("settled", () => a.metrics().queued === 0);
    });

    it("sends unsettled events again after the receipt timeout: the oldest batch first, then everything", async () => {
      broker = await startBroker(0, { receipts: false });
      await publishLayout(broker, { ...LAYOUT, receipts: true });
      const { agent: a, source, lines } = await start(broker, { receiptTimeoutMs: 200, receiptTimeoutMaxMs: 400 });
      source.emit(5);
      await waitFor("two resends of everything", () => a.metrics().resends >= 2, 15_000);
      // A resend is counted when the agent decides it, before its messages reach the broker: wait for them there.
      await waitFor("25 events at the broker: sent, a probe, everything, a probe, everything", () => idsSent(broker!).length >= 25, 15_000);
      expect(lines.join("\n")).toMatch(/no receipt from the server yet; sending the oldest unsettled batch again.*footfall broker-config/);
      expect(lines.join("\n")).toMatch(/no receipt from the server yet; sending every unsettled event again/);
    });

    it("falls back to PUBACK against a server older than v1.1 (a layout without receipts: true) and says so once", async () => {
      broker = await startBroker(0, { receipts: false });
      await publishLayout(broker, LAYOUT);
      const { agent: a, source, lines } = await start(broker);
      await waitFor("layout", () => source.ctx?.layout() !== null);
      source.emit(20);
      await waitFor("settled by PUBACK", () => a.metrics().queued === 0);
      expect(a.metrics().settlement).toBe("puback");
      await publishLayout(broker, { ...LAYOUT, version: 3 });
      broker.dropConnections();
      await waitFor("reconnection", () => a.metrics().connected);
      // The retained layout comes again on the new subscription, before the one published now.
      await publishLayout(broker, { ...LAYOUT, version: 4 });
      await waitFor("the layout after the reconnection", () => a.layouts.current()?.version === 4);
      expect(lines.filter((l) => /falling back to the broker's PUBACK/.test(l))).toHaveLength(1);
      expect(lines.find((l) => /falling back/.test(l))).toMatch(/^WARN/);
    });

    it("returns to receipts when a receipt comes after a fallback", async () => {
      broker = await startBroker(0, { receipts: false });
      await publishLayout(broker, LAYOUT);
      const { agent: a, source } = await start(broker);
      await waitFor("fallback", () => a.metrics().settlement === "puback");
      await receipt(broker, ["sim-1:unknown:000000000"]);
      await waitFor("receipts again", () => a.metrics().settlement === "receipts");
      source.emit(5);
      await waitFor("5 events at the broker", () => idsSent(broker!).length === 5);
      await waitFor("the broker's PUBACKs", () => a.metrics().inflightBatches === 0);
      expect(a.metrics().queued).toBe(5);
    });

    it('never falls back with receipts: "on"', async () => {
      broker = await startBroker(0, { receipts: false });
      await publishLayout(broker, LAYOUT);
      const { agent: a, source, lines } = await start(broker, { receipts: "on" });
      await waitFor("layout", () => source.ctx?.layout() !== null);
      source.emit(10);
      await waitFor("10 events at the broker", () => idsSent(broker!).length >= 10);
      await waitFor("the broker's PUBACKs", () => a.metrics().inflightBatches === 0);
      expect(a.metrics()).toMatchObject({ queued: 10, settlement: "receipts" });
      expect(lines.join("\n")).toMatch(/does not announce receipts/);
    });

    it('settles by PUBACK with receipts: "off", whatever the server', async () => {
      broker = await startBroker(0, { receipts: false });
      await publishLayout(broker, { ...LAYOUT, receipts: true });
      const { agent: a, source } = await start(broker, { receipts: "off" });
      source.emit(10);
      await waitFor("settled by PUBACK", () => a.metrics().queued === 0);
      expect(a.status("online")).toMatchObject({ receipts: "off", settlement: "puback" });
    });

    it("says what the server rejected, per reason, with what to do about it (the Agents view's words)", async () => {
      broker = await startBroker(0, { receipts: false });
      await publishLayout(broker, { ...LAYOUT, receipts: true });
      const { source, lines } = await start(broker);
      source.emit(3);
      await waitFor("3 events at the broker", () => idsSent(broker!).length === 3);
      const [a, b, c] = idsSent(broker);
      const payload = encodeReceipts([a!, b!, c!], [{ id: a!, reason: "future" }, { id: b!, reason: "future" }, { id: c!, reason: "unknown_zone" }])[0]!;
      broker.broker.publish({ cmd: "publish", topic: topics.receipts(STORE, AGENT), payload: Buffer.from(payload), qos: 1, retain: false, dup: false }, () => {});
      await waitFor("the reject lines", () => lines.filter((l) => l.includes("rejected")).length === 2);
      const future = lines.find((l) => l.includes("reason=future"))!;
      expect(future).toMatch(/rejected 2 events for good \(in the future\): More than 5 minutes ahead of the server: check the agent's clock \(NTP\)/);
      expect(lines.find((l) => l.includes("reason=unknown_zone"))).toMatch(/rejected 1 event for good \(unknown zone\)/);
    });

    it("warns once, naming the zone, when the source reports a zone the store's layout lacks", async () => {
      broker = await startBroker();
      await publishLayout(broker, { ...LAYOUT, receipts: true });
      const { source, lines } = await start(broker);
      await waitFor("layout", () => source.ctx?.layout() !== null);
      source.emit(2); // bakery: in the layout
      source.ctx!.emit({ type: "enter", ts: Date.now(), zone: "gate", visitor: "v-g1" });
      source.ctx!.emit({ type: "exit", ts: Date.now(), zone: "gate", visitor: "v-g1" });
      await waitFor("4 events at the broker", () => idsSent(broker!).length === 4);
      const warned = lines.filter((l) => l.includes("not in the store's layout"));
      expect(warned).toHaveLength(1);
      expect(warned[0]).toMatch(/zone "gate", which is not in the store's layout/);
      expect(warned[0]).toMatch(/zones=bakery/);
    });

    it("says, while the broker is away, how many events it holds and since when", async () => {
      broker = await startBroker();
      const { agent: a, source, lines } = await start(broker, { summaryEveryS: 1 });
      const port = broker.port;
      await broker.close();
      broker = null;
      await waitFor("disconnected", () => !a.metrics().connected);
      source.emit(1);
      await waitFor("the offline summary", () => lines.some((l) => l.includes("not connected to the broker")), 5000);
      expect(lines.find((l) => l.includes("not connected to the broker"))).toMatch(/not connected to the broker: 1 event waits in the outbox, the oldest for \d+ s; it goes out once it is back .*queued=1/);
      source.emit(6, 1);
      await waitFor("the summary of 7", () => lines.some((l) => l.includes("7 events wait")), 5000);
      expect(lines.find((l) => l.includes("7 events wait"))).toMatch(/not connected to the broker: 7 events wait in the outbox, the oldest for \d+ s; they go out once it is back .*queued=7/);
      broker = await startBroker(port);
      await waitFor("all 7 settled", () => a.metrics().queued === 0);
    });
  });
});
