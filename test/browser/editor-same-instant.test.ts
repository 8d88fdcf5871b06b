/**
 * Two defects of the layout editor a merchandiser met (real chromium, a real server and its SQLite file):
 * - A new zone drawn and named like a zone a later version removed took that zone's id ("Promo" -> promo), so its
 *   visits, dwell, paths and experiments went on as if it were the old promo table. Now it is a new zone (promo-2),
 *   the form says which zone it is named like, and "Bring back" gives it the old id on purpose.
 * - A second save for the same later "Valid from" (next Monday's refit, saved again after a change) left the first
 *   scheduled version listed, never to be in force. Now the editor says before saving that the save replaces it, and
 *   the server does so in one step.
 */
import { describe, expect, it } from "vitest";
import { formatDateTimeZ } from "../../floorplan-ui/src/model/format.js";
import { fromLocalInput, toLocalInput } from "../../floorplan-ui/src/model/range.js";
import { shopLayout } from "./helpers/store.js";
import { withShop } from "./helpers/shop.js";
import { drawAisleZone } from "./helpers/plan.js";

const DAY = 86_400_000;
const t = withShop({ store: "twice", server: { httpPort: 19600, mqttPort: 19601, metricsPort: 19602 } });

describe("layout editor: zone ids and versions dated alike", () => {
  it("gives a new zone named like a removed one its own id, and brings the old one back only when asked", async () => {
    // Version 2, in force now: the promo table removed.
    const base = shopLayout();
    await t.shop.api.putLayout("twice", { ...base, validFrom: Date.now() - 60_000, zones: base.zones.filter((z) => z.id !== "promo") });
    const page = await t.open("/editor/twice", t.shop.tokens.admin);
    await page.getByTestId("zone-list").waitFor();
    const id = await drawAisleZone(page);
    await page.getByTestId("zone-name").fill("Promo");
    await page.getByTestId("zone-name").press("Enter");
    // Old editor: promo, the removed table's id (and history), with nothing said.
    await expect.poll(() => id.inputValue()).toBe("promo-2");
    const note = page.getByTestId("zone-removed-like");
    expect(await note.textContent()).toContain("“Promo” (id promo) was a zone of version 1, not of this layout: this is a new zone, counted from the save under its own id (promo-2)");
    await page.getByTestId("zone-bring-back").click();
    await expect.poll(() => id.inputValue()).toBe("promo");
    expect(await page.getByTestId("zone-brought-back").textContent()).toContain("Brings back “Promo” of version 1: its history carries on under promo");
    expect(await note.count()).toBe(0);
    // Undone: a new zone again.
    await page.keyboard.press("Escape");
    await page.keyboard.press("Control+z");
    await page.getByTestId("zone-list").getByRole("button", { name: /Promo/ }).click();
    await expect.poll(() => id.inputValue()).toBe("promo-2");
    await page.getByTestId("zone-bring-back").click();
    await expect.poll(() => id.inputValue()).toBe("promo");
    await page.getByTestId("save-layout").click();
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toContain("Saved as version 3");
    expect((await t.shop.api.layout("twice")).zones.filter((z) => z.name === "Promo").map((z) => z.id)).toEqual(["promo"]);
    await page.close();
  });

  it("says a second save for the same later time replaces the first, which is then gone, not left never in force", async () => {
    const page = await t.open("/editor/twice", t.shop.tokens.admin);
    await page.getByTestId("zone-list").waitFor();
    await page.getByTestId("zone-list").getByRole("button", { name: /Bakery/ }).click();
    await page.getByTestId("zone-name").fill("Bakery & café");
    await page.getByTestId("zone-name").press("Enter");
    const typed = toLocalInput(Date.now() + 7 * DAY, "Europe/Paris");
    const monday = fromLocalInput(typed, "Europe/Paris")!;
    const when = formatDateTimeZ(monday, "Europe/Paris");
    await page.getByTestId("valid-from").fill(typed);
    await page.getByTestId("save-layout").click();
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toContain(`Saved as version 4, scheduled: it takes effect from ${when}`);

    // A change after it (the bakery still picked), saved for the same time: the editor says what the save does before it is pressed.
    expect(await page.getByTestId("zone-list").getByRole("button", { name: /Bakery/ }).getAttribute("aria-pressed")).toBe("true");
    await page.getByTestId("zone-capacity").fill("12");
    await page.getByTestId("zone-capacity").press("Enter");
    const same = page.getByTestId("valid-from-same-instant");
    await same.waitFor();
    expect(await same.textContent()).toBe(
      `Version 4 is saved for the same time, ${when}, and not in force yet: saving replaces it with this draft, in one step (the number v4 is not used again). To keep it, choose another “Valid from”.`,
    );
    expect(await page.getByTestId("save-layout").textContent()).toBe("Save, replacing v4");
    await page.getByTestId("save-layout").click();
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toContain(`Saved as version 5, scheduled: it takes effect from ${when}, when the store's agents get it. It replaces version 4, saved for the same time, whose number is not used again.`);
    // Old code: versions 4 and 5 both from Monday, 4 never in force.
    expect((await t.shop.api.layouts("twice")).layouts.map((l) => [l.version, l.validFrom])).toEqual([
      [1, 0],
      [2, expect.any(Number)],
      [3, expect.any(Number)],
      [5, monday],
    ]);
    await expect.poll(() => page.locator(".versions li[data-version]").evaluateAll((lis) => lis.map((li) => `${li.getAttribute("data-version")} ${li.getAttribute("data-state")}`))).toEqual(["5 scheduled", "3 in force", "2 past", "1 past"]);
    const atMonday = await t.shop.api.layout("twice", monday);
    expect([atMonday.version, atMonday.zones.find((z) => z.id === "bakery")?.name, atMonday.zones.find((z) => z.id === "bakery")?.capacity]).toEqual([5, "Bakery & café", 12]);
    await page.close();
  });
});
