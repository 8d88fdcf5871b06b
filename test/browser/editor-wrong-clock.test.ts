/**
 * The layout editor on a tablet whose clock is hours off (real chromium with its page clock set 3 h behind or ahead
 * and running, a real server and its SQLite file). The editor judges what is past, in force and scheduled on the
 * server's clock (the `Date` of its answers), as the server will judge the save: before, it used the tablet's own.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { formatDateTimeZ } from "../../floorplan-ui/src/model/format.js";
import { toLocalInput } from "../../floorplan-ui/src/model/range.js";
import { shopLayout } from "./helpers/store.js";
import { withShop } from "./helpers/shop.js";

const HOUR = 3_600_000;
const MIN = 60_000;
const TZ = "Europe/Paris";
const t = withShop({ store: "skew", server: { httpPort: 19840, mqttPort: 19841, metricsPort: 19842 } });

/** A tab whose clock reads `offset` from the real time, and runs (not paused: the queries' timers must go on). */
async function openOff(offset: number): Promise<Page> {
  const page = await t.browser.page();
  await page.clock.install({ time: Date.now() + offset });
  await page.goto(`${t.server.httpUrl}/#/editor/skew?token=${t.shop.tokens.admin}`);
  await page.getByTestId("zone-list").waitFor();
  return page;
}

describe("layout editor on a tablet whose clock is wrong", () => {
  it("3 h slow: a version in force since an hour ago is past, its very instant refused before the save", async () => {
    const refit = Math.floor((Date.now() - HOUR) / MIN) * MIN;
    await t.shop.api.putLayout("skew", { ...shopLayout(), name: "After the refit", validFrom: refit });
    const version = (await t.shop.api.layouts("skew")).layouts.at(-1)!.version;
    const before = Date.now();
    const page = await openOff(-3 * HOUR);
    // "Valid from" starts at the server's now, not the tablet's 3 h earlier.
    const shown = await page.getByTestId("valid-from").inputValue();
    expect([toLocalInput(before, TZ), toLocalInput(Date.now(), TZ)]).toContain(shown);
    await page.getByTestId("zone-list").getByRole("button", { name: /Bakery/ }).click();
    await page.getByTestId("zone-capacity").fill("12");
    await page.getByTestId("zone-capacity").press("Enter");
    await page.getByTestId("valid-from").fill(toLocalInput(refit, TZ));
    // Old editor: the refit is 2 h ahead on the tablet's clock, "scheduled", and no past-version note.
    const note = page.getByTestId("valid-from-past-version");
    await note.waitFor({ timeout: 10_000 });
    expect(await note.textContent()).toMatch(new RegExp(`^Version ${version} has been in force since ${formatDateTimeZ(refit, TZ)}, the time in “Valid from”`));
    expect(await page.getByTestId("save-layout").isDisabled()).toBe(true);
    // A minute later saves: in force now on the server, and the editor says so (not "scheduled").
    await page.getByTestId("valid-from").fill(toLocalInput(refit + MIN, TZ));
    await expect.poll(() => note.count()).toBe(0);
    await page.getByTestId("save-layout").click();
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toContain(`Saved as version ${version + 1}, in force now`);
    expect((await t.shop.api.layout("skew")).validFrom).toBe(refit + MIN);
    await page.close();
  });

  it("3 h fast: a version scheduled an hour ahead is still scheduled, the one before it in force", async () => {
    const later = Math.floor((Date.now() + HOUR) / MIN) * MIN;
    await t.shop.api.putLayout("skew", { ...shopLayout(), name: "Next season", validFrom: later });
    const scheduled = (await t.shop.api.layouts("skew")).layouts.at(-1)!.version;
    const page = await openOff(3 * HOUR);
    // Old editor: the tablet's clock is past it, so the list had it "in force" and none "scheduled".
    const item = page.locator(`li[data-version="${scheduled}"]`);
    await expect.poll(() => item.getAttribute("data-state"), { timeout: 10_000 }).toBe("scheduled");
    expect(await page.locator(`li[data-version="${scheduled - 1}"]`).getAttribute("data-state")).toBe("in force");
    await page.close();
  });
});
