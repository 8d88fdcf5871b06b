/**
 * The live tablet on shop Wi-Fi that drops: while the link is down the figures keep changing, and
 * when it comes back the live push arrives in a burst. Here the server's frames are held back in
 * the page (a wrapper of the WebSocket's onmessage) and then handed to socket.io one after the
 * other with nothing but React's own work in between, the worst a burst can be. Each message
 * renders the view; the view once kept its alerts' "over since" times as state set in an effect,
 * one more render per message, and React threw "Maximum update depth exceeded" (error #185)
 * inside the socket's handler after the burst. The page must take it without an error and show
 * the last figures.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { waitFor } from "../support/index.js";
import { withShop } from "./helpers/shop.js";

let page: Page;
const errors: string[] = [];

/**
 * In the page: while `__held` is a list, the WebSockets' messages wait in it; `__release()` hands them on, each in its own
 * microtask. The server's heartbeat pings (engine.io's "2") go through: a link silent for 15 s is closed by the server
 * (7fb5ef0) and the tablet then reconnects to a fresh snapshot, no burst; the burst is what a link slow but alive delivers.
 */
const HOLD = `(() => {
  const desc = Object.getOwnPropertyDescriptor(WebSocket.prototype, "onmessage");
  Object.defineProperty(WebSocket.prototype, "onmessage", {
    configurable: true,
    get() { return desc.get.call(this); },
    set(fn) { desc.set.call(this, fn && ((ev) => (window.__held && ev.data !== "2" ? window.__held.push(() => fn.call(this, ev)) : fn.call(this, ev)))); },
  });
  window.__held = null;
  window.__release = async () => {
    const q = window.__held;
    window.__held = null;
    for (const f of q) { await Promise.resolve(); f(); }
    return q.length;
  };
})();`;
const heldCount = () => page.evaluate(() => (window as unknown as { __held: unknown[] | null }).__held?.length ?? 0);

const t = withShop({
  setup: async (t) => {
    page = await t.browser.page({ width: 800, height: 1280 });
    page.on("pageerror", (err) => errors.push(err.message));
    page.on("console", (m) => {
      if (m.type() === "error" && !m.text().includes("WebSocket") && !m.text().includes("net::")) errors.push(m.text());
    });
    await page.addInitScript(HOLD);
    await page.goto(`${t.server.httpUrl}/#/live/${t.shop.store}?kiosk=1&token=${t.shop.tokens.staff}`);
    await page.locator('[data-testid="live"][data-status="live"]').waitFor({ timeout: 10_000 });
  },
});

describe("live tablet back online", () => {
  it("takes the burst of figures after the network comes back without a React error, and shows the last figures", async () => {
    // An alert on (5 in the fruit zone of 4), so the view keeps an "over since" time.
    const now = Date.now();
    await t.shop.publish(Array.from({ length: 5 }, (_, i) => t.shop.events.enter(`over-${i}`, "fruit", now)));
    await page.getByTestId("live-alert-fruit").waitFor({ timeout: 10_000 });
    await page.evaluate(() => void ((window as unknown as { __held: unknown[] }).__held = []));
    // While the link is down, someone walks in and out of the drinks zone: 120 occupancy messages
    // (each change published once the server has pushed the one before, so none are merged).
    let n = 0;
    for (let i = 0; n < 120; i++) {
      const before = n;
      const ts = Date.now();
      await t.shop.publish([i % 2 === 0 ? t.shop.events.enter("walker", "drinks", ts) : t.shop.events.exit("walker", "drinks", ts)]);
      n = await waitFor("the server to push the change", async () => {
        const now = await heldCount();
        return now > before ? now : false;
      }, { timeoutMs: 5000, intervalMs: 5 });
    }
    await t.shop.publish(Array.from({ length: 3 }, (_, i) => t.shop.events.enter(`last-${i}`, "drinks", Date.now())));
    // The last changes reach the page too, then the link comes back.
    await waitFor("the server to push the last change", async () => (await heldCount()) > n, { timeoutMs: 5000, intervalMs: 5 });
    expect(await page.evaluate(() => (window as unknown as { __release(): Promise<number> }).__release())).toBeGreaterThan(120);
    // The last figures are the server's.
    const occ = (await t.shop.api.request<{ zones: { zone: string; occupancy: number }[] }>("GET", `/api/v1/stores/${t.shop.store}/occupancy`)).body;
    const drinks = occ.zones.find((z) => z.zone === "drinks")!.occupancy;
    expect(drinks).toBeGreaterThanOrEqual(3);
    await page.locator(`[data-testid="live-zone-drinks"][data-occupancy="${drinks}"]`).waitFor({ timeout: 15_000 });
    await page.waitForTimeout(3000);
    expect(errors).toEqual([]);
    expect(await page.getByTestId("live-alert-fruit").textContent()).toMatch(/since \d\d:\d\d/);
  });
});
