/**
 * The Sales page's days beside the store's enters: per local day, the transactions recorded
 * (`/sales/days`), the store's enters (`/traffic` by day: the entrance zones' visits plus a door
 * counter's people in, as every screen counts them) and the store's conversion, core's
 * `storeConversion` (transactions / enters), the definition `/conversion`, the heatmap and the
 * report use. The total row sums the days as `/conversion` sums the range, so its conversion is
 * theirs for the same range.
 *
 * No data is not zero: a day before the store's first figures, or still to come, has no enters and
 * no conversion (null), whatever the tills recorded. A day with enters but no transaction has no
 * conversion either (null, read "–": its sales are not imported, and 0 % would say nobody bought).
 */
import { storeConversion, type TrafficBucket } from "@footfall/core";
import type { Coverage } from "./coverage.js";
import { slotsTotal, trafficSlots, type Slot } from "./traffic.js";

/** A day as `/sales/days` gives it: `[from, to)`, today's `to` being the server's now. */
export interface RecordedDay {
  date: string;
  from: number;
  to: number;
  transactions: number;
  sales: number;
}

export interface SalesDay extends RecordedDay {
  /** The store's enters in the day; null: no data (before the store's first figures, or to come). */
  enters: number | null;
  /** Transactions / enters; null without data (see `enters`), without enters or without a transaction. */
  conversion: number | null;
}

export interface SalesDaysFigures {
  days: SalesDay[];
  total: { transactions: number; sales: number; enters: number | null; conversion: number | null };
}

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
    return { ...d, enters, conversion: enters === null ? null : storeConversion(d.transactions, enters) };
  });
  const transactions = days.reduce((s, d) => s + d.transactions, 0);
  const sales = days.reduce((s, d) => s + d.sales, 0);
  // Every transaction of the range over the enters with data, as `/conversion` divides the range's.
  const enters = slotsTotal(slots);
  return { days: out, total: { transactions, sales, enters, conversion: enters === null ? null : storeConversion(transactions, enters) } };
}
