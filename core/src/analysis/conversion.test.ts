import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { longDwellLowConversion, storeConversion, zoneConversion } from "./conversion.js";

describe("storeConversion", () => {
  it("is transactions / enters, and none (not 0 %) without enters or without a single sale recorded", () => {
    expect(storeConversion(10, 50)).toBe(0.2);
    expect(storeConversion(0, 50)).toBeNull();
    expect(storeConversion(3, 0)).toBeNull();
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), (t, e) => {
        expect(storeConversion(t, e)).toBe(t === 0 || e === 0 ? null : t / e);
      }),
    );
  });
});

describe("zoneConversion", () => {
  it("divides transactions and sales by visits, and sales by transactions", () => {
    expect(zoneConversion({ visits: 200, transactions: 30, sales: 1500, dwellMedianS: 80 })).toEqual({
      conversion: 0.15,
      salesPerVisit: 7.5,
      averageBasket: 50,
      dwellMedianS: 80,
    });
  });
  it("gives null rather than NaN or Infinity without visits or transactions", () => {
    expect(zoneConversion({ visits: 0, transactions: 0, sales: 0 })).toEqual({
      conversion: null,
      salesPerVisit: null,
      averageBasket: null,
      dwellMedianS: null,
    });
  });
});

describe("longDwellLowConversion", () => {
  const zone = (id: string, dwellMedianS: number | null, conversion: number | null, visits = 100) => ({ zone: id, visits, conversion, dwellMedianS });
  it("flags zones with dwell above the store's median of zone medians and conversion below the median conversion", () => {
    const zones = [zone("sofas", 300, 0.02), zone("lamps", 200, 0.1), zone("rugs", 90, 0.04), zone("candles", 40, 0.2), zone("till", 60, 0.9)];
    // median dwell 90, median conversion 0.1: sofas (300 > 90, 0.02 < 0.1) only; lamps' conversion is not below 0.1.
    expect(longDwellLowConversion(zones)).toEqual(new Set(["sofas"]));
  });
  it("leaves zones under minVisits out of the medians and the flags", () => {
    const zones = [zone("sofas", 300, 0.02, 10), zone("lamps", 200, 0.05), zone("rugs", 90, 0.04), zone("candles", 40, 0.2), zone("till", 60, 0.9)];
    // Without sofas: median dwell (60 + 90) / 2 = 75, median conversion (0.05 + 0.2) / 2 = 0.125.
    expect(longDwellLowConversion(zones)).toEqual(new Set(["lamps", "rugs"]));
    // With sofas: median dwell 90, median conversion 0.05; lamps' 0.05 is not below it, rugs' 90 not above.
    expect(longDwellLowConversion(zones, { minVisits: 5 })).toEqual(new Set(["sofas"]));
  });
  it("flags nothing among fewer than three zones with data", () => {
    expect(longDwellLowConversion([zone("a", 300, 0.01), zone("b", 20, 0.5), zone("c", null, 0.1), zone("d", 50, null)])).toEqual(new Set());
  });
});
