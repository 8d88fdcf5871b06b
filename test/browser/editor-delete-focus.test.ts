/**
 * A store manager who edits the layout with the keyboard (or a screen reader) deletes a zone: with
 * the Delete key on a zone picked in the Zones list, or with the zone form's "Delete zone" button.
 * The element that had the focus is gone with the zone; the focus must land on the Zones list (the
 * zone after it), so the next Tab, Enter or arrow goes on from there, not from the top of the page.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { withShop } from "./helpers/shop.js";

const t = withShop({ store: "keys", server: { httpPort: 19650, mqttPort: 19651, metricsPort: 19652 } });

/** The focused element's tag and text. */
const focused = (page: Page) => page.evaluate(() => `${document.activeElement?.tagName ?? "none"} ${document.activeElement?.textContent ?? ""}`.trim());

describe("layout editor: deleting a zone with the keyboard", () => {
  it("leaves the focus on the next zone of the Zones list, by the Delete key and by the form's button", async () => {
    const page = await t.open("/editor/keys", t.shop.tokens.admin);
    const list = page.getByTestId("zone-list");
    await list.waitFor();
    // Promo picked from the list with Enter, then the Delete key: the focus goes to Fruit & veg, next in the list.
    await list.getByRole("button", { name: /Promo/ }).focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("zone-form").waitFor();
    await page.keyboard.press("Delete");
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toContain("Zone “Promo” deleted.");
    await expect.poll(() => focused(page)).toMatch(/^BUTTON Fruit & veg/);
    // Enter there picks Fruit & veg; its form's "Delete zone", pressed with the keyboard, deletes it, and the focus goes to Bakery.
    await page.keyboard.press("Enter");
    expect(await list.getByRole("button", { name: /Fruit & veg/ }).getAttribute("aria-pressed")).toBe("true");
    await page.getByTestId("zone-form").getByRole("button", { name: "Delete zone" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toContain("Zone “Fruit & veg” deleted.");
    await expect.poll(() => focused(page)).toMatch(/^BUTTON Bakery/);
    // Both come back with Ctrl+Z.
    await page.keyboard.press("Control+z");
    await page.keyboard.press("Control+z");
    await expect.poll(() => list.locator(".zl-name").allTextContents()).toEqual(["Entrance", "Promo", "Fruit & veg", "Bakery", "Drinks", "Clothing", "Fitting rooms", "Checkout"]);
    await page.close();
  });
});
