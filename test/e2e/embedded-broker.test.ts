/**
 * `footfall serve` as a real process with its embedded broker: a stream published with Debian's
 * `mosquitto_pub` (duplicates, disorder, late events, junk, forged topics) ends up as exactly the
 * figures the domain computes from the accepted events, and live occupancy reaches Socket.IO clients.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import { topics, type Occupancy } from "@footfall/core";
import {
  addAgent,
  addToken,
  batchJson,
  connectMqtt,
  EventFactory,
  FootfallApi,
  metricValue,
  mosquittoPub,
  mosquittoPubOk,
  requireTool,
  ServerProcess,
  waitFor,
  type AgentCredentials,
} from "../support/index.js";
import { CAMERAS, chaoticStream, DOOR, expectApiMatchesDomain, LAYOUT, oversizedMessage, STORE, type Stream } from "./scenario.js";

let server: ServerProcess;
let api: FootfallApi;
let staffToken: string;
const agents: Record<string, AgentCredentials> = {};
let stream: Stream & { rejects: Record<string, number> };
let now: number;

beforeAll(async () => {
  requireTool("mosquitto_pub");
  server = await ServerProcess.start();
  // The CLI writes to the data folder of the running server (each command is its own process).
  const [admin, ...creds] = await Promise.all([
    addToken(server.dataDir, "admin"),
    ...CAMERAS.map((cam) => addAgent(server.dataDir, STORE, cam, "camera")),
    addAgent(server.dataDir, STORE, DOOR, "door"),
  ]);
  api = new FootfallApi(server.httpUrl, admin);
  // After its agents: token add refuses a store the folder does not know yet.
  staffToken = await addToken(server.dataDir, "staff", STORE);
  for (const c of creds as AgentCredentials[]) agents[c.agent] = c;
  await api.putLayout(STORE, LAYOUT);
  now = Date.now();
  stream = chaoticStream(now);
}, 60_000);
afterAll(async () => {
  await server?.dispose();
});

const login = (agent: string) => ({ url: server.mqttUrl, username: agents[agent]!.username, password: agents[agent]!.password });

describe("the embedded broker and ingest, fed by mosquitto_pub", () => {
  beforeAll(async () => {
    await Promise.all(
      Object.entries(stream.lines).map(([agent, lines]) => mosquittoPubOk({ ...login(agent), topic: topics.events(STORE, agent), messages: lines })),
    );
    const big = join(server.dataDir, "oversized.json");
    writeFileSync(big, oversizedMessage("cam-a", now));
    // Over the batch limit the broker closes the connection at the packet's header (counted as oversized).
    const refused = await mosquittoPub({ ...login("cam-a"), topic: topics.events(STORE, "cam-a"), file: big });
    expect(refused.code).not.toBe(0);
    // cam-a tries to speak for cam-b, and to replace the store's layout.
    const forged = batchJson("cam-b", [new EventFactory("cam-b", "forged").enter("cam-b-forged-1", "fruit", now - 60_000)]);
    await mosquittoPubOk({ ...login("cam-a"), topic: topics.events(STORE, "cam-b"), messages: [forged] });
    await mosquittoPubOk({ ...login("cam-a"), topic: topics.layout(STORE), messages: ['{"zones":[]}'], retain: true });
    const expected = new Set(stream.accepted.map((e) => e.id)).size;
    await waitFor(
      `${expected} accepted events`,
      async () => metricValue(await api.metrics(), "footfall_events_accepted_total", { store: STORE }) === expected,
      { timeoutMs: 15_000 },
    );
  }, 60_000);

  it("computes dwell, paths, traffic and occupancy exactly as the domain does from the accepted events", async () => {
    await expectApiMatchesDomain(api, stream.accepted, now);
  });

  it("counts the rejects by reason in /metrics", async () => {
    const text = await api.metrics();
    const reasons = { ...stream.rejects, oversized: 1, forbidden_topic: 2 };
    const got = Object.fromEntries(Object.keys(reasons).map((r) => [r, metricValue(text, "footfall_events_rejected_total", { reason: r })]));
    expect(got).toEqual(reasons);
  });

  it("counts the duplicates it ignored", async () => {
    const text = await api.metrics();
    const sent = Object.values(stream.lines)
      .flat()
      .flatMap((l) => {
        try {
          return (JSON.parse(l) as { events: { id: string }[] }).events.map((e) => e.id);
        } catch {
          return [];
        }
      });
    const acceptedIds = new Set(stream.accepted.map((e) => e.id));
    const duplicates = sent.filter((id) => acceptedIds.has(id)).length - acceptedIds.size;
    expect(duplicates).toBeGreaterThan(0);
    expect(metricValue(text, "footfall_events_duplicate_total", { store: STORE })).toBe(duplicates);
  });

  it("keeps the server's retained layout although an agent published a retained message on the layout topic", async () => {
    const client = await connectMqtt(login("cam-b"));
    const layout = await new Promise<{ version: number; zones: unknown[] }>((resolve) => {
      client.on("message", (_t, payload) => resolve(JSON.parse(payload.toString()) as { version: number; zones: unknown[] }));
      void client.subscribeAsync(topics.layout(STORE), { qos: 1 });
    });
    await client.endAsync();
    expect(layout).toMatchObject({ version: 1, zones: expect.arrayContaining([expect.objectContaining({ id: "fruit" })]) });
  });

  it("shows each agent's accepted events and rejects on the agents route", async () => {
    const list = (await api.agents(STORE)).agents;
    const door = list.find((a) => a.agent === DOOR)!;
    expect(door.events).toBe(stream.accepted.filter((e) => e.id.startsWith(`${DOOR}:`)).length);
    expect(list.find((a) => a.agent === "cam-a")!.rejects).toBeGreaterThanOrEqual(6);
  });

  it("refuses an MQTT login with a wrong password", async () => {
    await expect(connectMqtt({ ...login("cam-a"), password: "wrong" }, { reconnectPeriod: 0 })).rejects.toThrow(
      /Bad username or password|Not authorized|bad user/i,
    );
  });
});

describe("live occupancy over Socket.IO", () => {
  let socket: Socket;
  const received: { at: number; occupancy: Occupancy }[] = [];

  beforeAll(async () => {
    socket = io(server.httpUrl, { transports: ["websocket"], auth: { token: staffToken }, reconnection: false });
    socket.on("occupancy", (occupancy: Occupancy) => received.push({ at: Date.now(), occupancy }));
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("connect_error", reject);
    });
  });
  afterAll(() => {
    socket?.close();
  });

  const join = (s: Socket, store: string) => new Promise<{ ok: boolean; error?: string }>((resolve) => s.emit("join", store, resolve));
  const zoneOf = (o: Occupancy, zone: string) => o.zones.find((z) => z.zone === zone)!.occupancy;

  it("refuses a connection without a valid token", async () => {
    const bad = io(server.httpUrl, { transports: ["websocket"], auth: { token: "ff_nope" }, reconnection: false });
    const err = await new Promise<Error>((resolve) => bad.once("connect_error", resolve));
    bad.close();
    expect(err.message).toMatch(/unauthorized/);
  });

  it("refuses to join a store the token is not limited to", async () => {
    expect(await join(socket, "other-store")).toMatchObject({ ok: false });
  });

  it("sends the REST figures right after join", async () => {
    expect(await join(socket, STORE)).toEqual({ ok: true });
    await waitFor("the first occupancy message", () => received.length > 0);
    const rest = await api.occupancy(STORE);
    // Both name the layout version their figures are counted on (the tablet's cue to fetch a renamed zone).
    expect(received[0]!.occupancy.layoutVersion).toBe(1);
    expect({ ...received[0]!.occupancy, ts: 0 }).toEqual({ ...rest, ts: 0 });
  });

  // Timing on a shared machine: a retry tells a slow moment from a slow server.
  // How fast: `node test/bench/ui-bench.mjs` (live: publish to Socket.IO push), not asserted here.
  it("pushes a changed figure after the event's publication", async () => {
    const before = received.length;
    const bakery = zoneOf(received[received.length - 1]!.occupancy, "bakery");
    const f = new EventFactory("cam-b", "live");
    await mosquittoPubOk({
      ...login("cam-b"),
      topic: topics.events(STORE, "cam-b"),
      messages: [batchJson("cam-b", [f.enter("cam-b-live-1", "bakery", Date.now())])],
    });
    await waitFor(
      "an occupancy message with one more visitor in the bakery",
      () => received.slice(before).find((m) => zoneOf(m.occupancy, "bakery") === bakery + 1),
      { timeoutMs: 10_000 },
    );
  });

  it("coalesces a flood of changes to at most about 10 messages a second", { retry: 2 }, async () => {
    const client = await connectMqtt(login("cam-a"));
    const f = new EventFactory("cam-a", "flood");
    const start = Date.now();
    const before = received.length;
    let i = 0;
    while (Date.now() - start < 2000) {
      await client.publishAsync(topics.events(STORE, "cam-a"), batchJson("cam-a", [f.enter(`cam-a-flood-${i++}`, "fruit", Date.now())]), { qos: 1 });
    }
    const floodEnd = Date.now();
    await client.endAsync();
    await new Promise((r) => setTimeout(r, 300));
    const during = received.slice(before).filter((m) => m.at <= floodEnd + 200);
    expect(i).toBeGreaterThan(20);
    expect(during.length).toBeGreaterThanOrEqual(5);
    // In any one second, at most 10 messages (two spare for timer and delivery jitter).
    for (const m of during) expect(during.filter((x) => x.at >= m.at && x.at < m.at + 1000).length).toBeLessThanOrEqual(12);
    // Coalescing drops no change: the last message carries the figures of the whole flood.
    expect(received[received.length - 1]!.occupancy.zones).toEqual((await api.occupancy(STORE)).zones);
  });
});
