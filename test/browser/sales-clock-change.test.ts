/**
 * A till export with sales in the night the clocks went back (02:30 came twice) and the night they went forward (no
 * 02:30), dropped on the Sales page in Debian's chromium against a real `footfall serve`: the sales are imported and
 * the page lists, by line, how each such time was read, in the server's words.
 */
import { describe, expect, it } from "vitest";
import { withShop } from "./helpers/shop.js";

// The shop is in Europe/Paris: on 26 Oct 2025 03:00 CEST became 02:00 CET; on 30 Mar 2025 02:00 CET became 03:00 CEST.
const csv = ["timestamp,zone,amount,transaction", "2025-10-26 02:30,fruit,12.50,dst1", "2025-03-30 02:30,bakery,3.20,dst2", "2025-10-26 04:00,fruit,1,dst3"].join("\r\n");

const t = withShop();

describe("a sales file with times at the clock changes", () => {
  it("imports them and lists by line how the repeated and the skipped time were read, as the API says", async () => {
    const page = await t.open("/sales/shop", t.shop.tokens.admin);
    await page.getByTestId("sales-file").setInputFiles({ name: "tills-2025.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByTestId("sales-result").waitFor();
    expect(await page.getByTestId("sales-accepted").textContent()).toBe("3");
    expect(await page.getByTestId("sales-result").locator(".alert").textContent()).toContain("2 times at a clock change read as said below");
    const rows = page.getByTestId("sales-warnings").locator("tbody tr");
    expect(await rows.locator("td:first-child").allTextContents()).toEqual(["2", "3"]);
    // The same sales as JSON through the API: already there, with the same warnings the page showed.
    const sales = [
      { ts: "2025-10-26 02:30", zone: "fruit", amount: 12.5, transaction: "dst1" },
      { ts: "2025-03-30 02:30", zone: "bakery", amount: 3.2, transaction: "dst2" },
      { ts: "2025-10-26 04:00", zone: "fruit", amount: 1, transaction: "dst3" },
    ];
    const again = (await t.shop.api.request<{ duplicates: number; warnings: { line: number; warning: string }[] }>("POST", "/api/v1/stores/shop/sales", { sales })).body;
    expect(again.duplicates).toBe(3);
    expect(await rows.locator("td:nth-child(2)").allTextContents()).toEqual(again.warnings.map((w) => w.warning));
    expect(again.warnings[0]!.warning).toContain("read as the second, 2025-10-26T02:30:00+01:00, after the change; for the first, give the offset: 2025-10-26T02:30:00+02:00");
    expect(again.warnings[1]!.warning).toContain("read as that much later, 2025-03-30T03:30:00+02:00");
  });
});
