/**
 * A store closed for a day by its opening hours (a holiday's exception) showed 0 enters and
 * "−100 %" in the chain view with nothing saying it was closed, read as a day nobody came. The
 * overview now says per period whether the store was closed the whole of it (closedThroughout), and
 * the view says "Closed (opening hours)" under its enters. In-process server on a SQLite file.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { DAY, HOUR, TODAY } from "../../../test/support/overview-week.js";

const t = useTestServer({ now: () => TODAY + 15 * HOUR, maxAgeMs: 60 * DAY });
/** Mon 30 Nov 2026: the holiday one store closed for. */
const HOLIDAY = TODAY - 2 * DAY;
const EVERY_DAY = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [{ open: "09:00", close: "19:00" }]]));

beforeAll(async () => {
  for (const store of ["holiday", "nohours"]) {
    await t.putLayout(store, smallLayout({ name: store, timezone: "UTC" }));
    const f = new EventFactory("cam-1");
    const events = [];
    for (let d = TODAY - 6 * DAY; d < TODAY; d += DAY)
      for (let i = 0; i < 10; i++) if (!(store === "holiday" && d === HOLIDAY)) events.push(...f.visit(`v${(d - TODAY) / DAY}-${i}`, "entrance", d + 10 * HOUR + i * 60_000, 10_000));
    await t.ingest(store, "cam-1", events);
  }
  const put = await t.request("PUT", "/api/v1/stores/holiday/hours", { hours: { weekly: EVERY_DAY, exceptions: [{ date: "2026-11-30", intervals: [], note: "holiday" }] } });
  expect(put.status).toBe(200);
});

type Row = { id: string; figures: { enters: number }; closedThroughout?: { range: boolean; previous: boolean; lastYear: boolean } };
const rows = async (from: number) => {
  const res = await t.get(`/api/v1/overview?from=${from}&to=${from + DAY}`);
  expect(res.status).toBe(200);
  return (id: string) => (res.body.stores as Row[]).find((s) => s.id === id)!;
};

describe("GET /overview with a store closed for a day by its opening hours", () => {
  it("says the store was closed the whole of that day, and of the previous period the day after", async () => {
    const day = await rows(HOLIDAY);
    expect(day("holiday").figures.enters).toBe(0);
    // Old code: no field; a bare 0 against 10.
    expect(day("holiday").closedThroughout).toEqual({ range: true, previous: false, lastYear: false });
    const after = await rows(HOLIDAY + DAY);
    expect(after("holiday").closedThroughout).toEqual({ range: false, previous: true, lastYear: false });
  });

  it("says nothing of a store without opening hours, nor of a day the store was open part of", async () => {
    expect((await rows(HOLIDAY))("nohours").closedThroughout).toEqual({ range: false, previous: false, lastYear: false });
    expect((await rows(HOLIDAY - DAY))("holiday").closedThroughout).toEqual({ range: false, previous: false, lastYear: false });
  });
});
