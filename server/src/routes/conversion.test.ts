import { beforeAll, describe, expect, it } from "vitest";
import { EventFactory, rectZone, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

/** Friday 20 Nov 2026, 16:00 in Paris (UTC+1). */
const NOW = Date.UTC(2026, 10, 20, 15, 0, 0);
const T = NOW - 2 * 3_600_000;
const S = 1000;
const RANGE = `from=${T - 3_600_000}&to=${NOW}`;

const t = useTestServer({ now: () => NOW, stores: ["shop", "quiet", "aisles"] });
beforeAll(async () => {
  // 40 trips: entrance 10 s, fruit 60 s, bakery 300 s (long), checkout 60 s; the door counted 5 more in.
  const f = new EventFactory("cam-1");
  const events = Array.from({ length: 40 }, (_, i) => {
    const at = T + i * 60 * S;
    const v = `v${i}`;
    return [
      ...f.visit(v, "entrance", at, 10 * S),
      ...f.visit(v, "fruit", at + 20 * S, 60 * S),
      ...f.visit(v, "bakery", at + 100 * S, 300 * S),
      ...f.visit(v, "checkout", at + 500 * S, 60 * S),
    ];
  }).flat();
  await t.ingest("shop", "cam-1", events.slice(0, 500));
  await t.ingest("shop", "cam-1", [...events.slice(500), f.count("entrance", T, 5, 0)]);
  // 20 sales of 10 at the checkout, 10 of 5 in the fruit zone, and one outside the range.
  const csv = ["timestamp,zone,amount,items,transaction"];
  for (let i = 0; i < 20; i++) csv.push(`${T + i * 60 * S},checkout,10,2,c${i}`);
  for (let i = 0; i < 10; i++) csv.push(`${T + i * 60 * S},fruit,5,1,f${i}`);
  csv.push(`${T - 5 * 3_600_000},fruit,1000,1,old`);
  const res = await t.server.app.inject({
    method: "POST",
    url: "/api/v1/stores/shop/sales",
    headers: { authorization: `Bearer ${t.admin}`, "content-type": "text/csv" },
    payload: csv.join("\n"),
  });
  expect(res.json()).toMatchObject({ accepted: 31 });
});

describe("GET /api/v1/stores/:store/conversion", () => {
  it("gives the store's visitors (entrance visits plus door ins), transactions, conversion, basket and sales per visitor", async () => {
    const res = await t.get(`/api/v1/stores/shop/conversion?${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.body.store).toEqual({
      visitors: 45,
      // Every sale of the range: the store's figures begin before it.
      since: T - 3_600_000,
      transactions: 30,
      sales: 250,
      conversion: 0.666667,
      averageBasket: 8.333333,
      salesPerVisitor: 5.555556,
      staffRatio: null,
    });
  });

  it("gives per zone visits, transactions, sales, conversion, sales per visit and median dwell", async () => {
    const res = await t.get(`/api/v1/stores/shop/conversion?${RANGE}`);
    expect(res.body.zones).toEqual([
      // Two selling zones only (the entrance and the tills are judged apart): too few to flag the long-dwell bakery.
      { zone: "bakery", visits: 40, transactions: 0, sales: 0, conversion: 0, salesPerVisit: 0, dwellMedian_s: 300, longDwellLowConversion: false },
      // The tills sell nothing by nature, but these tills' export names the checkout: its conversion counts.
      { zone: "checkout", visits: 40, transactions: 20, sales: 200, conversion: 0.5, salesPerVisit: 5, dwellMedian_s: 60, longDwellLowConversion: false },
      // Nothing is sold at the entrance: no conversion ("–"), not 0 %.
      { zone: "entrance", visits: 40, transactions: 0, sales: 0, conversion: null, salesPerVisit: null, dwellMedian_s: 10, longDwellLowConversion: false },
      { zone: "fruit", visits: 40, transactions: 10, sales: 50, conversion: 0.25, salesPerVisit: 1.25, dwellMedian_s: 60, longDwellLowConversion: false },
    ]);
  });

  it("never flags a zone that does not sell by nature (a long queue at the tills is no lost sale)", async () => {
    // Long stays and few sales at the checkout: by the numbers alone it would be flagged.
    await t.putLayout("tills", smallLayout());
    const f = new EventFactory("cam-1");
    const events = Array.from({ length: 40 }, (_, i) => {
      const at = T + i * 60 * S;
      return [...f.visit(`t${i}`, "entrance", at, 10 * S), ...f.visit(`t${i}`, "fruit", at + 20 * S, 60 * S), ...f.visit(`t${i}`, "bakery", at + 100 * S, 30 * S), ...f.visit(`t${i}`, "checkout", at + 200 * S, 300 * S)];
    }).flat();
    await t.ingest("tills", "cam-1", events);
    const csv = ["timestamp,zone,amount,items,transaction"];
    for (let i = 0; i < 20; i++) csv.push(`${T + i * 60 * S},fruit,5,1,f${i}`);
    for (let i = 0; i < 10; i++) csv.push(`${T + i * 60 * S},bakery,3,1,b${i}`);
    csv.push(`${T},checkout,2,1,c0`);
    await t.server.app.inject({ method: "POST", url: "/api/v1/stores/tills/sales", headers: { authorization: `Bearer ${t.admin}`, "content-type": "text/csv" }, payload: csv.join("\n") });
    const res = await t.get(`/api/v1/stores/tills/conversion?${RANGE}`);
    const checkout = res.body.zones.find((z: { zone: string }) => z.zone === "checkout");
    expect(checkout).toMatchObject({ visits: 40, transactions: 1, dwellMedian_s: 300, longDwellLowConversion: false });
    expect(res.body.zones.every((z: { longDwellLowConversion: boolean }) => !z.longDwellLowConversion)).toBe(true);
  });

  it("gives the tills, the entrance and the queue no conversion when no sale is placed there, and judges the selling zones among themselves", async () => {
    // Selling zones a (dwell 30 s, conversion 0.5), b (90 s, 0.25), c (60 s, 0.4); an entrance, a queue and tills with sales placed in the goods' zones.
    await t.putLayout("aisles", {
      ...smallLayout(),
      floor: { width: 30, height: 10 },
      zones: [rectZone("entrance", "entrance", 0, 0, 4, 10), rectZone("a", "zone", 4, 0, 4, 10), rectZone("b", "zone", 8, 0, 4, 10), rectZone("c", "zone", 12, 0, 4, 10), { ...rectZone("line", "queue", 16, 0, 4, 10), queueFor: "tills" as never }, rectZone("tills", "checkout", 20, 0, 4, 10)],
    });
    const f = new EventFactory("cam-1");
    const events = Array.from({ length: 40 }, (_, i) => {
      const at = T + i * 60 * S;
      const v = `w${i}`;
      return [
        ...f.visit(v, "entrance", at, 10 * S),
        ...f.visit(v, "a", at + 20 * S, 30 * S),
        ...f.visit(v, "b", at + 60 * S, 90 * S),
        ...f.visit(v, "c", at + 160 * S, 60 * S),
        ...f.visit(v, "line", at + 230 * S, 20 * S),
        ...f.visit(v, "tills", at + 260 * S, 20 * S),
      ];
    }).flat();
    await t.ingest("aisles", "cam-1", events);
    const csv = ["timestamp,zone,amount,items,transaction"];
    const sell = (zone: string, n: number) => Array.from({ length: n }, (_, i) => csv.push(`${T + i * 60 * S},${zone},4,1,${zone}${i}`));
    sell("a", 20);
    sell("b", 10);
    sell("c", 16);
    await t.server.app.inject({ method: "POST", url: "/api/v1/stores/aisles/sales", headers: { authorization: `Bearer ${t.admin}`, "content-type": "text/csv" }, payload: csv.join("\n") });
    const res = await t.get(`/api/v1/stores/aisles/conversion?${RANGE}`);
    const zone = (id: string) => res.body.zones.find((z: { zone: string }) => z.zone === id);
    for (const id of ["entrance", "line", "tills"]) expect(zone(id), id).toMatchObject({ visits: 40, transactions: 0, conversion: null, salesPerVisit: null, longDwellLowConversion: false });
    expect([zone("a").conversion, zone("b").conversion, zone("c").conversion]).toEqual([0.5, 0.25, 0.4]);
    // Among a, b and c: b stays longest (90 s > the median 60 s) and converts least (0.25 < 0.4). Counting the
    // entrance's, the queue's and the tills' 0 % would have dragged the median conversion down to 0.25 and hidden it.
    expect(res.body.zones.filter((z: { longDwellLowConversion: boolean }) => z.longDwellLowConversion).map((z: { zone: string }) => z.zone)).toEqual(["b"]);
  });

  it("flags nothing where zones have too few visits to compare", async () => {
    const res = await t.get(`/api/v1/stores/shop/conversion?from=${T}&to=${T + 10 * 60 * S}`);
    expect(res.body.zones.every((z: { longDwellLowConversion: boolean }) => !z.longDwellLowConversion)).toBe(true);
  });

  it("gives no conversion (null, not 0 %) for a range with visits and no sale recorded: the sales are not imported yet", async () => {
    // From T + 25 min: 15 trips, and no sale (those imported end at T + 19 min).
    const res = await t.get(`/api/v1/stores/shop/conversion?from=${T + 25 * 60 * S}&to=${NOW}`);
    expect(res.body.store).toMatchObject({ transactions: 0, sales: 0, conversion: null, averageBasket: null, salesPerVisitor: null });
    expect(res.body.store.visitors).toBeGreaterThan(0);
    const fruit = res.body.zones.find((z: { zone: string }) => z.zone === "fruit");
    expect(fruit).toMatchObject({ transactions: 0, conversion: null, salesPerVisit: null, longDwellLowConversion: false });
    expect(fruit.visits).toBeGreaterThan(0);
    expect(res.body.zones.some((z: { longDwellLowConversion: boolean }) => z.longDwellLowConversion)).toBe(false);
  });

  it("gives null ratios and every zone of the layout for a store without visits or sales", async () => {
    const res = await t.get(`/api/v1/stores/quiet/conversion?${RANGE}`);
    expect(res.body.store).toEqual({ visitors: 0, since: null, transactions: 0, sales: 0, conversion: null, averageBasket: null, salesPerVisitor: null, staffRatio: null });
    expect(res.body.zones).toHaveLength(4);
    expect(res.body.zones[0]).toEqual({
      zone: "bakery",
      visits: 0,
      transactions: 0,
      sales: 0,
      conversion: null,
      salesPerVisit: null,
      dwellMedian_s: null,
      longDwellLowConversion: false,
    });
  });

  it("answers 400 naming the field for a bad range, and 404 for an unknown store", async () => {
    const bad = await t.get("/api/v1/stores/shop/conversion?from=yesterday");
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/querystring\/from/);
    expect((await t.get("/api/v1/stores/nowhere/conversion")).status).toBe(404);
  });
});
