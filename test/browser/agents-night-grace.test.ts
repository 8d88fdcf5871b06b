/**
 * The Agents view and the agent-offline rule agree about a box switched off while the store was closed, in chromium
 * against a real server: after the opening, for the rule's threshold (1 min here), its state reads "Expected back by
 * HH:MM" in grey and no alert fires; after it, "Offline" in red, as the rule pages. Before, the view said "Offline"
 * from the opening minute while the rule waited its threshold.
 */
import { describe, expect, it } from "vitest";
import { topics, WEEKDAYS, type OpeningHours } from "@footfall/core";
import { waitFor } from "../support/index.js";
import { putHours } from "./helpers/store.js";
import { withShop } from "./helpers/shop.js";

const TZ = "Europe/Paris"; // the seeded shop's
const local = (ts: number) => new Intl.DateTimeFormat("en-GB", { timeZone: TZ, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(ts);
const weekday = (ts: number) => new Intl.DateTimeFormat("en-GB", { timeZone: TZ, weekday: "short" }).format(ts).toLowerCase().slice(0, 3);

let opening = 0;

const t = withShop({
  timeoutMs: 150_000,
  async setup({ shop }) {
    // Its agent-offline rule: 1 min.
    const r = await shop.api.request("POST", `/api/v1/stores/${shop.store}/alert-rules`, { kind: "agent-offline", agent: "cam-1", threshold: 60, forSeconds: 0, cooldownSeconds: 0, enabled: true, name: "Box down" });
    expect(r.status).toBe(201);
    // cam-1's box is switched off (its goodbye), then the store opens at the next minute: its hours say closed before it.
    const off = Date.now();
    await shop.mqtt.publishAsync(topics.status(shop.store, "cam-1"), JSON.stringify({ state: "online", ts: off - 1000, kind: "sim", version: "0.1.0" }), { qos: 1, retain: true });
    await shop.mqtt.publishAsync(topics.status(shop.store, "cam-1"), JSON.stringify({ state: "offline", ts: off, kind: "sim", version: "0.1.0" }), { qos: 1, retain: true });
    await waitFor("cam-1 offline", async () => (await shop.api.agents(shop.store)).agents.find((a) => a.agent === "cam-1")?.state === "offline", { timeoutMs: 20_000 });
    opening = Math.ceil((Date.now() + 1000) / 60_000) * 60_000;
    await new Promise((res) => setTimeout(res, opening - Date.now() + 1000));
    const weekly = Object.fromEntries(WEEKDAYS.map((d) => [d, d === weekday(opening) ? [{ open: local(opening), close: "24:00" }] : []])) as OpeningHours["weekly"];
    await putHours(shop, { weekly, exceptions: [] });
  },
});

describe("Agents, a box switched off while the store was closed", () => {
  it("reads 'Expected back by' until the rule's threshold after the opening, no alert meanwhile; then 'Offline' as the alert fires", async () => {
    const alerts = async () => (await t.shop.api.request<{ alerts: { state: string; ruleId: string }[] }>("GET", `/api/v1/stores/${t.shop.store}/alerts`)).body.alerts;
    const info = (await t.shop.api.agents(t.shop.store)).agents.find((a) => a.agent === "cam-1") as { problems?: string[]; expectedBackBy?: number | null };
    expect(info.problems).toEqual([]);
    expect(info.expectedBackBy).toBe(opening + 60_000);

    const page = await t.open(`/agents/${t.shop.store}`, t.shop.tokens.admin);
    const badge = page.getByTestId("agent-cam-1").getByTestId("agent-state");
    await badge.waitFor({ timeout: 20_000 });
    // In the store's time: until the store's time zone has loaded, the badge says the same time in UTC.
    await expect.poll(async () => await badge.textContent(), { timeout: 20_000 }).toContain(`Expected back by ${local(opening + 60_000)}`);
    expect(Date.now()).toBeLessThan(opening + 60_000);
    expect(await alerts()).toEqual([]);

    // Past the threshold: the rule pages and the view says Offline.
    await waitFor("the alert", async () => (await alerts()).some((a) => a.state === "firing"), { timeoutMs: 60_000 + 30_000 });
    await expect.poll(async () => (await badge.textContent())?.trim(), { timeout: 20_000 }).toBe("Offline");
    await page.close();
  }, 150_000);
});
