/**
 * What a merchandiser finds in `footfall demo` (as `npm start` runs it: real time, 72 h back-filled): a past layout change to judge. The banner names it; the Experiments form picks it,
 * a day before and a day after it, the zone it moved, and creates the experiment at once; the
 * result shows the verdict with the figures the API gives, counted on enough trips to tell. A day before and a day after
 * fall on different weekdays: the result warns so, and its verdict is grey "not conclusive", never a green "increase".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExperimentResult } from "../../floorplan-ui/src/api/types.js";
import { formatMetricValue } from "../../floorplan-ui/src/model/verdict.js";
import { fitViewport } from "../../floorplan-ui/src/model/viewport.js";
import { Child, FootfallApi, startDemo, tempDir, waitFor } from "../support/index.js";
import { launchBrowser, shot, type Browser } from "./helpers/browser.js";

const HOUR = 3_600_000;
const dir = tempDir("footfall-demo-experiment-");
let demo: Child;
let browser: Browser;
let url: string;
let admin: string;
let banner: string;
let startedAt: number;

beforeAll(async () => {
  startedAt = Date.now();
  // `npm start`'s defaults (that the form finds a day on both sides of the change at any hour: experiment-demo.test.ts).
  ({ child: demo, banner, url, token: admin } = await startDemo([], { dataDir: dir.path }));
  // The back-filled history stored: the simulator's events up to its start (to within an hour of it, or of
  // the store's last closing when it starts closed: nobody comes in at night), no longer growing.
  const api = new FootfallApi(url, admin);
  const hours = await api.request<{ open: { from: number; to: number }[] | null }>("GET", `/api/v1/stores/demo/hours/open?from=${startedAt - 2 * 24 * HOUR}&to=${startedAt}`);
  const lastOpen = hours.body.open?.at(-1)?.to ?? startedAt;
  let last = -1;
  await waitFor(
    "the back-filled history to be stored",
    async () => {
      const sim = (await api.agents("demo")).agents.find((a) => a.agent === "sim-1");
      const done = !!sim && sim.events > 1000 && (sim.lastEventTs ?? 0) >= Math.min(startedAt, lastOpen) - HOUR && sim.events === last;
      last = sim?.events ?? -1;
      return done;
    },
    { timeoutMs: 90_000, intervalMs: 2000 },
  );
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop("SIGTERM", 10_000);
  dir.remove();
});

describe("the demo's layout change to judge", () => {
  it("is named in the banner, and the Experiments form creates an experiment on it at once, with a verdict", async () => {
    expect(banner).toMatch(/Judge\s+a past layout change: Promotions moved from the back corner to the centre aisle on /);
    const page = await browser.page();
    await page.goto(`${url}/#/experiments/demo?token=${admin}`);
    await page.getByTestId("exp-new").click();
    const form = page.getByTestId("experiment-form");
    // The change (version 2), a whole day before and after it, and the zone it moved.
    await expect.poll(() => page.getByTestId("exp-version").inputValue()).toBe("2");
    await expect.poll(() => form.locator('[data-zone="promo"]').getAttribute("aria-pressed")).toBe("true");
    expect(await page.getByTestId("period-before").textContent()).toContain("24 h");
    expect(await page.getByTestId("period-after").textContent()).toContain("24 h");
    // The header says what the defaults are (it said "the weeks before and after" above two 24 h periods).
    expect(await page.getByTestId("exp-form-hint").textContent()).toBe("Compare equal periods just before and after a layout change: whole weeks where the data allows, else whole days");
    expect(await form.locator('[aria-pressed="true"]').count()).toBe(1);
    await expect.poll(() => page.getByTestId("exp-create").isEnabled()).toBe(true);
    await shot(page, "demo-experiment-form");
    await page.getByTestId("exp-create").click();
    await page.getByTestId("verdict-table").waitFor();
    const id = new URLSearchParams(page.url().split("?")[1]).get("id")!;
    expect(id).toBeTruthy();

    const res = await new FootfallApi(url, admin).request<ExperimentResult>("GET", `/api/v1/experiments/${id}/result`);
    expect(res.status).toBe(200);
    const result = res.body;
    const change = result.experiment.changeAt;
    // Both periods inside the back-filled history (72 h up to the start).
    expect(result.experiment.before).toEqual({ from: change - 24 * HOUR, to: change });
    expect(result.experiment.after).toEqual({ from: change, to: change + 24 * HOUR });
    expect(result.experiment.before.from).toBeGreaterThanOrEqual(startedAt - 72 * HOUR - 60_000);
    expect(result.experiment.after.to).toBeLessThanOrEqual(Date.now());
    const reach = result.zones.find((z) => z.zone === "promo")!.metrics.find((m) => m.metric === "reach")!;
    // Enough trips on both sides for a verdict (30 or more), and one given: not "too small to tell", not "not comparable".
    expect(reach.sampleBefore).toBeGreaterThan(300);
    expect(reach.sampleAfter).toBeGreaterThan(300);
    // Two days in a row share no weekday-hour: the result warns that a weekday's own pattern may read as the change, and
    // then no metric gets a green "increase" or red "decrease" (the demo's +26 % reach had one beside that warning).
    expect(result.warnings.some((w) => w.startsWith("the periods fall mostly on different weekdays and hours"))).toBe(true);
    expect(["not conclusive", "no clear change"]).toContain(reach.verdict);
    const verdicts = result.zones.flatMap((z) => z.metrics.map((m) => m.verdict));
    expect(verdicts.filter((v) => v === "increase" || v === "decrease")).toEqual([]);
    expect(reach.after).toBeGreaterThan(reach.before!);
    // The page shows the API's figures and verdict.
    const row = page.getByTestId("verdict-promo-reach");
    const cells = await row.locator("td").allTextContents();
    expect(cells[2]).toContain(formatMetricValue("reach", reach.before));
    expect(cells[3]).toContain(formatMetricValue("reach", reach.after));
    expect(await row.locator(".verdict").getAttribute("data-verdict")).toBe(reach.verdict);
    expect(await row.locator(".verdict").textContent()).toBe(reach.verdict);
    expect(await page.locator(".verdict-table .verdict.up, .verdict-table .verdict.down").count()).toBe(0);
    expect(await row.locator(".verdict-text").textContent()).toBe(reach.text);
    if (reach.verdict === "not conclusive") {
      expect(await row.locator(".verdict").getAttribute("class")).toBe("verdict flat");
      expect(reach.text).toContain("(not conclusive: the periods fall mostly on different weekdays and hours");
      expect(await page.getByTestId("verdict-guide").textContent()).toContain("Not conclusive: the interval lies on one side of 0");
    }
    // The CSV says the same verdicts.
    const csv = await new FootfallApi(url, admin).request<string>("GET", `/api/v1/experiments/${id}/result.csv`);
    expect(csv.status).toBe(200);
    const lines = String(csv.body).split("\n").filter((l) => l.startsWith("promo,"));
    expect(lines.length).toBe(4);
    expect(lines.some((l) => /,(increase|decrease),/.test(l))).toBe(false);
    if (reach.verdict === "not conclusive") expect(lines.find((l) => l.startsWith("promo,Promotions,reach,"))).toContain(",not conclusive,");
    // Each plan shows its own layout: Promotions in the back corner before, in the centre aisle after.
    await page.getByTestId("exp-plan-before").waitFor();
    expect(await page.getByTestId("exp-plan-before").textContent()).toContain("layout version 1");
    expect(await page.getByTestId("exp-plan-after").textContent()).toContain("layout version 2");
    await shot(page, "demo-experiment-result", { fullPage: true });
  });

  it("draws both plans fitted to their cards at every moment: on creating the experiment, and when the window is resized", async () => {
    const page = await browser.page();
    await page.goto(`${url}/#/experiments/demo?token=${admin}`);
    await page.getByTestId("exp-new").click();
    await expect.poll(() => page.getByTestId("exp-create").isEnabled()).toBe(true);
    // Each drawing the page commits, as it commits it (a MutationObserver runs right after each
    // DOM change, before any later effect): the Stage's size and the view it draws the floor with.
    await page.evaluate(() => {
      const w = window as unknown as { drawn: unknown[] };
      w.drawn = [];
      const take = () => {
        for (const card of document.querySelectorAll<HTMLElement>("[data-testid^=exp-plan-]")) {
          const plan = card.querySelector<HTMLElement>(".plan");
          const canvas = plan?.querySelector("canvas");
          if (!plan || !canvas) continue;
          w.drawn.push({ side: card.dataset.testid, width: parseFloat(canvas.style.width), height: parseFloat(canvas.style.height), scale: Number(plan.dataset.scale), x: Number(plan.dataset.x), y: Number(plan.dataset.y), card: card.getBoundingClientRect().width });
        }
      };
      new MutationObserver(take).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-scale", "data-x", "data-y", "style", "width", "height"] });
    });
    await page.getByTestId("exp-create").click();
    await page.getByTestId("verdict-table").waitFor();
    await expect.poll(() => page.locator("[data-testid^=exp-plan-] canvas").count()).toBeGreaterThanOrEqual(2);
    await page.waitForTimeout(500);
    const canvasHeight = () => page.locator("[data-testid=exp-plan-before] canvas").first().evaluate((c) => parseFloat((c as HTMLCanvasElement).style.height));
    // A smaller window (one plan a row, lower plans), then back.
    const tall = await canvasHeight();
    await page.setViewportSize({ width: 1000, height: 700 });
    await expect.poll(canvasHeight).toBeLessThan(tall - 20);
    await page.waitForTimeout(500);
    await page.setViewportSize({ width: 1366, height: 900 });
    await expect.poll(canvasHeight).toBe(tall);
    await page.waitForTimeout(500);
    await shot(page, "demo-experiment-plans-fitted", { fullPage: true });

    const floor = (await new FootfallApi(url, admin).layout("demo")).floor;
    type Drawn = { side: string; width: number; height: number; scale: number; x: number; y: number; card: number };
    const drawn = await page.evaluate(() => (window as unknown as { drawn: Drawn[] }).drawn);
    expect(drawn.length).toBeGreaterThan(4);
    expect(new Set(drawn.map((d) => d.height)).size).toBeGreaterThan(1);
    // Every drawing fits the floor to the Stage it is drawn in (a Stage resized with the previous size's view drew the plan tiny in a corner).
    const misfit = drawn.filter((d) => {
      const fit = fitViewport(floor, { width: d.width, height: d.height }, 16);
      return Math.abs(d.scale - fit.scale) > 1e-6 || Math.abs(d.x - fit.x) > 0.5 || Math.abs(d.y - fit.y) > 0.5;
    });
    expect(misfit).toEqual([]);
    // And the last one fills its card (its border aside).
    for (const side of ["exp-plan-before", "exp-plan-after"]) {
      const last = drawn.filter((d) => d.side === side).at(-1)!;
      expect(Math.abs(last.width - last.card)).toBeLessThanOrEqual(4);
    }
  }, 60_000);
});
