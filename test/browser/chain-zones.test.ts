/**
 * The Chain view's days are the browser's (Paris here); a store in Chicago counts its own days. A
 * click on the Chicago store's row must open it on the hours the row counted, so that its heatmap
 * shows the row's enters, not those of Chicago's own "yesterday" (Paris's yesterday runs from 17:00
 * to 17:00 in Chicago).
 */
import { describe, expect, it } from "vitest";
import { waitFor } from "../support/index.js";
import { shot } from "./helpers/browser.js";
import { withShop } from "./helpers/shop.js";
import { seedStore, shopLayout, trips, type SeededStore } from "./helpers/store.js";

const HOUR = 3_600_000;
let chicago: SeededStore;

/** `hour`:00 in Paris on the day `daysAgo` days before today there. */
const parisAt = (daysAgo: number, hour: number) => {
  const [y, m, d] = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(Date.now()).split("-").map(Number);
  const guess = Date.UTC(y!, m! - 1, d! - daysAgo, hour);
  const offset = Number(new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", hourCycle: "h23" }).format(guess)) - hour;
  return guess - ((offset + 24) % 24) * HOUR;
};

const t = withShop({
  setup: async ({ server }) => {
    chicago = await seedStore(server, "chicago");
    await chicago.api.putLayout("chicago", { ...shopLayout(), name: "Chicago", timezone: "America/Chicago" });
    // Paris's yesterday: 7 trips at 03:00 (Chicago's day before, 20:00) and 5 at 12:00 (Chicago's 05:00).
    await chicago.publish([...trips(chicago.events, parisAt(1, 3), HOUR / 2, 7, 1), ...trips(chicago.events, parisAt(1, 12), HOUR / 2, 5, 2)]);
    await waitFor(
      "every trip stored",
      async () => {
        const res = await fetch(`${server.httpUrl}/api/v1/overview?from=${parisAt(1, 0)}&to=${parisAt(0, 0)}`, { headers: { authorization: `Bearer ${chicago.tokens.admin}` } });
        const o = (await res.json()) as { stores: { id: string; timezone: string; figures: { enters: number } }[] };
        const row = o.stores.find((s) => s.id === "chicago");
        return row?.timezone === "America/Chicago" && row.figures.enters === 12;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
  },
  teardown: async () => {
    await chicago?.close();
  },
  timeoutMs: 90_000,
});

describe("a store in another time zone, opened from the chain", () => {
  it("shows the enters its row showed, over the row's hours, said with their times", async () => {
    const page = await t.open("/chain?range=yesterday", t.shop.tokens.viewer);
    const row = page.locator('tr[data-store="chicago"]');
    expect(await row.locator('[data-figure="enters"]').innerText()).toMatch(/^12\b/);
    await row.click();
    await page.waitForURL(/#\/heatmap\/chicago\?/);
    expect(new URL(page.url().replace("#/", "")).searchParams.get("from")).toBe(String(parisAt(1, 0)));
    const total = page.getByTestId("traffic-total");
    await page.waitForFunction(() => document.querySelector('[data-testid="traffic-total"]')?.getAttribute("data-total"));
    expect(await total.getAttribute("data-total")).toBe("12");
    // The heading says the hours in Chicago's time, not a bare date that reads as Chicago's whole day.
    const chicagoTime = new Intl.DateTimeFormat("en-GB", { timeZone: "America/Chicago", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(parisAt(1, 0)); // 17:00 (18:00 while only the US is on summer time)
    const label = await page.getByTestId("range-label").innerText();
    expect(label).toContain(`, ${chicagoTime} – `);
    expect(label).toMatch(new RegExp(`^\\w{3}, \\d+ \\w{3} \\d{4}, ${chicagoTime} – \\w{3}, \\d+ \\w{3} \\d{4}, ${chicagoTime} · times in America/Chicago`));
    await shot(page, "chain-zones-heatmap");
    await page.close();
  });
});
