/**
 * An alert on since before today says its day. The live banner's "above the limit since 18:41 CET" and the Alerts
 * history's "Condition since" column gave only the time: an alert on since Friday, read on Monday, looked as if it had
 * begun that evening. Here, in chromium against a real server, a rule fires now, and the Alerts page is shown the
 * server's answers dated 3 days later (the UI's "now" is the server's clock, model/server-clock): both say its weekday;
 * acknowledged and resolved, the history's Acknowledged and Resolved columns say theirs too.
 */
import { describe, expect, it } from "vitest";
import { shot } from "./helpers/browser.js";
import { shiftServerDates } from "./helpers/server-clock.js";
import { withShop } from "./helpers/shop.js";

const DAY = 86_400_000;
const TZ = "Europe/Paris";
const t = withShop({ server: { httpPort: 20770, mqttPort: 20771, metricsPort: 20772 } });

const part = (ts: number, opts: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat("en-GB", { timeZone: TZ, ...opts }).format(ts);

describe("an alert on since before today", () => {
  it("says its day in the banner and the history's Condition since, on the server's clock", async () => {
    const rule = await t.shop.api.request<{ id: string }>("POST", `/api/v1/stores/${t.shop.store}/alert-rules`, { kind: "occupancy", zone: "fitting", threshold: 1, forSeconds: 0, cooldownSeconds: 0, enabled: true, name: "Fitting rooms full" });
    expect(rule.status).toBe(201);
    // Six people in the fitting rooms (capacity 4): the rule fires.
    const now = Date.now();
    await t.shop.publish(Array.from({ length: 6 }, (_, i) => t.shop.events.enter(`f${i}`, "fitting", now + i)));
    type Alerts = { alerts: { ruleId: string; state: string; since: number }[] };
    await expect.poll(async () => (await t.shop.api.request<Alerts>("GET", `/api/v1/stores/${t.shop.store}/alerts`)).body.alerts.length, { timeout: 15_000 }).toBe(1);
    const { since } = (await t.shop.api.request<Alerts>("GET", `/api/v1/stores/${t.shop.store}/alerts`)).body.alerts[0]!;
    const when = `${part(since, { weekday: "short" })} ${part(since, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" })} CES?T`;

    const page = await t.browser.page({ width: 1280, height: 900 });
    await shiftServerDates(page, 3 * DAY);
    await page.goto(`${t.server.httpUrl}/#/alerts/${t.shop.store}?token=${t.shop.tokens.staff}`);
    const alert = page.locator(`[data-testid="alert-${rule.body.id}"][data-state="firing"]`);
    await alert.waitFor({ timeout: 15_000 });
    // Old UI: "above the limit since 18:41 CET", as if it had begun today.
    await expect.poll(() => alert.locator(".live-alert-since").textContent(), { timeout: 15_000 }).toMatch(new RegExp(`^above the limit since ${when}$`));
    const row = page.locator('[data-testid="alert-history"] tbody tr').first();
    await row.waitFor({ timeout: 15_000 });
    await expect.poll(() => row.locator("td").nth(2).textContent(), { timeout: 15_000 }).toMatch(new RegExp(`^${when}$`));
    await shot(page, "alert-since-day");

    // Acknowledged by Ana, then resolved (the fitting rooms empty): the history's Acknowledged and Resolved columns say
    // their day too, three days on (old UI: "Ana (…) at 18:41 CET" and "18:43 CET", as if that day's).
    const ack = await t.shop.api.request("POST", `/api/v1/stores/${t.shop.store}/alerts/${(await t.shop.api.request<Alerts & { alerts: { id: string }[] }>("GET", `/api/v1/stores/${t.shop.store}/alerts`)).body.alerts[0]!.id}/ack`, { by: "Ana" });
    expect(ack.status).toBe(200);
    await t.shop.publish(Array.from({ length: 6 }, (_, i) => t.shop.events.exit(`f${i}`, "fitting", Date.now() + i)));
    type Done = { alerts: { state: string; acknowledgedAt?: number; resolvedAt?: number }[] };
    const done = async () => (await t.shop.api.request<Done>("GET", `/api/v1/stores/${t.shop.store}/alerts?state=all&from=${since - DAY}`)).body.alerts[0]!;
    await expect.poll(async () => (await done()).state, { timeout: 15_000 }).toBe("resolved");
    const { acknowledgedAt, resolvedAt } = await done();
    const dayOf = (ts: number) => `${part(ts, { weekday: "short" })} ${part(ts, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" })} CES?T`;
    await page.reload();
    const resolved = page.locator('[data-testid="alert-history"] tbody tr[data-state="resolved"]').first();
    await resolved.waitFor({ timeout: 15_000 });
    await expect.poll(() => resolved.locator("td").nth(3).textContent(), { timeout: 15_000 }).toMatch(new RegExp(`^Ana.* at ${dayOf(acknowledgedAt!)}$`));
    await expect.poll(() => resolved.locator("td").nth(4).textContent(), { timeout: 15_000 }).toMatch(new RegExp(`^${dayOf(resolvedAt!)}$`));
    await page.close();
  });
});
