import type { InsertOutcome, SaleRow, ZoneSales } from "../../storage/types.js";
import type { Db } from "../database.js";

export type { InsertOutcome, SaleRow, ZoneSales };

interface StoredRow {
  ts: number;
  zone: string | null;
  department: string | null;
  zones: string;
  amount: number;
  items: number | null;
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
      get: db.prepare<[string, string], StoredRow>("SELECT ts, zone, department, zones, amount, items FROM sales WHERE store = ? AND transaction_id = ?"),
      totals: db.prepare<[string, number, number], { transactions: number; sales: number | null }>(
        "SELECT count(*) AS transactions, sum(amount) AS sales FROM sales WHERE store = ? AND ts >= ? AND ts < ?",
      ),
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
   * stored row says the same (an upload repeated), a conflict otherwise (the stored row is kept).
   */
  insert(store: string, rows: readonly SaleRow[], now: number): InsertOutcome[] {
    return this.db
      .transaction(() =>
        rows.map((r): InsertOutcome => {
          const zones = JSON.stringify(r.zones);
          if (this.q.insert.run(store, r.transaction, r.ts, r.zone, r.department, zones, r.amount, r.items, now).changes === 1) return "accepted";
          const s = this.q.get.get(store, r.transaction)!;
          const same = s.ts === r.ts && s.zone === r.zone && s.department === r.department && s.zones === zones && s.amount === r.amount && s.items === r.items;
          return same ? "duplicate" : "conflict";
        }),
      )
      .immediate();
  }

  /** Transactions and their total amount with ts in [from, to). */
  totals(store: string, from: number, to: number): { transactions: number; sales: number } {
    const r = this.q.totals.get(store, from, to)!;
    return { transactions: r.transactions, sales: r.sales ?? 0 };
  }

  /** Transactions and sales per zone with ts in [from, to), by zone id. */
  byZone(store: string, from: number, to: number): ZoneSales[] {
    return this.q.byZone.all(store, from, to);
  }
}
