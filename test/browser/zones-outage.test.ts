/**
 * The store manager's other screens while the shop's camera is offline, in chromium against the built
 * server: cam-1 (the shop's only agent, counting every zone) sends its offline status over MQTT, the
 * server records the span, and Flows, Funnels, the Heatmap's zones and its hour x weekday grid, the
 * Report's zones and the Sales days say which hours nobody counted, as the traffic chart does (GET
 * .../paths, .../funnel, .../dwell's outages, /traffic's for the grid and Sales). Before, only the
 * traffic chart and the Report's enters said it: the other screens read the hours as nobody there.
 */
import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { waitFor } from "../support/index.js";
import { withShop } from "./helpers/shop.js";
import { agentStatus, trips } from "./helpers/store.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;

const t = withShop({
  server: { httpPort: 19500, mqttPort: 19501, metricsPort: 19502, maxEventAgeMs: 5 * DAY },
  setup: async ({ shop }) => {
    // Yesterday's shoppers; none today, so no hour of today counted anyone before the outage.
    await shop.publish(trips(shop.events, Date.now() - DAY - 2 * HOUR, HOUR, 10, 3));
    await waitFor("the trips stored", async () => ((await get("paths", Date.now() - 2 * DAY, Date.now())).trips ?? 0) > 0, { timeoutMs: 30_000, intervalMs: 250 });
  },
});

type Answer = { trips?: number; outages?: { hours: number; zones: string[] } | null };
const get = async (what: string, from: number, to: number): Promise<Answer> =>
  (await fetch(`${t.server.httpUrl}/api/v1/stores/${t.shop.store}/${what}?from=${from}&to=${to}`, { headers: { authorization: `Bearer ${t.shop.tokens.admin}` } })).json() as Promise<Answer>;

describe("the store's zone screens while its camera is offline", () => {
  it("say on Flows, Funnels, the Heatmap's zones and week grid, and the Sales days which hours nobody counted", async () => {
    await agentStatus(t.shop, "offline");
    await waitFor("the outage in the paths answer", async () => ((await get("paths", Date.now() - HOUR, Date.now())).outages ?? null) !== null, { timeoutMs: 15_000, intervalMs: 250 });

    // Flows: the note names the zones and the hour. Old UI: nothing, no trips read as nobody there.
    const flows = await t.open(`/flows/${t.shop.store}?range=today`, t.shop.tokens.viewer);
    const flowsNote = flows.getByTestId("zones-outage");
    await flowsNote.waitFor({ timeout: 15_000 });
    expect(await flowsNote.getAttribute("data-hours")).toBe("1");
    expect((await flowsNote.getAttribute("data-zones"))!.split(",")).toContain("fruit");
    expect(await flowsNote.textContent()).toMatch(/^Not counted 1 h \(.+\): .*Fruit.* were counted by no agent \(offline\) in those open hours: their visits, dwell and trips in them are not known, not none\.$/);
    await flows.close();

    // Funnels: the same note above the steps.
    const funnel = await t.open(`/funnel/${t.shop.store}?range=today&steps=entrance,fruit,checkout`, t.shop.tokens.viewer);
    const funnelNote = funnel.getByTestId("zones-outage");
    await funnelNote.waitFor({ timeout: 15_000 });
    expect(await funnelNote.textContent()).toMatch(/^Not counted 1 h \(.+\): .* were counted by no agent \(offline\)/);
    await funnel.close();

    // The Heatmap since yesterday (the grid holds yesterday's shoppers): the note, every zone's ranking row marked, and the week grid's cell of this hour.
    const heat = await t.open(`/heatmap/${t.shop.store}?from=${Date.now() - 2 * DAY}&to=${Date.now() + 60_000}`, t.shop.tokens.viewer);
    const heatNote = heat.getByTestId("zones-outage");
    await heatNote.waitFor({ timeout: 15_000 });
    const rows = heat.locator('[data-testid="ranking"] tbody tr');
    await heat.locator('[data-testid="ranking"] tbody tr[data-not-counted="1"]').first().waitFor({ timeout: 15_000 });
    expect(await heat.locator('[data-testid="ranking"] tbody tr[data-not-counted="1"]').count()).toBe(await rows.count());
    expect(await rows.first().textContent()).toContain("not counted 1 h");
    const gridHint = heat.getByTestId("week-grid-not-counted");
    await gridHint.waitFor({ timeout: 15_000 });
    expect(await gridHint.textContent()).toBe("amber border: not counted 1 h");
    const cells = heat.locator('[data-testid="week-grid-table"] td[data-not-counted]');
    expect(await cells.count()).toBe(1);
    expect(await cells.first().textContent()).toContain("(not counted 1 h: entrance offline)");
    // Its CSV says so on each zone's row, as the ranking does (before: no such column, the rows read as counted).
    const [download] = await Promise.all([heat.waitForEvent("download"), heat.getByTestId("export-csv").click()]);
    const csvRows = parse((await readFile((await download.path())!, "utf8")).slice(1), { columns: true }) as Record<string, string>[];
    expect(csvRows.length).toBe(await rows.count());
    for (const r of csvRows) expect(r.not_counted_hours, r.zone).toBe("1");
    await heat.close();

    // The Report: the note over its Zones table, each zone's row marked.
    const report = await t.open(`/report/${t.shop.store}?range=today`, t.shop.tokens.viewer);
    const reportNote = report.getByTestId("zones-outage");
    await reportNote.waitFor({ timeout: 15_000 });
    expect(await reportNote.textContent()).toMatch(/^Not counted 1 h \(.+\): .* were counted by no agent \(offline\)/);
    const zoneRows = report.locator('[data-testid="report-zones"] tbody tr');
    expect(await report.locator('[data-testid="report-zones"] tbody tr[data-not-counted="1"]').count()).toBe(await zoneRows.count());
    await report.close();

    // Sales: today's row marked and the note above the days.
    const sales = await t.open(`/sales/${t.shop.store}`, t.shop.tokens.admin);
    const salesNote = sales.getByTestId("sales-outage");
    await salesNote.waitFor({ timeout: 15_000 });
    expect(await salesNote.textContent()).toMatch(/^Not counted 1 h \(.+\): the store's entrance was counted by no agent \(offline\) in those open hours/);
    const today = sales.locator('[data-testid="sales-days"] tbody tr[data-not-counted]');
    expect(await today.count()).toBe(1);
    expect(await today.textContent()).toContain("not counted 1 h");
    await sales.close();
  });
});
