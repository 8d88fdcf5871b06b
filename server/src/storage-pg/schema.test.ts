/**
 * The PostgreSQL schema on a real PostgreSQL (Debian's, started by the test): the migrations
 * apply once, also from two servers at once; it holds everything the SQLite schema holds; its
 * keys begin with the store (Citus-ready); events, visits and trips get a partition per month
 * ahead of the rows, and retention drops whole old partitions and nothing else.
 */
import Database from "better-sqlite3";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { usePostgres } from "../../../test/support/postgres.js";
import { MIGRATIONS } from "../db/migrations.js";
import { openPgStorage } from "./adapter.js";
import { migratePg } from "./migrate.js";
import { monthOf, partitionName, TimePartitions } from "./partitions.js";
import { createPgPool } from "./pool.js";
import { CLUSTER_TABLES, PG_MIGRATIONS, REFERENCE_TABLES, TIME_PARTITIONED } from "./schema.js";
import type pg from "pg";

const server = usePostgres();
/** A pool on a fresh database. */
const freshDb = (): pg.Pool => {
  const pool = createPgPool(server.database());
  server.onClose(() => pool.end());
  return pool;
};
/** A pool on a fresh, migrated database. */
const migratedDb = async () => {
  const pool = freshDb();
  await migratePg(pool);
  return pool;
};

const LATEST = PG_MIGRATIONS.at(-1)!.version;
const DAY = 86_400_000;

/** Ordinary tables and partitioned parents (not partitions) of the public schema. */
async function tables(db: pg.Pool): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    "SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1",
  );
  return rows.map((r) => r.name);
}
async function partitionsOf(db: pg.Pool, parent: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass ORDER BY 1",
    [parent],
  );
  return rows.map((r) => r.name);
}
async function insertEvent(db: pg.Pool, store: string, id: string, ts: number): Promise<number> {
  const r = await db.query(
    "INSERT INTO events (store, id, ts, type, zone, visitor, agent, received_at) VALUES ($1, $2, $3, 0, 'z', 'v', 'a', $3) ON CONFLICT DO NOTHING",
    [store, id, ts],
  );
  return r.rowCount ?? 0;
}

describe("PostgreSQL migrations", () => {
  it("bring an empty database to the newest version, once", async () => {
    const db = freshDb();
    expect(await migratePg(db)).toEqual({ from: 0, to: LATEST, applied: PG_MIGRATIONS.map((m) => m.version) });
    expect(await migratePg(db)).toEqual({ from: LATEST, to: LATEST, applied: [] });
    const { rows } = await db.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
    expect(rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((m) => m.version));
  });

  it("apply each migration once when two servers start on one database at the same moment", async () => {
    const a = freshDb();
    const b = createPgPool(a.options.connectionString!);
    server.onClose(() => b.end());
    const [ra, rb] = await Promise.all([migratePg(a), migratePg(b)]);
    expect([...ra.applied, ...rb.applied].sort((x, y) => x - y)).toEqual(PG_MIGRATIONS.map((m) => m.version));
    expect(ra.to).toBe(LATEST);
    expect(rb.to).toBe(LATEST);
  });

  it("refuse a database whose schema is newer than the server, and say what to do", async () => {
    const db = await migratedDb();
    await db.query("INSERT INTO schema_migrations (version, name) VALUES ($1, 'from the future')", [LATEST + 1]);
    await expect(migratePg(db)).rejects.toThrow(/newer than this server knows.*upgrade this server/);
  });

  it("apply a migration numbered below the database's highest that the database never got, once", async () => {
    const db = await migratedDb();
    const late = { version: 15, name: "numbered below a released one", sql: "CREATE TABLE late (x int)" };
    const withLate = [...PG_MIGRATIONS.filter((m) => m.version < 16), late, ...PG_MIGRATIONS.filter((m) => m.version >= 16)];
    expect(await migratePg(db, withLate)).toEqual({ from: LATEST, to: LATEST, applied: [15] });
    expect(await tables(db)).toContain("late");
    expect(await migratePg(db, withLate)).toEqual({ from: LATEST, to: LATEST, applied: [] });
  });

  it("roll a failing migration back whole and name it", async () => {
    const db = freshDb();
    const broken = [...PG_MIGRATIONS, { version: LATEST + 1, name: "half done", sql: "CREATE TABLE half (x int); SELECT no_such_function();" }];
    await expect(migratePg(db, broken)).rejects.toThrow(new RegExp(`migration ${LATEST + 1} \\(half done\\) failed`));
    expect(await tables(db)).not.toContain("half");
    expect((await migratePg(db)).to).toBe(LATEST);
  });
});

/** Index names of the public schema (partitions' own indexes left out). */
async function indexNames(db: pg.Pool): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    "SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = 'public'::regnamespace AND NOT c.relispartition ORDER BY 1",
  );
  return rows.map((r) => r.name);
}

describe("a PostgreSQL database of the last released main (8611a54: migrations 1-8, 11, 12, 13, 16)", () => {
  const OVERVIEW_INDEXES = ["sales_by_time_amount", "store_rollups_stamps"];
  const released = PG_MIGRATIONS.filter((m) => m.version <= 16);
  const migration17 = PG_MIGRATIONS.find((m) => m.version === 17)!;

  it("gets migration 17 (the overview's covering indexes) from the current server, as a new database does", async () => {
    const db = freshDb();
    expect((await migratePg(db, released)).to).toBe(16);
    for (const name of OVERVIEW_INDEXES) expect(await indexNames(db)).not.toContain(name);
    await db.query("INSERT INTO stores (id, name, created_at) VALUES ('s', 'S', 1)");
    // The server's storage opened on it, as a start does.
    const storage = await openPgStorage(db.options.connectionString!);
    await storage.close();
    const after16 = PG_MIGRATIONS.filter((m) => m.version > 16).map((m) => m.version);
    expect(after16[0]).toBe(17);
    const { rows } = await db.query<{ version: number }>("SELECT version FROM schema_migrations WHERE version > 16 ORDER BY version");
    expect(rows.map((r) => r.version)).toEqual(after16);
    expect(await migratePg(db)).toEqual({ from: LATEST, to: LATEST, applied: [] });
    expect(await indexNames(db)).toEqual(expect.arrayContaining(OVERVIEW_INDEXES));
    expect(await indexNames(db)).not.toContain("sales_by_time");
    expect((await db.query("SELECT name FROM stores WHERE id = 's'")).rows).toEqual([{ name: "S" }]);
    const created = await migratedDb();
    expect(await indexNames(db)).toEqual(await indexNames(created));
  });

  it("is unharmed when it already ran the indexes as migration 14 (a development database)", async () => {
    const db = freshDb();
    await migratePg(db, [...released.filter((m) => m.version < 16), { ...migration17, version: 14 }, ...released.filter((m) => m.version === 16)]);
    expect(await indexNames(db)).toEqual(expect.arrayContaining(OVERVIEW_INDEXES));
    expect((await migratePg(db)).applied).toEqual(PG_MIGRATIONS.filter((m) => m.version > 16).map((m) => m.version));
    expect(await indexNames(db)).toEqual(await indexNames(await migratedDb()));
  });
});

describe("the PostgreSQL schema", () => {
  /**
   * SQLite's own bookkeeping with no twin on purpose: event_days (migration 18) replaces SQLite's time index of raw
   * events for retention; PostgreSQL drops whole months of partitions and keeps its index for a partial month.
   */
  const SQLITE_ONLY = new Set(["event_days"]);
  it("has every table and column of the SQLite schema", async () => {
    const lite = new Database(":memory:");
    for (const m of MIGRATIONS) lite.exec(m.sql);
    const liteTables = (lite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    const db = await migratedDb();
    const { rows } = await db.query<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'",
    );
    const pgColumns = new Map<string, Set<string>>();
    for (const r of rows) pgColumns.set(r.table_name, (pgColumns.get(r.table_name) ?? new Set()).add(r.column_name));
    const missing: string[] = [];
    for (const table of liteTables) {
      if (SQLITE_ONLY.has(table)) continue;
      const cols = (lite.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((r) => r.name);
      if (!pgColumns.has(table)) missing.push(`table ${table}`);
      else for (const c of cols) if (!pgColumns.get(table)!.has(c)) missing.push(`${table}.${c}`);
    }
    lite.close();
    // A new SQLite migration needs its PostgreSQL twin in storage-pg/schema.ts.
    expect(missing, "in SQLite but not in PostgreSQL").toEqual([]);
  });

  it("keys every table of a store's data by store first, so that it distributes by store on Citus", async () => {
    const db = await migratedDb();
    const { rows } = await db.query<{ table: string; first: string }>(
      `SELECT c.relname AS table, a.attname AS first
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
        WHERE i.indisprimary AND c.relnamespace = 'public'::regnamespace AND NOT c.relispartition`,
    );
    const notByStore = new Set<string>([...REFERENCE_TABLES, ...CLUSTER_TABLES, "schema_migrations"]);
    const keyed = rows.filter((r) => !notByStore.has(r.table));
    expect(keyed.map((r) => r.table).sort()).toEqual([
      "accuracy_audits",
      "agent_offline_spans",
      "agent_zones",
      "aggregate_state",
      "alert_rules",
      "alerts",
      "departments",
      "door_rollups",
      "events",
      "forecast_models",
      "layouts",
      "occupancy_drift",
      "open_visits",
      "path_rollups",
      "paths",
      "sales",
      "store_hours",
      "store_hours_versions",
      "store_rollups",
      "store_rollups_pending",
      "transition_rollups",
      "trips",
      "visits",
      "zone_revisits",
      "zone_rollups",
    ]);
    expect(keyed.filter((r) => r.first !== "store").map((r) => `${r.table} (${r.first})`)).toEqual([]);
    // Every table has a primary key.
    expect(rows.map((r) => r.table).sort()).toEqual(await tables(db));
  });

  it('compares text keys byte by byte (COLLATE "C"), as SQLite and core do, whatever the database\'s collation', async () => {
    const db = await migratedDb();
    const { rows } = await db.query<{ t: string; c: string; collation: string | null }>(
      `SELECT k.table_name AS t, k.column_name AS c, col.collation_name AS collation
         FROM information_schema.key_column_usage k
         JOIN information_schema.columns col USING (table_schema, table_name, column_name)
        WHERE k.table_schema = 'public' AND col.data_type = 'text'`,
    );
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.filter((r) => r.collation !== "C").map((r) => `${r.t}.${r.c}`)).toEqual([]);
  });

  it("drops a resent event (same store, id and ts) on conflict", async () => {
    const db = await migratedDb();
    const ts = Date.UTC(2026, 2, 14, 12);
    await new TimePartitions(db).ensure([ts]);
    expect(await insertEvent(db, "s1", "a:1", ts)).toBe(1);
    expect(await insertEvent(db, "s1", "a:1", ts)).toBe(0);
    expect(await insertEvent(db, "s2", "a:1", ts)).toBe(1);
  });
});

describe("time partitions", () => {
  it("computes the UTC month in SQL exactly as in TypeScript, whatever the session's time zone", async () => {
    const db = await migratedDb();
    const client = await db.connect();
    try {
      // A zone with daylight saving time: month arithmetic in it would be an hour off in spring.
      await client.query("SET TIME ZONE 'Europe/Berlin'");
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }), { minLength: 1, maxLength: 50 }), async (tss) => {
          const { rows } = await client.query<{ from_ts: number; to_ts: number }>(
            "SELECT (footfall_month_of(t)).* FROM unnest($1::bigint[]) WITH ORDINALITY u(t, i) ORDER BY i",
            [tss],
          );
          expect(rows.map((r) => ({ from: r.from_ts, to: r.to_ts }))).toEqual(tss.map(monthOf));
        }),
        { numRuns: 30 },
      );
    } finally {
      client.release();
    }
  });

  it("are made at start from the oldest accepted event to a month ahead, for events, visits and trips", async () => {
    const db = await migratedDb();
    const now = Date.UTC(2026, 6, 30, 23); // 30 July: the window reaches into August
    const created = await new TimePartitions(db).prepare(now, 7 * DAY);
    for (const table of Object.keys(TIME_PARTITIONED)) {
      expect(await partitionsOf(db, table)).toEqual([`${table}_p202607`, `${table}_p202608`]);
    }
    expect(created.sort()).toEqual(["events_p202607", "events_p202608", "trips_p202607", "trips_p202608", "visits_p202607", "visits_p202608"]);
    // Again (a second server starting): nothing new.
    expect(await new TimePartitions(db).prepare(now, 7 * DAY)).toEqual([]);
  });

  it("refuse an event for a month without a partition, and take it once ensure() made one", async () => {
    const db = await migratedDb();
    const parts = new TimePartitions(db);
    await parts.prepare(Date.UTC(2026, 0, 10), 7 * DAY);
    const later = Date.UTC(2026, 4, 3, 9, 30); // May
    await expect(insertEvent(db, "s1", "a:1", later)).rejects.toThrow(/no partition of relation "events" found/);
    expect((await parts.ensure([later, later + 1000])).sort()).toEqual(["events_p202605", "trips_p202605", "visits_p202605"]);
    expect(await insertEvent(db, "s1", "a:1", later)).toBe(1);
    const { rows } = await db.query("SELECT tableoid::regclass::text AS part FROM events");
    expect(rows).toEqual([{ part: partitionName("events", later) }]);
    // A month it has seen: no query, nothing created.
    expect(await parts.ensure([later + DAY])).toEqual([]);
  });

  it("are made by one of two servers that ask for the same month at once", async () => {
    const db = await migratedDb();
    const other = createPgPool(db.options.connectionString!);
    server.onClose(() => other.end());
    const ts = Date.UTC(2027, 1, 1);
    const [a, b] = await Promise.all([new TimePartitions(db).ensure([ts]), new TimePartitions(other).ensure([ts])]);
    expect([...a, ...b].sort()).toEqual(["events_p202702", "trips_p202702", "visits_p202702"]);
  });

  it("are dropped whole by retention: only the months wholly before the horizon, their rows and nothing else", async () => {
    const db = await migratedDb();
    const parts = new TimePartitions(db);
    const months = [0, 1, 2, 3].map((m) => Date.UTC(2026, m, 15, 10));
    await parts.ensure(months);
    for (const [i, ts] of months.entries()) {
      await insertEvent(db, "s1", `a:${i}`, ts);
      await insertEvent(db, "s2", `b:${i}`, ts + 1);
      await db.query("INSERT INTO visits (store, zone, enter_ts, enter_id, dwell_ms) VALUES ('s1', 'z', $1, $2, 1000)", [ts, `a:${i}`]);
      await db.query("INSERT INTO trips (store, start_ts, visitor, path) VALUES ('s1', $1, 'v', 1)", [ts]);
    }
    // Aggregates are not partitioned: they stay.
    await db.query("INSERT INTO zone_rollups (store, grain, t, zone, visits, firsts, closed, dwell_sum_ms) VALUES ('s1', 1, $1, 'z', 4, 1, 4, 4000)", [
      months[0],
    ]);
    // The horizon in the middle of March: January and February go, March straddles it and stays.
    const dropped = await parts.dropBefore(Date.UTC(2026, 2, 20));
    expect(dropped.sort()).toEqual(["events_p202601", "events_p202602", "trips_p202601", "trips_p202602", "visits_p202601", "visits_p202602"]);
    expect(await partitionsOf(db, "events")).toEqual(["events_p202603", "events_p202604"]);
    const ids = (await db.query<{ id: string }>("SELECT id FROM events ORDER BY id")).rows.map((r) => r.id);
    expect(ids).toEqual(["a:2", "a:3", "b:2", "b:3"]);
    expect((await db.query("SELECT enter_id FROM visits ORDER BY 1")).rows).toEqual([{ enter_id: "a:2" }, { enter_id: "a:3" }]);
    expect((await db.query("SELECT count(*)::int AS n FROM trips")).rows[0]).toEqual({ n: 2 });
    expect((await db.query("SELECT visits FROM zone_rollups")).rows).toEqual([{ visits: 4 }]);
    // Nothing left to drop before the same horizon; a month dropped is made again when needed.
    expect(await parts.dropBefore(Date.UTC(2026, 2, 20))).toEqual([]);
    expect((await parts.ensure([months[0]!])).sort()).toEqual(["events_p202601", "trips_p202601", "visits_p202601"]);
  });
});

describe("opening hours when a PostgreSQL database is upgraded (migration 26)", () => {
  it("become the first version of each store's history, in force since ever; stores without hours get none", async () => {
    const db = freshDb();
    await migratePg(
      db,
      PG_MIGRATIONS.filter((m) => m.version <= 25),
    );
    const body = JSON.stringify({ weekly: { mon: [{ open: "09:00", close: "19:00" }], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, exceptions: [] });
    await db.query("INSERT INTO store_hours (store, body, updated_at) VALUES ('shop', $1, $2)", [body, Date.UTC(2026, 5, 1)]);
    expect((await migratePg(db)).applied).toContain(26);
    const { rows } = await db.query("SELECT store, valid_from::float8 AS valid_from, body FROM store_hours_versions");
    expect(rows).toEqual([{ store: "shop", valid_from: Date.UTC(2026, 5, 1), body }]);
    const storage = await openPgStorage(db.options.connectionString!);
    expect(await storage.hours.history("shop")).toEqual([{ from: Date.UTC(2026, 5, 1), hours: JSON.parse(body) }]);
    await storage.close();
  });
});
