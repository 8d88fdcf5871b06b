/**
 * Conversion of a range that starts before the store's first figures (counters installed later):
 * only the sales from the local day of the first figures on are set against the enters, and the
 * answer says where that is (`since`). On the in-process server's SQLite file.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const S = 1000;
/** Friday 20 Nov 2026, 16:00 in Paris (UTC+1). */
const NOW = Date.UTC(2026, 10, 20, 15);
/** The counters' first visit: Wed 18 Nov 10:00 in Paris. */
const FIRST = Date.UTC(2026, 10, 18, 9);
/** Midnight of 18 Nov in Paris. */
const FIRST_DAY = Date.UTC(2026, 10, 17, 23);
/** 30 days: 22 Oct to 20 Nov (Paris days). */
const RANGE = { from: Date.UTC(2026, 9, 21, 22), to: NOW };

const t = useTestServer({ now: () => NOW });

async function importCsv(store: string, rows: string[]) {
  const res = await t.server.app.inject({
    method: "POST",
    url: `/api/v1/stores/${store}/sales`,
    headers: { authorization: `Bearer ${t.admin}`, "content-type": "text/csv" },
    payload: ["timestamp,zone,amount,items,transaction", ...rows].join("\n"),
  });
  expect(res.json()).toMatchObject({ accepted: rows.length });
}

beforeAll(async () => {
  // "late": 20 visitors a day on 18, 19 and 20 Nov from 10:00 (entrance, then fruit); 10 sales of 5 in fruit at 13:00 every day of the 30.
  await t.putLayout("late", smallLayout());
  const f = new EventFactory("cam-1");
  const events = [0, 1, 2].flatMap((d) =>
    Array.from({ length: 20 }, (_, i) => {
      const at = FIRST + d * DAY + i * 60 * S;
      return [...f.visit(`v${d}-${i}`, "entrance", at, 10 * S), ...f.visit(`v${d}-${i}`, "fruit", at + 20 * S, 60 * S)];
    }).flat(),
  );
  await t.ingest("late", "cam-1", events);
  const sales: string[] = [];
  for (let day = RANGE.from + 12 * HOUR; day < NOW; day += DAY) for (let i = 0; i < 10; i++) sales.push(`${day + i * 60 * S},fruit,5,1,d${day}-${i}`);
  // One early on the first day, before the counters started at 10:00: the day counts whole, as the Sales page shows it.
  sales.push(`${FIRST - 2 * HOUR},fruit,5,1,early`);
  await importCsv("late", sales);

  // "kolkata": hours are not whole UTC hours; the first visit at 00:10 on 19 Nov, local time (18:40 UTC).
  await t.putLayout("kolkata", smallLayout({ timezone: "Asia/Kolkata" }));
  const k = new EventFactory("cam-1");
  await t.ingest("kolkata", "cam-1", [...k.visit("k1", "entrance", Date.UTC(2026, 10, 18, 18, 40), 10 * S), ...k.visit("k2", "entrance", Date.UTC(2026, 10, 18, 19, 40), 10 * S)]);
  // 23:50 on 18 Nov (the day before the figures) and 00:20 on 19 Nov, local time.
  await importCsv("kolkata", [`${Date.UTC(2026, 10, 18, 18, 20)},fruit,7,1,k-before`, `${Date.UTC(2026, 10, 18, 18, 50)},fruit,9,1,k-after`]);
});

const conversion = (store: string, from: number, to: number) => t.get(`/api/v1/stores/${store}/conversion?from=${from}&to=${to}`);

describe("GET /conversion over a range that starts before the store's first figures", () => {
  it("counts the sales from the local day of the first figures on, and says since when", async () => {
    const res = await conversion("late", RANGE.from, RANGE.to);
    expect(res.status).toBe(200);
    // 3 days of 10 sales and the early one, over 60 enters; not the 30 days' 301 sales (conversion 5.02).
    expect(res.body.store).toEqual({
      visitors: 60,
      since: FIRST_DAY,
      transactions: 31,
      sales: 155,
      conversion: 0.516667,
      averageBasket: 5,
      salesPerVisitor: 2.583333,
      staffRatio: null,
    });
    // The zones' sales rest on the same days.
    const fruit = res.body.zones.find((z: { zone: string }) => z.zone === "fruit");
    expect(fruit).toMatchObject({ visits: 60, transactions: 31, sales: 155, conversion: 0.516667 });
  });

  it("gives the same figures as the range of the days with figures alone", async () => {
    const whole = await conversion("late", RANGE.from, RANGE.to);
    const covered = await conversion("late", FIRST_DAY, RANGE.to);
    expect(covered.body.store.since).toBe(FIRST_DAY);
    expect({ ...whole.body.store, since: null }).toEqual({ ...covered.body.store, since: null });
    expect(whole.body.zones).toEqual(covered.body.zones);
  });

  it("counts every sale of a range that starts on or after the first figures (since: the range's start)", async () => {
    const from = FIRST_DAY + DAY;
    const res = await conversion("late", from, NOW);
    expect(res.body.store).toMatchObject({ visitors: 40, since: from, transactions: 20, conversion: 0.5 });
  });

  it("counts no sale in a range wholly before the first figures (since: null, conversion unknown)", async () => {
    const res = await conversion("late", RANGE.from, FIRST_DAY);
    expect(res.body.store).toEqual({ visitors: 0, since: null, transactions: 0, sales: 0, conversion: null, averageBasket: null, salesPerVisitor: null, staffRatio: null });
    expect(res.body.zones.every((z: { transactions: number; conversion: number | null }) => z.transactions === 0 && z.conversion === null)).toBe(true);
  });

  it("finds the local day of the first figures where hours are not whole UTC hours (Kolkata)", async () => {
    const res = await conversion("kolkata", Date.UTC(2026, 10, 17, 18, 30), NOW);
    // The first visit at 00:10 on 19 Nov: the sale at 23:50 on 18 Nov is before the figures' day, the one at 00:20 on it.
    expect(res.body.store).toMatchObject({ visitors: 2, since: Date.UTC(2026, 10, 18, 18, 30), transactions: 1, sales: 9, conversion: 0.5 });
  });
});
