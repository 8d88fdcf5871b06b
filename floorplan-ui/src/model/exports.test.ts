import fc from "fast-check";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { BOM } from "./csv.js";
import { salesDaysFigures } from "./sales.js";
import { chainCsv, type ChainCsvStore, funnelCsv, funnelSeriesCsv, pathsCsv, salesDaysCsv, trafficCsv, transitionsCsv, weekGridCsv } from "./exports.js";
import { funnelRows } from "./funnel.js";
import { notCountedHours } from "./traffic.js";

const range = { from: Date.parse("2026-11-29T23:00:00Z"), to: Date.parse("2026-11-30T23:00:00Z"), timeZone: "Europe/Paris" };
const names = new Map([["fruit", "Fruit & veg"], ["bakery", "Bakery, fresh"], ["checkout", "Checkout"]]);
/** The file as a spreadsheet reads it: BOM first, then RFC 4180 records. */
const read = (csv: string): string[][] => {
  expect(csv.startsWith(BOM)).toBe(true);
  return parse(csv.slice(1), { relaxColumnCount: false }) as string[][];
};

describe("pathsCsv", () => {
  it("lists every path busiest first with names, ids, trips and the share of all trips, each row with the range", () => {
    const rows = read(pathsCsv([{ zones: ["fruit", "checkout"], count: 3 }, { zones: ["bakery"], count: 5 }], 10, names, range));
    expect(rows).toEqual([
      ["range_from", "range_to", "rank", "path", "zones", "trips", "share_of_all_trips", "all_trips", "not_counted_hours"],
      ["2026-11-30T00:00:00+01:00", "2026-12-01T00:00:00+01:00", "1", "Bakery, fresh", "bakery", "5", "0.5000", "10", ""],
      ["2026-11-30T00:00:00+01:00", "2026-12-01T00:00:00+01:00", "2", "Fruit & veg > Checkout", "fruit > checkout", "3", "0.3000", "10", ""],
    ]);
  });
  it("keeps every path and its count, whatever the names (quotes, commas, formulas)", () => {
    const id = fc.constantFrom("fruit", "bakery", "checkout", "x");
    fc.assert(fc.property(fc.array(fc.record({ zones: fc.array(id, { minLength: 1, maxLength: 4 }), count: fc.nat(1000) }), { maxLength: 20 }), fc.string(), (paths, odd) => {
      const rows = read(pathsCsv(paths, 5000, new Map([...names, ["x", odd]]), range)).slice(1);
      expect(rows.map((r) => Number(r[5])).sort((a, b) => a - b)).toEqual(paths.map((p) => p.count).sort((a, b) => a - b));
      for (const r of rows) expect(r).toHaveLength(9);
    }));
  });
});

describe("transitionsCsv", () => {
  it("lists moves between different zones, busiest first", () => {
    const rows = read(transitionsCsv([{ from: "fruit", to: "fruit", count: 9 }, { from: "fruit", to: "checkout", count: 2 }, { from: "bakery", to: "fruit", count: 4 }], names, range));
    expect(rows.slice(1).map((r) => [r[2], r[3], r[4], r[6]])).toEqual([["bakery", "Bakery, fresh", "fruit", "4"], ["fruit", "Fruit & veg", "checkout", "2"]]);
  });
});

describe("funnel exports", () => {
  it("gives each step's trips and shares, no drop-off for the first", () => {
    const rows = read(funnelCsv([{ step: "fruit", label: "Fruit & veg", reached: 10, rate: 1, stepRate: null, dropOff: 0, ofAll: 0.25 }, { step: "checkout", label: "Checkout", reached: 4, rate: 0.4, stepRate: 0.4, dropOff: 6, ofAll: 0.1 }], range));
    // Each step's share of every trip in the store, as its bar says it ("25 % of all trips").
    expect(rows[0]!.slice(-2)).toEqual(["share_of_all_trips", "not_counted_hours"]);
    expect(rows.slice(1).map((r) => r.slice(2))).toEqual([["1", "fruit", "Fruit & veg", "10", "1.0000", "", "", "0.2500", ""], ["2", "checkout", "Checkout", "4", "0.4000", "0.4000", "6", "0.1000", ""]]);
  });
  it("leaves the shares empty, not 0, when no trip reached the first step (a range before the store's figures)", () => {
    // GET /funnel's answer for such a range: reached 0 and shares 0 for 0 of 0.
    const steps = [{ step: "fruit", reached: 0, dropOff: 0, rate: 0, stepRate: 0, shareOfTrips: 0 }, { step: "checkout", reached: 0, dropOff: 0, rate: 0, stepRate: 0, shareOfTrips: 0 }];
    const rows = read(funnelCsv(funnelRows(steps, (s) => s), range));
    expect(rows.slice(1).map((r) => r.slice(2, 9))).toEqual([["1", "fruit", "fruit", "0", "", "", ""], ["2", "checkout", "checkout", "0", "", "", "0"]]);
  });
  it("leaves every figure empty for a range before the store's figures, as the heatmap's export does, not 0 trips", () => {
    const steps = [{ step: "fruit", reached: 0, dropOff: 0, rate: 0, stepRate: 0, shareOfTrips: 0 }, { step: "checkout", reached: 0, dropOff: 0, rate: 0, stepRate: 0, shareOfTrips: 0 }];
    const rows = read(funnelCsv(funnelRows(steps, (s) => s), range, true));
    expect(rows.slice(1).map((r) => r.slice(2))).toEqual([["1", "fruit", "fruit", "", "", "", "", "", ""], ["2", "checkout", "checkout", "", "", "", "", "", ""]]);
  });
  it("gives one row per hour or day with its start and end in the store's zone (a 25-hour day too), a column per step, and no completion without trips", () => {
    const days = ["2026-10-24T00:00:00+02:00", "2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00"];
    const buckets = days.map((start, i) => ({ start, steps: [{ step: "fruit", reached: i === 2 ? 0 : 10 }, { step: "checkout", reached: i === 2 ? 0 : 5 }] }));
    const r = { from: Date.parse(days[0]!), to: Date.parse("2026-10-27T00:00:00+01:00"), timeZone: "Europe/Paris" };
    const rows = read(funnelSeriesCsv(buckets, [{ step: "fruit", label: "Fruit & veg" }, { step: "checkout", label: "Checkout" }], "day", r));
    expect(rows[0]).toEqual(["range_from", "range_to", "day_start", "day_end", "1. Fruit & veg", "2. Checkout", "completion", "not_counted_hours"]);
    expect(rows.slice(1).map((x) => x.slice(2))).toEqual([
      ["2026-10-24T00:00:00+02:00", "2026-10-25T00:00:00+02:00", "10", "5", "0.5000", ""],
      ["2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00", "10", "5", "0.5000", ""],
      ["2026-10-26T00:00:00+01:00", "2026-10-27T00:00:00+01:00", "0", "0", "", ""],
    ]);
  });
  it("leaves a bucket before the store's first figures, or still to come, empty (no data), not 0 trips", () => {
    const hours = ["2026-11-02T08:00:00+01:00", "2026-11-02T09:00:00+01:00", "2026-11-02T10:00:00+01:00", "2026-11-02T11:00:00+01:00"];
    const buckets = hours.map((start, i) => ({ start, steps: [{ step: "fruit", reached: i === 1 ? 4 : 0 }, { step: "checkout", reached: i === 1 ? 2 : 0 }] }));
    const r = { from: Date.parse(hours[0]!), to: Date.parse("2026-11-02T12:00:00+01:00"), timeZone: "Europe/Paris" };
    // The figures begin at 09:30; it is 10:59 now: 08:00 has no data, 10:00 has (a real 0), 11:00 is still to come.
    const coverage = { from: Date.parse("2026-11-02T09:30:00+01:00"), now: Date.parse("2026-11-02T10:59:00+01:00") };
    const rows = read(funnelSeriesCsv(buckets, [{ step: "fruit", label: "Fruit & veg" }, { step: "checkout", label: "Checkout" }], "hour", r, coverage)).slice(1);
    expect(rows.map((x) => x.slice(4))).toEqual([["", "", "", ""], ["4", "2", "0.5000", ""], ["0", "0", "", ""], ["", "", "", ""]]);
  });
});

describe("weekGridCsv", () => {
  it("gives a row per weekday and a column per hour, empty for no data (never 0)", () => {
    const rows = read(weekGridCsv([[9, 0, 12], [10, 0, 0], [9, 6, null]], ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], range));
    expect(rows[0]).toHaveLength(3 + 24 + 1);
    expect(rows[0]!.slice(2, 5)).toEqual(["weekday", "00:00", "01:00"]);
    expect(rows[1]!.slice(2)).toEqual(["Mon", ...Array(9).fill(""), "12", "0", ...Array(13).fill(""), ""]);
    expect(rows[7]![2]).toBe("Sun");
    expect(rows[7]![3 + 9]).toBe("");
  });
});

describe("trafficCsv", () => {
  it("gives every row the range it was exported for, as the other exports do, then each slot in the store's zone (a 25-hour day too), empty for no data", () => {
    const at = (iso: string) => Date.parse(iso);
    const slots = [
      { start: at("2026-10-24T00:00:00+02:00"), end: at("2026-10-25T00:00:00+02:00"), label: "Sat 24", value: null },
      { start: at("2026-10-25T00:00:00+02:00"), end: at("2026-10-26T00:00:00+01:00"), label: "Sun 25", value: 1234 },
      { start: at("2026-10-26T00:00:00+01:00"), end: at("2026-10-27T00:00:00+01:00"), label: "Mon 26", value: 0 },
    ];
    const r = { from: slots[0]!.start, to: slots[2]!.end, timeZone: "Europe/Paris" };
    const rows = read(trafficCsv(slots, "day", r, "store_enters"));
    expect(rows).toEqual([
      ["range_from", "range_to", "day_start", "day_end", "store_enters", "not_counted_hours"],
      ["2026-10-24T00:00:00+02:00", "2026-10-27T00:00:00+01:00", "2026-10-24T00:00:00+02:00", "2026-10-25T00:00:00+02:00", "", ""],
      ["2026-10-24T00:00:00+02:00", "2026-10-27T00:00:00+01:00", "2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00", "1234", ""],
      ["2026-10-24T00:00:00+02:00", "2026-10-27T00:00:00+01:00", "2026-10-26T00:00:00+01:00", "2026-10-27T00:00:00+01:00", "0", ""],
    ]);
  });

  it("says in not_counted_hours how many open hours of a slot its entrance was counted by no agent, as the chain CSV's 'outage', empty when none", () => {
    const at = (iso: string) => Date.parse(iso);
    // The entrance camera offline 14:00-18:00 on Mon 30 Nov: that day's 60 enters are short by what nobody counted.
    const slots = [
      { start: at("2026-11-30T00:00:00Z"), end: at("2026-12-01T00:00:00Z"), label: "Mon 30", value: 60 },
      { start: at("2026-12-01T00:00:00Z"), end: at("2026-12-02T00:00:00Z"), label: "Tue 1", value: 100 },
    ];
    const outage = { hours: 4, zones: ["entrance"], spans: [{ from: at("2026-11-30T14:00:00Z"), to: at("2026-11-30T18:00:00Z") }] };
    const rows = read(trafficCsv(slots, "day", { from: slots[0]!.start, to: slots[1]!.end, timeZone: "UTC" }, "store_enters", notCountedHours(slots, outage)));
    expect(rows.map((r) => [r[4], r[5]])).toEqual([["store_enters", "not_counted_hours"], ["60", "4"], ["100", ""]]);
  });
});

describe("trafficCsv of a range that ends now", () => {
  it("ends the last day at the range's end (today so far), as the funnel's and the Sales page's exports do, not at midnight", () => {
    const at = (iso: string) => Date.parse(iso);
    const now = at("2026-12-04T21:55:07+01:00");
    const slots = [
      { start: at("2026-12-03T00:00:00+01:00"), end: at("2026-12-04T00:00:00+01:00"), label: "Thu 3", value: 985 },
      { start: at("2026-12-04T00:00:00+01:00"), end: at("2026-12-05T00:00:00+01:00"), label: "Fri 4", value: 2995 },
    ];
    const rows = read(trafficCsv(slots, "day", { from: slots[0]!.start, to: now, timeZone: "Europe/Paris" }, "store_enters")).slice(1);
    expect(rows.map((r) => [r[1], r[2], r[3]])).toEqual([
      ["2026-12-04T21:55:07+01:00", "2026-12-03T00:00:00+01:00", "2026-12-04T00:00:00+01:00"],
      ["2026-12-04T21:55:07+01:00", "2026-12-04T00:00:00+01:00", "2026-12-04T21:55:07+01:00"],
    ]);
  });
});

describe("salesDaysCsv", () => {
  it("gives the Sales page's days oldest first: no data before the figures as empty cells, an unknown conversion empty, money to the currency's units", () => {
    const day = (d: number) => Date.parse(`2026-11-${String(d).padStart(2, "0")}T00:00:00+01:00`);
    const days = [
      { date: "2026-11-28", from: day(28), to: day(29), transactions: 3, sales: 37.5, enters: null, conversion: null },
      { date: "2026-11-29", from: day(29), to: day(30), transactions: 0, sales: 0, enters: 412, conversion: null },
      { date: "2026-11-30", from: day(30), to: day(30) + 11.5 * 3_600_000, transactions: 12, sales: 150.1 + 0.2, enters: 96, conversion: 12 / 96 },
    ];
    const rows = read(salesDaysCsv(days, { from: day(28), to: days[2]!.to, timeZone: "Europe/Paris" }, "EUR"));
    expect(rows).toEqual([
      ["range_from", "range_to", "day_start", "day_end", "store_enters", "transactions", "conversion", "sales", "row", "conversion_from", "not_counted_hours"],
      ["2026-11-28T00:00:00+01:00", "2026-11-30T11:30:00+01:00", "2026-11-28T00:00:00+01:00", "2026-11-29T00:00:00+01:00", "", "3", "", "37.50", "day", "", ""],
      ["2026-11-28T00:00:00+01:00", "2026-11-30T11:30:00+01:00", "2026-11-29T00:00:00+01:00", "2026-11-30T00:00:00+01:00", "412", "0", "", "0.00", "day", "", ""],
      ["2026-11-28T00:00:00+01:00", "2026-11-30T11:30:00+01:00", "2026-11-30T00:00:00+01:00", "2026-11-30T11:30:00+01:00", "96", "12", "0.1250", "150.30", "day", "", ""],
    ]);
  });
  it("ends with the table's total row: its conversion counts the days from the store's first figures on, as the screen's, not the sum of the rows above", () => {
    const day = (d: number) => Date.parse(`2026-11-${String(d).padStart(2, "0")}T00:00:00+01:00`);
    // The figures begin on the 29th: the 28th's 3 sales have no enters to be set against.
    const recorded = [
      { date: "2026-11-28", from: day(28), to: day(29), transactions: 3, sales: 37.5 },
      { date: "2026-11-29", from: day(29), to: day(30), transactions: 0, sales: 0 },
      { date: "2026-11-30", from: day(30), to: day(30) + 11.5 * 3_600_000, transactions: 12, sales: 150.3 },
    ];
    const traffic = [
      { start: "2026-11-28T00:00:00+01:00", enters: 0, zones: {} },
      { start: "2026-11-29T00:00:00+01:00", enters: 412, zones: {} },
      { start: "2026-11-30T00:00:00+01:00", enters: 96, zones: {} },
    ];
    const figures = salesDaysFigures(recorded, traffic, "Europe/Paris", { from: day(29), now: recorded[2]!.to });
    const rows = read(salesDaysCsv(figures.days, { from: day(28), to: recorded[2]!.to, timeZone: "Europe/Paris" }, "EUR", figures.total));
    const head = rows[0]!;
    const total = Object.fromEntries(head.map((h, i) => [h, rows.at(-1)![i]]));
    // The screen's total row: 15 transactions, 508 enters, 12 / 508 (2.4 %) since Sun 29 Nov; the rows' sums would give 15 / 508 (3.0 %).
    expect(total).toEqual({
      range_from: "2026-11-28T00:00:00+01:00", range_to: "2026-11-30T11:30:00+01:00", day_start: "2026-11-28T00:00:00+01:00", day_end: "2026-11-30T11:30:00+01:00",
      store_enters: "508", transactions: "15", conversion: (12 / 508).toFixed(4), sales: "187.80", row: "total", conversion_from: "2026-11-29T00:00:00+01:00", not_counted_hours: "",
    });
    expect(Number(total.conversion)).toBeCloseTo(figures.total.conversion!, 4);
    expect(rows.slice(1, -1).map((r) => r[head.indexOf("row")])).toEqual(["day", "day", "day"]);
  });
});

describe("not_counted_hours in the zone screens' exports (paths, moves, funnel, week grid, sales days)", () => {
  // Mon 30 Nov 2026, Paris: a zone counted by no agent 14:00-18:00 (GET .../paths, .../funnel and .../traffic's outages).
  const at = (h: number) => Date.parse(`2026-11-30T${String(h).padStart(2, "0")}:00:00+01:00`);
  const outage = { hours: 4, zones: ["fruit"], spans: [{ from: at(14), to: at(18) }] };
  it("says the range's hours on every path and move, and each bucket's in a funnel series, as the traffic CSV's column", () => {
    const paths = read(pathsCsv([{ zones: ["fruit"], count: 3 }], 3, names, range, outage.hours));
    expect(paths.map((r) => r.at(-1))).toEqual(["not_counted_hours", "4"]);
    const moves = read(transitionsCsv([{ from: "fruit", to: "checkout", count: 2 }], names, range, outage.hours));
    expect(moves.map((r) => r.at(-1))).toEqual(["not_counted_hours", "4"]);
    const funnel = read(funnelCsv([{ step: "fruit", label: "Fruit", reached: 3, rate: 1, stepRate: null, dropOff: 0 }], range, false, outage.hours));
    expect(funnel.map((r) => r.at(-1))).toEqual(["not_counted_hours", "4"]);
    const hours = [13, 14, 17, 18].map((h) => `2026-11-30T${h}:00:00+01:00`);
    const r = { from: at(13), to: at(19), timeZone: "Europe/Paris" };
    const series = read(funnelSeriesCsv(hours.map((start) => ({ start, steps: [{ step: "fruit", reached: 1 }] })), [{ step: "fruit", label: "Fruit" }], "hour", r, null, outage));
    expect(series.map((x) => x.at(-1))).toEqual(["not_counted_hours", "", "1", "1", ""]);
  });
  it("gives the week grid's weekday its hours nobody counted, and the Sales days theirs with the total's", () => {
    const grid = read(weekGridCsv([[14, 0, 0]], ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], range, new Map([["0|14", 1], ["0|15", 1], ["0|16", 1], ["0|17", 1]])));
    expect(grid.map((x) => x.at(-1))).toEqual(["not_counted_hours", "4", "", "", "", "", "", ""]);
    const day = (d: number) => Date.parse(`2026-11-${String(d).padStart(2, "0")}T00:00:00+01:00`);
    const days = [
      { date: "2026-11-29", from: day(29), to: day(30), transactions: 10, sales: 100, enters: 100, conversion: 0.1 },
      { date: "2026-11-30", from: day(30), to: day(30) + 24 * 3_600_000, transactions: 10, sales: 100, enters: 60, conversion: 10 / 60 },
    ];
    const total = { enters: 160, transactions: 20, sales: 200, conversion: 20 / 160, since: null };
    const sales = read(salesDaysCsv(days, { from: day(29), to: day(30) + 24 * 3_600_000, timeZone: "Europe/Paris" }, "EUR", total, outage));
    expect(sales.map((x) => x.at(-1))).toEqual(["not_counted_hours", "", "4", "4"]);
  });
});

describe("chainCsv", () => {
  const figures = (enters: number, extra: Partial<ChainCsvStore["figures"]> = {}): ChainCsvStore["figures"] => ({
    enters, visitors: null, transactions: 0, sales: 0, conversion: null, averageBasket: null, dwellMedianS: 95.25, ...extra,
  });
  /** The range as the view asks it, read after it ended. */
  const ended = { ...range, now: range.to + 3_600_000 };
  const store = (id: string, name: string, over: Partial<ChainCsvStore> = {}): ChainCsvStore => ({
    id, name, groups: [], currency: "EUR", timezone: "Europe/Paris", figures: figures(120), previous: figures(100), lastYear: figures(0),
    likeForLike: { previous: true, lastYear: false }, notLikeForLike: { previous: null, lastYear: "new" },
    occupancy: 7, occupancyFrom: "door", agents: { agents: 2, online: 1, health: "degraded" }, ...over,
  });

  it("writes the stores in the view's order with the range, each figure, the previous period's and last year's, occupancy now and agents", () => {
    const rows = read(chainCsv([
      store("store-0002", "Fashion Milan, Corso", { groups: ["north", "outlets"], figures: figures(80, { visitors: 70, transactions: 14, sales: 1234.5, conversion: 0.2, averageBasket: 88.178 }) }),
      store("store-0001", "=Paris", { currency: null, occupancyFrom: "zones" }),
    ], ended));
    expect(rows[0]).toEqual([
      "range_from", "range_to", "store", "name", "groups", "timezone", "currency",
      "enters", "visitors", "transactions", "sales", "conversion", "average_basket", "dwell_median_s",
      "enters_previous", "visitors_previous", "transactions_previous", "sales_previous", "conversion_previous", "average_basket_previous", "dwell_median_s_previous",
      "enters_last_year", "visitors_last_year", "transactions_last_year", "sales_last_year", "conversion_last_year", "average_basket_last_year", "dwell_median_s_last_year",
      "in_store_now", "in_store_from", "agents", "agents_online", "agents_health",
      "like_for_like_previous", "like_for_like_last_year", "not_like_for_like_previous", "not_like_for_like_last_year", "figures_kept_days", "row", "stores", "in_store_now_partial", "visitors_stores_left_out",
    ]);
    expect(rows[1]).toEqual([
      "2026-11-30T00:00:00+01:00", "2026-12-01T00:00:00+01:00", "store-0002", "Fashion Milan, Corso", "north outlets", "Europe/Paris", "EUR",
      "80", "70", "14", "1234.50", "0.2000", "88.18", "95.3",
      "100", "", "0", "0.00", "", "", "95.3",
      "", "", "", "", "", "", "",
      "7", "door", "2", "1", "degraded",
      "true", "false", "", "new", "", "store", "1", "", "",
    ]);
    // No figure is an empty cell, never a 0; a name a spreadsheet would run as a formula is quoted.
    expect(rows[2]!.slice(2, 9)).toEqual(["store-0001", "'=Paris", "", "Europe/Paris", "", "120", ""]);
    expect(rows[2]!.slice(28, 33)).toEqual(["7", "zones", "2", "1", "degraded"]);
  });

  it("says why a store is left out (new, or no data where the period is older than the figures kept) and ends with the view's totals, named as it names them", () => {
    const f = (enters: number) => figures(enters, { dwellMedianS: null });
    const total = (id: string | null, name: string, stores: number, p: number, y: number) => ({
      id, name, stores, currency: "EUR", figures: f(300), occupancy: 9,
      likeForLike: { previous: { stores: p, figures: f(200), before: f(150) }, lastYear: { stores: y, figures: f(0), before: f(0) } },
    });
    const cut = store("cut", "Cut", { likeForLike: { previous: true, lastYear: false }, notLikeForLike: { previous: null, lastYear: "no-data" } });
    const fresh = store("fresh", "Fresh", { likeForLike: { previous: false, lastYear: false }, notLikeForLike: { previous: "new", lastYear: "new" } });
    const rows = read(chainCsv([cut, fresh], ended, { totals: total(null, "All stores", 2, 1, 0), groups: [total("north", "North", 1, 1, 0)], history: { keptDays: 365 } }));
    const col = (name: string) => rows[0]!.indexOf(name);
    const pick = (r: string[], ...names: string[]) => names.map((n) => r[col(n)]);
    const flags = ["like_for_like_previous", "like_for_like_last_year", "not_like_for_like_previous", "not_like_for_like_last_year", "figures_kept_days"];
    expect(pick(rows[1]!, "store", ...flags)).toEqual(["cut", "true", "false", "", "no data", "365"]);
    expect(pick(rows[2]!, "store", ...flags)).toEqual(["fresh", "false", "false", "new", "new", "365"]);
    const totals = ["row", "store", "name", "groups", "stores", "enters", "enters_previous", "enters_last_year", "in_store_now", "like_for_like_previous", "like_for_like_last_year"];
    expect(rows.slice(3).map((r) => pick(r, ...totals))).toEqual([
      ["total", "", "All stores", "", "2", "300", "", "", "9", "", ""],
      ["total", "", "All stores, like-for-like against the previous period: 1 of 2 stores", "", "1", "200", "150", "", "", "true", ""],
      ["total", "", "All stores, like-for-like against last year: 0 of 2 stores", "", "0", "0", "", "0", "", "", "true"],
      ["group", "", "North", "north", "1", "300", "", "", "9", "", ""],
      ["group", "", "North, like-for-like against the previous period: 1 of 1 store", "north", "1", "200", "150", "", "", "true", ""],
      ["group", "", "North, like-for-like against last year: 0 of 1 store", "north", "0", "0", "", "0", "", "", "true"],
    ]);
    for (const r of rows) expect(r).toHaveLength(rows[0]!.length);
  });

  it("leaves a store's period without any figure of it empty, not 0: new there (its figures begin later) or older than the figures kept; a period it began in keeps its figures", () => {
    const none = ["", "", "", "", "", "", ""];
    const head = read(chainCsv([], ended))[0]!;
    const cells = (r: string[], suffix: string) => ["enters", "visitors", "transactions", "sales", "conversion", "average_basket", "dwell_median_s"].map((n) => r[head.indexOf(`${n}${suffix}`)]);
    const zero = figures(0, { dwellMedianS: null, visitors: 0 });
    const newBoth = read(chainCsv([store("a", "A", { previous: zero, lastYear: zero, likeForLike: { previous: false, lastYear: false }, notLikeForLike: { previous: "new", lastYear: "new" } })], ended))[1]!;
    expect([cells(newBoth, "_previous"), cells(newBoth, "_last_year")]).toEqual([none, none]);
    const cut = read(chainCsv([store("b", "B", { lastYear: zero, notLikeForLike: { previous: null, lastYear: "no-data" } })], ended))[1]!;
    expect(cells(cut, "_last_year")).toEqual(none);
    // Begun inside the previous period: its part of it is real (40 enters), shown, though not compared.
    const partly = read(chainCsv([store("c", "C", { previous: figures(40), likeForLike: { previous: false, lastYear: false }, notLikeForLike: { previous: "new", lastYear: "new" } })], ended))[1]!;
    expect(cells(partly, "_previous")).toEqual(["40", "", "0", "0.00", "", "", "95.3"]);
    // Compared like-for-like, a real 0 stays 0.
    const closed = read(chainCsv([store("d", "D", { previous: figures(0) })], ended))[1]!;
    expect(cells(closed, "_previous")[0]).toBe("0");
  });

  it("says 'outage' where the store is left out because its entrance was counted by no agent for some hours, and keeps the figures counted", () => {
    const out = read(chainCsv([store("e", "E", { previous: figures(60), likeForLike: { previous: false, lastYear: false }, notLikeForLike: { previous: "outage", lastYear: "new" } })], ended));
    const col = (name: string) => out[1]![out[0]!.indexOf(name)];
    expect(["like_for_like_previous", "not_like_for_like_previous", "enters_previous"].map(col)).toEqual(["false", "outage", "60"]);
  });

  it("says beside in_store_now whether it holds a zone nobody counts now, as the view's 'Partial', a total whether any of its stores' does", () => {
    const f = figures(0);
    const total = { id: null, name: "All stores", stores: 2, currency: "EUR", figures: f, occupancy: 11, partialStores: 1, likeForLike: { previous: { stores: 0, figures: f, before: f }, lastYear: { stores: 0, figures: f, before: f } } };
    const rows = read(chainCsv([store("lille", "Lille", { occupancy: 3, partial: true }), store("lyon", "Lyon", { partial: false })], ended, { totals: total, groups: [], history: null }));
    const col = rows[0]!.indexOf("in_store_now_partial");
    const now = rows[0]!.indexOf("in_store_now");
    expect(rows.slice(1).map((r) => [r[rows[0]!.indexOf("row")], r[now], r[col]])).toEqual([["store", "3", "true"], ["store", "7", "false"], ["total", "11", "true"], ["total", "", ""], ["total", "", ""]]);
  });

  it("says beside a total's visitors how many stores they leave out (door counters only count theirs), as the view's 'without N door-counter-only stores'", () => {
    const f = figures(300, { visitors: 120 });
    const lfl = { stores: 0, figures: f, before: f };
    const total = { id: null, name: "All stores", stores: 3, currency: "EUR", figures: f, occupancy: 0, visitorsLeftOut: 2, likeForLike: { previous: lfl, lastYear: lfl } };
    const rows = read(chainCsv([store("lille", "Lille", { figures: figures(100, { visitors: 120 }) }), store("rennes", "Rennes"), store("brest", "Brest")], ended, { totals: total, groups: [], history: null }));
    const col = (name: string) => rows[0]!.indexOf(name);
    expect(rows.slice(1).map((r) => [r[col("row")], r[col("visitors")], r[col("visitors_stores_left_out")]])).toEqual([
      ["store", "120", ""],
      ["store", "", ""],
      ["store", "", ""],
      ["total", "120", "2"],
      ["total", "120", ""],
      ["total", "120", ""],
    ]);
  });

  it("ends a running range now, when its figures were read, not at the end of the hour the view asks the overview to", () => {
    // Last 7 days asked at 21:32:17 Paris time: the view asks the overview to 22:00 (whole hours).
    const now = Date.parse("2026-12-05T20:32:17Z");
    const asked = { from: Date.parse("2026-11-28T23:00:00Z"), to: Date.parse("2026-12-05T21:00:00Z"), timeZone: "Europe/Paris" };
    const none = { stores: 0, figures: figures(0), before: figures(0) };
    const totals = { id: null, name: "All stores", stores: 1, currency: "EUR", figures: figures(1), occupancy: 0, likeForLike: { previous: none, lastYear: none } };
    const rows = read(chainCsv([store("s", "S")], { ...asked, now }, { totals, groups: [], history: null }));
    expect(rows).toHaveLength(5);
    for (const r of rows.slice(1)) expect(r.slice(0, 2)).toEqual(["2026-11-29T00:00:00+01:00", "2026-12-05T21:32:17+01:00"]);
  });

  it("writes range_to as the earlier of the range's end and now, never after now (property)", () => {
    const HOUR = 3_600_000;
    const zones = fc.constantFrom("UTC", "Europe/Paris", "America/Chicago", "Asia/Kolkata");
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }), fc.integer({ min: 1, max: 40 * 24 }), fc.integer({ min: -10 * HOUR, max: 2 * HOUR }), zones, (at, hours, before, timeZone) => {
        const from = Math.floor(at / HOUR) * HOUR;
        const to = from + hours * HOUR;
        const now = Math.max(from, to - before);
        const [, row] = read(chainCsv([store("s", "S")], { from, to, timeZone, now }));
        const end = Date.parse(row![1]!);
        // The reference: the range's end once it has passed, else now (to the second).
        expect(end).toBe(Math.floor(Math.min(to, now) / 1000) * 1000);
        expect(end).toBeLessThanOrEqual(now);
        expect(Date.parse(row![0]!)).toBe(from);
      }),
    );
  });

  it("has one row per store and the same columns on every row (property)", () => {
    fc.assert(fc.property(fc.array(fc.record({ name: fc.string(), enters: fc.nat(100000) }), { maxLength: 15 }), (xs) => {
      const rows = read(chainCsv(xs.map((x, i) => store(`s${i}`, x.name, { figures: figures(x.enters) })), ended));
      expect(rows).toHaveLength(xs.length + 1);
      for (const r of rows) expect(r).toHaveLength(rows[0]!.length);
      expect(rows.slice(1).map((r) => Number(r[7]))).toEqual(xs.map((x) => x.enters));
    }));
  });
});
