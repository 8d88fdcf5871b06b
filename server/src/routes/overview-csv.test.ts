/**
 * The chain view's CSV export says what the chain view says: written from GET /overview's answer
 * (on the in-process server's SQLite file) by the view's own writer (floorplan-ui's chainCsv), each
 * store's like-for-like flags and why it is left out, and the totals rows the view shows, whose
 * like-for-like figures a spreadsheet finds again by adding up the stores flagged true. A store whose
 * earlier figures were deleted by retention (FOOTFALL_AGGREGATE_RETENTION_DAYS) is "no data", not "new".
 */
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { chainCsv } from "../../../floorplan-ui/src/model/exports.js";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { DAY, FROM, HOUR, NOW, TO } from "../../../test/support/overview-week.js";

/** Hour and day figures are kept 300 days: last year's week is older. */
const KEPT_DAYS = 300;
const KEPT_FROM = NOW - KEPT_DAYS * DAY;

const t = useTestServer({ now: () => NOW, maxAgeMs: 420 * DAY, config: { aggregateRetentionDays: KEPT_DAYS } });

/**
 * Each store's first day (4 enters a day at 10:00 UTC from then on): `cut` counted since long before
 * last year's week, its figures before the horizon then deleted as the retention pass deletes them;
 * `old` counted since 30 days ago; `fresh` since 3 days into the previous week.
 */
const BEGIN = { cut: FROM - 400 * DAY, old: FROM - 30 * DAY, fresh: FROM - 4 * DAY } as const;

beforeAll(async () => {
  for (const [store, first] of Object.entries(BEGIN)) {
    await t.putLayout(store, smallLayout({ name: `Shop ${store}`, timezone: "UTC" }));
    const f = new EventFactory("cam-1");
    const events = [];
    for (let d = first; d < TO; d += DAY)
      for (let i = 0; i < 4; i++) events.push(...f.visit(`${store}-${(d - first) / DAY}-${i}`, "entrance", d + 10 * HOUR + i * 60_000, 10_000));
    for (let i = 0; i < events.length; i += 900) await t.ingest(store, "cam-1", events.slice(i, i + 900));
  }
  const { storage } = t.server.services;
  await storage.transaction((tx) => tx.aggregates.deleteRollupsBefore("cut", KEPT_FROM));
});

interface Row {
  id: string;
  figuresFrom: number | null;
  likeForLike: { previous: boolean; lastYear: boolean };
  notLikeForLike: { previous: string | null; lastYear: string | null };
}

/** The file as a spreadsheet reads it (BOM off), each row by its header's names. */
function records(csv: string): Record<string, string>[] {
  const [header, ...rows] = parse(csv.slice(1)) as string[][];
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
}

describe("the chain CSV against GET /overview", () => {
  it("flags each store like the overview (a store new in the period 'new', one whose last year is past retention 'no data'), and its totals rows are the view's", async () => {
    const res = await t.get(`/api/v1/overview?from=${FROM}&to=${TO}`);
    expect(res.status).toBe(200);
    const body = res.body;
    const row = (id: string) => (body.stores as Row[]).find((s) => s.id === id)!;
    expect(body.history).toEqual({ keptDays: KEPT_DAYS, keptFrom: KEPT_FROM });
    // cut's figures now begin at the horizon: last year is no data, not new; the previous week is compared.
    expect(row("cut").figuresFrom).toBeGreaterThanOrEqual(KEPT_FROM);
    expect(row("cut").likeForLike).toEqual({ previous: true, lastYear: false });
    expect(row("cut").notLikeForLike).toEqual({ previous: null, lastYear: "no-data" });
    // old opened a month ago, long after the horizon: new against last year.
    expect(row("old").notLikeForLike).toEqual({ previous: null, lastYear: "new" });
    expect(row("fresh").likeForLike).toEqual({ previous: false, lastYear: false });
    expect(row("fresh").notLikeForLike).toEqual({ previous: "new", lastYear: "new" });

    const csv = records(chainCsv(body.stores, { from: FROM, to: TO, timeZone: "UTC", now: NOW }, { totals: body.totals, groups: body.groups, history: body.history }));
    const stores = csv.filter((r) => r.row === "store");
    expect(stores.map((r) => r.store)).toEqual((body.stores as Row[]).map((s) => s.id));
    const reason = { new: "new", "no-data": "no data" } as Record<string, string>;
    for (const s of body.stores as Row[]) {
      const r = stores.find((x) => x.store === s.id)!;
      expect([r.like_for_like_previous, r.like_for_like_last_year]).toEqual([String(s.likeForLike.previous), String(s.likeForLike.lastYear)]);
      expect([r.not_like_for_like_previous, r.not_like_for_like_last_year]).toEqual([
        s.notLikeForLike.previous ? reason[s.notLikeForLike.previous] : "",
        s.notLikeForLike.lastYear ? reason[s.notLikeForLike.lastYear] : "",
      ]);
      expect(r.figures_kept_days).toBe(String(KEPT_DAYS));
    }

    // The totals rows, named as the view says them, with the overview's figures.
    const totals = csv.filter((r) => r.row === "total");
    expect(totals.map((r) => r.name)).toEqual([
      "All stores",
      "All stores, like-for-like against the previous period: 2 of 3 stores",
      "All stores, like-for-like against last year: 0 of 3 stores",
    ]);
    const [all, prev, ly] = totals as [Record<string, string>, Record<string, string>, Record<string, string>];
    expect(Number(all.enters)).toBe(body.totals.figures.enters);
    expect(all.stores).toBe("3");
    expect(all.enters_previous).toBe(""); // the view compares totals like-for-like only: the rows below
    expect(Number(prev.enters)).toBe(body.totals.likeForLike.previous.figures.enters);
    expect(Number(prev.enters_previous)).toBe(body.totals.likeForLike.previous.before.enters);
    expect(prev.stores).toBe("2");
    expect([ly.stores, ly.enters, ly.enters_last_year]).toEqual(["0", "0", "0"]);
    // A spreadsheet's sum over the stores flagged like-for-like is the like-for-like row.
    const sum = (rows: Record<string, string>[], col: string) => rows.reduce((n, r) => n + Number(r[col]), 0);
    const inPrev = stores.filter((r) => r.like_for_like_previous === "true");
    expect(inPrev.map((r) => r.store).sort()).toEqual(["cut", "old"]);
    expect(sum(inPrev, "enters")).toBe(Number(prev.enters));
    expect(sum(inPrev, "enters_previous")).toBe(Number(prev.enters_previous));
    expect(Number(prev.enters)).toBe(2 * 7 * 4);
  });

  it("says 'no data' against the previous period when that period is older than the figures kept", async () => {
    // A week starting two days after the horizon's day: its previous week reaches before it.
    const from = Math.floor(KEPT_FROM / DAY) * DAY + 2 * DAY;
    const res = await t.get(`/api/v1/overview?from=${from}&to=${from + 7 * DAY}`);
    const row = (id: string) => (res.body.stores as Row[]).find((s) => s.id === id)!;
    expect(row("cut").notLikeForLike.previous).toBe("no-data");
    const csv = records(
      chainCsv(res.body.stores, { from, to: from + 7 * DAY, timeZone: "UTC", now: NOW }, { totals: res.body.totals, groups: [], history: res.body.history }),
    );
    expect(csv.find((r) => r.store === "cut")!.not_like_for_like_previous).toBe("no data");
  });

  it("leaves transactions, sales, conversion and average basket empty, not 0, for a period before a store's first sale recorded (no till feed yet), and totals only the stores with sales data", async () => {
    // old's till feed begins on the range's third day (3 sales); cut and fresh never had a sale stored.
    const sales = [0, 1, 2].map((i) => ({ ts: FROM + 2 * DAY + (12 + i) * HOUR, zone: "checkout", amount: 10 + i, transaction: `old-${i}` }));
    const posted = await t.server.app.inject({ method: "POST", url: "/api/v1/stores/old/sales", headers: { authorization: `Bearer ${t.admin}` }, payload: { sales } });
    expect(posted.statusCode).toBe(200);
    const body = (await t.get(`/api/v1/overview?from=${FROM}&to=${TO}`)).body;
    const csv = records(chainCsv(body.stores, { from: FROM, to: TO, timeZone: "UTC", now: NOW }, { totals: body.totals, groups: body.groups, history: body.history }));
    const store = (id: string) => csv.find((r) => r.row === "store" && r.store === id)!;
    const money = ["transactions", "sales", "conversion", "average_basket"];
    const cells = (r: Record<string, string>, suffix = "") => money.map((c) => r[`${c}${suffix}`]);
    // old: counted the week before (compared like-for-like, 28 enters) but no till feed then: no data, not "0 sales"; this week its 3 sales.
    expect(store("old").like_for_like_previous).toBe("true");
    expect(store("old").enters_previous).toBe("28");
    expect(cells(store("old"), "_previous")).toEqual(["", "", "", ""]);
    expect(cells(store("old"))).toEqual(["3", "33.00", (3 / 28).toFixed(4), "11.00"]);
    // cut never had a sale stored: empty in every period.
    for (const suffix of ["", "_previous", "_last_year"]) expect(cells(store("cut"), suffix), `cut${suffix}`).toEqual(["", "", "", ""]);
    // The totals: this week old's sales alone; the like-for-like row's week before, no store with sales data: empty, not 0.
    const [all, prev] = csv.filter((r) => r.row === "total") as [Record<string, string>, Record<string, string>];
    expect([all.transactions, all.sales]).toEqual(["3", "33.00"]);
    expect(cells(prev, "_previous")).toEqual(["", "", "", ""]);
    expect(body.totals.likeForLike.previous.before).toMatchObject({ transactions: null, sales: null, conversion: null, averageBasket: null });
    expect(body.totals.previous).toMatchObject({ transactions: null, sales: null });
  });
});
