/**
 * The live tablet's zone list names a zone nobody counts now as fully as a counted one. Its "Not
 * counted now" label sat beside the name, where a counted zone has its figure and state: at 1024x768
 * the name of a zone whose only camera was offline was cut to "Aisle 2 s…" while a counted zone of a
 * name as long was whole, and staff could not tell which zone it was. Now the label goes on the line
 * under the name, before since when, and the name keeps the row's width (portrait too).
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { shot } from "./helpers/browser.js";
import { withQueueCameraShop } from "./helpers/queue-camera.js";
import { shopWithQueueLayout } from "./helpers/store.js";

/** Two names of the same length: the till queue (cam-2's alone) and Fruit & veg (cam-1's). */
const NOT_COUNTED = "Aisle 2 snacks, crisps and soft drinks";
const COUNTED = "Aisle 3 snacks, crisps and soft drinks";

const layout = shopWithQueueLayout();
layout.zones = layout.zones.map((z) => (z.id === "line" ? { ...z, name: NOT_COUNTED } : z.id === "fruit" ? { ...z, name: COUNTED } : z));

const t = withQueueCameraShop({ server: { httpPort: 19630, mqttPort: 19631, metricsPort: 19632 }, layout });

/** How many pixels of each row's name show (its box, or less when the text is shorter), and whether it is cut. */
const names = (page: Page) =>
  page.evaluate(() => {
    const of = (id: string) => {
      const n = document.querySelector(`[data-testid="live-zone-${id}"] .zname`)!;
      return { text: n.textContent, shown: Math.min(n.clientWidth, n.scrollWidth), cut: n.scrollWidth > n.clientWidth + 1 };
    };
    return { notCounted: of("line"), counted: of("fruit") };
  });

describe("the name of a zone nobody counts now in the live zone list", () => {
  it("is cut no more than a counted zone's name of the same length, at 1024x768 and 768x1024", async () => {
    const page = await t.open(`/live/${t.shop.store}?kiosk=1`, t.shop.tokens.staff, { width: 1024, height: 768 });
    await page.locator('[data-testid="live-zone-fruit"][data-occupancy="2"]').waitFor({ timeout: 15_000 });
    await t.status("cam-2", "offline");
    await page.locator('[data-testid="live-zone-line"][data-state="not-counted"]').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("live-zone-fruit").getAttribute("data-state")).toBe("ok");
    expect(await page.getByTestId("live-zone-line").textContent()).toContain("Not counted now");
    for (const size of [
      { width: 1024, height: 768 },
      { width: 768, height: 1024 },
    ]) {
      await page.setViewportSize(size);
      await shot(page, `live-not-counted-name-${size.width}x${size.height}`);
      const n = await names(page);
      expect(n.notCounted.text).toBe(NOT_COUNTED);
      expect(n.counted.text).toBe(COUNTED);
      // As many pixels of it show as of the counted zone's name (1 px for rounding), and it is whole wherever that one is.
      expect(n.notCounted.shown, `${size.width}x${size.height}: ${JSON.stringify(n)}`).toBeGreaterThanOrEqual(n.counted.shown - 1);
      if (!n.counted.cut) expect(n.notCounted.cut, `${size.width}x${size.height}: ${JSON.stringify(n)}`).toBe(false);
    }
    await page.close();
  });
});
