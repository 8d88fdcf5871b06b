/**
 * The heatmap over a range whose zones a later layout removed: the note under it names them as
 * the merchandiser named them, not by the ids the agents report.
 */
import { describe, expect, it } from "vitest";
import { withShop } from "./helpers/shop.js";
import { shopLayout, trips } from "./helpers/store.js";

// Trips 30 to 28 hours ago, on version 1.
const from = Date.now() - 30 * 3_600_000;
const t = withShop({ setup: (t) => t.shop.publish(trips(t.shop.events, from, 2 * 3_600_000, 120)) });

describe("heatmap: zones a later layout removed", () => {
  it("names them by their names on the layout they were on", async () => {
    const range = { from: from - 3_600_000, to: Date.now() };
    await expect.poll(async () => (await t.shop.api.dwell("shop", range)).zones.find((z) => z.zone === "fitting")?.visits ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
    // A refit from an hour ago drops two zones.
    const refit = shopLayout();
    await t.shop.api.putLayout("shop", { ...refit, validFrom: Date.now() - 3_600_000, zones: refit.zones.filter((z) => z.id !== "fruit" && z.id !== "fitting") });
    const page = await t.open("/heatmap/shop?range=last7", t.shop.tokens.viewer);
    const note = page.locator(".alert.warn", { hasText: "not on the layout valid at its end" });
    await note.waitFor();
    await expect.poll(async () => /not on the layout valid at its end: (.*)\.$/.exec((await note.textContent()) ?? "")?.[1]?.split(", ").sort()).toEqual(["Fitting rooms", "Fruit & veg"]);
    await page.close();
  });
});
