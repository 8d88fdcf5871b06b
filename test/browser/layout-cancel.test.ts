/**
 * A merchandiser schedules a refit for next week (a layout version valid from a later date) and the
 * refit moves: the editor's versions list marks the version as scheduled and offers "Cancel this
 * scheduled version…", which asks first; once confirmed the version is gone from the list (and from
 * GET .../layouts), the version in force is still the one edited, and the next save is not given its number.
 */
import { describe, expect, it } from "vitest";
import { addToken } from "../support/index.js";
import { shot } from "./helpers/browser.js";
import { withShop } from "./helpers/shop.js";
import { shopLayout } from "./helpers/store.js";

const DAY = 86_400_000;
const t = withShop({ store: "refit" });

describe("layout editor: a version saved for later", () => {
  it("is marked scheduled and can be cancelled, after a confirm, from the versions list", async () => {
    const nextWeek = Date.now() + 7 * DAY;
    await t.shop.api.putLayout("refit", { ...shopLayout(), name: "After the refit", validFrom: nextWeek });
    const merchandiser = await addToken(t.server.dataDir, "merchandiser");
    const page = await t.open("/editor/refit", merchandiser);
    await page.getByTestId("zone-list").waitFor();
    const rows = page.locator(".versions li");
    await expect.poll(() => rows.count()).toBe(2);
    // v2 (newest first) is scheduled, with the control; v1, in force and being edited, has none.
    expect(await rows.nth(0).textContent()).toMatch(/^v2 from .*scheduled/);
    expect(await rows.nth(1).getByTestId("version-cancel").count()).toBe(0);
    // Which is in force now and until when: v1 until v2's date, v2 from then.
    expect(await rows.evaluateAll((lis) => lis.map((li) => li.getAttribute("data-state")))).toEqual(["scheduled", "in force"]);
    expect(await rows.nth(1).textContent()).toMatch(/^v1 from .*, until .*in force.*editing$/);
    const v2From = await rows.nth(0).getByTestId("version-period").textContent();
    expect(v2From).toMatch(/^from \w{3} \d+ \w{3}, \d\d:\d\d \S+$/);
    expect(await rows.nth(1).getByTestId("version-period").textContent()).toContain(`until ${v2From!.slice("from ".length)}`);
    await shot(page, "layout-versions", { fullPage: true });
    const control = rows.nth(0).getByRole("button", { name: /Cancel this scheduled version \(v2, from / });
    await control.click();
    // It asks first; "Keep it" leaves everything as it was.
    const ask = page.getByTestId("version-cancel-confirm");
    expect(await ask.textContent()).toContain("the number v2 is not used again");
    await page.getByTestId("version-cancel-no").click();
    expect((await t.shop.api.layouts("refit")).layouts.map((v) => v.version)).toEqual([1, 2]);
    await rows.nth(0).getByTestId("version-cancel").click();
    await page.getByTestId("version-cancel-yes").click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.nth(0).textContent()).toMatch(/^v1 from .*editing$/);
    // Nothing follows it any more: in force, with no end.
    expect(await rows.nth(0).getAttribute("data-state")).toBe("in force");
    expect(await rows.nth(0).getByTestId("version-period").textContent()).not.toContain("until");
    expect((await t.shop.api.layouts("refit")).layouts).toEqual([{ version: 1, validFrom: shopLayout().validFrom }]);
    expect(await page.locator(".page-h .sub").textContent()).toMatch(/· version 1$/);
    await page.close();
  });
});
