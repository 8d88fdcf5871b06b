/**
 * The forecast where people see it, in chromium against a real server holding five weeks of a
 * store's door counts (too short for the model: the seasonal mean answers, and says so): the live
 * tablet's "busy from" line, and today's traffic chart continued by the forecast to midnight.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServerProcess, waitFor } from "../support/index.js";
import { launchBrowser, type Browser } from "./helpers/browser.js";
import { seedStore, type SeededStore } from "./helpers/store.js";

const HOUR = 3_600_000;
let server: ServerProcess;
let shop: SeededStore;
let browser: Browser;

/** Visitors in a Paris hour: open 08:00-21:00, busiest mid-afternoon (40 an hour at 15:00). */
function visitorsAt(ts: number): number {
  const hour = Number(new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", hourCycle: "h23" }).format(ts));
  return hour >= 8 && hour < 21 ? Math.round(40 * Math.exp(-(((hour - 15) / 3.5) ** 2))) : 0;
}

beforeAll(async () => {
  server = await ServerProcess.start({ maxEventAgeMs: 40 * 24 * HOUR });
  shop = await seedStore(server);
  const thisHour = Math.floor(Date.now() / HOUR) * HOUR;
  const counts = [];
  for (let t = thisHour - 35 * 24 * HOUR; t < thisHour; t += HOUR) {
    const n = visitorsAt(t);
    if (n > 0) counts.push(shop.events.count("entrance", t + 60_000, n, n));
  }
  await shop.publish(counts);
  await waitFor("the door counts to be stored", async () => (await shop.api.agents(shop.store)).agents[0]?.events === counts.length, { timeoutMs: 30_000 });
  browser = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await server?.dispose();
});

describe("forecasts in the UI", () => {
  it("tells the live tablet when the store will be busy, and from which forecast", async () => {
    const page = await browser.page({ width: 1024, height: 768 });
    await page.goto(`${server.httpUrl}/#/live/${shop.store}?kiosk=1&token=${shop.tokens.staff}`);
    const line = page.getByTestId("live-outlook");
    await line.waitFor({ timeout: 20_000 });
    expect(await line.textContent()).toMatch(/^Busy (now until|from) \d\d:00.* · about \d+ visitors an hour around \d\d:00$/);
    expect(await line.getAttribute("data-method")).toBe("seasonal-mean");
    expect(await line.getAttribute("title")).toMatch(/the same hours of the last 4 weeks/);
    await page.close();
  });

  it("continues today's hourly traffic chart with the forecast to midnight", async () => {
    const page = await browser.page();
    await page.goto(`${server.httpUrl}/#/heatmap/${shop.store}?range=today&token=${shop.tokens.viewer}`);
    await page.getByTestId("traffic-forecast-hint").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("traffic-forecast-hint").textContent()).toBe("dashed: forecast · band: 80 %");
    await page.close();
  });
});
