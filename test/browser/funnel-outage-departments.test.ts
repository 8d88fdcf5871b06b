/**
 * The funnel by hour with departments as steps while the shop's only camera is offline, in chromium
 * against the built server. The amber "not counted N h" hint's title names what the steps are: a
 * department and, in it, its zones by name ("Fresh (Fruit & veg and Bakery)"), the note above the steps
 * the same words. Before, the title named the outage's zones by their ids ("entrance, promo, fruit, ...").
 */
import { describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { waitFor } from "../support/index.js";
import { withShop } from "./helpers/shop.js";
import { trips } from "./helpers/store.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;

const hourStart = Math.floor(Date.now() / HOUR) * HOUR;
const from = hourStart - 2 * HOUR;

const t = withShop({
  server: { httpPort: 18700, mqttPort: 18701, metricsPort: 18702, maxEventAgeMs: 5 * DAY },
  setup: async ({ shop }) => {
    const put = await shop.api.request("PUT", `/api/v1/stores/${shop.store}/departments`, { departments: { Fresh: ["fruit", "bakery"], Tills: ["checkout"] } });
    expect(put.status).toBe(200);
    await status("online");
    await shop.publish(trips(shop.events, from, 30 * MIN, 12, 3));
  },
});

function status(state: "online" | "offline") {
  return t.shop.mqtt.publishAsync(topics.status(t.shop.store, "cam-1"), JSON.stringify({ state, ts: Date.now(), kind: "sim", version: "0.1.0" }), { qos: 1, retain: true });
}

describe("the funnel by hour with departments as steps while its camera is offline", () => {
  it("names the departments and their zones, not zone ids, in the amber hint's title and the note", async () => {
    await status("offline");
    const funnelApi = () => `${t.server.httpUrl}/api/v1/stores/${t.shop.store}/funnel?from=${from}&to=${Date.now() + MIN}&steps=Fresh,Tills&alias=1&by=hour`;
    await waitFor(
      "the outage in the funnel answer",
      async () => ((await (await fetch(funnelApi(), { headers: { authorization: `Bearer ${t.shop.tokens.admin}` } })).json()) as { outages?: { zones: string[] } | null }).outages?.zones.includes("fruit") === true,
      { timeoutMs: 15_000, intervalMs: 250 },
    );

    const page = await t.open(`/funnel/${t.shop.store}?from=${from}&to=${Date.now() + MIN}&steps=Fresh,Tills&alias=1&by=hour`, t.shop.tokens.viewer);
    const hint = page.getByTestId("funnel-buckets-not-counted");
    await hint.waitFor({ timeout: 15_000 });
    expect(await hint.textContent()).toMatch(/^amber: not counted \d h$/);
    const title = (await hint.getAttribute("title")) ?? "";
    // cam-1 counts every zone: the departments with their zones, the zones in none by their names, in the layout's order.
    expect(title).toMatch(/^Not counted \d h \(.+\): Entrance, Promo, Fresh \(Fruit & veg and Bakery\), Drinks, Clothing, Fitting rooms and Tills \(Checkout\) were counted by no agent \(offline\)/);
    // Old UI: the zones' ids ("entrance, promo, fruit and ...").
    expect(title).not.toMatch(/\b(entrance|fruit|bakery|checkout)\b/);
    // The note above the steps says the same.
    const note = page.getByTestId("zones-outage");
    await note.waitFor({ timeout: 15_000 });
    expect(await note.textContent()).toBe(`${title}.`);
    // The steps are the departments, as the hint names them.
    expect(await page.getByTestId("funnel-step-Fresh").locator(".label").textContent()).toBe("1. Fresh");
    await page.close();
  });
});
