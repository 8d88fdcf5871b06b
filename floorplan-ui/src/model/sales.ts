/**
 * The Sales page's days beside the store's enters: per local day, the transactions recorded
 * (`/sales/days`), the store's enters (`/traffic` by day: the entrance zones' visits plus a door
 * counter's people in, as every screen counts them) and the store's conversion, core's
 * `storeConversion` (transactions / enters), the definition `/conversion`, the heatmap and the
 * report use. The total row sums the days as `/conversion` sums the range, so its conversion is
 * theirs for the same range: the transactions of the days from the store's first figures on (core's
 * `conversionSpan`: the days with enters) over the enters; `since` says from which day.
 *
 * No data is not zero: a day before the store's first figures, or still to come, has no enters and
 * no conversion (null), whatever the tills recorded. A day with enters but no transaction has no
 * conversion either (null, read "–": its sales are not imported, and 0 % would say nobody bought).
 * A day that ends before the store's first sale recorded (no till feed yet) has no transactions and
 * no sales (null, from `/sales/days`: "no data"), not 0: a till that sold nothing says 0.
 */
import { conversionSpan, storeConversion, type TrafficBucket } from "@footfall/core";
import type { Coverage } from "./coverage.js";
import { formatCount, formatDate } from "./format.js";
import { slotsTotal, trafficSlots, type Slot } from "./traffic.js";

/** A day as `/sales/days` gives it: `[from, to)`, today's `to` being the server's now; transactions and sales null before the store's first sale recorded (no data). */
export interface RecordedDay {
  date: string;
  from: number;
  to: number;
  transactions: number | null;
  sales: number | null;
}

export interface SalesDay extends RecordedDay {
  /** The store's enters in the day; null: no data (before the store's first figures, or to come). */
  enters: number | null;
  /** Transactions / enters; null without data (see `enters`), without enters or without a transaction. */
  conversion: number | null;
}

export interface SalesDaysFigures {
  days: SalesDay[];
  total: {
    /** Every transaction recorded in the days; null when none of them has data (no till feed yet). */
    transactions: number | null;
    sales: number | null;
    enters: number | null;
    /** The transactions from `since` on (those of the days with figures) over the enters. */
    conversion: number | null;
    /** The first day whose sales the conversion counts (`/conversion`'s `since`); null: none has figures. */
    since: number | null;
  };
}

/**
 * What a conversion rests on, said beside it: null when on the whole range, "since Wed 2 Dec 2026"
 * when the store's figures begin inside it (`/conversion`'s `since`), "no figures" when none of
 * the range has any (no sale is set against enters).
 */
export function conversionSince(since: number | null, range: { from: number }, timeZone: string): string | null {
  if (since === null) return "no figures";
  return since > range.from ? `since ${formatDate(since, timeZone)}` : null;
}

/**
 * A range's store figures as the key figures show them (`/conversion`'s store): null where the range
 * has no figures (`since` null), drawn "no data" for enters and "not counted" for transactions and
 * sales, never a 0 beside the Sales page's recorded sales of the same days (they are real, but have
 * no enters to be set against, so `/conversion` counts none of them).
 */
export function storeKeyFigures(store: { visitors: number; since: number | null; transactions: number; sales: number }): { enters: number | null; transactions: number | null; sales: number | null } {
  if (store.since === null) return { enters: null, transactions: null, sales: null };
  return { enters: store.visitors, transactions: store.transactions, sales: store.sales };
}

/**
 * The words of a store's conversion and sales per head (the heatmap's store sales card), from
 * `/conversion`'s store. Its `visitors` (the schema's name) are the store's enters: the people in
 * through its entrances, a door counter's `in` and the visits opened in entrance zones, each return
 * counted again. The chain view, the report, the Sales page and the digests call them enters, and
 * give Visitors (distinct people) apart: "–" where only a door counter counts people in, since it
 * cannot tell them apart. So the conversion reads "829 transactions / 1,025 enters", never
 * "1,025 visitors" beside the chain view's "–".
 */
export function storeSalesWords(store: { visitors: number; since: number | null; transactions: number }): { conversion: string; perHead: string } {
  return {
    conversion: store.since === null ? "store conversion (no figures in this range)" : `store conversion (${formatCount(store.transactions)} transactions / ${formatCount(store.visitors)} enters)`,
    perHead: "sales per enter",
  };
}

/** What a sales figure the range cannot count reads, and why (`storeKeyFigures`'s null). */
export const NOT_COUNTED = { text: "not counted", title: "This range has no figures: its sales (the Sales page lists those recorded) have no enters to be set against" } as const;

/**
 * The recorded days (oldest first, contiguous) with the store's enters and conversion. `traffic`:
 * `/traffic?bucket=day` over `[days[0].from, last.to)`, the store's enters (not all zones', as
 * `/conversion` counts them); `coverage`: when the store's figures begin.
 */
export function salesDaysFigures(days: readonly RecordedDay[], traffic: readonly TrafficBucket[], timeZone: string, coverage: Coverage): SalesDaysFigures {
  const first = days[0];
  const last = days[days.length - 1];
  const slots: Slot[] = first && last ? trafficSlots(traffic, { from: first.from, to: last.to, days: days.length }, "day", timeZone, false, coverage) : [];
  // The server's day and the traffic slot start at the same local midnight; a day is matched by the slot holding its start otherwise.
  const slotOf = (d: RecordedDay) => slots.find((s) => s.start === d.from) ?? slots.find((s) => s.start <= d.from && d.from < s.end);
  const out = days.map((d): SalesDay => {
    const enters = slotOf(d)?.value ?? null;
    return { ...d, enters, conversion: enters === null || d.transactions === null ? null : storeConversion(d.transactions, enters) };
  });
  // The days with sales data (from the till feed's first sale on); none: no data, not 0.
  const fed = days.filter((d) => d.transactions !== null);
  const transactions = fed.length ? fed.reduce((s, d) => s + (d.transactions ?? 0), 0) : null;
  const sales = fed.length ? fed.reduce((s, d) => s + (d.sales ?? 0), 0) : null;
  // The transactions of the days from the store's first figures on over the enters, as `/conversion` divides the range's.
  const enters = slotsTotal(slots);
  const span = first && last ? conversionSpan({ from: first.from, to: last.to }, coverage.from, timeZone) : null;
  const counted = span ? days.filter((d) => d.from >= span.from).reduce((s, d) => s + (d.transactions ?? 0), 0) : 0;
  return { days: out, total: { transactions, sales, enters, conversion: enters === null ? null : storeConversion(counted, enters), since: span?.from ?? null } };
}
