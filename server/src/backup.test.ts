import Database from "better-sqlite3";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupDatabase, claimDataDir, restoreDatabase, runningServerPublicUrl } from "./backup.js";

const dir = mkdtempSync(join(tmpdir(), "footfall-backup-"));
const data = join(dir, "data");
const file = join(dir, "a-file");
beforeAll(() => {
  mkdirSync(data);
  new Database(join(data, "footfall.db")).close();
  writeFileSync(file, "x");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("footfall backup to a path it cannot write", () => {
  it("names a folder that does not exist and how to make it (not a full disk)", async () => {
    const folder = join(dir, "no-such-folder");
    await expect(backupDatabase(data, join(folder, "backup.db"))).rejects.toThrow(`no folder ${folder} to write the backup into: create it first (mkdir -p ${folder}) or choose another path`);
  });

  it("says when the folder in the path is a file", async () => {
    await expect(backupDatabase(data, join(file, "backup.db"))).rejects.toThrow(`${file} is a file, not a folder: choose a path in a folder for the backup`);
  });
});

describe("footfall backup and restore's report", () => {
  it("gives the time taken in seconds to the millisecond, not to 17 digits", async () => {
    const src = join(dir, "report-data");
    mkdirSync(src);
    const db = new Database(join(src, "footfall.db"));
    db.exec("CREATE TABLE events (id TEXT); CREATE TABLE stores (id TEXT); INSERT INTO stores VALUES ('s1'); INSERT INTO events VALUES ('e1'), ('e2')");
    db.close();
    const backup = await backupDatabase(src, join(dir, "report.db"));
    expect(backup).toMatchObject({ events: 2, stores: 1 });
    const restored = restoreDatabase(join(dir, "report-restored"), join(dir, "report.db"));
    expect(restored).toMatchObject({ events: 2, stores: 1, previous: null });
    for (const seconds of [backup.seconds, restored.seconds]) expect(JSON.stringify(seconds)).toMatch(/^\d+(\.\d{1,3})?$/);
  });
});

describe("footfall restore onto a target it cannot use: said at once, with what to do, the folder left as it was", () => {
  let backup: string;
  beforeAll(async () => {
    const src = join(dir, "restore-src");
    mkdirSync(src);
    const db = new Database(join(src, "footfall.db"));
    db.exec("CREATE TABLE events (id TEXT); CREATE TABLE stores (id TEXT); INSERT INTO stores VALUES ('s1')");
    db.close();
    backup = join(dir, "restore-src.db");
    await backupDatabase(src, backup);
  });

  it("a data folder that is a file", () => {
    expect(() => restoreDatabase(file, backup)).toThrow(`the data folder ${file} (FOOTFALL_DATA_DIR) is a file, not a folder: set FOOTFALL_DATA_DIR to a folder.`);
    expect(readFileSync(file, "utf8")).toBe("x");
  });

  it("a data folder whose path goes through a file", () => {
    expect(() => restoreDatabase(join(file, "data"), backup)).toThrow(
      `cannot create the data folder ${join(file, "data")} (FOOTFALL_DATA_DIR): a part of its path is a file, not a folder (ENOTDIR). Set FOOTFALL_DATA_DIR to a writable folder`,
    );
  });

  it("a copy that fails: the old database stays, no half-copied file, no renamed one", () => {
    const target = join(dir, "restore-blocked");
    mkdirSync(join(target, "footfall.db.restoring"), { recursive: true }); // in the way of the copy
    writeFileSync(join(target, "footfall.db"), "the old database");
    expect(() => restoreDatabase(target, backup)).toThrow(new RegExp(`^could not copy the backup into ${target} \\(.*\\): nothing was changed there$`));
    expect(readFileSync(join(target, "footfall.db"), "utf8")).toBe("the old database");
    expect(readdirSync(target).filter((f) => f.startsWith("footfall.db")).sort()).toEqual(["footfall.db", "footfall.db.restoring"]);
  });

  it("a backup that is a folder: said, nothing made", () => {
    const target = join(dir, "restore-never-made");
    expect(() => restoreDatabase(target, dir)).toThrow(`${dir} is not a file: give the file \`footfall backup\` wrote`);
    expect(existsSync(target)).toBe(false);
  });
});

describe("footfall backup's progress", () => {
  it("says what it copies and how big it is about to be, then when it checks the copy", async () => {
    const src = join(dir, "progress-data");
    mkdirSync(src);
    const db = new Database(join(src, "footfall.db"));
    db.exec("CREATE TABLE events (id TEXT); CREATE TABLE stores (id TEXT); INSERT INTO stores VALUES ('s1'); INSERT INTO events VALUES ('e1')");
    db.close();
    const lines: string[] = [];
    const target = join(dir, "progress.db");
    const report = await backupDatabase(src, target, { progress: (line) => lines.push(line) });
    expect(report).toMatchObject({ events: 1, stores: 1 });
    expect(lines[0]).toBe(`backing up ${join(src, "footfall.db")} (about 0.0 MB) to ${target}`);
    // Lines of how much is written come every 5 s while it copies: none for a file this small, only the check after.
    expect(lines.at(-1)).toMatch(/^written \(0\.0 MB\); checking the copy$/);
    for (const line of lines.slice(1, -1)) expect(line).toMatch(/^\d+\.\d MB of about \d+\.\d MB written$/);
  });
});

describe("footfall restore's progress", () => {
  it("says when it checks the backup, with its size, and when it copies it in", async () => {
    const src = join(dir, "restore-progress-data");
    mkdirSync(src);
    const db = new Database(join(src, "footfall.db"));
    db.exec("CREATE TABLE events (id TEXT); CREATE TABLE stores (id TEXT); INSERT INTO stores VALUES ('s1')");
    db.close();
    const backup = join(dir, "restore-progress.db");
    await backupDatabase(src, backup);
    const lines: string[] = [];
    const target = join(dir, "restore-progress-target");
    restoreDatabase(target, backup, (line) => lines.push(line));
    expect(lines).toEqual([`checking the backup ${backup} (0.0 MB)`, `copying it into ${target}`]);
  });
});

describe("footfall backup onto the data folder's own files", () => {
  const live = join(dir, "live-data");
  beforeAll(() => {
    mkdirSync(live);
    const db = new Database(join(live, "footfall.db"));
    db.pragma("journal_mode = WAL");
    db.exec("CREATE TABLE events (id TEXT); CREATE TABLE stores (id TEXT); INSERT INTO stores VALUES ('s1'); INSERT INTO events VALUES ('e1'), ('e2')");
    db.close();
  });

  it.each(["footfall.db", "footfall.db-wal", "footfall.lock", "footfall.pid", "footfall.public-url"])("refuses %s even with --force, and leaves the database whole", async (name) => {
    const target = join(live, name);
    await expect(backupDatabase(live, target, { force: true })).rejects.toThrow(
      `${target} is a file the server of ${live} (FOOTFALL_DATA_DIR) uses, not a place for a backup: replacing it would destroy the database. Give the backup a new file name, best outside the data folder (on another disk)`,
    );
    const db = new Database(join(live, "footfall.db"), { readonly: true });
    expect(db.prepare("SELECT COUNT(*) AS n FROM events").get()).toEqual({ n: 2 });
    db.close();
    expect(existsSync(`${target}.partial`)).toBe(false);
  });

  it("refuses the database by another path to it (a link)", async () => {
    const link = join(dir, "link-to-live.db");
    symlinkSync(join(live, "footfall.db"), link);
    await expect(backupDatabase(live, link, { force: true })).rejects.toThrow(/is a file the server of .* uses, not a place for a backup/);
  });

  it("says at once that a folder is no file name, rather than copying and failing with EISDIR", async () => {
    const folder = join(dir, "backups");
    mkdirSync(folder);
    await expect(backupDatabase(live, folder, { force: true })).rejects.toThrow(new RegExp(`^${folder} is a folder: give the backup's file name in it, e\\.g\\. ${folder}/footfall-\\d{4}-\\d\\d-\\d\\d\\.db$`));
    expect(existsSync(`${folder}.partial`)).toBe(false);
  });
});

describe("footfall backup stopped (Ctrl-C)", () => {
  it("removes its partial copy and writes no backup", async () => {
    const src = join(dir, "stop-data");
    mkdirSync(src);
    const db = new Database(join(src, "footfall.db"));
    db.exec("CREATE TABLE events (id TEXT); CREATE TABLE stores (id TEXT); INSERT INTO stores VALUES ('s1')");
    db.close();
    const target = join(dir, "stopped.db");
    const stop = new AbortController();
    // Stopped as it starts copying (its first line is said just before; a stop in the middle is the same path, by hand:
    // SIGINT to the CLI 1 s into a 0.27 GB copy).
    await expect(backupDatabase(src, target, { signal: stop.signal, progress: () => stop.abort() })).rejects.toThrow(
      `backup to ${target} stopped before it was complete: nothing was written there (the partial copy is removed)`,
    );
    expect(existsSync(`${target}.partial`)).toBe(false);
    expect(existsSync(target)).toBe(false);
  });
});

describe("footfall restore of a backup it refuses, into a folder that did not exist", () => {
  it.each([
    ["a file that is no database", (path: string) => writeFileSync(path, "not a database")],
    ["a backup from a newer Footfall", (path: string) => {
      const db = new Database(path);
      db.exec("CREATE TABLE events (id TEXT); CREATE TABLE stores (id TEXT)");
      db.pragma("user_version = 9999");
      db.close();
    }],
  ])("leaves no folder behind for %s", (_what, make) => {
    const backup = join(dir, `refused-${readdirSync(dir).length}.db`);
    make(backup);
    const outer = join(dir, `never-made-${readdirSync(dir).length}`);
    expect(() => restoreDatabase(join(outer, "data"), backup)).toThrow(/cannot be read as a Footfall database|was written by a newer Footfall \(schema 9999/);
    expect(existsSync(outer)).toBe(false);
  });
});

describe("footfall backup and the address a server's digests link to", () => {
  it("is not carried: the server that starts on the restored folder notes its own, which `footfall digest` reads", async () => {
    const src = join(dir, "address-data");
    mkdirSync(src);
    const db = new Database(join(src, "footfall.db"));
    db.exec("CREATE TABLE events (id TEXT); CREATE TABLE stores (id TEXT); INSERT INTO stores VALUES ('s1')");
    db.close();
    // A server on the folder, as footfall serve claims it: its note beside its pid while it runs.
    const release = claimDataDir(src, "http://old-host:8080/");
    expect(runningServerPublicUrl(src)).toBe("http://old-host:8080/");
    const backup = join(dir, "address-backup.db");
    await backupDatabase(src, backup);
    release();
    // Restored on another machine, where the server has another address: that server's is the one read, not the old one.
    const target = join(dir, "address-restored");
    restoreDatabase(target, backup);
    expect(readdirSync(target).filter((f) => f.startsWith("footfall.") && f !== "footfall.db" && f !== "footfall.lock")).toEqual([]);
    expect(runningServerPublicUrl(target)).toBeNull();
    const started = claimDataDir(target, "https://footfall.example.com/");
    try {
      expect(runningServerPublicUrl(target)).toBe("https://footfall.example.com/");
    } finally {
      started();
    }
    expect(existsSync(join(target, "footfall.public-url"))).toBe(false);
  });
});
