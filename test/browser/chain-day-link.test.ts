/**
 * A chain view link pasted with days (`#/chain?from=2026-12-04&to=2026-12-05`, as the Report and Heatmap take them),
 * opened in chromium against the built server: the chain view shows those days' enters, not the default last 7 days.
 */
import { describe, expect, it } from "vitest";
import { waitFor } from "../support/index.js";
import { withShop } from "./helpers/shop.js";
import { trips } from "./helpers/store.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** The Paris date `daysAgo` days before today there, YYYY-MM-DD. */
const parisDay = (daysAgo: number) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(Date.now() - daysAgo * DAY);
/** Noon in Paris (11:00 UTC in winter, 10:00 in summer: either is that day) `daysAgo` days before today there. */
const noon = (daysAgo: number) => Date.parse(`${parisDay(daysAgo)}T10:30:00Z`);

const t = withShop({
  server: { httpPort: 20760, mqttPort: 20761, metricsPort: 20762, maxEventAgeMs: 10 * DAY },
  setup: async ({ shop }) => {
    // Five days ago 20 shoppers, three days ago 10, two days ago 4: the week holds 34.
    await shop.publish([...trips(shop.events, noon(5), HOUR, 20, 5), ...trips(shop.events, noon(3), HOUR, 10, 3), ...trips(shop.events, noon(2), HOUR, 4, 4)]);
    await waitFor(
      "the trips stored",
      async () => {
        const res = await fetch(`${t.server.httpUrl}/api/v1/overview?from=${Math.floor((Date.now() - 9 * DAY) / HOUR) * HOUR}`, { headers: { authorization: `Bearer ${t.shop.tokens.admin}` } });
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API's JSON, one field read
        return ((await res.json()) as any).stores?.[0]?.figures?.enters === 34;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
  },
});

describe("a chain view link with days", () => {
  it("opens on the days it names (both included, or the one day of `from` alone), as the Report does, not the last 7 days", async () => {
    const page = await t.open(`/chain?from=${parisDay(3)}&to=${parisDay(2)}`, t.shop.tokens.viewer);
    const enters = page.locator(`tr[data-store="${t.shop.store}"] td[data-figure="enters"]`);
    await enters.waitFor({ timeout: 15_000 });
    // Old UI: the days ignored, "Last 7 days" picked, 34.
    await expect.poll(async () => (await enters.textContent())?.match(/^\d+/)?.[0], { timeout: 15_000 }).toBe("14");
    expect(await page.getByTestId("chain-range").textContent()).not.toMatch(/so far/);
    expect(await page.locator('[aria-label="Date range"] button[aria-pressed="true"]').count()).toBe(0);

    await page.locator('[aria-label="Date range"] button', { hasText: "Last 7 days" }).click();
    await expect.poll(async () => (await enters.textContent())?.match(/^\d+/)?.[0], { timeout: 15_000 }).toBe("34");
    expect(page.url()).not.toMatch(/from=/);
    await page.close();

    const one = await t.open(`/chain?from=${parisDay(3)}`, t.shop.tokens.viewer);
    const its = one.locator(`tr[data-store="${t.shop.store}"] td[data-figure="enters"]`);
    await its.waitFor({ timeout: 15_000 });
    await expect.poll(async () => (await its.textContent())?.match(/^\d+/)?.[0], { timeout: 15_000 }).toBe("10");
    await one.close();
  });
});
