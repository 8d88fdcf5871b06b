/**
 * A department's sale split between its zones (1/n transaction each) as the report shows it in
 * Debian's chromium against a real `footfall serve`: a zone with a third of a sale reads 0.3
 * transactions beside its conversion, the API's figure, not a 0 that contradicts the conversion.
 */
import { describe, expect, it } from "vitest";
import type { ConversionReport } from "../../floorplan-ui/src/api/types.js";
import { formatRate } from "../../floorplan-ui/src/model/format.js";
import { trips } from "./helpers/store.js";
import { withShop } from "./helpers/shop.js";

const HOUR = 3_600_000;
const from = Date.now() - 30 * HOUR;

const t = withShop({
  setup: async ({ shop }) => {
    await shop.publish(trips(shop.events, from, 20 * HOUR, 120));
    await shop.api.request("PUT", "/api/v1/stores/shop/departments", { departments: { Fresh: ["fruit", "bakery", "promo"] } });
    // Four sales of the department (each a third to each of its zones) and one of the drinks.
    const sales = [1, 2, 3, 4].map((i) => ({ ts: from + i * HOUR, department: "Fresh", amount: 30, transaction: `f${i}` }));
    const res = await shop.api.request<{ accepted: number }>("POST", "/api/v1/stores/shop/sales", { sales: [...sales, { ts: from + HOUR, zone: "drinks", amount: 5, transaction: "d1" }] });
    expect(res.body.accepted).toBe(5);
  },
});

describe("a department's sales split between its zones", () => {
  it("read in the report's zones as the API gives them: 1.3 transactions, not 1", async () => {
    const page = await t.open("/report/shop?range=last7", t.shop.tokens.viewer);
    const rangeLine = page.locator('[data-testid="report-range"][data-from]');
    await rangeLine.waitFor({ state: "attached" });
    const range = { from: Number(await rangeLine.getAttribute("data-from")), to: Number(await rangeLine.getAttribute("data-to")) };
    // Every trip stored before the report is read (the publish is acknowledged, the commit may follow).
    await expect.poll(async () => (await t.shop.api.request<{ trips: number }>("GET", `/api/v1/stores/shop/paths?from=${range.from}&to=${range.to}`)).body.trips, { timeout: 20_000 }).toBe(120);
    await page.reload();
    const conversion = (await t.shop.api.request<ConversionReport>("GET", `/api/v1/stores/shop/conversion?from=${range.from}&to=${range.to}`)).body;
    const fruit = conversion.zones.find((z) => z.zone === "fruit")!;
    expect(fruit.transactions).toBeCloseTo(4 / 3, 5);
    const row = page.locator('[data-testid="report-zones"] tr[data-zone="fruit"]');
    await row.waitFor();
    const cells = await row.locator("td").allTextContents();
    // Zone, visits, visitors, median dwell, transactions, conversion.
    expect(cells[4]).toBe("1.3");
    expect(cells[5]).toBe(formatRate(fruit.conversion));
    const drinks = await page.locator('[data-testid="report-zones"] tr[data-zone="drinks"] td').allTextContents();
    expect(drinks[4]).toBe("1");
  }, 60_000);
});
