/**
 * The history kept (hour and day figures, FOOTFALL_AGGREGATE_RETENTION_DAYS=20): a range, or the
 * previous period it is compared with, that starts before the oldest figures kept shows partial
 * figures, and every view with a range says so where its figures are, in the same words ("History
 * kept from ... (20 days): figures before it are not counted"); a range within it says nothing.
 */
import { describe, expect, it } from "vitest";
import { formatDate } from "../../floorplan-ui/src/model/format.js";
import { waitFor } from "../support/index.js";
import { shot } from "./helpers/browser.js";
import { withShop } from "./helpers/shop.js";
import { trips } from "./helpers/store.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const STORE = "rivoli";
// Figures from 18 days ago (just after the history kept begins: what retention leaves of an older store) and 2 days ago.
const t = withShop({
  server: { env: { FOOTFALL_AGGREGATE_RETENTION_DAYS: "20" }, maxEventAgeMs: 30 * DAY },
  store: STORE,
  setup: async ({ server, shop }) => {
    const at = (daysAgo: number) => Math.floor(Date.now() / HOUR) * HOUR - daysAgo * DAY;
    await shop.publish([...trips(shop.events, at(18), HOUR, 6, 1), ...trips(shop.events, at(2), HOUR, 6, 2)]);
    await waitFor(
      "both days' trips counted",
      async () => {
        const res = await fetch(`${server.httpUrl}/api/v1/stores/${STORE}/traffic?from=${at(19)}&to=${at(0)}&bucket=day`, { headers: { authorization: `Bearer ${shop.tokens.admin}` } });
        const body = (await res.json()) as { buckets: { enters: number }[] };
        return body.buckets.reduce((n, b) => n + b.enters, 0) === 12;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
  },
  timeoutMs: 120_000,
});
const open = (hash: string) => t.open(hash, t.shop.tokens.admin, { width: 1280, height: 800 });

let keptFrom = 0;
const head = () => `History kept from ${formatDate(keptFrom, "Europe/Paris")} (20 days): figures before it are not counted`;

describe("the history kept, where a range reaches before it", () => {
  it("GET /stores says how long hour and day figures are kept and from when", async () => {
    const res = await fetch(`${t.server.httpUrl}/api/v1/stores`, { headers: { authorization: `Bearer ${t.shop.tokens.viewer}` } });
    const body = (await res.json()) as { retention: { history: { keptDays: number; keptFrom: number } } };
    expect(body.retention.history.keptDays).toBe(20);
    expect(Math.abs(body.retention.history.keptFrom - (Date.now() - 20 * DAY))).toBeLessThan(600_000);
    keptFrom = body.retention.history.keptFrom;
  });

  it("the Heatmap over the last 30 days says it, with the previous period too when compared; Today says nothing", async () => {
    const page = await open(`/heatmap/${STORE}?range=last30`);
    const note = page.getByTestId("history-note");
    await note.waitFor();
    expect(await note.textContent()).toBe(`${head()}.`);
    // The store's figures begin just after the history kept: the cut is retention's, not the store's
    // opening, so the view does not say "This store's figures begin ..." as if it were new.
    const figuresFrom = Number(await page.locator('[data-testid="heatmap"][data-figures-from]').getAttribute("data-figures-from"));
    expect(figuresFrom).toBeGreaterThan(keptFrom);
    expect(await page.getByTestId("partial").count()).toBe(0);
    await shot(page, "history-kept-heatmap-last30");

    await page.evaluate((s) => (window.location.hash = `#/heatmap/${s}?range=last30&compare=1`), STORE);
    await expect.poll(() => note.textContent()).toBe(`${head()}, in this range and in the previous period.`);
    expect(await page.getByTestId("previous-partial").count()).toBe(0);

    await page.getByRole("button", { name: "Today", exact: true }).click();
    await expect.poll(() => page.getByTestId("history-note").count()).toBe(0);
    await page.close();
  });

  it("a custom range within the history kept, compared with a previous period that starts before it: the previous period is said partial", async () => {
    const end = Math.floor(Date.now() / HOUR) * HOUR - DAY;
    const page = await open(`/heatmap/${STORE}?from=${end - 14 * DAY}&to=${end}&compare=1`);
    const note = page.getByTestId("history-note");
    await note.waitFor();
    expect(await note.textContent()).toBe(`${head()}, so the previous period is partial and changes against it overstate growth.`);
    await shot(page, "history-kept-heatmap-previous");
    // Without the comparison, the range alone is within the history kept: nothing to say.
    await page.evaluate((h) => (window.location.hash = h), `#/heatmap/${STORE}?from=${end - 14 * DAY}&to=${end}`);
    await expect.poll(() => page.getByTestId("history-note").count()).toBe(0);
    await page.close();
  });

  it("Flows, Funnels and the Report over the last 30 days say it in the same words", async () => {
    for (const hash of [`/flows/${STORE}?range=last30`, `/funnel/${STORE}?range=last30&steps=fruit,checkout`, `/report/${STORE}?range=last30`]) {
      const page = await open(hash);
      const note = page.getByTestId("history-note");
      await note.waitFor();
      expect(await note.textContent(), hash).toBe(`${head()}.`);
      if (hash.startsWith("/report")) await shot(page, "history-kept-report-last30");
      await page.close();
    }
  });
});
