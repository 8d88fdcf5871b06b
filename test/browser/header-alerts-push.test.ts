/**
 * The header's alert sign follows the store's live link. It asked GET .../alerts every 20 s, so on the
 * Heatmap a new alert appeared up to 20 s late while the tablet's other figures were live over
 * Socket.IO. Now the link's `alerts` push (the Live view's socket and join, authorised as the alerts
 * API) shows it, and closes it, and the poll is a fallback. To show that the push alone does it, the
 * page's requests for the alerts list are refused once it has had its first answer: the old UI, which
 * only polled, never shows the alert.
 */
import { describe, expect, it } from "vitest";
import { withShop } from "./helpers/shop.js";

const t = withShop({ server: { httpPort: 19810, mqttPort: 19811, metricsPort: 19812 } });

describe("the header's sign of the store's alerts, pushed over the live link", () => {
  it("shows an alert fired on the Heatmap, and its end, with no request for the alerts list", async () => {
    const rule = await t.shop.api.request<{ id: string }>("POST", `/api/v1/stores/${t.shop.store}/alert-rules`, { kind: "occupancy", zone: "fitting", threshold: 1, forSeconds: 0, cooldownSeconds: 0, enabled: true, name: "Fitting rooms full" });
    expect(rule.status).toBe(201);
    const alertsList = new RegExp(`/api/v1/stores/${t.shop.store}/alerts(\\?.*)?$`);
    // The first list (none yet) answered, then every request for it refused: what the header shows next comes by the push.
    // The route is set before the page loads: the first list may be answered before page.goto returns.
    const page = await t.browser.page({ width: 1024, height: 768 });
    const firstStatus: number[] = [];
    let asked = 0;
    let listed!: () => void;
    const firstListed = new Promise<void>((resolve) => (listed = resolve));
    await page.route(
      (url) => alertsList.test(url.pathname),
      async (route) => {
        if (asked++ > 0) return route.abort();
        const response = await route.fetch();
        firstStatus.push(response.status());
        await route.fulfill({ response });
        listed();
      },
    );
    await page.goto(`${t.server.httpUrl}/#/heatmap/${t.shop.store}?token=${t.shop.tokens.admin}`);
    await firstListed;
    expect(firstStatus).toEqual([200]);
    await page.locator(".app-header").waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("header-alerts").count()).toBe(0);

    // Six people in the fitting rooms (capacity 4): the rule fires while the Heatmap is open.
    const now = Date.now();
    await t.shop.publish(Array.from({ length: 6 }, (_, i) => t.shop.events.enter(`f${i}`, "fitting", now + i)));
    const chip = page.locator('[data-testid="header-alerts"][data-firing="1"]');
    // A hang guard: the old UI's poll is refused, so it never shows the alert.
    await chip.waitFor({ timeout: 30_000 });
    const { alerts } = (await t.shop.api.request<{ alerts: { ruleId: string; message: string }[] }>("GET", `/api/v1/stores/${t.shop.store}/alerts`)).body;
    expect(alerts.map((a) => a.ruleId)).toEqual([rule.body.id]);
    expect((await chip.textContent())?.trim()).toBe("1 alert");
    expect(await chip.getAttribute("title")).toBe(`1 not acknowledged: ${alerts[0]!.message}`);

    // They leave: the alert resolves and the sign goes, pushed too.
    await t.shop.publish(Array.from({ length: 6 }, (_, i) => t.shop.events.exit(`f${i}`, "fitting", Date.now() + i)));
    await page.getByTestId("header-alerts").waitFor({ state: "detached", timeout: 30_000 });
    expect((await t.shop.api.request<{ alerts: unknown[] }>("GET", `/api/v1/stores/${t.shop.store}/alerts`)).body.alerts).toEqual([]);
    await page.close();
  });
});
