/**
 * The Agents view says which agent refuses much of what its source reads, in chromium against a real
 * server: a door counter whose last status said 120 of its last 324 lines were unreadable reads
 * "refusing input: 37% of what it read in the last 10 min (120 of 324)" under its state, and All
 * stores lists it among those needing attention, in the same words. One that refused thousands on
 * the day it was installed and none lately is not flagged.
 */
import { describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { addAgent, connectMqtt, waitFor } from "../support/index.js";
import { withShop } from "./helpers/shop.js";

const t = withShop({
  timeoutMs: 90_000,
  async setup({ server, shop }) {
    const status = async (agent: string, metrics: Record<string, number>) => {
      const creds = await addAgent(server.dataDir, shop.store, agent, "door");
      const client = await connectMqtt({ url: server.mqttUrl, username: creds.username, password: creds.password }, { clientId: `${shop.store}-${agent}` });
      await client.publishAsync(
        topics.status(shop.store, agent),
        JSON.stringify({ state: "online", kind: "door", version: "0.2.0", queued: 0, ts: Date.now(), sourceDownMs: 0, sourceRestarts: 0, ...metrics }),
        { qos: 1, retain: true },
      );
      await client.endAsync();
    };
    await status("door-7", { "agentRejects.unreadable_line": 4_000, recentRead: 324, recentRefused: 120 });
    await status("door-8", { "agentRejects.unreadable_line": 5_000, recentRead: 280, recentRefused: 0 });
    await waitFor("the statuses", async () => (await shop.api.agents(shop.store)).agents.filter((a) => a.state === "online").length === 2, { timeoutMs: 20_000 });
  },
});

describe("Agents, an agent refusing its input", () => {
  it("says 'refusing input' and how much under the agent's state, and All stores lists it with the same words", async () => {
    const page = await t.open(`/agents/${t.shop.store}`, t.shop.tokens.admin);
    const door = page.getByTestId("refusing-door-7");
    await door.waitFor({ timeout: 20_000 });
    expect(await door.textContent()).toBe("refusing input: 37% of what it read in the last 10 min (120 of 324)");
    expect(await door.getAttribute("title")).toMatch(/The Rejects column says why/);
    expect(await page.getByTestId("refusing-door-8").count()).toBe(0);
    await page.close();

    const all = await t.open(`/agents/${t.shop.store}?scope=all&problems=1`, t.shop.tokens.admin);
    const rows = all.getByTestId("all-agents-table").locator("tbody tr");
    // The shop's own agent, never seen, and the refusing one; not the one refusing nothing lately.
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
    expect(await all.getByTestId(`all-agent-${t.shop.store}-door-8`).count()).toBe(0);
    expect(await all.getByTestId(`all-agent-${t.shop.store}-door-7`).getAttribute("data-problems")).toBe("refusing");
    expect(await all.getByTestId(`all-agent-${t.shop.store}-door-7`).textContent()).toContain("refusing input: 37% of what it read in the last 10 min (120 of 324)");
    await all.close();
  });
});
