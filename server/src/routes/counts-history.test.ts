/**
 * Counts for BI tools past the hour and day figures kept (FOOTFALL_AGGREGATE_RETENTION_DAYS): the
 * buckets whose figures retention deleted are empty (null in JSON, an empty CSV cell), not rows of
 * zeros that a BI tool charts as a closed store; the buckets kept keep their counts.
 */
import { describe, expect, it } from "vitest";
import { EventFactory, rectZone, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { Retention } from "../aggregates/retention.js";
import { createLogger } from "../log.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Mon 2 Mar 2026, 10:00 in Paris. */
const T0 = Date.UTC(2026, 2, 2, 9, 0);
let now = T0 + DAY + 2 * HOUR;

const t = useTestServer({ now: () => now, maxAgeMs: 30 * DAY, config: { aggregateRetentionDays: 3 } });

interface Row {
  zone: string;
  start: string;
  in: number | null;
  out: number | null;
}

describe("counts older than the hour and day figures kept", () => {
  it("leaves the buckets retention deleted empty, not 0, and keeps the others' counts", async () => {
    await t.putLayout("shop", smallLayout());
    const cam = new EventFactory("cam-1");
    const door = new EventFactory("door-1");
    // Two people in fruit and one counted at the door, at Monday 08:05 (Paris), Monday 11:05 and Tuesday 10:05.
    for (const [tag, at] of [["mon8", T0 - 2 * HOUR], ["mon11", T0 + HOUR], ["tue10", T0 + DAY]] as const) {
      await t.ingest("shop", "cam-1", [...cam.visit(`a-${tag}`, "fruit", at + 5 * 60_000, 30_000), ...cam.visit(`b-${tag}`, "fruit", at + 9 * 60_000, 30_000)]);
      await t.ingest("shop", "door-1", [door.count("entrance", at + 4 * 60_000, 1, 0)]);
    }
    // Thursday 10:30 in Paris, 3 days kept: from Monday 10:30, so the hours before Monday 10:00 go at a retention pass.
    now = T0 + 3 * DAY + 30 * 60_000;
    const retention = new Retention(t.server.services.storage, { rawDays: 0, aggregateDays: 3, now: () => now, log: createLogger("silent") });
    expect(await retention.pass()).toBeGreaterThan(0);

    const range = `from=${encodeURIComponent("2026-03-02T00:00:00+01:00")}&to=${encodeURIComponent("2026-03-04T00:00:00+01:00")}`;
    const daily = await t.get<{ keptFrom: number; rows: Row[] }>(`/api/v1/stores/shop/counts?${range}&interval=1d`);
    expect(daily.status).toBe(200);
    expect(daily.body.keptFrom).toBe(T0);
    const day = (start: string, zone: string) => daily.body.rows.find((r) => r.start === start && r.zone === zone);
    // Monday: cut by the horizon (its 08:00 hour deleted; the 2 of 11:00 are not the day's).
    expect(day("2026-03-02T00:00:00+01:00", "fruit")).toMatchObject({ in: null, out: null });
    expect(day("2026-03-02T00:00:00+01:00", "entrance")).toMatchObject({ in: null, out: null });
    // Tuesday: whole.
    expect(day("2026-03-03T00:00:00+01:00", "fruit")).toMatchObject({ in: 2, out: null });
    expect(day("2026-03-03T00:00:00+01:00", "entrance")).toMatchObject({ in: 1, out: 0 });

    const hourly = await t.get(`/api/v1/stores/shop/counts?${range}&interval=1h&format=csv`);
    const lines = hourly.text.trim().split("\r\n");
    // Monday 08:00 (deleted) and 09:00 (before the first hour kept) empty; Monday 10:00 on, and Tuesday, counted.
    expect(lines).toContain("shop,fruit,zone,2026-03-02T08:00:00+01:00,2026-03-02T09:00:00+01:00,,");
    expect(lines).toContain("shop,entrance,entrance,2026-03-02T08:00:00+01:00,2026-03-02T09:00:00+01:00,,");
    expect(lines).toContain("shop,fruit,zone,2026-03-02T09:00:00+01:00,2026-03-02T10:00:00+01:00,,");
    expect(lines).toContain("shop,fruit,zone,2026-03-02T10:00:00+01:00,2026-03-02T11:00:00+01:00,0,");
    expect(lines).toContain("shop,fruit,zone,2026-03-02T11:00:00+01:00,2026-03-02T12:00:00+01:00,2,");
    expect(lines).toContain("shop,entrance,entrance,2026-03-02T11:00:00+01:00,2026-03-02T12:00:00+01:00,1,0");
    expect(lines).toContain("shop,fruit,zone,2026-03-03T10:00:00+01:00,2026-03-03T11:00:00+01:00,2,");

    // Traffic and dwell, which the charts read, say the same horizon: their zeros before it are no data kept, not a closed store.
    const traffic = await t.get<{ keptFrom?: number; buckets: { start: string; enters: number }[] }>(`/api/v1/stores/shop/traffic?${range}&bucket=hour`);
    expect(traffic.status).toBe(200);
    expect(traffic.body.keptFrom).toBe(T0);
    expect(traffic.body.buckets.find((b) => b.start === "2026-03-02T08:00:00+01:00")).toMatchObject({ enters: 0 });
    expect(Date.parse("2026-03-02T08:00:00+01:00")).toBeLessThan(traffic.body.keptFrom!);
    expect(traffic.body.buckets.find((b) => b.start === "2026-03-02T11:00:00+01:00")).toMatchObject({ enters: 1 });
    const dwell = await t.get<{ keptFrom?: number }>(`/api/v1/stores/shop/dwell?${range}`);
    expect(dwell.status).toBe(200);
    expect(dwell.body.keptFrom).toBe(T0);
  });
});

describe("the kind of a zone on counts rows", () => {
  // Tuesday 10:37 (Paris), within the figures kept whatever the test before did with the clock.
  it("is the zone's own kind on the rows of a day it was added during, and before it, not 'removed'", async () => {
    const v1 = smallLayout();
    const v2 = smallLayout({ validFrom: T0 + DAY + 37 * 60_000 });
    v2.zones = [...v2.zones, rectZone("promo", "zone", 16, 0, 4, 4)];
    await t.putLayout("refit", v1);
    await t.putLayout("refit", v2);
    const cam = new EventFactory("cam-1", "refit");
    await t.ingest("refit", "cam-1", cam.visit("p", "promo", T0 + DAY + 50 * 60_000, 30_000));
    const range = `from=${encodeURIComponent("2026-03-03T00:00:00+01:00")}&to=${encodeURIComponent("2026-03-04T00:00:00+01:00")}`;
    const daily = await t.get<{ rows: (Row & { kind: string })[] }>(`/api/v1/stores/refit/counts?${range}&interval=1d`);
    expect(daily.body.rows.find((r) => r.zone === "promo")).toMatchObject({ kind: "zone", in: 1 });
    const hourly = await t.get<{ rows: (Row & { kind: string })[] }>(`/api/v1/stores/refit/counts?${range}&interval=1h`);
    const promo = hourly.body.rows.filter((r) => r.zone === "promo");
    expect(new Set(promo.map((r) => r.kind))).toEqual(new Set(["zone"]));
    expect(promo.find((r) => r.start === "2026-03-03T10:00:00+01:00")).toMatchObject({ in: 1 });
  });
});
