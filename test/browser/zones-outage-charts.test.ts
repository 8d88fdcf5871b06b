/**
 * The Heatmap's comparison, the week grid and the funnel by hour while a camera is offline, in chromium
 * against the built server. cam-2 is the only camera over the till queue ("line"), cam-1 counts the
 * rest. First cam-2 goes offline: the queue's change against the previous period is "— not counted",
 * as the entrance's is (before, "−100 %": its outage read as a drop); the zones cam-1 counts keep
 * theirs. Then cam-1 too: a range of this hour alone says on the week grid that its enters were not
 * counted (before, "No enters in this range"), and the funnel by hour shades and lists this hour
 * (before, only the note and the CSV said it).
 */
import { describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { topics } from "@footfall/core";
import { addAgent, batchJson, connectMqtt, EventFactory, publishAll, waitFor } from "../support/index.js";
import { withShop } from "./helpers/shop.js";
import { shopWithQueueLayout, trips } from "./helpers/store.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;

// The start of this hour (Paris is a whole hour off UTC): the range begins two hours before it, the previous period before that.
const hourStart = Math.floor(Date.now() / HOUR) * HOUR;
const from = hourStart - 2 * HOUR;
let cam2: MqttClient | undefined;

const t = withShop({
  server: { httpPort: 20200, mqttPort: 20201, metricsPort: 20202, maxEventAgeMs: 5 * DAY },
  setup: async ({ server, shop }) => {
    await shop.api.putLayout(shop.store, shopWithQueueLayout());
    const creds = await addAgent(server.dataDir, shop.store, "cam-2", "sim");
    cam2 = await connectMqtt({ url: server.mqttUrl, username: creds.username, password: creds.password });
    await status("cam-1", "online");
    await status("cam-2", "online");
    // The previous period: shoppers, and six people in the till queue (cam-2's only zone). The range: shoppers in its first half hour, none in the queue.
    await shop.publish([...trips(shop.events, from - 2 * HOUR, 30 * MIN, 12, 3), ...trips(shop.events, from, 30 * MIN, 10, 5)]);
    const f2 = new EventFactory("cam-2");
    await publishAll(cam2, topics.events(shop.store, "cam-2"), [batchJson("cam-2", Array.from({ length: 6 }, (_, i) => f2.visit(`q${i}`, "line", from - 2 * HOUR + i * MIN, 2 * MIN)).flat())]);
    await waitFor("the queue's visits stored", async () => ((await get<{ zones: { zone: string; visits: number }[] }>("dwell", from - 3 * HOUR, from)).zones.find((z) => z.zone === "line")?.visits ?? 0) === 6, { timeoutMs: 30_000, intervalMs: 250 });
  },
  teardown: async () => {
    await cam2?.endAsync(true).catch(() => {});
  },
});

function status(agent: "cam-1" | "cam-2", state: "online" | "offline") {
  const client = agent === "cam-1" ? t.shop.mqtt : cam2!;
  return client.publishAsync(topics.status(t.shop.store, agent), JSON.stringify({ state, ts: Date.now(), kind: "sim", version: "0.1.0" }), { qos: 1, retain: true });
}
type Outages = { outages?: { hours: number; zones: string[] } | null };
const get = async <T,>(what: string, a: number, b: number, more = ""): Promise<T & Outages> =>
  (await fetch(`${t.server.httpUrl}/api/v1/stores/${t.shop.store}/${what}?from=${a}&to=${b}${more}`, { headers: { authorization: `Bearer ${t.shop.tokens.admin}` } })).json() as Promise<T & Outages>;

describe("the Heatmap's comparison, the week grid and the funnel by hour while a camera is offline", () => {
  it("gives the till queue no change against the previous period while its only camera is offline, and the other zones theirs", async () => {
    await status("cam-2", "offline");
    await waitFor("the queue's outage in the dwell answer", async () => !!(await get("dwell", hourStart, Date.now() + MIN)).outages?.zones.includes("line"), { timeoutMs: 15_000, intervalMs: 250 });

    const page = await t.open(`/heatmap/${t.shop.store}?from=${from}&to=${Date.now() + MIN}&compare=1`, t.shop.tokens.viewer);
    // Old UI: "−100 %" (6 visits before, none counted now), as if nobody queued.
    const line = page.locator('[data-testid="heat-row-line"] td[data-change="zone-outage"]');
    await line.waitFor({ timeout: 15_000 });
    expect(await line.textContent()).toBe("— not counted");
    expect(await line.getAttribute("title")).toMatch(/^This zone was counted by no agent \(offline\) in open hours of this range \(\d h \(.+\)\): a change would read the outage as a change in its figures, so none is shown$/);
    // Only the queue: the zones cam-1 counts keep their change, and the store's entrance was counted, so no store-wide note.
    expect(await page.locator('[data-testid="ranking"] td[data-change]').count()).toBe(1);
    expect(await page.locator('[data-testid="heat-row-fruit"] td').last().textContent()).toMatch(/%|new|–/);
    expect(await page.getByTestId("outage-compare").count()).toBe(0);
    await page.close();
  });

  it("says this hour's enters were not counted on the week grid, and shades and lists it on the funnel by hour, once the entrance's camera is offline too", async () => {
    await status("cam-1", "offline");
    await waitFor("the entrance's outage in the traffic answer", async () => ((await get("traffic", hourStart, Date.now() + MIN, "&bucket=hour")).outages ?? null) !== null, { timeoutMs: 15_000, intervalMs: 250 });

    // This hour alone: nobody counted, not nobody there. Old UI: "No enters in this range".
    const thisHour = Math.floor(Date.now() / HOUR) * HOUR;
    const heat = await t.open(`/heatmap/${t.shop.store}?from=${thisHour}&to=${Date.now() + MIN}`, t.shop.tokens.viewer);
    const empty = heat.getByTestId("week-grid-no-enters");
    await empty.waitFor({ timeout: 15_000 });
    expect(await empty.getAttribute("data-not-counted")).toBe("1");
    const words = (await empty.textContent()) ?? "";
    expect(words).toMatch(/^No enters counted in this rangeNot counted 1 h \(.+\): the store's entrance was counted by no agent \(offline\) in those open hours, so their enters are not known, not none\.$/);
    expect(words).not.toContain("No enters in this range");
    await heat.close();

    // The funnel by hour over the whole range: this hour shaded and said, the two before not. Old UI: nothing but the note.
    const funnel = await t.open(`/funnel/${t.shop.store}?from=${from}&to=${Date.now() + MIN}&steps=entrance,fruit,checkout&by=hour`, t.shop.tokens.viewer);
    const hint = funnel.getByTestId("funnel-buckets-not-counted");
    await hint.waitFor({ timeout: 15_000 });
    expect(await hint.textContent()).toMatch(/^amber: not counted \d h$/);
    expect(await hint.getAttribute("title")).toMatch(/^Not counted \d h \(.+\): .*Entrance.* were counted by no agent \(offline\)/);
    const rows = funnel.locator('[data-testid="funnel-buckets-table"] tbody tr');
    // One row an hour from two hours before this one (three, or four past the turn of an hour): the first two counted.
    const marks = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-not-counted")));
    expect(marks.length).toBe(Math.floor(Date.now() / HOUR) - from / HOUR + 1);
    expect(marks.slice(0, 2)).toEqual([null, null]);
    expect(marks.at(-1)).toBe("1");
    expect(await rows.last().locator("th").textContent()).toContain("(not counted 1 h)");
    await funnel.close();
  });
});
