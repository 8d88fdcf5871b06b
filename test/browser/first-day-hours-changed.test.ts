/**
 * A store's first day is judged by the opening hours it had then, in chromium against a real server:
 * a shop open 08:00-21:30 (Paris) whose door counter started as the doors opened the day before
 * yesterday, whose hours were changed today to open at 06:00. That first day was counted from its
 * opening: the report of it and yesterday says nothing of a partial range, as the digests and the
 * chain view (their hours' history, migration 26) count it. Before, the UI read today's hours, so
 * the same day counted from 08:00 read as begun two hours late: "This store's figures begin ...".
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
  server: { httpPort: 19910, mqttPort: 19911, metricsPort: 19912, maxEventAgeMs: 5 * DAY },
  timeoutMs: 90_000,
  setup: async ({ shop }) => {
    await putDailyHours(shop, "08:00", "21:30");
    // 5 in at each open hour of the two days, the first at 08:05 on the first day.
    const counts = [];
    for (const day of [first, localMidnight(first, TZ, 1)]) for (let h = 8; h < 21; h++) counts.push(shop.events.count("entrance", day + h * HOUR + 5 * 60_000, 5, 5));
    await shop.publish(counts);
    await waitFor("the door counts to be stored", async () => (await shop.api.agents(shop.store)).agents[0]?.events === counts.length, { timeoutMs: 30_000 });
    // Today the store opens earlier from now on.
    await putDailyHours(shop, "06:00", "21:30");
  },
});

describe("a store's first day, its opening hours changed since", () => {
  it("is whole by the hours it had: no partial range in the report of its first two days", async () => {
    const page = await t.open(`/report/${t.shop.store}?from=${first}&to=${today}`, t.shop.tokens.viewer);
    const rows = page.getByTestId("report-days").locator("tbody tr:not(.total) td.num");
    await rows.first().waitFor({ timeout: 30_000 });
    expect(await rows.allTextContents()).toEqual(["65", "65"]);
    // A range from the day before is partial (the figures begin at 08:00): the coverage is known when it says so.
    const longer = await t.open(`/report/${t.shop.store}?from=${localMidnight(first, TZ, -1)}&to=${today}`, t.shop.tokens.viewer);
    await longer.getByTestId("report-partial").waitFor({ timeout: 30_000 });
    await longer.close();
    // Old UI (today's hours, open from 06:00): 'This store's figures begin ... 08:00 ...' on the first two days too.
    expect(await page.getByTestId("report-partial").count()).toBe(0);
    await page.close();
  });
});
