import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FigureTotals, visitorsOf, type StoreFigures } from "./figures.js";

const store = (enters: number, visitors: number | null, transactions: number): StoreFigures => ({
  enters,
  visitors,
  transactions,
  sales: 0,
  conversion: null,
  averageBasket: null,
  dwellMedianS: null,
  closed: 0,
});
const arbStore = fc.record({ enters: fc.nat(10_000), visitors: fc.option(fc.nat(10_000)), transactions: fc.oneof(fc.constant(0), fc.nat(1_000)) });

describe("visitorsOf", () => {
  it("is unknown only when door counters counted people in and nobody was followed", () => {
    expect(visitorsOf(0, 0, 12)).toBeNull();
    expect(visitorsOf(0, 0, 0)).toBe(0);
    expect(visitorsOf(30, 21, 12)).toBe(21);
    fc.assert(
      fc.property(fc.nat(100), fc.nat(100), fc.nat(100), (tracked, visitors, doorIn) => {
        expect(visitorsOf(tracked, visitors, doorIn) === null).toBe(tracked === 0 && doorIn > 0);
      }),
    );
  });
});

describe("FigureTotals", () => {
  it("sums enters and transactions of every store, and visitors of the stores that count them (null when none does); conversion over the stores with a sale", () => {
    fc.assert(
      fc.property(fc.array(arbStore, { maxLength: 8 }), (stores) => {
        const t = new FigureTotals();
        for (const s of stores) t.add(store(s.enters, s.visitors, s.transactions), undefined);
        const f = t.figures();
        const enters = stores.reduce((n, s) => n + s.enters, 0);
        const transactions = stores.reduce((n, s) => n + s.transactions, 0);
        // A store nobody entered (0 enters, 0 visitors) says nothing of whether visitors are counted there.
        const counted = stores.filter((s) => s.visitors !== null && (s.visitors > 0 || s.enters > 0));
        const uncounted = stores.filter((s) => s.visitors === null);
        expect(f.enters).toBe(enters);
        expect(f.transactions).toBe(transactions);
        expect(f.visitors).toBe(uncounted.length > 0 && counted.length === 0 ? null : counted.reduce((n, s) => n + s.visitors!, 0));
        // No conversion without a sale recorded (sales not imported), as the conversion view; over the
        // stores with sales only (one whose sales are not imported would lower it), as the digests.
        const entersSold = stores.filter((s) => s.transactions > 0).reduce((n, s) => n + s.enters, 0);
        expect(f.conversion).toBe(entersSold > 0 && transactions > 0 ? Math.round((transactions / entersSold) * 1e6) / 1e6 : null);
      }),
    );
  });
});

describe("FigureTotals' visitors", () => {
  it("gives no visitors (null), not 0, for door-counter enters beside stores nobody entered (closed: 0 enters, 0 visitors)", () => {
    // The chain view's group at 05:40: an all-night store counted 403 in at its door, four others were closed.
    const t = new FigureTotals();
    t.add(store(403, null, 377), undefined);
    for (let i = 0; i < 4; i++) t.add(store(0, 0, 0), undefined);
    expect(t.figures()).toMatchObject({ enters: 403, visitors: null });
    // Only closed stores: nobody came, 0 visitors.
    const closed = new FigureTotals();
    closed.add(store(0, 0, 0), undefined);
    expect(closed.figures()).toMatchObject({ enters: 0, visitors: 0 });
    // A store that follows people keeps the total counted, even beside a door-counter one.
    const mixed = new FigureTotals();
    mixed.add(store(403, null, 0), undefined);
    mixed.add(store(30, 21, 0), undefined);
    mixed.add(store(0, 0, 0), undefined);
    expect(mixed.figures().visitors).toBe(21);
  });
});

describe("FigureTotals' amounts", () => {
  it("adds sales only within one currency: with stores in several (those with a sale; none set counts as any), no sales nor average basket", () => {
    const arb = fc.record({ transactions: fc.oneof(fc.constant(0), fc.nat(50)), sales: fc.nat(10_000), currency: fc.constantFrom(null, "EUR", "GBP", "PLN") });
    fc.assert(
      fc.property(fc.array(arb, { maxLength: 8 }), (stores) => {
        const t = new FigureTotals();
        for (const s of stores) t.add({ ...store(10, null, s.transactions), sales: s.transactions > 0 ? s.sales : 0 }, undefined, s.currency);
        const f = t.figures();
        // Reference: the distinct currencies set on stores with a sale.
        const currencies = [...new Set(stores.filter((s) => s.transactions > 0 && s.currency !== null).map((s) => s.currency!))].sort();
        expect(t.currencies).toEqual(currencies);
        const sum = stores.reduce((n, s) => n + (s.transactions > 0 ? s.sales : 0), 0);
        const transactions = stores.reduce((n, s) => n + s.transactions, 0);
        expect(f.sales).toBe(currencies.length > 1 ? null : sum);
        expect(f.averageBasket).toBe(currencies.length > 1 || transactions === 0 ? null : Math.round((sum / transactions) * 1e6) / 1e6);
      }),
    );
  });
});
