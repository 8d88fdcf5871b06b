/**
 * A store renamed in Administration > Store settings is named anew everywhere at once, with no
 * reload: the tab's heading ("Settings of ..."), the store menu at the top right, the browser tab's
 * title, and the Chain view opened next (whose overview was cached with the old name). A store
 * renamed in the layout editor too, the editor staying as it is (its message, its undo).
 */
import { describe, expect, it } from "vitest";
import { shot } from "./helpers/browser.js";
import { withShop } from "./helpers/shop.js";
import { seedStore, type SeededStore } from "./helpers/store.js";

let mall: SeededStore;
const t = withShop({
  setup: async ({ server }) => {
    mall = await seedStore(server, "mall");
  },
  teardown: async () => {
    await mall?.close();
  },
});

describe("renaming a store", () => {
  it("shows the new name in the heading, the store menu, the tab's title and the Chain view without a reload", async () => {
    const OLD = "Rivoli test shop";
    const NEW = "Rivoli flagship";
    // The Chain view first: its overview (with the old name) stays in the session's cache.
    const page = await t.open("/chain/shop?range=today", t.shop.tokens.admin, { width: 1280, height: 800 });
    await page.locator('tr[data-store="shop"] .store-name').waitFor({ timeout: 20_000 });
    expect(await page.locator('tr[data-store="shop"] .store-name').textContent()).toBe(OLD);
    let loads = 0;
    page.on("load", () => loads++);

    // Then Store settings, through the link a user follows (the hash changes; the page stays).
    await page.evaluate(() => (window.location.hash = "#/admin/shop?tab=store"));
    const heading = page.getByTestId("settings-of");
    await heading.waitFor();
    expect(await heading.textContent()).toBe(`Settings of ${OLD}`);
    expect(await page.title()).toBe(`Admin · ${OLD} · Footfall`);
    await page.getByLabel("Store name").fill(NEW);
    await page.getByTestId("store-basics").getByRole("button", { name: /^Save/ }).click();
    await page.getByTestId("store-basics").getByRole("status").filter({ hasText: "Saved." }).waitFor();

    await expect.poll(() => heading.textContent()).toBe(`Settings of ${NEW}`);
    const picked = page.getByRole("combobox", { name: "Store" }).locator("option:checked");
    expect(await picked.textContent()).toBe(NEW);
    expect(await page.title()).toBe(`Admin · ${NEW} · Footfall`);
    await shot(page, "store-rename-settings");

    // The Chain view again: the first row it shows names the store anew (not the cached old name).
    await page.evaluate(() => (window.location.hash = "#/chain/shop?range=today"));
    const name = page.locator('tr[data-store="shop"] .store-name');
    await name.waitFor({ timeout: 20_000 });
    expect(await name.textContent()).toBe(NEW);
    expect(await page.locator('tr[data-store="mall"] .store-name').textContent()).toBe(OLD);
    expect(await page.title()).toBe("Chain · Footfall");
    expect(loads).toBe(0);
    await shot(page, "store-rename-chain");
    await page.close();
  });

  it("renamed in the layout editor: the store menu and the tab's title name it anew at once, and the editor stays open as it was", async () => {
    const OLD = "Rivoli test shop";
    const NEW = "Mall after the refit";
    const page = await t.open("/editor/mall", t.shop.tokens.admin, { width: 1280, height: 800 });
    await page.getByTestId("zone-list").waitFor();
    const picked = page.getByRole("combobox", { name: "Store" }).locator('option[value="mall"]');
    expect(await picked.textContent()).toBe(OLD);
    expect(await page.title()).toBe(`Layout · ${OLD} · Footfall`);
    let loads = 0;
    page.on("load", () => loads++);

    await page.getByTestId("store-name").fill(NEW);
    await page.getByTestId("store-name").press("Enter");
    await page.getByTestId("save-layout").click();
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toContain("Saved as version 2");

    await expect.poll(() => picked.textContent()).toBe(NEW);
    expect(await page.title()).toBe(`Layout · ${NEW} · Footfall`);
    // The editor was not loaded anew under the user: its message and its undo are there.
    expect(await page.getByTestId("editor-message").textContent()).toContain("Saved as version 2");
    expect(await page.getByTestId("store-name").inputValue()).toBe(NEW);
    expect(await page.getByRole("button", { name: /^Undo/ }).isEnabled()).toBe(true);
    expect(loads).toBe(0);
    await shot(page, "store-rename-editor");
    await page.close();
  });
});
