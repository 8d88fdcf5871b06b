/**
 * A merchandiser's experiment, in chromium against a real `footfall serve`: while the after period still runs its
 * verdicts are the figures so far, shown greyed as "... so far" with the share passed and the day it is final, never
 * the green of a final increase; and the form's control-store picker marks a store without a zone of interest
 * ("no “Promo” zone") before it is picked, and its version list says the year of a layout of another year.
 */
import { describe, expect, it } from "vitest";
import type { Experiment, ExperimentResult } from "../../floorplan-ui/src/api/types.js";
import { shot } from "./helpers/browser.js";
import { promoTrips, shopLayoutAfter } from "./helpers/experiment-store.js";
import { withShop } from "./helpers/shop.js";
import { seedStore, shopLayout, type SeededStore } from "./helpers/store.js";

const DAY = 86_400_000;
const WEEK = 7 * DAY;
let lyon: SeededStore;
// The change 3 days ago: the after period, a week from it, has 4 days to run.
const changeAt = Math.floor((Date.now() - 3 * DAY) / 60_000) * 60_000;
const before = { from: changeAt - WEEK, to: changeAt };
const after = { from: changeAt, to: changeAt + WEEK };

const t = withShop({
  server: { maxEventAgeMs: 30 * DAY },
  setup: async ({ server, shop }) => {
    lyon = await seedStore(server, "lyon");
    // The chain's fashion store: no promo table.
    await shop.api.putLayout("fashion", { ...shopLayout(), name: "Fashion", zones: shopLayout().zones.filter((z) => z.id !== "promo") });
    await shop.api.putLayout("shop", shopLayoutAfter(changeAt));
    // The same weekdays and hours on each side (the after period's first 3 days, a week earlier), so the mix adjusts nothing away.
    await shop.publish([...promoTrips(shop.events, before.from, 3 * DAY - 3_600_000, 300, 0.2, 1), ...promoTrips(shop.events, after.from, 3 * DAY - 3_600_000, 300, 0.6, 2)]);
  },
  teardown: async () => {
    await lyon?.close();
  },
});

describe("an experiment whose after period still runs", () => {
  it("shows its increase as 'increase so far', greyed, with how much of the period has passed and when it is final", async () => {
    const made = await t.shop.api.request<Experiment>("POST", "/api/v1/experiments", { name: "Promo so far", testStores: ["shop"], controlStores: [], changeAt, before, after, zones: ["promo"] });
    expect(made.status).toBe(200);
    const result = (await t.shop.api.request<ExperimentResult>("GET", `/api/v1/experiments/${made.body.id}/result`)).body;
    expect(result.provisional).toBe(true);
    const reach = result.zones[0]!.metrics.find((m) => m.metric === "reach")!;
    expect(reach.verdict).toBe("increase");
    const page = await t.open(`/experiments/shop?id=${made.body.id}`, t.shop.tokens.admin, { width: 1366, height: 900 });
    const row = page.getByTestId("verdict-promo-reach");
    await row.waitFor();
    const badge = row.locator(".verdict");
    expect(await badge.textContent()).toBe("increase so far");
    expect(await badge.getAttribute("class")).toBe("verdict flat");
    expect(await row.getByTestId("verdict-provisional").textContent()).toMatch(/^after period \d+ % passed, final on \w{3}, \d+ \w{3} \d{4}$/);
    await shot(page, "experiment-provisional");
    await page.close();
  });

  it("marks in the form's picker a control store without a zone of interest, before it is picked", async () => {
    const page = await t.open("/experiments/shop", t.shop.tokens.admin, { width: 1366, height: 900 });
    await page.getByTestId("exp-new").click();
    const form = page.getByTestId("experiment-form");
    await expect.poll(() => form.locator('[data-zone="promo"]').getAttribute("aria-pressed")).toBe("true");
    const fashion = form.locator('[data-store="fashion"]');
    await expect.poll(() => fashion.getAttribute("data-unavailable")).toBe("no “Promo” zone");
    expect(await fashion.isDisabled()).toBe(true);
    expect(await fashion.textContent()).toContain("no “Promo” zone");
    expect(await form.locator('[data-store="lyon"]').isDisabled()).toBe(false);
    // The first layout (valid from 1970) says its year in the version list, not a bare "Thu 1 Jan" read as this January.
    expect(await page.getByTestId("exp-version").locator("option").allTextContents()).toContainEqual(expect.stringMatching(/^Version 1 · from Thu, 1 Jan 1970, 01:00 CET/));
    await page.close();
  });
});
