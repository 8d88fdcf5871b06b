/**
 * An alert that fires while someone reads another view. Staff have Live and Alerts, which both show
 * the alert banner; an admin (or a viewer, the store manager reading analytics) on the Heatmap,
 * Flows, Report or the Layout editor got no sign at all of it. Now the header says "1 alert" there,
 * quietly (no sound), with the message in its tooltip: a link to the Alerts view for the roles that
 * open it, a plain label for those who only read alerts; "1 acknowledged" once someone has.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { shot } from "./helpers/browser.js";
import { withShop } from "./helpers/shop.js";

const t = withShop({ server: { httpPort: 19640, mqttPort: 19641, metricsPort: 19642 } });

/** Whether the header holds all it shows within the window (nothing cut off at its right end). */
const headerFits = (page: Page) =>
  page.evaluate(() => {
    const h = document.querySelector(".app-header")!;
    const chip = document.querySelector('[data-testid="header-alerts"]')!.getBoundingClientRect();
    return h.scrollWidth <= h.clientWidth + 1 && chip.left >= 0 && chip.right <= window.innerWidth;
  });

describe("the header's sign of the store's alerts on views without the banner", () => {
  let ruleId = "";
  it("tells an admin on the Heatmap that an alert fired, and leads to the Alerts view", async () => {
    const rule = await t.shop.api.request<{ id: string }>("POST", `/api/v1/stores/${t.shop.store}/alert-rules`, { kind: "occupancy", zone: "fitting", threshold: 1, forSeconds: 0, cooldownSeconds: 0, enabled: true, name: "Fitting rooms full" });
    expect(rule.status).toBe(201);
    ruleId = rule.body.id;
    const page = await t.open(`/heatmap/${t.shop.store}`, t.shop.tokens.admin, { width: 1024, height: 768 });
    await page.locator(".app-header").waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("header-alerts").count()).toBe(0);

    // Six people in the fitting rooms (capacity 4): the rule fires while the Heatmap is open.
    const now = Date.now();
    await t.shop.publish(Array.from({ length: 6 }, (_, i) => t.shop.events.enter(`f${i}`, "fitting", now + i)));
    const chip = page.locator('[data-testid="header-alerts"][data-firing="1"]');
    await chip.waitFor({ timeout: 45_000 });
    const { alerts } = (await t.shop.api.request<{ alerts: { ruleId: string; message: string }[] }>("GET", `/api/v1/stores/${t.shop.store}/alerts`)).body;
    expect(alerts.map((a) => a.ruleId)).toEqual([ruleId]);
    expect((await chip.textContent())?.trim()).toBe("1 alert");
    expect(await chip.getAttribute("title")).toBe(`1 not acknowledged: ${alerts[0]!.message}`);
    expect(await chip.getAttribute("href")).toBe(`#/alerts/${t.shop.store}`);
    expect(await headerFits(page)).toBe(true);
    await shot(page, "header-alerts-heatmap-1024x768");

    // It leads to the Alerts view, whose banner takes over (no second sign in the header there).
    await chip.click();
    await page.locator(`[data-testid="alert-${ruleId}"][data-state="firing"]`).waitFor({ timeout: 15_000 });
    expect(page.url()).toContain(`#/alerts/${t.shop.store}`);
    expect(await page.getByTestId("header-alerts").count()).toBe(0);
    await page.close();
  });

  it("tells a viewer on the Report, in portrait, as a label (viewers do not open Alerts), and says once it is acknowledged", async () => {
    const ack = await t.shop.api.request("POST", `/api/v1/stores/${t.shop.store}/alerts/${(await t.shop.api.request<{ alerts: { id: string }[] }>("GET", `/api/v1/stores/${t.shop.store}/alerts`)).body.alerts[0]!.id}/ack`, { by: "Ana" });
    expect(ack.status).toBe(200);
    const page = await t.open(`/report/${t.shop.store}`, t.shop.tokens.viewer, { width: 768, height: 1024 });
    const chip = page.locator('[data-testid="header-alerts"][data-firing="0"]');
    await chip.waitFor({ timeout: 15_000 });
    expect((await chip.textContent())?.trim()).toBe("1 acknowledged");
    expect(await chip.evaluate((el) => el.tagName)).toBe("SPAN");
    expect(await chip.getAttribute("title")).toMatch(/^All acknowledged: /);
    expect(await headerFits(page)).toBe(true);
    await shot(page, "header-alerts-report-viewer-768x1024");
    await page.close();
  });
});
