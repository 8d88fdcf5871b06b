import type { VisitorEvent } from "@footfall/core";
import type { Db } from "../db/database.js";
import type { EventsRepo } from "../db/repos/events.js";
import { deriveVisitor } from "../analytics/visitor-derivation.js";
import type { AggregatesRepo } from "./aggregates-repo.js";
import { AggregateDelta } from "./delta.js";
import type { BackfillOptions } from "../storage/types.js";

export type { BackfillOptions };

/**
 * Build the aggregates of the stores an upgrade marked (aggregate_state.built_at = 0) from their
 * stored events: a data directory written before aggregates lived in storage upgrades itself at
 * its first start. Pages of whole visitors, each page one transaction, so an interrupted build
 * starts again from the store's beginning (its rows are cleared first) and never counts twice.
 * `serialize` runs each page's write when no other transaction is open (the adapter's lock); a
 * turn of the event loop passes between pages.
 */
export async function backfillAggregates(db: Db, events: EventsRepo, aggregates: AggregatesRepo, opts: BackfillOptions, serialize: <T>(fn: () => T) => Promise<T>): Promise<number> {
  const pending = db.prepare("SELECT store FROM aggregate_state WHERE built_at = 0").all() as { store: string }[];
  let built = 0;
  for (const { store } of pending) {
    await serialize(() => {
      db.transaction(() => {
        for (const table of ["visits", "trips", "paths", "zone_rollups", "store_rollups", "zone_revisits", "path_rollups", "transition_rollups", "door_rollups", "open_visits"]) {
          db.prepare(`DELETE FROM ${table} WHERE store = ?`).run(store);
        }
      })();
      aggregates.forgetPathIds();
    });
    const total = events.total(store);
    let done = 0;
    // Door counts first, in pages by ts.
    const counts = db.prepare<[string, number, number, string, number], { id: string; zone: string; ts: number; n_in: number; n_out: number }>(
      "SELECT id, zone, ts, n_in, n_out FROM events WHERE store = ? AND type = 2 AND (ts > ? OR (ts = ? AND id > ?)) ORDER BY ts, id LIMIT ?",
    );
    const page = opts.pageSize ?? 50_000;
    let cursor = { ts: Number.MIN_SAFE_INTEGER, id: "" };
    for (;;) {
      const rows = counts.all(store, cursor.ts, cursor.ts, cursor.id, page);
      if (rows.length === 0) break;
      const delta = new AggregateDelta();
      for (const r of rows) delta.door(r.zone, r.ts, r.n_in, r.n_out);
      await serialize(() => db.transaction(() => aggregates.write(store, delta))());
      await turn();
      const last = rows[rows.length - 1]!;
      cursor = { ts: last.ts, id: last.id };
      done += rows.length;
      opts.progress?.(store, done, total);
      if (rows.length < page) break;
    }
    // Visitors, whole visitors per page.
    const visitorPage = db.prepare<[string, string, number], { visitor: string }>(
      "SELECT DISTINCT visitor FROM events WHERE store = ? AND visitor > ? AND visitor IS NOT NULL ORDER BY visitor LIMIT ?",
    );
    let after = "";
    let reported = done;
    for (;;) {
      const visitors = visitorPage.all(store, after, Math.max(1, Math.floor(page / 8))).map((r) => r.visitor);
      if (visitors.length === 0) break;
      const delta = new AggregateDelta();
      for (const visitor of visitors) {
        const list: VisitorEvent[] = events.visitorEvents(store, visitor);
        done += list.length;
        const d = deriveVisitor(list, opts);
        for (const x of d.visits) delta.visit(x.zone, x.enterId, x.item, 1);
        for (const t of d.trips) delta.trip(visitor, t.startTs, t.key, 1, t.steps);
        for (const o of d.open) delta.openVisit(o.zone, visitor, o.lastSeenTs);
      }
      await serialize(() => db.transaction(() => aggregates.write(store, delta))());
      await turn();
      after = visitors[visitors.length - 1]!;
      if (done - reported >= 250_000) {
        opts.progress?.(store, done, total);
        reported = done;
      }
    }
    await serialize(() => db.prepare("UPDATE aggregate_state SET built_at = ? WHERE store = ?").run(Date.now(), store));
    opts.progress?.(store, total, total);
    built++;
  }
  return built;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
