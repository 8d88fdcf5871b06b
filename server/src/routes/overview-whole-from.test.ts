/**
 * From when a store's figures are whole, in the chain overview's store rows (figuresWholeFrom, core's wholeFrom): a
 * digest's "Chain view" link to a past day says the store's figures begin at 18:00 when its counters started then, as
 * the digest says "this day is partial: this store's figures begin Sun 6 Dec 18:00", and nothing of a first day counted
 * from the opening time (whole, as the digest counts it). In-process server on a SQLite file.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { DAY, HOUR, TODAY } from "../../../test/support/overview-week.js";

const t = useTestServer({ now: () => TODAY + 15 * HOUR, maxAgeMs: 60 * DAY });
/** The first day of both stores: the day before yesterday. */
const FIRST = TODAY - 2 * DAY;
const EVERY_DAY = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [{ open: "08:00", close: "21:30" }]]));

beforeAll(async () => {
  // "opening" counted from 08:00, its opening time; "late" from 18:00 (its counter installed in the afternoon); "nohours" from 18:00, no hours.
  for (const [store, from] of [["opening", 8], ["late", 18], ["nohours", 18]] as const) {
    await t.putLayout(store, smallLayout({ name: store, timezone: "UTC" }));
    const f = new EventFactory("cam-1");
    const events = [];
    for (let d = FIRST; d < TODAY; d += DAY) for (let h = d === FIRST ? from : 8; h < 21; h++) events.push(...f.visit(`v${(d - FIRST) / DAY}-${h}`, "entrance", d + h * HOUR + 5 * 60_000, 10_000));
    await t.ingest(store, "cam-1", events);
    if (store !== "nohours") expect((await t.request("PUT", `/api/v1/stores/${store}/hours`, { hours: { weekly: EVERY_DAY, exceptions: [] } })).status).toBe(200);
  }
});

type Row = { id: string; figuresFrom: number | null; figuresWholeFrom?: number | null };
const rows = async (from: number, to: number) => {
  const res = await t.get(`/api/v1/overview?from=${from}&to=${to}`);
  expect(res.status).toBe(200);
  return (id: string) => (res.body.stores as Row[]).find((s) => s.id === id)!;
};

describe("GET /overview's figuresWholeFrom", () => {
  it("is the first day's midnight for a store counted from its opening time, its first hour for one counted from 18:00", async () => {
    const day = await rows(FIRST, FIRST + DAY);
    // Old code: no field.
    expect(day("opening")).toMatchObject({ figuresFrom: FIRST + 8 * HOUR, figuresWholeFrom: FIRST });
    expect(day("late")).toMatchObject({ figuresFrom: FIRST + 18 * HOUR, figuresWholeFrom: FIRST + 18 * HOUR });
    expect(day("nohours")).toMatchObject({ figuresFrom: FIRST + 18 * HOUR, figuresWholeFrom: FIRST + 18 * HOUR });
  });

  it("is answered over any range, and null for a store with no figures", async () => {
    await t.putLayout("empty", smallLayout({ name: "empty", timezone: "UTC" }));
    const week = await rows(TODAY - 7 * DAY, TODAY);
    expect(week("late").figuresWholeFrom).toBe(FIRST + 18 * HOUR);
    expect(week("empty")).toMatchObject({ figuresFrom: null, figuresWholeFrom: null });
  });
});
