/**
 * Floor staff have two views, Live and Alerts. A tablet left on the Alerts page (reading the rules
 * or yesterday's history) when an alert fires showed nothing: no banner, no sound, no Acknowledge,
 * and a history read once at opening that never listed it. Here, in chromium against a real server,
 * a rule fires over MQTT while a staff tablet shows the Alerts page: the page shows the live banner,
 * its history lists the alert, staff acknowledge it there, and the API and the history say so.
 */
import { describe, expect, it } from "vitest";
import { shot } from "./helpers/browser.js";
import { withShop } from "./helpers/shop.js";

const t = withShop({ server: { httpPort: 19610, mqttPort: 19611, metricsPort: 19612 } });

describe("an alert that fires while the tablet shows the Alerts page", () => {
  it("shows in the banner there, is listed in the history, and staff acknowledge it there", async () => {
    const rule = await t.shop.api.request<{ id: string }>("POST", `/api/v1/stores/${t.shop.store}/alert-rules`, { kind: "occupancy", zone: "fitting", threshold: 1, forSeconds: 0, cooldownSeconds: 0, enabled: true, name: "Fitting rooms full" });
    expect(rule.status).toBe(201);
    const page = await t.open(`/alerts/${t.shop.store}`, t.shop.tokens.staff, { width: 1024, height: 768 });
    await page.getByTestId("rule-list").getByText("Fitting rooms full").waitFor({ timeout: 15_000 });
    await page.getByText("No alert in the last 30 days.").waitFor({ timeout: 15_000 });

    // Six people in the fitting rooms (capacity 4): the rule fires while the page is open.
    const now = Date.now();
    await t.shop.publish(Array.from({ length: 6 }, (_, i) => t.shop.events.enter(`f${i}`, "fitting", now + i)));
    const alert = page.locator(`[data-testid="alert-${rule.body.id}"][data-state="firing"]`);
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toMatch(/Fitting rooms full.*above the limit since \d\d:\d\d/);
    const row = page.locator('[data-testid="alert-history"] tbody tr');
    await row.first().waitFor({ timeout: 15_000 });
    expect(await row.count()).toBe(1);
    expect(await row.first().getAttribute("data-state")).toBe("firing");
    expect(await row.first().textContent()).toContain("still on");
    await shot(page, "alerts-page-alert-fires-1024x768");

    await page.getByTestId("alert-ack-name").fill("Ana");
    await page.getByTestId(`ack-${rule.body.id}`).click();
    await page.locator('[data-testid="alert-banner"][data-firing="false"]').waitFor({ timeout: 15_000 });
    const { alerts } = (await t.shop.api.request<{ alerts: { state: string; acknowledgedBy?: string }[] }>("GET", `/api/v1/stores/${t.shop.store}/alerts`)).body;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.state).toBe("acknowledged");
    expect(alerts[0]!.acknowledgedBy).toMatch(/^Ana \(.+\)$/);
    // The history is read again: the row says who acknowledged.
    await page.locator('[data-testid="alert-history"] tbody tr[data-state="acknowledged"]').waitFor({ timeout: 15_000 });
    expect(await row.first().textContent()).toContain(alerts[0]!.acknowledgedBy!);
    await page.close();
  });
});
