/**
 * The Chain view's "in store now" for a store whose zone nobody counts now: cam-2, the only camera
 * over the till queue, goes offline with five people in the line. The store's tablet says "Partial:
 * Till queue not counted now" (dcd4a79), but the chain view showed the store's 8 like any live figure.
 * Now it says "Partial: Till queue not counted since HH:MM" under it (the API's notCounted, the time
 * the occupancy answer gives), and the total "partial: 1 store not fully counted now"; back online, the
 * notes go.
 */
import { describe, expect, it } from "vitest";
import { withQueueCameraShop } from "./helpers/queue-camera.js";

const t = withQueueCameraShop();

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
    await t.status("cam-1", "online");
    await t.status("cam-2", "offline");
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
    await t.status("cam-2", "online");
    await expect.poll(async () => (await overview()).stores.find((s) => s.id === t.shop.store)?.partial, { timeout: 15_000 }).toBe(false);
    const page = await t.open(`/chain/${t.shop.store}?range=today`, t.shop.tokens.viewer);
    await page.getByTestId("chain-table").waitFor({ timeout: 15_000 });
    await page.locator(`tr[data-store="${t.shop.store}"] td[data-figure="occupancy"]`).filter({ hasText: /^8/ }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId(`chain-partial-${t.shop.store}`).count()).toBe(0);
  });
});
