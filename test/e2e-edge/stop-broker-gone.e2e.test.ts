/**
 * A `footfall-edge` agent stopped (SIGTERM) while its broker is gone ends within its shutdownTimeoutMs
 * and keeps every event it could not send in its durable outbox, sent at its next start. Two ways a
 * broker goes: silent (the TCP link stays open, nothing comes back: no PUBACK, no close), and down
 * (the link cut, connections refused). Real child processes (`footfall-edge door` with its HTTP push
 * input, `footfall-edge sim`), a real Aedes broker behind a TCP proxy the test silences or cuts. The
 * events left are counted in the outbox file after the stop and found, each once, at the broker after
 * the next start. Ports: the door's push input 20930-20931, the rest the system's free ones.
 */
import { type AddressInfo, createServer, type Server } from "node:net";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Aedes } from "aedes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeBatch } from "@footfall/core";
import { Child, EDGE_CLI, REPO_ROOT, requireBuilt, TcpProxy, tempDir, waitFor } from "../support/index.js";

const STORE = "gone";
const dir = tempDir("footfall-edge-stop-gone-");
let broker: Aedes;
let server: Server;
let proxy: TcpProxy;
/** Event ids the broker received (and acknowledged), per agent. */
const received = new Map<string, string[]>();
const children: Child[] = [];

beforeAll(async () => {
  broker = await Aedes.createBroker();
  broker.on("publish", (p) => {
    const m = /^footfall\/v1\/[^/]+\/agents\/([^/]+)\/events$/.exec(p.topic);
    if (!m) return;
    const batch = decodeBatch(p.payload, (b) => Buffer.from(b).toString("utf8"));
    if (!batch.ok) return;
    const ids = received.get(m[1]!) ?? [];
    for (const e of batch.value.events) ids.push(e.id);
    received.set(m[1]!, ids);
  });
  server = createServer({ noDelay: true }, broker.handle);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  proxy = await TcpProxy.start((server.address() as AddressInfo).port);
});
afterAll(async () => {
  for (const c of children) if (c.exit === null) c.proc.kill("SIGKILL");
  await proxy?.close();
  await new Promise<void>((r) => server.close(() => r()));
  await new Promise<void>((r) => broker.close(() => r()));
  dir.remove();
});

/** The agent's config file: durable outbox in the test's folder, PUBACK settles (no server here), a 2-s stop bound. */
function config(agent: string, settings: unknown): string {
  const file = join(dir.path, `${agent}.json`);
  writeFileSync(
    file,
    JSON.stringify({ store: STORE, agent, dataDir: dir.path, receipts: "off", shutdownTimeoutMs: 2000, mqtt: { url: proxy.url, reconnectMinMs: 100 }, batch: { flushEveryMs: 50 }, settings }),
  );
  return file;
}

function start(kind: string, file: string): Child {
  const env: NodeJS.ProcessEnv = { ...process.env, FOOTFALL_LOG_LEVEL: "info" };
  for (const k of Object.keys(env)) if (k.startsWith("FOOTFALL_") && k !== "FOOTFALL_LOG_LEVEL") delete env[k];
  const child = new Child(`footfall-edge ${kind}`, process.execPath, [requireBuilt(EDGE_CLI), kind, "--config", file], { cwd: REPO_ROOT, env });
  children.push(child);
  return child;
}

/** The ids of the events in the agent's durable outbox file. */
function outboxIds(agent: string): string[] {
  const db = new Database(join(dir.path, `${agent}.outbox.sqlite`), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT body FROM outbox ORDER BY seq").all() as { body: string }[]).map((r) => (JSON.parse(r.body) as { id: string }).id);
  } finally {
    db.close();
  }
}

/** SIGTERM, and the process must end by itself (a generous bound: the machine is shared; SIGKILL only after it). */
async function stopByItself(child: Child): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  child.proc.kill("SIGTERM");
  await waitFor(`${child.name} to end after SIGTERM`, () => child.exit !== null, { timeoutMs: 30_000, intervalMs: 50 }).catch((e: Error) => {
    throw new Error(`${e.message}\n${child.output().slice(-3000)}`);
  });
  return child.exit!;
}

/** The agent's next start with the broker back: each event left in the outbox reaches the broker, once; the outbox empties. */
async function nextStartSends(kind: string, agent: string, file: string, left: string[]): Promise<void> {
  proxy.dropDownstream = false;
  proxy.restore();
  // Only what arrives from now on (a silent broker took some of them unacknowledged before: those come again).
  const from = (received.get(agent) ?? []).length;
  const since = () => (received.get(agent) ?? []).slice(from);
  const again = start(kind, file);
  try {
    await waitFor(`the ${left.length} events left to reach the broker`, () => left.every((id) => since().includes(id)), { timeoutMs: 30_000, intervalMs: 100 }).catch(
      (e: Error) => {
        throw new Error(`${e.message}\n${again.output().slice(-3000)}`);
      },
    );
  } finally {
    await again.stop("SIGTERM", 10_000);
  }
  const got = since();
  expect(left.filter((id) => got.filter((g) => g === id).length !== 1)).toEqual([]);
}

const PUSH_PORT = 20930;
const push = (port: number, body: unknown) =>
  fetch(`http://127.0.0.1:${port}/count`, { method: "POST", headers: { authorization: "Bearer a-door-counter-secret", "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.status);

describe("footfall-edge stopped with its broker gone", () => {
  for (const [how, gone] of [
    ["silent (the link open, nothing answered)", () => void (proxy.dropDownstream = true)],
    ["down (the link cut, connections refused)", () => proxy.cut()],
  ] as const) {
    it(`door, broker ${how}: ends by itself after SIGTERM; the counts it could not send stay in its outbox and go at the next start`, async () => {
      const agent = how.startsWith("silent") ? "door-silent" : "door-down";
      const port = how.startsWith("silent") ? PUSH_PORT : PUSH_PORT + 1;
      const file = config(agent, { zone: "entrance", input: "http", reportEverySeconds: 1, http: { host: "127.0.0.1", port, secret: "a-door-counter-secret", mapping: { in: "entries", out: "exits" } } });
      proxy.dropDownstream = false;
      proxy.restore();
      const door = start("door", file);
      await waitFor("the door's first count at the broker", async () => {
        await push(port, { entries: 1, exits: 0 }).catch(() => 0);
        return (received.get(agent) ?? []).length > 0;
      }, { timeoutMs: 30_000, intervalMs: 300 }).catch((e: Error) => {
        throw new Error(`${e.message}\n${door.output().slice(-3000)}`);
      });
      gone();
      // Counts made while the broker is gone: at least two reports' worth wait in the outbox.
      const before = (received.get(agent) ?? []).length;
      for (let i = 0; i < 3; i++) {
        expect(await push(port, { entries: 2, exits: 1 })).toBe(204);
        await new Promise((r) => setTimeout(r, 1100));
      }
      const exit = await stopByItself(door);
      const out = door.output();
      expect(exit.signal, out.slice(-3000)).toBeNull();
      const left = outboxIds(agent);
      const sentMeanwhile = (received.get(agent) ?? []).slice(before);
      // The broker received nothing new while silent or down (a silent one took them, unacknowledged: they stay queued).
      if (how.startsWith("down")) expect(sentMeanwhile).toEqual([]);
      expect(left.length, out.slice(-3000)).toBeGreaterThanOrEqual(2);
      expect(out).toContain("they stay in the durable outbox and go out at the next start");
      if (how.startsWith("silent")) expect(out).toContain("gave up waiting for the broker after shutdownTimeoutMs (2000 ms)");
      await nextStartSends("door", agent, file, left);
    }, 120_000);
  }

  it("sim, broker silent: ends by itself after SIGTERM; what it could not send stays in its outbox and goes at the next start", async () => {
    const agent = "sim-silent";
    const file = config(agent, { speed: 600, seed: 7, startHour: 12, startOpen: true, followClock: false, arrivalsPerHour: 600, layoutWaitMs: 200, backfillHours: 0 });
    proxy.dropDownstream = false;
    proxy.restore();
    const sim = start("sim", file);
    await waitFor("the simulator's events at the broker", () => (received.get(agent) ?? []).length > 20, { timeoutMs: 30_000, intervalMs: 100 }).catch((e: Error) => {
      throw new Error(`${e.message}\n${sim.output().slice(-3000)}`);
    });
    proxy.dropDownstream = true;
    await new Promise((r) => setTimeout(r, 1500));
    const exit = await stopByItself(sim);
    const out = sim.output();
    expect(exit.signal, out.slice(-3000)).toBeNull();
    const left = outboxIds(agent);
    expect(left.length, out.slice(-3000)).toBeGreaterThan(0);
    expect(out).toContain("gave up waiting for the broker after shutdownTimeoutMs (2000 ms)");
    await nextStartSends("sim", agent, file, left);
  }, 120_000);
});
