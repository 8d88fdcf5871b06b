/**
 * An agent's silence on the live kiosk, in chromium against a real server: the banner names the agent and its silence
 * in seconds, then since when, "cam-1 silent for 20 s · since 00:33 CET". It read "Store: agent silent for 0 min above
 * the limit since 00:33" (no agent, minutes rounded, "above the limit" for a silence).
 */
import { describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { withShop } from "./helpers/shop.js";

const t = withShop({ server: { httpPort: 21300, mqttPort: 21301, metricsPort: 21302 }, timeoutMs: 120_000 });

describe("an agent-offline alert on the kiosk", () => {
  it("says the agent, its silence in seconds and since when, not 'above the limit'", async () => {
    const rule = await t.shop.api.request<{ id: string }>("POST", `/api/v1/stores/${t.shop.store}/alert-rules`, { kind: "agent-offline", agent: "cam-1", threshold: 20, forSeconds: 0, cooldownSeconds: 0, enabled: true });
    expect(rule.status).toBe(201);
    const page = await t.open(`/live/${t.shop.store}?kiosk=1`, t.shop.tokens.staff, { width: 1024, height: 768 });
    const off = Date.now();
    await t.shop.mqtt.publishAsync(topics.status(t.shop.store, "cam-1"), JSON.stringify({ state: "online", ts: off - 1000, kind: "sim", version: "0.1.0" }), { qos: 1, retain: true });
    await t.shop.mqtt.publishAsync(topics.status(t.shop.store, "cam-1"), JSON.stringify({ state: "offline", ts: off, kind: "sim", version: "0.1.0" }), { qos: 1, retain: true });
    const alert = page.locator(`[data-testid="alert-${rule.body.id}"]`);
    await alert.waitFor({ timeout: 90_000 });
    const text = (await alert.locator(".live-alert-text").textContent()) ?? "";
    expect(text).toMatch(/^cam-1 silent for (\d+ s|\d+ min( \d+ s)?) · since \d\d:\d\d [A-Z]/);
    expect(text).not.toContain("above the limit");
    await page.close();
  }, 120_000);
});
