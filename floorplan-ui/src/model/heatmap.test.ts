import { describe, expect, it } from "vitest";
import type { Layout, ZoneDwell } from "@footfall/core";
import { changeText, doorInByZone, formatMetric, heatColour, heatScene, inkOn, layoutTimesIn, legendTicks, NO_DATA_FILL, rankZones, unplacedNames, zoneEnters, zonesOnlyBefore } from "./heatmap.js";
import { toCsv } from "./csv.js";
import { formatTransactions } from "./format.js";
import { heatmapCsv } from "./exports.js";

const square = (x: number, y: number, s = 2) => [[x, y], [x + s, y], [x + s, y + s], [x, y + s]] as Layout["zones"][number]["polygon"];
const zone = (id: string, x: number) => ({ id, name: id.toUpperCase(), kind: "zone" as const, polygon: square(x, 0) }) as Layout["zones"][number];
const layout = { zones: [zone("fruit", 0), zone("bread", 3), zone("wine", 6)] };
const dwell = (id: string, visits: number, median: number | null = null): ZoneDwell =>
  ({ zone: id, visits, visitors: visits, dwell_s: median === null ? null : { mean: median, median, p90: median * 2 } }) as ZoneDwell;

describe("heatScene", () => {
  it("colours the busiest zone with the top of viridis and an empty one with the bottom", () => {
    const scene = heatScene(layout, [dwell("fruit", 40), dwell("bread", 0)], "visits");
    expect(scene.max).toBe(40);
    expect(scene.zones[0]!.fill).toBe("#fde725");
    expect(scene.zones[1]!.fill).toBe("#440154");
  });
  it("greys out every zone when no zone has anything above zero", () => {
    const scene = heatScene(layout, [dwell("fruit", 0)], "visits");
    expect(scene.zones.map((z) => z.fill)).toEqual([NO_DATA_FILL, NO_DATA_FILL, NO_DATA_FILL]);
    expect(scene.zones[0]!.label).toBe("0");
  });
  it("shows a door-counted zone's people in as its visits, and no visitors or dwell for it", () => {
    // The store's door counter sits on "wine" (no tracking there): /traffic gives its enters, /dwell 0 visits.
    const enters = zoneEnters([{ zones: { fruit: 30, wine: 100 } }, { zones: { fruit: 10, wine: 20 } }]);
    const dw = [dwell("fruit", 40, 65), dwell("bread", 5, 30), dwell("wine", 0)];
    const door = doorInByZone(enters, dw);
    expect([...door]).toEqual([["wine", 120]]);
    const visits = heatScene(layout, dw, "visits", undefined, {}, { now: door });
    expect(visits.zones.map((z) => [z.id, z.value, z.doorIn])).toEqual([
      ["fruit", 40, null],
      ["bread", 5, null],
      ["wine", 120, 120],
    ]);
    expect(visits.max).toBe(120);
    for (const metric of ["visitors", "median", "p90"] as const) {
      const wine = heatScene(layout, dw, metric, undefined, {}, { now: door }).zones[2]!;
      expect([wine.value, wine.fill, wine.label]).toEqual([null, NO_DATA_FILL, "–"]);
    }
    // Compared with a previous period, the door's count is compared too.
    const compared = heatScene(layout, dw, "visits", [dwell("wine", 0)], {}, { now: door, previous: new Map([["wine", 60]]) }).zones[2]!;
    expect([compared.previous, compared.change]).toEqual([60, 1]);
  });
  it("greys out a zone the API has no figures for", () => {
    const wine = heatScene(layout, [dwell("fruit", 4)], "visits").zones[2]!;
    expect(wine.fill).toBe(NO_DATA_FILL);
    expect(wine.label).toBe("–");
  });
  it("labels dwell metrics as durations and leaves zones with no closed visit blank", () => {
    const scene = heatScene(layout, [dwell("fruit", 4, 65), dwell("bread", 2)], "median");
    expect(scene.zones[0]!.label).toBe("1m05");
    expect(scene.zones[1]!.value).toBeNull();
  });
  it("reports the change from the previous period", () => {
    const scene = heatScene(layout, [dwell("fruit", 30), dwell("bread", 5)], "visits", [dwell("fruit", 20)]);
    expect(scene.zones[0]!.change).toBeCloseTo(0.5);
    expect(scene.zones[1]!.change).toBeNull();
  });
  it("lists figures of zones that are not on the layout", () => {
    expect(heatScene(layout, [dwell("gone", 3)], "visits").unplaced.map((d) => d.zone)).toEqual(["gone"]);
  });
  it("ranks zones by value with no-data zones last", () => {
    const scene = heatScene(layout, [dwell("bread", 3), dwell("wine", 9)], "visits");
    expect(rankZones(scene).map((z) => z.id)).toEqual(["wine", "bread", "fruit"]);
  });
});

describe("zones removed by a later layout", () => {
  it("are named as the newest older version that has them names them, else by id", () => {
    const v1 = { validFrom: 0, zones: [{ id: "kiosk", name: "Coffee kiosk" }, { id: "till", name: "Old till" }] };
    const v2 = { validFrom: 100, zones: [{ id: "kiosk", name: "Coffee corner" }] };
    expect(unplacedNames(["kiosk", "till", "ghost"], [v2, v1])).toEqual(["Coffee corner", "Old till", "ghost"]);
    expect(unplacedNames(["kiosk"], [v1, v2])).toEqual(["Coffee corner"]);
  });
  it("are taken whole, once each, from the newest older layout that has them, for the report and the paths", () => {
    const v1 = { validFrom: 0, zones: [{ id: "kiosk", name: "Kiosk" }, { id: "till", name: "Old till" }, { id: "fruit", name: "Fruit" }] };
    const v2 = { validFrom: 100, zones: [{ id: "kiosk", name: "Coffee corner" }, { id: "fruit", name: "Fruit" }] };
    expect(zonesOnlyBefore([{ id: "fruit" }], [v1, v2])).toEqual([{ id: "kiosk", name: "Coffee corner" }, { id: "till", name: "Old till" }]);
    expect(zonesOnlyBefore([{ id: "fruit" }, { id: "kiosk" }, { id: "till" }], [v2, v1])).toEqual([]);
  });
  it("are looked up at the range's start and at each version that begins inside it, newest first", () => {
    const versions = [{ validFrom: 0 }, { validFrom: 50 }, { validFrom: 150 }, { validFrom: 150 }, { validFrom: 300 }];
    expect(layoutTimesIn(versions, { from: 100, to: 300 })).toEqual([150, 100]);
    expect(layoutTimesIn([], { from: 100, to: 300 })).toEqual([100]);
  });
});

describe("colours", () => {
  it("caps values above the top of the scale", () => {
    expect(heatColour(50, 40)).toBe(heatColour(40, 40));
  });
  it("writes white on dark purple and dark on yellow", () => {
    expect(inkOn("#440154")).toBe("#ffffff");
    expect(inkOn("#fde725")).toBe("#0f172a");
  });
});

describe("legendTicks", () => {
  it("uses whole numbers for counts without repeats", () => {
    expect(legendTicks(2, "visits").map((t) => t.value)).toEqual([0, 1, 2]);
  });
  it("formats dwell ticks as durations", () => {
    expect(legendTicks(120, "median").at(-1)!.label).toBe("2m00");
  });
});

describe("formatMetric", () => {
  it("writes counts with thousands separators", () => {
    expect(formatMetric(12345, "visits")).toBe("12,345");
  });
});

describe("toCsv", () => {
  it("quotes commas and quotes and defuses formulas", () => {
    expect(toCsv(["a", "b"], [["x,y", '=SUM(1)'], ['say "hi"', 2.5]])).toBe('a,b\r\n"x,y",\'=SUM(1)\r\n"say ""hi""",2.5\r\n');
    // A tab or carriage return first runs as a formula too in some spreadsheets (OWASP): defused the same way.
    expect(toCsv(["a", "b"], [["\t=1+1", "\r=2"]])).toBe('a,b\r\n\'\t=1+1,"\'\r=2"\r\n');
  });
  it("writes a column's figures with its decimals, a negative as a number (not a defused formula), no figure as empty", () => {
    const csv = toCsv(["zone", { name: "sales", decimals: 2 }, { name: "visits", decimals: 0 }, { name: "visits_change", decimals: 4 }], [["fruit", 2351.27, 40, -0.125], ["bread", null, 0, 1 / 3]]);
    expect(csv).toBe("zone,sales,visits,visits_change\r\nfruit,2351.27,40,-0.1250\r\nbread,,0,0.3333\r\n");
  });
});

describe("sales metrics", () => {
  const conv = (zone: string, conversion: number | null, flag = false) => ({ zone, visits: 10, transactions: 1, sales: 20, conversion, salesPerVisit: 2, dwellMedian_s: 300, longDwellLowConversion: flag });
  it("colours zones by conversion from the sales figures and labels it as a percentage", () => {
    const scene = heatScene(layout, [dwell("fruit", 4)], "conversion", undefined, { now: [conv("fruit", 0.05), conv("bread", 0.2)] });
    expect(scene.max).toBe(0.2);
    expect(scene.zones[0]!.label).toBe("5.0 %");
    expect(formatMetric(0.034, "conversion")).toBe("3.4 %");
    expect(scene.zones[1]!.fill).toBe("#fde725");
    expect(scene.zones[2]!.value).toBeNull();
  });
  it("carries the long dwell, low conversion flag on every metric", () => {
    const scene = heatScene(layout, [dwell("fruit", 4)], "visits", undefined, { now: [conv("fruit", 0.01, true)] });
    expect(scene.zones.map((z) => z.longDwellLowConversion)).toEqual([true, false, false]);
  });
  it("writes conversion's change in percentage points, on the plan, the ranking and the CSV alike (45 % then 46 % is +1.0 pts, not +2.2 %)", () => {
    const scene = heatScene(layout, [dwell("fruit", 4), dwell("bread", 4)], "conversion", [dwell("fruit", 4), dwell("bread", 4)], {
      now: [conv("fruit", 0.46), conv("bread", 0.3)],
      previous: [conv("fruit", 0.45), conv("bread", 0.334)],
    });
    expect(scene.zones.map((z) => changeText(z, false, "conversion"))).toEqual(["+1.0 pts", "−3.4 pts", "–"]);
    const csv = heatmapCsv(scene, { from: 0, to: 3_600_000, timeZone: "UTC" }, { metric: "conversion", compare: true, withSales: true }).slice(1).split("\r\n");
    expect(csv[0]!.split(",").slice(-3, -1)).toEqual(["conversion_previous", "conversion_change_pts"]);
    expect(csv.find((l) => l.includes(",fruit,"))!.split(",").slice(-3, -1)).toEqual(["0.4500", "1.00"]);
    // Counts stay relative to before.
    const visits = heatScene(layout, [dwell("fruit", 46)], "visits", [dwell("fruit", 45)]);
    expect(changeText(visits.zones[0]!, false, "visits")).toBe("+2.2 %");
  });
  it("exports money to the cent (the currency's minor units), shares and relative changes to 4 decimals, dwell to 1, counts whole", () => {
    const sold = (zone: string, sales: number, visits: number, transactions: number) => ({
      zone, visits, transactions, sales, conversion: transactions / visits, salesPerVisit: sales / visits, dwellMedian_s: 300, longDwellLowConversion: false,
    });
    const dw = [{ zone: "fruit", visits: 300, visitors: 290, dwell_s: { mean: 76.97543798449612, median: 68.5, p90: 140.957242600508 } }] as ZoneDwell[];
    const now = [sold("fruit", 2351.27, 300, 47)];
    const previous = [sold("fruit", 0.1 + 0.2 + 1032.26, 280, 40)];
    const csvIn = (currency?: string) => {
      const scene = heatScene(layout, dw, "salesPerVisit", dw, { now, previous }, {}, {}, currency);
      const [head, ...rows] = heatmapCsv(scene, { from: 0, to: 3_600_000, timeZone: "UTC" }, { metric: "salesPerVisit", compare: true, withSales: true, currency }).slice(1).trimEnd().split("\r\n").map((l) => l.split(","));
      const fruit = rows.find((r) => r[2] === "fruit")!;
      return Object.fromEntries(head!.map((h, i) => [h, fruit[i]]));
    };
    expect(csvIn("EUR")).toMatchObject({
      visits: "300", visitors: "290", dwell_mean_s: "77.0", dwell_median_s: "68.5", dwell_p90_s: "141.0", visits_tracked: "300",
      transactions: "47.0", sales: "2351.27", conversion: "0.1567", sales_per_visit: "7.84",
      salesPerVisit_previous: "3.69", salesPerVisit_change: "1.1253",
    });
    // Three decimals for a currency of thousandths (the till's fils), two without a currency.
    expect(csvIn("KWD")).toMatchObject({ sales: "2351.270", sales_per_visit: "7.838", salesPerVisit_previous: "3.688" });
    expect(csvIn(undefined)).toMatchObject({ sales: "2351.27", sales_per_visit: "7.84" });
  });
  it("exports the open hours a zone was counted by no agent on its row, as its ranking row says 'not counted 2 h', and nothing on the others", () => {
    const scene = heatScene(layout, [dwell("fruit", 10), dwell("bread", 4), dwell("wine", 7)], "visits");
    const rowsOf = (notCounted?: { hours: number; zones: string[] } | null) => {
      const [head, ...rows] = heatmapCsv(scene, { from: 0, to: 6 * 3_600_000, timeZone: "UTC" }, { metric: "visits", compare: false, withSales: false, notCounted }).slice(1).trimEnd().split("\r\n").map((l) => l.split(","));
      expect(head!.at(-1)).toBe("not_counted_hours");
      return Object.fromEntries(rows.map((r) => [r[2], r.at(-1)]));
    };
    expect(rowsOf({ hours: 2, zones: ["bread", "wine"] })).toEqual({ fruit: "", bread: "2", wine: "2" });
    expect(rowsOf(null)).toEqual({ fruit: "", bread: "", wine: "" });
    expect(rowsOf(undefined)).toEqual({ fruit: "", bread: "", wine: "" });
  });
  it("exports a zone's share of department sales to one decimal, as its panel and the report show it (4/3 is 1.3, a third 0.3, not 1 and 0)", () => {
    // Four sales of a department of three zones (fruit, bread, wine), one more of them at the bread: 4/3, 7/3, 4/3.
    const split = (zone: string, transactions: number) => ({ zone, visits: 10, transactions, sales: transactions * 12, conversion: transactions / 10, salesPerVisit: (transactions * 12) / 10, dwellMedian_s: 300, longDwellLowConversion: false });
    const scene = heatScene(layout, [dwell("fruit", 10), dwell("bread", 10), dwell("wine", 10)], "visits", undefined, { now: [split("fruit", 4 / 3), split("bread", 7 / 3), split("wine", 1 / 3)] });
    const [head, ...rows] = heatmapCsv(scene, { from: 0, to: 3_600_000, timeZone: "UTC" }, { metric: "visits", compare: false, withSales: true, currency: "EUR" }).slice(1).trimEnd().split("\r\n").map((l) => l.split(","));
    const column = head!.indexOf("transactions");
    expect(Object.fromEntries(rows.map((r) => [r[2], r[column]]))).toEqual({ fruit: "1.3", bread: "2.3", wine: "0.3" });
    // The figure the zone panel shows (formatTransactions), cell by cell.
    for (const z of scene.zones) expect(rows.find((r) => r[2] === z.id)![column]).toBe(formatTransactions(z.sales!.transactions));
  });
  it("formats sales per visit as an amount", () => {
    expect(formatMetric(2.5, "salesPerVisit")).toBe("2.50");
  });
});

describe("one definition of a zone's visits", () => {
  // The door counter sits on "wine" (not tracked): 120 people in, no tracked visit.
  const dw = [dwell("fruit", 40, 65), dwell("bread", 5, 30), dwell("wine", 0)];
  const door = new Map([["wine", 120]]);
  it("gives every zone the same visits whatever the metric shown (tracked visits plus the door's people in)", () => {
    for (const metric of ["visits", "visitors", "median", "p90"] as const) {
      const scene = heatScene(layout, dw, metric, undefined, {}, { now: door });
      expect(scene.zones.map((z) => [z.id, z.visits, z.tracked, z.doorIn])).toEqual([
        ["fruit", 40, 40, null],
        ["bread", 5, 5, null],
        ["wine", 120, 0, 120],
      ]);
    }
    // ...and the visits metric shows exactly that figure.
    expect(heatScene(layout, dw, "visits", undefined, {}, { now: door }).zones.map((z) => z.value)).toEqual([40, 5, 120]);
  });
  it("exports the same visits, with the tracked and door parts, and no visitors or dwell for a door-only zone", () => {
    const scene = heatScene(layout, dw, "visits", undefined, {}, { now: door });
    const csv = heatmapCsv(scene, { from: Date.parse("2026-11-22T08:00:00Z"), to: Date.parse("2026-11-22T09:30:00Z"), timeZone: "Europe/Paris" }, { metric: "visits", compare: false, withSales: false });
    expect(csv.startsWith("\uFEFF")).toBe(true);
    const lines = csv.slice(1).split("\r\n");
    expect(lines[0]).toBe("range_from,range_to,zone,name,kind,visits,visitors,dwell_mean_s,dwell_median_s,dwell_p90_s,visits_tracked,door_in,not_counted_hours");
    expect(lines[1]).toBe("2026-11-22T09:00:00+01:00,2026-11-22T10:30:00+01:00,wine,WINE,zone,120,,,,,0,120,");
    expect(lines[2]).toBe("2026-11-22T09:00:00+01:00,2026-11-22T10:30:00+01:00,fruit,FRUIT,zone,40,40,65.0,65.0,130.0,40,0,");
  });
});

describe("no data is not zero on the heatmap", () => {
  it("shows every zone as no data for a range before the store's first figures, even where the API says 0", () => {
    const scene = heatScene(layout, [dwell("fruit", 0), dwell("bread", 0), dwell("wine", 0)], "visits", undefined, {}, {}, { now: false });
    expect(scene.noData).toBe(true);
    expect(scene.zones.map((z) => [z.value, z.label, z.fill, z.visits])).toEqual(Array(3).fill([null, "–", NO_DATA_FILL, null]));
    const csv = heatmapCsv(scene, { from: 0, to: 3_600_000, timeZone: "UTC" }, { metric: "visits", compare: false, withSales: false });
    expect(csv.split("\r\n")[1]).toBe("1970-01-01T00:00:00+00:00,1970-01-01T01:00:00+00:00,bread,BREAD,zone,,,,,,,,");
  });
  it("says no data rather than new when the previous period has none", () => {
    const scene = heatScene(layout, [dwell("fruit", 10)], "visits", [dwell("fruit", 0)], {}, {}, { now: true, previous: false });
    expect(scene.previousNoData).toBe(true);
    expect(changeText(scene.zones[0]!, scene.previousNoData, "visits")).toBe("no data");
    const withData = heatScene(layout, [dwell("fruit", 10), dwell("bread", 0)], "visits", [dwell("fruit", 0), dwell("bread", 0)]);
    expect(changeText(withData.zones[0]!, false, "visits")).toBe("new");
    expect(changeText(withData.zones[1]!, false, "visits")).toBe("±0.0 %");
    expect(changeText(withData.zones[2]!, false, "visits")).toBe("–");
  });
});
