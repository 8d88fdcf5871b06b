/**
 * The forecast where people see it, in chromium against a real server holding five weeks of a
 * store's door counts (too short for the model: the seasonal mean answers, and says so): the live
 * tablet's "busy from" line, and today's traffic chart continued by the forecast to midnight; then,
 * with opening hours (closed 23:00-24:00 every day, so that a closed hour lies in every next 24
 * hours) and a week of 25-minute bakery visits: the closed hours marked on the tablet and on the
 * chart's forecast, and the people expected inside (the occupancy forecast) on the tablet.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { OpeningHours } from "@footfall/core";
import { waitFor } from "../support/index.js";
import { withShop } from "./helpers/shop.js";
import { busyOutlook } from "../../floorplan-ui/src/model/forecast.js";
import { putDailyHours, putHours } from "./helpers/store.js";

const HOUR = 3_600_000;

/** Visitors in a Paris hour: open 08:00-21:00, busiest mid-afternoon (40 an hour at 15:00). */
function visitorsAt(ts: number): number {
  const hour = Number(new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", hourCycle: "h23" }).format(ts));
  return hour >= 8 && hour < 21 ? Math.round(40 * Math.exp(-(((hour - 15) / 3.5) ** 2))) : 0;
}

const t = withShop({
  server: { maxEventAgeMs: 40 * 24 * HOUR },
  setup: async ({ shop }) => {
    const thisHour = Math.floor(Date.now() / HOUR) * HOUR;
    const counts = [];
    for (let ts = thisHour - 35 * 24 * HOUR; ts < thisHour; ts += HOUR) {
      const n = visitorsAt(ts);
      if (n > 0) counts.push(shop.events.count("entrance", ts + 60_000, n, n));
    }
    await shop.publish(counts);
    await waitFor("the door counts to be stored", async () => (await shop.api.agents(shop.store)).agents[0]?.events === counts.length, { timeoutMs: 30_000 });
  },
  timeoutMs: 90_000,
});

describe("forecasts in the UI", () => {
  it("tells the live tablet when the store will be busy, and from which forecast", async () => {
    const page = await t.open(`/live/${t.shop.store}?kiosk=1`, t.shop.tokens.staff, { width: 1024, height: 768 });
    const line = page.getByTestId("live-outlook");
    await line.waitFor({ timeout: 20_000 });
    expect(await line.textContent()).toMatch(/^Busy (now until|(tomorrow )?from) \d\d:00.* · about \d+ visitors an hour around (tomorrow )?\d\d:00$/);
    expect(await line.getAttribute("data-method")).toBe("seasonal-mean");
    expect(await line.getAttribute("title")).toMatch(/the same hours of the last 4 weeks/);
    await page.close();
  });

  it("continues today's hourly traffic chart with the forecast to midnight", async () => {
    const page = await t.open(`/heatmap/${t.shop.store}?range=today`, t.shop.tokens.viewer);
    await page.getByTestId("traffic-forecast-hint").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("traffic-forecast-hint").textContent()).toBe("dashed: forecast · band: 80 %");
    await page.close();
  });
});

describe("closed hours and the occupancy forecast in the UI", () => {
  interface OccBucket {
    start: string;
    expected: number | null;
    closed?: boolean;
  }
  beforeAll(async () => {
    await putDailyHours(t.shop, "00:00", "23:00");
    // forty 25-minute bakery visits an open hour over the last week (under the 30-minute visit timeout): the store's dwell (Little's law) is a few minutes
    const thisHour = Math.floor(Date.now() / HOUR) * HOUR;
    const visits = [];
    for (let ts = thisHour - 7 * 24 * HOUR; ts < thisHour - HOUR; ts += HOUR) {
      if (visitorsAt(ts) === 0) continue;
      // short visitor ids: a long run of digits would be refused as a personal id (a phone number)
      for (let k = 0; k < 40; k++) visits.push(...t.shop.events.visit(`bk-${visits.length / 2}`, "bakery", ts + k * 60_000, 25 * 60_000));
    }
    await t.shop.publish(visits);
    await waitFor("the bakery visits to be stored", async () => {
      const r = await fetch(`${t.server.httpUrl}/api/v1/stores/${t.shop.store}/forecast/occupancy`, { headers: { authorization: `Bearer ${t.shop.tokens.viewer}` } });
      const body = (await r.json()) as { dwell: { meanMin: number | null } };


      return body.dwell.meanMin !== null ? true : undefined;
    }, { timeoutMs: 30_000 });
  }, 60_000);

  it("marks the closed hours ahead on the tablet, and shows the people expected inside", async () => {
    const page = await t.open(`/live/${t.shop.store}?kiosk=1`, t.shop.tokens.staff, { width: 1024, height: 768 });
    const closed = page.getByTestId("live-outlook-closed");
    await closed.waitFor({ timeout: 20_000 });
    expect(await closed.textContent()).toMatch(/^(Closes at 23:00|Closed now · opens at 00:00)$/);
    // the people expected inside: shown exactly when one of the open hours read is forecast with at least one person,
    // the hours read being the next six open ones and, beyond them, those before the end of the busy stretch named above
    const headers = { authorization: `Bearer ${t.shop.tokens.viewer}` };
    const r = await fetch(`${t.server.httpUrl}/api/v1/stores/${t.shop.store}/forecast/occupancy`, { headers });
    const occ = (await r.json()) as { capacity: number; buckets: OccBucket[] };
    expect(occ.capacity).toBeGreaterThan(0);
    const visitors = (await (await fetch(`${t.server.httpUrl}/api/v1/stores/${t.shop.store}/forecast?horizon=24h`, { headers })).json()) as Parameters<typeof busyOutlook>[0];
    const now = Date.now();
    const busyTo = busyOutlook(visitors, now, "Europe/Paris")?.to;
    const ahead = occ.buckets
      .filter((b) => Date.parse(b.start) + HOUR > now && !b.closed)
      .filter((b, i) => i < 6 || (busyTo !== undefined && Date.parse(b.start) < busyTo))
      .filter((b) => b.expected !== null);
    const line = page.getByTestId("live-occupancy-outlook");
    if (ahead.some((b) => b.expected! >= 1)) {
      await line.waitFor({ timeout: 20_000 });
      expect(await line.textContent()).toMatch(/^(Up to about \d+ in the store (around (tomorrow )?\d\d:\d\d|this hour(, fewer later)?)|Expected over capacity (tomorrow )?at \d\d:00 \(about \d+ for \d+\))$/);
      expect(await line.getAttribute("title")).toMatch(/Little's law/);
    } else expect(await line.count()).toBe(0);
    await page.close();
  });

  it("marks the forecast's closed hours on today's traffic chart", async () => {
    const page = await t.open(`/heatmap/${t.shop.store}?range=today`, t.shop.tokens.viewer);
    const hint = page.getByTestId("traffic-forecast-closed");
    await hint.waitFor({ timeout: 20_000 });
    // 23:00-24:00 today is closed and still ahead (or the current hour)
    expect(Number(await hint.getAttribute("data-hours"))).toBe(1);
    expect(await hint.textContent()).toBe("closed ahead: 1 h");
    await page.close();
  });

  it("says the closing to the minute of the hours: a store closing at half past the current hour", async () => {
    // Open from 00:00 to half past the current Paris hour every day: a forecast's hours are whole, so the
    // tablet said "Closes at" the next hour, and still did after the closing.
    const hh = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", hourCycle: "h23" }).format(Date.now());
    const before = (await t.shop.api.request<{ hours: OpeningHours }>("GET", `/api/v1/stores/${t.shop.store}/hours`)).body;
    await putDailyHours(t.shop, "00:00", `${hh}:30`);
    try {
      const page = await t.open(`/live/${t.shop.store}?kiosk=1`, t.shop.tokens.staff, { width: 1024, height: 768 });
      const closed = page.getByTestId("live-outlook-closed");
      await closed.waitFor({ timeout: 20_000 });
      const closing = Date.parse(new Date().toISOString().slice(0, 13) + ":30:00Z"); // Paris hours start on whole UTC hours
      expect(await closed.textContent()).toBe(Date.now() < closing ? `Closes at ${hh}:30` : "Closed now · opens at 00:00");
      await page.close();
    } finally {
      await putHours(t.shop, before.hours);
    }
  });
});
