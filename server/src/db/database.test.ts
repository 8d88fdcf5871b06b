import Database from "better-sqlite3";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../../../test/support/wait.js";
import { migrate, openDatabase, StorageError, synchronousMode } from "./database.js";
import { MIGRATIONS } from "./migrations.js";

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
});
