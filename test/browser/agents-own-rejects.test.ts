/**
 * What an agent refused itself (serial lines it could not read, a reading past a report's bound: never
 * seen by the server) is in the Agents view beside the server's rejects, in chromium against a real
 * server: a door counter whose status says 12 unreadable lines reads "12 lines refused by the agent
 * (unreadable)" under its rejects, with what to check in the title, next to the server's own "unknown
 * zone: 1"; All stores says the same.
 */
import { describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { addAgent, connectMqtt, waitFor } from "../support/index.js";
import { withShop } from "./helpers/shop.js";

const t = withShop({
  timeoutMs: 90_000,
  async setup({ server, shop }) {
    // Each agent publishes with its own login (the broker's ACL), as footfall-edge would.
    const publish = async (agent: string, metrics: Record<string, number>, badEvent: boolean) => {
      const creds = await addAgent(server.dataDir, shop.store, agent, "door");
      const client = await connectMqtt({ url: server.mqttUrl, username: creds.username, password: creds.password }, { clientId: `${shop.store}-${agent}` });
      await client.publishAsync(
        topics.status(shop.store, agent),
        JSON.stringify({ state: "online", kind: "door", version: "0.2.0", queued: 0, ts: Date.now(), sourceDownMs: 0, ...metrics }),
        { qos: 1, retain: true },
      );
      // One count for a zone the layout lacks: the server's own reject (unknown_zone).
      if (badEvent)
        await client.publishAsync(
          topics.events(shop.store, agent),
          JSON.stringify({ agent, events: [{ id: `${agent}:1`, type: "count", ts: Date.now(), zone: "nowhere", in: 1, out: 0 }] }),
          { qos: 1 },
        );
      await client.endAsync();
    };
    await publish("door-7", { "agentRejects.unreadable_line": 12, "agentRejects.over_limit": 1, "agentRejects.refused_push": 0, "agentRejects.outbox_full": 0 }, true);
    // An agent that refused nothing says 0: no line.
    await publish("door-6", { "agentRejects.unreadable_line": 0, "agentRejects.over_limit": 0 }, false);
    await waitFor(
      "the statuses and the server's reject",
      async () => {
        const agents = (await shop.api.agents(shop.store)).agents;
        return agents.filter((a) => a.state === "online").length === 2 && agents.find((a) => a.agent === "door-7")?.rejects === 1;
      },
      { timeoutMs: 20_000 },
    );
  },
});

describe("Agents, what an agent refused itself", () => {
  it("shows it under the server's rejects, in words with what to check, and All stores the same", async () => {
    const page = await t.open(`/agents/${t.shop.store}`, t.shop.tokens.admin);
    const own = page.getByTestId("agent-rejects-door-7");
    await own.waitFor({ timeout: 20_000 });
    const lines = own.locator(".agent-reject");
    expect(await lines.allTextContents()).toEqual(["12 lines refused by the agent (unreadable)", "1 reading refused by the agent (over 1,000,000 crossings)"]);
    expect(await lines.first().getAttribute("title")).toMatch(/serial\.patterns.*serial\.baudRate/);
    // The server's own reject stays beside it.
    expect(await page.getByTestId("rejects-door-7").textContent()).toMatch(/^1unknown zone: 1/);
    expect(await page.getByTestId("agent-rejects-door-6").count()).toBe(0);
    await page.close();

    const all = await t.open(`/agents/${t.shop.store}?scope=all`, t.shop.tokens.admin);
    const cell = all.getByTestId(`all-rejects-${t.shop.store}-door-7`);
    await cell.waitFor({ timeout: 20_000 });
    expect(await cell.locator(".agent-reject").allTextContents()).toEqual(["12 lines refused by the agent (unreadable)", "1 reading refused by the agent (over 1,000,000 crossings)"]);
    await all.close();
  });
});
