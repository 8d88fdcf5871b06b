/**
 * A link with a token opened again in a tab that already took it (the tablet's bookmark of its kiosk
 * link, the demo's link pasted a second time, the same link after signing out), in chromium against
 * a real `footfall serve`: the token never stays in the address bar, where anyone looking at the
 * screen or copying the URL would take it, and a tab signed out is signed in again by it.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { withShop } from "./helpers/shop.js";

const t = withShop();

/** The address bar's fragment once the app has settled on the view. */
async function hashOnView(page: Page, testId: string): Promise<string> {
  await page.getByTestId(testId).first().waitFor();
  await page.waitForFunction(() => !location.hash.includes("token="), undefined, { timeout: 10_000 }).catch(() => {});
  return page.evaluate(() => location.hash);
}

describe("a link with the token this tab already took", () => {
  it("opened again in the same tab: the token is taken out of the address bar again", async () => {
    const token = t.shop.tokens.viewer;
    const page = await t.open("/heatmap/shop", token);
    expect(await hashOnView(page, "heatmap")).not.toContain("token=");

    // The same link again (only the fragment changes: no new load), then a view's link with it.
    await page.evaluate((tk) => (location.hash = `#/heatmap/shop?token=${tk}`), token);
    expect(await hashOnView(page, "heatmap")).not.toContain("token=");
    await page.evaluate((tk) => (location.hash = `#/flows/shop?token=${tk}`), token);
    const hash = await hashOnView(page, "flows");
    expect(hash).not.toContain(token);
    expect(hash).toMatch(/^#\/flows\/shop/);
    await page.close();
  });

  it("opened again after signing out: signs in with it, and the token leaves the address bar", async () => {
    const token = t.shop.tokens.viewer;
    const page = await t.open("/heatmap/shop", token);
    await page.getByTestId("heatmap").waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Access token").waitFor();

    await page.evaluate((tk) => (location.hash = `#/heatmap/shop?token=${tk}`), token);
    expect(await hashOnView(page, "heatmap")).not.toContain("token=");
    expect(await page.evaluate(() => localStorage.getItem("footfall.token"))).toBe(token);
    await page.close();
  });
});
