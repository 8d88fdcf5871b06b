/**
 * GET /traffic took `bucket=` (hour, day) and GET /counts `interval=` (15m, 1h, 1d) for the same idea: a tool built on
 * one, given the other's name, got a 400 (an unknown parameter). Both routes now take both names, each with its own
 * values: the same answers either way; both given and differing, a 400 naming both; a value neither takes, a 400 naming
 * the parameter. On the in-process server's SQLite file, with a day of real counts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { DAY, OUT_DAY, seedAfternoonOutage, NOW } from "../../../test/support/afternoon-outage.js";
import { useTestServer } from "../../../test/support/in-process.js";

const t = useTestServer({ now: () => NOW, maxAgeMs: 60 * DAY });
beforeAll(() => seedAfternoonOutage(t));

type Err = { message: string };
const week = `from=${OUT_DAY - 3 * DAY}&to=${OUT_DAY + 4 * DAY}`;
const traffic = (q: string) => t.get<{ buckets: { start: string; enters: number }[] } & Err>(`/api/v1/stores/afternoon/traffic?${week}&${q}`);
const counts = (q: string) => t.get<{ interval: string; rows: { start: string; in: number | null }[] } & Err>(`/api/v1/stores/afternoon/counts?${week}&${q}`);

describe("bucket= and interval= on GET /traffic and GET /counts", () => {
  it("/traffic takes interval=1h and 1d, as bucket=hour and day", async () => {
    const [byDay, byInterval, hourly, byHourInterval, both] = await Promise.all([traffic("bucket=day"), traffic("interval=1d"), traffic("bucket=hour"), traffic("interval=1h"), traffic("bucket=day&interval=1d")]);
    for (const r of [byDay, byInterval, hourly, byHourInterval, both]) expect(r.status).toBe(200);
    expect(byDay.body.buckets).toHaveLength(7);
    expect(byDay.body.buckets.reduce((s, b) => s + b.enters, 0)).toBeGreaterThan(0);
    expect(byInterval.body).toEqual(byDay.body);
    expect(both.body).toEqual(byDay.body);
    expect(byHourInterval.body).toEqual(hourly.body);
    expect(hourly.body.buckets).toHaveLength(7 * 24);
  });

  it("/counts takes bucket=hour and day, as interval=1h and 1d", async () => {
    const [daily, byBucket, hourly, byHourBucket, both] = await Promise.all([counts("interval=1d"), counts("bucket=day"), counts("interval=1h"), counts("bucket=hour"), counts("interval=1d&bucket=day")]);
    for (const r of [daily, byBucket, hourly, byHourBucket, both]) expect(r.status).toBe(200);
    expect(daily.body.interval).toBe("1d");
    expect(daily.body.rows.length).toBeGreaterThan(0);
    expect(byBucket.body).toEqual(daily.body);
    expect(both.body).toEqual(daily.body);
    expect(byHourBucket.body).toEqual(hourly.body);
    expect(hourly.body.interval).toBe("1h");
    // The group's counts too.
    expect((await t.request("POST", "/api/v1/groups", { id: "g-bucket", name: "Bucket names", stores: ["afternoon"] })).status).toBe(200);
    const group = await t.get<{ interval: string }>(`/api/v1/groups/g-bucket/counts?${week}&bucket=day`);
    expect([group.status, group.body.interval]).toEqual([200, "1d"]);
  });

  it("refuses both names saying different buckets, in words naming both", async () => {
    for (const res of [await traffic("bucket=hour&interval=1d"), await counts("interval=1h&bucket=day")]) {
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^querystring\/interval: bucket=(hour|day) and interval=1[hd] ask for different buckets; give one of them/);
    }
  });

  it("refuses what neither name takes: 15-minute traffic (pointing at /counts), hostile values", async () => {
    const quarter = await traffic("interval=15m");
    expect(quarter.status).toBe(400);
    expect(quarter.body.message).toContain("counts?interval=15m");
    for (const v of ["week", "1H", "", "%00", "hour,day", "x".repeat(5000), "__proto__", "-1"]) {
      for (const res of [await traffic(`interval=${encodeURIComponent(v)}`), await counts(`bucket=${encodeURIComponent(v)}`)]) {
        expect([v.slice(0, 20), res.status]).toEqual([v.slice(0, 20), 400]);
        expect(res.body.message).toMatch(/querystring\/(interval|bucket)/);
      }
    }
  });
});
