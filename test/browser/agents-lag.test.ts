/**
 * The Agents view's Lag after history sent late (the demo's back-fill at night, an outbox emptied
 * after an outage), in chromium against a real server: while the agent may still be delivering, the
 * figure, amber; once a status after the delivery says it holds nothing unsent, "caught up" (the
 * figure in its title), not a 9-hour lag standing amber all night until the store opens.
 */
import { describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { waitFor } from "../support/index.js";
import { withShop } from "./helpers/shop.js";

const HOUR = 3_600_000;
const t = withShop({ timeoutMs: 90_000 });

describe("the lag of history sent late", () => {
  it("is amber while the agent may still deliver, and 'caught up' once it says it holds nothing", async () => {
    const { shop } = t;
    const status = { state: "online", kind: "sim", version: "0.1.0", queued: 3, oldestQueuedAgeMs: 5000, outboxDropped: 0 };
    // Its last status before the delivery still held events.
    await shop.mqtt.publishAsync(topics.status(shop.store, "cam-1"), JSON.stringify({ ...status, ts: Date.now() - 1000 }), { qos: 1, retain: true });
    // Yesterday evening's visits, sent now, all at once.
    await shop.publish(shop.events.visit("v1", "fruit", Date.now() - 9 * HOUR - 10 * 60_000, 5 * 60_000));
    await waitFor("the history to be stored", async () => (await shop.api.agents(shop.store)).agents[0]?.events === 2, { timeoutMs: 20_000 });
    const page = await t.open(`/agents/${shop.store}`, shop.tokens.admin);
    const lag = page.getByTestId("lag-cam-1");
    await lag.waitFor({ timeout: 30_000 });
    await expect.poll(() => lag.textContent()).toMatch(/^9 h 0\d min$/);
    expect(await lag.getAttribute("class")).toBe("num warn-text");
    // A status after the delivery: online, nothing unsent.
    await shop.mqtt.publishAsync(topics.status(shop.store, "cam-1"), JSON.stringify({ ...status, queued: 0, oldestQueuedAgeMs: null, ts: Date.now() + 1000 }), { qos: 1, retain: true });
    await expect.poll(() => lag.textContent(), { timeout: 15_000 }).toBe("caught up");
    expect(await lag.getAttribute("class")).toBe("num");
    expect(await lag.getAttribute("title")).toMatch(/arrived 9 h 0\d min after they happened.*nothing is late now/);
    await page.close();
  });
});
