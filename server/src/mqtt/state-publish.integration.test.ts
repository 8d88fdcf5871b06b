/**
 * How often the retained occupancy topics are sent, counted on a real broker (Debian's mosquitto):
 * a state is sent when its figures change, not again at each commit for a new `ts` (a chain of
 * 1,000 busy stores otherwise sent every zone of every store every second).
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

const STORE = "shop";
const dir = tempDir("footfall-state-publish-");
let mosquitto: Mosquitto;
let server: RunningServer;

beforeAll(async () => {
  const storage = openSqliteStorage(dir.path);
  await storage.agents.add(STORE, "cam-1", "camera", Date.now());
  await storage.close();
  mosquitto = await Mosquitto.anonymous();
  server = await startServer(
    { httpPort: 0, httpHost: "127.0.0.1", mqttPort: 0, mqttUrl: mosquitto.url, mqttUsername: undefined, mqttPassword: undefined, dataDir: dir.path, visitTimeoutMs: 30 * 60_000, maxAgeMs: 7 * 86_400_000 },
    { log: createLogger("silent"), uiDir: null },
  );
  const admin = await server.services.storage.tokens.add("admin", null, Date.now());
  const res = await server.app.inject({ method: "PUT", url: `/api/v1/stores/${STORE}/layout`, headers: { authorization: `Bearer ${admin}` }, payload: smallLayout() });
  expect(res.statusCode).toBe(200);
}, 60_000);
afterAll(async () => {
  await server?.close();
  await mosquitto?.dispose();
  dir.remove();
});

describe("retained occupancy topics", () => {
  it("are sent when their figures change, not again for a commit that leaves them as they were", async () => {
    const sub = await connectMqtt({ url: mosquitto.url, username: "", password: "" });
    const got: { topic: string; figures: Record<string, unknown> }[] = [];
    sub.on("message", (topic, payload) => got.push({ topic, figures: JSON.parse(payload.toString()) as Record<string, unknown> }));
    await sub.subscribeAsync(`footfall/v1/${STORE}/#`, { qos: 1 });
    const agent = await connectMqtt({ url: mosquitto.url, username: "", password: "" });
    const f = new EventFactory("cam-1");
    const send = (events: unknown[]) => agent.publishAsync(topics.events(STORE, "cam-1"), batchJson("cam-1", events), { qos: 1 });
    let from = 0;
    const live = (topic: string) => got.slice(from).filter((m) => m.topic === topic);
    const occupancy = (zone: string) => live(topics.zoneOccupancy(STORE, zone)).map((m) => m.figures.occupancy);
    const total = () => live(topics.occupancy(STORE)).map((m) => m.figures.total);
    try {
      await waitFor("the retained occupancy", () => got.some((m) => m.topic === topics.occupancy(STORE)) || undefined);
      await sleep(1500); // the layout's first figures, sent as the server started
      from = got.length;
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
      await agent.endAsync();
      await sub.endAsync();
    }
  }, 60_000);
});
