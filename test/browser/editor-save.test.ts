/**
 * What a save keeps and what the editor says before it. Two people on one store's layout: a store manager renames a zone in the editor while a
 * merchandiser saves a new version from another desk. The manager's save must not silently undo the
 * merchandiser's version: it is refused with what happened and what to do, the manager's changes
 * stay on screen, and a second save saves them over it on purpose. What was saved comes back
 * the same after a reload and through the API. And a layout the server would take but a
 * manager would regret (no entrance left, two zones of one name) is pointed out before the save.
 */
import { describe, expect, it } from "vitest";
import { withShop } from "./helpers/shop.js";
import { shopLayout } from "./helpers/store.js";

const t = withShop();

describe("layout editor: a version saved by someone else meanwhile", () => {
  it("refuses to save over it without a word, keeps the changes, and saves them over it when asked again", async () => {
    const page = await t.open("/editor/shop", t.shop.tokens.admin);
    const zones = page.getByTestId("zone-list");
    await zones.waitFor();
    await zones.getByRole("button", { name: /Promo/ }).click();
    await page.getByTestId("zone-name").fill("Promotions");
    await page.getByTestId("zone-name").press("Enter");
    await page.getByText("Unsaved changes").waitFor();

    // Meanwhile a merchandiser saves version 2 (a new store name) from another desk.
    await t.shop.api.putLayout("shop", { ...shopLayout(), name: "Rivoli after the refit", validFrom: Date.now() - 60_000 });

    await page.getByTestId("save-layout").click();
    const message = page.getByTestId("editor-message");
    await expect.poll(() => message.textContent()).toContain("Not saved: someone else saved version 2");
    expect(await message.textContent()).toContain("Your changes are still here");
    expect(await page.getByText("Unsaved changes").count()).toBe(1);
    expect(await page.getByTestId("zone-name").inputValue()).toBe("Promotions");
    // Nothing of the manager's was saved: version 2, the merchandiser's, is in force.
    expect((await t.shop.api.layouts("shop")).layouts.map((l) => l.version)).toEqual([1, 2]);
    const theirs = await t.shop.api.layout("shop");
    expect([theirs.version, theirs.name, theirs.zones.find((z) => z.id === "promo")?.name]).toEqual([2, "Rivoli after the refit", "Promo"]);

    // Saving again is deliberate: the manager's draft becomes version 3.
    await page.getByTestId("save-layout").click();
    await expect.poll(() => message.textContent()).toContain("Saved as version 3");
    const mine = await t.shop.api.layout("shop");
    expect([mine.version, mine.name, mine.zones.find((z) => z.id === "promo")?.name]).toEqual([3, "Rivoli test shop", "Promotions"]);
    expect(mine.zones.map(({ id, name, kind, polygon, capacity }) => ({ id, name, kind, polygon, capacity }))).toEqual(
      shopLayout().zones.map((z) => ({ ...z, name: z.id === "promo" ? "Promotions" : z.name })),
    );

    // Opened again, the editor shows what was saved.
    await page.reload();
    await zones.waitFor();
    await expect.poll(() => page.locator(".page-h .sub").textContent()).toBe("Rivoli test shop · version 3");
    expect(await zones.locator(".zl-name").allTextContents()).toEqual(shopLayout().zones.map((z) => (z.id === "promo" ? "Promotions" : z.name)));
    await page.close();
  });
});

describe("layout editor: what it points out before a save", () => {
  it("warns that a layout without an entrance counts no store visitors, and names zones that share a name", async () => {
    const page = await t.open("/editor/shop", t.shop.tokens.admin);
    const zones = page.getByTestId("zone-list");
    await zones.waitFor();
    const warnings = page.getByTestId("draft-warnings");
    expect(await warnings.count()).toBe(0);
    // The door zone made an ordinary zone by mistake.
    await zones.getByRole("button", { name: /Entrance/ }).click();
    await page.getByTestId("zone-kind").selectOption("zone");
    await expect.poll(() => warnings.textContent()).toContain("No zone is an entrance");
    // Bakery renamed to the name Drinks has, in another case and with a space after it.
    await zones.getByRole("button", { name: /Bakery/ }).click();
    await page.getByTestId("zone-name").fill("drinks ");
    await page.getByTestId("zone-name").press("Enter");
    await expect.poll(() => warnings.textContent()).toContain("2 zones are named “drinks” (bakery, drinks)");
    // Warnings, not refusals: the save goes through, the name without its space.
    await page.getByTestId("save-layout").click();
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toContain("Saved as version");
    const saved = await t.shop.api.layout("shop");
    expect(saved.zones.find((z) => z.id === "bakery")?.name).toBe("drinks");
    // Undone by hand (the bakery still picked): the warnings go.
    await page.getByTestId("zone-name").fill("Bakery");
    await page.getByTestId("zone-name").press("Enter");
    await zones.getByRole("button", { name: /Entrance/ }).click();
    await page.getByTestId("zone-kind").selectOption("entrance");
    await expect.poll(() => warnings.count()).toBe(0);
    await page.close();
  });
});
