/**
 * "Today" before the store opens, in chromium against a real server: a store open 08:00-21:30
 * (the demo's hours), with figures from the day before, looked at at 06:40 (the page's clock set
 * there): the heatmap says the store has not opened yet and when it opens, instead of "no visits,
 * try a longer range", and takes the manager to yesterday; once the store has opened, no visits
 * is said with the usual words.
 */
import { describe, expect, it } from "vitest";
import { localMidnight } from "@footfall/core";
import { waitFor } from "../support/index.js";
import { withShop } from "./helpers/shop.js";

const HOUR = 3_600_000;
const TZ = "Europe/Paris";
/** The latest 06:40 in Paris at least 20 minutes ago (the page's clock; the server's is the real one). */
const at0640 = localMidnight(Date.now() - 7 * HOUR, TZ) + 6 * HOUR + 40 * 60_000;

const t = withShop({
  server: { maxEventAgeMs: 4 * 24 * HOUR },
  setup: async ({ server, shop }) => {
    const day = [{ open: "08:00", close: "21:30" }];
    const hours = { weekly: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day }, exceptions: [] };
    const res = await fetch(`${server.httpUrl}/api/v1/stores/${shop.store}/hours`, {
      method: "PUT",
      headers: { authorization: `Bearer ${shop.tokens.admin}`, "content-type": "application/json" },
      body: JSON.stringify({ hours }),
    });
    expect(res.status).toBe(200);
    // The day before: 30 people in through the door at 10:40.
    await shop.publish([shop.events.count("entrance", at0640 - 20 * HOUR, 30, 0)]);
    await waitFor("the door count to be stored", async () => (await shop.api.agents(shop.store)).agents[0]?.events === 1, { timeoutMs: 20_000 });
  },
});

async function heatmapAt(time: number) {
  const page = await t.browser.page();
  await page.clock.install({ time });
  await page.goto(`${t.server.httpUrl}/#/heatmap/${t.shop.store}?range=today&token=${t.shop.tokens.viewer}`);
  await page.getByTestId("ranking").waitFor({ timeout: 20_000 });
  return page;
}

describe("today before the store opens", () => {
  it("says the store has not opened yet and when it opens, and goes to yesterday", async () => {
    const page = await heatmapAt(at0640);
    const note = page.getByTestId("not-open-yet");
    await note.waitFor({ timeout: 10_000 });
    expect(await note.textContent()).toBe("The store has not opened yet today: it opens at 08:00 (its opening hours), so there are no visits yet. See yesterday");
    // Not the words for a range with no visits while open.
    expect(await page.getByText("Try a longer range").count()).toBe(0);
    await page.getByTestId("see-yesterday").click();
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/range=yesterday/);
    await expect.poll(() => note.count()).toBe(0);
    await page.close();
  });

  it("says nothing of the hours once the store has opened, and no visits in the usual words", async () => {
    const page = await heatmapAt(at0640 + 2 * HOUR);
    await page.getByText("No visits in this range. Try a longer range.").waitFor({ timeout: 10_000 });
    expect(await page.getByTestId("not-open-yet").count()).toBe(0);
    await page.close();
  });
});
