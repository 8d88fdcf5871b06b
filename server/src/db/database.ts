import Database from "better-sqlite3";
import { accessSync, chmodSync, closeSync, constants, existsSync, openSync, statfsSync, statSync } from "node:fs";
import { join } from "node:path";
import { makeDirs } from "@footfall/core/node";
import { MIGRATIONS, type Migration } from "./migrations.js";

export type Db = Database.Database;

/**
 * A problem with the data folder or the database file that the operator must fix. Its message
 * is one line: what is wrong and what to do (the CLI prints it as it is, without a stack trace).
 */
export class StorageError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "StorageError";
  }
}

/** Less free space than this on the data folder's disk at start is "full". */
const MIN_FREE_BYTES = 1024 * 1024;
/** The database and its folder are the store's history: readable by the server's user only. */
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/**
 * Open (and create) the SQLite file in `dataDir`, WAL mode, migrations applied. The folder is
 * created 0700 and the files 0600 (SQLite gives its -wal and -shm files the database file's
 * permissions). A folder or file that cannot be used throws a {@link StorageError}.
 */
/** The SQLite database's file in the data folder. */
export const DATABASE_FILE = "footfall.db";

/**
 * Why a command that reads the data folder's database (token list, agent list, backup, broker-config...) refuses a
 * folder without one, rather than making an empty one there: an empty answer from a mistyped FOOTFALL_DATA_DIR would
 * hide the typo. `next` says what to do instead (by default: start a server on it).
 */
export function noDatabaseMessage(dataDir: string, next = "A server started with it creates one"): string {
  const folder = existsSync(dataDir) ? dataDir : `${dataDir}, a folder that does not exist`;
  return `no Footfall database in ${folder} (FOOTFALL_DATA_DIR): is it the right folder? ${next}`;
}

/** How the schema migrations of a start went, for the server's log (an upgrade over many versions can take minutes). */
export type MigrationEvent =
  | { kind: "begin"; from: number; to: number; count: number }
  | { kind: "applied"; from: number; version: number; name: string; step: number; of: number; ms: number }
  | { kind: "end"; from: number; to: number; count: number; ms: number };

/**
 * The server's log lines for {@link MigrationEvent}s: an upgrade of an existing database says what it will do before the
 * first migration (so a long one does not look like a hung start), each migration as it is applied, and the end; a new
 * database says only that it was created at the current version (at debug, each step).
 */
export function logMigration(log: { info: (obj: object, msg: string) => void; debug: (obj: object, msg: string) => void }, e: MigrationEvent): void {
  const upgrade = (from: number) => from > 0;
  if (e.kind === "begin") {
    if (upgrade(e.from))
      log.info(
        { from: e.from, to: e.to, migrations: e.count },
        `upgrading the database from schema version ${e.from} to ${e.to}: ${e.count} migration${e.count === 1 ? "" : "s"}, each logged as it is applied (on a big database this may take minutes: let it finish)`,
      );
    return;
  }
  if (e.kind === "applied") {
    // An upgrade's steps are its progress; a new database's are no news.
    const line = { version: e.version, step: e.step, of: e.of, ms: e.ms };
    const msg = `schema migration ${e.version} applied (${e.step} of ${e.of}, ${e.ms} ms): ${e.name}`;
    return upgrade(e.from) ? log.info(line, msg) : log.debug(line, msg);
  }
  log.info(
    { from: e.from, to: e.to, migrations: e.count, ms: e.ms },
    upgrade(e.from) ? `database upgraded from schema version ${e.from} to ${e.to} in ${e.ms} ms` : `new database created at schema version ${e.to}`,
  );
}

export function openDatabase(dataDir: string, file = DATABASE_FILE, opts: { onMigration?: (e: MigrationEvent) => void } = {}): Db {
  const synchronous = synchronousMode();
  prepareDataDir(dataDir);
  const path = join(dataDir, file);
  privateFile(path, true);
  for (const extra of ["-wal", "-shm"]) privateFile(path + extra, false);
  let db: Db | null = null;
  try {
    db = new Database(path);
    // First, so that the pragmas and migrations below wait for a lock held by another process
    // (the server and the CLI open the same file) instead of failing with SQLITE_BUSY.
    db.pragma("busy_timeout = 5000");
    // 16 KiB pages for a new database (a no-op on an existing one): B-trees one level shallower,
    // ~12 % less CPU per event insert than SQLite's 4 KiB default (measured on the events table).
    db.pragma("page_size = 16384");
    db.pragma("journal_mode = WAL");
    // NORMAL in WAL mode (the default): a committed transaction survives a process crash (kill -9);
    // only an OS crash or power loss can lose the last commits. FULL: those too (an fsync a commit).
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma("foreign_keys = ON");
    db.pragma("cache_size = -65536");
    migrate(db, MIGRATIONS, opts.onMigration);
    return db;
  } catch (err) {
    try {
      db?.close();
    } catch {
      /* closing a database that failed to open may fail too */
    }
    throw explainSqliteError(err, path);
  }
}

/**
 * How hard a commit is made durable, from `FOOTFALL_SQLITE_SYNCHRONOUS`: `normal` (default) or
 * `full`. With NORMAL a receipt (sent after the commit) is never ahead of what survives the
 * server's crash; with FULL it is never ahead of what survives the machine's (power loss), at an
 * fsync of the WAL per group commit.
 */
export function synchronousMode(env: NodeJS.ProcessEnv = process.env): "NORMAL" | "FULL" {
  const v = (env.FOOTFALL_SQLITE_SYNCHRONOUS ?? "").trim().toLowerCase();
  if (v === "" || v === "normal") return "NORMAL";
  if (v === "full") return "FULL";
  throw new StorageError(
    `FOOTFALL_SQLITE_SYNCHRONOUS is "${v.slice(0, 40)}": set it to normal (the default: commits survive a crash of the server) or full (they survive a power loss too, at an fsync per group commit), or unset it.`,
    "ECONFIG",
  );
}

/** Creates the data folder (0700) if needed and checks it is a writable folder with some free space. */
export function prepareDataDir(dataDir: string): void {
  const what = `the data folder ${dataDir} (FOOTFALL_DATA_DIR)`;
  try {
    makeDirs(dataDir, DIR_MODE);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const reason = {
      EROFS: "it is on a read-only file system",
      EACCES: "this user may not create it",
      EPERM: "this user may not create it",
      ENOTDIR: "a part of its path is a file, not a folder",
      EEXIST: "a file of that name is in the way",
      ENOSPC: "the disk is full",
      ENOENT: "its parent cannot hold folders",
    }[e.code ?? ""];
    throw new StorageError(`cannot create ${what}: ${reason ?? e.message} (${e.code ?? "error"}). Set FOOTFALL_DATA_DIR to a writable folder, or create it and let this user write to it.`, e.code ?? "EDATADIR");
  }
  if (!statSync(dataDir).isDirectory()) throw new StorageError(`${what} is a file, not a folder: set FOOTFALL_DATA_DIR to a folder.`, "ENOTDIR");
  try {
    accessSync(dataDir, constants.W_OK | constants.X_OK);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const reason = e.code === "EROFS" ? "it is on a read-only file system" : "this user may not write to it";
    throw new StorageError(`cannot write to ${what}: ${reason} (${e.code}). Make it writable for this user (or remount it read-write), or set FOOTFALL_DATA_DIR to another folder.`, e.code ?? "EACCES");
  }
  let free: number | null = null;
  try {
    const fs = statfsSync(dataDir);
    free = fs.bavail * fs.bsize;
  } catch {
    /* a file system that does not say: SQLite will tell */
  }
  if (free !== null && free < MIN_FREE_BYTES) throw new StorageError(diskFull(dataDir, free), "ENOSPC");
}

const diskFull = (where: string, free?: number) =>
  `the disk holding ${where} is full${free === undefined ? "" : ` (${Math.floor(free / 1024)} KiB free)`}: free some space (or give FOOTFALL_DATA_DIR a larger disk) and start again.`;

/** Creates the file 0600 when `create` and it is missing; takes group and other access away from an existing one. */
function privateFile(path: string, create: boolean): void {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    if (!create) return;
    try {
      closeSync(openSync(path, constants.O_CREAT | constants.O_WRONLY, FILE_MODE));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === "ENOSPC" || e.code === "EDQUOT") throw new StorageError(diskFull(path), "ENOSPC");
      throw new StorageError(`cannot create the database ${path}: ${e.message}. Check that this user may write to the data folder (FOOTFALL_DATA_DIR).`, e.code ?? "ECREATE");
    }
    return;
  }
  if ((mode & 0o077) === 0) return;
  try {
    chmodSync(path, mode & 0o700);
  } catch {
    /* not ours to change (another owner): it stays as the owner set it */
  }
}

/** A one-line StorageError for what SQLite said while opening `path`, or the error itself when it is something else. */
export function explainSqliteError(err: unknown, path: string): unknown {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === "string" ? e.code : "";
  const said = typeof e?.message === "string" ? e.message : String(err);
  if (!code.startsWith("SQLITE_")) return err;
  const base = code.replace(/^(SQLITE_[A-Z]+)(_.*)?$/, "$1");
  const message =
    {
      SQLITE_NOTADB: `${path} is not a SQLite database, or is damaged (${said}): move it away and restore it from a backup, or set FOOTFALL_DATA_DIR to another folder to start with an empty one.`,
      SQLITE_CORRUPT: `the database ${path} is damaged (${said}): restore it from a backup (or try \`sqlite3 ${path} .recover\`), or set FOOTFALL_DATA_DIR to another folder.`,
      SQLITE_BUSY: `the database ${path} is locked by another process (${said}): is another footfall server using this FOOTFALL_DATA_DIR? Stop it, or give this one its own data folder.`,
      SQLITE_LOCKED: `the database ${path} is locked (${said}): is another footfall server using this FOOTFALL_DATA_DIR? Stop it, or give this one its own data folder.`,
      SQLITE_FULL: diskFull(path),
      SQLITE_READONLY: `the database ${path} is read-only (${said}): let this user write to it and its folder (or remount the disk read-write).`,
      SQLITE_CANTOPEN: `cannot open the database ${path} (${said}): check that the data folder exists and this user may write to it (FOOTFALL_DATA_DIR).`,
      SQLITE_PERM: `no permission to use the database ${path} (${said}): let this user read and write it.`,
      SQLITE_IOERR: `the disk failed while reading or writing ${path} (${said}): check the disk (dmesg), then start again.`,
    }[base] ?? `cannot use the database ${path}: ${said} (${code}).`;
  return new StorageError(message, code);
}

/**
 * Apply every migration the database has not had, in the list's order, each in its own transaction,
 * and return how many this call applied. The versions applied are listed in `schema_migrations` (as
 * on PostgreSQL), so a migration numbered below the database's highest one is still applied if the
 * database never got it (migrations.test.ts keeps new numbers above the released ones, so this is a
 * second net, not the plan); `user_version` keeps the highest, for older servers and backups. A file
 * from before that list got every migration numbered up to its `user_version` (the old rule); it is
 * listed so once, with no time. Each step reads again under the write lock, so two processes opening
 * a new file at once (`footfall serve` and `footfall agent add`) never both apply the same migration.
 * A database newer than this server is refused (as on PostgreSQL): an older server would write it
 * without what the newer migrations keep up to date.
 */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS, onMigration?: (e: MigrationEvent) => void): number {
  const version = () => db.pragma("user_version", { simple: true }) as number;
  const listed = (v: number) => db.prepare("SELECT 1 FROM schema_migrations WHERE version = ?").get(v) !== undefined;
  const hasList = () => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
  if (!hasList())
    db.transaction(() => {
      if (hasList()) return;
      const before = version();
      db.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER)");
      const list = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, NULL)");
      for (const m of migrations) if (m.version <= before) list.run(m.version, m.name);
    }).immediate();
  const done = new Set((db.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map((r) => r.version));
  const newest = Math.max(version(), ...done);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  if (newest > known)
    throw new StorageError(
      `the database's schema is version ${newest}, newer than this server knows (${known}): run the Footfall version that wrote it (or a newer one), or set FOOTFALL_DATA_DIR to another folder`,
      "ENEWER",
    );
  let applied = 0;
  const pending = migrations.filter((m) => !done.has(m.version));
  const began = Date.now();
  if (pending.length > 0) onMigration?.({ kind: "begin", from: newest, to: known, count: pending.length });
  for (const m of pending) {
    const start = Date.now();
    const did = db.transaction(() => {
      if (listed(m.version)) return false;
      db.exec(m.sql);
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(m.version, m.name, Date.now());
      if (m.version > version()) db.pragma(`user_version = ${m.version}`);
      applied++;
      return true;
    }).immediate();
    if (did) onMigration?.({ kind: "applied", from: newest, version: m.version, name: m.name, step: applied, of: pending.length, ms: Date.now() - start });
  }
  if (pending.length > 0) onMigration?.({ kind: "end", from: newest, to: Math.max(newest, known), count: applied, ms: Date.now() - began });
  return applied;
}

/** The `(?, ?, ...), (?, ?, ...)` of a multi-row INSERT: `rows` rows of `columns` parameters. */
export const valueRows = (columns: number, rows: number): string =>
  Array.from({ length: rows }, () => `(${Array.from({ length: columns }, () => "?").join(", ")})`).join(", ");
