/**
 * Opening hours scheduled ahead: a store manager saves in December's first days the longer hours the
 * store keeps from Saturday 5 December ("from 5 December, 08:00-22:00"), PUT .../hours with validFrom.
 * Until then the store keeps its hours (GET .../hours, the hours keeper the live readers ask, the
 * charts' closed shading); from that instant the new ones, with no save then; the history lists the
 * version as scheduled; it can be cancelled; a validFrom in the past is refused. In-process server on
 * a SQLite file, its clock moved by the test.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { DAY, HOUR, TODAY } from "../../../test/support/overview-week.js";

/** Wednesday 2 December 2026, 11:00 in Paris. */
const NOW = TODAY + 10 * HOUR;
let clock = NOW;
const t = useTestServer({ now: () => clock });
const week = (open: string, close: string) => Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [{ open, close }]]));
const WINTER = { weekly: week("09:00", "19:00"), exceptions: [] };
const CHRISTMAS = { weekly: week("08:00", "22:00"), exceptions: [] };
/** Saturday 5 December 2026 at 00:00 in Paris (UTC+1). */
const SAT = Date.UTC(2026, 11, 4, 23);

beforeAll(async () => {
  await t.putLayout("paris", smallLayout({ name: "Paris", timezone: "Europe/Paris" }));
  await t.putLayout("plain", smallLayout({ name: "Plain", timezone: "Europe/Paris" }));
  await t.putLayout("calm", smallLayout({ name: "Calm", timezone: "Europe/Paris" }));
  expect((await t.request("PUT", "/api/v1/stores/paris/hours", { hours: WINTER })).status).toBe(200);
});

describe("opening hours saved ahead take effect from their validFrom", () => {
  it("PUT with a local date: answered with its start in the store's time zone; until then the hours in force stay, the new ones listed as scheduled", async () => {
    const put = await t.request("PUT", "/api/v1/stores/paris/hours", { hours: CHRISTMAS, validFrom: "2026-12-05" });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ hours: CHRISTMAS, timezone: "Europe/Paris", validFrom: SAT });
    // Old code: validFrom ignored, the Christmas hours in force at once.
    const now = await t.get("/api/v1/stores/paris/hours");
    expect(now.body).toEqual({ hours: WINTER, timezone: "Europe/Paris", scheduled: [{ from: SAT, hours: CHRISTMAS }] });
    expect(await t.server.services.hours!.hoursNow("paris")).toEqual(WINTER);
    const history = await t.get("/api/v1/stores/paris/hours/history");
    expect(history.body.versions).toEqual([
      { from: NOW, hours: WINTER },
      { from: SAT, hours: CHRISTMAS, scheduled: true },
    ]);
    // The charts' shading: Friday by the winter hours, Saturday by the scheduled ones.
    const open = await t.get(`/api/v1/stores/paris/hours/open?from=${SAT - DAY}&to=${SAT + DAY}`);
    expect(open.body.open).toEqual([
      { from: SAT - DAY + 9 * HOUR, to: SAT - DAY + 19 * HOUR },
      { from: SAT + 8 * HOUR, to: SAT + 22 * HOUR },
    ]);
  });

  it("at that instant the new hours are in force, with no save and no restart: GET .../hours and the hours keeper the live readers ask", async () => {
    clock = SAT - 1;
    expect(await t.server.services.hours!.hoursNow("paris")).toEqual(WINTER);
    clock = SAT;
    expect(await t.server.services.hours!.hoursNow("paris")).toEqual(CHRISTMAS);
    const now = await t.get("/api/v1/stores/paris/hours");
    expect(now.body).toEqual({ hours: CHRISTMAS, timezone: "Europe/Paris" });
    expect((await t.get("/api/v1/stores/paris/hours/history")).body.versions).toEqual([
      { from: NOW, hours: WINTER },
      { from: SAT, hours: CHRISTMAS },
    ]);
    // In force now: no longer cancellable.
    expect((await t.request("DELETE", `/api/v1/stores/paris/hours/scheduled/${SAT}`)).status).toBe(404);
    clock = NOW;
  });

  it("a validFrom in the past, too close or not a date is refused with a 400 in words; nothing saved", async () => {
    const past = await t.request("PUT", "/api/v1/stores/paris/hours", { hours: CHRISTMAS, validFrom: "2026-11-01" });
    expect(past.status).toBe(400);
    expect(past.body.message).toContain("is not ahead of now");
    expect(past.body.message).toContain("the past keeps the hours it had");
    expect((await t.request("PUT", "/api/v1/stores/paris/hours", { hours: CHRISTMAS, validFrom: NOW + 60_000 })).status).toBe(400);
    const bad = await t.request("PUT", "/api/v1/stores/paris/hours", { hours: CHRISTMAS, validFrom: "1 December" });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('validFrom: "1 December" is no date YYYY-MM-DD');
    expect((await t.get("/api/v1/stores/paris/hours/history")).body.versions).toHaveLength(2);
  });

  it("scheduled hours are cancelled by DELETE .../hours/scheduled/:from; an ISO instant schedules as well", async () => {
    const put = await t.request("PUT", "/api/v1/stores/paris/hours", { hours: { weekly: week("10:00", "18:00"), exceptions: [] }, validFrom: "2027-01-04T00:00:00+01:00" });
    const jan = Date.UTC(2027, 0, 3, 23);
    expect(put.body.validFrom).toBe(jan);
    expect((await t.get("/api/v1/stores/paris/hours")).body.scheduled.map((v: { from: number }) => v.from)).toEqual([SAT, jan]);
    expect((await t.request("DELETE", `/api/v1/stores/paris/hours/scheduled/${jan}`)).status).toBe(204);
    expect((await t.get("/api/v1/stores/paris/hours")).body.scheduled).toEqual([{ from: SAT, hours: CHRISTMAS }]);
    const again = await t.request("DELETE", `/api/v1/stores/paris/hours/scheduled/${jan}`);
    expect(again.status).toBe(404);
    expect(again.body.message).toContain("no opening hours scheduled from");
    expect((await t.request("DELETE", `/api/v1/stores/paris/hours/scheduled/${NOW}`)).status).toBe(404);
  });

  it("a store without hours that schedules some stays without them (always open) until then: its past is not given them", async () => {
    expect((await t.request("PUT", "/api/v1/stores/plain/hours", { hours: WINTER, validFrom: SAT })).status).toBe(200);
    expect((await t.get("/api/v1/stores/plain/hours")).body.hours).toBeNull();
    expect((await t.get(`/api/v1/stores/plain/hours/open?from=${NOW - DAY}&to=${NOW}`)).body.open).toBeNull();
    expect((await t.get("/api/v1/stores/plain/hours/history")).body.versions).toEqual([
      { from: NOW, hours: null },
      { from: SAT, hours: WINTER, scheduled: true },
    ]);
    expect(await t.server.services.hours!.hoursNow("plain")).toBeNull();
  });

  it("the forecast ahead closes the days the scheduled hours close, from their instant", async () => {
    expect((await t.request("PUT", "/api/v1/stores/calm/hours", { hours: WINTER })).status).toBe(200);
    const sundaysOff = { weekly: { ...WINTER.weekly, sun: [] }, exceptions: [] };
    expect((await t.request("PUT", "/api/v1/stores/calm/hours", { hours: sundaysOff, validFrom: "2026-12-05" })).status).toBe(200);
    const res = await t.get("/api/v1/stores/calm/forecast?horizon=14d");
    expect(res.status).toBe(200);
    const closed = (res.body.buckets as { start: string; closed?: boolean }[]).filter((b) => b.closed).map((b) => b.start.slice(0, 10));
    // Old code (the hours in force now for every day ahead): no day closed.
    expect(closed).toEqual(["2026-12-06", "2026-12-13"]);
  });
});
