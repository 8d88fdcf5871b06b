import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { changeOf, OVERVIEW_SORTS, overviewOrder, type OrderedStore } from "./order.js";

const HEALTHS = ["ok", "degraded", "offline", "none"] as const;
const store = (id: string, name: string, over: Partial<OrderedStore["figures"]> = {}, extra: Partial<OrderedStore> = {}): OrderedStore => ({
  id,
  name,
  currency: null,
  occupancy: 0,
  agents: { health: "ok" },
  figures: { enters: 0, visitors: null, conversion: null, averageBasket: null, dwellMedianS: null, ...over },
  previous: { enters: 0 },
  lastYear: { enters: 0 },
  ...extra,
});
const ids = (rows: OrderedStore[], ...args: Parameters<typeof overviewOrder>) => [...rows].sort(overviewOrder(...args)).map((s) => s.id);

const arbStore = fc.record({
  id: fc.stringMatching(/^[a-z]{1,3}$/),
  name: fc.constantFrom("Lyon", "lyon", "Berlin 2", "Berlin 10", "Évry", "Essen", "Zürich"),
  currency: fc.constantFrom(null, "EUR", "GBP"),
  occupancy: fc.nat(50),
  agents: fc.record({ health: fc.constantFrom(...HEALTHS) }),
  figures: fc.record({
    // null: no data for the period (the store's figures begin after it), not 0 enters
    enters: fc.option(fc.nat(100)),
    visitors: fc.option(fc.nat(100)),
    conversion: fc.option(fc.constantFrom(0, 0.25, 0.5, 1)),
    averageBasket: fc.option(fc.constantFrom(5, 12.5, 40)),
    dwellMedianS: fc.option(fc.nat(600)),
  }),
  previous: fc.record({ enters: fc.option(fc.nat(100)) }),
  lastYear: fc.record({ enters: fc.option(fc.nat(100)) }),
});

/** The figure a column sorts by, written out plainly. */
function figure(s: OrderedStore, key: (typeof OVERVIEW_SORTS)[number]): number | null {
  if (key === "occupancy") return s.occupancy;
  if (key === "health") return HEALTHS.length - 1 - ["ok", "none", "degraded", "offline"].indexOf(s.agents.health);
  const vs = (now: number | null, before: number | null) => (now !== null && before !== null && before > 0 ? now / before - 1 : null);
  if (key === "entersVsPrevious") return vs(s.figures.enters, s.previous.enters);
  if (key === "entersVsLastYear") return vs(s.figures.enters, s.lastYear.enters);
  if (key === "name") return null;
  return s.figures[key];
}

describe("the chain overview's order (one rule for the API and the chain view)", () => {
  it("puts stores without the figure last either way, and the others in the figure's order (property)", () => {
    const keys = OVERVIEW_SORTS.filter((k) => k !== "name");
    fc.assert(
      fc.property(fc.uniqueArray(arbStore, { maxLength: 25, selector: (s) => s.id }), fc.constantFrom(...keys), fc.constantFrom("asc" as const, "desc" as const), (rows, key, dir) => {
        const sorted = [...rows].sort(overviewOrder(key, dir));
        expect([...sorted].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))).toEqual([...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
        const values = sorted.map((s) => figure(s, key));
        const firstNull = values.indexOf(null);
        if (firstNull >= 0) expect(values.slice(firstNull).every((v) => v === null)).toBe(true);
        const known = sorted.slice(0, firstNull < 0 ? undefined : firstNull);
        for (let i = 1; i < known.length; i++) {
          const [a, b] = [known[i - 1]!, known[i]!];
          // baskets: currency by currency (none set first), then the amount
          if (key === "averageBasket" && (a.currency ?? "") !== (b.currency ?? "")) {
            expect((a.currency ?? "") < (b.currency ?? "")).toBe(true);
            continue;
          }
          const [x, y] = [figure(a, key)!, figure(b, key)!];
          expect(dir === "asc" ? x <= y : x >= y).toBe(true);
          if (x === y) expect(a.name.localeCompare(b.name, "en", { sensitivity: "base", numeric: true })).toBeLessThanOrEqual(0);
        }
      }),
    );
  });

  it("reads names as people do: case and accents aside, numbers by value, ties by id", () => {
    const rows = [store("b", "lyon"), store("a", "Lyon"), store("c", "Berlin 10"), store("d", "Berlin 2"), store("e", "Évry"), store("f", "Essen"), store("g", "Frankfurt")];
    expect(ids(rows, "name")).toEqual(["d", "c", "f", "e", "g", "a", "b"]);
    expect(ids(rows, "name", "desc")).toEqual(["b", "a", "g", "e", "f", "c", "d"]);
  });

  it("breaks ties of a figure by name, and starts figures largest first", () => {
    const rows = [store("x", "Berlin 10", { enters: 5 }), store("y", "Berlin 9", { enters: 5 }), store("z", "Aachen", { enters: 7 })];
    expect(ids(rows, "enters")).toEqual(["z", "y", "x"]);
    expect(ids(rows, "enters", "asc")).toEqual(["y", "x", "z"]);
  });

  it("gives no change against nothing", () => {
    expect(changeOf(12, 10)).toBeCloseTo(0.2);
    expect(changeOf(12, 0)).toBeNull();
    expect(changeOf(null, 3)).toBeNull();
    expect(changeOf(3, null)).toBeNull();
  });
});
