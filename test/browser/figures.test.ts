/**
 * One figure, one definition, the same on every screen: a demo-like store (the demo's floor plan,
 * a door counter on the entrance, people followed in the other zones; two days simulated by the
 * demo's own simulator engine) read view by view in chromium for a few ranges. The heatmap's
 * ranking, its tooltip and its CSV, the traffic chart and its table, Flows, Funnels and the live
 * tablet must agree with each other and with the API. No data is not zero: the days before the
 * store's first figures are empty, not 0, and a comparison with a partial period says so.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import type { Page } from "playwright-core";
import { DEMO_LAYOUT, localMidnight, topics, type FootfallEvent, type TrafficBucket } from "@footfall/core";
import { checkSimSettings, SimEngine } from "@footfall/edge";
import { addAgent, addToken, batchJson, chunks, connectMqtt, FootfallApi, publishAll, ServerProcess, waitFor } from "../support/index.js";
import { launchBrowser, shot, type Browser } from "./helpers/browser.js";
import { pagePoint } from "./helpers/plan.js";

const STORE = "demo";
const HOUR = 3_600_000;
let server: ServerProcess;
let browser: Browser;
let mqtt: MqttClient;
let api: FootfallApi;
let tokens: { admin: string; viewer: string; staff: string };
/** When the simulated history begins: the store has no figure before it. */
let historyFrom: number;

beforeAll(async () => {
  server = await ServerProcess.start();
  const [admin, viewer, staff] = await Promise.all([addToken(server.dataDir, "admin"), addToken(server.dataDir, "viewer"), addToken(server.dataDir, "staff")]);
  tokens = { admin, viewer, staff };
  api = new FootfallApi(server.httpUrl, admin);
  const now = Date.now();
  await api.putLayout(STORE, { ...DEMO_LAYOUT, validFrom: now - 8 * 24 * HOUR });
  const creds = await addAgent(server.dataDir, STORE, "sim-1", "sim");
  mqtt = await connectMqtt({ url: server.mqttUrl, username: creds.username, password: creds.password });
  // The demo's simulator, run from noon (store time) two days ago up to a minute ago: a door counter
  // on the entrance (people in, not followed), visits in every other zone, some shoppers still inside.
  // Noon, not "50 hours ago": the store is open then whatever the time of day the test runs at, so
  // the first day with figures is always the day before yesterday, and only part of it.
  historyFrom = localMidnight(now, DEMO_LAYOUT.timezone) - 2 * 24 * HOUR + 12 * HOUR;
  const settings = checkSimSettings({ seed: 20261122, arrivalsPerHour: 40 }).value;
  const engine = new SimEngine({ settings, layout: DEMO_LAYOUT, seed: 20261122, startMs: historyFrom, idSalt: "figures" });
  const events = engine.advance(now - 60_000).map((e, i) => ({ ...e, id: `sim-1:${String(i).padStart(9, "0")}` }) as FootfallEvent);
  expect(events.length).toBeGreaterThan(1000);
  for (const batch of chunks(events, 500)) await publishAll(mqtt, topics.events(STORE, "sim-1"), [batchJson("sim-1", batch)]);
  await waitFor("every event to be stored", async () => ((await api.agents(STORE)).agents[0]?.events ?? 0) >= events.length, { timeoutMs: 30_000, intervalMs: 200 });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await mqtt?.endAsync(true).catch(() => {});
  await server?.dispose();
});

const open = async (hash: string, token: string, viewport?: { width: number; height: number }): Promise<Page> => {
  const page = await browser.page(viewport);
  await page.goto(`${server.httpUrl}/#${hash}${hash.includes("?") ? "&" : "?"}token=${token}`);
  return page;
};

/** The range a view shows (it publishes it: "today" ends at the moment the page asked). */
async function shownRange(page: Page, testId: string): Promise<{ from: number; to: number }> {
  // Published once the store's time zone is known (before it, a range would be in UTC).
  const el = page.locator(`[data-testid="${testId}"][data-from]`);
  await el.waitFor();
  return { from: Number(await el.getAttribute("data-from")), to: Number(await el.getAttribute("data-to")) };
}

const sumZones = (buckets: readonly TrafficBucket[]) => {
  const out = new Map<string, number>();
  for (const b of buckets) for (const [z, n] of Object.entries(b.zones)) out.set(z, (out.get(z) ?? 0) + n);
  return out;
};
const inside = (zone: string): [number, number] => {
  const p = DEMO_LAYOUT.zones.find((z) => z.id === zone)!.polygon;
  return [p[0]![0] + (p[2]![0] - p[0]![0]) * 0.15, p[0]![1] + (p[2]![1] - p[0]![1]) * 0.15];
};

describe.each(["yesterday", "today", "last7"] as const)("the figures of %s", (preset) => {
  it("agree between the heatmap, its tooltip, its CSV, the traffic chart and the API", async () => {
    const page = await open(`/heatmap/${STORE}?range=${preset}&metric=visits`, tokens.viewer);
    const range = await shownRange(page, "heatmap");
    await page.getByTestId("ranking").waitFor();
    const [hourly, dwell] = await Promise.all([api.traffic(STORE, range, "hour"), api.dwell(STORE, range)]);
    const enters = sumZones(hourly.buckets);
    const storeEnters = hourly.buckets.reduce((s, b) => s + b.enters, 0);
    // (Today may not have opened yet when the test runs early in the morning.)
    if (preset !== "today") expect(storeEnters).toBeGreaterThan(0);

    // A zone's visits: the visits followed in it plus the people its door counter counted in (DESIGN §7).
    const shown = new Map<string, number>();
    for (const z of DEMO_LAYOUT.zones) {
      const row = page.getByTestId(`heat-row-${z.id}`);
      await expect.poll(() => row.getAttribute("data-value")).toBe(String(enters.get(z.id) ?? 0));
      shown.set(z.id, Number(await row.getAttribute("data-value")));
      expect(await row.locator(".heat-value").textContent()).toBe((enters.get(z.id) ?? 0).toLocaleString("en"));
      const tracked = dwell.zones.find((d) => d.zone === z.id)?.visits ?? 0;
      if (z.id === "entrance") expect(tracked).toBe(0); // the door counter's zone: nobody is followed there
    }
    // The store's enters are the entrance's visits, on the chart and in its table.
    const total = page.getByTestId("traffic-total");
    await expect.poll(() => total.getAttribute("data-total")).toBe(String(storeEnters));
    expect(shown.get("entrance")).toBe(storeEnters);
    if (storeEnters > 0) {
      const table = await page.getByTestId("traffic-table").locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-value")));
      expect(table.filter((v) => v !== "").reduce((s, v) => s + Number(v), 0)).toBe(storeEnters);
    }

    // The tooltip says the same, and which part the door counted.
    for (const zone of ["entrance", "fruit-veg"]) {
      const at = await pagePoint(page, inside(zone));
      await page.mouse.move(at.x, at.y);
      const tip = page.getByTestId("tooltip");
      await tip.waitFor();
      expect(await tip.getByTestId("tooltip-visits").textContent()).toBe(shown.get(zone)!.toLocaleString("en"));
      if (zone === "entrance") {
        if (storeEnters > 0) {
          expect(await tip.getByTestId("tooltip-door").textContent()).toBe(shown.get(zone)!.toLocaleString("en"));
          expect(await tip.getByTestId("tooltip-visitors").textContent()).toBe("–");
        } else {
          // Before the store opens today: the door has counted nobody yet (no door line), nobody was followed.
          expect(await tip.getByTestId("tooltip-door").count()).toBe(0);
          expect(await tip.getByTestId("tooltip-visitors").textContent()).toBe("0");
        }
      } else {
        const d = dwell.zones.find((x) => x.zone === zone)!;
        expect(await tip.getByTestId("tooltip-visitors").textContent()).toBe(d.visitors.toLocaleString("en"));
      }
      await page.mouse.move(0, 0);
    }

    // The CSV: the same visits, the door and tracked parts, the range on every row, a BOM for Excel.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
    const csv = await readFile((await download.path())!, "utf8");
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const [head, ...rows] = csv.slice(1).trimEnd().split("\r\n").map((l) => l.split(","));
    const col = (name: string) => head!.indexOf(name);
    for (const r of rows) {
      const zone = r[col("zone")]!;
      expect(Number(r[col("visits")])).toBe(shown.get(zone));
      expect(Number(r[col("visits_tracked")]) + Number(r[col("door_in")])).toBe(shown.get(zone));
      expect(Date.parse(r[col("range_from")]!)).toBe(range.from);
    }
    // The door-counted entrance has no visitors figure (as its tooltip says), or 0 before the store opens today.
    expect(rows.find((r) => r[col("zone")] === "entrance")![col("visitors")]).toBe(storeEnters > 0 ? "" : "0");
    await shot(page, `figures-heatmap-${preset}`, { fullPage: true });
    await page.close();
  });

  it("agree between the report's zones, its key figures and the heatmap's definitions", async () => {
    const page = await open(`/report/${STORE}?range=${preset}`, tokens.viewer);
    // The report's range line is for print (hidden on screen): read it once it is in the page.
    const rangeLine = page.locator('[data-testid="report-range"][data-from]');
    await rangeLine.waitFor({ state: "attached" });
    const range = { from: Number(await rangeLine.getAttribute("data-from")), to: Number(await rangeLine.getAttribute("data-to")) };
    await page.getByTestId("report-zones").waitFor();
    // On screen too, the report says which days it covers (the print line's, "so far" for a range reaching now).
    const onScreen = page.getByTestId("range-label");
    expect(await onScreen.isVisible()).toBe(true);
    expect((await onScreen.textContent())!.replace(" so far", "")).toBe(await rangeLine.textContent());
    const [hourly, dwell] = await Promise.all([api.traffic(STORE, range, "hour"), api.dwell(STORE, range)]);
    const enters = sumZones(hourly.buckets);
    const storeEnters = hourly.buckets.reduce((s, b) => s + b.enters, 0);
    const rows = await page
      .getByTestId("report-zones")
      .locator("tbody tr")
      .evaluateAll((trs) =>
        trs.map((tr) => ({
          zone: tr.getAttribute("data-zone")!,
          visits: tr.getAttribute("data-visits")!,
          visitors: tr.getAttribute("data-visitors")!,
          cells: [...tr.querySelectorAll("td")].map((td) => td.textContent),
        })),
      );
    for (const z of DEMO_LAYOUT.zones) {
      const row = rows.find((r) => r.zone === z.id);
      if (!row) {
        // A zone nobody entered in the range (e.g. today before opening) may be left out, never shown as a figure it lacks.
        expect(enters.get(z.id) ?? 0).toBe(0);
        continue;
      }
      // Visits as the heatmap counts them: the door counter's people are the entrance's visits.
      expect(Number(row.visits), z.id).toBe(enters.get(z.id) ?? 0);
      expect(row.cells[1]).toBe((enters.get(z.id) ?? 0).toLocaleString("en"));
      if (z.id === "entrance" && storeEnters > 0) {
        // Known only by its door: no visitors and no dwell, shown as "–" rather than 0.
        expect(row.visitors).toBe("");
        expect(row.cells[2]).toBe("–");
        expect(row.cells[3]).toBe("–");
      } else {
        const d = dwell.zones.find((x) => x.zone === z.id);
        expect(row.visitors, z.id).toBe(String(d?.visitors ?? 0));
      }
    }
    expect(await page.getByTestId("report-figures").locator("tr", { hasText: "Enters" }).locator("td").textContent()).toBe(storeEnters.toLocaleString("en"));
    await page.close();
  });

  it("agree between Flows, Funnels and the API", async () => {
    const page = await open(`/flows/${STORE}?range=${preset}`, tokens.viewer);
    const range = await shownRange(page, "flows");
    const [paths, traffic] = await Promise.all([api.paths(STORE, range, 1000), api.traffic(STORE, range, "day")]);
    await expect.poll(() => page.getByTestId("paths-trips").getAttribute("data-trips")).toBe(String(paths.trips));
    if (paths.trips === 0) return void (await page.close()); // early morning: the store has not opened today
    const trips = page.getByTestId("trips");
    await trips.waitFor();
    // Every trip in the range (DESIGN v1.1 `trips`), not the sum of the listed paths.
    expect(await trips.getAttribute("data-value")).toBe(String(paths.trips));
    expect(await page.getByTestId("paths-trips").getAttribute("data-trips")).toBe(String(paths.trips));
    // Store enters beside trips, each named: the door counts people the tracking never follows.
    await expect.poll(() => page.getByTestId("store-enters").getAttribute("data-value")).toBe(String(traffic.buckets.reduce((s, b) => s + b.enters, 0)));
    // The entrance is a door counter: Flows does not claim how many left right after it.
    expect(await page.getByTestId("door-note").count()).toBe(1);
    expect(await page.getByTestId("dropoff").textContent()).not.toContain("left right after the entrance");
    // A path's share of the trips reads the same in Flows' list as in the report (one decimal below 10 %).
    const listed = await page
      .getByTestId("top-paths")
      .locator("li")
      .evaluateAll((lis) => lis.map((li) => [[...li.querySelectorAll(".step")].map((s) => s.textContent).join(" → "), li.querySelector('[data-testid="path-share"]')?.textContent ?? null]));
    await page.close();
    const printout = await open(`/report/${STORE}?range=${preset}`, tokens.viewer);
    await printout.getByTestId("report-paths").waitFor();
    const printed = await printout.getByTestId("report-paths").locator("tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
    expect(printed.length).toBeGreaterThan(0);
    for (const [path, , share] of printed) expect(listed.find(([p]) => p === path)?.[1], path!).toBe(share);
    await printout.close();

    const funnel = await open(`/funnel/${STORE}?range=${preset}&steps=fruit-veg,checkout`, tokens.viewer);
    const fr = await shownRange(funnel, "funnel");
    const report = (await api.request<{ steps: { step: string; reached: number }[] }>("GET", `/api/v1/stores/${STORE}/funnel?from=${fr.from}&to=${fr.to}&steps=fruit-veg,checkout`)).body;
    if (report.steps[0]!.reached > 0) {
      for (const s of report.steps) await expect.poll(() => funnel.getByTestId(`funnel-step-${s.step}`).getAttribute("data-reached")).toBe(String(s.reached));
    }
    // The door counter's entrance is offered, but cannot be a step: nobody is followed through it.
    const option = funnel.getByTestId("funnel-add").locator('option[value="entrance"]');
    await expect.poll(() => option.getAttribute("disabled")).not.toBeNull();
    await funnel.close();
  });
});

describe("no data is not zero", () => {
  it("leaves the days before the store's first figures empty, in the chart, its table and the week grid", async () => {
    const page = await open(`/heatmap/${STORE}?range=last7`, tokens.viewer);
    await page.getByTestId("traffic-chart").waitFor();
    const values = await page.getByTestId("traffic-table").locator("tbody tr").evaluateAll((rows) => rows.map((r) => [r.querySelector("th")!.textContent, r.getAttribute("data-value")]));
    expect(values).toHaveLength(7);
    // The history began the day before yesterday: the first four days of the week have no data (not 0 enters).
    expect(values.slice(0, 4).map(([, v]) => v)).toEqual(["", "", "", ""]);
    expect(values.slice(4).every(([, v]) => v !== "")).toBe(true);
    expect(await page.getByTestId("traffic-table").textContent()).toContain("no data");
    await page.close();
  });

  it("leaves the report's days before the store's first figures empty, and says the range is partial", async () => {
    const page = await open(`/report/${STORE}?range=last7`, tokens.viewer);
    await page.getByTestId("report-days").waitFor();
    const days = await page.getByTestId("report-days").locator("tbody tr:not(.total)").evaluateAll((rows) => rows.map((r) => [r.getAttribute("data-value"), r.querySelectorAll("td")[1]!.textContent]));
    expect(days).toHaveLength(7);
    // As the traffic chart: the first four days of the week have no data (not 0 enters), the rest have figures.
    expect(days.slice(0, 4)).toEqual(Array(4).fill(["", "no data"]));
    expect(days.slice(4).every(([v]) => v !== "")).toBe(true);
    const total = days.slice(4).reduce((s, [v]) => s + Number(v), 0);
    expect(await page.getByTestId("report-days").locator("tr.total td").textContent()).toBe(total.toLocaleString("en"));
    expect(await page.getByTestId("report-partial").textContent()).toContain("figures begin");
    await page.close();
  });

  it("shows a range before any figure as no data everywhere, not as zeros", async () => {
    const day = historyFrom - 3 * 24 * HOUR;
    const page = await open(`/heatmap/${STORE}?from=${day}&to=${day + 24 * HOUR}`, tokens.viewer);
    await page.getByTestId("no-data").waitFor();
    for (const z of DEMO_LAYOUT.zones) expect(await page.getByTestId(`heat-row-${z.id}`).getAttribute("data-value")).toBe("");
    expect(await page.getByText("No visits in this range").count()).toBe(0);
    await page.close();
    const report = await open(`/report/${STORE}?from=${day}&to=${day + 24 * HOUR}`, tokens.viewer);
    expect(await report.getByTestId("report-no-data").textContent()).toContain("figures begin");
    // (From noon to noon: two days, neither with data.)
    expect(await report.getByTestId("report-days").locator("tbody tr:not(.total) td.num").allTextContents()).toEqual(["no data", "no data"]);
    expect(await report.getByTestId("report-days").locator("tr.total td").textContent()).toBe("no data");
    await report.close();
  });

  it("warns that a comparison with a partial previous period overstates growth", async () => {
    // Yesterday against the day before, whose figures begin part-way through it.
    const page = await open(`/heatmap/${STORE}?range=yesterday&compare=1`, tokens.viewer);
    await page.getByTestId("previous-partial").waitFor();
    expect(await page.getByTestId("previous-partial").textContent()).toContain("partial");
    await page.close();
  });

  it("says a store that does not exist does not exist", async () => {
    const page = await open("/heatmap/nosuchstore", tokens.viewer);
    await page.getByTestId("unknown-store").waitFor();
    expect(await page.getByRole("heading", { name: "No store “nosuchstore”" }).count()).toBe(1);
    expect(await page.locator("select[aria-label=Store]").textContent()).not.toContain("(new)");
    await page.close();
  });
});

describe("the live tablet", () => {
  it("shows the API's occupancy, and says which figure is the door count and which the zones", async () => {
    const page = await open(`/live/${STORE}?kiosk=1`, tokens.staff, { width: 1024, height: 768 });
    await page.locator('[data-testid="live"][data-status="live"]').waitFor({ timeout: 10_000 });
    const occ = await api.occupancy(STORE);
    expect(await page.getByTestId("live-total").getAttribute("data-total")).toBe(String(occ.total));
    for (const z of occ.zones) if (z.zone !== "entrance") expect(await page.getByTestId(`live-zone-${z.zone}`).getAttribute("data-occupancy")).toBe(String(z.occupancy));
    expect(await page.getByTestId("live-source").textContent()).toContain("door count");
    expect(await page.getByTestId("live-in-zones").textContent()).toBe(String(occ.zones.reduce((s, z) => s + z.occupancy, 0)));
    // The door counter's zone holds nobody the tracking can count: it says "door", not 0/20.
    expect(await page.getByTestId("live-zone-entrance").textContent()).toContain("door");
    // The store's clock, labelled with its zone.
    expect(await page.getByTestId("live-clock").textContent()).toMatch(/\d\d:\d\d (CET|CEST)/);
    await page.close();
  });
});

describe("the Sales page's days", () => {
  it("give the store's enters and conversion as the report, the heatmap and the API do, and no data before the figures begin", async () => {
    // Sales on a day before the store's figures (5 days ago), the day they begin (after noon) and yesterday; none today.
    const tz = DEMO_LAYOUT.timezone;
    const at = (daysAgo: number, hour: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ ts: localMidnight(Date.now(), tz, -daysAgo) + hour * HOUR + i * 60_000, zone: "fruit-veg", amount: 12.5, items: 2, transaction: `sales-days-${daysAgo}-${i}` }));
    const imported = await api.request<{ accepted: number }>("POST", `/api/v1/stores/${STORE}/sales`, { sales: [...at(5, 11, 3), ...at(2, 15, 4), ...at(1, 10, 12)] });
    expect(imported.body.accepted).toBe(19);

    const page = await open(`/sales/${STORE}`, tokens.admin);
    const total = page.locator('[data-testid="sales-total"][data-conversion]');
    await total.waitFor();
    const table = page.getByTestId("sales-days");
    const range = { from: Number(await table.getAttribute("data-from")), to: Number(await table.getAttribute("data-to")) };
    const cells = async (row: ReturnType<Page["locator"]>) => (await row.locator("td").allTextContents()).slice(0, 4);
    const [, totalEnters, totalTx, , totalSales] = [await total.locator("th").textContent(), ...(await cells(total))];
    const totalConversion = await page.getByTestId("sales-total-conversion").textContent();
    // The total row is /conversion's for the same days: the store's enters (the door counter's people in) and the
    // transactions of the days with figures over them (since the day they begin: not the 3 of 5 days ago over enters of later days).
    const store = (await api.request<{ store: { visitors: number; since: number | null; transactions: number; conversion: number | null } }>("GET", `/api/v1/stores/${STORE}/conversion?from=${range.from}&to=${range.to}`)).body.store;
    const firstDay = localMidnight(historyFrom, tz);
    expect(store.since).toBe(firstDay);
    expect(store.transactions).toBe(16);
    expect(store.conversion).toBeCloseTo(16 / store.visitors, 6);
    expect(await total.getAttribute("data-enters")).toBe(String(store.visitors));
    expect(Number(await total.getAttribute("data-conversion"))).toBeCloseTo(store.conversion!, 6);
    expect(totalEnters).toBe(store.visitors.toLocaleString("en"));
    expect(totalTx).toBe("19"); // every transaction recorded in the days
    const sinceWords = `since ${new Intl.DateTimeFormat("en-GB", { timeZone: tz, weekday: "short", day: "numeric", month: "short", year: "numeric" }).format(firstDay)}`;
    expect(await page.getByTestId("sales-total-since").textContent()).toBe(sinceWords);

    // Each day: no data before the figures begin (sales or not), the day's /conversion from then on, "–" without a sale.
    const rows = await table.locator("tbody tr").evaluateAll((trs) =>
      trs.map((tr) => ({ from: Number(tr.getAttribute("data-from")), to: Number(tr.getAttribute("data-to")), enters: tr.getAttribute("data-enters"), conversion: tr.getAttribute("data-conversion"), cells: [...tr.querySelectorAll("td")].map((td) => td.textContent) })),
    );
    expect(rows).toHaveLength(14);
    const before = rows.filter((r) => r.to <= historyFrom);
    expect(before).toHaveLength(11);
    for (const r of before) {
      expect([r.enters, r.conversion, r.cells[1], r.cells[3]]).toEqual(["", "", "no data", "no data"]);
    }
    expect(before.find((r) => r.from === localMidnight(range.to, tz, -5))?.cells[2]).toBe("3");
    // Before the first sale recorded (5 days ago) there was no till feed: no transactions and no sales ("no data"), not 0.
    const unfed = rows.filter((r) => r.from < localMidnight(range.to, tz, -5));
    expect(unfed).toHaveLength(8);
    for (const r of unfed) expect([r.cells[2], r.cells[4]]).toEqual(["no data", "no data"]);
    for (const r of rows.filter((x) => x.to > historyFrom)) {
      const day = (await api.request<{ store: { visitors: number; conversion: number | null } }>("GET", `/api/v1/stores/${STORE}/conversion?from=${r.from}&to=${r.to}`)).body.store;
      expect(r.enters).toBe(String(day.visitors));
      if (day.conversion === null) expect([r.conversion, r.cells[3]]).toEqual(["", "–"]);
      else expect(Number(r.conversion)).toBeCloseTo(day.conversion, 6);
    }
    expect(rows[0]!.cells[3]).toBe("–"); // today: no sale imported
    expect(rows[1]!.conversion).not.toBe(""); // yesterday's 12 sales over its enters

    // The CSV: the table's days, oldest first, with the same enters, transactions, conversion and sales; empty where it says no data or "–".
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-sales-days").click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^footfall-${STORE}-\\d{4}-\\d{2}-\\d{2}_\\d{4}-\\d{2}-\\d{2}-sales-days\\.csv$`));
    const csv = await readFile((await download.path())!, "utf8");
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const [head, ...all] = csv.slice(1).trimEnd().split("\r\n").map((l) => l.split(","));
    expect(head).toEqual(["range_from", "range_to", "day_start", "day_end", "store_enters", "transactions", "conversion", "sales", "row", "conversion_from", "not_counted_hours"]);
    // The last row is the table's total, with its conversion (the days since the figures begin: 16 / enters, not the rows' 19 / enters).
    const totalLine = all.at(-1)!;
    const lines = all.slice(0, -1);
    expect(totalLine.slice(4, 9)).toEqual([String(store.visitors), "19", (16 / store.visitors).toFixed(4), totalSales!.replace(/[^\d.]/g, ""), "total"]);
    expect(Number(totalLine[6])).toBeCloseTo(Number(await total.getAttribute("data-conversion")), 4);
    expect(Date.parse(totalLine[9]!)).toBe(firstDay);
    expect(lines.every((l) => l[8] === "day" && l[9] === "")).toBe(true);
    const days = [...rows].reverse();
    expect(lines).toHaveLength(days.length);
    for (const [i, l] of lines.entries()) {
      const d = days[i]!;
      // Times to the second (today's end is the server's now).
      const sec = (ms: number) => Math.floor(ms / 1000) * 1000;
      expect([Date.parse(l[0]!), Date.parse(l[1]!), Date.parse(l[2]!), Date.parse(l[3]!)]).toEqual([range.from, sec(range.to), d.from, sec(d.to)]);
      const noSales = d.cells[2] === "no data";
      expect([l[4], l[5]]).toEqual([d.enters, noSales ? "" : d.cells[2]]);
      expect(l[6] === "" ? "" : Number(l[6])).toBe(d.conversion === "" ? "" : Number(Number(d.conversion).toFixed(4)));
      expect(l[7]).toBe(noSales ? "" : Number(d.cells[2]) > 0 ? d.cells[4]!.replace(/[^\d.]/g, "") : "0.00");
    }
    expect(lines.reduce((s, l) => s + Number(l[5]), 0)).toBe(19);
    expect(lines.reduce((s, l) => s + Number(l[4]), 0)).toBe(store.visitors);
    await page.close();

    // The same days in the report's key figures and the heatmap's store conversion read the same.
    const report = await open(`/report/${STORE}?from=${range.from}&to=${range.to}`, tokens.viewer);
    const figures = report.getByTestId("report-figures");
    await figures.waitFor();
    expect(await figures.locator("tr", { hasText: "Conversion" }).locator("td").textContent()).toBe(totalConversion);
    expect(await figures.locator("tr", { hasText: "Enters" }).locator("td").textContent()).toBe(totalEnters);
    expect(await figures.locator("tr", { hasText: "Transactions" }).locator("td").textContent()).toBe("16");
    expect(await report.getByTestId("report-since").textContent()).toContain(sinceWords);
    await report.close();
    const heatmap = await open(`/heatmap/${STORE}?from=${range.from}&to=${range.to}&metric=conversion`, tokens.viewer);
    await heatmap.getByTestId("store-sales").waitFor();
    expect(await heatmap.getByTestId("store-sales").locator(".stat .v").first().textContent()).toBe(totalConversion);
    expect(await heatmap.getByTestId("store-sales").textContent()).toContain("16 transactions");
    expect(await heatmap.getByTestId("store-sales-since").textContent()).toBe(`sales ${sinceWords}`);
    await heatmap.close();

    // A day before the figures, whose 3 sales the Sales page lists: the report and the heatmap say no data and not counted, not 0 enters and 0 transactions.
    const early = { from: localMidnight(range.to, tz, -5), to: localMidnight(range.to, tz, -4) };
    const none = (await api.request<{ store: { since: number | null; transactions: number } }>("GET", `/api/v1/stores/${STORE}/conversion?from=${early.from}&to=${early.to}`)).body.store;
    expect(none).toMatchObject({ since: null, transactions: 0 });
    const earlyReport = await open(`/report/${STORE}?from=${early.from}&to=${early.to}`, tokens.viewer);
    const key = earlyReport.getByTestId("report-figures");
    await key.waitFor();
    const cell = (name: string) => key.locator("tr", { hasText: name }).locator("td").textContent();
    expect([await cell("Enters"), await cell("Transactions"), await cell("Sales")]).toEqual(["no data", "not counted", "not counted"]);
    expect(await earlyReport.getByTestId("report-days").locator("tr.total td").textContent()).toBe("no data");
    const zoneCells = await earlyReport.getByTestId("report-zones").locator("tbody tr").first().locator("td").allTextContents();
    expect([zoneCells[1], zoneCells[2], zoneCells[4]]).toEqual(["no data", "no data", "not counted"]);
    await earlyReport.close();
    const earlyHeatmap = await open(`/heatmap/${STORE}?from=${early.from}&to=${early.to}&metric=conversion`, tokens.viewer);
    await earlyHeatmap.getByTestId("store-sales").waitFor();
    expect(await earlyHeatmap.getByTestId("store-sales").textContent()).toContain("store conversion (no figures in this range)");
    expect(await earlyHeatmap.getByTestId("store-sales").textContent()).not.toContain("0 transactions");
    await earlyHeatmap.close();
  });

  it("call the store's enters enters beside its conversion on the heatmap, as the chain view does, whose Visitors a door counter leaves '–'", async () => {
    const tz = DEMO_LAYOUT.timezone;
    const day = { from: localMidnight(Date.now(), tz, -1), to: localMidnight(Date.now(), tz) };
    // A sale of its own yesterday, so that the day has sales whatever ran before (the import is idempotent).
    const imported = await api.request<{ accepted: number }>("POST", `/api/v1/stores/${STORE}/sales`, { sales: [{ ts: day.from + 11 * HOUR, zone: "fruit-veg", amount: 9.5, items: 1, transaction: "words-1" }] });
    expect(imported.status).toBe(200);
    type Row = { id: string; figures: { enters: number; visitors: number | null; transactions: number } };
    const row = (await api.request<{ stores: Row[] }>("GET", `/api/v1/overview?from=${day.from}&to=${day.to}`)).body.stores.find((s) => s.id === STORE)!;
    // The entrance's door counter counts people in and cannot tell them apart: the chain view's Visitors is "–", its Enters these.
    expect(row.figures.visitors).toBeNull();
    expect(row.figures.enters).toBeGreaterThan(0);
    expect(row.figures.transactions).toBeGreaterThan(0);
    const heatmap = await open(`/heatmap/${STORE}?from=${day.from}&to=${day.to}&metric=conversion`, tokens.viewer);
    const card = heatmap.getByTestId("store-sales");
    await card.waitFor();
    const words = await card.locator(".stat .k").allTextContents();
    expect(words[0]).toBe(`store conversion (${row.figures.transactions.toLocaleString("en")} transactions / ${row.figures.enters.toLocaleString("en")} enters)`);
    expect(words).toContain("sales per enter");
    expect(await card.textContent()).not.toMatch(/visitor/i);
    await shot(heatmap, "figures-heatmap-store-sales-words");
    await heatmap.close();
  });
});

// Last: the fake clock is installed for the whole browser context.
describe("a range that reaches the present", () => {
  it("fetches its figures again every minute by itself, and says when it did", async () => {
    const page = await browser.page();
    await page.clock.install();
    await page.goto(`${server.httpUrl}/#/heatmap/${STORE}?range=today&token=${tokens.viewer}`);
    const total = page.getByTestId("traffic-total");
    await expect.poll(() => total.getAttribute("data-total")).not.toBe("");
    const before = Number(await total.getAttribute("data-total"));
    const updated = await page.getByTestId("updated-at").textContent();
    expect(updated).toMatch(/^Updated \d\d:\d\d CES?T$/);
    // 25 people come in through the door, and nobody touches the page.
    const stored = (await api.agents(STORE)).agents[0]!.events;
    await publishAll(mqtt, topics.events(STORE, "sim-1"), [batchJson("sim-1", [{ type: "count", id: "sim-1:refresh-1", ts: Date.now() - 1000, zone: "entrance", in: 25, out: 0 }])]);
    await waitFor("the door's count to be stored", async () => (await api.agents(STORE)).agents[0]!.events === stored + 1, { timeoutMs: 10_000 });
    await page.clock.fastForward(61_000);
    await expect.poll(() => total.getAttribute("data-total")).toBe(String(before + 25));
    expect(await page.getByTestId("updated-at").textContent()).not.toBe(updated);
    await page.close();
  });
});
