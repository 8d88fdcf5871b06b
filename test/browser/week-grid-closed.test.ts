/**
 * The Heatmap's hour × weekday grid shows a store's closed hours as closed, in chromium against a real
 * server: a shop open 08:00-21:00 (Paris) every day with a week of door counts in its open hours. The
 * grid coloured its night hours as the scale's 0, the darkest colour, beside a traffic chart shading them
 * as closed (session 47's walk-through): now they are hatched grey, "closed" in their title and the
 * table, by the store's opening hours (GET .../hours/open, the hours in force each day).
 */
import { describe, expect, it } from "vitest";
import { waitFor } from "../support/index.js";
import { withShop } from "./helpers/shop.js";
import { putDailyHours } from "./helpers/store.js";
import { shot } from "./helpers/browser.js";

const HOUR = 3_600_000;
const parisHour = (ts: number) => Number(new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", hourCycle: "h23" }).format(ts));

const t = withShop({
  server: { httpPort: 19840, mqttPort: 19841, metricsPort: 19842, maxEventAgeMs: 10 * 24 * HOUR },
  setup: async ({ shop }) => {
    await putDailyHours(shop, "08:00", "21:00");
    const thisHour = Math.floor(Date.now() / HOUR) * HOUR;
    const counts = [];
    for (let ts = thisHour - 8 * 24 * HOUR; ts < thisHour; ts += HOUR) if (parisHour(ts) >= 8 && parisHour(ts) < 21) counts.push(shop.events.count("entrance", ts + 60_000, 12, 12));
    await shop.publish(counts);
    await waitFor("the door counts to be stored", async () => (await shop.api.agents(shop.store)).agents[0]?.events === counts.length, { timeoutMs: 30_000 });
  },
  timeoutMs: 90_000,
});

describe("the hour × weekday grid and the store's opening hours", () => {
  it("shows the night hours as closed, not as the scale's 0, and the open hours with their enters", async () => {
    const page = await t.open(`/heatmap/${t.shop.store}?range=last7`, t.shop.tokens.viewer);
    await page.getByTestId("week-grid").waitFor({ timeout: 20_000 });
    const hint = page.getByTestId("week-grid-closed");
    await hint.waitFor({ timeout: 15_000 });
    expect(await hint.textContent()).toBe("hatched: closed");
    await page.getByTestId("week-grid").scrollIntoViewIfNeeded();
    await shot(page, "week-grid-closed");
    const cells = await page
      .getByTestId("week-grid-table")
      .locator("tbody tr")
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => ({ text: td.textContent, title: td.getAttribute("title"), closed: td.hasAttribute("data-closed") }))));
    // Every weekday's 03:00 and 22:00 (each had hours in the range): closed, said so; 12:00: 12 enters a day, not closed.
    for (const row of cells) {
      for (const h of [3, 22]) {
        if (row[h]!.text === "no data") continue;
        expect(row[h]).toEqual({ text: "closed", title: "closed (opening hours)", closed: true });
      }
      if (row[12]!.text !== "no data") expect(row[12]!.closed).toBe(false);
    }
    expect(cells.flat().filter((c) => c.closed).length).toBeGreaterThanOrEqual(6 * 11);
    expect(cells.some((row) => Number(row[12]!.text) >= 12)).toBe(true);
    await page.close();
  });
});
