import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS } from "./migrations.js";

export type Db = Database.Database;

/** Open (and create) the SQLite file in `dataDir`, WAL mode, migrations applied. */
export function openDatabase(dataDir: string, file = "footfall.db"): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, file));
  // First, so that the pragmas and migrations below wait for a lock held by another process
  // (the server and the CLI open the same file) instead of failing with SQLITE_BUSY.
  db.pragma("busy_timeout = 5000");
  db.pragma("journal_mode = WAL");
  // NORMAL in WAL mode: a committed transaction survives a process crash (kill -9); only an OS
  // crash or power loss can lose the last commits.
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("cache_size = -65536");
  migrate(db);
  return db;
}

/**
 * Apply every migration newer than `user_version`, each in its own transaction. The version is
 * read again under the write lock, so two processes opening a new file at once (`footfall serve`
 * and `footfall agent add`) never both apply the same migration.
 */
export function migrate(db: Db): number {
  const version = () => db.pragma("user_version", { simple: true }) as number;
  let applied = 0;
  for (const m of MIGRATIONS) {
    if (m.version <= version()) continue;
    db.transaction(() => {
      if (m.version <= version()) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
      applied++;
    }).immediate();
  }
  return applied;
}
