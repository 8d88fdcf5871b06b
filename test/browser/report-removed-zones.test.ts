/**
 * A refit removed two zones (the fruit stand and the fitting rooms) an hour ago. The store manager
 * prints last week's report and the merchandiser reads last week's paths: the zones the refit
 * removed had figures then, and are called by the names they had on the layout of that time, as the
 * heatmap's note calls them, never by the ids the agents reported ("fruit", "fitting").
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { withShop } from "./helpers/shop.js";
import { shopLayout, trips } from "./helpers/store.js";

// Trips 30 to 28 hours ago, on version 1.
const from = Date.now() - 30 * 3_600_000;
const t = withShop({
  store: "refit",
  server: { httpPort: 19620, mqttPort: 19621, metricsPort: 19622 },
  setup: async (t) => {
    await t.shop.publish(trips(t.shop.events, from, 2 * 3_600_000, 120));
    const range = { from: from - 3_600_000, to: Date.now() };
    for (;;) {
      if (((await t.shop.api.dwell("refit", range)).zones.find((z) => z.zone === "fitting")?.visits ?? 0) > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // The refit, an hour ago: the fruit stand and the fitting rooms are gone.
    const refit = shopLayout();
    await t.shop.api.putLayout("refit", { ...refit, validFrom: Date.now() - 3_600_000, zones: refit.zones.filter((z) => z.id !== "fruit" && z.id !== "fitting") });
  },
  timeoutMs: 90_000,
});

/** Text naming a zone by its id (the ids are lower case; the names begin with a capital). */
const ids = /\b(fruit|fitting)\b/;

async function texts(page: Page, testId: string): Promise<string> {
  const el = page.getByTestId(testId);
  await el.waitFor();
  return (await el.innerText()).trim();
}

describe("zones a refit removed, in last week's report and paths", () => {
  it("the report's zones and top paths name them as they were named then", async () => {
    const page = await t.open("/report/refit?range=last7", t.shop.tokens.viewer);
    const zones = page.getByTestId("report-zones");
    await zones.waitFor();
    await expect.poll(async () => (await zones.locator("tbody tr td:first-child").allInnerTexts()).filter((n) => /fruit|fitting/i.test(n)).sort()).toEqual(["Fitting rooms", "Fruit & veg"]);
    expect(await texts(page, "report-zones")).not.toMatch(ids);
    const paths = await texts(page, "report-paths");
    expect(paths).toContain("Fruit & veg");
    expect(paths).not.toMatch(ids);
    await page.close();
  });

  it("the Flows view's top paths name them as they were named then", async () => {
    const page = await t.open("/flows/refit?range=last7", t.shop.tokens.viewer);
    const paths = page.getByTestId("top-paths");
    await paths.waitFor();
    await expect.poll(async () => (await paths.innerText()).includes("Fruit & veg")).toBe(true);
    expect(await paths.innerText()).not.toMatch(ids);
    await page.close();
  });
});
