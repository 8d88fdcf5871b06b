/**
 * The hourly traffic chart shades the hours the store is closed, each whole hour of them. The
 * shading ran from the middle of the first closed hour's bar to the middle of the last's: half of
 * each end hour was left out, and a lone closed hour (23:00 after a 22:30 closing) was not shaded
 * at all, so the chart read as open then. Read from the chart's canvas pixels.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { shot } from "./helpers/browser.js";
import { withShop } from "./helpers/shop.js";
import { putDailyHours } from "./helpers/store.js";

const t = withShop({
  setup: async (t) => {
    await putDailyHours(t.shop, "08:00", "22:30");
    // An enter an hour from 10:00 to 20:00 (Paris) over the last two days, so yesterday has figures and the hours sampled no bar.
    const now = Date.now();
    const hourOf = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", hourCycle: "h23" });
    const at = Array.from({ length: 48 }, (_, i) => now - 47 * 3_600_000 + i * 3_600_000).filter((ts) => Number(hourOf.format(ts)) >= 10 && Number(hourOf.format(ts)) <= 20);
    await t.shop.publish(at.flatMap((ts, i) => t.shop.events.visit(`e${i}`, "entrance", ts, 10_000)));
  },
});

/**
 * Whether hour `slot`'s band is shaded at `part` of its width (near an edge: away from its bar),
 * read at 7 heights down the plot; the majority decides (a split line may cross one of them).
 */
function shadedAt(page: Page, slot: number, part: number) {
  return page.getByTestId("traffic-chart").evaluate(
    (el, [slot, part]) => {
      const canvas = el.querySelector("canvas")!;
      const box = canvas.getBoundingClientRect();
      const scale = canvas.width / box.width;
      // The chart's grid: 44 px left, 12 right, 16 top, 28 bottom (TrafficCharts), 24 hourly bands.
      const x = 44 + (slot + part) * ((box.width - 44 - 12) / 24);
      const ctx = canvas.getContext("2d")!;
      let votes = 0;
      for (let k = 0; k < 7; k++) {
        const y = 30 + k * 23;
        const [r, g, b, a] = ctx.getImageData(Math.round(x * scale), Math.round(y * scale), 1, 1).data;
        // The canvas is transparent: the shading is rgba(100, 116, 139, 0.12) itself; nothing (alpha 0), split lines and bars are opaque.
        if (a! >= 20 && a! <= 45 && Math.abs(r! - 100) <= 8 && Math.abs(g! - 116) <= 8 && Math.abs(b! - 139) <= 8) votes++;
      }
      return votes >= 4;
    },
    [slot, part] as const,
  );
}

describe("the hourly traffic chart's closed hours", () => {
  it("shades the whole of every closed hour: 00:00-08:00 and the lone 23:00 after a 22:30 closing, not 22:00", async () => {
    const page = await t.open(`/heatmap/${t.shop.store}?range=yesterday`, t.shop.tokens.viewer);
    const closed = page.getByTestId("traffic-closed");
    await closed.waitFor({ timeout: 15_000 });
    expect(await closed.getAttribute("data-hours")).toBe("9");
    await page.getByTestId("traffic-chart").scrollIntoViewIfNeeded();
    await page.waitForTimeout(1_000); // the chart's first draw
    const seen = {
      "00:00 start": await shadedAt(page, 0, 0.1),
      "07:00 end": await shadedAt(page, 7, 0.9),
      "23:00": await shadedAt(page, 23, 0.1),
      "08:00 (open)": await shadedAt(page, 8, 0.1),
      "22:00 (open till 22:30)": await shadedAt(page, 22, 0.1),
    };
    await shot(page, "traffic-closed-hours");
    expect(seen).toEqual({ "00:00 start": true, "07:00 end": true, "23:00": true, "08:00 (open)": false, "22:00 (open till 22:30)": false });
    await page.close();
  });
});
