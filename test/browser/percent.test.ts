/**
 * One way to write a percent change on every screen: the same store's enters yesterday against the
 * day before (29 then 30: a fall of 3.33 %) read the same in the Chain view and in the daily digest
 * an admin previews (Admin > Digests), as core's formatRelativeChange writes it: "−3.3 %" (U+2212
 * minus, one decimal below 10 %, a space before "%"). Before, the chain view wrote "−3.3%" and the
 * digest "-3.3 %". (The experiment verdicts write theirs with the same core rule: experiments.test.)
 */
import { describe, expect, it } from "vitest";
import { formatRelativeChange } from "@footfall/core";
import { waitFor } from "../support/index.js";
import { shot } from "./helpers/browser.js";
import { withShop } from "./helpers/shop.js";
import { trips } from "./helpers/store.js";

/** Around noon in Paris (the browser's and the shop's zone), `daysAgo` days before today there. */
const noon = (daysAgo: number) => {
  const [y, m, d] = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(Date.now()).split("-").map(Number);
  return Date.UTC(y!, m! - 1, d! - daysAgo, 11);
};

const t = withShop({
  setup: async ({ server, shop }) => {
    // Three days ago too: the figures begin before the day before, so both periods are compared (not "new", not "partial").
    await shop.publish([...trips(shop.events, noon(1), 3_600_000, 29, 31), ...trips(shop.events, noon(2), 3_600_000, 30, 32), ...trips(shop.events, noon(3), 3_600_000, 10, 33)]);
    const to = Math.ceil(Date.now() / 3_600_000) * 3_600_000;
    await waitFor(
      "every trip stored",
      async () => {
        const res = await fetch(`${server.httpUrl}/api/v1/overview?from=${to - 4 * 86_400_000}&to=${to}`, { headers: { authorization: `Bearer ${shop.tokens.admin}` } });
        const o = (await res.json()) as { stores: { id: string; figures: { enters: number } }[] };
        return o.stores.find((s) => s.id === "shop")?.figures.enters === 69;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
  },
  timeoutMs: 90_000,
});

describe("a percent change", () => {
  it("reads the same in the Chain view and in the digest for the same figure", async () => {
    const expected = formatRelativeChange(29 / 30 - 1);
    expect(expected).toBe("−3.3 %");

    const chain = await t.open("/chain/shop?range=yesterday", t.shop.tokens.viewer);
    const cell = chain.locator('tr[data-store="shop"] td[data-figure="enters"]');
    await cell.waitFor();
    expect(await cell.locator(".v").textContent()).toBe("29");
    const chg = cell.locator(".chg").first();
    expect(await chg.getAttribute("data-change")).toBe("down");
    expect(await chg.textContent()).toMatch(/^▼ −3\.3 % /);
    const chainText = /^▼ (\S+ %) /.exec((await chg.textContent()) ?? "")![1];
    await shot(chain, "percent-chain");

    const admin = await t.open("/admin/shop?tab=digests", t.shop.tokens.admin);
    await admin.getByTestId("digest-form").waitFor();
    await admin.getByLabel("How often").selectOption("daily");
    await admin.getByLabel("Recipients").fill("manager@shop.example");
    await admin.getByRole("button", { name: "Schedule" }).click();
    const row = admin.locator('[data-testid^="digest-shop-daily-"]');
    await row.waitFor();
    await row.getByRole("button", { name: "Preview" }).click();
    const preview = admin.getByTestId("digest-preview");
    await preview.waitFor();
    const text = (await preview.locator("pre").textContent()) ?? "";
    const digestText = /^Enters\s+29\s+the day before: 30 \((.+)\)$/m.exec(text)?.[1];
    expect(digestText, text).toBe(expected);
    expect(chainText).toBe(digestText);
    // The subject (the preview's heading) says the same.
    expect(await preview.getByRole("heading").textContent()).toMatch(/: 29 enters \(−3\.3 %\)$/);
    await shot(admin, "percent-digest-preview", { fullPage: true });
  });
});
