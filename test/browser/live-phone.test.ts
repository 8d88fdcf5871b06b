/**
 * The live view on a phone (390x844), the demo's twelve zones with the checkout queue among them, counted and then
 * with its only agent offline. A walk-through found the portrait tablet's grid squeezed into the phone: the store
 * card 270 px wide beside the zone list, which was left a 40 px strip ("7/", "F. 1", the rest off the screen), the
 * store's name cut to "Dem…" and "Sound off" spilling out of its button. Now the phone gets one column that scrolls
 * as a page: every zone's row, the card and the queue tile the screen's width, no name cut, nothing past the right
 * edge, the header's name whole and its button holding its words.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { shot } from "./helpers/browser.js";
import { agentStatus, DEMO_ZONES, withDemoShop } from "./helpers/demo-shop.js";

const PHONE = { width: 390, height: 844 };

const t = withDemoShop({
  server: { httpPort: 19930, mqttPort: 19931, metricsPort: 19932 },
});

const status = (state: "online" | "offline") => agentStatus(t.shop, state);

/** What is off the screen's width or cut: rows, the card, the queue tile, names, the header. */
const layout = (page: Page) =>
  page.evaluate((zones) => {
    const w = window.innerWidth;
    const rect = (sel: string) => document.querySelector(sel)?.getBoundingClientRect() ?? null;
    const narrow = (r: DOMRect | null) => r === null || r.left < -0.5 || r.right > w + 0.5 || r.width < w * 0.8;
    const rows = zones.map((z) => ({ z, r: rect(`[data-testid="live-zone-${z}"]`) }));
    const sound = document.querySelector(".live-top button") as HTMLElement | null;
    const store = document.querySelector(".live-store") as HTMLElement;
    return {
      pageWidth: document.documentElement.scrollWidth,
      narrowRows: rows.filter(({ r }) => narrow(r)).map(({ z, r }) => `${z}: ${r ? `${Math.round(r.left)}..${Math.round(r.right)}` : "missing"}`),
      narrowCard: narrow(rect('[data-testid="live-total"]')),
      narrowQueue: narrow(rect('[data-testid="queue-tiles"]')),
      cutNames: [...document.querySelectorAll(".live-zones .zname")].filter((n) => n.scrollWidth > n.clientWidth + 1).map((n) => n.textContent),
      storeCut: store.scrollWidth > store.clientWidth + 1,
      soundSpills: sound === null ? null : sound.scrollWidth > sound.clientWidth + 1,
    };
  }, DEMO_ZONES);

describe("the live view on a phone", () => {
  it.each([
    ["counted", "online" as const, '[data-testid="live-zone-bakery"][data-occupancy="1"]'],
    ["nothing counted (the agent offline)", "offline" as const, '[data-testid="live-zone-bakery"][data-state="not-counted"]'],
  ])("%s: one column the phone's width, every zone's row whole, the name and the sound button whole", async (label, state, ready) => {
    await status(state);
    const page = await t.open(`/live/${t.shop.store}?kiosk=1`, t.shop.tokens.staff, PHONE);
    await page.locator(ready).waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="live-total"]').waitFor({ timeout: 20_000 });
    const l = await layout(page);
    await shot(page, `live-phone-${state}`, { fullPage: true });
    expect(l.pageWidth, label).toBeLessThanOrEqual(PHONE.width);
    expect(l.narrowRows, label).toEqual([]);
    expect(l.narrowCard, label).toBe(false);
    expect(l.narrowQueue, label).toBe(false);
    expect(l.cutNames, label).toEqual([]);
    expect(l.storeCut, label).toBe(false);
    expect(l.soundSpills, label).toBe(false);
  });
});
