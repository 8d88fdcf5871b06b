/**
 * The Alerts view's rule form on a tablet, in chromium against a real server: an admin adding a
 * rule on a 768×1024 tablet (or at 1024×768) sees every label beside its field. The form had no
 * layout of its own: its labels ran inline, so "Above (%)" broke after "Above" with "(%)" on the next
 * line, and "Name" ended a line with its field at the start of the next one.
 */
import { describe, expect, it } from "vitest";
import { shot } from "./helpers/browser.js";
import { withShop } from "./helpers/shop.js";

const t = withShop();

describe("the rule form on a tablet", () => {
  it.each([
    [768, 1024],
    [1024, 768],
  ])("keeps each label on one line with its field at %ix%i", async (width, height) => {
    const page = await t.open(`/alerts/${t.shop.store}`, t.shop.tokens.admin, { width, height });
    await page.getByTestId("rule-add").click();
    const form = page.getByTestId("rule-form");
    await form.waitFor();
    for (const kind of ["occupancy", "queue-wait"]) {
      await page.getByTestId("rule-kind").selectOption(kind);
      // An inline box split across lines has one client rect per line; one box per label, and its
      // field's middle within the label's own line.
      const labels = await form.locator("label").evaluateAll((els) =>
        els.map((el) => {
          const rects = el.getClientRects();
          const field = el.querySelector("input, select")!.getBoundingClientRect();
          const box = el.getBoundingClientRect();
          const mid = field.top + field.height / 2;
          return { text: (el.textContent ?? "").trim().slice(0, 20), lines: rects.length, fieldInside: mid >= box.top && mid <= box.bottom && field.left >= box.left - 1 && field.right <= box.right + 1 };
        }),
      );
      expect(labels.length).toBe(7);
      for (const l of labels) expect(l, `${kind}: ${l.text}`).toEqual({ text: l.text, lines: 1, fieldInside: true });
      // Nothing wider than the page.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    }
    await shot(page, `alert-form-${width}x${height}`);
    await page.close();
  });
});
