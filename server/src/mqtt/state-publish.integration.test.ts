/**
 * How often the retained occupancy topics are sent, counted on a real broker (Debian's mosquitto):
 * a state is sent when its figures change, not again at each commit for a new `ts` (a chain of
 * 1,000 busy stores otherwise sent every zone of every store every second); and it is read again
 * without events while someone is in the store (a visit that times out changes it with no commit).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { batchJson, EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { Mosquitto } from "../../../test/support/mosquitto.js";
import { connectMqtt } from "../../../test/support/mqtt.js";
import { sleep, tempDir, waitFor } from "../../../test/support/wait.js";
import { createLogger } from "../log.js";
import { startServer, type RunningServer } from "../server.js";
import { openSqliteStorage } from "../storage/sqlite.js";
import { OCCUPANCY_REFRESH_MS } from "./state-publisher.js";
import { localServerConfig } from "../../../test/support/in-process.js";

const STORE = "shop";
const dir = tempDir("footfall-state-publish-");
let mosquitto: Mosquitto;
let server: RunningServer;

/** A server on `dataDir` with the small layout under STORE and its agent cam-1, through an external broker. */
async function startOn(broker: Mosquitto, dataDir: string, visitTimeoutMs: number): Promise<RunningServer> {
  const storage = openSqliteStorage(dataDir);
  await storage.agents.add(STORE, "cam-1", "camera", Date.now());
  await storage.close();
  const s = await startServer(
    localServerConfig(dataDir, { mqttUrl: broker.url, visitTimeoutMs }),
    { log: createLogger("silent"), uiDir: null },
  );
  const admin = await s.services.storage.tokens.add("admin", null, Date.now());
  const res = await s.app.inject({ method: "PUT", url: `/api/v1/stores/${STORE}/layout`, headers: { authorization: `Bearer ${admin}` }, payload: smallLayout() });
  expect(res.statusCode).toBe(200);
  return s;
}

/** Follows STORE's state topics on `broker` (after what the server sent as it started) and sends cam-1's events. */
async function follow(broker: Mosquitto) {
  const sub = await connectMqtt({ url: broker.url, username: "", password: "" });
  const got: { topic: string; figures: Record<string, unknown> }[] = [];
  sub.on("message", (topic, payload) => got.push({ topic, figures: JSON.parse(payload.toString()) as Record<string, unknown> }));
  await sub.subscribeAsync(`footfall/v1/${STORE}/#`, { qos: 1 });
  const agent = await connectMqtt({ url: broker.url, username: "", password: "" });
  await waitFor("the retained occupancy", () => got.some((m) => m.topic === topics.occupancy(STORE)) || undefined);
  await sleep(1500); // the layout's first figures, sent as the server started
  const from = got.length;
  const live = (topic: string) => got.slice(from).filter((m) => m.topic === topic);
  return {
    send: (events: unknown[]) => agent.publishAsync(topics.events(STORE, "cam-1"), batchJson("cam-1", events), { qos: 1 }),
    occupancy: (zone: string) => live(topics.zoneOccupancy(STORE, zone)).map((m) => m.figures.occupancy),
    total: () => live(topics.occupancy(STORE)).map((m) => m.figures.total),
    end: async () => {
      await agent.endAsync();
      await sub.endAsync();
    },
  };
}

beforeAll(async () => {
  mosquitto = await Mosquitto.anonymous();
  server = await startOn(mosquitto, dir.path, 30 * 60_000);
}, 60_000);
afterAll(async () => {
  await server?.close();
  await mosquitto?.dispose();
  dir.remove();
});

describe("retained occupancy topics", () => {
  it("are sent when their figures change, not again for a commit that leaves them as they were", async () => {
    const { send, occupancy, total, end } = await follow(mosquitto);
    const f = new EventFactory("cam-1");
    try {
      // Someone enters the fruit zone, then someone the bakery: the store and the zone that changed are sent.
      await send([f.enter("v1", "fruit", Date.now())]);
      await waitFor("fruit's occupancy 1", () => occupancy("fruit").includes(1) || undefined);
      await sleep(1100);
      await send([f.enter("v2", "bakery", Date.now())]);
      await waitFor("bakery's occupancy 1", () => occupancy("bakery").includes(1) || undefined);
      await sleep(1100);
      // A commit that changes no figure (out of the fruit zone and back in): nothing is sent.
      const t = Date.now();
      await send([f.exit("v1", "fruit", t), f.enter("v1", "fruit", t + 1)]);
      await sleep(1500);
      await send([f.exit("v2", "bakery", Date.now())]);
      await waitFor("bakery's occupancy 0", () => occupancy("bakery").includes(0) || undefined);
      await sleep(1500); // anything coalesced behind it
      expect(total()).toEqual([1, 2, 1]);
      expect(occupancy("fruit")).toEqual([1]);
      expect(occupancy("bakery")).toEqual([1, 0]);
      expect(occupancy("entrance")).toEqual([]);
      expect(occupancy("checkout")).toEqual([]);
    } finally {
      await end();
    }
  }, 60_000);

  it("are read again without events: a visit abandoned past the visit timeout leaves the zone and the store within OCCUPANCY_REFRESH_MS", async () => {
    // A server of its own (its own broker and folder), with visits timing out after 3 s.
    const broker = await Mosquitto.anonymous();
    const dir2 = tempDir("footfall-state-refresh-");
    const s2 = await startOn(broker, dir2.path, 3000);
    const { send, occupancy, total, end } = await follow(broker);
    try {
      await send([new EventFactory("cam-1").enter("v1", "fruit", Date.now())]); // and no exit: the camera lost them
      await waitFor("fruit's occupancy 1", () => occupancy("fruit").includes(1) || undefined);
      await waitFor("fruit's occupancy 0", () => occupancy("fruit").includes(0) || undefined, { timeoutMs: 3000 + OCCUPANCY_REFRESH_MS + 5000 });
      await sleep(1200);
      expect(occupancy("fruit")).toEqual([1, 0]);
      expect(total()).toEqual([1, 0]);
    } finally {
      await end();
      await s2.close();
      await broker.dispose();
      dir2.remove();
    }
  }, 60_000);
});
