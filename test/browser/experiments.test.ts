/**
 * Sales, funnels and layout experiments in Debian's chromium against a real `footfall serve`: a
 * shop whose promo table moved (two layout versions, a week of trips before and after, more of
 * them reaching the promo table after), an unchanged control store, departments and a sales CSV
 * entered through the UI, a funnel picked step by step, and an experiment created in the UI whose
 * verdict table must say what the API's result says.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { formatMetricValue, warningSentence } from "../../floorplan-ui/src/model/verdict.js";
import type { ExperimentResult, FunnelReport, SalesDays } from "../../floorplan-ui/src/api/types.js";
import { formatCount, formatDateTimeZ, formatRate } from "../../floorplan-ui/src/model/format.js";
import { toLocalInput } from "../../floorplan-ui/src/model/range.js";
import { shot } from "./helpers/browser.js";
import { pagePoint } from "./helpers/plan.js";
import { promoTrips, salesCsv, shopLayoutAfter } from "./helpers/experiment-store.js";
import { withShop } from "./helpers/shop.js";
import { addToken } from "../support/index.js";
import type { Experiment } from "../../floorplan-ui/src/api/types.js";
import { seedStore, type SeededStore } from "./helpers/store.js";

const DAY = 86_400_000;
const WEEK = 7 * DAY;
let lyon: SeededStore;
// The change took effect a week and two hours ago: a whole week fits on either side of it.
const changeAt = Math.floor((Date.now() - WEEK - 2 * 3_600_000) / 60_000) * 60_000;
const before = { from: changeAt - WEEK, to: changeAt };
const after = { from: changeAt, to: changeAt + WEEK };
const sales = salesCsv(before.from, after.to, 60);

const t = withShop({
  // Events of two weeks ago are history here, not rejects.
  server: { maxEventAgeMs: 30 * DAY },
  // The control store beside the shop.
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
const open = (hash: string, viewport = { width: 1366, height: 900 }) => t.open(hash, t.shop.tokens.admin, viewport);

describe("sales", () => {
  it("maps a department to zones and imports a CSV, naming the lines it refused", async () => {
    const page = await open("/sales/shop");
    const departments = page.getByTestId("departments");
    await departments.getByTestId("dept-name").fill("Fashion");
    await departments.getByTestId("dept-add").click();
    const fashion = page.getByTestId("dept-Fashion");
    await fashion.getByRole("button", { name: "Clothing" }).click();
    await fashion.getByRole("button", { name: "Fitting rooms" }).click();
    await page.getByTestId("dept-save").click();
    await expect.poll(() => page.getByTestId("dept-message").textContent()).toContain("Saved 1 department.");
    expect((await t.shop.api.request<{ departments: Record<string, string[]> }>("GET", "/api/v1/stores/shop/departments")).body.departments).toEqual({ Fashion: ["clothing", "fitting"] });

    // Nothing recorded yet (no till feed): every day of the last 14 says "no data", not 0 transactions.
    expect(await page.getByTestId("newest-sale").textContent()).toBe("No sale recorded yet");
    expect(await page.locator("[data-testid=sales-days] tbody tr.no-data").count()).toBe(14);
    expect(await page.locator("[data-testid=sales-days] tbody tr").first().locator("td").nth(2).textContent()).toBe("no data");
    expect(await page.locator("[data-testid=sales-total] td").nth(1).textContent()).toBe("no data");

    await page.getByTestId("sales-file").setInputFiles({ name: "tills-november.csv", mimeType: "text/csv", buffer: Buffer.from(sales.csv) });
    const result = page.getByTestId("sales-result");
    await result.waitFor();
    // The import shows at once in "Recorded sales", day by day as the server counts them, with the newest sale.
    const days = (await t.shop.api.request<SalesDays>("GET", "/api/v1/stores/shop/sales/days?days=14")).body;
    expect(days.days.some((d) => (d.transactions ?? 0) > 0)).toBe(true);
    await expect.poll(() => page.getByTestId("newest-sale").textContent()).toMatch(/^Newest sale /);
    for (const d of days.days) {
      const row = page.locator(`[data-testid=sales-days] tr[data-date="${d.date}"]`);
      // Day, enters, transactions, conversion, sales: "no data" before the first sale recorded, 0 ("none recorded") after it.
      expect(await row.locator("td").nth(2).textContent(), d.date).toBe(d.transactions === null ? "no data" : formatCount(d.transactions));
      expect(await row.getAttribute("class"), d.date).toBe(d.transactions === 0 ? "none" : d.transactions === null ? "no-data" : null);
    }
    expect(await page.getByTestId("sales-accepted").textContent()).toBe(String(sales.good));
    expect(await page.getByTestId("sales-duplicates").textContent()).toBe("1");
    expect(await page.getByTestId("sales-rejected-count").textContent()).toBe("2");
    const rejected = page.getByTestId("sales-rejected").locator("tbody tr");
    expect(await rejected.locator("td:first-child").allTextContents()).toEqual(sales.badLines.map(String));
    expect(await rejected.nth(0).textContent()).toContain("bad amount");
    expect(await rejected.nth(1).textContent()).toContain('unknown department "Garden"');
    await shot(page, "sales-import");

    // The same file again: every good row is already there.
    await page.getByTestId("sales-file").setInputFiles({ name: "tills-november.csv", mimeType: "text/csv", buffer: Buffer.from(sales.csv) });
    await expect.poll(() => page.getByTestId("sales-duplicates").textContent()).toBe(String(sales.good + 1));
    expect(await page.getByTestId("sales-accepted").textContent()).toBe("0");
    await page.close();
  });

  it("shows conversion on the heatmap with the long dwell, low conversion flag", async () => {
    const page = await open(`/heatmap/shop?from=${before.from}&to=${after.to}&metric=conversion`);
    await page.getByTestId("ranking").waitFor();
    await page.getByTestId("store-sales").waitFor();
    const report = (await t.shop.api.request<{ zones: { zone: string; conversion: number | null; longDwellLowConversion: boolean }[] }>("GET", `/api/v1/stores/shop/conversion?from=${before.from}&to=${after.to}`)).body;
    for (const z of report.zones) {
      const row = page.getByTestId(`heat-row-${z.zone}`);
      if (z.conversion !== null) expect(Number(await row.getAttribute("data-value"))).toBeCloseTo(z.conversion, 9);
      expect(await page.getByTestId(`flag-${z.zone}`).count()).toBe(z.longDwellLowConversion ? 1 : 0);
    }
    // The seeded drinks keep shoppers longest and sell least: the server flags them, the plan says so.
    expect(report.zones.find((z) => z.zone === "drinks")?.longDwellLowConversion).toBe(true);
    const flagged = report.zones.filter((z) => z.longDwellLowConversion).length;
    expect(await page.getByTestId("legend-flag").textContent()).toContain(`${flagged} zone`);
    // The entrance and the tills sell nothing themselves: no conversion (grey, "–"), and the legend says why grey.
    expect(report.zones.find((z) => z.zone === "entrance")?.conversion).toBeNull();
    expect(await page.getByTestId("legend").textContent()).toContain("no visits, or a zone that sells nothing itself");
    const at = await pagePoint(page, [12.5, 1.5]);
    await page.mouse.move(at.x, at.y);
    expect(await page.getByTestId("tooltip-flag").textContent()).toContain("Long dwell, low conversion");
    await shot(page, "heatmap-conversion", { fullPage: true });
    await page.close();
  });
});

describe("funnels", () => {
  it("builds a funnel step by step and shows the API's figures, by day", async () => {
    const page = await open(`/funnel/shop?from=${before.from}&to=${after.to}`);
    for (const step of ["entrance", "promo", "checkout"]) await page.getByTestId("funnel-add").selectOption(step);
    await page.getByRole("button", { name: "By day" }).click();
    await page.getByTestId("funnel-chart").waitFor();
    const api = (await t.shop.api.request<FunnelReport>("GET", `/api/v1/stores/shop/funnel?from=${before.from}&to=${after.to}&steps=entrance,promo,checkout&by=day`)).body;
    for (const s of api.steps) expect(Number(await page.getByTestId(`funnel-step-${s.step}`).getAttribute("data-reached"))).toBe(s.reached);
    // Each step's share of every trip in the range (a zone's reach), as the API gives it.
    for (const s of api.steps) expect(await page.getByTestId(`funnel-step-${s.step}`).getByTestId("funnel-of-all").textContent()).toBe(`${formatRate(s.shareOfTrips)} of all trips`);
    expect(api.steps[1]!.reached).toBeGreaterThan(0);
    expect(await page.getByTestId("funnel-drop").first().textContent()).toContain(`−${api.steps[0]!.reached - api.steps[1]!.reached} left`);
    expect(page.url()).toContain("steps=entrance%2Cpromo%2Ccheckout");
    await page.getByTestId("funnel-buckets").waitFor();
    await page.waitForTimeout(400); // the bars' entry animation
    await shot(page, "funnel", { fullPage: true });
    await page.close();
  });
});

describe("experiments", () => {
  it("creates an experiment from two layout versions and shows the API's verdict", async () => {
    const page = await open("/experiments/shop");
    await page.getByTestId("exp-new").click();
    const form = page.getByTestId("experiment-form");
    // The latest change, equal weeks around it, and the zone the change touched.
    await expect.poll(() => page.getByTestId("exp-version").inputValue()).toBe("2");
    await expect.poll(() => form.locator('[data-zone="promo"]').getAttribute("aria-pressed")).toBe("true");
    expect(await page.getByTestId("period-before").textContent()).toContain("1 week");
    // Each field's label reads on one line above it ("From · Europe/Paris"), not the time zone on a line of its own.
    const labelRows = await page.getByTestId("period-before").locator("label").first().evaluate((l) => getComputedStyle(l).gridTemplateRows.split(" ").length);
    expect(labelRows).toBe(2);
    // Named after the store as people know it (its layout's name), not its id.
    expect(await page.getByTestId("exp-name").inputValue()).toBe("Rivoli test shop: layout version 2");
    await page.getByTestId("exp-name").fill("Promo table by the entrance");
    await form.locator('[data-zone="clothing"]').click();
    await form.locator('[data-store="lyon"]').click();
    await shot(page, "experiment-form");
    await page.getByTestId("exp-create").click();
    await page.getByTestId("verdict-table").waitFor();
    const id = new URLSearchParams(page.url().split("?")[1]).get("id")!;
    expect(id).toBeTruthy();

    const res = await t.shop.api.request<ExperimentResult>("GET", `/api/v1/experiments/${id}/result`);
    expect(res.status).toBe(200);
    const result = res.body;
    expect(result.experiment).toMatchObject({ name: "Promo table by the entrance", testStores: ["shop"], controlStores: ["lyon"], before, after, zones: ["promo", "clothing"] });
    const rows = page.getByTestId("verdict-table").locator("tbody tr");
    expect(await rows.count()).toBe(result.zones.reduce((s, z) => s + z.metrics.length, 0));
    for (const z of result.zones) {
      for (const m of z.metrics) {
        const row = page.getByTestId(`verdict-${z.zone}-${m.metric}`);
        const cells = await row.locator("td").allTextContents();
        // An adjusted figure that reads differently as counted has the counted one under it.
        const shown = (side: "before" | "after") => {
          const value = formatMetricValue(m.metric, m[side]);
          const counted = m.adjusted && m.unadjusted ? formatMetricValue(m.metric, m.unadjusted[side]) : value;
          return counted === value ? value : `${value}${counted} as counted`;
        };
        expect(cells[2]).toBe(shown("before"));
        expect(cells[3]).toBe(shown("after"));
        expect(await row.locator(".verdict").getAttribute("data-verdict")).toBe(m.verdict);
        expect(await row.locator(".verdict-text").textContent()).toBe(m.text);
        if (m.warning) expect(await row.textContent()).toContain(warningSentence(m.warning));
        // The figures the verdict sentence reads are those of its column: the change, or the difference in differences.
        if (m.interval) expect(m.text, `${z.zone}/${m.metric}`).toContain(` ${m.did ? cells[5] : cells[4]}`);
      }
    }
    // The seeded truth: more trips reach the moved promo table, net of the control store too.
    const reach = result.zones.find((z) => z.zone === "promo")!.metrics.find((m) => m.metric === "reach")!;
    expect(reach.verdict).toBe("increase");
    // Each warning a sentence of its own (the server words them as clauses).
    expect(result.warnings.length).toBeGreaterThan(0);
    for (const w of result.warnings) expect(await page.getByTestId("exp-warnings").textContent()).toContain(warningSentence(w));
    // Under the table, how to read the verdicts shown: an increase's interval above 0, and "no clear change" is not "no effect".
    const verdicts = new Set(result.zones.flatMap((z) => z.metrics.map((m) => m.verdict)));
    // What is adjusted for the weekday-hour mix, as the result marks it (not "adjusted" for all).
    expect(await page.getByTestId("verdict-hint").textContent()).toBe(
      "Changes with 95 % intervals; reach and visits per trip adjusted for the mix of weekdays and hours (median dwell and conversion are not)",
    );
    const guide = (await page.getByTestId("verdict-guide").textContent()) ?? "";
    expect(guide).toContain("Increase or decrease: the whole 95 % interval lies above or below 0");
    expect(guide.includes("does not show that the layout made no difference")).toBe(verdicts.has("no clear change"));

    // Both plans are drawn, and the export carries the token.
    await page.getByTestId("exp-plan-before").locator("canvas").first().waitFor();
    await page.getByTestId("exp-plan-after").locator("canvas").first().waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("exp-export").click()]);
    const csv = await readFile((await download.path())!, "utf8");
    // With the BOM every export of the UI has, so that Excel reads accented zone names.
    expect(csv.startsWith("\uFEFFzone,")).toBe(true);
    expect(csv.split(/\r?\n/)[0]).toMatch(/^\uFEFFzone,.*metric,before,after,change,.*verdict,text/);
    expect(csv).toContain(reach.text);
    await shot(page, "experiment-result", { fullPage: true });

    // Listed for a viewer, who cannot create one.
    const viewer = await t.open("/experiments/shop", t.shop.tokens.viewer);
    await viewer.getByTestId(`experiment-${id}`).waitFor();
    expect(await viewer.getByTestId("exp-new").count()).toBe(0);
    // The same times in the list and on the experiment's page: the store's (Paris), labelled with its zone.
    const period = await page.getByTestId("exp-period-before").textContent();
    expect(period).toMatch(/\d\d:\d\d CES?T – /);
    await expect.poll(() => viewer.getByTestId(`experiment-${id}`).locator("td").nth(3).textContent()).toBe(period);
    // Its periods are over, so the list says its result is final.
    expect(await viewer.getByTestId(`experiment-${id}`).getByTestId("exp-stage").textContent()).toBe("Over");
    await shot(viewer, "experiment-list");
    await viewer.close();
    await page.close();
  });
});

describe("deleting an experiment", () => {
  const make = async (name: string) => {
    const res = await t.shop.api.request<Experiment>("POST", "/api/v1/experiments", { name, testStores: ["shop"], controlStores: ["lyon"], changeAt, before, after, zones: ["promo"] });
    expect(res.status).toBe(200);
    return res.body.id;
  };
  const listed = async () => (await t.shop.api.request<{ experiments: Experiment[] }>("GET", "/api/v1/experiments")).body.experiments.map((e) => e.id);

  it("asks first, naming the experiment, then drops it from the list; from its result page it goes back to the list", async () => {
    const keep = await make("Kept: promo by the door");
    const mistake = await make("Test run, please ignore");
    const page = await t.open("/experiments/shop", await addToken(t.server.dataDir, "merchandiser"));
    const row = page.getByTestId(`experiment-${mistake}`);
    await row.getByTestId("exp-delete").waitFor();
    // "Keep" changes nothing.
    await row.getByTestId("exp-delete").click();
    expect(await row.getByTestId("exp-delete-confirm").textContent()).toContain("Delete “Test run, please ignore”?");
    await row.getByTestId("exp-delete-no").click();
    expect(await row.getByTestId("exp-delete-confirm").count()).toBe(0);
    expect(await listed()).toContain(mistake);
    // Asked again and confirmed: gone from the list at once, and from the server.
    await row.getByRole("button", { name: "Delete… experiment “Test run, please ignore”" }).click();
    await shot(page, "experiment-delete-confirm");
    await row.getByTestId("exp-delete-yes").click();
    await expect.poll(() => row.count()).toBe(0);
    expect(await page.getByTestId(`experiment-${keep}`).count()).toBe(1);
    expect(await listed()).not.toContain(mistake);
    expect((await t.shop.api.request("GET", `/api/v1/experiments/${mistake}/result`)).status).toBe(404);

    // From an open result: deleted, the page goes back to the list without it.
    await page.evaluate((h) => (window.location.hash = h), `#/experiments/shop?id=${keep}`);
    await page.getByTestId("exp-title").waitFor();
    await page.getByTestId("experiment-result").getByTestId("exp-delete").click();
    expect(await page.getByTestId("exp-delete-confirm").textContent()).toContain("“Kept: promo by the door”");
    await page.getByTestId("exp-delete-yes").click();
    await page.getByTestId("experiment-result").waitFor({ state: "detached" });
    expect(page.url()).not.toContain(`id=${keep}`);
    await expect.poll(() => page.getByTestId(`experiment-${keep}`).count()).toBe(0);
    expect(await listed()).not.toContain(keep);
    await page.close();
  });

  it("shows no Delete control to a viewer", async () => {
    const id = await make("Viewer's view");
    const viewer = await t.open(`/experiments/shop`, t.shop.tokens.viewer);
    await viewer.getByTestId(`experiment-${id}`).locator("a").waitFor();
    expect(await viewer.getByTestId("exp-delete").count()).toBe(0);
    await viewer.evaluate((h) => (window.location.hash = h), `#/experiments/shop?id=${id}`);
    await viewer.getByTestId("exp-title").waitFor();
    expect(await viewer.getByTestId("exp-delete").count()).toBe(0);
    await viewer.close();
  });
});

describe("layout editor: the date a new version takes effect", () => {
  it("warns that a version saved from before a later one is in force only until that one starts", async () => {
    const layout = await t.shop.api.layout("shop");
    const page = await open("/editor/shop");
    await page.getByTestId("store-name").fill("Shop, display moved");
    await page.getByTestId("store-name").press("Enter");
    // The move "was on Monday": a day before the version saved a week ago, which would take over again.
    await page.getByTestId("valid-from").fill(toLocalInput(changeAt - DAY, layout.timezone));
    // Version N has been in force for a week: said in the past tense, not "takes effect later" (session 47's walk-through).
    const since = `Version ${layout.version} has been in force since ${formatDateTimeZ(layout.validFrom, layout.timezone)}, 24 h after the time you typed (${formatDateTimeZ(changeAt - DAY, layout.timezone)}): this version would be in force only in between, in the past, and not now`;
    await expect.poll(() => page.getByTestId("valid-from-superseded").textContent()).toContain(since);
    await shot(page, "editor-valid-from-superseded");
    // From now on it is the current layout: nothing to warn about.
    await page.getByTestId("valid-from").fill(toLocalInput(Date.now(), layout.timezone));
    await expect.poll(() => page.getByTestId("valid-from-superseded").count()).toBe(0);
    await page.close();
  });
});

describe("experiments: a change without a full day after it yet", () => {
  it("says when the experiment can be created, not 'Pick the change first' beside the change picked", async () => {
    // The merchandiser schedules the next move for two hours from now and goes to set up its experiment.
    const layout = await t.shop.api.layout("shop");
    const at = Math.ceil((Date.now() + 2 * 3_600_000) / 60_000) * 60_000;
    const saved = await t.shop.api.putLayout("shop", { ...shopLayoutAfter(at), zones: layout.zones });
    const page = await open("/experiments/shop");
    await page.getByTestId("exp-new").click();
    await expect.poll(() => page.getByTestId("exp-version").inputValue()).toBe(String(saved.version));
    for (const side of ["before", "after"]) expect(await page.getByTestId(`period-${side}`).textContent()).toContain("No full day to compare yet: see below.");
    const checks = page.getByTestId("exp-checks");
    await expect
      .poll(() => checks.textContent())
      .toContain(`Version ${saved.version} takes effect ${formatDateTimeZ(at, layout.timezone)}: a period needs a full day after the change, so this experiment can be created from ${formatDateTimeZ(at + DAY, layout.timezone)}.`);
    expect(await page.getByTestId("exp-create").isDisabled()).toBe(true);
    await shot(page, "experiment-form-not-yet");
    await page.close();
  });
});
