/**
 * A chain server's shard sessions against one in-flight budget (Debian's mosquitto): a server whose
 * commits lag holds at most its budget of unacknowledged messages (the rest waits in the broker),
 * and once its commits go on it gets every message, each once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { pino } from "pino";
import { Mosquitto } from "../../../test/support/mosquitto.js";
import { connectMqtt } from "../../../test/support/mqtt.js";
import { TcpProxy } from "../../../test/support/proxy.js";
import { slowCommits } from "../../../test/support/slow-commits.js";
import { waitFor } from "../../../test/support/wait.js";
import { createLogger } from "../log.js";
import type { IngestMessage } from "../ingest/pipeline.js";
import { ConfigError } from "../config.js";
import { DEFAULT_STALL_MS, InflightBudget, ShardedBroker, stallMsFromEnv } from "./shard-mqtt.js";

const topic = (store: string, agent: string) => `footfall/v1/${store}/agents/${agent}/events`;
/** Every shard session connected now (connected() also counts one still connecting, within its grace). */
const allConnected = (b: ShardedBroker) => b.connected() && b.stalled().disconnected.length === 0;

describe("InflightBudget", () => {
  it("wakes waiting sessions oldest first, only while there is room", () => {
    const b = new InflightBudget({ bytes: 100, messages: 3 });
    const woken: string[] = [];
    const w = (name: string) => ({ resume: () => woken.push(name) });
    const [x, y] = [w("x"), w("y")];
    b.take(10);
    b.take(10);
    b.take(10);
    expect(b.spent()).toBe(true);
    b.wait(x);
    b.wait(y);
    b.release(10); // room again: both resume (neither took anything meanwhile)
    expect(woken).toEqual(["x", "y"]);
    expect(b.waiters()).toBe(0);
    b.take(95);
    expect(b.spent()).toBe(true);
    b.wait(x);
    b.release(95);
    expect(woken).toEqual(["x", "y", "x"]);
    expect(b.messages).toBe(2);
  });

  it("lets a session under its fair share read on while the budget is spent", () => {
    const b = new InflightBudget({ bytes: 1000, messages: 10 });
    b.sessions = 2; // a share of 5 messages and 500 bytes each
    for (let i = 0; i < 10; i++) b.take(10);
    expect(b.spent()).toBe(true);
    expect(b.allows(10, 100)).toBe(false); // the session that filled it
    expect(b.allows(4, 40)).toBe(true); // the other one, under its share
    expect(b.allows(5, 40)).toBe(false);
    expect(b.allows(1, 600)).toBe(false); // over its share of bytes
  });
});

describe("stallMsFromEnv", () => {
  it("reads FOOTFALL_CHAIN_STALL_S in seconds, off, or refuses saying what to write", () => {
    expect(stallMsFromEnv({})).toBe(DEFAULT_STALL_MS);
    expect(stallMsFromEnv({ FOOTFALL_CHAIN_STALL_S: "45" })).toBe(45_000);
    expect(stallMsFromEnv({ FOOTFALL_CHAIN_STALL_S: "off" })).toBe(0);
    for (const bad of ["0", "2", "abc", "99999"]) expect(() => stallMsFromEnv({ FOOTFALL_CHAIN_STALL_S: bad })).toThrow(/FOOTFALL_CHAIN_STALL_S must be .* or "off"/);
    // A setting to fix (the CLI's exit 2, which the systemd unit does not restart), not a failure a restart mends.
    expect(() => stallMsFromEnv({ FOOTFALL_CHAIN_STALL_S: "2" })).toThrow(ConfigError);
  });
});

describe("ShardedBroker: a server's unacknowledged messages are bounded by its budget (Debian's mosquitto)", () => {
  let broker: Mosquitto;
  let pub: MqttClient;
  beforeAll(async () => {
    broker = await Mosquitto.anonymous();
    pub = await connectMqtt({ url: broker.url, username: "", password: "" });
  });
  afterAll(async () => {
    await pub?.endAsync();
    await broker?.stop();
  });

  it("holds at most twice the budget while commits wait, a backlog does not stop another shard, then gets every message once", async () => {
    const held: IngestMessage[] = [];
    const seen: string[] = [];
    let mostHeld = 0;
    const sharded = await ShardedBroker.connect({
      url: broker.url,
      serverId: "budget-test",
      log: createLogger("silent"),
      budget: { bytes: 1024 * 1024, messages: 6 },
      handlers: {
        events: (m) => {
          held.push(m);
          seen.push(m.payload.toString());
          mostHeld = Math.max(mostHeld, held.length);
        },
        status: () => {},
        audit: () => {},
        reject: () => {},
        isKnownAgent: () => Promise.resolve(true),
      },
    });
    try {
      // Two shards' sessions (clean: false), one store each.
      void sharded.take(1, ["s1"]);
      void sharded.take(2, ["s2"]);
      await waitFor("both shard sessions connected", () => allConnected(sharded));
      await new Promise((r) => setTimeout(r, 300)); // the subscriptions
      const sent: string[] = [];
      const publish = async (store: string, i: number) => {
        const body = `${store}-${i}`;
        sent.push(body);
        await pub.publishAsync(topic(store, "a1"), body, { qos: 1 });
      };
      // A backlog on shard 1 (s1) fills the budget...
      for (let i = 0; i < 30; i++) await publish("s1", i);
      await waitFor("the budget filled", () => held.length >= 6);
      await new Promise((r) => setTimeout(r, 300));
      expect(held.filter((m) => m.store === "s1").length).toBe(6);
      // ...and shard 2's messages still come in, up to its share (3), though nothing is committed.
      for (let i = 30; i < 40; i++) await publish("s2", i);
      await waitFor("shard 2 reads on", () => held.filter((m) => m.store === "s2").length >= 3);
      await new Promise((r) => setTimeout(r, 300));
      expect(held.filter((m) => m.store === "s2").length).toBe(3);
      expect(held.length).toBeLessThanOrEqual(2 * 6);
      expect(sharded.budget.messages).toBe(held.length);
      // The commits go on: everything arrives, each message once.
      const release = () => {
        for (const m of held.splice(0)) m.done();
      };
      await waitFor("every message", () => (release(), seen.length >= sent.length), { timeoutMs: 20_000 });
      release();
      await new Promise((r) => setTimeout(r, 300));
      expect([...seen].sort()).toEqual([...sent].sort());
      expect(mostHeld).toBeLessThanOrEqual(2 * 6);
      expect(sharded.budget.messages).toBe(0);
    } finally {
      await sharded.close();
    }
  }, 60_000);

  it("closes a session stopped for room at once (it reads no PUBACK): the server's shutdown does not hang, and the next holder gets what was held", async () => {
    const handlers = (held: IngestMessage[]) => ({
      events: (m: IngestMessage) => void held.push(m),
      status: () => {},
      audit: () => {},
      reject: () => {},
      isKnownAgent: () => Promise.resolve(true),
    });
    const held: IngestMessage[] = [];
    const first = await ShardedBroker.connect({ url: broker.url, serverId: "stopped-close", log: createLogger("silent"), budget: { bytes: 1024 * 1024, messages: 3 }, handlers: handlers(held) });
    void first.take(7, ["s7"]);
    await waitFor("the shard session connected", () => allConnected(first));
    await new Promise((r) => setTimeout(r, 300)); // the subscription
    const sent: string[] = [];
    for (let i = 0; i < 10; i++) {
      sent.push(`s7-${i}`);
      await pub.publishAsync(topic("s7", "a1"), `s7-${i}`, { qos: 1 });
    }
    // Nothing is committed: the session stops for room with messages waiting.
    await waitFor("stopped for room", () => first.stalled().stopped.includes(7));
    // Before the fix this waited for ever for the PUBACK of "offline".
    await first.close();
    // The next holder of the shard (same session id) gets every message, the ones held unacknowledged included.
    const got: IngestMessage[] = [];
    const next = await ShardedBroker.connect({ url: broker.url, serverId: "stopped-close-next", log: createLogger("silent"), handlers: handlers(got) });
    try {
      void next.take(7, ["s7"]);
      await waitFor("every message at the next holder", () => {
        for (const m of got) m.done();
        return new Set(got.map((m) => m.payload.toString())).size >= sent.length;
      }, { timeoutMs: 20_000 });
      expect([...new Set(got.map((m) => m.payload.toString()))].sort()).toEqual([...sent].sort());
    } finally {
      await next.close();
    }
  }, 60_000);

  it("a session stopped for room past its keepalive times out, reconnects and reads again: every message arrives (the stall seen once did not recur here)", async () => {
    const held: IngestMessage[] = [];
    const seen: string[] = [];
    let hold = true;
    const sharded = await ShardedBroker.connect({
      url: broker.url,
      serverId: "keepalive-test",
      log: createLogger("silent"),
      keepaliveS: 1, // mqtt.js reads no PINGRESP while stopped: a keepalive timeout and a reconnect, as in the bench run
      stallMs: 0,
      maxInflight: 3,
      budget: { bytes: 1024 * 1024, messages: 3 },
      handlers: {
        events: (m) => {
          seen.push(m.payload.toString());
          if (hold) held.push(m);
          else m.done();
        },
        status: () => {},
        audit: () => {},
        reject: () => {},
        isKnownAgent: () => Promise.resolve(true),
      },
    });
    try {
      void sharded.take(5, ["s5"]);
      await waitFor("connected", () => allConnected(sharded));
      await new Promise((r) => setTimeout(r, 300));
      const sent: string[] = [];
      const publish = async (i: number) => {
        sent.push(`s5-${i}`);
        await pub.publishAsync(topic("s5", "a1"), `s5-${i}`, { qos: 1 });
      };
      for (let i = 0; i < 20; i++) await publish(i);
      await waitFor("stopped for room", () => sharded.stalled().stopped.includes(5));
      await new Promise((r) => setTimeout(r, 4000)); // past the keepalive, stopped: it times out and reconnects
      hold = false;
      for (const m of held.splice(0)) m.done(); // the commits come back (some after the reconnect)
      for (let i = 20; i < 30; i++) await publish(i);
      await waitFor("every message", () => sent.every((b) => seen.includes(b)), { timeoutMs: 20_000 });
      await waitFor("nothing held", () => sharded.budget.messages === 0 && sharded.stalled().stopped.length === 0);
    } finally {
      await sharded.close();
    }
  }, 60_000);

  it("a session that reads and commits steadily while stopped for room keeps its connection past its keepalive: nothing is delivered twice", async () => {
    // One commit every 40 ms: the session is stopped for room nearly all the time, its socket full of messages.
    const ingest = slowCommits(40);
    const sharded = await ShardedBroker.connect({
      url: broker.url,
      serverId: "keepalive-busy",
      log: createLogger("silent"),
      keepaliveS: 1, // a ping after 1 s, a timeout 1.5 s after the last sign of life
      stallMs: 0,
      budget: { bytes: 1024 * 1024, messages: 3 },
      handlers: ingest.handlers,
    });
    try {
      void sharded.take(6, ["s6"]);
      await waitFor("connected", () => allConnected(sharded));
      await new Promise((r) => setTimeout(r, 300));
      const sent: string[] = [];
      for (let i = 0; i < 120; i++) {
        sent.push(`s6-${i}`);
        await pub.publishAsync(topic("s6", "a1"), `s6-${i}`, { qos: 1 });
      }
      await waitFor("stopped for room", () => sharded.stalled().stopped.includes(6));
      // ~5 s of reading behind the backlog: over three keepalives. Before, the PINGRESP waited behind the messages,
      // the session timed out, reconnected, and the broker sent what it held again.
      await waitFor("every message", () => sent.every((b) => ingest.seen.has(b)), { timeoutMs: 30_000 });
      await waitFor("nothing held", () => sharded.budget.messages === 0);
      expect(ingest.copies()).toEqual([]);
      expect(ingest.seen.size).toBe(sent.length);
    } finally {
      ingest.stop();
      await sharded.close();
    }
  }, 60_000);

  it("messages whose commit failed are delivered again: the watchdog reconnects their session a quarter of the stall time later", async () => {
    const seen = new Map<string, number>();
    const sharded = await ShardedBroker.connect({
      url: broker.url,
      serverId: "failed-test",
      log: createLogger("silent"),
      stallMs: 0,
      handlers: {
        events: (m) => {
          const body = m.payload.toString();
          const n = (seen.get(body) ?? 0) + 1;
          seen.set(body, n);
          // The first delivery's commit fails (the database refused it); the copy commits.
          m.done(n === 1 ? new Error("commit failed") : undefined);
        },
        status: () => {},
        audit: () => {},
        reject: () => {},
        isKnownAgent: () => Promise.resolve(true),
      },
    });
    try {
      void sharded.take(6, ["s6"]);
      await waitFor("connected", () => allConnected(sharded));
      await new Promise((r) => setTimeout(r, 300));
      const sent = ["s6-0", "s6-1", "s6-2"];
      for (const body of sent) await pub.publishAsync(topic("s6", "a1"), body, { qos: 1 });
      await waitFor("the first deliveries failed", () => sent.every((b) => seen.get(b) === 1));
      expect(sharded.budget.messages).toBe(0);
      // Nothing is held, so nothing looks stuck; the failed ones wait a quarter of the stall time (15 of 60 s) first.
      expect(sharded.reconnectStalled(60_000)).toEqual([]);
      expect(sharded.reconnectStalled(60_000, performance.now() + 20_000)).toEqual([6]);
      await waitFor("each delivered again and committed", () => sent.every((b) => seen.get(b) === 2), { timeoutMs: 20_000 });
      expect(sharded.reconnectStalled(60_000, performance.now() + 20_000)).toEqual([]);
      expect(sharded.stallReconnects).toBe(1);
    } finally {
      await sharded.close();
    }
  }, 60_000);

  it("the stall watchdog reconnects a session whose messages are never settled: the broker delivers them again, the budget is given back, and it is counted", async () => {
    // The first delivery of each message is never committed (the stall seen once in a bench run: a session that never read again).
    const firstDelivery: IngestMessage[] = [];
    const seen = new Map<string, number>();
    const reconnected: number[] = [];
    const sharded = await ShardedBroker.connect({
      url: broker.url,
      serverId: "stall-test",
      log: createLogger("silent"),
      stallMs: 0, // the timer off: the test calls the watchdog's check itself, with a clock of its own
      onStallReconnect: (shard) => reconnected.push(shard),
      handlers: {
        events: (m) => {
          const body = m.payload.toString();
          const n = (seen.get(body) ?? 0) + 1;
          seen.set(body, n);
          if (n === 1) firstDelivery.push(m);
          else m.done();
        },
        status: () => {},
        audit: () => {},
        reject: () => {},
        isKnownAgent: () => Promise.resolve(true),
      },
    });
    try {
      void sharded.take(3, ["s3"]);
      void sharded.take(4, ["s4"]); // holds nothing: never reconnected
      await waitFor("both shard sessions connected", () => allConnected(sharded));
      await new Promise((r) => setTimeout(r, 300)); // the subscriptions
      const sent = ["s3-0", "s3-1", "s3-2", "s3-3", "s3-4"];
      for (const body of sent) await pub.publishAsync(topic("s3", "a1"), body, { qos: 1 });
      await waitFor("the first deliveries held", () => firstDelivery.length === sent.length);
      expect(sharded.budget.messages).toBe(5);
      // Not stuck yet: the session took messages just now.
      expect(sharded.reconnectStalled(60_000)).toEqual([]);
      // Two minutes later nothing was read or settled: shard 3 is reconnected, shard 4 (nothing held) is not.
      expect(sharded.reconnectStalled(60_000, performance.now() + 120_000)).toEqual([3]);
      expect(reconnected).toEqual([3]);
      expect(sharded.stallReconnects).toBe(1);
      expect(sharded.budget.messages).toBe(0); // what the dropped session held is given back at once
      // The new session gets the five again from the broker, and settles them.
      await waitFor("every message delivered again", () => sent.every((b) => seen.get(b) === 2), { timeoutMs: 20_000 });
      expect(sharded.shards()).toEqual([3, 4]);
      await waitFor("the second deliveries settled", () => sharded.budget.messages === 0);
      // The stuck commits coming back late give nothing back twice and acknowledge nothing.
      for (const m of firstDelivery) m.done();
      expect(sharded.budget.messages).toBe(0);
      expect(sharded.budget.bytes).toBe(0);
      expect(sharded.reconnectStalled(60_000, performance.now() + 120_000)).toEqual([]);
      // Settled for good: a session opened again gets nothing more of them.
      void sharded.take(3, ["s3"]);
      await waitFor("shard 3 connected again", () => allConnected(sharded));
      await pub.publishAsync(topic("s3", "a1"), "s3-5", { qos: 1 });
      await waitFor("the next message", () => seen.get("s3-5") === 1);
      expect(sent.map((b) => seen.get(b))).toEqual([2, 2, 2, 2, 2]);
    } finally {
      await sharded.close();
    }
  }, 60_000);
});

describe("ShardedBroker.connected(): a shard session opening is not a broken link (Debian's mosquitto)", () => {
  let broker: Mosquitto;
  let proxy: TcpProxy;
  beforeAll(async () => {
    broker = await Mosquitto.anonymous();
    proxy = await TcpProxy.start(Number(new URL(broker.url).port));
  });
  afterAll(async () => {
    await proxy?.close();
    await broker?.stop();
  });

  it("counts a session taken over and not yet connected as connected for its grace, then as disconnected, and tells the taker so", async () => {
    const lines: string[] = [];
    const log = pino({ level: "warn" }, { write: (line: string) => void lines.push(line) });
    const sharded = await ShardedBroker.connect({
      url: proxy.url,
      serverId: "grace-test",
      log,
      connectGraceMs: 1_500,
      handlers: { events: (m) => m.done(), status: () => {}, audit: () => {}, reject: () => {}, isKnownAgent: () => Promise.resolve(true) },
    });
    try {
      const five = sharded.take(5, ["s5"]);
      await waitFor("shard 5 connected", () => allConnected(sharded));
      // A new session (the broker kept none for footfall-shard-05).
      expect(await five).toEqual({ connected: true, sessionPresent: false, gone: false });
      // The broker's answers stop reaching this server: a session opened now (a dead server's shard taken over) waits for its CONNACK.
      proxy.dropDownstream = true;
      const six = sharded.take(6, ["s6"]);
      expect(sharded.stalled().disconnected).toEqual([6]);
      // Connecting, within its grace: the server's link is not down (the survivor of a kill -9 answered 503 to its balancer's health checks here).
      expect(sharded.connected()).toBe(true);
      expect(sharded.connected(performance.now() + 1_000)).toBe(true);
      // Past its grace, still without a connection: it is.
      expect(sharded.connected(performance.now() + 1_600)).toBe(false);
      // The taker hears it after the grace (the chain's node says so in its line for the shards taken, a warning).
      expect(await six).toEqual({ connected: false, sessionPresent: null, gone: false });
      expect(sharded.connected()).toBe(false);
      expect(lines).toEqual([]);
    } finally {
      proxy.dropDownstream = false;
      await sharded.close();
    }
  }, 30_000);
});

describe("shard sessions when the broker restarts without persistence (Debian's mosquitto)", () => {
  it("say the outage once for all the sessions, not at every try nor a line a session, and report each session the broker took back without it", async () => {
    const broker = await Mosquitto.anonymous();
    const lines: { level: number; msg: string; shards?: number[]; err?: string; awayS?: number }[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) });
    const lost: number[] = [];
    const sharded = await ShardedBroker.connect({
      url: broker.url,
      serverId: "restart-test",
      log,
      onSessionLost: (shard) => lost.push(shard),
      handlers: { events: (m) => m.done(), status: () => {}, audit: () => {}, reject: () => {}, isKnownAgent: () => Promise.resolve(true) },
    });
    try {
      const opened = await Promise.all([1, 2, 3].map((shard) => sharded.take(shard, [`s${shard}`])));
      expect(opened.map((o) => o.connected)).toEqual([true, true, true]);
      // Their openings are said by the taker (ClusterNode's one line for the shards taken), not one line each.
      expect(lines.filter((l) => /shard session/.test(l.msg))).toEqual([]);
      await broker.kill9();
      // mqtt.js tries every second: three or four tries each.
      await new Promise((r) => setTimeout(r, 3_500));
      await broker.start();
      await waitFor("the sessions back", () => allConnected(sharded) && lost.length === 3, { timeoutMs: 10_000 });
      await waitFor("the line saying they are back", () => lines.some((l) => /^shard sessions connected/.test(l.msg)), { timeoutMs: 5_000 });
      // One line for the three sessions' outage, one for their return, and one for each answer of their failed tries
      // (the same answer, ECONNREFUSED, once for the three; a reset socket at the kill may come first).
      const shardLines = lines.filter((l) => /shard sessions/.test(l.msg));
      const said = (msg: string) => shardLines.filter((l) => l.msg === msg).map((l) => l.shards);
      expect(said("shard sessions reconnecting to the MQTT broker (they try every second until it is back)")).toEqual([[1, 2, 3]]);
      expect(said("shard sessions connected to the MQTT broker again")).toEqual([[1, 2, 3]]);
      const errors = shardLines.filter((l) => /^(MQTT error on shard sessions|shard sessions: the MQTT broker does not answer)/.test(l.msg));
      expect(errors.filter((l) => /ECONNREFUSED/.test(l.err ?? "")).map((l) => l.shards)).toEqual([[1, 2, 3]]);
      // The broker was there a moment ago: said to be away, not the URL or credentials to be checked.
      expect(errors.filter((l) => /ECONNREFUSED/.test(l.err ?? "")).map((l) => l.msg)).toEqual([expect.stringMatching(/^shard sessions: the MQTT broker does not answer \(restarting or stopped\?\)/)]);
      expect(new Set(errors.map((l) => l.err)).size).toBe(errors.length);
      expect(shardLines.find((l) => /connected to the MQTT broker again/.test(l.msg))!.awayS).toBeGreaterThanOrEqual(3);
      // The server's publishing client says its own outage once too.
      expect(lines.filter((l) => /^reconnecting to the MQTT broker/.test(l.msg))).toHaveLength(1);
      expect(lines.filter((l) => l.msg === "connected to the MQTT broker again")).toHaveLength(1);
      // Back without their sessions: each reported (the chain's node sends the stores' retained messages again, in one line).
      expect(lost.sort()).toEqual([1, 2, 3]);
    } finally {
      await sharded.close();
      await broker.dispose();
    }
  }, 30_000);
});
