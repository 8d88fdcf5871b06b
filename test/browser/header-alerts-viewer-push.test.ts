/**
 * A viewer's header sign of the store's alerts is pushed too. Staff's and admins' follows their live link
 * (header-alerts-push); viewers and merchandisers were refused that link (its live occupancy is staff's), so their
 * header asked GET .../alerts every 20 s and showed a new alert up to 20 s late. Now it follows the server's alerts-only
 * link (Socket.IO namespace /alerts), which pushes the store's alerts and never its occupancy. To show that the push
 * alone does it, the page's requests for the alerts list are refused once it has had its first answer: the old UI,
 * which only polled, never shows the alert.
 */
import { describe, expect, it } from "vitest";
import { withShop } from "./helpers/shop.js";

const t = withShop({ server: { httpPort: 18210, mqttPort: 18211, metricsPort: 18212 } });

describe("a viewer's header sign of the store's alerts, pushed over the alerts-only link", () => {
  it("shows an alert fired on the Report, its acknowledgement and its end, with no request for the alerts list and no occupancy", async () => {
    const rule = await t.shop.api.request<{ id: string }>("POST", `/api/v1/stores/${t.shop.store}/alert-rules`, { kind: "occupancy", zone: "fitting", threshold: 1, forSeconds: 0, cooldownSeconds: 0, enabled: true, name: "Fitting rooms full" });
    expect(rule.status).toBe(201);
    const alertsList = new RegExp(`/api/v1/stores/${t.shop.store}/alerts(\\?.*)?$`);
    // The first list (none yet) answered, then every request for it refused: what the header shows next comes by the push.
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
    // What the server sends over the page's sockets: the alerts-only link's frames name its namespace.
    const frames: string[] = [];
    page.on("websocket", (ws) => ws.on("framereceived", (f) => void frames.push(typeof f.payload === "string" ? f.payload : f.payload.toString())));
    await page.goto(`${t.server.httpUrl}/#/report/${t.shop.store}?token=${t.shop.tokens.viewer}`);
    await firstListed;
    expect(firstStatus).toEqual([200]);
    await page.locator(".app-header").waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("header-alerts").count()).toBe(0);

    // Six people in the fitting rooms (capacity 4): the rule fires while the Report is open.
    const now = Date.now();
    await t.shop.publish(Array.from({ length: 6 }, (_, i) => t.shop.events.enter(`f${i}`, "fitting", now + i)));
    const chip = page.locator('[data-testid="header-alerts"][data-firing="1"]');
    // A hang guard: the old UI's poll is refused, so it never shows the alert.
    await chip.waitFor({ timeout: 30_000 });
    console.log(`a viewer's header showed the alert ${Date.now() - now} ms after the events were published`);
    const { alerts } = (await t.shop.api.request<{ alerts: { id: string; ruleId: string; message: string }[] }>("GET", `/api/v1/stores/${t.shop.store}/alerts`)).body;
    expect(alerts.map((a) => a.ruleId)).toEqual([rule.body.id]);
    expect((await chip.textContent())?.trim()).toBe("1 alert");
    expect(await chip.getAttribute("title")).toBe(`1 not acknowledged: ${alerts[0]!.message}`);
    // A viewer does not open Alerts: a label, not a link.
    expect(await chip.getAttribute("href")).toBeNull();

    // Acknowledged on the tablet: the sign says so, pushed.
    expect((await t.shop.api.request("POST", `/api/v1/stores/${t.shop.store}/alerts/${alerts[0]!.id}/ack`, { by: "Ana" })).status).toBe(200);
    const acknowledged = page.locator('[data-testid="header-alerts"][data-firing="0"]');
    await acknowledged.waitFor({ timeout: 30_000 });
    expect((await acknowledged.textContent())?.trim()).toBe("1 acknowledged");

    // They leave: the alert resolves and the sign goes, pushed too.
    await t.shop.publish(Array.from({ length: 6 }, (_, i) => t.shop.events.exit(`f${i}`, "fitting", Date.now() + i)));
    await page.getByTestId("header-alerts").waitFor({ state: "detached", timeout: 30_000 });
    expect((await t.shop.api.request<{ alerts: unknown[] }>("GET", `/api/v1/stores/${t.shop.store}/alerts`)).body.alerts).toEqual([]);

    // The pushes came over the alerts-only link; the store's live occupancy never reached the viewer's page.
    expect(frames.some((f) => f.startsWith('42/alerts,["alerts"'))).toBe(true);
    expect(frames.filter((f) => f.includes('["occupancy"'))).toEqual([]);
    // Only the first list was let through; the later asks (none within the minute's fallback) were refused.
    expect(firstStatus).toEqual([200]);
    await page.close();
  });
});
