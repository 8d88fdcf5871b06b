import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatBucketStart, localDate, localMidnight, type TrafficBucket } from "@footfall/core";
import { firstDataStart } from "./coverage.js";
import { formatDate } from "./format.js";
import { conversionSince, salesDaysFigures, storeKeyFigures, storeSalesWords, type RecordedDay } from "./sales.js";

const PARIS = "Europe/Paris";

/** The days `/sales/days` answers at `now`: the last `n` local days, today so far the last. */
function recordedDays(now: number, n: number, tz: string, tx: (k: number) => number): RecordedDay[] {
  const out: RecordedDay[] = [];
  for (let k = n - 1; k >= 0; k--) {
    const from = localMidnight(now, tz, -k);
    out.push({ date: localDate(from, tz), from, to: k === 0 ? now : localMidnight(now, tz, -k + 1), transactions: tx(k), sales: tx(k) * 10 });
  }
  return out;
}
const bucket = (from: number, enters: number, zones: Record<string, number> = {}): TrafficBucket => ({ start: formatBucketStart(from, PARIS), enters, zones: { entrance: enters, ...zones } });

describe("salesDaysFigures", () => {
  const now = Date.parse("2026-11-22T15:30:00+01:00");

  it("gives each day its enters and transactions / enters, and the total the range's", () => {
    const days = recordedDays(now, 3, PARIS, (k) => [5, 0, 20][k]!);
    const traffic = [bucket(days[0]!.from, 100), bucket(days[1]!.from, 40), bucket(days[2]!.from, 200)];
    const f = salesDaysFigures(days, traffic, PARIS, { from: days[0]!.from, now });
    expect(f.days.map((d) => [d.enters, d.conversion])).toEqual([[100, 0.2], [40, null], [200, 0.025]]);
    expect(f.total).toEqual({ transactions: 25, sales: 250, enters: 340, conversion: 25 / 340, since: days[0]!.from });
  });

  it("has no enters and no conversion before the store's first figures, even with sales that day", () => {
    const days = recordedDays(now, 4, PARIS, () => 7);
    const first = days[2]!.from + 12 * 3_600_000; // the figures begin at noon of the third day
    const traffic = [bucket(days[0]!.from, 0), bucket(days[1]!.from, 0), bucket(days[2]!.from, 35), bucket(days[3]!.from, 0)];
    const f = salesDaysFigures(days, traffic, PARIS, { from: first, now });
    expect(f.days.map((d) => d.enters)).toEqual([null, null, 35, 0]);
    expect(f.days.map((d) => d.conversion)).toEqual([null, null, 7 / 35, null]);
    // The transactions of the days with figures over their enters (`/conversion`'s figure for the range), not all 28 over them.
    expect(f.total).toMatchObject({ transactions: 28, enters: 35, conversion: 14 / 35, since: days[2]!.from });
  });

  it("has no data at all for a store without figures", () => {
    const days = recordedDays(now, 2, PARIS, () => 3);
    const f = salesDaysFigures(days, [bucket(days[0]!.from, 0), bucket(days[1]!.from, 0)], PARIS, { from: null, now });
    expect(f.days.map((d) => [d.enters, d.conversion])).toEqual([[null, null], [null, null]]);
    expect(f.total).toMatchObject({ transactions: 6, enters: null, conversion: null, since: null });
  });

  it("has no transactions, sales or conversion (null, not 0) for days before the store's first sale recorded, and totals the days after", () => {
    // `/sales/days`: no till feed before the third day; the third sold nothing (a real 0), the fourth 4.
    const days = recordedDays(now, 4, PARIS, (k) => [4, 0, 0, 0][k]!).map((d, i) => (i < 2 ? { ...d, transactions: null, sales: null } : d));
    const traffic = days.map((d) => bucket(d.from, 20));
    const f = salesDaysFigures(days, traffic, PARIS, { from: days[0]!.from, now });
    expect(f.days.map((d) => [d.enters, d.transactions, d.conversion])).toEqual([
      [20, null, null],
      [20, null, null],
      [20, 0, null],
      [20, 4, 0.2],
    ]);
    expect(f.total).toMatchObject({ transactions: 4, sales: 40, enters: 80 });
    // No sale recorded at all: no data, not 0 transactions.
    const none = salesDaysFigures(days.map((d) => ({ ...d, transactions: null, sales: null })), traffic, PARIS, { from: days[0]!.from, now });
    expect(none.total).toMatchObject({ transactions: null, sales: null, enters: 80, conversion: null });
  });

  it("says what a conversion rests on: nothing on the whole range, the day its figures begin, or no figures", () => {
    const range = { from: Date.parse("2026-11-20T00:00:00+01:00") };
    expect(conversionSince(range.from, range, PARIS)).toBeNull();
    const dec3 = Date.parse("2026-12-03T00:00:00+01:00");
    expect(conversionSince(dec3, range, PARIS)).toBe(`since ${formatDate(dec3, PARIS)}`);
    expect(conversionSince(dec3, range, PARIS)).toMatch(/^since Thu,? 3 Dec 2026$/);
    expect(conversionSince(null, range, PARIS)).toBe("no figures");
  });

  it("agrees with a simple reference, and its total with /conversion's definition, across DST changes (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse("2026-01-01T00:00:00Z"), max: Date.parse("2027-01-01T00:00:00Z") }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.record({ enters: fc.integer({ min: 0, max: 300 }), other: fc.integer({ min: 0, max: 3 }), tx: fc.integer({ min: 0, max: 60 }) }), { minLength: 20, maxLength: 20 }),
        (now, n, xs) => {
          const days = recordedDays(now, n, PARIS, (k) => xs[k]!.tx);
          // The server's daily buckets: the entrance's enters, and other zones' (which start the figures too).
          const traffic = days.map((d, i) => bucket(d.from, xs[n - 1 - i]!.enters, { fruit: xs[n - 1 - i]!.other }));
          const coverage = { from: firstDataStart(traffic), now };
          const f = salesDaysFigures(days, traffic, PARIS, coverage);
          const hasData = (d: RecordedDay) => coverage.from !== null && d.to > coverage.from && d.from < now;
          f.days.forEach((d, i) => {
            const x = xs[n - 1 - i]!;
            expect(d.date).toBe(days[i]!.date);
            expect(d.transactions).toBe(x.tx);
            expect(d.enters).toBe(hasData(days[i]!) ? x.enters : null);
            expect(d.conversion).toBe(hasData(days[i]!) && x.enters > 0 && x.tx > 0 ? x.tx / x.enters : null);
          });
          // `/conversion` over the whole range: the transactions of the days with figures over every enter; null without either.
          const tx = xs.slice(0, n).reduce((s, x) => s + x.tx, 0);
          const counted = days.reduce((s, d, i) => s + (hasData(d) ? xs[n - 1 - i]!.tx : 0), 0);
          const enters = xs.slice(0, n).reduce((s, x) => s + x.enters, 0);
          expect(f.total.transactions).toBe(tx);
          expect(f.total.enters).toBe(coverage.from === null ? null : enters);
          expect(f.total.conversion).toBe(counted > 0 && enters > 0 ? counted / enters : null);
          expect(f.total.since).toBe(days.find(hasData)?.from ?? null);
        },
      ),
    );
  });
});

describe("storeKeyFigures", () => {
  it("gives no figure (not 0) for a range without figures, whose sales /conversion cannot count, and /conversion's figures otherwise", () => {
    expect(storeKeyFigures({ visitors: 0, since: null, transactions: 0, sales: 0 })).toEqual({ enters: null, transactions: null, sales: null });
    expect(storeKeyFigures({ visitors: 0, since: 1, transactions: 0, sales: 0 })).toEqual({ enters: 0, transactions: 0, sales: 0 });
    expect(storeKeyFigures({ visitors: 412, since: 1, transactions: 12, sales: 150.3 })).toEqual({ enters: 412, transactions: 12, sales: 150.3 });
  });
});

describe("storeSalesWords", () => {
  it("names /conversion's store visitors enters, as the chain view, the report and the Sales page do: never visitors, which the chain gives apart ('–' for a door counter)", () => {
    const w = storeSalesWords({ visitors: 1025, since: 1, transactions: 829 });
    expect(w.conversion).toBe("store conversion (829 transactions / 1,025 enters)");
    expect(w.perHead).toBe("sales per enter");
    expect(`${w.conversion} ${w.perHead}`).not.toMatch(/visitor/);
    expect(storeSalesWords({ visitors: 0, since: null, transactions: 0 }).conversion).toBe("store conversion (no figures in this range)");
  });
});
