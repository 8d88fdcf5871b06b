/**
 * overview-outage.test on Debian's PostgreSQL: the chain overview and the daily digest of a store
 * whose entrance camera was down one afternoon say which hours nobody counted and compare that day
 * with no other, as on SQLite (the offline spans, the hour figures and the zone visits read from
 * PostgreSQL).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DAY, NOW, OUT_DAY, OUTAGE, seedAfternoonOutage } from "../../../test/support/afternoon-outage.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { usePostgres } from "../../../test/support/postgres.js";

const pg = usePostgres();
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ now: () => NOW, maxAgeMs: 60 * DAY, config: { databaseUrl: pg.database("footfall_overview_outage") } });
  await seedAfternoonOutage(t);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

type Row = { id: string; figures: { enters: number }; previous: { enters: number }; notLikeForLike: { previous: string | null }; outages: { range: unknown; previous: unknown } };

describe("GET /overview and the daily digest on PostgreSQL, with a store whose entrance was counted by no agent one afternoon", () => {
  it("gives the outage's hours, compares neither that day nor the next, and leaves the store out of the totals' change", async () => {
    const day = await t.get(`/api/v1/overview?from=${OUT_DAY}&to=${OUT_DAY + DAY}`);
    expect(day.status).toBe(200);
    const row = (body: { stores: Row[] }, id: string) => body.stores.find((s) => s.id === id)!;
    expect(row(day.body, "afternoon")).toMatchObject({ figures: { enters: 60 }, previous: { enters: 100 }, notLikeForLike: { previous: "outage" } });
    expect(row(day.body, "afternoon").outages.range).toEqual({ hours: 4, zones: ["entrance"], spans: [OUTAGE] });
    expect(row(day.body, "steady").notLikeForLike.previous).toBeNull();
    expect(day.body.totals.likeForLike.previous).toMatchObject({ stores: 1, figures: { enters: 100 }, before: { enters: 100 } });
    const next = await t.get(`/api/v1/overview?from=${OUT_DAY + DAY}&to=${OUT_DAY + 2 * DAY}`);
    expect(row(next.body, "afternoon").outages.previous).toEqual({ hours: 4, zones: ["entrance"], spans: [OUTAGE] });
    expect(row(next.body, "afternoon").notLikeForLike.previous).toBe("outage");
  });

  it("says so in the store's daily digest", async () => {
    const made = await t.request("POST", "/api/v1/digests", { scope: "store", target: "afternoon", frequency: "daily", recipients: ["area@chain.example"], hour: 7 });
    expect(made.status).toBe(200);
    const preview = await t.request("GET", `/api/v1/digests/${made.body.id}/preview?period=2026-11-30`);
    expect(preview.status).toBe(200);
    expect(preview.body.text).toMatch(/^Enters\s+60\s+the day before: 100 \(not compared\)$/m);
    expect(preview.body.text).toContain("for some open hours of this day (4 h, Mon 30 Nov 14:00–18:00)");
  });
});
