/**
 * An agent whose process is alive but whose source stalls says so in its status: the real Agent on a
 * real Aedes broker, with the real camera source reading a real ffmpeg (a clip that ends: no frame
 * any more) and the real door source on a serial device that is not there (failing and restarting).
 * The retained status carries `inputAgeMs` / `sourceDownMs`, and core's rule flags it "stalled".
 * The agent's clock runs 30 times real time, so a minute passes in two seconds.
 */
import net, { type AddressInfo } from "node:net";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Aedes } from "aedes";
import mqtt from "mqtt";
import { Value } from "@sinclair/typebox/value";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { agentProblems, agentRejectsOf, agentStatusValidator, recentInputOf, refusingDetail, stalledDetail, topics, type AgentInput, type AgentKind } from "@footfall/core";
import { Agent } from "./agent.js";
import { validateConfig } from "./config.js";
import { silentLogger } from "./log.js";
import type { Source } from "./source.js";
import { createCameraSource, type CameraSource } from "./sources/camera/camera.js";
import { CameraSettingsSchema } from "./sources/camera/settings.js";
import { DoorSettingsSchema, DoorSource } from "./sources/door/index.js";

const STORE = "shop-1";
/** The agent's clock: 30 s a second. */
const SPEED = 30;

async function startBroker() {
  const broker = await Aedes.createBroker();
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async close(): Promise<void> {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}

/** The retained status as a fresh subscriber (the server) reads it. */
async function retainedStatus(port: number, agent: string): Promise<Record<string, unknown>> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `observer-${Math.random()}` });
  try {
    const message = new Promise<Record<string, unknown>>((resolve) =>
      client.on("message", (_t, payload) => resolve(JSON.parse(payload.toString()) as Record<string, unknown>)),
    );
    await client.subscribeAsync(topics.status(STORE, agent), { qos: 1 });
    return await message;
  } finally {
    await client.endAsync();
  }
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What the server reads from such a status (server/src/agent-info's inputOf), for core's rule. */
const inputOf = (s: Record<string, unknown>): AgentInput => ({
  unit: typeof s.inputUnit === "string" ? s.inputUnit : null,
  ageMs: typeof s.inputAgeMs === "number" ? s.inputAgeMs : null,
  downMs: typeof s.sourceDownMs === "number" ? s.sourceDownMs : null,
  restarts: typeof s.sourceRestarts === "number" ? s.sourceRestarts : null,
});
const problemsOf = (kind: AgentKind, s: Record<string, unknown>) =>
  agentProblems(
    { state: "online", kind, input: inputOf(s), recentInput: recentInputOf(s), lagMs: null, lastEventTs: null, lastStatusTs: null, lastHeardAt: Number(s.ts) },
    30_000,
    Number(s.ts),
  );

let broker: Awaited<ReturnType<typeof startBroker>> | null = null;
let agent: Agent<unknown> | null = null;
afterEach(async () => {
  await agent?.stop("test over");
  await broker?.close();
  agent = null;
  broker = null;
});

function startAgent<S>(name: string, kind: AgentKind, source: Source<S>, settings: S) {
  const result = validateConfig(
    { store: STORE, agent: name, statusEveryS: 1, mqtt: { url: `mqtt://127.0.0.1:${broker!.port}`, reconnectMinMs: 100, reconnectMaxMs: 400 } },
    kind,
    {},
    () => ({
      value: settings,
      problems: [],
    }),
  );
  if (!result.ok) throw new Error(result.problems.join("\n"));
  const t0 = Date.now();
  const a = new Agent<S>({
    config: result.config,
    source,
    log: silentLogger,
    now: () => t0 + (Date.now() - t0) * SPEED,
    sourceBackoff: { minMs: 50, maxMs: 200 },
  });
  agent = a as Agent<unknown>;
  a.start();
  return a;
}

describe("an agent whose source stalls", () => {
  let dir: string;
  let clip: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "footfall-stall-"));
    clip = path.join(dir, "clip.mp4");
    const r = spawnSync("ffmpeg", ["-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-t", "2", "-pix_fmt", "yuv420p", clip]);
    if (r.error || r.status !== 0) throw new Error(`ffmpeg could not make a clip (apt-get install ffmpeg): ${r.error?.message ?? r.stderr.toString()}`);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it("a camera whose ffmpeg gives no frame any more: its status says how long since the last frame, and it is flagged once that is over a minute", async () => {
    broker = await startBroker();
    const source: CameraSource = createCameraSource({
      detector: async () => ({ backend: "fake", pending: 0, detect: async () => [], dispose: async () => {} }),
    });
    const settings = Value.Default(CameraSettingsSchema, {
      input: clip,
      realtime: true,
      loop: false,
      fps: 10,
      width: 160,
      height: 120,
      appearance: false,
      restartMinMs: 20,
      restartMaxMs: 80,
    });
    const a = startAgent("cam-1", "camera", source, settings as never);
    // Frames come: the input is a few agent-clock seconds old at most, and nothing is flagged.
    await waitFor("frames", () => source.stats().framesProcessed >= 5);
    const live = a.status("online");
    expect(live).toMatchObject({ inputUnit: "frame", sourceDownMs: 0 });
    expect(live.inputAgeMs as number).toBeLessThan(60_000);
    expect(problemsOf("camera", live)).toEqual([]);
    // The clip ends (as a camera whose stream gives nothing any more): the process and its statuses go on.
    await source.finished();
    await waitFor("a status a minute after the last frame", async () => Number((await retainedStatus(broker!.port, "cam-1")).inputAgeMs) > 60_000);
    const stalled = await retainedStatus(broker.port, "cam-1");
    expect(agentStatusValidator.problems(stalled)).toEqual([]);
    expect(stalled).toMatchObject({ state: "online", kind: "camera", inputUnit: "frame", sourceDownMs: 0 });
    expect(problemsOf("camera", stalled)).toEqual(["stalled"]);
    expect(stalledDetail({ state: "online", kind: "camera", input: inputOf(stalled) })).toMatch(/^no frame for [1-9] min$/);
  });

  it("a door counter whose serial device is gone keeps failing and restarting: its status says for how long, and it is flagged once that is over a minute", async () => {
    broker = await startBroker();
    const settings = Value.Default(DoorSettingsSchema, { zone: "entrance", input: "serial", serial: { path: path.join(dir, "ttyUSB9") } });
    const a = startAgent("door-1", "door", new DoorSource(), settings as never);
    await waitFor("a status of a source down for over a minute", async () => Number((await retainedStatus(broker!.port, "door-1")).sourceDownMs) > 60_000);
    const down = await retainedStatus(broker.port, "door-1");
    expect(agentStatusValidator.problems(down)).toEqual([]);
    expect(down.state).toBe("online");
    // A door counter does not say its input's age (quiet while nobody passes): only its failing link counts.
    expect(down.inputAgeMs).toBeUndefined();
    expect(down.sourceRestarts as number).toBeGreaterThan(3);
    expect(problemsOf("door", down)).toEqual(["stalled"]);
    expect(stalledDetail({ state: "online", kind: "door", input: inputOf(down) })).toMatch(/^source restarting for [1-9] min \(\d+ restarts\)$/);
    expect(a.metrics().connected).toBe(true);
  });

  it("a door counter's refused pushes are in its retained status (agentRejects.*), as the server reads them", async () => {
    broker = await startBroker();
    const door = new DoorSource();
    const secret = "door-secret-door-secret";
    const settings = Value.Default(DoorSettingsSchema, { zone: "entrance", input: "http", http: { host: "127.0.0.1", port: 0, secret, mapping: { in: "in", out: "out" } } });
    startAgent("door-2", "door", door, settings as never);
    await waitFor("the push endpoint", () => door.httpPort !== null);
    const push = (auth: string, body: string) => fetch(`http://127.0.0.1:${door.httpPort}/count`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${auth}` }, body });
    expect((await push("an-old-secret-of-the-sensor", '{"in":1,"out":0}')).status).toBe(401);
    expect((await push(secret, '{"in":"many"}')).status).toBe(400);
    expect((await push(secret, '{"in":2,"out":1}')).status).toBe(204);
    await waitFor("a status saying the refused pushes", async () => (await retainedStatus(broker!.port, "door-2"))["agentRejects.refused_push"] === 2);
    const status = await retainedStatus(broker.port, "door-2");
    expect(agentStatusValidator.problems(status)).toEqual([]);
    expect(agentRejectsOf(status)).toEqual({ refused_push: 2 });
  });

  it("a door counter refusing most of what it reads now says so in its status (recentRead, recentRefused), and is flagged refusing input", async () => {
    // A sensor left with an old secret: every push refused. Before, its status carried only the count
    // since the agent started, which no rule read: no agent needed attention.
    broker = await startBroker();
    const door = new DoorSource();
    const secret = "door-secret-door-secret";
    const settings = Value.Default(DoorSettingsSchema, { zone: "entrance", input: "http", http: { host: "127.0.0.1", port: 0, secret, mapping: { in: "in", out: "out" } } });
    startAgent("door-3", "door", door, settings as never);
    await waitFor("the push endpoint", () => door.httpPort !== null);
    const push = (auth: string) => fetch(`http://127.0.0.1:${door.httpPort}/count`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${auth}` }, body: '{"in":1,"out":0}' });
    expect((await push(secret)).status).toBe(204);
    for (let i = 0; i < 12; i++) expect((await push("an-old-secret-of-the-sensor")).status).toBe(401);
    await waitFor("a status saying the refused pushes", async () => (await retainedStatus(broker!.port, "door-3"))["agentRejects.refused_push"] === 12);
    const status = await retainedStatus(broker.port, "door-3");
    expect(agentStatusValidator.problems(status)).toEqual([]);
    expect(status).toMatchObject({ recentRead: 13, recentRefused: 12 });
    expect(problemsOf("door", status)).toEqual(["refusing"]);
    expect(refusingDetail({ state: "online", recentInput: recentInputOf(status) })).toBe("92% of what it read in the last 10 min (12 of 13)");
  });
});
