/**
 * The Chain view's "in store now" for a store whose zone nobody counts now: cam-2, the only camera
 * over the till queue, goes offline with five people in the line. The store's tablet says "Partial:
 * Till queue not counted now" (dcd4a79), but the chain view showed the store's 8 like any live figure.
 * Now it says "Partial: Till queue not counted since HH:MM" under it (the API's notCounted, the time
 * the occupancy answer gives), and the total "partial: 1 store not fully counted now"; back online, the
 * notes go.
 */
import { describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { topics } from "@footfall/core";
import { addAgent, batchJson, connectMqtt, EventFactory, publishAll } from "../support/index.js";
import { withShop } from "./helpers/shop.js";
import { shopWithQueueLayout } from "./helpers/store.js";

const S = 1000;
let cam2: MqttClient;
const status = (client: MqttClient, agent: string, state: "online" | "offline") =>
  client.publishAsync(topics.status(t.shop.store, agent), JSON.stringify({ state, ts: Date.now(), kind: "sim", version: "0.1.0" }), { qos: 1, retain: true });

const t = withShop({
  setup: async (t) => {
    await t.shop.api.putLayout(t.shop.store, shopWithQueueLayout());
    const creds = await addAgent(t.server.dataDir, t.shop.store, "cam-2", "sim");
    cam2 = await connectMqtt({ url: t.server.mqttUrl, username: creds.username, password: creds.password });
    await status(t.shop.mqtt, "cam-1", "online");
    await status(cam2, "cam-2", "online");
    const now = Date.now();
    await t.shop.publish([t.shop.events.enter("a", "fruit", now - 40 * S), t.shop.events.enter("b", "fruit", now - 30 * S), t.shop.events.enter("c", "bakery", now - 20 * S)]);
    const f2 = new EventFactory("cam-2");
    await publishAll(cam2, topics.events(t.shop.store, "cam-2"), [batchJson("cam-2", Array.from({ length: 5 }, (_, i) => f2.enter(`w${i}`, "line", now - (50 - i * 5) * S)))]);
  },
  teardown: async () => {
    await cam2?.endAsync(true).catch(() => {});
  },
});

type Overview = { stores: { id: string; occupancy: number; partial: boolean; notCounted: { name: string; since: number }[] }[]; totals: { partialStores: number } };
const overview = async () => (await t.shop.api.request<Overview>("GET", "/api/v1/overview")).body;

describe("the Chain view's in store now while a store's camera is offline", () => {
  it("says nothing more while both cameras count", async () => {
    const page = await t.open(`/chain/${t.shop.store}?range=today`, t.shop.tokens.viewer);
    await page.locator(`tr[data-store="${t.shop.store}"] td[data-figure="occupancy"]`).filter({ hasText: /^8/ }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId(`chain-partial-${t.shop.store}`).count()).toBe(0);
    expect(await page.getByTestId("chain-total-partial").count()).toBe(0);
  });

  it("once cam-2 is offline, says the store's figure is partial, which zone since when, as the API does; the total says one store", async () => {
    await status(t.shop.mqtt, "cam-1", "online");
    await status(cam2, "cam-2", "offline");
    await expect.poll(async () => (await overview()).stores.find((s) => s.id === t.shop.store)?.partial, { timeout: 15_000 }).toBe(true);
    const row = (await overview()).stores.find((s) => s.id === t.shop.store)!;
    const page = await t.open(`/chain/${t.shop.store}?range=today`, t.shop.tokens.viewer);
    const note = page.getByTestId(`chain-partial-${t.shop.store}`);
    await note.waitFor({ timeout: 15_000 });
    const at = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(row.notCounted[0]!.since);
    expect(row.notCounted.map((z) => z.name)).toEqual(["Till queue"]);
    expect(await note.textContent()).toMatch(new RegExp(`^Partial: Till queue not counted since ${at} CES?T$`));
    expect(await page.locator(`tr[data-store="${t.shop.store}"] td[data-figure="occupancy"]`).textContent()).toMatch(/^8Partial/);
    expect(await page.getByTestId("chain-total-partial").textContent()).toBe("partial: 1 store not fully counted now");
  });

  it("says nothing more once cam-2 is back", async () => {
    await status(cam2, "cam-2", "online");
    await expect.poll(async () => (await overview()).stores.find((s) => s.id === t.shop.store)?.partial, { timeout: 15_000 }).toBe(false);
    const page = await t.open(`/chain/${t.shop.store}?range=today`, t.shop.tokens.viewer);
    await page.getByTestId("chain-table").waitFor({ timeout: 15_000 });
    await page.locator(`tr[data-store="${t.shop.store}"] td[data-figure="occupancy"]`).filter({ hasText: /^8/ }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId(`chain-partial-${t.shop.store}`).count()).toBe(0);
  });
});
