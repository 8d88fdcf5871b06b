import { beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

/** Friday 20 Nov 2026, 16:00 in Paris (UTC+1). */
const NOW = Date.UTC(2026, 10, 20, 15, 0, 0);

const t = useTestServer({ now: () => NOW, stores: ["shop", "plain", "split", "daily", "excel"] });
// The stores' figures begin on the 14th (a door counter's first count): the conversion view counts their sales from then on.
beforeAll(async () => {
  for (const store of ["shop", "split", "daily", "excel"]) await t.ingest(store, "door-1", [new EventFactory("door-1").count("entrance", Date.UTC(2026, 10, 14, 9), 1, 0)]);
});

const send = (method: "PUT" | "POST", url: string, payload: unknown, opts: { token?: string | null; type?: string } = {}) => {
  const token = opts.token === undefined ? t.admin : opts.token;
  const headers: Record<string, string> = { "content-type": opts.type ?? "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) };
  return t.server.app
    .inject({ method, url, headers, payload: typeof payload === "string" ? payload : JSON.stringify(payload) })
    .then((res) => ({ status: res.statusCode, body: res.json() }));
};
const postCsv = (store: string, csv: string, token?: string | null) =>
  send("POST", `/api/v1/stores/${store}/sales`, csv, { type: "text/csv", ...(token !== undefined ? { token } : {}) });

describe("PUT and GET /api/v1/stores/:store/departments", () => {
  it("saves the departments and gives them back to a viewer", async () => {
    const departments = { "Fresh produce": ["fruit"], bread: ["bakery"] };
    expect(await send("PUT", "/api/v1/stores/shop/departments", { departments })).toEqual({ status: 200, body: { departments } });
    expect((await t.get("/api/v1/stores/shop/departments", (await t.token("viewer")))).body).toEqual({ departments });
  });

  it("replaces the whole set on each PUT", async () => {
    await send("PUT", "/api/v1/stores/plain/departments", { departments: { a: ["fruit"] } });
    await send("PUT", "/api/v1/stores/plain/departments", { departments: { b: ["bakery"] } });
    expect((await t.get("/api/v1/stores/plain/departments")).body).toEqual({ departments: { b: ["bakery"] } });
  });

  it("gives an empty set for a store without departments", async () => {
    expect((await t.get("/api/v1/stores/split/departments")).body).toEqual({ departments: {} });
  });

  it("may be changed by an admin only", async () => {
    const res = await send("PUT", "/api/v1/stores/shop/departments", { departments: {} }, { token: (await t.token("viewer")) });
    expect(res.status).toBe(403);
    expect((await send("PUT", "/api/v1/stores/shop/departments", { departments: {} }, { token: null })).status).toBe(401);
  });

  it.each([
    ["an unknown zone", { produce: ["fruit", "toys"] }, /body\/departments\/produce: unknown zone "toys"/],
    ["a zone in two departments", { produce: ["fruit"], deli: ["fruit"] }, /body\/departments\/deli: zone "fruit" is already in department "produce"/],
    ["a zone listed twice", { produce: ["fruit", "fruit"] }, /body\/departments\/produce: zone "fruit" is listed twice/],
    ["a name with a comma", { "a,b": ["fruit"] }, /body\/departments\/a,b/],
    ["a name that is another zone's id", { bakery: ["fruit"] }, /body\/departments\/bakery: "bakery" is the id of a zone/],
    ["a department without zones", { produce: [] }, /body\/departments\/produce/],
    ["zones that are not zone ids", { produce: [3] }, /body\/departments\/produce: unknown zone "3"/],
  ])("answers 400 naming the department for %s", async (_what, departments, message) => {
    const res = await send("PUT", "/api/v1/stores/shop/departments", { departments });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  it("answers 400 naming the field without departments", async () => {
    const res = await send("PUT", "/api/v1/stores/shop/departments", {});
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/departments/);
  });

  it("answers 404 for a store without a layout", async () => {
    expect((await t.get("/api/v1/stores/nowhere/departments")).status).toBe(404);
  });
});

describe("POST /api/v1/stores/:store/sales", () => {
  const CSV = [
    "timestamp,zone,department,amount,items,transaction",
    "2026-11-20T10:00:00Z,fruit,,12.50,3,t1", // line 2: ok
    "2026-11-20 11:00,,bread,4.20,1,t2", // line 3: ok, local time, department
    "2026-11-20T10:05:00Z,toys,,1,1,t3", // line 4: unknown zone
    "2026-11-20T10:06:00Z,,sweets,1,1,t4", // line 5: unknown department
    "2026-11-20T10:07:00Z,fruit,,12€,1,t5", // line 6: bad amount
    "20/11/2026 10:08,fruit,,1,1,t6", // line 7: bad timestamp
    "2026-11-20T10:09:00Z,fruit,,1,1,", // line 8: no transaction id
    "2026-11-20T10:10:00Z,fruit,,1", // line 9: missing fields
    "1795172400000,checkout,,30,5,t7", // line 10: ok, epoch ms
  ].join("\n");

  it("keeps the good rows and reports each bad one by line with the reason", async () => {
    const res = await postCsv("shop", CSV);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accepted: 3,
      duplicates: 0,
      rejected: [
        { line: 4, error: expect.stringMatching(/^unknown zone "toys"/) },
        { line: 5, error: expect.stringMatching(/^unknown department "sweets"/) },
        { line: 6, error: expect.stringMatching(/^bad amount "12€"/) },
        { line: 7, error: expect.stringMatching(/^bad timestamp "20\/11\/2026 10:08"/) },
        { line: 8, error: "no transaction id" },
        { line: 9, error: "4 fields where the header has 6" },
      ],
      rejectedCount: 6,
      warnings: [],
      warningsCount: 0,
    });
  });

  it("is idempotent by transaction id: the same upload again gives duplicates and the same rejects", async () => {
    const res = await postCsv("shop", CSV);
    expect(res.body).toMatchObject({ accepted: 0, duplicates: 3, rejectedCount: 6 });
    const totals = (await t.get(`/api/v1/stores/shop/conversion?from=${Date.UTC(2026, 10, 20)}&to=${NOW}`)).body.store;
    expect(totals).toMatchObject({ transactions: 3, sales: 46.7 });
  });

  it("refuses a known transaction id with other values and keeps the first import", async () => {
    const res = await postCsv("shop", "timestamp,zone,amount,transaction\n2026-11-20T10:00:00Z,fruit,99,t1\n2026-11-20T10:00:00Z,fruit,5,t8\n");
    expect(res.body).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [{ line: 2, error: expect.stringMatching(/transaction "t1" was already imported with other values/) }],
      rejectedCount: 1,
      warnings: [],
      warningsCount: 0,
    });
  });

  it("accepts JSON rows (time as `ts` or `timestamp`), reporting bad ones by their position in `sales`", async () => {
    const res = await send("POST", "/api/v1/stores/shop/sales", {
      sales: [
        { ts: Date.UTC(2026, 10, 20, 12), zone: "bakery", amount: 3.1, items: 1, transaction: "j1" },
        { timestamp: "2026-11-20T12:30:00+01:00", department: "Fresh produce", amount: "8", transaction: 42 },
        { ts: Date.UTC(2026, 10, 20, 12), department: "Frozen", amount: 1, transaction: "j3" },
        { ts: Date.UTC(2026, 10, 20, 12), zone: "bakery", amount: -1, transaction: "j4" },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: [
        { line: 3, error: expect.stringMatching(/^unknown department "Frozen"/) },
        { line: 4, error: expect.stringMatching(/^bad amount -1/) },
      ],
      rejectedCount: 2,
      warnings: [],
      warningsCount: 0,
    });
  });

  it("reads the decimal commas of a `;` file, as a French or German spreadsheet saves its CSV, and says why a comma file's are refused", async () => {
    // Excel in a French locale: BOM, `;`, CRLF, local times, amounts with a decimal comma.
    const excel = "\uFEFFtimestamp;zone;amount;items;transaction\r\n2026-11-20 10:00;fruit;12,50;2;e1\r\n2026-11-20 10:05;bakery;3,2;1;e2\r\n2026-11-20 10:06;bakery;4;1;e3\r\n2026-11-20 10:07;bakery;1.234,50;1;e4\r\n";
    const res = await postCsv("excel", excel);
    expect(res.body).toEqual({
      accepted: 3,
      duplicates: 0,
      rejected: [{ line: 5, error: 'bad amount "1.234,50": a number such as 12.50 (a point for decimals or a comma, 12,50; no currency sign, no thousands separator)' }],
      rejectedCount: 1,
      warnings: [],
      warningsCount: 0,
    });
    // The same file again: nothing doubles.
    expect((await postCsv("excel", excel)).body).toMatchObject({ accepted: 0, duplicates: 3, rejectedCount: 1 });
    const store = (await t.get(`/api/v1/stores/excel/conversion?from=${Date.UTC(2026, 10, 20)}&to=${NOW}`)).body.store;
    expect(store).toMatchObject({ transactions: 3, sales: 19.7 });
    // In a comma-delimited file (and in JSON) "12,50" may be twelve hundred and fifty written the English way: refused, saying why.
    const comma = await postCsv("excel", 'timestamp,zone,amount,transaction\n2026-11-20 10:00,fruit,"12,50",c1\n');
    expect(comma.body.rejected).toEqual([{ line: 2, error: 'bad amount "12,50": a point for decimals (12.50); a decimal comma is read in a CSV delimited by ";" or a tab only' }]);
    const json = await send("POST", "/api/v1/stores/excel/sales", { sales: [{ ts: "2026-11-20 10:00", zone: "fruit", amount: "12,50", transaction: "j1" }] });
    expect(json.body.rejected).toEqual([{ line: 1, error: expect.stringMatching(/^bad amount "12,50": a point for decimals/) }]);
  });

  it("reads a local time the clocks showed twice as the second and one they skipped as that much later, saying so by line; an offset decides", async () => {
    await t.putLayout("dst", smallLayout());
    const csv = [
      "timestamp,zone,amount,transaction",
      "2026-10-25 02:30,fruit,10,d1", // 02:30 came twice in Paris that night (03:00 CEST -> 02:00 CET)
      "2026-10-25T02:40:00+02:00,fruit,10,d2", // the first 02:40, with its offset: no doubt
      "2026-03-29 02:30,fruit,10,d3", // no 02:30 in Paris that night (02:00 CET -> 03:00 CEST)
      "2026-10-25 02:50,toys,10,d4", // refused for its zone: no warning besides
      "2026-10-25 03:30,fruit,10,d5",
    ].join("\n");
    const res = await postCsv("dst", csv);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accepted: 4,
      duplicates: 0,
      rejected: [{ line: 5, error: expect.stringMatching(/^unknown zone "toys"/) }],
      rejectedCount: 1,
      warnings: [
        {
          line: 2,
          warning:
            '"2026-10-25 02:30" is a local time the clocks showed twice (the hour they went back in Europe/Paris): read as the second, 2026-10-25T02:30:00+01:00, after the change; for the first, give the offset: 2026-10-25T02:30:00+02:00',
        },
        {
          line: 4,
          warning: '"2026-03-29 02:30" is a local time the clocks skipped (the hour they went forward in Europe/Paris): read as that much later, 2026-03-29T03:30:00+02:00; check the till\'s clock, or give the offset',
        },
      ],
      warningsCount: 2,
    });
  });

  it("splits a department's sale evenly between its zones", async () => {
    await send("PUT", "/api/v1/stores/split/departments", { departments: { produce: ["fruit", "bakery"] } });
    const res = await send("POST", "/api/v1/stores/split/sales", "timestamp,department,amount,transaction\n2026-11-20T10:00:00Z,produce,10,s1\n", { type: "text/csv; charset=utf-8" });
    expect(res.body).toMatchObject({ accepted: 1 });
    const zones = (await t.get(`/api/v1/stores/split/conversion?from=${Date.UTC(2026, 10, 20)}&to=${NOW}`)).body.zones;
    const of = (id: string) => zones.find((z: { zone: string }) => z.zone === id);
    expect(of("fruit")).toMatchObject({ transactions: 0.5, sales: 5 });
    expect(of("bakery")).toMatchObject({ transactions: 0.5, sales: 5 });
  });

  it("takes last week's file again as duplicates after a department gained a zone, its sales left where they were counted", async () => {
    const file = "timestamp,department,amount,transaction\n2026-11-20T10:00:00Z,produce,10,r1\n";
    await send("PUT", "/api/v1/stores/split/departments", { departments: { produce: ["fruit"] } });
    expect((await postCsv("split", file)).body).toMatchObject({ accepted: 1 });
    await send("PUT", "/api/v1/stores/split/departments", { departments: { produce: ["fruit", "bakery"] } });
    expect((await postCsv("split", file)).body).toEqual({ accepted: 0, duplicates: 1, rejected: [], rejectedCount: 0, warnings: [], warningsCount: 0 });
    // r1 stays in the fruit, where it was counted; the bakery keeps the half of s1 (the test above).
    const zones = (await t.get(`/api/v1/stores/split/conversion?from=${Date.UTC(2026, 10, 20)}&to=${NOW}`)).body.zones;
    const of = (id: string) => zones.find((z: { zone: string }) => z.zone === id);
    expect([of("fruit").transactions, of("bakery").transactions]).toEqual([1.5, 0.5]);
  });

  it("answers 400 naming the missing columns of a CSV header", async () => {
    const res = await postCsv("shop", "when,where,how much\n1,fruit,3\n");
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^body: the CSV header must name timestamp, amount, transaction, zone or department/);
  });

  it("answers 400 naming the field for JSON without `sales`", async () => {
    const res = await send("POST", "/api/v1/stores/shop/sales", { rows: [] });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/body.*sales/);
  });

  it("answers 415 for another content type", async () => {
    const res = await send("POST", "/api/v1/stores/shop/sales", "<sales/>", { type: "application/xml" });
    expect(res.status).toBe(415);
  });

  it("answers 413 for an upload over 5 MiB", async () => {
    const line = "2026-11-20T10:00:00Z,fruit,1,";
    const big = `timestamp,zone,amount,transaction\n${Array.from({ length: 200_000 }, (_, i) => `${line}b${i}`).join("\n")}`;
    expect(big.length).toBeGreaterThan(5 * 1024 * 1024);
    expect((await postCsv("shop", big)).status).toBe(413);
  });

  it("may be called by an admin only, for a store the token may see", async () => {
    expect((await postCsv("shop", CSV, (await t.token("viewer")))).status).toBe(403);
    expect((await postCsv("shop", CSV, (await t.token("admin", "plain")))).status).toBe(403);
    expect((await postCsv("shop", CSV, null)).status).toBe(401);
  });

  it("answers 404 for a store without a layout", async () => {
    expect((await postCsv("nowhere", CSV)).status).toBe(404);
  });
});

describe("GET /api/v1/stores/:store/sales/days", () => {
  it("gives each local day's transactions and sum, today so far the last, days without any at 0 from the first sale on and null (no data) before it, and the newest sale stored", async () => {
    const t0 = await t.token("viewer");
    // No sale recorded yet (no till feed): no data, not 0 transactions.
    expect((await t.get("/api/v1/stores/daily/sales/days?days=3", t0)).body).toMatchObject({
      timezone: "Europe/Paris",
      newestSaleTs: null,
      days: [
        { transactions: null, sales: null },
        { transactions: null, sales: null },
        { transactions: null, sales: null },
      ],
    });
    // Paris days: 23:30 on the 18th (local) is the 18th, 00:30 on the 19th the 19th; today the 20th so far; nothing on the 17th.
    const csv = [
      "timestamp,zone,amount,items,transaction",
      "2026-11-18 23:30,fruit,10.10,1,d1",
      "2026-11-19 00:30,fruit,5.20,1,d2",
      "2026-11-19 18:00,bakery,4.70,1,d3",
      "2026-11-20 09:00,fruit,3,1,d4",
    ].join("\n");
    expect((await postCsv("daily", csv)).body).toMatchObject({ accepted: 4 });
    const body = (await t.get("/api/v1/stores/daily/sales/days?days=4", t0)).body;
    const rows = (b: { days: { date: string; transactions: number | null; sales: number | null }[] }) => b.days.map((d) => [d.date, d.transactions, d.sales]);
    // The 17th ends before the first sale recorded (the till feed begins on the 18th): no data.
    expect(rows(body)).toEqual([
      ["2026-11-17", null, null],
      ["2026-11-18", 1, 10.1],
      ["2026-11-19", 2, 9.9],
      ["2026-11-20", 1, 3],
    ]);
    expect(body.days[3].to).toBe(NOW);
    expect(body.days[1].from).toBe(Date.UTC(2026, 10, 17, 23));
    expect(body.newestSaleTs).toBe(Date.UTC(2026, 10, 20, 8));
    // Each day is what the conversion view gives for the same range.
    const d = body.days[2];
    expect((await t.get(`/api/v1/stores/daily/conversion?from=${d.from}&to=${d.to}`, t0)).body.store).toMatchObject({ transactions: 2, sales: 9.9 });
    // An older sale (the 15th): the feed began then, so the 16th and 17th are days the till sold nothing, 0.
    expect((await postCsv("daily", ["timestamp,zone,amount,items,transaction", "2026-11-15 12:00,fruit,2,1,d0"].join("\n"))).body).toMatchObject({ accepted: 1 });
    expect(rows((await t.get("/api/v1/stores/daily/sales/days?days=6", t0)).body)).toEqual([
      ["2026-11-15", 1, 2],
      ["2026-11-16", 0, 0],
      ["2026-11-17", 0, 0],
      ["2026-11-18", 1, 10.1],
      ["2026-11-19", 2, 9.9],
      ["2026-11-20", 1, 3],
    ]);
  });

  it("answers 400 naming the field for days out of range, and 401 without a token", async () => {
    const res = await t.get("/api/v1/stores/daily/sales/days?days=93");
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/days/);
    expect((await t.get("/api/v1/stores/daily/sales/days", null)).status).toBe(401);
  });
});
