/**
 * Queue outcomes by the hour the shopper JOINED the queue, not the hour their trip began: a shopper in
 * at 10:50 who queues at 11:05 and is served counts in 11:00, where their wait is, on SQLite and on
 * Debian's PostgreSQL, through the ingest pipeline, GET .../queues and its CSV. Before, outcomes were
 * bucketed by the trip's start (10:00) while joins and waits were by the join (11:00): the "by hour"
 * figures disagreed with each other, with the live queue and with staffing by the hour.
 */
import { afterEach, describe, expect, it } from "vitest";
import { EventFactory } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { withTillQueue } from "../../../test/support/till-queue-shop.js";

const M = 60_000;
/** Paris local time (UTC+1) on Monday 7 December 2026. */
const at = (hh: number, mm = 0) => Date.UTC(2026, 11, 7, hh - 1, mm);
const pg = usePostgres();

type Cell = { weekday: number; hour: number; joins: number; served: number; abandoned: number };
type Row = { joins: number; served: number; abandoned: number; pending: number; byWeekdayHour: Cell[] };

for (const db of ["SQLite", "PostgreSQL"] as const) {
  describe(`queue outcomes by the hour of the join (${db})`, () => {
    let now = at(8);
    let t: TestServer | null = null;
    afterEach(async () => {
      await t?.close();
      t = null;
    });

    async function shop(): Promise<TestServer> {
      now = at(8);
      t = await startTestServer({ now: () => now, config: db === "PostgreSQL" ? { databaseUrl: pg.database("footfall_queue_join") } : {} });
      await t.putLayout("shop", withTillQueue());
      now = at(14);
      const cam = new EventFactory("cam-1");
      await t.ingest("shop", "cam-1", [
        // a: in at 10:50, joins the line at 11:05, served at 11:08.
        ...cam.visit("a", "fruit", at(10, 50), 14 * M),
        ...cam.visit("a", "line", at(11, 5), 3 * M),
        ...cam.visit("a", "checkout", at(11, 8), 2 * M),
        // b: in at 10:40, joins at 11:20, leaves the line for fruit at 11:30 (abandoned).
        ...cam.visit("b", "fruit", at(10, 40), 39 * M),
        ...cam.visit("b", "line", at(11, 20), 10 * M),
        ...cam.visit("b", "fruit", at(11, 31), 5 * M),
        // c: in at 10:10 straight to the line, served at 10:15.
        ...cam.visit("c", "line", at(10, 10), 5 * M),
        ...cam.visit("c", "checkout", at(10, 15), 2 * M),
      ]);
      return t;
    }
    const report = async (from: number, to: number): Promise<Row> => {
      const res = await t!.get(`/api/v1/stores/shop/queues?from=${from}&to=${to}`);
      expect(res.status).toBe(200);
      return res.body.queues.find((q: { zone: string }) => q.zone === "line");
    };
    const cell = (r: Row, hour: number) => {
      const c = r.byWeekdayHour.find((x) => x.hour === hour);
      return c && { joins: c.joins, served: c.served, abandoned: c.abandoned };
    };

    it("counts a served and an abandoned join in 11:00, the hour they joined, beside their joins and waits", async () => {
      await shop();
      const r = await report(at(10), at(12));
      expect(cell(r, 10)).toEqual({ joins: 1, served: 1, abandoned: 0 });
      expect(cell(r, 11)).toEqual({ joins: 2, served: 1, abandoned: 1 });
      expect({ joins: r.joins, served: r.served, abandoned: r.abandoned, pending: r.pending }).toEqual({ joins: 3, served: 2, abandoned: 1, pending: 0 });
    });

    it("gives the hour 11:00-12:00 alone the outcomes of its joins, though those trips began at 10:xx", async () => {
      await shop();
      const r = await report(at(11), at(12));
      expect({ joins: r.joins, served: r.served, abandoned: r.abandoned }).toEqual({ joins: 2, served: 1, abandoned: 1 });
      expect(r.byWeekdayHour.map((c) => [c.hour, c.joins, c.served, c.abandoned])).toEqual([[11, 2, 1, 1]]);
      // 10:00-11:00 alone: c's join only (a and b began their trips then, and joined later).
      const ten = await report(at(10), at(11));
      expect({ joins: ten.joins, served: ten.served, abandoned: ten.abandoned }).toEqual({ joins: 1, served: 1, abandoned: 0 });
    });

    it("writes the same hours in the CSV", async () => {
      await shop();
      const res = await t!.get(`/api/v1/stores/shop/queues.csv?from=${at(10)}&to=${at(12)}`);
      expect(res.status).toBe(200);
      const lines = res.text.trim().split("\r\n").map((l) => l.split(","));
      const head = lines[0]!;
      const col = (name: string) => head.indexOf(name);
      const rows = lines.slice(1).filter((l) => l[col("queue")] === "line" && l[col("row")] === "hour");
      expect(rows.map((l) => [l[col("hour")], l[col("joins")], l[col("served")], l[col("abandoned")]])).toEqual([
        ["10", "1", "1", "0"],
        ["11", "2", "1", "1"],
      ]);
    });
  });
}
