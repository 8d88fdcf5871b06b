import Database from "better-sqlite3";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../../../test/support/wait.js";
import { migrate, openDatabase, StorageError, synchronousMode } from "./database.js";
import { MIGRATIONS } from "./migrations.js";
import { openStorage } from "../storage.js";

const dirs: { remove(): void }[] = [];
const fresh = () => {
  const d = tempDir("footfall-db-");
  dirs.push(d);
  return d.path;
};
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

describe("openDatabase", () => {
  it("creates the file in WAL mode with every migration applied", () => {
    const db = openDatabase(fresh());
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS[MIGRATIONS.length - 1]!.version);
    db.close();
  });

  it("keeps what was stored across a reopen", () => {
    const dir = fresh();
    const a = openDatabase(dir);
    a.prepare("INSERT INTO stores (id, name, created_at) VALUES ('s', 'S', 1)").run();
    a.close();
    const b = openDatabase(dir);
    expect(b.prepare("SELECT name FROM stores WHERE id = 's'").get()).toEqual({ name: "S" });
    b.close();
  });
});

describe("FOOTFALL_SQLITE_SYNCHRONOUS", () => {
  const restore = process.env.FOOTFALL_SQLITE_SYNCHRONOUS;
  afterEach(() => {
    if (restore === undefined) delete process.env.FOOTFALL_SQLITE_SYNCHRONOUS;
    else process.env.FOOTFALL_SQLITE_SYNCHRONOUS = restore;
  });
  const openedWith = (value: string | undefined) => {
    if (value === undefined) delete process.env.FOOTFALL_SQLITE_SYNCHRONOUS;
    else process.env.FOOTFALL_SQLITE_SYNCHRONOUS = value;
    const db = openDatabase(fresh());
    try {
      return db.pragma("synchronous", { simple: true });
    } finally {
      db.close();
    }
  };

  it("opens with synchronous NORMAL (1) by default and FULL (2) when set to full", () => {
    expect(openedWith(undefined)).toBe(1);
    expect(openedWith("normal")).toBe(1);
    expect(openedWith(" FULL ")).toBe(2);
  });

  it("refuses any other value with an error that names the variable and the values it takes", () => {
    expect(() => synchronousMode({ FOOTFALL_SQLITE_SYNCHRONOUS: "off" })).toThrow(StorageError);
    expect(() => synchronousMode({ FOOTFALL_SQLITE_SYNCHRONOUS: "off" })).toThrow(/FOOTFALL_SQLITE_SYNCHRONOUS is "off": set it to normal .* or full/);
  });
});

describe("migrate", () => {
  it("applies nothing to a database another connection has migrated", () => {
    const dir = fresh();
    const first = openDatabase(dir);
    const second = new Database(join(dir, "footfall.db"));
    expect(migrate(second)).toBe(0);
    second.close();
    first.close();
  });

  it("refuses a database newer than this server, and says what to do", () => {
    const dir = fresh();
    const db = openDatabase(dir);
    const top = MIGRATIONS.at(-1)!.version;
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from the future', 1)").run(top + 1);
    db.pragma(`user_version = ${top + 1}`);
    db.close();
    expect(() => openDatabase(dir)).toThrow(StorageError);
    expect(() => openDatabase(dir)).toThrow(new RegExp(`schema is version ${top + 1}, newer than this server knows \\(${top}\\): run the Footfall version that wrote it`));
  });

  it("lists every migration it applied, with the time", () => {
    const db = openDatabase(fresh());
    const rows = db.prepare("SELECT version, applied_at FROM schema_migrations ORDER BY version").all() as { version: number; applied_at: number | null }[];
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    for (const r of rows) expect(r.applied_at).toBeGreaterThan(0);
    db.close();
  });

  it("applies a migration numbered below the database's version that the database never got, once", () => {
    const db = openDatabase(fresh());
    const top = MIGRATIONS.at(-1)!.version;
    const late = { version: 15, name: "numbered below a released one", sql: "CREATE TABLE late (x INTEGER)" };
    const withLate = [...MIGRATIONS.filter((m) => m.version < 16), late, ...MIGRATIONS.filter((m) => m.version >= 16)];
    expect(migrate(db, withLate)).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'late'").get()).toEqual({ name: "late" });
    expect(db.pragma("user_version", { simple: true })).toBe(top);
    expect(migrate(db, withLate)).toBe(0);
    db.close();
  });
});

/** Index names of the SQLite file (SQLite's own automatic ones left out). */
const indexes = (db: Database.Database): string[] =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
/** The whole schema as SQLite keeps it: every table, index and trigger with its SQL. */
const schema = (db: Database.Database) => db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all();

/** A database file as the last released main (8611a54: migrations 1-8, 11, 12, 13, 16) left it, at version 16. */
function releasedDatabase(dir: string, extra: string[] = []): void {
  const old = new Database(join(dir, "footfall.db"));
  for (const m of MIGRATIONS.filter((x) => x.version <= 16)) old.exec(m.sql);
  for (const sql of extra) old.exec(sql);
  old.pragma("user_version = 16");
  old.close();
}

describe("a database of the last released main (version 16, 8611a54)", () => {
  const OVERVIEW_INDEXES = ["sales_by_time_amount", "store_rollups_stamps"];
  const migration17 = MIGRATIONS.find((m) => m.version === 17)!;

  it("has its migrations and not the overview's covering indexes (what a user's file holds)", () => {
    const dir = fresh();
    releasedDatabase(dir);
    const db = new Database(join(dir, "footfall.db"));
    expect(indexes(db)).toContain("sales_by_time");
    for (const name of OVERVIEW_INDEXES) expect(indexes(db)).not.toContain(name);
    db.close();
  });

  it("gets migration 17 (the overview's covering indexes) when the server opens it, and ends as a new file does", async () => {
    const dir = fresh();
    releasedDatabase(dir);
    await (await openStorage(dir)).close(); // the server's storage, as a start opens it
    const db = new Database(join(dir, "footfall.db"));
    expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    // Listed as having had the migrations up to its version (no time: from before the list), then 17.
    const listed = db.prepare("SELECT version, applied_at FROM schema_migrations ORDER BY version").all() as { version: number; applied_at: number | null }[];
    expect(listed.filter((r) => r.applied_at === null).map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 16]);
    expect(listed.filter((r) => r.applied_at !== null).map((r) => r.version)).toEqual(MIGRATIONS.filter((m) => m.version > 16).map((m) => m.version));
    expect(indexes(db)).toEqual(expect.arrayContaining(OVERVIEW_INDEXES));
    expect(indexes(db)).not.toContain("sales_by_time");
    const created = openDatabase(fresh());
    expect(indexes(created)).toEqual(expect.arrayContaining(OVERVIEW_INDEXES));
    expect(schema(db)).toEqual(schema(created));
    created.close();
    db.close();
  });

  it("is unharmed when it already ran the indexes as migration 14 (a development file)", () => {
    const dir = fresh();
    releasedDatabase(dir, [migration17.sql]);
    const db = openDatabase(dir);
    expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    expect(indexes(db).filter((n) => OVERVIEW_INDEXES.includes(n))).toEqual(OVERVIEW_INDEXES);
    db.close();
  });

  it("keeps its rows through the upgrade, and the indexes answer the overview's reads", () => {
    const dir = fresh();
    releasedDatabase(dir);
    const old = new Database(join(dir, "footfall.db"));
    old.prepare("INSERT INTO stores (id, name, created_at) VALUES ('s', 'S', 1)").run();
    old.close();
    const db = openDatabase(dir);
    expect(db.prepare("SELECT name FROM stores WHERE id = 's'").get()).toEqual({ name: "S" });
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join("; ");
    expect(plan("SELECT t, stamp FROM store_rollups WHERE store = 's' AND grain = 1 AND t >= 0 AND t < 10")).toMatch(/COVERING INDEX store_rollups_stamps/);
    expect(plan("SELECT SUM(amount) FROM sales WHERE store = 's' AND ts >= 0 AND ts < 10")).toMatch(/COVERING INDEX sales_by_time_amount/);
    db.close();
  });
});

describe("agents offline when the server is upgraded (migration 25)", () => {
  const T = Date.UTC(2026, 10, 19, 20);
  const agent = (db: Database.Database, agentId: string, state: string, statusTs: number | null) =>
    db
      .prepare("INSERT INTO agents (store, agent, kind, username, password_hash, created_at, state, status_ts) VALUES ('kiosk', ?, 'camera', ?, 'x', 1, ?, ?)")
      .run(agentId, `kiosk.${agentId}`, state, statusTs);
  const spans = (db: Database.Database) => db.prepare("SELECT agent, from_ts, to_ts FROM agent_offline_spans ORDER BY agent, from_ts").all();

  it("get an open offline span from their stored status time, so their outage is not read as nobody there; recorded ones stay", () => {
    const dir = fresh();
    releasedDatabase(dir);
    const old = new Database(join(dir, "footfall.db"));
    agent(old, "cam-k", "offline", T); // its last will, heard by the old server
    agent(old, "cam-2", "online", T);
    agent(old, "cam-3", "never-seen", null);
    old.close();
    const db = openDatabase(dir);
    expect(spans(db)).toEqual([{ agent: "cam-k", from_ts: T, to_ts: null }]);
    db.close();

    // A database at 24 whose server recorded the outage (its span opened when the will was heard): nothing is added.
    const newer = new Database(join(fresh(), "footfall.db"));
    const upTo24 = MIGRATIONS.filter((m) => m.version <= 24);
    migrate(newer, upTo24);
    agent(newer, "cam-k", "offline", T + 60_000);
    newer
      .prepare("INSERT INTO agent_offline_spans (store, agent, from_ts, to_ts) VALUES ('kiosk', 'cam-k', ?, NULL), ('kiosk', 'cam-k', ?, ?)")
      .run(T, T - 7_200_000, T - 3_600_000);
    migrate(newer);
    expect(spans(newer)).toEqual([
      { agent: "cam-k", from_ts: T - 7_200_000, to_ts: T - 3_600_000 },
      { agent: "cam-k", from_ts: T, to_ts: null },
    ]);
    newer.close();
  });
});

describe("opening hours of a store when the server is upgraded (migration 26)", () => {
  it("become the first version of its history, in force since ever; stores without hours get none", () => {
    const dir = fresh();
    const old = new Database(join(dir, "footfall.db"));
    migrate(
      old,
      MIGRATIONS.filter((m) => m.version <= 25),
    );
    const body = { weekly: { mon: [{ open: "09:00", close: "19:00" }], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, exceptions: [] };
    old.prepare("INSERT INTO store_hours (store, body, updated_at) VALUES ('shop', ?, ?)").run(JSON.stringify(body), Date.UTC(2026, 5, 1));
    old.close();
    const db = openDatabase(dir);
    expect(db.prepare("SELECT store, valid_from, body FROM store_hours_versions").all()).toEqual([{ store: "shop", valid_from: Date.UTC(2026, 5, 1), body: JSON.stringify(body) }]);
    db.close();
  });
});
