/**
 * Every screen says plainly when nothing is counted. A walk-through (session 48) stopped the demo's only agent: the live
 * view said "Nothing counted now … the count from before" on every zone, but its pill stayed a green "Live · updated
 * just now", the chain view said "Partial: 12 zones not counted since 17:34" under an "18" read as current, and the
 * heatmap said "Updated 17:36" over a 17:00 bar that just looked low. Now the pill is amber, "Nothing counted since
 * 17:34 CET"; the chain view says "Not counted since 17:34 CET (cam-1 offline): the count from before" (the API's new
 * zoneCount tells every zone from some), its figure greyed; the heatmap's heading "Not counted since 17:34 CET (cam-1
 * offline)". (One zone down is still "Partial" on the chain view: chain-partial.)
 */
import { describe, expect, it } from "vitest";
import { shot } from "./helpers/browser.js";
import { agentStatus, DEMO_ZONES, withDemoShop } from "./helpers/demo-shop.js";

const LIVE_GREEN = "rgb(220, 252, 231)";

const t = withDemoShop({
  server: { httpPort: 19962, mqttPort: 19963, metricsPort: 19964 },
});

const status = (agent: string, state: "online" | "offline") => agentStatus(t.shop, state, agent);

type Overview = { stores: { id: string; partial: boolean; notCounted: { zone: string; since: number; agents: string[] }[]; zoneCount?: number }[] };
const row = async () => (await t.shop.api.request<Overview>("GET", "/api/v1/overview")).body.stores.find((s) => s.id === t.shop.store)!;
const hhmm = (ts: number) => new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(ts);

describe("every screen while nothing is counted (the store's only agent offline)", () => {
  it("while counted: the pill is a green Live, the heatmap's heading says nothing of counting", async () => {
    await status("cam-1", "online");
    const page = await t.open(`/live/${t.shop.store}`, t.shop.tokens.staff);
    await page.locator(`[data-testid="live-zone-bakery"][data-occupancy="1"]`).waitFor({ timeout: 20_000 });
    const pill = page.getByTestId("live-status");
    await expect.poll(() => pill.textContent(), { timeout: 15_000 }).toMatch(/^Live/);
    expect(await pill.evaluate((e) => getComputedStyle(e).backgroundColor)).toBe(LIVE_GREEN);
    await page.close();
    const heatmap = await t.open(`/heatmap/${t.shop.store}?range=today`, t.shop.tokens.viewer);
    await heatmap.getByTestId("updated-at").waitFor({ timeout: 20_000 });
    await heatmap.waitForTimeout(1000);
    expect(await heatmap.getByTestId("not-counted-now").count()).toBe(0);
    expect((await row()).zoneCount).toBe(DEMO_ZONES.length);
    await heatmap.close();
  });

  it("the live pill is not a green Live but an amber 'Nothing counted since HH:MM'", async () => {
    await status("cam-1", "offline");
    await expect.poll(async () => (await row()).notCounted.length, { timeout: 15_000 }).toBe(DEMO_ZONES.length);
    const since = Math.min(...(await row()).notCounted.map((z) => z.since));
    const page = await t.open(`/live/${t.shop.store}`, t.shop.tokens.staff);
    await page.locator('[data-testid="live-zone-bakery"][data-state="not-counted"]').waitFor({ timeout: 20_000 });
    await page.getByTestId("live-partial").waitFor({ timeout: 20_000 });
    const pill = page.getByTestId("live-status");
    await expect.poll(() => pill.textContent(), { timeout: 15_000 }).toMatch(/^Nothing counted since/);
    await shot(page, "nothing-counted-live");
    expect(await pill.textContent()).toMatch(new RegExp(`^Nothing counted since ${hhmm(since)} CES?T$`));
    expect(await pill.textContent()).not.toMatch(/Live/);
    expect(await pill.evaluate((e) => getComputedStyle(e).backgroundColor)).not.toBe(LIVE_GREEN);
    await page.close();
  });

  it("the chain view says 'Not counted since HH:MM (cam-1 offline)', not 'Partial', and greys the figure from before", async () => {
    const r = await row();
    expect(r.zoneCount).toBe(DEMO_ZONES.length);
    const since = Math.min(...r.notCounted.map((z) => z.since));
    const page = await t.open(`/chain/${t.shop.store}?range=today`, t.shop.tokens.viewer);
    const note = page.getByTestId(`chain-partial-${t.shop.store}`);
    await note.waitFor({ timeout: 15_000 });
    await shot(page, "nothing-counted-chain");
    expect(await note.textContent()).toMatch(new RegExp(`^Not counted since ${hhmm(since)} CES?T \\(cam-1 offline\\): the count from before$`));
    expect(await note.textContent()).not.toMatch(/Partial/);
    const figure = page.getByTestId(`chain-occupancy-before-${t.shop.store}`);
    expect(await figure.textContent()).toBe(String(DEMO_ZONES.length));
    expect(await figure.getAttribute("title")).toMatch(/count from before/);
    await page.close();
  });

  it("the heatmap's heading says 'Not counted since HH:MM (cam-1 offline)' next to Updated", async () => {
    const since = Math.min(...(await row()).notCounted.map((z) => z.since));
    const page = await t.open(`/heatmap/${t.shop.store}?range=today`, t.shop.tokens.viewer);
    await page.getByTestId("updated-at").waitFor({ timeout: 20_000 });
    const chip = page.getByTestId("not-counted-now");
    await chip.waitFor({ timeout: 20_000 });
    await shot(page, "nothing-counted-heatmap");
    expect(await chip.textContent()).toMatch(new RegExp(`^Not counted since ${hhmm(since)} CES?T \\(cam-1 offline\\)$`));
    await page.close();
  });
});
