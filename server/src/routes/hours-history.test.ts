/**
 * Opening hours with a history (migration 26): a manager who saves longer hours today does not
 * rewrite the past. The afternoon store's entrance camera was down 14:00-18:00 the day before
 * yesterday, when the store closed at 16:00; today its hours became 09:00-19:00. That day is judged
 * by the hours it had: 2 h not counted (14:00-16:00), not 4; the holiday its old hours closed it
 * for (the day before), pruned from today's list, stays closed. In-process server on a SQLite file.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { DAY, HOUR, NOW, OUT_DAY, OUTAGE, seedAfternoonOutage } from "../../../test/support/afternoon-outage.js";
import { useTestServer } from "../../../test/support/in-process.js";

let clock = NOW;
const t = useTestServer({ now: () => clock, maxAgeMs: 60 * DAY });
const week = (open: string, close: string) => Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [{ open, close }]]));
/** Until today: 09:00-16:00, closed on Sunday 29 November (the day before the outage). */
const WINTER = { weekly: week("09:00", "16:00"), exceptions: [{ date: "2026-11-29", intervals: [], note: "closed for stocktaking" }] };
/** Saved today: 09:00-19:00, the old exception pruned. */
const LONGER = { weekly: week("09:00", "19:00"), exceptions: [] };
/** The part of the outage the store was open by the hours it had then. */
const OPEN_PART = { from: OUTAGE.from, to: OUT_DAY + 16 * HOUR };

beforeAll(async () => {
  await seedAfternoonOutage(t);
  // The winter hours saved a month ago, the longer ones at 14:00 today.
  clock = NOW - 30 * DAY;
  expect((await t.request("PUT", "/api/v1/stores/afternoon/hours", { hours: WINTER })).status).toBe(200);
  clock = NOW - HOUR;
  expect((await t.request("PUT", "/api/v1/stores/afternoon/hours", { hours: LONGER })).status).toBe(200);
  clock = NOW;
});

describe("a store's past judged by the opening hours it had then, not by today's", () => {
  it("GET /overview: the outage counts only the hours the store was open that day, and the pruned holiday stays closed throughout", async () => {
    const day = await t.get(`/api/v1/overview?from=${OUT_DAY}&to=${OUT_DAY + DAY}`);
    expect(day.status).toBe(200);
    const row = (day.body.stores as { id: string; outages: { range: unknown } }[]).find((s) => s.id === "afternoon")!;
    // Old code (today's hours for every day): { hours: 4, spans: [14:00-18:00] }.
    expect(row.outages.range).toEqual({ hours: 2, zones: ["entrance"], spans: [OPEN_PART] });
    const holiday = await t.get(`/api/v1/overview?from=${OUT_DAY - DAY}&to=${OUT_DAY}`);
    const closed = (holiday.body.stores as { id: string; closedThroughout: { range: boolean } }[]).find((s) => s.id === "afternoon")!;
    expect(closed.closedThroughout.range).toBe(true);
  });

  it("GET .../traffic says the same outage; GET .../hours/open that day's hours; GET .../hours still today's", async () => {
    const traffic = await t.get(`/api/v1/stores/afternoon/traffic?from=${OUT_DAY}&to=${OUT_DAY + DAY}&bucket=hour`);
    expect(traffic.status).toBe(200);
    expect(traffic.body.outages).toEqual({ hours: 2, zones: ["entrance"], spans: [OPEN_PART] });
    const open = await t.get(`/api/v1/stores/afternoon/hours/open?from=${OUT_DAY}&to=${OUT_DAY + DAY}`);
    expect(open.body.open).toEqual([{ from: OUT_DAY + 9 * HOUR, to: OUT_DAY + 16 * HOUR }]);
    const later = await t.get(`/api/v1/stores/afternoon/hours/open?from=${NOW - 15 * HOUR + DAY}&to=${NOW - 15 * HOUR + 2 * DAY}`);
    expect(later.body.open).toEqual([{ from: NOW - 6 * HOUR + DAY, to: NOW + 4 * HOUR + DAY }]);
    expect((await t.get("/api/v1/stores/afternoon/hours")).body.hours).toEqual(LONGER);
  });

  it("GET .../hours/history lists both versions, the new one from when it was saved", async () => {
    const res = await t.get("/api/v1/stores/afternoon/hours/history");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ versions: [{ from: NOW - 30 * DAY, hours: WINTER }, { from: NOW - HOUR, hours: LONGER }], timezone: "UTC" });
    expect((await t.get("/api/v1/stores/steady/hours/history")).body.versions).toEqual([]);
  });
});
