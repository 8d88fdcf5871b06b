/**
 * A merchandiser saved next week's refit as a layout version for later, then finds a fixture placed wrong and the
 * date moved: "Edit this scheduled version" (the editor's versions list) opens that version, the editor says which
 * version it corrects and from when, and "Save correction" replaces it in one step: the list shows the correction
 * under a new number (the old one gone, never doubled), at its new time, and the version in force is untouched.
 */
import { describe, expect, it } from "vitest";
import { fromLocalInput, toLocalInput } from "../../floorplan-ui/src/model/range.js";
import { addToken } from "../support/index.js";
import { withShop } from "./helpers/shop.js";
import { shopLayout } from "./helpers/store.js";

const DAY = 86_400_000;
const t = withShop({ store: "fix" });

describe("layout editor: correcting a version saved for later", () => {
  it("Edit this scheduled version → move a zone and the date → Save correction: the list shows the corrected version only", async () => {
    const nextWeek = Math.floor((Date.now() + 7 * DAY) / 60_000) * 60_000;
    await t.shop.api.putLayout("fix", { ...shopLayout(), name: "After the refit", validFrom: nextWeek });
    const merchandiser = await addToken(t.server.dataDir, "merchandiser");
    const page = await t.open("/editor/fix", merchandiser);
    await page.getByTestId("zone-list").waitFor();
    const rows = page.locator(".versions li");
    await expect.poll(() => rows.count()).toBe(2);
    // The version in force (v1) has no such control; v2, scheduled, has.
    expect(await rows.nth(1).getByTestId("version-edit").count()).toBe(0);
    await rows.nth(0).getByRole("button", { name: /^Edit this scheduled version \(v2, from / }).click();

    // The editor says what it edits and from when; "Valid from" is the version's own date.
    const banner = page.getByTestId("editing-scheduled");
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/You are correcting version 2, saved for later: it takes effect from .* and is not in force yet\. Saving replaces it/);
    expect(await page.locator(".page-h .sub").textContent()).toMatch(/^After the refit · correcting scheduled version 2, from /);
    expect(await page.getByTestId("valid-from").inputValue()).toBe(toLocalInput(nextWeek, "Europe/Paris"));
    const save = page.getByTestId("save-layout");
    expect(await save.textContent()).toBe("Save correction (replaces v2)");
    expect(await save.isDisabled()).toBe(true);

    // The promo stand moves 0.1 m right; the refit moves a day later.
    await page.getByTestId("zone-list").getByRole("button", { name: /Promo/ }).click();
    await page.keyboard.press("ArrowRight");
    const moved = toLocalInput(nextWeek + DAY, "Europe/Paris");
    await page.getByTestId("valid-from").fill(moved);
    await save.click();
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toMatch(/Saved as version 3, from .*: it replaces version 2, whose number is not used again\./);

    // The list: v3 (scheduled, edited on), v1; no v2.
    await expect.poll(async () => (await rows.allTextContents()).map((r) => r.match(/^v\d+/)?.[0])).toEqual(["v3", "v1"]);
    expect(await rows.nth(0).textContent()).toMatch(/^v3 from .*editing.*scheduled/);
    expect(await page.locator(".page-h .sub").textContent()).toMatch(/correcting scheduled version 3, from /);
    expect(await save.textContent()).toBe("Save correction (replaces v3)");
    expect(page.url()).toMatch(/#\/editor\/fix\?edit=3$/);
    const validFrom = fromLocalInput(moved, "Europe/Paris")!;
    expect((await t.shop.api.layouts("fix")).layouts).toEqual([
      { version: 1, validFrom: 0 },
      { version: 3, validFrom },
    ]);
    const v3 = await t.shop.api.layout("fix", validFrom);
    expect(v3.version).toBe(3);
    expect(v3.zones.find((z) => z.id === "promo")!.polygon[0]![0]).toBeGreaterThan(12);
    expect((await t.shop.api.layout("fix", nextWeek)).version).toBe(1);

    // Back to the version in force: unchanged.
    await page.getByTestId("edit-in-force").click();
    await expect.poll(() => page.locator(".page-h .sub").textContent()).toMatch(/· version 1$/);
    expect(await page.getByTestId("editing-scheduled").count()).toBe(0);
    await page.close();
  });
});
