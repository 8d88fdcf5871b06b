/**
 * A store's own screens while its entrance camera is offline, in chromium against the built server:
 * cam-1 (the shop's only agent, its entrance's) sends its offline status over MQTT, the server records
 * the span, and the Heatmap's traffic chart says which hours nobody counted, its comparison with the
 * previous period gives no change ("— not counted", the hours in its title) and the Report marks the
 * day, as the Chain view and the digests do; before, the store manager saw a drop with nothing saying why.
 */
import { describe, expect, it } from "vitest";
import { waitFor } from "../support/index.js";
import { withShop } from "./helpers/shop.js";
import { agentStatus, trips } from "./helpers/store.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;

const t = withShop({
  server: { httpPort: 19700, mqttPort: 19701, metricsPort: 19702, maxEventAgeMs: 5 * DAY },
  setup: async ({ shop }) => {
    // Yesterday's shoppers (the period today is compared with); none today, so no hour of today counted anyone before the outage.
    await shop.publish(trips(shop.events, Date.now() - DAY - 2 * HOUR, HOUR, 10, 3));
    await waitFor("the trips stored", async () => (await traffic(Date.now() - 2 * DAY, Date.now())).buckets.length > 0, { timeoutMs: 30_000, intervalMs: 250 });
  },
});

type Answer = { buckets: unknown[]; outages?: { hours: number } | null };
const traffic = async (from: number, to: number): Promise<Answer> =>
  (await fetch(`${t.server.httpUrl}/api/v1/stores/${t.shop.store}/traffic?from=${from}&to=${to}&bucket=hour`, { headers: { authorization: `Bearer ${t.shop.tokens.admin}` } })).json() as Promise<Answer>;

describe("the store's traffic screens while its entrance camera is offline", () => {
  it("mark the hours nobody counted on the traffic chart and in the Report, and give no change against the previous period", async () => {
    await agentStatus(t.shop, "offline");
    await waitFor("the outage in the traffic answer", async () => ((await traffic(Date.now() - HOUR, Date.now())).outages ?? null) !== null, { timeoutMs: 15_000, intervalMs: 250 });

    const page = await t.open(`/heatmap/${t.shop.store}?range=today&compare=1`, t.shop.tokens.viewer);
    // The chart's card: "amber: not counted 1 h", its title naming the hour. Old UI: nothing, read as nobody there.
    const hint = page.getByTestId("traffic-not-counted");
    await hint.waitFor({ timeout: 15_000 });
    expect(await hint.getAttribute("data-hours")).toBe("1");
    expect(await hint.getAttribute("title")).toMatch(/^Not counted 1 h \(\w{3} \d{1,2} \w{3}, \d\d:00–\d\d:\d\d CES?T\): the store's entrance was counted by no agent \(offline\) in those open hours/);
    // The comparison with yesterday: no −100 %, "— not counted" in every zone's row, the hours in its title, and a note saying why.
    const changes = page.locator('[data-testid="ranking"] td[data-change="outage"]');
    await changes.first().waitFor({ timeout: 15_000 });
    expect(await changes.count()).toBe(await page.locator('[data-testid="ranking"] tbody tr').count());
    expect(await changes.first().textContent()).toBe("— not counted");
    expect(await changes.first().getAttribute("title")).toMatch(/^The store's entrance was counted by no agent \(offline\) for 1 h \(.+\) of this range: a change would read the outage as a change in traffic/);
    expect(await page.getByTestId("outage-compare").textContent()).toMatch(/^Not compared: this store's entrance was counted by no agent \(offline\) for 1 h /);
    await page.close();

    const report = await t.open(`/report/${t.shop.store}?range=today`, t.shop.tokens.viewer);
    const note = report.getByTestId("report-outage");
    await note.waitFor({ timeout: 15_000 });
    expect(await note.textContent()).toMatch(/^Not counted 1 h \(.+\): the store's entrance was counted by no agent/);
    const today = report.locator('[data-testid="report-days"] tbody tr[data-not-counted]');
    expect(await today.count()).toBe(1);
    expect(await today.getAttribute("data-not-counted")).toBe("1");
    expect(await today.textContent()).toContain("not counted 1 h");
    await report.close();
  });
});
