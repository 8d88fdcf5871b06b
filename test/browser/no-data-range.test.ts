/**
 * A range before the store's first figures says "no data" everywhere, never a 0 read as counted:
 * the funnel's headline said "0.0 % of those at the first step reached the last" beside "No data
 * for this range", the Heatmap's checkout queue card "0 joined ... Nobody queued in this range",
 * the traffic card "shaded: closed" over no chart, Flows' top paths "0 trips" and its plan "No moves
 * between zones", and the report's top paths "No trips in this range"; the funnel's export wrote
 * 0 trips where the heatmap's leaves such a range's cells empty, and the queue card exported the
 * server's 0 joins.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { waitFor } from "../support/index.js";
import { shot } from "./helpers/browser.js";
import { withShop } from "./helpers/shop.js";
import { putDailyHours, shopWithQueueLayout, trips } from "./helpers/store.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const STORE = "rivoli";
// A day three weeks before the store's first trips (two hours ago), in the store's zone.
const OLD_DAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(Date.now() - 21 * DAY);
const OLD = `from=${OLD_DAY}&to=${OLD_DAY}`;
// Yesterday and today (hourly figures): the trips' two hours, whatever the time of the run.
const dayOf = (ts: number) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(ts);
const RECENT = `from=${dayOf(Date.now() - DAY)}&to=${dayOf(Date.now())}`;

const t = withShop({
  server: { httpPort: 19410, mqttPort: 19411, metricsPort: 19412 },
  store: STORE,
  setup: async ({ server, shop }) => {
    await shop.api.putLayout(STORE, shopWithQueueLayout());
    await putDailyHours(shop, "08:00", "20:00");
    const from = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
    await shop.publish(trips(shop.events, from, HOUR, 30, 3));
    await waitFor(
      "the trips counted",
      async () => {
        const res = await fetch(`${server.httpUrl}/api/v1/stores/${STORE}/traffic?from=${from - DAY}&to=${Date.now() + HOUR}&bucket=day`, { headers: { authorization: `Bearer ${shop.tokens.admin}` } });
        const body = (await res.json()) as { buckets: { enters: number }[] };
        return body.buckets.reduce((n, b) => n + b.enters, 0) === 30;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
  },
  timeoutMs: 120_000,
});
const open = (hash: string) => t.open(hash, t.shop.tokens.admin, { width: 1280, height: 800 });
/** Waits until the page's text holds `text` (the view's figures loaded), then gives the whole text. */
async function textOnce(page: Page, text: string): Promise<string> {
  await page.getByText(text).first().waitFor({ timeout: 20_000 });
  return page.locator("body").innerText();
}

describe("a range before the store's first figures", () => {
  it("the funnel says no data, with no '0.0 % of those at the first step reached the last'", async () => {
    const page = await open(`/funnel/${STORE}?${OLD}&steps=fruit,checkout`);
    await textOnce(page, "No data for this range");
    await shot(page, "no-data-range-funnel");
    expect(await page.getByText("reached the last").count()).toBe(0);
    // Its export: the steps with empty figures, as the heatmap's export leaves such a range, not 0 trips (not_counted_hours empty too).
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-funnel").click()]);
    const lines = (await readFile((await download.path())!, "utf8")).split("\r\n");
    expect(lines.slice(1, 3).map((l) => l.split(",").slice(2))).toEqual([["1", "fruit", "Fruit & veg", "", "", "", "", "", ""], ["2", "checkout", "Checkout", "", "", "", "", "", ""]]);
    await page.close();
  });

  it("the Heatmap's queue card says no data, not '0 joined' and 'Nobody queued'; no 'shaded: closed' over a chart not drawn", async () => {
    const page = await open(`/heatmap/${STORE}?${OLD}`);
    await page.getByTestId("queue-waits").getByText("No data for this range").waitFor({ timeout: 20_000 });
    await page.getByText("No data in this range").first().waitFor({ timeout: 20_000 });
    // Every answer in (the opening hours' too), so a hint that would come with them has come.
    await page.waitForLoadState("networkidle");
    await shot(page, "no-data-range-heatmap", { fullPage: true });
    const text = await page.locator("body").innerText();
    expect(await page.getByTestId("queue-joins-line").count()).toBe(0);
    expect(text).not.toContain("Nobody queued");
    expect(await page.getByTestId("traffic-closed").count()).toBe(0);
    // The server's queues.csv would say 0 joins for hours it has no data of.
    expect(await page.getByTestId("export-queues").isDisabled()).toBe(true);
    await page.close();
  });

  it("Flows and the report say no data, not '0 trips' and 'No trips in this range'", async () => {
    const flows = await open(`/flows/${STORE}?${OLD}`);
    await flows.getByTestId("paths-trips").getByText("no data").waitFor({ timeout: 20_000 });
    expect(await flows.getByTestId("flows-empty").textContent()).toBe("No data for this range: the store's figures begin later.");
    await shot(flows, "no-data-range-flows");
    await flows.close();
    const report = await open(`/report/${STORE}?${OLD}`);
    const text = await textOnce(report, "Top paths");
    await report.getByTestId("report-paths-empty").waitFor({ timeout: 20_000 });
    expect(await report.getByTestId("report-paths-empty").textContent()).toBe("No data for this range.");
    expect(text).not.toContain("No trips");
    await report.close();
  });

  it("yesterday and today, with trips, still say the funnel's share, the closed hours, the queue's joins and the top paths' trips", async () => {
    const page = await open(`/funnel/${STORE}?${RECENT}&steps=fruit,checkout`);
    await page.getByTestId("funnel-completion").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("funnel-completion").textContent()).toMatch(/^\d+(\.\d)? % of those at the first step reached the last$/);
    await page.close();
    const heat = await open(`/heatmap/${STORE}?${RECENT}`);
    await heat.getByTestId("queue-joins-line").waitFor({ timeout: 20_000 });
    await heat.getByTestId("traffic-closed").waitFor({ timeout: 20_000 });
    await heat.close();
    const flows = await open(`/flows/${STORE}?${RECENT}`);
    await flows.getByTestId("paths-trips").getByText(/^\d+ trips/).waitFor({ timeout: 20_000 });
    await flows.close();
  });
});
