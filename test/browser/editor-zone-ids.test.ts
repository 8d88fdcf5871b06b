/**
 * A zone's id is what the store's agents report and what its history is kept under: the editor says it
 * is "fixed once saved". A store manager draws a pick-up point, saves (the zone is counted from then
 * on under its id), then gives it a proper name in the same sitting and saves again: the zone keeps
 * its id, so its history goes on under the new name, and the id field stays fixed as the hint says.
 */
import { describe, expect, it } from "vitest";
import { withShop } from "./helpers/shop.js";
import { drawAisleZone } from "./helpers/plan.js";

const t = withShop({ store: "ids", server: { httpPort: 19610, mqttPort: 19611, metricsPort: 19612 } });

describe("layout editor: a zone saved in this sitting", () => {
  it("keeps its id, fixed, when renamed after the save, so the next version counts it on under the same id", async () => {
    const page = await t.open("/editor/ids", t.shop.tokens.admin);
    await page.getByTestId("zone-list").waitFor();
    // A ninth zone drawn in the free aisle beside the fruit: "Zone 9", id zone-9.
    const id = await drawAisleZone(page);
    expect([await page.getByTestId("zone-name").inputValue(), await id.inputValue(), await id.isDisabled()]).toEqual(["Zone 9", "zone-9", false]);
    await page.getByTestId("save-layout").click();
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toContain("Saved as version 2");
    expect((await t.shop.api.layout("ids")).zones.map((z) => z.id)).toContain("zone-9");

    // Named afterwards, still open in the editor: the saved zone's id stays, and cannot be edited.
    await page.getByTestId("zone-name").fill("Pick-up point");
    await page.getByTestId("zone-name").press("Enter");
    await page.getByText("Unsaved changes").waitFor();
    expect(await id.inputValue()).toBe("zone-9");
    expect(await id.isDisabled()).toBe(true);
    expect(await page.getByTestId("zone-form").textContent()).toContain("fixed: agents report it");
    await page.getByTestId("save-layout").click();
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toContain("Saved as version 3");
    const v3 = await t.shop.api.layout("ids");
    expect(v3.version).toBe(3);
    expect(v3.zones.filter((z) => z.id === "zone-9" || z.name === "Pick-up point").map((z) => [z.id, z.name])).toEqual([["zone-9", "Pick-up point"]]);
    await page.close();
  });
});
