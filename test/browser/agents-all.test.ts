/**
 * The Agents view's "All stores", in chromium against a real server: IT sees every store's agents in
 * one list, those needing attention first (a door counter never seen in another store before the
 * shop's camera, which is online), can keep only those, and opens the store's Agents view at the
 * agent from its row.
 */
import { describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { addAgent, waitFor } from "../support/index.js";
import { shopLayout } from "./helpers/store.js";
import { withShop } from "./helpers/shop.js";

const t = withShop({
  timeoutMs: 90_000,
  async setup({ server, shop }) {
    await shop.api.putLayout("mall", { ...shopLayout(), name: "Mall Lyon" });
    await addAgent(server.dataDir, "mall", "door-1", "door");
    await shop.mqtt.publishAsync(topics.status(shop.store, "cam-1"), JSON.stringify({ state: "online", kind: "sim", version: "0.1.0", queued: 0, ts: Date.now() }), { qos: 1, retain: true });
    await waitFor("cam-1 online", async () => (await shop.api.agents(shop.store)).agents[0]?.state === "online", { timeoutMs: 20_000 });
  },
});

describe("Agents, all stores", () => {
  it("lists every store's agents, those needing attention first, and opens a store's view at the agent", async () => {
    const page = await t.open(`/agents/${t.shop.store}`, t.shop.tokens.admin);
    await page.getByRole("button", { name: "All stores" }).click();
    const rows = page.getByTestId("all-agents-table").locator("tbody tr");
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
    expect(await rows.nth(0).getAttribute("data-testid")).toBe("all-agent-mall-door-1");
    expect(await rows.nth(0).textContent()).toMatch(/Mall Lyon.*door-1.*Never seen.*never seen/);
    expect(await rows.nth(1).getAttribute("data-testid")).toBe(`all-agent-${t.shop.store}-cam-1`);
    expect(await rows.nth(1).getAttribute("data-problems")).toBe("");
    expect(await page.getByTestId("all-agents-summary").textContent()).toBe("1 of 2 agents need attention");

    await page.getByTestId("only-problems").check();
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(1);
    expect(page.url()).toMatch(/scope=all&problems=1/);

    await rows.nth(0).getByRole("link", { name: "door-1" }).click();
    const marked = page.getByTestId("agent-door-1");
    await marked.waitFor({ timeout: 20_000 });
    expect(page.url()).toMatch(/#\/agents\/mall\?agent=door-1$/);
    expect(await marked.getAttribute("class")).toBe("row-marked");
    await page.close();
  });

  it("?only= lists one store's agents (the chain view's link from its agent cell), with a way back to every store", async () => {
    const page = await t.open(`/agents/${t.shop.store}?scope=all&problems=1&only=mall`, t.shop.tokens.admin);
    const rows = page.getByTestId("all-agents-table").locator("tbody tr");
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(1);
    expect(await rows.nth(0).getAttribute("data-testid")).toBe("all-agent-mall-door-1");
    expect(await page.getByTestId("all-agents-summary").textContent()).toBe("1 of 1 agents need attention in Mall Lyon");
    await page.getByTestId("only-problems").uncheck();
    await page.getByTestId("all-agents-every-store").click();
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
    expect(page.url()).not.toMatch(/only=/);
    expect(await page.getByTestId("all-agents-summary").textContent()).toBe("1 of 2 agents need attention");
    await page.close();
  });
});
