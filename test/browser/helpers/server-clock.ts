import type { Page } from "playwright-core";

/**
 * Dates the server's API answers `ms` later (earlier when negative) for this page, as a server whose clock reads so.
 * The UI judges past and future on the server's clock (floorplan-ui model/server-clock.ts, from the answers' Date
 * header): a test that moves the page's clock to stand for time passing moves the server's with it.
 */
export async function shiftServerDates(page: Page, ms: number): Promise<void> {
  await page.route("**/api/v1/**", async (route) => {
    const response = await route.fetch();
    const date = new Date(Date.parse(response.headers()["date"] ?? "") + ms).toUTCString();
    await route.fulfill({ response, headers: { ...response.headers(), date } });
  });
}
