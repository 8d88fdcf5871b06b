/**
 * The Agents view says which agent's source has stalled while its process runs, in chromium against
 * a real server: a camera whose last status said no frame for 3 min reads "input stalled: no frame
 * for 3 min" under its state, a door counter whose link fails "input stalled: source restarting for
 * 2 min (5 restarts)", and All stores lists them among those needing attention, in the same words.
 */
import { describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { addAgent, connectMqtt, waitFor } from "../support/index.js";
import { withShop } from "./helpers/shop.js";

const t = withShop({
  timeoutMs: 90_000,
  async setup({ server, shop }) {
    // Each agent publishes its own status with its own login (the broker's ACL), as footfall-edge would.
    const status = async (agent: string, kind: "camera" | "door", metrics: Record<string, number | string>) => {
      const creds = await addAgent(server.dataDir, shop.store, agent, kind);
      const client = await connectMqtt({ url: server.mqttUrl, username: creds.username, password: creds.password }, { clientId: `${shop.store}-${agent}` });
      await client.publishAsync(
        topics.status(shop.store, agent),
        JSON.stringify({ state: "online", kind, version: "0.2.0", queued: 0, ts: Date.now(), ...metrics }),
        { qos: 1, retain: true },
      );
      await client.endAsync();
    };
    await status("cam-9", "camera", { inputUnit: "frame", inputAgeMs: 185_000, sourceDownMs: 0, sourceRestarts: 0 });
    await status("door-9", "door", { sourceDownMs: 130_000, sourceRestarts: 5 });
    // A camera with fresh frames: not flagged.
    await status("cam-8", "camera", { inputUnit: "frame", inputAgeMs: 80, sourceDownMs: 0, sourceRestarts: 0 });
    await waitFor("the statuses", async () => (await shop.api.agents(shop.store)).agents.filter((a) => a.state === "online").length === 3, {
      timeoutMs: 20_000,
    });
  },
});

describe("Agents, a source stalled inside a live agent", () => {
  it("says 'input stalled' and why under the agent's state, and All stores lists it with the same words", async () => {
    const page = await t.open(`/agents/${t.shop.store}`, t.shop.tokens.admin);
    const cam = page.getByTestId("stalled-cam-9");
    await cam.waitFor({ timeout: 20_000 });
    expect(await cam.textContent()).toBe("input stalled: no frame for 3 min");
    expect(await page.getByTestId("stalled-door-9").textContent()).toBe("input stalled: source restarting for 2 min (5 restarts)");
    expect(await page.getByTestId("stalled-cam-8").count()).toBe(0);
    expect(await page.getByTestId("agent-cam-9").textContent()).toMatch(/Online/);

    await page.close();

    const all = await t.open(`/agents/${t.shop.store}?scope=all&problems=1`, t.shop.tokens.admin);
    const rows = all.getByTestId("all-agents-table").locator("tbody tr");
    // The shop's own agent, never seen, and the two stalled ones; not the camera with fresh frames.
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(3);
    expect(await all.getByTestId(`all-agent-${t.shop.store}-cam-8`).count()).toBe(0);
    expect(await all.getByTestId(`all-agent-${t.shop.store}-cam-9`).getAttribute("data-problems")).toBe("stalled");
    expect(await all.getByTestId(`all-agent-${t.shop.store}-cam-9`).textContent()).toContain("input stalled: no frame for 3 min");
    expect(await all.getByTestId(`all-agent-${t.shop.store}-door-9`).getAttribute("data-problems")).toBe("stalled");
    expect(await all.getByTestId(`all-agent-${t.shop.store}-door-9`).textContent()).toContain("input stalled: source restarting for 2 min (5 restarts)");
    await all.close();
  });
});
