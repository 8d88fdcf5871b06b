/**
 * The chain simulator against a real MQTT broker (Aedes on TCP) that plays a v1.1 server: it
 * checks each agent's login and topics, keeps every event id it is sent (deduplicated, as the server
 * stores them) and answers each batch with a receipt. The ledger must match what was stored.
 */
import { createServer } from "node:http";
import net, { type AddressInfo } from "node:net";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aedes } from "aedes";
import { afterEach, describe, expect, it } from "vitest";
import { decodeBatch, encodeReceipts, mayPublish, parseTopic, topics, type FootfallEvent } from "@footfall/core";
import { runCli, type CliIo } from "../main.js";
import { silentLogger } from "../log.js";
import { Ledger } from "./ledger.js";
import { ChainSimulator, type AgentCredentials } from "./simulator.js";
import { chainStores, type ChainStore } from "./stores.js";
import { testSalesImport } from "../sources/sim/test-sales-import.js";

/** What the fake server stored: ids per store (first copy only), the oldest and newest event's ts, the visitors who entered and every zone it saw per store. */
interface Stored {
  ids: Map<string, string[]>;
  oldest: Map<string, number>;
  newest: Map<string, number>;
  entered: Map<string, Set<string>>;
  seen: Set<string>;
  zones: Map<string, Set<string>>;
  /** Per store: the door counters' people in minus out, summed over every count stored. */
  doorNet: Map<string, number>;
  batches: number;
}

/**
 * Aedes on a TCP port as a v1.1 Footfall server would run it; `restart()` loses everything the broker held (sessions, in-flight messages).
 * With `commitMs`, it stores each batch (and sends its receipt) that long after the one before: a server committing behind.
 */
async function fakeServer(stores: readonly ChainStore[], creds: ReadonlyMap<string, AgentCredentials> | null, port = 0, loginMs = 0, commitMs = 0) {
  const stored: Stored = { ids: new Map(), oldest: new Map(), newest: new Map(), entered: new Map(), seen: new Set(), zones: new Map(), doorNet: new Map(), batches: 0 };
  let commits = Promise.resolve();
  /** Logins being checked now, and the most at once (each takes `loginMs`, as a broker hashing passwords). */
  const logins = { now: 0, peak: 0 };
  /** While true the "server" is down: the broker still acknowledges batches, nobody stores them or sends receipts. */
  const state = { serverDown: false };
  const byUser = new Map([...(creds?.values() ?? [])].map((c) => [c.username, c]));
  const start = async (at: number) => {
    const broker = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        logins.peak = Math.max(logins.peak, ++logins.now);
        setTimeout(() => {
          logins.now--;
          if (!creds) return done(null, true);
          const c = username ? byUser.get(username) : undefined;
          const ok = c !== undefined && password?.toString() === c.password;
          if (ok) (client as unknown as { agent: AgentCredentials }).agent = c;
          done(null, ok);
        }, loginMs);
      },
      authorizePublish: (client, packet, done) => {
        const agent = (client as unknown as { agent?: AgentCredentials } | null)?.agent;
        if (!client || !creds) return done(null);
        done(agent && mayPublish(agent.store, agent.agent, packet.topic) ? null : new Error("not your topic"));
      },
    });
    for (const s of stores) {
      const layout = { ...s.layout, store: s.store, version: 1, receipts: true };
      broker.publish(
        { cmd: "publish", topic: topics.layout(s.store), payload: Buffer.from(JSON.stringify(layout)), qos: 1, retain: true, dup: false },
        () => {},
      );
    }
    /** Stores a batch's events (first copies only) and answers with its receipt. */
    const commit = (store: string, agent: string, events: readonly FootfallEvent[]) => {
      stored.batches++;
      const ids = stored.ids.get(store) ?? [];
      stored.ids.set(store, ids);
      const zones = stored.zones.get(store) ?? new Set();
      stored.zones.set(store, zones);
      const entered = stored.entered.get(store) ?? new Set<string>();
      stored.entered.set(store, entered);
      for (const e of events) {
        if ("zone" in e) zones.add(e.zone);
        const key = `${store}/${e.id}`;
        if (stored.seen.has(key)) continue;
        stored.seen.add(key);
        ids.push(e.id);
        stored.oldest.set(store, Math.min(stored.oldest.get(store) ?? Infinity, e.ts));
        stored.newest.set(store, Math.max(stored.newest.get(store) ?? -Infinity, e.ts));
        if (e.type === "enter") entered.add(e.visitor);
        if (e.type === "count") stored.doorNet.set(store, (stored.doorNet.get(store) ?? 0) + e.in - e.out);
      }
      for (const payload of encodeReceipts(events.map((e) => e.id))) {
        broker.publish(
          { cmd: "publish", topic: topics.receipts(store, agent), payload: Buffer.from(payload), qos: 1, retain: false, dup: false },
          () => {},
        );
      }
    };
    broker.on("publish", (packet, client) => {
      const parsed = parseTopic(packet.topic);
      if (!client || parsed?.kind !== "events" || state.serverDown) return;
      const batch = decodeBatch(packet.payload, (b) => Buffer.from(b).toString("utf8"));
      if (!batch.ok) throw new Error(batch.error);
      if (commitMs === 0) return commit(parsed.store, parsed.agent, batch.value.events);
      commits = commits.then(() => new Promise<void>((r) => setTimeout(r, commitMs))).then(() => commit(parsed.store, parsed.agent, batch.value.events));
    });
    const sockets = new Set<net.Socket>();
    const server = net.createServer({ noDelay: true }, (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      broker.handle(socket);
    });
    await new Promise<void>((resolve) => server.listen(at, "127.0.0.1", resolve));
    return {
      port: (server.address() as AddressInfo).port,
      async close() {
        sockets.forEach((s) => s.destroy());
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await new Promise<void>((resolve) => broker.close(() => resolve()));
      },
    };
  };
  let current = await start(port);
  return {
    stored,
    state,
    logins,
    get port() {
      return current.port;
    },
    async restart() {
      const p = current.port;
      await current.close();
      current = await start(p);
    },
    close: () => current.close(),
  };
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const credentialsOf = (stores: readonly ChainStore[]) =>
  new Map(stores.map((s) => [s.store, { store: s.store, agent: s.agent, username: `${s.store}.${s.agent}`, password: `pw-${s.store}` }]));

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/**
 * `count` chain stores, a fake server for them (checking their logins with `logins`) and a simulator
 * running them, both closed after the test: resolves once every store has more than `stored` events stored.
 */
async function running(o: { count: number; seed: number; stored: number; logins?: boolean }) {
  const stores = chainStores({ count: o.count, seed: o.seed });
  const creds = o.logins ? credentialsOf(stores) : null;
  const server = await fakeServer(stores, creds);
  cleanup.push(() => server.close());
  const sim = new ChainSimulator({
    stores,
    mqttUrl: `mqtt://127.0.0.1:${server.port}`,
    ...(creds ? { credentials: creds } : {}),
    speed: 300,
    startHour: 12,
    tickMs: 100,
    log: silentLogger,
  });
  cleanup.push(() => sim.stop());
  await sim.start();
  await until("events from every store", () => stores.every((s) => (server.stored.ids.get(s.store)?.length ?? 0) > o.stored));
  return { stores, server, sim };
}

/** The server stops storing (the broker still acknowledges) until every store has batches acknowledged by the broker alone; gives the batches stored when it stopped. */
async function serverDown(server: Awaited<ReturnType<typeof fakeServer>>, sim: ChainSimulator): Promise<number> {
  server.state.serverDown = true;
  const stored = server.stored.batches;
  await until("batches of every store acknowledged by the broker alone", () => sim.storeStats().every((s) => s.unsettled > 0));
  return stored;
}

/** The server restarted empty (the broker's sessions and in-flight messages lost), storing again. */
async function serverBack(server: Awaited<ReturnType<typeof fakeServer>>): Promise<void> {
  await server.restart();
  server.state.serverDown = false;
}

/** A temporary folder, removed after the test. */
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "footfall-chain-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("the chain simulator", () => {
  it("speaks as every store's own agent: its login, its topic, its zones; after a pause the ledger matches what was stored", async () => {
    const { stores, server, sim } = await running({ count: 20, seed: 4, stored: 20, logins: true });
    sim.pause();
    await until("every queued event to be settled", () => sim.stats().waiting === 0);
    const stats = sim.stats();
    expect(stats).toMatchObject({ stores: 20, connected: 20, refused: 0 });
    expect(stats.settled).toBe(stats.queued);
    for (const s of stores) {
      const audit = sim.ledger.audit(s.store, server.stored.ids.get(s.store) ?? []);
      expect(audit, s.store).toMatchObject({ lost: 0, doubled: 0, foreign: 0 });
      expect(audit.sent).toBeGreaterThan(20);
      const own = new Set<string>(s.layout.zones.map((z) => z.id));
      expect(
        [...server.stored.zones.get(s.store)!].filter((z) => !own.has(z)),
        s.store,
      ).toEqual([]);
    }
    expect(sim.ledger.count()).toBe(stats.queued);
  });

  it("loses nothing when the broker acknowledged batches the server never stored, and then restarted empty: unsettled events go again", async () => {
    const { stores, server, sim } = await running({ count: 8, seed: 9, stored: 10 });
    const before = await serverDown(server, sim);
    expect(server.stored.batches).toBe(before);
    await serverBack(server);
    await until("every agent back", () => sim.stats().connected === stores.length);
    sim.pause();
    await until("every queued event to be settled", () => sim.stats().waiting === 0);
    for (const s of stores) expect(sim.ledger.audit(s.store, server.stored.ids.get(s.store) ?? []), s.store).toMatchObject({ lost: 0, doubled: 0, foreign: 0 });
    expect(sim.stats().resends).toBeGreaterThanOrEqual(stores.length);
  });

  it("lets each store's shoppers walk out as it settles (a demo's Ctrl-C): every door counter's people in are out again", async () => {
    const { stores, server, sim } = await running({ count: 6, seed: 5, stored: 40 });
    // Mid-day (startHour 12): people are inside, counted in at the door and not yet out.
    expect(await sim.settle(60_000)).toBe(true);
    const doors = stores.filter((s) => server.stored.doorNet.has(s.store));
    expect(doors.length).toBeGreaterThan(0);
    for (const s of doors) expect(server.stored.doorNet.get(s.store), s.store).toBe(0);
    for (const s of stores) expect(sim.ledger.audit(s.store, server.stored.ids.get(s.store) ?? []), s.store).toMatchObject({ lost: 0, doubled: 0, foreign: 0 });
  });

  it("settles before an audit: paused, it waits until no event is unsettled; events never settled are listed apart, not lost", async () => {
    const { stores, server, sim } = await running({ count: 6, seed: 11, stored: 10 });
    // The server stops storing (the broker still acknowledges): what is sent now stays unsettled.
    await serverDown(server, sim);
    expect(await sim.settle(300)).toBe(false);
    const open = sim.unsettled();
    expect([...open.keys()].sort()).toEqual(stores.map((s) => s.store).sort());
    for (const s of stores) {
      const audit = sim.ledger.audit(s.store, server.stored.ids.get(s.store) ?? [], open.get(s.store));
      // Every event missing from the server is one the simulator never had settled: none is lost.
      expect(audit, s.store).toMatchObject({ lost: 0, doubled: 0, foreign: 0 });
      expect(audit.unsettled, s.store).toBeGreaterThan(0);
      // Without the list they would all count as lost.
      expect(sim.ledger.audit(s.store, server.stored.ids.get(s.store) ?? []).lost).toBe(audit.unsettled);
    }
    // The server comes back: the agents send their unsettled events again, and settling ends with none left.
    const paused = sim.ledger.count();
    await serverBack(server);
    const progress: number[] = [];
    expect(await sim.settle(60_000, (st) => progress.push(st.waiting), 50)).toBe(true);
    expect(sim.unsettled().size).toBe(0);
    expect(sim.ledger.count()).toBe(paused); // paused: no new events
    for (const s of stores)
      expect(sim.ledger.audit(s.store, server.stored.ids.get(s.store) ?? [], []), s.store).toMatchObject({ lost: 0, unsettled: 0, doubled: 0, foreign: 0 });
  });

  it("lets at most maxConnecting agents log in at once, the next as one connects: a broker that checks logins slowly is not flooded", async () => {
    // A broker that takes 300 ms per login: started at a fixed pace (the old 50 every 100 ms), all 12 waited at once.
    const stores = chainStores({ count: 12, seed: 5 });
    const creds = credentialsOf(stores);
    const server = await fakeServer(stores, creds, 0, 300);
    cleanup.push(() => server.close());
    const sim = new ChainSimulator({
      stores,
      mqttUrl: `mqtt://127.0.0.1:${server.port}`,
      credentials: creds,
      speed: 300,
      startHour: 12,
      tickMs: 100,
      maxConnecting: 3,
      log: silentLogger,
    });
    cleanup.push(() => sim.stop());
    await sim.start();
    await until("every agent connected", () => sim.stats().connected === stores.length);
    expect(server.logins.peak).toBe(3);
    await until("events from every store", () => stores.every((s) => (server.stored.ids.get(s.store)?.length ?? 0) > 0));
  });

  it("posts a store's till transactions only once the server has stored its events up to them: during and after a back-fill, no sale is ahead of its store's stored events", async () => {
    const stores = chainStores({ count: 3, seed: 6 });
    // A server committing each batch 200 ms after the one before: at the back-fill's end, hours of its entries still wait in the
    // outboxes (up to 20,000 a store), whatever the load of the machine, so tills that post ahead of them are caught even when
    // the last minutes of history are night in every store.
    const server = await fakeServer(stores, null, 0, 0, 200);
    cleanup.push(() => server.close());
    // The sales import: each transaction it gets must be of a visit already stored, at or before the store's newest stored event
    // (a visitor pays as they leave the till: that exit has the sale's ts).
    const ahead: string[] = [];
    const got = new Map<string, number>();
    const tills = createServer((req, res) => {
      let text = "";
      req.on("data", (c: Buffer) => (text += String(c)));
      req.on("end", () => {
        const store = decodeURIComponent(/\/stores\/([^/]+)\/sales/.exec(req.url ?? "")![1]!);
        const { sales } = JSON.parse(text) as { sales: Array<{ transaction: string; ts: number }> };
        const newest = server.stored.newest.get(store) ?? -Infinity;
        const entered = server.stored.entered.get(store) ?? new Set<string>();
        for (const sale of sales) {
          if (!(sale.ts <= newest) || !entered.has(sale.transaction.replace(/^t-/, ""))) {
            ahead.push(`${store} ${sale.transaction} at ${new Date(sale.ts).toISOString()}: newest stored event ${Number.isFinite(newest) ? new Date(newest).toISOString() : "none"}, entry stored ${entered.has(sale.transaction.replace(/^t-/, ""))}`);
          }
        }
        got.set(store, (got.get(store) ?? 0) + sales.length);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ accepted: sales.length, duplicates: 0, rejected: [], rejectedCount: 0 }));
      });
    });
    await new Promise<void>((r) => tills.listen(0, "127.0.0.1", r));
    cleanup.push(() => new Promise<void>((r) => tills.close(() => r())));
    const started = Date.now();
    // A whole day of history: each store is open in some of it whatever the hour of the run.
    const sim = new ChainSimulator({
      stores,
      mqttUrl: `mqtt://127.0.0.1:${server.port}`,
      speed: 60,
      backfillHours: 24,
      // Live, the simulated day starts at noon: every store open, its live events coming at once.
      startHour: 12,
      tickMs: 100,
      sales: { url: `http://127.0.0.1:${(tills.address() as AddressInfo).port}`, token: "ff_tills" },
      log: silentLogger,
    });
    cleanup.push(() => sim.stop());
    await sim.start();
    // The back-fill is over once every store's live events (stamped from the start on) are stored; then some live sales.
    await until("every store's history stored and its live events coming", () => stores.every((s) => (server.stored.newest.get(s.store) ?? 0) >= started), 120_000);
    await new Promise((r) => setTimeout(r, 8000));
    expect(ahead.slice(0, 5), `${ahead.length} transactions posted before their store's events were stored`).toEqual([]);
    // It did post: the history's sales, for every store.
    for (const s of stores) expect(got.get(s.store) ?? 0, s.store).toBeGreaterThan(10);
  }, 180_000);

  it("refuses to start without credentials for a store when a credentials file is given", () => {
    const stores = chainStores({ count: 3 });
    const creds = credentialsOf(stores.slice(0, 1));
    expect(() => new ChainSimulator({ stores, mqttUrl: "mqtt://127.0.0.1:1", credentials: creds, log: silentLogger })).toThrow(
      /no credentials for 2 stores \(store-0002, store-0003\): add their agents with `footfall agent add sim-1 --store <store> --kind sim`/,
    );
  });
});

describe("footfall-edge chain", () => {
  const io = (out: string[], err: string[]): CliIo => ({ stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), env: {}, onSignal: () => () => {} });

  it("prints the chain's stores and layouts for the server", async () => {
    const out: string[] = [];
    expect(await runCli(["chain", "--stores", "3", "--seed", "2", "--print-layouts"], io(out, []))).toBe(0);
    const printed = JSON.parse(out.join("")) as { stores: Array<{ store: string; layout: { zones: unknown[] } }> };
    expect(printed.stores.map((s) => s.store)).toEqual(["store-0001", "store-0002", "store-0003"]);
    expect(printed.stores[0]!.layout).toEqual(JSON.parse(JSON.stringify(chainStores({ count: 1, seed: 2 })[0]!.layout)));
  });

  it("runs the stores with the logins of a credentials file for --duration and writes the ledger", async () => {
    const dir = tempDir();
    const stores = chainStores({ count: 4, seed: 6, prefix: "shop" });
    const creds = credentialsOf(stores);
    // JSON lines, as `footfall agent add` prints them one after another.
    writeFileSync(join(dir, "agents.jsonl"), [...creds.values()].map((c) => JSON.stringify({ ...c, kind: "sim" })).join("\n") + "\n");
    const server = await fakeServer(stores, creds);
    cleanup.push(() => server.close());
    const err: string[] = [];
    const args = [
      "chain",
      "--stores",
      "4",
      "--seed",
      "6",
      "--prefix",
      "shop",
      "--mqtt-url",
      `mqtt://127.0.0.1:${server.port}`,
      "--credentials",
      join(dir, "agents.jsonl"),
    ];
    const code = await runCli([...args, "--speed", "300", "--start-hour", "12", "--duration", "3", "--ledger", join(dir, "ledger.json")], io([], err));
    expect(code, err.join("")).toBe(0);
    expect(existsSync(join(dir, "ledger.json"))).toBe(true);
    const ledger = Ledger.fromJSON(JSON.parse(readFileSync(join(dir, "ledger.json"), "utf8")));
    expect(ledger.stores()).toEqual(stores.map((s) => s.store));
    // Stopped gracefully: everything queued was settled before the agents disconnected.
    for (const s of stores) expect(ledger.audit(s.store, server.stored.ids.get(s.store) ?? [])).toMatchObject({ lost: 0, doubled: 0, foreign: 0 });
    expect(ledger.unsettled.size).toBe(0);
    expect(err.join("")).toMatch(/simulating 4 stores/);
  });

  it("--flush-ms sets how often each agent sends: fewer, larger messages for the same events; a value under 10 ms is refused", async () => {
    const stores = chainStores({ count: 4, seed: 6 });
    const server = await fakeServer(stores, null);
    cleanup.push(() => server.close());
    const err: string[] = [];
    const args = ["chain", "--stores", "4", "--seed", "6", "--mqtt-url", `mqtt://127.0.0.1:${server.port}`, "--speed", "60", "--start-hour", "12", "--duration", "4"];
    expect(await runCli([...args, "--flush-ms", "2000"], io([], err)), err.join("")).toBe(0);
    const events = [...server.stored.ids.values()].reduce((n, ids) => n + ids.length, 0);
    expect(events).toBeGreaterThan(4 * 5);
    // 4 s of events sent every 2 s, then what is left at the stop: at most 3 batches a store (every 500 ms, the default: 19 for the 4 stores).
    expect(server.stored.batches).toBeLessThanOrEqual(4 * 3);
    const bad: string[] = [];
    expect(await runCli([...args, "--flush-ms", "5"], io([], bad))).not.toBe(0);
    expect(bad.join("")).toMatch(/'--flush-ms <ms>' argument '5' is invalid\. expected a whole number of ms from 10 to 60000/);
  });

  it("--backfill-from: each store listed back-fills only from its instant (a restarted demo sends no hour twice), the others their --backfill-hours", async () => {
    const dir = tempDir();
    const stores = chainStores({ count: 2, seed: 6 });
    const server = await fakeServer(stores, null);
    cleanup.push(() => server.close());
    const now = Date.now();
    const from = now - 12 * 3_600_000;
    writeFileSync(join(dir, "held.json"), JSON.stringify({ [stores[0]!.store]: from }));
    const err: string[] = [];
    const args = ["chain", "--stores", "2", "--seed", "6", "--mqtt-url", `mqtt://127.0.0.1:${server.port}`, "--speed", "60", "--duration", "3"];
    expect(await runCli([...args, "--backfill-hours", "48", "--backfill-from", join(dir, "held.json")], io([], err)), err.join("")).toBe(0);
    // 48 h back-filled for the second store (some of it in its opening hours), from the instant given for the first.
    expect(server.stored.oldest.get(stores[1]!.store)).toBeLessThan(from);
    expect(server.stored.oldest.get(stores[0]!.store)).toBeGreaterThanOrEqual(from);
    // A bad file: exit 2, naming the file and the value.
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ [stores[0]!.store]: -5 }));
    const bad: string[] = [];
    expect(await runCli([...args, "--backfill-from", join(dir, "bad.json")], io([], bad))).toBe(2);
    expect(bad.join("")).toMatch(/bad\.json: "store-0001" has -5; give an instant as epoch ms/);
    const missing: string[] = [];
    expect(await runCli([...args, "--backfill-from", join(dir, "nope.json")], io([], missing))).toBe(2);
    expect(missing.join("")).toMatch(/cannot read the back-fill file .*nope\.json \(ENOENT\)/);
  });

  it("--sales-url: each store's till transactions go to its own sales import with the token of --sales-token-file", async () => {
    const dir = tempDir();
    const stores = chainStores({ count: 2, seed: 6 });
    const server = await fakeServer(stores, null);
    cleanup.push(() => server.close());
    // A real HTTP receiver in the place of the server's sales import: what each store's path was sent, and with which token.
    const received = new Map<string, Array<{ transaction: string; ts: number; zone: string; amount: number; items: number }>>();
    const tokens = new Set<string>();
    const http = createServer((req, res) => {
      let text = "";
      req.on("data", (c: Buffer) => (text += String(c)));
      req.on("end", () => {
        tokens.add(req.headers.authorization ?? "");
        const { sales } = JSON.parse(text) as { sales: [] };
        received.set(req.url!, [...(received.get(req.url!) ?? []), ...sales]);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ accepted: sales.length, duplicates: 0, rejected: [], rejectedCount: 0 }));
      });
    });
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    cleanup.push(() => new Promise<void>((r) => http.close(() => r())));
    writeFileSync(join(dir, "token"), "ff_tills\n");
    const err: string[] = [];
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const args = ["chain", "--stores", "2", "--seed", "6", "--mqtt-url", `mqtt://127.0.0.1:${server.port}`, "--speed", "60", "--duration", "3", "--backfill-hours", "24"];
    expect(await runCli([...args, "--sales-url", base, "--sales-token-file", join(dir, "token")], io([], err)), err.join("")).toBe(0);
    expect([...tokens]).toEqual(["Bearer ff_tills"]);
    expect([...received.keys()].sort()).toEqual(stores.map((s) => `/api/v1/stores/${s.store}/sales`));
    for (const s of stores) {
      const sales = received.get(`/api/v1/stores/${s.store}/sales`)!;
      const zones = new Set(s.layout.zones.filter((z) => z.kind === "zone" || z.kind === "other").map((z) => z.id as string));
      expect(new Set(sales.map((x) => x.transaction)).size, s.store).toBe(sales.length);
      for (const x of sales) {
        expect(zones.has(x.zone), `${s.store} ${x.zone}`).toBe(true);
        expect(x.amount).toBeGreaterThan(0);
        expect(x.ts).toBeLessThanOrEqual(Date.now());
      }
    }
    // Without a token, or with a URL that is none: exit 2 saying what to give.
    const noToken: string[] = [];
    expect(await runCli([...args, "--sales-url", base], io([], noToken))).toBe(2);
    expect(noToken.join("")).toMatch(/--sales-url needs an admin token: put it in a file given with --sales-token-file, or in env FOOTFALL_SALES_TOKEN/);
    const badUrl: string[] = [];
    expect(await runCli([...args, "--sales-url", "localhost:8080", "--sales-token-file", join(dir, "token")], io([], badUrl))).toBe(2);
    expect(badUrl.join("")).toMatch(/--sales-url localhost:8080: give the server's http\(s\) URL, e.g\. http:\/\/localhost:8080/);
    const noFile: string[] = [];
    expect(await runCli([...args, "--sales-url", base, "--sales-token-file", join(dir, "nope")], io([], noFile))).toBe(2);
    expect(noFile.join("")).toMatch(/cannot read the sales token file .*nope \(ENOENT\): check --sales-token-file/);
  });

  it("--sales-keep-dir: what a store's import has not taken at the stop waits in <dir>/<store>.sales.jsonl and goes first at the next run, each transaction once", async () => {
    const dir = tempDir();
    const stores = chainStores({ count: 2, seed: 6 });
    const server = await fakeServer(stores, null);
    cleanup.push(() => server.close());
    // The sales import: busy (503) during the first run, then storing each store's transactions, counting repeats.
    const { state, stored, base, close } = await testSalesImport((path, t) => `${path} ${t}`);
    cleanup.push(close);
    writeFileSync(join(dir, "token"), "ff_tills\n");
    const keep = join(dir, "keep");
    const args = (hours: number) => ["chain", "--stores", "2", "--seed", "6", "--mqtt-url", `mqtt://127.0.0.1:${server.port}`, "--speed", "60", "--duration", "2", "--backfill-hours", String(hours), "--drain", "1"];
    const sales = ["--sales-url", base, "--sales-token-file", join(dir, "token"), "--sales-keep-dir", keep];
    const err: string[] = [];
    // A whole day of history: each store is open in some of it whatever the hour of the run (6 h at 01:55 UTC
    // were night in store-0002's time zone: no sale, no file).
    expect(await runCli([...args(24), ...sales], io([], err)), err.join("")).toBe(0);
    const kept = new Map(stores.map((s) => [s.store, readFileSync(join(keep, `${s.store}.sales.jsonl`), "utf8").split("\n").filter((l) => l !== "").map((l) => (JSON.parse(l) as { transaction: string }).transaction)]));
    for (const s of stores) expect(kept.get(s.store)!.length, s.store).toBeGreaterThan(10);

    // The next run (no history this time), the import answering: every kept transaction arrives, once.
    state.busy = false;
    expect(await runCli([...args(0), ...sales], io([], err)), err.join("")).toBe(0);
    for (const s of stores) {
      const missing = kept.get(s.store)!.filter((t) => !stored.has(`/api/v1/stores/${s.store}/sales ${t}`));
      expect(missing, s.store).toEqual([]);
      expect(readFileSync(join(keep, `${s.store}.sales.jsonl`), "utf8"), s.store).toBe("");
    }
    expect([...stored.values()].filter((n) => n > 1)).toEqual([]);
    // Without --sales-url it has nothing to keep: exit 2 saying so.
    const alone: string[] = [];
    expect(await runCli([...args(0), "--sales-keep-dir", keep], io([], alone))).toBe(2);
    expect(alone.join("")).toMatch(/--sales-keep-dir without --sales-url/);
  });

  it("says which line of a credentials file is wrong", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "agents.jsonl"), '{"store":"store-0001","agent":"sim-1","username":"u","password":"p"}\n{"store":"store-0002"}\n');
    const err: string[] = [];
    expect(await runCli(["chain", "--stores", "2", "--credentials", join(dir, "agents.jsonl")], io([], err))).toBe(2);
    expect(err.join("")).toMatch(/agents\.jsonl line 2: expected \{"store","agent","username","password"\}/);
  });
});
