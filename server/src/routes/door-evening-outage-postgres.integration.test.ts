/**
 * door-evening-outage.test on Debian's PostgreSQL: a door counter offline one afternoon and evening
 * whose counts came in later is no outage in a store without opening hours, the evening hour it
 * counted only people out in included (the door hours' `out` and the raw counts read from PostgreSQL);
 * one switched off is an outage of every hour it counted nothing in.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DAY, NOW, OUT_DAY, OUTAGE, seedDoorEvening } from "../../../test/support/door-evening.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { usePostgres } from "../../../test/support/postgres.js";

const pg = usePostgres();
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ now: () => NOW, maxAgeMs: 30 * DAY, config: { databaseUrl: pg.database("footfall_door_evening") } });
  await seedDoorEvening(t);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const trafficOutages = async (store: string, from = OUT_DAY, to = OUT_DAY + DAY) => {
  const res = await t.get(`/api/v1/stores/${store}/traffic?from=${from}&to=${to}&bucket=hour`);
  expect(res.status).toBe(200);
  return res.body.outages;
};

describe("a door counter offline one afternoon and evening, on PostgreSQL", () => {
  it("is no outage when its counts came in later, without hours or with; one switched off is", async () => {
    expect(await trafficOutages("evening")).toBeNull();
    expect(await trafficOutages("evening-hours")).toBeNull();
    expect(await trafficOutages("evening-off")).toEqual({ hours: 7, zones: ["entrance"], spans: [OUTAGE] });
  });

  it("reads the parts of hours at a range's edges from the raw counts: 20:10 to 20:50 is counted", async () => {
    // Only the raw counts answer a part of an hour: the 11 out at 20:15.
    expect(await trafficOutages("evening", OUT_DAY + 20 * 3_600_000 + 10 * 60_000, OUT_DAY + 20 * 3_600_000 + 50 * 60_000)).toBeNull();
  });
});
