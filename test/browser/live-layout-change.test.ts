/**
 * A tablet on the Live view all day while a merchandiser saves a new layout that removes a zone: the
 * tablet follows the layout in force without a reload, so the removed zone leaves the plan, the list
 * and the store's capacity (its capacity no longer counted in "In the store ... / N").
 */
import { describe, expect, it } from "vitest";
import { withShop } from "./helpers/shop.js";
import { shopLayout } from "./helpers/store.js";

const t = withShop();

describe("live view: a new layout version while it is open", () => {
  it("drops a zone the new layout removed, and its capacity from the store's", async () => {
    const page = await t.open(`/live/${t.shop.store}`, t.shop.tokens.staff, { width: 1280, height: 800 });
    const capacity = () => page.getByTestId("live-total").locator(".live-cap").textContent();
    await page.getByTestId("live-zone-promo").waitFor();
    const all = shopLayout();
    const sum = (zones: typeof all.zones) => zones.reduce((s, z) => s + (z.capacity ?? 0), 0);
    expect(await capacity()).toBe(`/ ${sum(all.zones)}`);

    const without = all.zones.filter((z) => z.id !== "promo");
    await t.shop.api.putLayout(t.shop.store, { ...all, validFrom: Date.now() - 60_000, zones: without });

    await expect.poll(() => page.getByTestId("live-zone-promo").count()).toBe(0);
    expect(await capacity()).toBe(`/ ${sum(without)}`);
    expect(await page.getByTestId("live-zone-list").locator("li").count()).toBe(without.length);
    await page.close();
  });
});
