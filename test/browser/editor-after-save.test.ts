/**
 * Two things a merchandiser saw in the layout editor (walked as a user, real chromium and a real server):
 * - Right after "Save as new version" from now, the heading said the version just saved was "scheduled from ...: not in
 *   force yet" and a warning said "Version 3 takes effect later ...: this version would be in force only until then",
 *   for up to 15 s (the editor's clock ticked every 15 s; the save was from the moment of the click, after that tick).
 * - The question asked when a removed zone's id is typed by hand ran out of the 330 px zone panel: its three buttons
 *   stayed on one line, the words a word wide beside them, the page scrolling sideways and the buttons cut off.
 */
import { describe, expect, it } from "vitest";
import { withShop } from "./helpers/shop.js";
import { drawAisleZone } from "./helpers/plan.js";
import { shiftServerDates } from "./helpers/server-clock.js";

const t = withShop({ store: "aftersave", server: { httpPort: 18860, mqttPort: 18861, metricsPort: 18862 } });

describe("layout editor, as a merchandiser sees it", () => {
  it("says the version saved from now is in force, with no warning about it, right after the save", async () => {
    const page = await t.browser.page({ width: 1280, height: 800 });
    // The page's clock runs a minute behind (so the save from "now" is in the server's past), and is stopped right
    // after the editor opens: the save comes after the editor's last tick, as it does for anyone saving within 15 s.
    await page.clock.install({ time: Date.now() - 60_000 });
    // The editor goes by the server's clock (the Date of its answers): the server's answers read a minute behind too.
    await shiftServerDates(page, -60_000);
    await page.goto(`${t.server.httpUrl}/#/editor/${t.shop.store}?token=${t.shop.tokens.admin}`);
    await page.getByTestId("zone-list").waitFor();
    const opened = await page.evaluate(() => Date.now());
    await page.clock.pauseAt(opened + 3_000);
    await page.getByTestId("zone-list").getByRole("button", { name: /Drinks/ }).click();
    await page.getByTestId("zone-form").getByRole("button", { name: "Delete zone" }).click();
    await page.getByTestId("save-layout").click();
    // The save's instant is taken (3 s after the editor's last tick); the clock runs again, so that the page's timers
    // fire (its queries, the Versions list's read after the save among them): paused, a page slower than 3 s to load
    // them (a loaded machine) never showed version 2. The editor's next tick is 12 s away, past the checks below.
    await page.clock.resume();
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toContain("Saved as version 2");
    const saved = await t.shop.api.layout(t.shop.store);
    expect(saved.version).toBe(2);
    expect(saved.zones.map((z) => z.id)).not.toContain("drinks");
    // The Versions list, read again after the save: version 2 is the one in force.
    const v2 = page.locator('ul.versions li[data-version="2"]');
    await v2.waitFor();
    expect(await v2.getAttribute("data-state")).toBe("in force");
    // Old editor: "Rivoli test shop · version 2, scheduled from ...: not in force yet", and the warning.
    expect(await page.locator("body").textContent()).not.toContain("not in force yet");
    expect(await page.getByTestId("valid-from-superseded").count()).toBe(0);
    await page.close();
  });

  it("asks about a removed zone's id inside the zone panel, its buttons under its words", async () => {
    const page = await t.open(`/editor/${t.shop.store}`, t.shop.tokens.admin, { width: 1280, height: 800 });
    await page.getByTestId("zone-list").waitFor();
    const id = await drawAisleZone(page);
    await id.fill("drinks");
    await id.press("Enter");
    const ask = page.getByTestId("zone-id-removed");
    await ask.waitFor();
    const form = (await page.getByTestId("zone-form").boundingBox())!;
    const inside = async (name: string, box: { x: number; width: number } | null) => {
      expect(box, name).not.toBeNull();
      expect(box!.x, name).toBeGreaterThanOrEqual(form.x - 1);
      expect(box!.x + box!.width, name).toBeLessThanOrEqual(form.x + form.width + 1);
    };
    await inside("the question", await ask.boundingBox());
    for (const b of ["zone-id-bring-back", "zone-id-own", "zone-id-keep"]) await inside(b, await page.getByTestId(b).boundingBox());
    await inside("the id field", await id.boundingBox());
    // Nothing runs out of the window: the page does not scroll sideways (old editor: ~300 px).
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.getByTestId("zone-id-bring-back").click();
    await expect.poll(() => id.inputValue()).toBe("drinks");
    await page.close();
  });
});
