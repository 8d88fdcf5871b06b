/**
 * A layout version saved for later reaches the agents at its validFrom, not at the save: an agent of
 * the embedded broker reads the retained layout while a version is saved ~2 s ahead, then one in
 * the past; and after a restart with a version still ahead, the new server sends it at its time too.
 * The store's name (GET /stores: the store list, chain view, reports) follows the version in force the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import type { MqttClient } from "mqtt";
import { smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { connectMqtt } from "../../../test/support/mqtt.js";
import { sleep, tempDir, waitFor } from "../../../test/support/wait.js";

const STORE = "shop";
const dir = tempDir("footfall-layout-schedule-");
let t: TestServer;
let agent: { username: string; password: string };

/** An agent of the store following its retained layout: each version received, with when. */
async function follow(): Promise<{ client: MqttClient; got: { version: number; at: number }[] }> {
  const client = await connectMqtt({ url: `mqtt://127.0.0.1:${t.server.mqttPort}`, ...agent });
  const got: { version: number; at: number }[] = [];
  client.on("message", (_topic, payload) => got.push({ version: (JSON.parse(payload.toString()) as { version: number }).version, at: Date.now() }));
  await client.subscribeAsync(topics.layout(STORE), { qos: 1 });
  return { client, got };
}
const lastVersion = (got: { version: number }[]) => got.at(-1)?.version;
/** The store's name as GET /stores lists it. */
const storeName = async () => (await t.get<{ stores: { id: string; name: string }[] }>("/api/v1/stores")).body.stores.find((s) => s.id === STORE)?.name;

beforeAll(async () => {
  t = await startTestServer({ dataDir: dir.path });
  await t.putLayout(STORE, smallLayout({ name: "Before the refit" }));
  agent = await t.server.services.storage.agents.add(STORE, "cam-1", "camera", Date.now());
});
afterAll(async () => {
  await t.close();
  dir.remove();
});

describe("the layout retained for a store's agents", () => {
  it("changes to a version saved for later at its validFrom; a version valid now goes at once", async () => {
    const { client, got } = await follow();
    await waitFor("the layout in force", () => lastVersion(got) === 1);
    const validFrom = Date.now() + 2_000;
    await t.putLayout(STORE, smallLayout({ name: "After the refit", validFrom }));
    // The save sends nothing new to the agents (or the version in force again).
    await sleep(700);
    expect(got.every((m) => m.version === 1)).toBe(true);
    // Nor renames the store before its time.
    expect(await storeName()).toBe("Before the refit");
    const taken = await waitFor("version 2 at its validFrom", () => got.find((m) => m.version === 2), { timeoutMs: 6_000 });
    expect(taken.at).toBeGreaterThanOrEqual(validFrom);
    expect(taken.at - validFrom).toBeLessThan(1_500);
    expect(await storeName()).toBe("After the refit");
    // A version valid from now (after version 2's start): in force, sent at once.
    await t.putLayout(STORE, smallLayout({ name: "Fixed", validFrom: Date.now() }));
    await waitFor("version 3 at once", () => lastVersion(got) === 3, { timeoutMs: 1_000 });
    const res = await t.get<{ version: number }>(`/api/v1/stores/${STORE}/layout`);
    expect(res.body.version).toBe(3);
    await client.endAsync();
  });

  it("after a restart, sends the version in force and the one saved for later at its time", async () => {
    // 5 s ahead: the restart (close, open the database, start the broker) took up to 3 s on a loaded machine.
    const validFrom = Date.now() + 5_000;
    await t.putLayout(STORE, smallLayout({ name: "Next week", validFrom }));
    await t.server.close();
    t = await startTestServer({ dataDir: dir.path });
    const { client, got } = await follow();
    const first = await waitFor("the layout in force at start", () => got[0]);
    // Version 3 until the validFrom; a restart slower still (a machine far busier) may start after it, with version 4 in force.
    expect([3, 4]).toContain(first.version);
    const taken = await waitFor("version 4 at its validFrom", () => got.find((m) => m.version === 4), { timeoutMs: 8_000 });
    expect(taken.at).toBeGreaterThanOrEqual(validFrom);
    expect(got.filter((m) => m.at < validFrom).every((m) => m.version === 3)).toBe(true);
    expect(await storeName()).toBe("Next week");
    await client.endAsync();
  });

  it("a version cancelled before its time never reaches the agents, nor renames the store", async () => {
    const { client, got } = await follow();
    await waitFor("the layout in force", () => lastVersion(got) === 4);
    const validFrom = Date.now() + 1_500;
    await t.putLayout(STORE, smallLayout({ name: "Cancelled refit", validFrom }));
    const res = await t.server.app.inject({ method: "DELETE", url: `/api/v1/stores/${STORE}/layouts/5`, headers: { authorization: `Bearer ${t.admin}` } });
    expect(res.statusCode).toBe(200);
    await sleep(validFrom - Date.now() + 1_000);
    expect(got.map((m) => m.version).filter((v) => v !== 4)).toEqual([]);
    expect(await storeName()).toBe("Next week");
    expect((await t.get<{ version: number }>(`/api/v1/stores/${STORE}/layout`)).body.version).toBe(4);
    await client.endAsync();
  });

  it("a version whose time came while no server ran names the store at the next start", async () => {
    expect(await storeName()).toBe("Next week");
    const validFrom = Date.now() + 800;
    await t.putLayout(STORE, smallLayout({ name: "While closed", validFrom }));
    await t.server.close();
    await sleep(validFrom - Date.now() + 100);
    t = await startTestServer({ dataDir: dir.path });
    expect(await storeName()).toBe("While closed");
  });

  it("a version corrected before its time: the agents get the correction at its new time, never the replaced one", async () => {
    const { client, got } = await follow();
    await waitFor("the layout in force", () => lastVersion(got) === 6);
    const first = Date.now() + 1_200;
    await t.putLayout(STORE, smallLayout({ name: "Refit", validFrom: first }));
    const corrected = Date.now() + 2_500;
    const res = await t.server.app.inject({
      method: "PUT",
      url: `/api/v1/stores/${STORE}/layout?replaces=7`,
      headers: { authorization: `Bearer ${t.admin}` },
      payload: smallLayout({ name: "Refit, corrected", validFrom: corrected }),
    });
    expect([res.statusCode, res.json().version]).toEqual([200, 8]);
    await sleep(first - Date.now() + 600);
    // The replaced version's time passed: nothing sent, nor renamed.
    expect(got.map((m) => m.version).filter((v) => v !== 6)).toEqual([]);
    expect(await storeName()).toBe("While closed");
    const taken = await waitFor("version 8 at its validFrom", () => got.find((m) => m.version === 8), { timeoutMs: 4_000 });
    expect(taken.at).toBeGreaterThanOrEqual(corrected);
    expect(got.map((m) => m.version).filter((v) => v !== 6 && v !== 8)).toEqual([]);
    expect(await storeName()).toBe("Refit, corrected");
    await client.endAsync();
  });
});
