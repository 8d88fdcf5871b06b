/**
 * The Tokens and Agents tables on a 768×1024 tablet, in chromium against a real server: their last
 * column holds the row's actions (Revoke…, Rename… stays in its cell; New password, Revoke… of an
 * agent). The tables are wider than the tablet and scrolled sideways inside their card, so those
 * buttons were off-screen to the right until the admin swiped the table. Now the action column stays
 * at the card's right edge while the rest scrolls under it: every row's buttons are on screen, on
 * top (not covered by another cell), and a click where they show acts, without a swipe.
 */
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { shot } from "./helpers/browser.js";
import { withShop } from "./helpers/shop.js";

const t = withShop({ server: { httpPort: 20410, mqttPort: 20411, metricsPort: 20412 } });

/** Where each of `buttons` shows: inside the viewport, and the element on top at its middle is the button itself (or inside it). */
async function reachable(page: Page, buttons: Locator): Promise<{ text: string; onScreen: boolean; onTop: boolean }[]> {
  return buttons.evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      const [x, y] = [r.left + r.width / 2, r.top + r.height / 2];
      const top = document.elementFromPoint(x, y);
      return { text: (el.textContent ?? "").trim(), onScreen: r.left >= 0 && r.right <= window.innerWidth && r.width > 0, onTop: top !== null && el.contains(top) };
    }),
  );
}

describe("the admin tables' actions on a tablet", () => {
  const size = { width: 768, height: 1024 };

  it("shows each token's Revoke… on screen, and a click there asks to revoke it, without a swipe", async () => {
    const page = await t.open(`/admin/${t.shop.store}?tab=tokens`, t.shop.tokens.admin, size);
    const table = page.getByTestId("tokens-table");
    await table.waitFor();
    // Wider than the tablet: it does scroll sideways (the other columns), which is what hid the buttons.
    expect(await table.evaluate((el) => el.scrollWidth > el.parentElement!.clientWidth)).toBe(true);
    const revoke = table.getByRole("button", { name: "Revoke…" });
    expect(await revoke.count()).toBeGreaterThanOrEqual(3);
    for (const b of await reachable(page, revoke)) expect(b).toEqual({ text: "Revoke…", onScreen: true, onTop: true });
    await shot(page, "admin-tokens-768x1024");
    // A tap where the first one shows (no scrolling into view first, as a finger does not): it asks.
    const box = (await revoke.first().boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await table.getByRole("button", { name: "Revoke now" }).waitFor({ timeout: 10_000 });
    for (const b of await reachable(page, table.getByRole("button", { name: /^(Revoke now|Keep)$/ }))) expect(b).toMatchObject({ onScreen: true, onTop: true });
    await page.close();
  });

  it("shows each agent's New password and Revoke… on screen, on top of the scrolled cells", async () => {
    const page = await t.open(`/agents/${t.shop.store}`, t.shop.tokens.admin, size);
    const table = page.getByTestId("agents-table");
    await table.waitFor();
    expect(await table.evaluate((el) => el.scrollWidth > el.parentElement!.clientWidth)).toBe(true);
    const actions = table.getByRole("button", { name: /^(New password|Revoke…)$/ });
    expect(await actions.count()).toBeGreaterThanOrEqual(2);
    for (const b of await reachable(page, actions)) expect(b, b.text).toMatchObject({ onScreen: true, onTop: true });
    // Scrolled sideways to the far left and right, the actions stay where they are, still on top.
    for (const x of [10_000, 0]) {
      await table.evaluate((el, left) => (el.parentElement!.scrollLeft = left), x);
      for (const b of await reachable(page, actions)) expect(b, `${b.text} at scrollLeft ${x}`).toMatchObject({ onScreen: true, onTop: true });
    }
    await shot(page, "agents-768x1024");
    await page.close();
  });

  it("keeps each agent's id on one line, as footfall agent list and the broker write it: cam-1, not 'cam-' over '1'", async () => {
    for (const path of [`/agents/${t.shop.store}`, `/agents/${t.shop.store}?scope=all`]) {
      const page = await t.open(path, t.shop.tokens.admin, size);
      const cell = page.locator("tbody tr td b", { hasText: "cam-1" }).first();
      await cell.waitFor();
      // One line box per line: the id broke at its hyphen in the narrow first columns.
      expect({ path, lines: await cell.evaluate((el) => el.getClientRects().length) }).toEqual({ path, lines: 1 });
      await page.close();
    }
  });
});
