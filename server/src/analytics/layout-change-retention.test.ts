/**
 * A layout version saved at a time that is not a whole hour (the editor's "Valid from" follows the
 * clock: 10:37) that leaves the entrances as they were, once retention (FOOTFALL_RETENTION_DAYS)
 * has deleted the raw events of that hour: store enters over any range across it still answer,
 * from the hour rollups, with the figures they had before (they were refused with a 400 naming the
 * retention horizon, traffic by day and the chain overview alike). A version that changes the
 * entrances still splits its hour.
 */
import { describe, expect, it } from "vitest";
import { EventFactory, rectZone, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { Retention } from "../aggregates/retention.js";
import { createLogger } from "../log.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Tue 10 Mar 2026, 10:00 in Paris. */
const T0 = Date.UTC(2026, 2, 10, 9, 0);
const CHANGE = T0 + 37 * 60_000;
let now = T0 + 3 * HOUR;

const t = useTestServer({ now: () => now, config: { retentionDays: 1 } });

/** The local day of Paris holding T0, and the figures store enters give over it. */
const DAY_RANGE = `from=${encodeURIComponent("2026-03-10T00:00:00+01:00")}&to=${encodeURIComponent("2026-03-11T00:00:00+01:00")}`;
const urls = [
  `/api/v1/stores/shop/traffic?${DAY_RANGE}&bucket=hour`,
  `/api/v1/stores/shop/traffic?${DAY_RANGE}&bucket=day`,
  `/api/v1/stores/shop/counts?${DAY_RANGE}&interval=1h&format=csv`,
  `/api/v1/stores/shop/counts?${DAY_RANGE}&interval=1d`,
  `/api/v1/stores/shop/conversion?${DAY_RANGE}`,
  `/api/v1/overview?${DAY_RANGE}`,
];

/**
 * Each answer's status and text; of the chain overview, its stores' enters; of conversion, its store figures (its zones' median dwell comes
 * from the histogram once the visit rows are gone, within 1 s as README says, not from the same rows).
 */
async function answers(): Promise<{ url: string; status: number; text: string }[]> {
  const out = [];
  for (const url of urls) {
    const res = await t.get(url);
    const text =
      res.status !== 200
        ? res.text
        : url.includes("/conversion")
          ? JSON.stringify((res.body as { store: unknown }).store)
          : url.includes("/overview")
            ? JSON.stringify((res.body as { stores: { figures: { enters: unknown } }[] }).stores.map((s) => s.figures.enters))
            : res.text;
    out.push({ url, status: res.status, text });
  }
  return out;
}

describe("a layout change inside an hour whose raw events retention deleted", () => {
  it("leaves traffic, counts and conversion of a range across it as they were when it keeps the entrances", async () => {
    await t.putLayout("shop", smallLayout());
    // Version 2 at 10:37 adds a zone; the entrance stays the entrance.
    const v2 = smallLayout({ validFrom: CHANGE });
    v2.zones = [...v2.zones, rectZone("promo", "zone", 16, 0, 4, 4)];
    await t.putLayout("shop", v2);
    const f = new EventFactory("cam-1");
    await t.ingest("shop", "cam-1", [
      ...f.visit("a", "entrance", T0 + 10 * 60_000, 20_000),
      ...f.visit("b", "entrance", T0 + 12 * 60_000, 20_000),
      ...f.visit("a", "fruit", T0 + 15 * 60_000, 60_000),
      ...f.visit("c", "entrance", T0 + 50 * 60_000, 20_000),
      ...f.visit("c", "promo", T0 + 52 * 60_000, 60_000),
      ...f.visit("d", "entrance", T0 + 75 * 60_000, 20_000),
    ]);
    const before = await answers();
    expect(before.map((a) => a.status)).toEqual(urls.map(() => 200));
    const hourly = JSON.parse(before[0]!.text) as { buckets: { start: string; enters: number; zones: Record<string, number> }[] };
    expect(hourly.buckets.find((b) => b.start === "2026-03-10T10:00:00+01:00")).toEqual({ start: "2026-03-10T10:00:00+01:00", enters: 3, zones: { entrance: 3, fruit: 1, promo: 1 } });

    // Three days on, the server's retention pass (1 day) deletes the raw events of that hour; its rollups stay.
    now = T0 + 3 * DAY;
    const retention = new Retention(t.server.services.storage, { rawDays: 1, aggregateDays: 0, now: () => now, log: createLogger("silent") });
    expect(await retention.pass()).toBeGreaterThan(0);
    const after = await answers();
    expect(after).toEqual(before);
  });

  it("still cuts the hour where a version changes the entrances", async () => {
    // Version 3, two hours after T0 at 12:20: the fruit zone becomes a second entrance.
    now = T0 + 3 * HOUR;
    const v3 = smallLayout({ validFrom: T0 + 2 * HOUR + 20 * 60_000 });
    v3.zones = v3.zones.map((z) => (z.id === "fruit" ? { ...z, kind: "entrance" as const } : z));
    v3.zones = [...v3.zones, rectZone("promo", "zone", 16, 0, 4, 4)];
    await t.putLayout("shop", v3);
    const f = new EventFactory("cam-1", "v3");
    await t.ingest("shop", "cam-1", [...f.visit("e", "fruit", T0 + 2 * HOUR + 5 * 60_000, 30_000), ...f.visit("g", "fruit", T0 + 2 * HOUR + 30 * 60_000, 30_000)]);
    const res = await t.get<{ buckets: { start: string; enters: number; zones: Record<string, number> }[] }>(`/api/v1/stores/shop/traffic?${DAY_RANGE}&bucket=hour`);
    expect(res.status).toBe(200);
    // Only the visit after 12:20 counts as a store enter.
    expect(res.body.buckets.find((b) => b.start === "2026-03-10T12:00:00+01:00")).toEqual({ start: "2026-03-10T12:00:00+01:00", enters: 1, zones: { fruit: 2 } });
  });
});
