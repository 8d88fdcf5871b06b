/**
 * The live tablet's two forecast lines agree, in chromium against a real server: the busy stretch
 * ("Busy tomorrow from 12:00 to 13:00 · about 322 visitors an hour around 12:00") and the people
 * expected inside under it. Read in the evening (the demo store at 21:26), the people line read the
 * next six open hours only (21:00, then 06:00-10:00) and said "Up to about 19 in the store around
 * tomorrow 10:00" under that busy line, while GET .../forecast/occupancy expected 49 at 12:00. The
 * server's two forecasts are the demo store's, answered for the page (their hours from the current
 * one, so whatever the time the test runs at): the first hour open, then eight closed, then the day.
 */
import { describe, expect, it } from "vitest";
import { withShop } from "./helpers/shop.js";

const HOUR = 3_600_000;
const TZ = "Europe/Paris";
/** The demo store's forecasts read at 21:26 (GET .../forecast?horizon=24h and .../forecast/occupancy), 21:00 to 20:00 the next day. */
const VISITORS = [1, 0, 0, 0, 0, 0, 0, 0, 0, 73, 63, 87, 83, 122, 216, 322, 228, 157, 167, 241, 361, 366, 245, 153];
const INSIDE = [0.1, 0.1, 0, 0, 0, 0, 0, 0, 0, 11.1, 11.1, 13.2, 13.2, 18.5, 32.8, 48.9, 48.9, 34.7, 25.4, 36.6, 54.8, 55.6, 55.6, 37.2];
const closed = (i: number) => i >= 1 && i <= 8;

const t = withShop();

const hh = (ms: number) => new Intl.DateTimeFormat("en-GB", { timeZone: TZ, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(ms);

describe("the live tablet's forecast lines", () => {
  it("name the people inside at the busy stretch the line above names, not at an hour before it", async () => {
    const page = await t.browser.page({ width: 1024, height: 768 });
    const first = Math.floor(Date.now() / HOUR) * HOUR;
    const start = (i: number) => new Date(first + i * HOUR).toISOString();
    const store = t.shop.store;
    await page.route((url) => url.pathname === `/api/v1/stores/${store}/forecast/occupancy`, (route) =>
      route.fulfill({
        json: {
          store,
          zone: null,
          timezone: TZ,
          generatedAt: new Date().toISOString(),
          interval: 0.8,
          method: "recent-days",
          current: 0,
          capacity: 386,
          dwell: { meanMin: 8.9, medianMin: null, source: "Little's law over the last 28 days" },
          overCapacityAt: null,
          notes: [],
          buckets: INSIDE.map((expected, i) => ({ start: start(i), expected, low: null, high: null, share: null, ...(closed(i) ? { closed: true } : {}) })),
        },
      }),
    );
    await page.route((url) => url.pathname === `/api/v1/stores/${store}/forecast`, (route) =>
      route.fulfill({
        json: {
          store,
          zone: null,
          horizon: "24h",
          bucket: "hour",
          timezone: TZ,
          generatedAt: start(0),
          interval: 0.8,
          method: "recent-days",
          model: { state: "ready", trainedAt: new Date().toISOString(), trainMs: 1, notes: [] },
          buckets: VISITORS.map((expected, i) => ({ start: start(i), expected, low: null, high: null, method: "recent-days", ...(closed(i) ? { closed: true } : {}) })),
        },
      }),
    );
    await page.goto(`${t.server.httpUrl}/#/live/${store}?kiosk=1&token=${t.shop.tokens.staff}`);
    const busy = page.getByTestId("live-outlook");
    const people = page.getByTestId("live-occupancy-outlook");
    await busy.waitFor({ timeout: 20_000 });
    await people.waitFor({ timeout: 20_000 });
    // The busy stretch: the first hours at 75 % of the busiest (366): 12:00 (322) alone, as the demo said.
    expect(await busy.textContent()).toMatch(new RegExp(`Busy (tomorrow )?from ${hh(first + 15 * HOUR)} to ${hh(first + 16 * HOUR)} · about 322 visitors an hour around `));
    // Under it, the people inside then (48.9 at 12:00 and 13:00), not the 18.5 at 10:00 that ended the six open hours.
    expect(await people.textContent()).toMatch(new RegExp(`^Up to about 49 in the store around (tomorrow )?${hh(first + 15 * HOUR)}$`));
    await page.close();
  });
});
