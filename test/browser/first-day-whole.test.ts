/**
 * A store's first day counted from its opening time is whole, in chromium against a real server: a
 * shop open 08:00-21:30 (Paris) whose door counter started as the doors opened the day before
 * yesterday. The report of that day and yesterday says nothing of a partial range (its figures
 * begin at 08:00, the hours before are a closed store's), and the heatmap comparing yesterday with
 * it gives no "previous period is partial" warning, as the digests and the chain view count it.
 */
import { describe, expect, it } from "vitest";
import { localMidnight } from "@footfall/core";
import { waitFor } from "../support/index.js";
import { withShop } from "./helpers/shop.js";
import { putDailyHours } from "./helpers/store.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TZ = "Europe/Paris";
/** The day before yesterday, 00:00 in Paris: the store's first day, counted from 08:00. */
const first = localMidnight(Date.now(), TZ, -2);
const today = localMidnight(Date.now(), TZ);

const t = withShop({
  server: { httpPort: 19440, mqttPort: 19441, metricsPort: 19442, maxEventAgeMs: 5 * DAY },
  timeoutMs: 90_000,
  setup: async ({ shop }) => {
    await putDailyHours(shop, "08:00", "21:30");
    // 5 in at each open hour of the two days, the first at 08:05 on the first day.
    const counts = [];
    for (const day of [first, localMidnight(first, TZ, 1)]) for (let h = 8; h < 21; h++) counts.push(shop.events.count("entrance", day + h * HOUR + 5 * 60_000, 5, 5));
    await shop.publish(counts);
    await waitFor("the door counts to be stored", async () => (await shop.api.agents(shop.store)).agents[0]?.events === counts.length, { timeoutMs: 30_000 });
  },
});

describe("a store's first day counted from its opening time", () => {
  it("is not partial in the report of its first two days", async () => {
    const page = await t.open(`/report/${t.shop.store}?from=${first}&to=${today}`, t.shop.tokens.viewer);
    const rows = page.getByTestId("report-days").locator("tbody tr:not(.total) td.num");
    await rows.first().waitFor({ timeout: 20_000 });
    expect(await rows.allTextContents()).toEqual(["65", "65"]);
    expect(await page.getByTestId("report-partial").count()).toBe(0);
    await page.close();
    // A range from the day before: partial, and it says the figures begin at 08:00 (the first hour counted), not at midnight.
    const longer = await t.open(`/report/${t.shop.store}?from=${localMidnight(first, TZ, -1)}&to=${today}`, t.shop.tokens.viewer);
    await longer.getByTestId("report-partial").waitFor({ timeout: 20_000 });
    expect(await longer.getByTestId("report-partial").textContent()).toMatch(/^This store's figures begin .*08:00.*: the range before that has no data\.$/);
    await longer.close();
  });

  it("gives no 'previous period is partial' warning comparing yesterday with it", async () => {
    const page = await t.open(`/heatmap/${t.shop.store}?range=yesterday&compare=1`, t.shop.tokens.viewer);
    await page.getByTestId("ranking").waitFor({ timeout: 20_000 });
    // The traffic chart is drawn once the store's coverage is known, as the warning is decided.
    await expect.poll(() => page.getByTestId("traffic-total").getAttribute("data-total"), { timeout: 20_000 }).toBe("65");
    expect(await page.getByTestId("previous-partial").count()).toBe(0);
    await page.close();
  });
});
