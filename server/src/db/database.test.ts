import Database from "better-sqlite3";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../../../test/support/wait.js";
import { migrate, openDatabase } from "./database.js";
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
