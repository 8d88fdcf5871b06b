import Database from "better-sqlite3";
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmdirSync, rmSync, statfsSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { Worker } from "node:worker_threads";
import { DATABASE_FILE, noDatabaseMessage, prepareDataDir } from "./db/database.js";
import { MIGRATIONS } from "./db/migrations.js";

const PID_FILE = "footfall.pid";
/** The address the running server's digests link to (its FOOTFALL_PUBLIC_URL, or host name and port): `footfall digest` links the same. */
const PUBLIC_URL_FILE = "footfall.public-url";
/** The file whose lock a server (or a restore) holds while it uses the folder; never removed. */
const LOCK_FILE = "footfall.lock";

/** What a backup or restore did, printed by the CLI as JSON. */
export interface BackupReport {
  file: string;
  bytes: number;
  events: number;
  stores: number;
  seconds: number;
}

/** The backup command the refusal gives, as an operator types it (the URL from the server's environment). */
const PG_DUMP = 'pg_dump --format=custom --file=footfall.dump "$FOOTFALL_DATABASE_URL"';
/** The restore command the refusal gives: `<URL of the empty database>` is the operator's to fill in. */
const PG_RESTORE = "pg_restore --no-owner --dbname=<URL of the empty database> footfall.dump";

/**
 * Backup and restore are SQLite's: they copy the database file of the data folder, below the
 * storage interface, and stay SQLite-only. A PostgreSQL database (FOOTFALL_DATABASE_URL) is backed
 * up with PostgreSQL's own tools (pg_dump in its custom format and pg_restore, or continuous archiving); the CLI
 * says so with the commands to run (pg-backup.integration.test.ts runs them as written).
 */
export function refuseWithPostgres(env: NodeJS.ProcessEnv = process.env): void {
  if (env.FOOTFALL_DATABASE_URL)
    throw new BackupError(
      `footfall backup and restore copy the SQLite database of FOOTFALL_DATA_DIR; this server uses PostgreSQL (FOOTFALL_DATABASE_URL): back it up with pg_dump in its custom format, while the servers run: ${PG_DUMP}; restore it with the servers stopped, into an empty database (createdb): ${PG_RESTORE}, then set FOOTFALL_DATABASE_URL to that database (pg_restore reads no plain SQL dump; one goes through psql. Or use continuous archiving)`,
    );
}

/** A backup or restore the operator must fix: one line, what is wrong and what to do. */
export class BackupError extends Error {
  override name = "BackupError";
}

function summary(path: string): { events: number; stores: number; version: number } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const version = db.pragma("user_version", { simple: true }) as number;
    const check = db.pragma("quick_check", { simple: true });
    if (check !== "ok") throw new BackupError(`${path} is damaged (quick_check: ${String(check)}): use another backup`);
    const has = (table: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
    if (!has("events") || !has("stores")) throw new BackupError(`${path} is not a Footfall database (no events or stores table)`);
    const events = (db.prepare("SELECT COUNT(*) AS n FROM events").get() as { n: number }).n;
    const stores = (db.prepare("SELECT COUNT(*) AS n FROM stores").get() as { n: number }).n;
    return { events, stores, version };
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError(`${path} cannot be read as a Footfall database (${(err as Error).message})`);
  } finally {
    db.close();
  }
}

/** Progress of a long backup or restore: one line a call, for stderr. */
export type Progress = (line: string) => void;

/** The worker that runs `VACUUM INTO` off the main thread, so the CLI can say how far it got meanwhile (CommonJS: an eval worker). */
const VACUUM_WORKER = `
const { workerData, parentPort } = require("node:worker_threads");
const Database = require(workerData.module);
let db;
try {
  db = new Database(workerData.source, { readonly: true, fileMustExist: true });
  db.pragma("busy_timeout = 10000");
  db.prepare("VACUUM INTO ?").run(workerData.partial);
  parentPort.postMessage({ ok: true });
} catch (err) {
  parentPort.postMessage({ ok: false, message: err.message });
} finally {
  if (db) db.close();
}`;

/** `VACUUM INTO partial` in a worker thread; `tick` is called every `everyMs` while it runs. Rejects with SQLite's message. */
function vacuumInto(source: string, partial: string, tick: () => void, everyMs: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new Error("stopped"));
  const worker = new Worker(VACUUM_WORKER, { eval: true, workerData: { module: createRequire(import.meta.url).resolve("better-sqlite3"), source, partial } });
  const timer = setInterval(tick, everyMs);
  let onAbort = () => {};
  return new Promise<void>((resolve, reject) => {
    worker.once("message", (m: { ok: boolean; message?: string }) => (m.ok ? resolve() : reject(new Error(m.message))));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the copy stopped (worker exit code ${code})`)));
    // Stopped (Ctrl-C): the caller removes the partial file at once; the copy under way in SQLite writes on to the
    // removed file until the process ends (terminate waits for SQLite's call to return).
    onAbort = () => reject(new Error("stopped"));
    signal?.addEventListener("abort", onAbort, { once: true });
  }).finally(() => {
    clearInterval(timer);
    signal?.removeEventListener("abort", onAbort);
    void worker.terminate();
  });
}

/** The size a compact copy of the database will have, about: its pages in use (the free ones are left out). */
function pagesInUse(source: string): number | null {
  try {
    const db = new Database(source, { readonly: true, fileMustExist: true });
    try {
      const n = (name: string) => db.pragma(name, { simple: true }) as number;
      return (n("page_count") - n("freelist_count")) * n("page_size");
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}

/**
 * A consistent copy of the data directory's database into `file`, while the server runs and
 * ingests: `VACUUM INTO` reads one snapshot (WAL mode lets writers go on meanwhile) and writes a
 * compact file. Written beside the target and renamed, so a half-written backup never looks whole.
 * With `progress`, says what it copies, how much is written every `everyMs` (5 s) while it runs
 * (a year of a chain's history takes minutes), and when it checks the copy. `signal` stops it (Ctrl-C): the partial
 * copy is removed at once, rather than left beside the target as large as the database.
 */
export async function backupDatabase(dataDir: string, file: string, opts: { force?: boolean; progress?: Progress; everyMs?: number; signal?: AbortSignal } = {}): Promise<BackupReport> {
  const started = performance.now();
  const source = join(dataDir, DATABASE_FILE);
  const target = resolve(file);
  if (!existsSync(source)) throw new BackupError(noDatabaseMessage(dataDir));
  const folder = dirname(target);
  if (!existsSync(folder)) throw new BackupError(`no folder ${folder} to write the backup into: create it first (mkdir -p ${folder}) or choose another path`);
  if (!statSync(folder).isDirectory()) throw new BackupError(`${folder} is a file, not a folder: choose a path in a folder for the backup`);
  if (isServersFile(dataDir, target))
    throw new BackupError(
      `${target} is a file the server of ${dataDir} (FOOTFALL_DATA_DIR) uses, not a place for a backup: replacing it would destroy the database. Give the backup a new file name, best outside the data folder (on another disk)`,
    );
  if (existsSync(target) && statSync(target).isDirectory())
    throw new BackupError(`${target} is a folder: give the backup's file name in it, e.g. ${join(target, `footfall-${new Date().toISOString().slice(0, 10)}.db`)}`);
  if (existsSync(target) && !opts.force) throw new BackupError(`${target} exists: choose a new file name, or add --force to replace it`);
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const say = opts.progress ?? (() => {});
  const expected = pagesInUse(source);
  const about = expected === null ? "" : ` (about ${megabytes(expected)})`;
  say(`backing up ${source}${about} to ${target}`);
  const written = () => {
    try {
      return statSync(partial).size;
    } catch {
      return 0;
    }
  };
  try {
    await vacuumInto(source, partial, () => say(`${megabytes(written())}${expected === null ? "" : ` of about ${megabytes(expected)}`} written`), opts.everyMs ?? 5_000, opts.signal);
  } catch (err) {
    rmSync(partial, { force: true });
    if (opts.signal?.aborted) throw new BackupError(`backup to ${target} stopped before it was complete: nothing was written there (the partial copy is removed)`);
    throw new BackupError(`backup to ${target} failed: ${(err as Error).message} (is there room on that disk?)`);
  }
  chmodSync(partial, 0o600);
  renameSync(partial, target);
  say(`written (${megabytes(statSync(target).size)}); checking the copy`);
  const s = summary(target);
  return { file: target, bytes: statSync(target).size, events: s.events, stores: s.stores, seconds: secondsSince(started) };
}

/**
 * Whether `target` is one of the files a server on `dataDir` uses (its database and the database's WAL, shared-memory
 * and journal files, the lock, the pid note and the note of its digests' address), by name in the folder or as the same
 * file (a link to it).
 * `footfall backup data/footfall.db --force` renamed a fresh copy over the live database under its write-ahead log.
 */
function isServersFile(dataDir: string, target: string): boolean {
  const db = join(dataDir, DATABASE_FILE);
  const names = [db, `${db}-wal`, `${db}-shm`, `${db}-journal`, join(dataDir, LOCK_FILE), join(dataDir, PID_FILE), join(dataDir, PUBLIC_URL_FILE)];
  const real = (path: string) => {
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return resolve(path);
    }
  };
  const t = real(target);
  if (names.some((n) => real(n) === t)) return true;
  try {
    const a = statSync(target);
    const b = statSync(db);
    return a.ino === b.ino && a.dev === b.dev;
  } catch {
    return false; // no such file: not the database
  }
}

/** Seconds since `started` (performance.now()), to the millisecond: the report says 0.441, not 0.44052253499999985. */
const secondsSince = (started: number) => Math.round(performance.now() - started) / 1000;

/** Whether a server process is running on this data directory (its pid file names a live process). */
export function runningServerPid(dataDir: string): number | null {
  const path = join(dataDir, PID_FILE);
  if (!existsSync(path)) return null;
  const pid = Number(readFileSync(path, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM" ? pid : null;
  }
}

/**
 * The address the server running on this data directory puts in its digests' links (claimDataDir's note), or null: no
 * server runs there, or one from before the note was written.
 */
export function runningServerPublicUrl(dataDir: string): string | null {
  if (runningServerPid(dataDir) === null) return null;
  try {
    const url = readFileSync(join(dataDir, PUBLIC_URL_FILE), "utf8").trim();
    return /^https?:\/\/\S+$/.test(url) ? url : null;
  } catch {
    return null;
  }
}

/**
 * Whether `pid`, alive, may be another Footfall server on `dataDir`: a process that has the folder's database open (Linux:
 * /proc/<pid>/fd). Where its open files cannot be read (another user's process), one whose command line names Footfall
 * or its CLI; where neither can (not Linux), any live process. A pid file left by a crash whose pid the system has since
 * given to another program (a daemon, another Node.js app after a reboot) does not keep the server from starting.
 */
function mayBeServer(pid: number, dataDir: string): boolean {
  const db = join(realpathSync(dataDir), DATABASE_FILE);
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === db;
      } catch {
        return false; // closed meanwhile
      }
    });
  } catch {
    try {
      return /footfall|cli\.js/i.test(readFileSync(`/proc/${pid}/cmdline`, "utf8"));
    } catch {
      return true;
    }
  }
}

/**
 * Why the folder could not be held: another process holds its lock (`locked`), or, without the lock, its pid file names a
 * live process that has the folder's database open (a server of a version from before the lock). `holder`: the live
 * server the pid file names, when it names one (a server that has just taken the lock may not have written it yet).
 */
interface FolderHeld {
  holder: number | null;
  locked: boolean;
}

/** The live process, possibly a Footfall server on `dataDir`, that the folder's pid file names; null if none. */
function noteHolder(dataDir: string): number | null {
  const pid = runningServerPid(dataDir);
  return pid !== null && pid !== process.pid && mayBeServer(pid, dataDir) ? pid : null;
}

/** The locks this process holds: referenced here so that none is closed by the garbage collector (which lets it go). */
const held = new Set<Database.Database>();

/**
 * Hold the data directory for as long as this process needs it; `unlock` lets it go. The lock is the OS's: an open
 * write transaction on `footfall.lock` (SQLite's RESERVED lock, an fcntl lock) that one process at a time can have,
 * granted or refused at once, and let go by the OS when the process ends however it ends (kill -9, a crash),
 * so there is no stale lock to clean up. `footfall.lock` itself stays: removed while another process had it open, two
 * could lock two different files. Answers FolderHeld instead while another process holds the lock, or while the pid
 * file names a live process that has the folder's database open (a server of a version before the lock).
 */
function holdDataDir(dataDir: string): { unlock: () => void } | FolderHeld {
  const path = join(dataDir, LOCK_FILE);
  const cannot = (err: unknown) =>
    new Error(
      `cannot lock ${path} (${(err as Error).message}): a Footfall server must be able to write its data folder (FOOTFALL_DATA_DIR); check that the user it runs as owns the folder and the files in it`,
      { cause: err },
    );
  let lock: Database.Database;
  try {
    // timeout 0: refused at once, not after SQLite's default 5 s of retries.
    lock = new Database(path, { timeout: 0 });
  } catch (err) {
    throw cannot(err);
  }
  try {
    // No journal file: the transaction writes nothing that could be left behind, hot, by a kill -9.
    lock.pragma("journal_mode = MEMORY");
    lock.exec("BEGIN IMMEDIATE");
    chmodSync(path, 0o600);
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code === "SQLITE_BUSY") return { holder: noteHolder(dataDir), locked: true };
    throw cannot(err);
  }
  const holder = noteHolder(dataDir);
  if (holder !== null) {
    lock.close();
    return { holder, locked: false };
  }
  held.add(lock);
  return {
    unlock: () => {
      held.delete(lock);
      lock.close();
    },
  };
}

/**
 * Note this process as the data directory's server; returns the function that removes the note. Refuses while another
 * server runs on the directory: two servers on one SQLite database would both ingest and run retention, and the
 * second's note would hide the first from `footfall restore`, which could then replace the database under it. Servers
 * started at the same instant cannot both pass: the folder's lock (holdDataDir) lets one through.
 */
export function claimDataDir(dataDir: string, publicUrl?: string): () => void {
  const path = join(dataDir, PID_FILE);
  const hold = holdDataDir(dataDir);
  if (!("unlock" in hold)) {
    const where = `${dataDir} (FOOTFALL_DATA_DIR)`;
    if (hold.holder === null)
      throw new Error(`another Footfall server, or footfall restore, is using ${where}: stop it first, or give this server another folder`);
    // A note without the lock: if that process is no server after all, deleting the note lets this one start.
    const unless = hold.locked ? "" : `; if no server runs there, delete ${path}`;
    throw new Error(`a Footfall server (pid ${hold.holder}) is already running on ${where}: stop it first, or give this one another folder${unless}`);
  }
  writeFileSync(path, `${process.pid}\n`, { mode: 0o600 });
  // The address its digests link to, for `footfall digest preview|send` run beside it (a note only: never a reason not to start).
  const urlPath = join(dataDir, PUBLIC_URL_FILE);
  try {
    if (publicUrl) writeFileSync(urlPath, `${publicUrl}\n`, { mode: 0o600 });
    else rmSync(urlPath, { force: true });
  } catch {
    /* the CLI then says its links' address is a guess */
  }
  return () => {
    try {
      if (readFileSync(path, "utf8").trim() === String(process.pid)) {
        unlinkSync(path);
        rmSync(urlPath, { force: true });
      }
    } catch {
      /* already gone */
    }
    hold.unlock();
  };
}

/**
 * Put a backup in place of the data directory's database. The server must be stopped. The target
 * folder is checked before anything is done (it can be made and written, as a server starting
 * there checks it, and has room for the backup), then the backup (readable, undamaged, not newer
 * than this version); the database it replaces is kept beside it as `footfall.db.before-restore-<time>`.
 * A restore that fails leaves the folder as it was (no half-copied file, the old database in place).
 */
export function restoreDatabase(dataDir: string, file: string, progress?: Progress): BackupReport & { previous: string | null } {
  const started = performance.now();
  const source = resolve(file);
  if (!existsSync(source)) throw new BackupError(`no backup at ${source}`);
  if (!statSync(source).isFile()) throw new BackupError(`${source} is not a file: give the file \`footfall backup\` wrote`);
  // Errors that say what to do (a file in the way, a read-only disk, no permission), not mkdir's EEXIST or ENOTDIR.
  // The outermost folder of the path that does not exist yet, which making the data folder makes.
  let made: string | null = null;
  for (let d = resolve(dataDir); !existsSync(d) && d !== dirname(d); d = dirname(d)) made = d;
  prepareDataDir(dataDir);
  try {
    return restoreInto(dataDir, source, started, progress ?? (() => {}));
  } catch (err) {
    // Folders this restore made go again when it fails (a damaged or newer backup): it leaves the disk as it was.
    if (made !== null) removeMadeFolders(resolve(dataDir), made);
    throw err;
  }
}

/**
 * Removes the data folder a failed restore made, with the lock file it put there, and the folders above it up to
 * `outermost` that it made, each only when nothing else is in it (a server started on the new folder meanwhile writes
 * its pid and database there: its folder is left alone).
 */
function removeMadeFolders(dataDir: string, outermost: string): void {
  try {
    const entries = readdirSync(dataDir);
    if (entries.length > 1 || (entries.length === 1 && entries[0] !== LOCK_FILE)) return;
    removeQuietly(join(dataDir, LOCK_FILE));
    for (let d = dataDir; ; d = dirname(d)) {
      if (readdirSync(d).length > 0) return;
      rmdirSync(d);
      if (d === outermost) return;
    }
  } catch {
    /* left as it is: not the error to report */
  }
}

function restoreInto(dataDir: string, source: string, started: number, say: Progress): BackupReport & { previous: string | null } {
  const need = statSync(source).size;
  const free = freeBytes(dataDir);
  // The database it replaces is kept: the copy needs the backup's size free, besides it.
  if (free !== null && free < need + ROOM_BYTES)
    throw new BackupError(
      `no room in ${dataDir} (FOOTFALL_DATA_DIR) for the backup: it is ${megabytes(need)}, the disk has ${megabytes(free)} free. Free some space there (old footfall.db.before-restore-* files can go once you no longer need them), then restore again`,
    );
  // Held to the end: a server started meanwhile on the folder is refused until the backup is in place.
  let hold: ReturnType<typeof holdDataDir>;
  try {
    hold = holdDataDir(dataDir);
  } catch (err) {
    throw new BackupError((err as Error).message, { cause: err });
  }
  if (!("unlock" in hold))
    throw new BackupError(
      hold.holder !== null
        ? `a Footfall server (pid ${hold.holder}) is running on ${dataDir}: stop it first, then restore`
        : `a Footfall server, or another footfall restore, is using ${dataDir}: stop it first, then restore`,
    );
  try {
    return putInPlace(dataDir, source, started, say);
  } finally {
    hold.unlock();
  }
}

function putInPlace(dataDir: string, source: string, started: number, say: Progress): BackupReport & { previous: string | null } {
  say(`checking the backup ${source} (${megabytes(statSync(source).size)})`);
  const s = summary(source);
  const newest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
  if (s.version > newest) throw new BackupError(`${source} was written by a newer Footfall (schema ${s.version}, this one knows ${newest}): upgrade first`);
  const target = join(dataDir, DATABASE_FILE);
  const incoming = `${target}.restoring`;
  say(`copying it into ${dataDir}`);
  try {
    copyFileSync(source, incoming);
    chmodSync(incoming, 0o600);
  } catch (err) {
    removeQuietly(incoming);
    throw new BackupError(`could not copy the backup into ${dataDir} (${(err as Error).message}): nothing was changed there`, { cause: err });
  }
  let previous: string | null = null;
  const moved: [from: string, to: string][] = [];
  try {
    if (existsSync(target)) {
      previous = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, "-")}`;
      renameSync(target, previous);
      moved.push([target, previous]);
    }
    // The old write-ahead log belongs to the old file: left here, SQLite would apply it to the backup.
    for (const extra of ["-wal", "-shm"]) {
      if (existsSync(target + extra)) {
        if (previous) {
          renameSync(target + extra, previous + extra);
          moved.push([target + extra, previous + extra]);
        } else rmSync(target + extra);
      }
    }
    renameSync(incoming, target);
  } catch (err) {
    // Put the old database back as it was, rather than leave the folder without one.
    for (const [from, to] of moved.reverse()) renameSync(to, from);
    removeQuietly(incoming);
    throw new BackupError(`could not put the backup in place in ${dataDir} (${(err as Error).message}): the database there is as it was`, { cause: err });
  }
  return { file: target, bytes: statSync(target).size, events: s.events, stores: s.stores, seconds: secondsSince(started), previous };
}

/** Room kept free besides the backup's copy (as a server starting needs some). */
const ROOM_BYTES = 1024 * 1024;

function freeBytes(dir: string): number | null {
  try {
    const fs = statfsSync(dir);
    return fs.bavail * fs.bsize;
  } catch {
    return null; // a file system that does not say: the copy will
  }
}

/** Removes a file this restore wrote, if it is there (a failure to is not the error to report). */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    /* a folder of that name, say: not ours to remove */
  }
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
