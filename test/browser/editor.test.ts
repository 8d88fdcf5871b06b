/**
 * The layout editor as a merchandiser uses it after a refit: switching between stores, drawing
 * corners on a plan that stays put, and leaving the view with changes not saved yet.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { addToken } from "../support/index.js";
import { withShop } from "./helpers/shop.js";
import { pagePoint } from "./helpers/plan.js";
import { shopLayout } from "./helpers/store.js";
import type { LayoutInput, ZoneId } from "@footfall/core";
import { shiftServerDates } from "./helpers/server-clock.js";

// A second store whose layout is also version 1, as every store's first layout is.
const annex: LayoutInput = {
  name: "Annex",
  validFrom: Date.UTC(2025, 0, 1),
  timezone: "Europe/Paris",
  floor: { width: 20, height: 10 },
  zones: [
    { id: "door" as ZoneId, name: "Door", kind: "entrance", polygon: [[0, 0], [4, 0], [4, 4], [0, 4]] },
    { id: "shoes" as ZoneId, name: "Shoes", kind: "zone", polygon: [[6, 2], [12, 2], [12, 8], [6, 8]] },
  ],
};

const t = withShop({
  setup: async (t) => {
    await t.shop.api.putLayout("annex", annex);
  },
});

const zoneNames = (page: Page) => page.getByTestId("zone-list").locator(".zl-name").allTextContents();
/** A view picked from the header's menu (an admin's twelve views do not fit the header's row). */
async function goTo(page: Page, label: string) {
  await page.getByTestId("nav-menu").locator("summary").click();
  await page.getByTestId("nav-menu").getByRole("link", { name: label, exact: true }).click();
}

describe("layout editor: stores", () => {
  it("shows the chosen store's own layout when another store is picked, never the previous store's", async () => {
    const page = await t.open("/editor/shop", t.shop.tokens.admin);
    await page.getByTestId("zone-list").waitFor();
    expect(await zoneNames(page)).toEqual(shopLayout().zones.map((z) => z.name));
    await page.getByLabel("Store", { exact: true }).selectOption("annex");
    await page.waitForURL(/#\/editor\/annex/);
    await expect.poll(() => page.locator(".page-h .sub").textContent()).toBe("Annex · version 1");
    expect(await zoneNames(page)).toEqual(["Door", "Shoes"]);
    expect(await page.getByTestId("store-name").inputValue()).toBe("Annex");
    await page.close();
  });
});

describe("layout editor: drawing", () => {
  it("keeps the plan where it is while corners are placed, and when a corner is refused", async () => {
    const page = await t.open("/editor/shop", t.shop.tokens.admin);
    await page.getByTestId("zone-list").waitFor();
    const plan = page.getByTestId("plan");
    const at = async () => (await plan.boundingBox())!;
    const start = await at();
    await page.getByTestId("draw-zone").click();
    // The hint for drawing shows, and the plan under the pointer has not moved.
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toContain("Click the corners");
    expect(await at()).toEqual(start);
    const first = await pagePoint(page, [11, 8.2]);
    await page.mouse.click(first.x, first.y);
    await expect.poll(() => page.getByTestId("editor-message").count()).toBe(0);
    expect(await at()).toEqual(start);
    // Off the floor: refused with the reason, and the plan still where it was.
    const off = await pagePoint(page, [-0.6, 9]);
    await page.mouse.click(off.x, off.y);
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toContain("outside the floor");
    expect(await at()).toEqual(start);
    // So the corners clicked next land where they were clicked, and the first one closes the zone.
    for (const p of [[19, 8.2], [19, 9.6], [11, 9.6], [11, 8.2]] as [number, number][]) {
      const q = await pagePoint(page, p);
      await page.mouse.click(q.x, q.y);
    }
    await page.getByTestId("zone-form").waitFor();
    expect(await page.getByTestId("zone-form").textContent()).toContain("4 corners · (11, 8.2) (19, 8.2) (19, 9.6) (11, 9.6)");
    await page.close();
  });
});

describe("layout editor: the keyboard", () => {
  it("picks a zone from the Zones list, moves and resizes it with the arrows, types its box, deselects, deletes and undoes", async () => {
    const page = await t.open("/editor/shop", t.shop.tokens.admin);
    await page.getByTestId("zone-list").waitFor();
    expect(await page.getByTestId("editor-keys").textContent()).toContain("Ctrl+arrows resize it · Delete removes it");
    const box = async () => Object.fromEntries(await Promise.all(["x", "y", "w", "h"].map(async (k) => [k, Number(await page.getByTestId(`zone-${k}`).inputValue())])));
    // Keyboard only: the list's button takes Enter, and the focus stays there (not in the Name field).
    const promo = page.getByTestId("zone-list").getByRole("button", { name: /Promo/ });
    await promo.focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("zone-form").waitFor();
    expect(await promo.getAttribute("aria-pressed")).toBe("true");
    expect(await box()).toEqual({ x: 12, y: 10, w: 6, h: 5 });
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Shift+ArrowUp");
    await expect.poll(box).toEqual({ x: 12.1, y: 9, w: 6, h: 5 });
    await page.keyboard.press("Control+ArrowRight");
    await page.keyboard.press("Control+Shift+ArrowDown");
    await expect.poll(box).toEqual({ x: 12.1, y: 9, w: 6.1, h: 6 });
    expect(await page.getByTestId("zone-form").textContent()).toContain("(12.1, 9) (18.2, 9) (18.2, 15) (12.1, 15)");
    await page.getByText("Unsaved changes").waitFor();
    // The W field: typed and Enter.
    await page.getByTestId("zone-w").fill("4");
    await page.getByTestId("zone-w").press("Enter");
    await expect.poll(box).toEqual({ x: 12.1, y: 9, w: 4, h: 6 });
    // Off the floor: refused, saying why.
    await page.getByTestId("zone-x").fill("28");
    await page.getByTestId("zone-x").press("Enter");
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toContain("Not moved");
    // Escape deselects; Delete removes, saying Ctrl+Z brings it back, which it does.
    await promo.focus();
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByTestId("zone-form").count()).toBe(0);
    await page.keyboard.press("Enter");
    await page.getByTestId("zone-form").waitFor();
    await page.keyboard.press("Delete");
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toContain("Zone “Promo” deleted. Undo (Ctrl+Z) brings it back.");
    expect(await zoneNames(page)).not.toContain("Promo");
    await page.keyboard.press("Control+z");
    await expect.poll(() => zoneNames(page)).toContain("Promo");
    await page.close();
  });
  it("undoes a held arrow key in one step: the auto-repeats join the first press", async () => {
    const page = await t.open("/editor/shop", t.shop.tokens.admin);
    await page.getByTestId("zone-list").getByRole("button", { name: /Promo/ }).click();
    await page.getByTestId("zone-form").waitFor();
    const x = async () => Number(await page.getByTestId("zone-x").inputValue());
    expect(await x()).toBe(12);
    // A held key: one keydown, then the browser's auto-repeats (repeat: true), as a real keyboard sends them.
    // A browser repeats a held key every 30-50 ms.
    await page.evaluate(async () => {
      for (let i = 0; i < 5; i++) {
        document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", repeat: i > 0, bubbles: true }));
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    await expect.poll(x).toBe(12.5);
    await page.keyboard.press("Control+z");
    await expect.poll(x).toBe(12);
    await page.close();
  });
});

describe("layout editor: leaving with unsaved changes", () => {
  it("asks before another view or store throws the changes away, and stays when told to", async () => {
    const page = await t.open("/editor/shop", t.shop.tokens.admin);
    await page.getByTestId("zone-list").waitFor();
    const asked: string[] = [];
    let answer = false;
    page.on("dialog", (d) => {
      asked.push(d.message());
      void (answer ? d.accept() : d.dismiss());
    });
    // Nothing changed yet: leaving asks nothing.
    await goTo(page, "Flows");
    await page.waitForURL(/#\/flows\/shop/);
    await goTo(page, "Layout");
    await page.getByTestId("zone-list").waitFor();
    expect(asked).toEqual([]);

    await page.getByTestId("store-name").fill("Shop after the refit");
    await page.getByTestId("store-name").press("Enter");
    await page.getByText("Unsaved changes").waitFor();

    // A header link, the store picker and Sign out each ask; "Cancel" keeps the editor and the change.
    await goTo(page, "Heatmap");
    await page.getByLabel("Store", { exact: true }).selectOption("annex");
    await page.getByRole("button", { name: "Sign out" }).click();
    expect(asked).toHaveLength(3);
    expect(asked[0]).toContain("not saved");
    expect(page.url()).toMatch(/#\/editor\/shop$/);
    expect(await page.getByLabel("Store", { exact: true }).inputValue()).toBe("shop");
    expect(await page.getByTestId("store-name").inputValue()).toBe("Shop after the refit");
    expect(await page.getByText("Unsaved changes").count()).toBe(1);

    // The browser's Back button too.
    await page.evaluate(() => history.back());
    await expect.poll(() => asked.length).toBe(4);
    // (The address is put back once the question is answered.)
    await expect.poll(() => page.url()).toMatch(/#\/editor\/shop$/);
    expect(await page.getByTestId("store-name").inputValue()).toBe("Shop after the refit");

    // The history is as it was: Back again asks again (it did nothing the first time after a "Cancel").
    await page.evaluate(() => history.back());
    await expect.poll(() => asked.length).toBe(5);
    await expect.poll(() => page.url()).toMatch(/#\/editor\/shop$/);
    expect(await page.getByTestId("store-name").inputValue()).toBe("Shop after the refit");

    // "OK" leaves, once, without asking again: by a link, and by Back to the view Back leads to.
    answer = true;
    await goTo(page, "Heatmap");
    await page.waitForURL(/#\/heatmap\/shop/);
    await page.getByTestId("ranking").waitFor();
    expect(asked).toHaveLength(6);
    await page.evaluate(() => history.back());
    await page.waitForURL(/#\/editor\/shop$/);
    await page.getByTestId("zone-list").waitFor();
    await page.getByTestId("store-name").fill("Shop after the second refit");
    await page.getByTestId("store-name").press("Enter");
    await page.getByText("Unsaved changes").waitFor();
    await page.evaluate(() => history.back());
    // (Back changes the address before the question shows.)
    await expect.poll(() => asked.length).toBe(7);
    await page.getByTestId("flows").waitFor();
    await page.close();
  });
});

describe("layout editor: who may open it", () => {
  it("tells staff which tokens open it, and a merchandiser of one store that another store is not theirs", async () => {
    const staff = await t.open("/editor/shop", t.shop.tokens.staff);
    await staff.getByText("Not available with this token").waitFor();
    expect(await staff.locator("main").textContent()).toContain("The Layout view needs a merchandiser or admin token; this one is staff.");
    await staff.close();

    const merchandiser = await addToken(t.server.dataDir, "merchandiser", "annex");
    const page = await t.open("/editor/shop", merchandiser);
    // Not an empty "new store" editor whose save the server refuses: the store is not this token's.
    await page.getByTestId("unknown-store").waitFor();
    expect(await page.getByTestId("editor").count()).toBe(0);
    expect(await page.locator("main").textContent()).not.toContain("draw its first layout");
    await page.locator("main").getByRole("link", { name: "Annex" }).click();
    await page.getByTestId("zone-list").waitFor();
    expect(await zoneNames(page)).toEqual(["Door", "Shoes"]);
    await page.close();
  });
});

describe("no store yet", () => {
  it("offers a merchandiser for every store to draw the first store's layout, as the server lets them", async () => {
    const merchandiser = await addToken(t.server.dataDir, "merchandiser");
    const page = await t.browser.page();
    // A server without any store yet.
    await page.route(/\/api\/v1\/stores$/, (r) => r.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ stores: [], retention: { rawDays: 90, rawSince: null } }) }));
    await page.goto(`${t.server.httpUrl}/#/?token=${merchandiser}`);
    await page.getByText("No store yet").waitFor();
    await page.getByPlaceholder("store id, e.g. paris-01").fill("lyon-02");
    await page.getByRole("button", { name: "Open the editor" }).click();
    await page.waitForURL(/#\/editor\/lyon-02/);
    await page.close();

    // A viewer is told who may.
    const viewer = await t.browser.page();
    await viewer.route(/\/api\/v1\/stores$/, (r) => r.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ stores: [], retention: { rawDays: 90, rawSince: null } }) }));
    await viewer.goto(`${t.server.httpUrl}/#/?token=${t.shop.tokens.viewer}`);
    await viewer.getByText("No store yet").waitFor();
    expect(await viewer.locator("main").textContent()).toContain("A merchandiser or an admin (with a token for every store) creates a store by drawing its first layout in the Layout view.");
    await viewer.close();
  });
});

describe("a view whose code is gone", () => {
  it("says the page needs reloading (the server was updated since it opened), keeps the header, and Reload brings the view", async () => {
    const page = await t.open("/heatmap/shop", t.shop.tokens.admin);
    await page.getByTestId("ranking").waitFor();
    // As after an upgrade: the editor's chunk of the build this page loaded is no longer served.
    await page.route(/\/assets\/Editor-[^/]*\.js$/, (r) => r.fulfill({ status: 404, body: "" }));
    await goTo(page, "Layout");
    const failed = page.getByTestId("view-failed");
    await failed.waitFor();
    expect(await failed.textContent()).toContain("Reload the page to get the current version");
    expect(await page.getByTestId("nav-menu").count()).toBe(1);
    await page.unroute(/\/assets\/Editor-[^/]*\.js$/);
    await failed.getByRole("button", { name: "Reload the page" }).click();
    await page.getByTestId("zone-list").waitFor();
    await page.close();
  });
});

// Last: the fake clock is installed for the whole browser context.
describe("layout editor: valid from", () => {
  it("saves from the time of the save when Valid from was left as it was, not from when the editor was opened", async () => {
    const page = await t.browser.page();
    await page.clock.install();
    await page.goto(`${t.server.httpUrl}/#/editor/annex?token=${t.shop.tokens.admin}`);
    await page.getByTestId("zone-list").waitFor();
    const opened = await page.evaluate(() => Date.now());
    const shown = await page.getByTestId("valid-from").inputValue();
    // Two hours of redrawing with the editor open, then a change and Save. The editor goes by the server's clock (the
    // Date of its answers), so the server's answers are dated two hours on as well.
    await shiftServerDates(page, 2 * 3_600_000);
    await page.clock.fastForward(2 * 3_600_000);
    await expect.poll(() => page.getByTestId("valid-from").inputValue()).not.toBe(shown);
    await page.getByTestId("store-name").fill("Annex after the refit");
    await page.getByTestId("store-name").press("Enter");
    await page.getByTestId("save-layout").click();
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toContain("Saved as version 2");
    const saved = await t.shop.api.layout("annex", opened + 3 * 3_600_000);
    expect(saved.name).toBe("Annex after the refit");
    expect(saved.validFrom).toBeGreaterThanOrEqual(opened + 2 * 3_600_000 - 60_000);
    await page.close();
  });
});
