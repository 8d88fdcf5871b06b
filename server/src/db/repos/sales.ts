import type { InsertOutcome, SaleRow, ZoneSales } from "../../storage/types.js";
import type { Db } from "../database.js";

export type { InsertOutcome, SaleRow, ZoneSales };

interface StoredRow {
  ts: number;
  zone: string | null;
  department: string | null;
  amount: number;
  items: number | null;
}

/**
 * Sums of UTC days (ascending) added up: how SQLite's sales totals of a range are taken, by the
 * conversion view and the chain overview alike, so both give the same sum to the last bit (a sum of
 * floating-point amounts depends on the order of its additions).
 */
export function addDays(days: Iterable<{ transactions: number; sales: number | null }>): { transactions: number; sales: number } {
  let transactions = 0;
  let sales = 0;
  for (const d of days) {
    transactions += d.transactions;
    sales += d.sales ?? 0;
  }
  return { transactions, sales };
}

/** Till transactions per store, deduplicated by transaction id. */
export class SalesRepo {
  private readonly q;
  constructor(private readonly db: Db) {
    this.q = {
      insert: db.prepare(
        `INSERT INTO sales (store, transaction_id, ts, zone, department, zones, amount, items, imported_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      get: db.prepare<[string, string], StoredRow>("SELECT ts, zone, department, amount, items FROM sales WHERE store = ? AND transaction_id = ?"),
      // Per UTC day, added up in day order: the chain overview adds the same day sums (kept in memory per day) the same way (chain/figures.ts SalesMemo).
      totalsByDay: db.prepare<[string, number, number], { day: number; transactions: number; sales: number | null }>(
        "SELECT ts / 86400000 AS day, count(*) AS transactions, sum(amount) AS sales FROM sales WHERE store = ? AND ts >= ? AND ts < ? GROUP BY ts / 86400000 ORDER BY day",
      ),
      newest: db.prepare<[string], { ts: number | null }>("SELECT max(ts) AS ts FROM sales WHERE store = ?"),
      byZone: db.prepare<[string, number, number], ZoneSales>(
        `SELECT z.value AS zone, sum(1.0 / json_array_length(s.zones)) AS transactions, sum(s.amount / json_array_length(s.zones)) AS sales
         FROM sales s, json_each(s.zones) z
         WHERE s.store = ? AND s.ts >= ? AND s.ts < ?
         GROUP BY z.value ORDER BY z.value`,
      ),
    };
  }

  /**
   * Insert the rows in one transaction. A transaction id already stored is a duplicate when the
   * stored row says what the file says (time, zone, department, amount, items: an upload repeated),
   * a conflict otherwise (the stored row is kept). A department's zones are not the file's but the
   * mapping's when first imported: a mapping changed since does not make the same file a conflict.
   */
  insert(store: string, rows: readonly SaleRow[], now: number): InsertOutcome[] {
    return this.db
      .transaction(() =>
        rows.map((r): InsertOutcome => {
          const zones = JSON.stringify(r.zones);
          if (this.q.insert.run(store, r.transaction, r.ts, r.zone, r.department, zones, r.amount, r.items, now).changes === 1) return "accepted";
          const s = this.q.get.get(store, r.transaction)!;
          const same = s.ts === r.ts && s.zone === r.zone && s.department === r.department && s.amount === r.amount && s.items === r.items;
          return same ? "duplicate" : "conflict";
        }),
      )
      .immediate();
  }

  /** Transactions and their total amount with ts in [from, to). */
  totals(store: string, from: number, to: number): { transactions: number; sales: number } {
    return addDays(this.q.totalsByDay.all(store, from, to));
  }

  /** The time of the store's newest sale, null without any. */
  newest(store: string): number | null {
    return this.q.newest.get(store)?.ts ?? null;
  }

  /** Transactions and sales per zone with ts in [from, to), by zone id. */
  byZone(store: string, from: number, to: number): ZoneSales[] {
    return this.q.byZone.all(store, from, to);
  }
}
