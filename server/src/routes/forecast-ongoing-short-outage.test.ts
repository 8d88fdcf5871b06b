import { beforeAll, describe, expect, it } from "vitest";
import type { FootfallEvent } from "@footfall/core";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

/**
 * A door counter off since 10:57 and still off at 11:30 (Monday 7 December 2026, Paris): hour 10 had 3 minutes of the
 * outage, and the screens count it (GET .../traffic's outages say 11:00-11:30 only: core zonesNotCounted, SHORT_OUTAGE_MS).
 * The forecast's history now keeps hour 10 as the screens do (core historyNotCounted), so tomorrow's 10:00, read from
 * today's 10:00 by a store in its first week (recent-days), is today's count, not Sunday's; its note says the hour it
 * began in is read as counted. Before, an outage going on took the history out from its first minute: hour 10 was left
 * out and tomorrow's 10:00 read Sunday's 4. A counter off since 10:50 (10 minutes, nobody counted) leaves hour 10 out, as
 * the screens do. In-process server, SQLite file.
 */
const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;
/** Thursday 3 December 2026, 00:00 in Paris (UTC+1): the store's first day. */
const FROM = Date.parse("2026-12-02T23:00:00Z");
/** Monday 7 December, 00:00 in Paris. */
const MONDAY = FROM + 4 * DAY;
/** Monday, 11:30 in Paris. */
const NOW = MONDAY + 11 * HOUR + 30 * MIN;

let clock = FROM;
const t = useTestServer({ now: () => clock, maxAgeMs: 30 * DAY });

type Answer = { method: string; model: { notes: string[] }; buckets: { start: string; expected: number | null; method: string }[] };

/** Each store: when its counter went off on Monday, and whom it counted in Monday's hour 10 before. */
const STORES = [
  ["brief", 10 * HOUR + 57 * MIN, 25],
  ["quiet", 10 * HOUR + 57 * MIN, 0],
  ["ten-min", 10 * HOUR + 50 * MIN, 0],
] as const;

beforeAll(async () => {
  for (const [store, offAt, atTen] of STORES) {
    clock = FROM;
    await t.putLayout(store, smallLayout({ validFrom: 0 }));
    await t.server.services.storage.agents.add(store, "door-1", "door", FROM);
    await t.server.services.storage.agents.recordStatus(store, "door-1", { state: "online", ts: FROM, kind: "door", version: "0.1.0" }, FROM);
    const door = new EventFactory("door-1");
    const counts: FootfallEvent[] = [];
    // Open 9:00-19:00 every day, 4 + hour % 5 visitors an hour (Sunday's 10:00: 4); Monday's hour 10: `atTen` before the outage.
    for (let ts = FROM; ts < MONDAY + 11 * HOUR; ts += HOUR) {
      const hour = new Date(ts + HOUR).getUTCHours();
      if (hour < 9 || hour >= 19) continue;
      const n = ts === MONDAY + 10 * HOUR ? atTen : 4 + (hour % 5);
      if (n > 0) counts.push(door.count("entrance", ts + 1000, n, 0));
    }
    clock = MONDAY + 10 * HOUR + 40 * MIN;
    await t.ingest(store, "door-1", counts);
    const off = MONDAY + offAt;
    clock = off;
    await t.server.services.storage.agents.recordStatus(store, "door-1", { state: "offline", ts: off, kind: "door", version: "0.1.0" }, off);
    await t.server.services.storage.offlineSpans.wentOffline(store, "door-1", off);
  }
  clock = NOW;
}, 60_000);

const forecast = async (store: string) => {
  const res = await t.get<Answer>(`/api/v1/stores/${store}/forecast?horizon=24h`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};
/** Tomorrow's 10:00, the last of the 24 hours from 11:00. */
const tomorrowTen = (a: Answer) => a.buckets.find((b) => b.start.startsWith("2026-12-08T10:00"));
const trafficOutages = async (store: string) => {
  const res = await t.get(`/api/v1/stores/${store}/traffic?from=${MONDAY}&to=${NOW}&bucket=hour`);
  expect(res.status).toBe(200);
  return res.body.outages as { hours: number; spans: { from: number; to: number }[] } | null;
};

describe("the forecast's history with a door counter off since 10:57, read at 11:30", () => {
  it("keeps Monday's hour 10 (25 counted) as the screens count it: tomorrow's 10:00 is today's 25, not Sunday's 4", async () => {
    // The screens: only the current hour is not counted.
    expect((await trafficOutages("brief"))?.spans).toEqual([{ from: MONDAY + 11 * HOUR, to: NOW }]);
    const a = await forecast("brief");
    expect(a.method).toBe("recent-days");
    // Old code: 4 (Sunday's 10:00), hour 10 left out.
    expect(tomorrowTen(a)?.expected).toBe(25);
    expect(a.model.notes.filter((n) => n.includes("not counted"))).toEqual([
      "the store's entrance is not counted since 2026-12-07T09:57:00.000Z (its agents are offline): the hours since are left out of the history, not read as no visitors, but for the hour it began in (from 2026-12-07T09:00:00.000Z), not counted for under 5 minutes of its open time and so read as counted, as the screens read it",
    ]);
  });

  it("keeps an hour 10 nobody came in (3 minutes off: counted, 0): tomorrow's 10:00 is 0", async () => {
    expect((await trafficOutages("quiet"))?.spans).toEqual([{ from: MONDAY + 11 * HOUR, to: NOW }]);
    const a = await forecast("quiet");
    // Old code: 4.
    expect(tomorrowTen(a)?.expected).toBe(0);
    expect(a.model.notes.some((n) => n.includes("but for the hour it began in (from 2026-12-07T09:00:00.000Z)"))).toBe(true);
  });

  it("leaves hour 10 out when the counter is off since 10:50 (10 minutes, nobody counted), as the screens do", async () => {
    expect((await trafficOutages("ten-min"))?.spans).toEqual([{ from: MONDAY + 10 * HOUR, to: NOW }]);
    const a = await forecast("ten-min");
    expect(tomorrowTen(a)?.expected).toBe(4);
    expect(a.model.notes.filter((n) => n.includes("not counted"))).toEqual([
      "the store's entrance is not counted since 2026-12-07T09:50:00.000Z (its agents are offline): the hours since are left out of the history, not read as no visitors",
    ]);
  });
});
