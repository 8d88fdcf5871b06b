/**
 * "Not counted since …" says the day when the outage began before today in the store's zone. A reviewer saw an outage
 * from Friday 17:34 read on Monday as "Not counted since 17:34 CET": as if it had begun this afternoon. Every screen
 * that words an outage's start (the analytics headings' chip, the live pill and zone rows, the queue tile, the chain's
 * row and total) now says "since Fri 17:34 CET", and a date a week on ("since 28 Nov 17:34 CET"), judged on the
 * server's clock (the answers' Date header, model/server-clock), not the browser's. Here the store's only agent goes
 * offline now and the page is shown the server's answers dated 3 days (then 9 days) later, as a server read days on.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { shot } from "./helpers/browser.js";
import { agentStatus, DEMO_ZONES, withDemoShop } from "./helpers/demo-shop.js";
import { shiftServerDates } from "./helpers/server-clock.js";

const DAY = 86_400_000;
const TZ = "Europe/Paris";

const t = withDemoShop({
  server: { httpPort: 20560, mqttPort: 20561, metricsPort: 20562 },
});

type Overview = { stores: { id: string; name: string; notCounted: { zone: string; since: number; agents: string[] }[] }[] };
const row = async () => (await t.shop.api.request<Overview>("GET", "/api/v1/overview")).body.stores.find((s) => s.id === t.shop.store)!;
const part = (ts: number, opts: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat("en-GB", { timeZone: TZ, ...opts }).format(ts);
const hhmm = (ts: number) => part(ts, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A page whose API answers are dated `shift` later: the UI's "now" on the server's clock, the browser's own unmoved. */
async function openShifted(hash: string, token: string, shift: number): Promise<Page> {
  const page = await t.browser.page({ width: 1600, height: 1400 });
  await shiftServerDates(page, shift);
  await page.goto(`${t.server.httpUrl}/#${hash}${hash.includes("?") ? "&" : "?"}token=${token}`);
  return page;
}

async function offlineSince(): Promise<{ since: number; name: string }> {
  await agentStatus(t.shop, "offline");
  await expect.poll(async () => (await row()).notCounted.length, { timeout: 15_000 }).toBe(DEMO_ZONES.length);
  const r = await row();
  return { since: Math.min(...r.notCounted.map((z) => z.since)), name: r.name };
}

describe("an outage begun before today says its day (the server's clock, the store's zone)", () => {
  it("3 days on: the heatmap's chip, the live pill, zone rows and queue tile say 'since Mon 17:34 CET'", async () => {
    const { since } = await offlineSince();
    // The reference: the weekday of the start in the store's zone, 3 calendar days before the server's now.
    const when = `${part(since, { weekday: "short" })} ${hhmm(since)} CES?T`;

    const heatmap = await openShifted(`/heatmap/${t.shop.store}?range=today`, t.shop.tokens.viewer, 3 * DAY);
    const chip = heatmap.getByTestId("not-counted-now");
    await chip.waitFor({ timeout: 20_000 });
    await expect.poll(() => chip.textContent(), { timeout: 15_000 }).toMatch(new RegExp(`^Not counted since ${when} \\(cam-1 offline\\)$`));
    await shot(heatmap, "not-counted-day-heatmap");
    await heatmap.close();

    const live = await openShifted(`/live/${t.shop.store}`, t.shop.tokens.staff, 3 * DAY);
    const pill = live.getByTestId("live-status");
    await expect.poll(() => pill.textContent(), { timeout: 20_000 }).toMatch(new RegExp(`^Nothing counted since ${when}$`));
    expect(await pill.getAttribute("title")).toMatch(new RegExp(`^Not counted since ${when} \\(cam-1 offline\\): the figures are the count from before$`));
    // Each zone row (or, dense, its legend and title) and the queue's tile: the same day.
    const rows = live.locator('[data-state="not-counted"]');
    await rows.first().waitFor({ timeout: 20_000 });
    const zoneWords = await live.locator(".zsince, [data-state='not-counted'][title]").evaluateAll((els) => els.map((e) => e.getAttribute("title") ?? e.textContent ?? ""));
    expect(zoneWords.length).toBeGreaterThan(0);
    for (const w of zoneWords) expect(w).toMatch(new RegExp(`Since ${when} \\(cam-1 offline\\)`));
    const tile = live.getByTestId("queue-offline-checkout-queue");
    await tile.waitFor({ timeout: 20_000 });
    expect(await tile.textContent()).toMatch(new RegExp(`^Since ${when} \\(cam-1 offline\\)\\.`));
    await shot(live, "not-counted-day-live");
    await live.close();
  });

  it("3 days on: the chain's row and total say the day too", async () => {
    const { since, name } = await offlineSince();
    const when = `${part(since, { weekday: "short" })} ${hhmm(since)} CES?T`;
    const chain = await openShifted(`/chain/${t.shop.store}?range=today`, t.shop.tokens.viewer, 3 * DAY);
    const note = chain.getByTestId(`chain-partial-${t.shop.store}`);
    await note.waitFor({ timeout: 20_000 });
    await expect.poll(() => note.textContent(), { timeout: 15_000 }).toMatch(new RegExp(`^Not counted since ${when} \\(cam-1 offline\\): the count from before$`));
    const total = chain.getByTestId("chain-total-partial");
    expect(await total.textContent()).toMatch(new RegExp(`^${esc(name)} not counted since ${when} \\(cam-1 offline\\): the count from before$`));
    await chain.close();
  });

  it("9 days on: Report's chip and printed line give the date, '7 Dec 17:34 CET'", async () => {
    const { since } = await offlineSince();
    const when = `${part(since, { day: "numeric" })} ${part(since, { month: "short" })}${part(since, { year: "numeric" }) === part(since + 9 * DAY, { year: "numeric" }) ? "" : ` ${part(since, { year: "numeric" })}`} ${hhmm(since)} CES?T`;
    const report = await openShifted(`/report/${t.shop.store}?range=today`, t.shop.tokens.viewer, 9 * DAY);
    const chip = report.getByTestId("not-counted-now");
    await chip.waitFor({ timeout: 20_000 });
    await expect.poll(() => chip.textContent(), { timeout: 15_000 }).toMatch(new RegExp(`^Not counted since ${when} \\(cam-1 offline\\)$`));
    const printed = report.getByTestId("report-not-counted-now");
    expect(await printed.textContent()).toMatch(new RegExp(`^Not counted since ${when} \\(cam-1 offline\\): the figures stop there`));
    await report.close();
  });
});
