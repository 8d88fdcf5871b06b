/**
 * An experiment's verdict on a tablet (768×1024 portrait, in chromium against a real `footfall serve`): the verdict
 * table has seven columns with control stores, more than the width holds, and each metric's verdict, the point of
 * the page, sat in the last of them, scrolled out of sight in a column a word or two wide (rows 200 px tall). Now
 * the figures take one line and the verdict with its sentence the whole width below them: every verdict is in view
 * without scrolling sideways, on the API's words.
 */
import { describe, expect, it } from "vitest";
import type { Experiment, ExperimentResult } from "../../floorplan-ui/src/api/types.js";
import { shot } from "./helpers/browser.js";
import { promoTrips, shopLayoutAfter } from "./helpers/experiment-store.js";
import { withShop } from "./helpers/shop.js";
import { seedStore, type SeededStore } from "./helpers/store.js";

const DAY = 86_400_000;
const WEEK = 7 * DAY;
let lyon: SeededStore;
const changeAt = Math.floor((Date.now() - WEEK - 2 * 3_600_000) / 60_000) * 60_000;
const before = { from: changeAt - WEEK, to: changeAt };
const after = { from: changeAt, to: changeAt + WEEK };

const t = withShop({
  server: { maxEventAgeMs: 30 * DAY },
  setup: async ({ server, shop }) => {
    lyon = await seedStore(server, "lyon");
    await shop.api.putLayout("shop", shopLayoutAfter(changeAt));
    await Promise.all([
      shop.publish([...promoTrips(shop.events, before.from, WEEK, 300, 0.2, 1), ...promoTrips(shop.events, after.from, WEEK, 300, 0.45, 2)]),
      lyon.publish([...promoTrips(lyon.events, before.from, WEEK, 300, 0.3, 3), ...promoTrips(lyon.events, after.from, WEEK, 300, 0.3, 4)]),
    ]);
  },
  teardown: async () => {
    await lyon?.close();
  },
});

describe("an experiment's verdict on a tablet", () => {
  it("shows every metric's verdict and sentence within the table's width, none scrolled out of sight", async () => {
    const made = await t.shop.api.request<Experiment>("POST", "/api/v1/experiments", { name: "Promo table by the entrance", testStores: ["shop"], controlStores: ["lyon"], changeAt, before, after, zones: ["promo", "clothing"] });
    expect(made.status).toBe(200);
    const result = (await t.shop.api.request<ExperimentResult>("GET", `/api/v1/experiments/${made.body.id}/result`)).body;
    const page = await t.open(`/experiments/shop?id=${made.body.id}`, t.shop.tokens.admin, { width: 768, height: 1024 });
    const table = page.getByTestId("verdict-table");
    await table.waitFor();
    // The difference in differences' column is there (the widest table).
    expect(await table.locator("th").allTextContents()).toContain("vs control (DiD)");
    const box = (await table.locator("xpath=..").boundingBox())!;
    // Nothing to scroll sideways: the table fits the card it is in.
    expect(await table.locator("xpath=..").evaluate((w) => w.scrollWidth - w.clientWidth)).toBeLessThanOrEqual(1);
    const metrics = result.zones.flatMap((z) => z.metrics.map((m) => ({ zone: z.zone, ...m })));
    expect(metrics.length).toBe(8);
    for (const m of metrics) {
      const row = page.getByTestId(`verdict-${m.zone}-${m.metric}`);
      const badge = row.locator(".verdict");
      expect(await badge.textContent()).toBe(m.verdict);
      expect(await row.locator(".verdict-text").textContent()).toBe(m.text);
      // The badge and its sentence lie inside the table's visible width, and the sentence is not squeezed into a
      // column a few words wide: it has at least half the table's width.
      const b = (await badge.boundingBox())!;
      const text = (await row.locator(".verdict-text").boundingBox())!;
      expect(b.x, `${m.zone} ${m.metric}`).toBeGreaterThanOrEqual(box.x);
      expect(b.x + b.width, `${m.zone} ${m.metric}`).toBeLessThanOrEqual(box.x + box.width + 1);
      expect(text.x + text.width, `${m.zone} ${m.metric}`).toBeLessThanOrEqual(box.x + box.width + 1);
      expect(text.width, `${m.zone} ${m.metric}`).toBeGreaterThan(box.width / 2);
    }
    await shot(page, "experiment-verdict-tablet", { fullPage: true });
    await page.close();
  });

  it("keeps the one-line table on a desktop: the verdict in its own column beside the figures", async () => {
    const list = (await t.shop.api.request<{ experiments: Experiment[] }>("GET", "/api/v1/experiments")).body.experiments;
    const page = await t.open(`/experiments/shop?id=${list[0]!.id}`, t.shop.tokens.admin, { width: 1366, height: 900 });
    const table = page.getByTestId("verdict-table");
    await table.waitFor();
    expect(await table.locator("th").allTextContents()).toEqual(["Zone", "Metric", "Before", "After", "Change [95 % interval]", "vs control (DiD)", "Verdict"]);
    const row = page.getByTestId("verdict-promo-reach");
    const cells = await row.locator("td").all();
    const [did, verdict] = [(await cells[5]!.boundingBox())!, (await cells[6]!.boundingBox())!];
    // Same line, to the right of the DiD.
    expect(Math.abs(verdict.y - did.y)).toBeLessThanOrEqual(1);
    expect(verdict.x).toBeGreaterThanOrEqual(did.x + did.width - 1);
    await page.close();
  });
});
