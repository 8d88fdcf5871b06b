/**
 * Flows, Funnels and Report say it as the heatmap does when nothing is counted, and the chain's total does not call such a
 * store "partial". Session 48 gave the heatmap's heading "Not counted since 17:34 CET (cam-1 offline)" while every zone's
 * agents are offline (nothing-counted-screens); Flows, Funnels and Report showed the same zones' trips and visits under a
 * bare "Updated 17:36", so a store manager read the hour since as nobody coming. Now their headings carry the same chip
 * (RangeHeading's notCounted, useNothingCounted, model/not-counted's words), and the printed report says it under its
 * range. The chain's "in store now" total said "partial: 1 store not fully counted now" of a store nothing counts, while
 * its row said "Not counted since 17:34 CET (cam-1 offline): the count from before"; the total now names it in its row's
 * words: "Rivoli test shop not counted since 17:34 CET (cam-1 offline): the count from before".
 */
import { describe, expect, it } from "vitest";
import { shot } from "./helpers/browser.js";
import { agentStatus, DEMO_ZONES, withDemoShop } from "./helpers/demo-shop.js";

const t = withDemoShop({
  server: { httpPort: 20240, mqttPort: 20241, metricsPort: 20242 },
});

const status = (agent: string, state: "online" | "offline") => agentStatus(t.shop, state, agent);

type Overview = { stores: { id: string; name: string; partial: boolean; notCounted: { zone: string; since: number; agents: string[] }[]; zoneCount?: number }[]; totals: { partialStores: number } };
const overview = async () => (await t.shop.api.request<Overview>("GET", "/api/v1/overview")).body;
const row = async () => (await overview()).stores.find((s) => s.id === t.shop.store)!;
const hhmm = (ts: number) => new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(ts);

describe("Flows, Funnels, Report and the chain's total while nothing is counted (the store's only agent offline)", () => {
  it("while counted: no chip on Flows", async () => {
    await status("cam-1", "online");
    await expect.poll(async () => (await row()).notCounted.length, { timeout: 15_000 }).toBe(0);
    const page = await t.open(`/flows/${t.shop.store}?range=today`, t.shop.tokens.viewer);
    await page.getByTestId("updated-at").waitFor({ timeout: 20_000 });
    await page.getByTestId("paths-trips").and(page.locator("[data-trips]:not([data-trips=''])")).waitFor({ timeout: 20_000 });
    await page.waitForTimeout(1000);
    expect(await page.getByTestId("not-counted-now").count()).toBe(0);
    await page.close();
  });

  for (const [view, title] of [["flows", "Flows"], ["funnel", "Funnels"], ["report", "Report"]] as const) {
    it(`${title}: the heading says 'Not counted since HH:MM (cam-1 offline)' next to Updated, as the heatmap's`, async () => {
      await status("cam-1", "offline");
      await expect.poll(async () => (await row()).notCounted.length, { timeout: 15_000 }).toBe(DEMO_ZONES.length);
      const since = Math.min(...(await row()).notCounted.map((z) => z.since));
      const page = await t.open(`/${view}/${t.shop.store}?range=today`, t.shop.tokens.viewer);
      await page.getByTestId("updated-at").waitFor({ timeout: 20_000 });
      const chip = page.getByTestId("not-counted-now");
      await chip.waitFor({ timeout: 20_000 });
      await shot(page, `nothing-counted-${view}`);
      const words = new RegExp(`^Not counted since ${hhmm(since)} CES?T \\(cam-1 offline\\)$`);
      expect(await chip.textContent()).toMatch(words);
      if (view === "report") {
        // The heading is not printed: the printed head says it under the range, in the same words.
        const printed = page.getByTestId("report-not-counted-now");
        await printed.waitFor({ state: "attached", timeout: 20_000 });
        expect(await printed.textContent()).toMatch(new RegExp(`^Not counted since ${hhmm(since)} CES?T \\(cam-1 offline\\): the figures stop there`));
        await page.emulateMedia({ media: "print" });
        expect(await printed.isVisible()).toBe(true);
        expect(await chip.isVisible()).toBe(false);
      }
      await page.close();
    });
  }

  it("the chain's total names the store nothing counts in its row's words, not 'partial: 1 store not fully counted now'", async () => {
    await status("cam-1", "offline");
    await expect.poll(async () => (await row()).notCounted.length, { timeout: 15_000 }).toBe(DEMO_ZONES.length);
    const r = await row();
    expect((await overview()).totals.partialStores).toBe(1);
    const since = Math.min(...r.notCounted.map((z) => z.since));
    const page = await t.open(`/chain/${t.shop.store}?range=today`, t.shop.tokens.viewer);
    const note = page.getByTestId(`chain-partial-${t.shop.store}`);
    await note.waitFor({ timeout: 15_000 });
    const total = page.getByTestId("chain-total-partial");
    await total.waitFor({ timeout: 15_000 });
    await shot(page, "nothing-counted-chain-total");
    const words = `ot counted since ${hhmm(since)} CES?T \\(cam-1 offline\\): the count from before`;
    expect(await note.textContent()).toMatch(new RegExp(`^N${words}$`));
    expect(await total.textContent()).toMatch(new RegExp(`^${r.name} n${words}$`));
    expect(await total.textContent()).not.toMatch(/partial/i);
    await page.close();
  });
});
