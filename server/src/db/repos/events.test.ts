/**
 * Retention of raw events without a time index (migration 18): every insert widens its agent's id
 * range of the event's UTC day (event_days), and retention deletes old events through those ranges.
 * Real SQLite files; a property test of the id order against SQLite's own.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import type { FootfallEvent, VisitorId, ZoneId } from "@footfall/core";
import { AggregatesRepo } from "../../aggregates/aggregates-repo.js";
import { openDatabase, type Db } from "../database.js";
import { MIGRATIONS } from "../migrations.js";
import { dayOf, EventsRepo, idBefore, ROWS_PER_INSERT } from "./events.js";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 10);
const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), "footfall-event-days-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const enter = (id: string, ts: number, visitor = "v"): FootfallEvent => ({ type: "enter", id, ts, zone: "z" as ZoneId, visitor: visitor as VisitorId });
const count = (id: string, ts: number): FootfallEvent => ({ type: "count", id, ts, zone: "door" as ZoneId, in: 1, out: 0 });

const ids = (db: Db, store: string) => (db.prepare("SELECT id FROM events WHERE store = ? ORDER BY id").all(store) as { id: string }[]).map((r) => r.id);
const indexNames = (db: Db) => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'").all() as { name: string }[]).map((r) => r.name);

/** Delete in batches of `limit` as Retention does (until a batch comes back short); the batches' sizes. */
function purge(repo: AggregatesRepo, db: Db, store: string, before: number, limit: number): number[] {
  const batches: number[] = [];
  for (;;) {
    const n = db.transaction(() => repo.deleteRawBefore(store, before, limit))();
    batches.push(n);
    if (n < limit) return batches;
  }
}

describe("raw events without a time index", () => {
  it("a new database has no events_by_time index and notes each agent's id range per UTC day", () => {
    const db = openDatabase(fresh());
    expect(indexNames(db)).not.toContain("events_by_time");
    const events = new EventsRepo(db);
    db.transaction(() => {
      events.insertMany("s", "a", [enter("a:5", T0 + 1000), enter("a:3", T0 + 2000), enter("a:9", T0 + DAY + 5), count("a:1", T0 + 3000), enter("a:2", T0 + DAY + 6)], T0);
      events.insert("s", "b", enter("b:1", T0 - 5), T0);
      events.insertMany("s", "a", [enter("a:0", T0 + 10)], T0);
    })();
    const rows = db.prepare("SELECT day, agent, min_id, max_id FROM event_days WHERE store = 's' ORDER BY day, agent").all();
    expect(rows).toEqual([
      { day: dayOf(T0) - 1, agent: "b", min_id: "b:1", max_id: "b:1" },
      { day: dayOf(T0), agent: "a", min_id: "a:0", max_id: "a:5" },
      { day: dayOf(T0) + 1, agent: "a", min_id: "a:2", max_id: "a:9" },
    ]);
    db.close();
  });

  it("retention deletes exactly the events older than the horizon, whatever order their ids came in, in batches", () => {
    const db = openDatabase(fresh());
    const events = new EventsRepo(db);
    const repo = new AggregatesRepo(db);
    // Two agents over five days; one agent's ids run against time (a reset sequence), the other's interleave days.
    const all: [string, FootfallEvent][] = [];
    for (let d = 0; d < 5; d++)
      for (let i = 0; i < 7; i++) {
        all.push(["a", enter(`a:${String(100 - d * 10 - i).padStart(4, "0")}`, T0 + d * DAY + i * 3_600_000)]);
        all.push(["b", enter(`b:${i % 2}:${d}:${i}`, T0 + d * DAY + i * 3_000_000 + 17)]);
      }
    all.push(["c", count("c:1", T0 - 3 * DAY)]);
    db.transaction(() => {
      for (const [agent, e] of all) events.insertMany("s", agent, [e], T0);
      events.insertMany("other", "a", [enter("a:0001", T0)], T0);
    })();
    const before = T0 + 2 * DAY + 4 * 3_600_000 + 1; // in the middle of the third day
    const batches = purge(repo, db, "s", before, 4);
    expect(batches.every((n) => n <= 4)).toBe(true);
    const kept = all.filter(([, e]) => e.ts >= before).map(([, e]) => e.id);
    expect(ids(db, "s")).toEqual([...kept].sort());
    expect(batches.reduce((x, y) => x + y, 0)).toBe(all.length - kept.length);
    // Days wholly past the horizon lost their ranges; the third day keeps its own (events of it are left).
    const days = (db.prepare("SELECT DISTINCT day FROM event_days WHERE store = 's' ORDER BY day").all() as { day: number }[]).map((r) => r.day);
    expect(days).toEqual([dayOf(T0) + 2, dayOf(T0) + 3, dayOf(T0) + 4]);
    expect(ids(db, "other")).toEqual(["a:0001"]);
    // A later pass past everything leaves nothing, and no range.
    purge(repo, db, "s", T0 + 10 * DAY, 1000);
    expect(ids(db, "s")).toEqual([]);
    expect(db.prepare("SELECT COUNT(*) AS n FROM event_days WHERE store = 's'").get()).toEqual({ n: 0 });
    db.close();
  });

  it("migration 18 fills the ranges from the events a database holds and drops the time index", () => {
    const dir = fresh();
    const db = openDatabase(dir);
    const events = new EventsRepo(db);
    db.transaction(() => events.insertMany("s", "a", [enter("a:1", T0 - 2 * DAY), enter("a:2", T0 - DAY), enter("a:3", T0)], T0))();
    // As a database of before 18 was: the time index, no ranges.
    db.exec("DROP TABLE event_days; CREATE INDEX events_by_time ON events (store, ts);");
    db.exec(MIGRATIONS.find((m) => m.version === 18)!.sql);
    expect(indexNames(db)).not.toContain("events_by_time");
    expect(db.prepare("SELECT COUNT(*) AS n FROM event_days").get()).toEqual({ n: 3 });
    purge(new AggregatesRepo(db), db, "s", T0 - DAY + 1, 10);
    expect(ids(db, "s")).toEqual(["a:3"]);
    db.close();
  });

  it("idBefore orders ids as SQLite does (code points: UTF-8 bytes), surrogate pairs included", () => {
    const db = openDatabase(fresh());
    const cmp = db.prepare<[string, string], { lt: number }>("SELECT ? < ? AS lt");
    const piece = fc.constantFrom("a", "b", "z", ":", "0", "9", "é", "\uFFFD", "\uE000", "\u{1F600}", "\u{10000}", "\uD7FF");
    const id = fc.array(piece, { maxLength: 6 }).map((p) => p.join(""));
    fc.assert(
      fc.property(id, id, (a, b) => {
        expect(idBefore(a, b)).toBe(cmp.get(a, b)!.lt === 1);
      }),
      { numRuns: 2000 },
    );
    db.close();
  });

  it("insertMany (multi-row chunks, a chunk that meets a stored or repeated id redone row by row) answers and stores exactly what inserting one by one does", () => {
    const dir = fresh();
    const db = openDatabase(join(dir, "many"));
    const ref = openDatabase(join(dir, "one"));
    const many = new EventsRepo(db);
    const one = new EventsRepo(ref);
    let round = 0;
    // Ids from a small space (repeats within a call and against earlier calls) or a wide one (mostly new: whole chunks).
    const event = (space: number) =>
      fc.record({ k: fc.nat(space), kind: fc.nat(3), day: fc.nat(2), v: fc.nat(5), astral: fc.nat(60) }).map(({ k, kind, day, v, astral }): FootfallEvent => {
        // A few ids where JavaScript's `<` and SQLite's order differ (a surrogate pair against U+E000 and up).
        const id = `a:${astral === 0 ? "\u{1F600}" : astral === 1 ? "\uE000" : astral === 2 ? "\uFFFD" : ""}${String(k).padStart(6, "0")}`;
        const ts = T0 + day * DAY + k;
        if (kind === 0) return count(id, ts);
        if (kind === 1) return { type: "position", id, ts, visitor: `v${v}` as VisitorId, x: k / 7, y: v } as FootfallEvent;
        return { type: kind === 2 ? "enter" : "exit", id, ts, zone: "z" as ZoneId, visitor: `v${v}` as VisitorId };
      });
    const call = fc.oneof(fc.array(event(3 * ROWS_PER_INSERT), { maxLength: 3 * ROWS_PER_INSERT + 5 }), fc.array(event(1_000_000), { minLength: ROWS_PER_INSERT - 1, maxLength: 2 * ROWS_PER_INSERT + 3 }));
    const rows = (d: Db, store: string) => d.prepare("SELECT * FROM events WHERE store = ? ORDER BY id").all(store);
    const days = (d: Db, store: string) => d.prepare("SELECT * FROM event_days WHERE store = ? ORDER BY day, agent").all(store);
    fc.assert(
      fc.property(fc.array(call, { minLength: 1, maxLength: 4 }), (calls) => {
        const store = `s${round++}`;
        for (const events of calls) {
          const got = db.transaction(() => many.insertMany(store, "a", events, T0))();
          const want = ref.transaction(() => events.map((e) => one.insert(store, "a", e, T0)))();
          expect(got).toEqual(want);
        }
        expect(rows(db, store)).toEqual(rows(ref, store));
        expect(days(db, store)).toEqual(days(ref, store));
      }),
      { numRuns: 60 },
    );
    db.close();
    ref.close();
  });
});
