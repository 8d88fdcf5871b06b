/**
 * A tablet that went to sleep with the live view open and wakes an hour later. While asleep its
 * timers stop and nothing reaches it (the server's hang-up is missed), so on waking its link still
 * says "live": the page showed "Live · updated 1 h ago" over the hour-old figures, without saying they
 * may be out of date, until socket.io's own heartbeat timer (stopped too) ran out up to 15 s later.
 * Here chromium's clock is paused and jumped an hour (the page's timers do not run, as on a sleeping
 * device) while the server is stopped (SIGSTOP: no byte, no hang-up reaches the page); then the page
 * becomes visible again. It must say at once that it is reconnecting and that its figures may be out
 * of date, and once the server answers, show the store's figures as the API gives them.
 */
import { describe, expect, it } from "vitest";
import { shot } from "./helpers/browser.js";
import { withShop } from "./helpers/shop.js";

const t = withShop({ server: { httpPort: 19620, mqttPort: 19621, metricsPort: 19622 } });

describe("the live tablet waking from an hour's sleep", () => {
  it("says it is reconnecting with the figures out of date as soon as it wakes, then shows the API's figures", async () => {
    const now = Date.now();
    await t.shop.publish(Array.from({ length: 3 }, (_, i) => t.shop.events.enter(`b${i}`, "bakery", now + i)));
    const page = await t.browser.page({ width: 1024, height: 768 });
    await page.clock.install();
    await page.goto(`${t.server.httpUrl}/#/live/${t.shop.store}?kiosk=1&token=${t.shop.tokens.staff}`);
    await page.locator('[data-testid="live"][data-status="live"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="live-total"][data-total="3"]').waitFor({ timeout: 15_000 });

    // Asleep: the page's clock stands still, then reads an hour later; nothing comes from the server meanwhile.
    process.kill(t.server.pid!, "SIGSTOP");
    try {
      await page.clock.pauseAt(Date.now() + 1000);
      await page.clock.setSystemTime(Date.now() + 3_600_000);
      await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
      // Hang guard only: the page's timers are paused, so only the wake itself can change the state.
      await page.locator('[data-testid="live"][data-status="reconnecting"]').waitFor({ timeout: 15_000 });
      expect(await page.getByTestId("live-stale").textContent()).toMatch(/The figures below are from \d\d:\d\d:\d\d CES?T and may be out of date/);
      expect(await page.getByTestId("live-status").textContent()).toContain("Reconnecting");
      await shot(page, "live-wake-reconnecting-1024x768");
    } finally {
      process.kill(t.server.pid!, "SIGCONT");
    }
    await page.clock.resume();
    await t.shop.publish(Array.from({ length: 2 }, (_, i) => t.shop.events.enter(`c${i}`, "drinks", Date.now() + i)));
    await page.locator('[data-testid="live"][data-status="live"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="live-total"][data-total="5"]').waitFor({ timeout: 15_000 });
    const api = (await t.shop.api.request<{ total: number; zones: { zone: string; occupancy: number }[] }>("GET", `/api/v1/stores/${t.shop.store}/occupancy`)).body;
    expect(api.total).toBe(5);
    expect(await page.getByTestId("live-zone-bakery").getAttribute("data-occupancy")).toBe(String(api.zones.find((z) => z.zone === "bakery")!.occupancy));
    expect(await page.getByTestId("live-zone-drinks").getAttribute("data-occupancy")).toBe(String(api.zones.find((z) => z.zone === "drinks")!.occupancy));
    expect(await page.getByTestId("live-stale").count()).toBe(0);
    await page.close();
  });
});
