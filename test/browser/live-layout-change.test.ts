/**
 * A tablet on the Live view all day while a merchandiser saves a new layout that removes a zone: the
 * tablet follows the layout in force without a reload, so the removed zone leaves the plan, the list
 * and the store's capacity (its capacity no longer counted in "In the store ... / N"); one that only
 * renames or moves a zone (the same zones: the live figures' layout version tells) likewise.
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

  it("shows a zone renamed or moved by a new version: the same zones, so only the layout version tells", async () => {
    const page = await t.open(`/live/${t.shop.store}`, t.shop.tokens.staff, { width: 1280, height: 800 });
    await page.getByTestId("live-zone-drinks").waitFor();
    // The drinks zone's outline on the plan, in floor metres (the Konva line's points).
    const drinksOutline = () =>
      page.evaluate(() => {
        type Node = { find(sel: string): Node[]; findOne(sel: string): Node | undefined; points(): number[] };
        const zone = (window as unknown as { Konva: { stages: Node[] } }).Konva.stages.flatMap((st) => st.find("#zone-drinks"))[0];
        return zone?.findOne("Line")?.points() ?? null;
      });
    const inForce = await t.shop.api.layout(t.shop.store);
    const drinks = inForce.zones.find((z) => z.id === "drinks")!;
    expect(await drinksOutline()).toEqual(drinks.polygon.flat());

    // The bakery renamed and the drinks moved 1 m to the right: the same zone ids, capacities and figures.
    const moved = drinks.polygon.map(([x, y]) => [x + 1, y] as [number, number]);
    const zones = inForce.zones.map((z) => (z.id === "bakery" ? { ...z, name: "Bakery & pastries" } : z.id === "drinks" ? { ...z, polygon: moved } : z));
    await t.shop.api.putLayout(t.shop.store, { name: inForce.name, timezone: inForce.timezone, floor: inForce.floor, validFrom: Date.now() - 60_000, zones });

    await expect.poll(() => page.getByTestId("live-zone-bakery").locator(".zname").textContent(), { timeout: 15_000 }).toBe("Bakery & pastries");
    await expect.poll(drinksOutline, { timeout: 15_000 }).toEqual(moved.flat());
    expect(await page.getByTestId("live-zone-list").locator("li").count()).toBe(zones.length);
    await page.close();
  });
});
