/**
 * A store's own traffic answer says which open hours its entrance was counted by no agent, as the
 * chain overview and the digests do (chain/outages.ts entranceNotCounted, one rule): the store
 * manager's charts, Report and CSVs read GET .../traffic, which showed the afternoon its entrance
 * camera was down as a drop with nothing saying why. On the in-process server's SQLite file.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { DAY, HOUR, NOW, OUT_DAY, OUTAGE, seedAfternoonOutage } from "../../../test/support/afternoon-outage.js";
import { useTestServer } from "../../../test/support/in-process.js";

const t = useTestServer({ now: () => NOW, maxAgeMs: 60 * DAY });

beforeAll(() => seedAfternoonOutage(t));

const traffic = async (store: string, from: number, to: number, bucket: "hour" | "day") => {
  const res = await t.get(`/api/v1/stores/${store}/traffic?from=${from}&to=${to}&bucket=${bucket}`);
  expect(res.status).toBe(200);
  return res.body as { buckets: { start: string; enters: number }[]; outages?: unknown };
};

describe("GET /stores/:store/traffic of a store whose entrance was counted by no agent one afternoon", () => {
  it("gives the hours nobody counted beside the buckets, as the overview's outages.range", async () => {
    const day = await traffic("afternoon", OUT_DAY, OUT_DAY + DAY, "hour");
    expect(day.buckets.reduce((s, b) => s + b.enters, 0)).toBe(60);
    // Old code: no outages at all, the 4 hours read as nobody there.
    expect(day.outages).toEqual({ hours: 4, zones: ["entrance"], spans: [OUTAGE] });
    const overview = await t.get(`/api/v1/overview?from=${OUT_DAY}&to=${OUT_DAY + DAY}`);
    expect((overview.body.stores as { id: string; outages: { range: unknown } }[]).find((s) => s.id === "afternoon")!.outages.range).toEqual(day.outages);
    // By day over the week (the Report's and the day chart's answer): the same hours.
    expect((await traffic("afternoon", OUT_DAY - 3 * DAY, OUT_DAY + 4 * DAY, "day")).outages).toEqual({ hours: 4, zones: ["entrance"], spans: [OUTAGE] });
    // Only the part of the outage within the range asked.
    expect((await traffic("afternoon", OUT_DAY + 16 * HOUR, OUT_DAY + DAY, "hour")).outages).toEqual({ hours: 2, zones: ["entrance"], spans: [{ from: OUT_DAY + 16 * HOUR, to: OUTAGE.to }] });
    // A range to now, 20 minutes into the first hour nobody counted (today so far): 1 h, not "0 h".
    const soFar = OUT_DAY + 14 * HOUR + 20 * 60_000;
    expect((await traffic("afternoon", OUT_DAY, soFar, "hour")).outages).toEqual({ hours: 1, zones: ["entrance"], spans: [{ from: OUTAGE.from, to: soFar }] });
  });

  it("says null for a period without one: the day after, and the steady store", async () => {
    expect((await traffic("afternoon", OUT_DAY + DAY, OUT_DAY + 2 * DAY, "hour")).outages).toBeNull();
    expect((await traffic("steady", OUT_DAY, OUT_DAY + DAY, "hour")).outages).toBeNull();
  });
});
