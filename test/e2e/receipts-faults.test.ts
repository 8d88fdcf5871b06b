/**
 * End-to-end receipts (DESIGN v1.1) under crashes, with real processes: Debian's `mosquitto` with
 * the shipped persistence settings (its memory reaches the disk only every 60 s), `footfall serve`
 * on it (FOOTFALL_MQTT_URL) or with its embedded broker, and a `footfall-edge sim` agent with a
 * durable outbox. One test per crash order; each kills with SIGKILL, restarts what was killed, lets
 * the stream go on, stops the agent cleanly, and counts the events lost and doubled against the
 * ledger of what the agent generated: 0 and 0.
 *
 * The ledger: event ids are `${agent}:${bootId}:${seq}`, seq counting from 0 in each boot, and the
 * outbox commits every event and the last id written before the source goes on; so the outbox file
 * read after each boot (killed or stopped) gives the last id of that boot, and the ledger is seq
 * 0..last of every boot. "Lost" is a ledger id missing from the server's database; "doubled" is an
 * acceptance beyond one per ledger id (the server's own count of accepted events minus the ledger
 * ids it stores) plus any stored id the agent never generated.
 *
 * FOOTFALL_TEST_RECEIPTS=off runs the same crashes with the agent settling by the broker's PUBACK,
 * as before v1.1 (the server then gets a few seconds to drain what the broker still holds before
 * the count): the tests fail and print what was lost. BENCHMARKS.md has both sets of figures.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { topics, type LayoutInput } from "@footfall/core";
import { readOutboxFile } from "../../edge/src/outbox-sqlite.js";
import {
  addAgent,
  addToken,
  brokerConfig,
  Child,
  connectMqtt,
  EDGE_CLI,
  FootfallApi,
  Mosquitto,
  mosquittoPubOk,
  REPO_ROOT,
  requireBuilt,
  requireTool,
  ServerProcess,
  sleep,
  tempDir,
  waitFor,
} from "../support/index.js";

const AGENT = "sim-1";
/** The agent's receipts mode: "auto" (the default), or "off" to measure the same crashes without receipts. */
const RECEIPTS = process.env.FOOTFALL_TEST_RECEIPTS ?? "auto";
const DEMO = JSON.parse(readFileSync(join(REPO_ROOT, "edge/examples/demo-layout.json"), "utf8")) as LayoutInput;

interface Boot {
  boot: string;
  last: number;
}
const bootOf = (id: string | null): Boot => {
  const m = /^[^:]+:([0-9a-z]+):(\d+)$/.exec(id ?? "");
  if (!m) throw new Error(`not an event id: ${id}`);
  return { boot: m[1]!, last: Number(m[2]) };
};

/** What one fault test measured, for BENCHMARKS.md. */
interface Measured {
  test: string;
  generated: number;
  lost: number;
  doubled: number;
  /** Copies the server received and dropped by id (resends after the crash). */
  duplicatesDropped: number;
  /** Events the agent held unsettled when something was killed (from its last status, or its outbox file), when known. */
  unsettledAtCrash: number | null;
}
const measured: Measured[] = [];

/** Everything one test runs: the broker (mosquitto, or the server's own), the server, the agent. */
class Rig {
  readonly dir = tempDir("footfall-receipts-");
  readonly serverDir = join(this.dir.path, "server");
  readonly agentDir = join(this.dir.path, "agent");
  readonly outboxFile = join(this.agentDir, `${AGENT}.outbox.sqlite`);
  readonly store = "receipts";
  readonly boots: Boot[] = [];
  mosquitto: Mosquitto | null = null;
  server!: ServerProcess;
  api!: FootfallApi;
  agent: Child | null = null;
  readonly serverUser = { username: "footfall-server", password: randomBytes(12).toString("hex") };
  private creds!: { username: string; password: string };
  private outputs: string[] = [];

  static async start(broker: "mosquitto" | "embedded"): Promise<Rig> {
    const rig = new Rig();
    mkdirSync(rig.serverDir, { recursive: true });
    mkdirSync(rig.agentDir, { recursive: true });
    rig.creds = await addAgent(rig.serverDir, rig.store, AGENT, "sim");
    if (broker === "mosquitto") {
      const files = await brokerConfig(rig.serverDir, join(rig.serverDir, "mosquitto"), rig.serverUser);
      rig.mosquitto = await Mosquitto.start({ passwordFile: files.passwd, aclFile: files.acl });
      rig.server = await ServerProcess.start({ dataDir: rig.serverDir, mqttUrl: rig.mosquitto.url, mqttUsername: rig.serverUser.username, mqttPassword: rig.serverUser.password });
    } else {
      rig.server = await ServerProcess.start({ dataDir: rig.serverDir });
    }
    rig.api = new FootfallApi(rig.server.httpUrl, await addToken(rig.serverDir, "admin"));
    await rig.api.putLayout(rig.store, { ...DEMO, store: rig.store, validFrom: 0 });
    return rig;
  }

  get brokerUrl(): string {
    return this.mosquitto?.url ?? this.server.mqttUrl;
  }

  /** A `footfall-edge sim` process on the durable outbox: a steady stream of a few hundred events a second. */
  startAgent(): Child {
    const configFile = join(this.agentDir, "sim.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        store: this.store,
        agent: AGENT,
        dataDir: this.agentDir,
        mqtt: { url: this.brokerUrl, username: this.creds.username, password: this.creds.password, reconnectMinMs: 100, reconnectMaxMs: 500 },
        batch: { flushAtEvents: 50, flushEveryMs: 50, maxInflight: 4 },
        receipts: RECEIPTS,
        // Short, so that a test does not wait the production 30 s for a resend.
        receiptTimeoutMs: 2000,
        receiptTimeoutMaxMs: 8000,
        statusEveryS: 1,
        shutdownTimeoutMs: 30_000,
        settings: { speed: 60, arrivalsPerHour: 1800, hourlyCurve: Array(24).fill(1), tickMs: 20, layoutWaitMs: 5000, positions: { enabled: true, everySeconds: 5 } },
      }),
    );
    const env = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith("FOOTFALL_")) delete env[k];
    this.agent = new Child("footfall-edge sim", process.execPath, [requireBuilt(EDGE_CLI), "sim", "--config", configFile], { cwd: REPO_ROOT, env });
    return this.agent;
  }

  /** Waits until the running agent's source is producing (so that a SIGTERM finds its handlers installed). */
  async agentStarted(): Promise<void> {
    const agent = this.agent!;
    await waitFor("the agent's source to start", () => /source started/.test(agent.output()), { timeoutMs: 20_000 }).catch((e: Error) => {
      throw new Error(`${e.message}\n${agent.output()}`);
    });
  }

  /** The agent's log so far (every boot). */
  agentOutput(): string {
    return [...this.outputs, this.agent?.output() ?? ""].join("\n");
  }

  /** Accepted events of the agent, as the server counts them. */
  async accepted(): Promise<number> {
    return (await this.api.agents(this.store)).agents.find((a) => a.agent === AGENT)?.events ?? 0;
  }

  /** Waits until the server has accepted `more` events beyond what it had. */
  async streamed(more: number, what: string): Promise<void> {
    const from = await this.accepted();
    await waitFor(`${what}: ${more} more events accepted (from ${from})`, async () => (await this.accepted()) >= from + more, { timeoutMs: 30_000 }).catch((e: Error) => {
      throw new Error(`${e.message}\n--- agent ---\n${this.agentOutput().slice(-4000)}\n--- server ---\n${this.server.output().slice(-3000)}`);
    });
  }

  /** The agent's retained status as the broker holds it (read as the server's user). */
  async agentStatus(): Promise<Record<string, number | string>> {
    const client = await connectMqtt({ url: this.mosquitto!.url, ...this.serverUser }, { clientId: `status-reader-${randomBytes(4).toString("hex")}`, clean: true });
    try {
      return await new Promise((resolve) => {
        client.on("message", (_t, payload) => resolve(JSON.parse(payload.toString()) as Record<string, number | string>));
        void client.subscribeAsync(topics.status(this.store, AGENT), { qos: 1 });
      });
    } finally {
      await client.endAsync(true);
    }
  }

  /** kill -9 the agent; returns the events it left in its outbox (sent or not, unsettled). */
  async killAgent(): Promise<number> {
    await this.agent!.kill9();
    this.outputs.push(this.agent!.output());
    const file = readOutboxFile(this.outboxFile);
    this.boots.push(bootOf(file.lastId));
    this.agent = null;
    return file.queued;
  }

  /**
   * Stop the agent cleanly (it waits for receipts of everything queued), then count its ledger
   * against the server's database. Settled means committed, so nothing is awaited on the server.
   */
  async finish(test: string, unsettledAtCrash: number | null): Promise<Measured> {
    const agent = this.agent!;
    await agent.stop("SIGTERM", 40_000);
    const out = this.agentOutput();
    expect(agent.exit?.code, out.slice(-4000)).toBe(0);
    expect(out, "the sim never emits an invalid event (its id would be in the ledger)").not.toMatch(/source emitted an invalid event/);
    const end = readOutboxFile(this.outboxFile);
    expect(end.queued, `nothing left unsettled after a clean stop\n${out.slice(-4000)}`).toBe(0);
    expect(end.dropped).toBe(0);
    this.boots.push(bootOf(end.lastId));
    // Settled by receipts means committed: the count is final at once. Settled by PUBACK, the
    // server may still be taking what the broker holds: give it until its count stops moving.
    if (RECEIPTS === "off") {
      let last = -1;
      await waitFor("the server's count to settle", async () => (last === (last = await this.accepted()) ? true : false), { timeoutMs: 60_000, intervalMs: 3000 });
    }

    const ledger = new Set(this.boots.flatMap((b) => Array.from({ length: b.last + 1 }, (_, seq) => `${AGENT}:${b.boot}:${String(seq).padStart(9, "0")}`)));
    const db = new Database(join(this.serverDir, "footfall.db"), { readonly: true, fileMustExist: true });
    let stored: string[];
    try {
      stored = (db.prepare("SELECT id FROM events WHERE store = ? AND agent = ?").all(this.store, AGENT) as { id: string }[]).map((r) => r.id);
    } finally {
      db.close();
    }
    const storedSet = new Set(stored);
    const info = (await this.api.agents(this.store)).agents.find((a) => a.agent === AGENT)!;
    const lostIds = [...ledger].filter((id) => !storedSet.has(id));
    const storedFromLedger = stored.filter((id) => ledger.has(id)).length;
    const strangers = stored.length - storedFromLedger;
    const m: Measured = {
      test,
      generated: ledger.size,
      lost: lostIds.length,
      doubled: info.events - storedFromLedger + strangers + (stored.length - storedSet.size),
      duplicatesDropped: info.duplicates,
      unsettledAtCrash,
    };
    measured.push(m);
    console.log(`receipts fault test "${test}": ${JSON.stringify(m)}`);
    expect(info.rejects, "the server rejected none of the agent's events").toBe(0);
    expect(lostIds.slice(0, 5), `lost ${lostIds.length} of ${ledger.size}`).toEqual([]);
    expect(m.doubled).toBe(0);
    return m;
  }

  async dispose(): Promise<void> {
    await this.agent?.stop("SIGKILL");
    await this.server?.dispose();
    await this.mosquitto?.dispose();
    this.dir.remove();
  }
}

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.dispose();
  rig = null;
});
afterAll(() => {
  if (measured.length) console.log(`receipts fault tests:\n${measured.map((m) => `  ${JSON.stringify(m)}`).join("\n")}`);
});

describe("receipts: a crash of the broker, the server or the agent, in any order, loses nothing and doubles nothing", () => {
  describe("with Debian's mosquitto (persistence as shipped)", () => {
    it("broker kill -9 while the server is up, mid-stream", async () => {
      requireTool("mosquitto");
      rig = await Rig.start("mosquitto");
      rig.startAgent();
      await rig.streamed(500, "the stream started");
      const before = await rig.agentStatus();
      await rig.mosquitto!.kill9();
      await sleep(1000);
      await rig.mosquitto!.start();
      await rig.streamed(500, "the stream after the broker restart");
      await rig.finish("broker kill -9, server up", Number(before.unsettled ?? 0));
    }, 90_000);

    it("broker kill -9 while the server is down, after the broker acknowledged events", async () => {
      requireTool("mosquitto");
      rig = await Rig.start("mosquitto");
      rig.startAgent();
      await rig.streamed(300, "the stream started");
      await rig.server.stop();
      const down = await rig.agentStatus();
      // The agent goes on publishing; the broker acknowledges and holds what the server's session will get.
      await waitFor("the broker to acknowledge 20 more batches with the server down", async () => Number((await rig!.agentStatus()).batchesSent) >= Number(down.batchesSent) + 20, {
        timeoutMs: 20_000,
        intervalMs: 500,
      });
      const atKill = await rig.agentStatus();
      if (RECEIPTS !== "off") expect(Number(atKill.unsettled), "events acknowledged by the broker but not settled").toBeGreaterThan(0);
      await rig.mosquitto!.kill9();
      await sleep(500);
      await rig.mosquitto!.start();
      await rig.server.restart();
      await rig.streamed(500, "the stream after both restarts");
      await rig.finish("broker kill -9, server down", Number(atKill.unsettled));
    }, 90_000);

    it("server kill -9 mid-stream", async () => {
      requireTool("mosquitto");
      rig = await Rig.start("mosquitto");
      rig.startAgent();
      await rig.streamed(500, "the stream started");
      const before = await rig.agentStatus();
      await rig.server.kill9();
      await sleep(1000);
      await rig.server.restart();
      await rig.streamed(500, "the stream after the server restart");
      await rig.finish("server kill -9", Number(before.unsettled ?? 0));
    }, 90_000);

    it("agent kill -9 with the server down, then everything restarted", async () => {
      requireTool("mosquitto");
      rig = await Rig.start("mosquitto");
      rig.startAgent();
      await rig.streamed(300, "the stream started");
      await rig.server.stop();
      await sleep(2000); // acknowledged by the broker, unsettled
      const left = await rig.killAgent();
      if (RECEIPTS !== "off") expect(left, "events waiting in the killed agent's outbox").toBeGreaterThan(0);
      await rig.mosquitto!.stop();
      await rig.mosquitto!.start();
      await rig.server.restart();
      rig.startAgent();
      await rig.agentStarted();
      await rig.streamed(left + 300, "the leftovers and the second boot's stream");
      await rig.finish("agent kill -9, server down", left);
    }, 90_000);

    it("an agent facing a server older than v1.1 (a retained layout without receipts: true) falls back to PUBACK and logs it once", async () => {
      requireTool("mosquitto");
      requireTool("mosquitto_pub");
      rig = await Rig.start("mosquitto");
      await rig.server.stop();
      // What an older server publishes: the layout alone.
      await mosquittoPubOk({
        url: rig.mosquitto!.url,
        ...rig.serverUser,
        topic: topics.layout(rig.store),
        retain: true,
        messages: [JSON.stringify({ ...DEMO, store: rig.store, version: 1, validFrom: 0 })],
      });
      const agent = rig.startAgent();
      await waitFor("the fallback warning", () => /falling back to the broker's PUBACK/.test(agent.output()), { timeoutMs: 20_000 });
      await waitFor("events settled by PUBACK", async () => Number((await rig!.agentStatus()).eventsSent) > 100, { timeoutMs: 20_000, intervalMs: 500 });
      expect((await rig.agentStatus()).settlement).toBe("puback");
      await agent.stop("SIGTERM", 20_000);
      expect(agent.exit?.code).toBe(0);
      expect(readOutboxFile(rig.outboxFile).queued, "settled by the broker's PUBACK").toBe(0);
      const warnings = agent.output().split("\n").filter((l) => /falling back to the broker's PUBACK/.test(l));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/WARN/);
    }, 60_000);
  });

  describe("with the server's embedded broker", () => {
    it("server kill -9 mid-stream (the broker dies with it)", async () => {
      rig = await Rig.start("embedded");
      rig.startAgent();
      await rig.streamed(500, "the stream started");
      await rig.server.kill9();
      await sleep(1000);
      await rig.server.restart();
      await rig.streamed(500, "the stream after the server restart");
      await rig.finish("embedded broker: server kill -9", null);
    }, 90_000);
  });
});
