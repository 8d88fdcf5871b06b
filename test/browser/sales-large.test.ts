/**
 * A till export larger than one import takes (the server's 5 MiB), dropped on the Sales page in
 * Debian's chromium against a real `footfall serve`: the page sends it in parts of whole records
 * and shows one answer for the file, its rejected lines numbered as the file's; the same file again
 * doubles nothing.
 */
import { describe, expect, it } from "vitest";
import type { SalesDays } from "../../floorplan-ui/src/api/types.js";
import { formatCount } from "../../floorplan-ui/src/model/format.js";
import { withShop } from "./helpers/shop.js";

const ROWS = 130_000;
// A French spreadsheet's export: BOM, ";", CRLF, decimal commas; one unknown zone early and one late.
const now = Date.now();
const lines = ["\uFEFFtimestamp;zone;amount;items;transaction"];
for (let i = 0; i < ROWS; i++) {
  const zone = i === 1 || i === ROWS - 2 ? "toys" : ["fruit", "bakery", "promo", "drinks"][i % 4];
  lines.push(`${new Date(now - 3_600_000 - i * 1_000).toISOString()};${zone};${5 + (i % 50)},${String(i % 100).padStart(2, "0")};1;L${i}`);
}
const csv = `${lines.join("\r\n")}\r\n`;
// Lines as the file numbers them (the header is line 1): row i is line i + 2.
const BAD_LINES = [3, ROWS];

const t = withShop();

describe("a large sales file", () => {
  it("is imported whole in parts, its rejected lines named by the file's line, and a second import doubles nothing", async () => {
    expect(Buffer.byteLength(csv)).toBeGreaterThan(5 * 1024 * 1024);
    const page = await t.open("/sales/shop", t.shop.tokens.admin);
    const recorded = async () => (await t.shop.api.request<SalesDays>("GET", "/api/v1/stores/shop/sales/days?days=14")).body.days.reduce((s, d) => s + (d.transactions ?? 0), 0);

    const importFile = async () => {
      await page.getByTestId("sales-file").setInputFiles({ name: "caisses-decembre.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
      // The answer, or the error that says why there is none (the old page sent the file in one request: 413).
      const outcome = page.locator("[data-testid=sales-result], [data-testid=sales-error]").first();
      await outcome.waitFor({ timeout: 60_000 });
      const error = page.getByTestId("sales-error");
      expect((await error.count()) ? await error.textContent() : null).toBeNull();
      return {
        accepted: await page.getByTestId("sales-accepted").textContent(),
        duplicates: await page.getByTestId("sales-duplicates").textContent(),
        rejected: await page.getByTestId("sales-rejected-count").textContent(),
        lines: await page.getByTestId("sales-rejected").locator("tbody tr td:first-child").allTextContents(),
        reasons: await page.getByTestId("sales-rejected").locator("tbody tr td:nth-child(2)").allTextContents(),
      };
    };

    const first = await importFile();
    expect(first).toMatchObject({ accepted: formatCount(ROWS - 2), duplicates: "0", rejected: "2", lines: BAD_LINES.map(String) });
    expect(first.reasons.every((r) => r.startsWith('unknown zone "toys"'))).toBe(true);
    expect(await recorded()).toBe(ROWS - 2);
    // The recorded days' total on the page is the server's.
    await expect.poll(async () => page.getByTestId("sales-total").locator("td").nth(1).textContent(), { timeout: 20_000 }).toBe(formatCount(ROWS - 2));

    // The same file again (last night's export sent twice): every sale already there, the same lines refused.
    await page.reload();
    const again = await importFile();
    expect(again).toMatchObject({ accepted: "0", duplicates: formatCount(ROWS - 2), rejected: "2", lines: BAD_LINES.map(String) });
    expect(await recorded()).toBe(ROWS - 2);
  }, 180_000);
});
