/**
 * CSV exports of Flows and Funnels in Debian's chromium against a real `footfall serve`: each
 * download is read as a spreadsheet would (BOM, RFC 4180) and agrees with what the view shows
 * and with the API, every row carrying the range.
 */
import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { formatShare } from "@footfall/core";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { withShop } from "./helpers/shop.js";
import { shot } from "./helpers/browser.js";
import { shopLayout, trips } from "./helpers/store.js";

const from = Math.floor((Date.now() - 3 * 3_600_000) / 60_000) * 60_000;
const to = from + 2 * 3_600_000 + 30 * 60_000;
const names = new Map(shopLayout().zones.map((z) => [z.id as string, z.name]));

const t = withShop({
  setup: async (t) => {
    await t.shop.publish(trips(t.shop.events, from, 2 * 3_600_000, 150));
  },
});

/** Click an export button and read the file as a spreadsheet would. */
async function download(page: Page, testId: string): Promise<{ name: string; rows: Record<string, string>[]; raw: string }> {
  const [d] = await Promise.all([page.waitForEvent("download"), page.getByTestId(testId).click()]);
  const raw = await readFile((await d.path())!, "utf8");
  expect(raw.charCodeAt(0), "a BOM for Excel").toBe(0xfeff);
  return { name: d.suggestedFilename(), rows: parse(raw.slice(1), { columns: true }) as Record<string, string>[], raw };
}

describe("Flows exports", () => {
  it("the paths CSV lists what the top-paths list shows, then every other path, with the share of all trips; the moves CSV the arrows' table", async () => {
    const report = await t.shop.api.paths(t.shop.store, { from, to }, 1000);
    const page = await t.open(`/flows/shop?from=${from}&to=${to}`, t.shop.tokens.viewer);
    const list = page.getByTestId("top-paths");
    await list.waitFor();
    const shown = await list
      .locator("li")
      .evaluateAll((lis) =>
        lis.map((li) => ({
          path: [...li.querySelectorAll(".step")].map((s) => s.textContent).join(" > "),
          count: Number(li.querySelector("b")!.textContent!.replace(/,/g, "")),
        })),
      );
    const paths = await download(page, "export-paths");
    expect(paths.name).toMatch(/^footfall-shop-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}-paths\.csv$/);
    expect(paths.rows.slice(0, shown.length).map((r) => ({ path: r.path, count: Number(r.trips) }))).toEqual(shown);
    expect(paths.rows).toHaveLength(report.paths.length);
    expect(paths.rows.reduce((s, r) => s + Number(r.trips), 0)).toBe(report.paths.reduce((s, p) => s + p.count, 0));
    const trips = Number(await page.getByTestId("paths-trips").getAttribute("data-trips"));
    for (const r of paths.rows) {
      expect(Number(r.all_trips)).toBe(trips);
      expect(Number(r.share_of_all_trips)).toBeCloseTo(Number(r.trips) / trips, 3);
      expect(r.range_from!.slice(0, 16)).toBe(new Date(from).toLocaleString("sv-SE", { timeZone: "Europe/Paris" }).replace(" ", "T").slice(0, 16));
    }

    const table = await page
      .getByTestId("transitions-table")
      .locator("tbody tr")
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
    const moves = await download(page, "export-moves");
    expect(moves.rows.slice(0, table.length).map((r) => [r.from_name, r.to_name, Number(r.moves).toLocaleString("en")])).toEqual(table);
    const apiMoves = report.transitions.filter((t) => t.from !== t.to);
    expect(moves.rows).toHaveLength(apiMoves.length);
    expect(new Set(moves.rows.map((r) => `${r.from_zone}>${r.to_zone}=${r.moves}`))).toEqual(new Set(apiMoves.map((t) => `${t.from}>${t.to}=${t.count}`)));
    expect(moves.rows.every((r) => names.get(r.from_zone!) === r.from_name)).toBe(true);
    await page.close();
  });
});

describe("Funnels exports", () => {
  it("the funnel CSV has the steps as the bars show them; by hour, one row per hour whose counts are the API's", async () => {
    const steps = ["promo", "checkout"];
    const page = await t.open(`/funnel/shop?from=${from}&to=${to}&steps=${steps.join(",")}`, t.shop.tokens.viewer);
    await page.getByTestId("funnel-chart").waitFor();
    const bars = await Promise.all(steps.map(async (s) => Number(await page.getByTestId(`funnel-step-${s}`).getAttribute("data-reached"))));
    expect(bars[0]).toBeGreaterThan(0);
    const whole = await download(page, "export-funnel");
    expect(whole.name).toMatch(/-funnel\.csv$/);
    expect(whole.rows.map((r) => [r.step, r.name, Number(r.reached)])).toEqual(steps.map((s, i) => [s, names.get(s), bars[i]]));
    expect(Number(whole.rows[1]!.left_before)).toBe(bars[0]! - bars[1]!);
    expect(Number(whole.rows[1]!.share_of_first)).toBeCloseTo(bars[1]! / bars[0]!, 3);
    // Each bar's "N % of all trips", as the page writes it.
    const ofAll = await page.getByTestId("funnel-of-all").allTextContents();
    expect(ofAll).toHaveLength(steps.length);
    expect(whole.rows.map((r) => `${formatShare(Number(r.share_of_all_trips))} of all trips`)).toEqual(ofAll);

    await page.getByRole("button", { name: "By hour" }).click();
    await page.waitForFunction(() => location.hash.includes("by=hour"));
    const api = await t.shop.api.request<{ buckets: { start: string; steps: { step: string; reached: number }[] }[] }>(
      "GET",
      `/api/v1/stores/shop/funnel?from=${from}&to=${to}&steps=${steps.join(",")}&by=hour`,
    );
    expect(api.status).toBe(200);
    const hourly = await download(page, "export-funnel");
    expect(hourly.name).toMatch(/-funnel-by-hour\.csv$/);
    expect(Object.keys(hourly.rows[0]!)).toEqual(["range_from", "range_to", "hour_start", "hour_end", "1. Promo", "2. Checkout", "completion", "not_counted_hours"]);
    expect(hourly.rows.map((r) => [Date.parse(r.hour_start!), Number(r["1. Promo"]), Number(r["2. Checkout"])])).toEqual(
      api.body.buckets.map((b) => [Date.parse(b.start), b.steps[0]!.reached, b.steps[1]!.reached]),
    );
    for (const r of hourly.rows) expect(Date.parse(r.hour_end!) - Date.parse(r.hour_start!)).toBeLessThanOrEqual(3_600_000);
    await shot(page, "funnel-by-hour");
    await page.close();
  });
});

describe("Funnels exports before the store's first figures", () => {
  it("leave the hours before the figures begin empty (no data), not 0 trips, and give the API's counts from then on", async () => {
    const steps = ["promo", "checkout"];
    const earlier = from - 6 * 3_600_000; // the shop's figures begin at `from`
    const page = await t.open(`/funnel/shop?from=${earlier}&to=${to}&steps=${steps.join(",")}&by=hour`, t.shop.tokens.viewer);
    await page.getByTestId("funnel-chart").waitFor();
    await page.waitForFunction(() => location.hash.includes("by=hour"));
    const api = await t.shop.api.request<{ buckets: { start: string; steps: { step: string; reached: number }[] }[] }>(
      "GET",
      `/api/v1/stores/shop/funnel?from=${earlier}&to=${to}&steps=${steps.join(",")}&by=hour`,
    );
    const hourly = await download(page, "export-funnel");
    expect(hourly.rows).toHaveLength(api.body.buckets.length);
    // When the figures begin, as every view reads it: the first hour with an enter.
    const traffic = await t.shop.api.traffic(t.shop.store, { from: earlier, to }, "hour");
    const firstHour = Math.min(...traffic.buckets.filter((b) => b.enters > 0 || Object.values(b.zones).some((n) => n > 0)).map((b) => Date.parse(b.start)));
    expect(firstHour).toBeGreaterThanOrEqual(from - 3_600_000);
    const before = hourly.rows.filter((r) => Date.parse(r.hour_end!) <= firstHour);
    expect(before.length).toBeGreaterThanOrEqual(5);
    for (const r of before) expect([r["1. Promo"], r["2. Checkout"], r.completion]).toEqual(["", "", ""]);
    const after = hourly.rows.slice(before.length);
    expect(after.map((r) => [Number(r["1. Promo"]), Number(r["2. Checkout"])])).toEqual(api.body.buckets.slice(before.length).map((b) => [b.steps[0]!.reached, b.steps[1]!.reached]));
    expect(after.every((r) => r["1. Promo"] !== "")).toBe(true);
    await page.close();
  });
});

describe("Heatmap's hour × weekday grid export", () => {
  it("has the grid's cells as its table shows them, empty where it says no data", async () => {
    const page = await t.open(`/heatmap/shop?from=${from}&to=${to}`, t.shop.tokens.viewer);
    await page.getByTestId("week-grid").waitFor();
    const table = await page
      .getByTestId("week-grid-table")
      .locator("tbody tr")
      .evaluateAll((trs) => trs.map((tr) => [tr.querySelector("th")!.textContent, ...[...tr.querySelectorAll("td")].map((td) => td.textContent)]));
    const grid = await download(page, "export-week-grid");
    expect(grid.name).toMatch(/-enters-by-weekday-hour\.csv$/);
    const hours = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, "0")}:00`);
    expect(grid.rows.map((r) => [r.weekday, ...hours.map((h) => (r[h] === "" ? "no data" : Number(r[h]).toLocaleString("en")))])).toEqual(table);
    expect(grid.rows.some((r) => hours.some((h) => Number(r[h]) > 0))).toBe(true);
    await page.close();
  });
});

describe("Heatmap's traffic export", () => {
  it("gives every row the range, as the other exports do, and the hours the chart's table shows, summing to its total", async () => {
    const page = await t.open(`/heatmap/shop?from=${from}&to=${to}`, t.shop.tokens.viewer);
    await page.getByTestId("traffic-chart").waitFor();
    const total = Number(await page.getByTestId("traffic-total").getAttribute("data-total"));
    expect(total).toBeGreaterThan(0);
    const shown = await page.getByTestId("traffic-table").locator("tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-value")));
    const csv = await download(page, "export-traffic");
    expect(csv.name).toMatch(/-enters-by-hour\.csv$/);
    expect(Object.keys(csv.rows[0]!)).toEqual(["range_from", "range_to", "hour_start", "hour_end", "store_enters", "not_counted_hours"]);
    expect(csv.rows.map((r) => r.store_enters)).toEqual(shown);
    // Its entrance counted in every hour: no hour not counted, the column empty.
    expect(csv.rows.filter((r) => r.not_counted_hours !== "")).toEqual([]);
    expect(csv.rows.reduce((s, r) => s + Number(r.store_enters), 0)).toBe(total);
    for (const r of csv.rows) expect([Date.parse(r.range_from!), Date.parse(r.range_to!)]).toEqual([from, to]);
    await page.close();
  });
});

describe("Heatmap's CSV with sales", () => {
  it("writes money to the cent, conversion to 4 decimals, dwell to 1 and counts whole, agreeing with the API and the ranking", async () => {
    // Till amounts whose sums are not exact in binary (0.1 + 0.2), in two zones, inside the range.
    const amounts = { fruit: [0.1, 0.2, 12.34, 7.77], bakery: [19.99, 3.5, 2.05] };
    const sales = Object.entries(amounts).flatMap(([zone, list]) =>
      list.map((amount, i) => ({ ts: from + 3_600_000 + i * 60_000, zone, amount, items: 1, transaction: `csv-${zone}-${i}` })),
    );
    const imported = await t.shop.api.request<{ accepted: number }>("POST", `/api/v1/stores/${t.shop.store}/sales`, { sales });
    expect(imported.body.accepted).toBe(sales.length);
    type Conv = { zones: { zone: string; visits: number; transactions: number; sales: number; conversion: number | null; salesPerVisit: number | null }[] };
    const api = (await t.shop.api.request<Conv>("GET", `/api/v1/stores/${t.shop.store}/conversion?from=${from}&to=${to}`)).body;

    const page = await t.open(`/heatmap/shop?from=${from}&to=${to}&metric=salesPerVisit`, t.shop.tokens.viewer);
    const row = page.getByTestId("heat-row-fruit");
    await expect.poll(() => row.getAttribute("data-value")).not.toBe("");
    const csv = await download(page, "export-csv");
    expect(csv.name).toMatch(/-salesPerVisit\.csv$/);
    const dwell = await t.shop.api.dwell(t.shop.store, { from, to });
    for (const zone of ["fruit", "bakery"]) {
      const r = csv.rows.find((x) => x.zone === zone)!;
      const c = api.zones.find((z) => z.zone === zone)!;
      // Money as the till has it: two decimals, the API's amount to the cent (not "20.410").
      expect(r.sales).toMatch(/^\d+\.\d{2}$/);
      expect(r.sales).toBe(c.sales.toFixed(2));
      expect(r.sales_per_visit).toBe(c.salesPerVisit!.toFixed(2));
      // ...and the figure the ranking shows.
      expect(await page.getByTestId(`heat-row-${zone}`).locator(".heat-value").textContent()).toBe(Number(r.sales_per_visit).toLocaleString("en", { minimumFractionDigits: 2 }));
      expect(r.conversion).toMatch(/^\d\.\d{4}$/);
      expect(Math.abs(Number(r.conversion) - c.conversion!)).toBeLessThanOrEqual(0.00005);
      // A zone's transactions are its share of department sales, to one decimal as the zone panel shows them (bf253a6).
      expect(r.transactions).toBe(c.transactions.toFixed(1));
      const d = dwell.zones.find((z) => z.zone === zone)!;
      expect(r.visits).toBe(String(d.visits));
      for (const k of ["dwell_mean_s", "dwell_median_s", "dwell_p90_s"] as const) expect(r[k]).toMatch(/^\d+\.\d$/);
      expect(Math.abs(Number(r.dwell_median_s) - d.dwell_s!.median)).toBeLessThanOrEqual(0.05);
    }
    expect(csv.rows.reduce((s, r) => s + Math.round(Number(r.sales) * 100), 0)).toBe(Math.round([...amounts.fruit, ...amounts.bakery].reduce((a, b) => a + b, 0) * 100));
    await page.close();
  });
});
