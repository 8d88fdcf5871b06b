import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { OverviewStore } from "../api/chain.js";
import { DEFAULT_SORT, filterStores, nextSort, sortOf, sortParams, sortStores, type Sort } from "./chain.js";

const store = (id: string, enters: number, conversion: number | null = null, name = id.toUpperCase(), basket: number | null = null, currency: string | null = null): OverviewStore => {
  const f = { enters, visitors: enters, transactions: 0, sales: 0, conversion, averageBasket: basket, dwellMedianS: null };
  return { id, name, timezone: "UTC", currency, groups: [], figures: f, previous: f, lastYear: f, occupancy: 0, occupancyFrom: "zones", agents: { agents: 0, online: 0, health: "none", lastEventTs: null } };
};

describe("the chain view's sorting", () => {
  it("sorts by a figure, ties by name, and keeps stores without the figure last both ways", () => {
    const rows = [store("b", 5, 0.2), store("a", 5, null), store("c", 9, 0.1)];
    expect(sortStores(rows, { key: "enters", dir: "desc" }).map((s) => s.id)).toEqual(["c", "a", "b"]);
    expect(sortStores(rows, { key: "enters", dir: "asc" }).map((s) => s.id)).toEqual(["a", "b", "c"]);
    expect(sortStores(rows, { key: "conversion", dir: "asc" }).map((s) => s.id)).toEqual(["c", "b", "a"]);
    expect(sortStores(rows, { key: "conversion", dir: "desc" }).map((s) => s.id)).toEqual(["b", "c", "a"]);
  });

  it("compares average baskets within a currency only: by currency first, then the amount, either way", () => {
    const rows = [store("lon", 1, null, "London", 20, "GBP"), store("par", 1, null, "Paris", 18, "EUR"), store("war", 1, null, "Warsaw", 80, "PLN"), store("lyo", 1, null, "Lyon", 25, "EUR"), store("out", 1, null, "Outlet", 9, null), store("new", 1, null, "New", null, "EUR")];
    expect(sortStores(rows, { key: "averageBasket", dir: "desc" }).map((s) => s.id)).toEqual(["out", "lyo", "par", "lon", "war", "new"]);
    expect(sortStores(rows, { key: "averageBasket", dir: "asc" }).map((s) => s.id)).toEqual(["out", "par", "lyo", "lon", "war", "new"]);
  });

  it("orders any stores as a plain comparison of the figure would (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { maxLength: 30 }), (ns) => {
        const rows = ns.map((n, i) => store(`s${String(i).padStart(2, "0")}`, n));
        const sorted = sortStores(rows, { key: "enters", dir: "desc" }).map((s) => s.figures.enters);
        expect(sorted).toEqual([...ns].sort((a, b) => b - a));
      }),
    );
  });

  it("flips the order on a second click, and starts a new column descending (names ascending)", () => {
    expect(nextSort({ key: "enters", dir: "desc" }, "enters")).toEqual({ key: "enters", dir: "asc" });
    expect(nextSort({ key: "enters", dir: "desc" }, "visitors")).toEqual({ key: "visitors", dir: "desc" });
    expect(nextSort({ key: "enters", dir: "desc" }, "name")).toEqual({ key: "name", dir: "asc" });
  });
});

describe("the sort a link carries", () => {
  it("reads back every sort it writes, and writes nothing for the default (property)", () => {
    const keys = ["name", "enters", "visitors", "conversion", "averageBasket", "dwellMedianS", "occupancy", "health"] as const;
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.constantFrom("asc" as const, "desc" as const), (key, dir) => {
        const sort: Sort = { key, dir };
        const params = sortParams(sort);
        expect(sortOf({ sort: params.sort ?? undefined, order: params.order ?? undefined })).toEqual(sort);
      }),
    );
    expect(sortParams(DEFAULT_SORT)).toEqual({ sort: null, order: null });
    expect(sortParams({ key: "name", dir: "asc" })).toEqual({ sort: "name", order: null });
  });

  it("opens with the default for a missing or unknown column, and the column's own order for a bad one", () => {
    expect(sortOf({})).toEqual(DEFAULT_SORT);
    expect(sortOf({ sort: "secret", order: "asc" })).toEqual(DEFAULT_SORT);
    expect(sortOf({ sort: "conversion", order: "sideways" })).toEqual({ key: "conversion", dir: "desc" });
    expect(sortOf({ sort: "name" })).toEqual({ key: "name", dir: "asc" });
  });
});

describe("filters", () => {
  it("filters by name or id, case-insensitively", () => {
    const rows = [store("lyon-1", 1, null, "Lyon Part-Dieu"), store("paris-2", 1, null, "Paris Opéra")];
    expect(filterStores(rows, "part").map((s) => s.id)).toEqual(["lyon-1"]);
    expect(filterStores(rows, "PARIS").map((s) => s.id)).toEqual(["paris-2"]);
    expect(filterStores(rows, " ")).toHaveLength(2);
  });
});
