/**
 * The door count's drift of a past day is that day's: its closing, and the reset before it, by the
 * opening hours in force that day (the hours' history, core hoursAt), not by today's. A server that
 * was down at the week's closings records each missed day when it starts (keeper recordDrifts); it
 * took every closing of the week from the hours in force at its start, so a store whose hours
 * changed on Thursday had Monday to Wednesday closed at Thursday's 21:00 (their drift the 3 people
 * leaving at 20:00 counted out of the day they left, not of the day after), and a store that got
 * its first hours on Thursday had drift recorded for days it was open round the clock, no reset.
 * In-process server, SQLite file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEEKDAYS, type OpeningHours } from "@footfall/core";
import { smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";

const DAY = 86_400_000;
const at = (day: number, hour: number) => Date.UTC(2026, 11, day, hour); // December 2026, UTC
const week = (close: string): OpeningHours => ({ weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "09:00", close }]])) as OpeningHours["weekly"], exceptions: [] });
// Thursday 3 December, 23:00 UTC: after Thursday's closing.
let now = at(3, 23);
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ now: () => now, maxAgeMs: 30 * DAY });
  const { storage } = t.server.services;
  for (const store of ["changed", "first-hours", "removed"]) {
    await t.putLayout(store, smallLayout({ name: store, timezone: "UTC" }));
    // Monday 30 November to Thursday: 10 in at 10:00, 7 out at 18:00, the last 3 (staff) out at 20:00.
    const events = [];
    for (const day of [-1, 1, 2, 3]) {
      const d = day === -1 ? Date.UTC(2026, 10, 30) : at(day, 0);
      events.push({ type: "count", id: `door:${day}-in`, ts: d + 10 * 3_600_000, zone: "entrance", in: 10, out: 0 });
      events.push({ type: "count", id: `door:${day}-out`, ts: d + 18 * 3_600_000, zone: "entrance", in: 0, out: 7 });
      events.push({ type: "count", id: `door:${day}-staff`, ts: d + 20 * 3_600_000, zone: "entrance", in: 0, out: 3 });
    }
    await t.ingest(store, "door", events);
  }
  // "changed": 09:00-19:00 since November, 09:00-21:00 from Thursday 10:00. "first-hours": none until Thursday 10:00.
  await storage.hours.set("changed", week("19:00"), Date.UTC(2026, 10, 1));
  await storage.hours.set("changed", week("21:00"), at(3, 10));
  // Scheduled on 20 November (a version without hours from then: its past stays open round the clock).
  await storage.hours.schedule("first-hours", week("21:00"), at(3, 10), Date.UTC(2026, 10, 20));
  // "removed": 09:00-19:00 since November, none from Tuesday 12:00 (open), 09:00-21:00 again from Thursday 10:00.
  await storage.hours.set("removed", week("19:00"), Date.UTC(2026, 10, 1));
  await storage.hours.set("removed", null, at(1, 12));
  await storage.hours.set("removed", week("21:00"), at(3, 10));
  // The server starts after Thursday's closing: its keeper learns the stores' hours and time zones, then records.
  const keeper = t.server.services.hours!;
  for (const store of ["changed", "first-hours", "removed"]) {
    await keeper.hoursNow(store);
    await t.get(`/api/v1/stores/${store}/occupancy`);
  }
  await keeper.recordDrifts();
});
afterAll(() => t.close());

const driftOf = async (store: string) => {
  const res = await t.get(`/api/v1/stores/${store}/occupancy-drift?from=${at(1, 0) - 7 * DAY}&to=${now}`);
  expect(res.status).toBe(200);
  return res.body.days as { date: string; drift: number; at: number }[];
};

describe("the door count's drift of the past week, recorded by a server that was down at its closings", () => {
  it("closes each day by the hours it had: Monday to Wednesday at 19:00, Thursday at 21:00", async () => {
    // Monday: 10 in, 7 out before 19:00 (3 left). Tuesday and Wednesday: Monday's (Tuesday's) 3 staff out at 20:00, after the reset, then 10 in, 7 out.
    // Thursday, reset at Wednesday's 19:00: Wednesday's 3 staff, then 10 in, 10 out by its 21:00 closing.
    // Old code (Thursday's 21:00 every day): 0, 0, 0, 0.
    expect((await driftOf("changed")).map((d) => [d.date, d.drift])).toEqual([
      ["2026-11-30", 3],
      ["2026-12-01", 0],
      ["2026-12-02", 0],
      ["2026-12-03", -3],
    ]);
  });

  it("records no day of a store that had no hours then (open round the clock, nothing reset), only Thursday's", async () => {
    // Old code: Monday to Thursday, each closed at 21:00.
    expect((await driftOf("first-hours")).map((d) => [d.date, d.drift])).toEqual([["2026-12-03", 0]]);
    // Closed at 19:00 on Monday, open round the clock from Tuesday noon to Thursday 10:00. Old code: Monday to Thursday at 21:00.
    expect((await driftOf("removed")).map((d) => [d.date, d.drift])).toEqual([
      ["2026-11-30", 3],
      ["2026-12-03", 0],
    ]);
  });

  it("the live door count of Thursday morning runs from Wednesday's closing by Wednesday's hours", () => {
    now = at(3, 11);
    // Saved at 10:00 Thursday: 21:00 from then, 19:00 on Wednesday. Old code: Wednesday 21:00.
    expect(t.server.services.hours!.doorCountSince("changed", now, "UTC", at(3, 0))).toBe(at(2, 19));
    expect(t.server.services.hours!.doorCountSince("first-hours", now, "UTC", at(3, 0))).toBe(at(3, 0));
    // No hours at midnight: reset then, not at Monday's 19:00 closing (old code: Wednesday 21:00).
    expect(t.server.services.hours!.doorCountSince("removed", now, "UTC", at(3, 0))).toBe(at(3, 0));
  });
});
