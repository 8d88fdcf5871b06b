import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../../../test/support/wait.js";
import { migrate, openDatabase } from "../db/database.js";
import { chainStore } from "./chain-reads.js";
import { spansOf } from "./spans.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// How SQLite answers the overview's reads of many stores (its query plans, on the migrated schema): each
// run of days or hours a range of an index, the stamps and sales from covering indexes.
describe("the chain overview's reads on SQLite", () => {
  const dir = tempDir("footfall-chain-reads-");
  const db = openDatabase(dir.path);
  migrate(db);
  afterAll(() => {
    db.close();
    dir.remove();
  });
  const plans: string[][] = [];
  const explain = chainStore(async (sql, args) => {
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[];
    plans.push(rows.map((r) => r.detail));
    return [];
  }, "sqlite");
  // A week reaching into today: whole days and a run of hours.
  const now = Date.UTC(2026, 11, 2, 15);
  const spans = spansOf(now - 7 * DAY - 9 * HOUR, now);
  const plan = async (read: () => Promise<unknown>) => {
    plans.length = 0;
    await read();
    return plans.flat();
  };

  it("reads a period's store rollup stamps from a covering index, a key range per run", async () => {
    expect(spans.days && spans.hours.length).toBeTruthy();
    const p = await plan(() => explain.storeStamps(["a", "b"], spans));
    const searches = p.filter((d) => d.includes("store_rollups"));
    expect(searches.length).toBe(1 + spans.hours.length);
    for (const d of searches) expect(d).toMatch(/COVERING INDEX store_rollups_stamps \(store=\? AND grain=\? AND t>\? AND t<\?\)/);
  });

  it("reads sketches and zone rows by key range per run, never every row of a store", async () => {
    for (const read of [() => explain.storeSketches(["a"], spans), () => explain.zoneSketches([{ store: "a", zone: "e" }], spans), () => explain.sketches(["a"], spans, () => true), () => explain.doorTotals(["a"], spans)]) {
      const p = (await plan(read)).filter((d) => /SEARCH (store_rollups|zone_rollups|z|door_rollups) /.test(d));
      expect(p.length).toBeGreaterThan(1);
      for (const d of p) expect(d).toMatch(/store=\? AND grain=\? AND t>\? AND t<\?/);
    }
  });

  it("sums sales from a covering index", async () => {
    const p = await plan(() => explain.sales(["a"], now - DAY, now));
    expect(p.some((d) => /COVERING INDEX sales_by_time_amount \(store=\? AND ts>\? AND ts<\?\)/.test(d))).toBe(true);
  });
});
