import Database from "better-sqlite3";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupDatabase, restoreDatabase } from "./backup.js";

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
  it("names a folder that does not exist and how to make it (not a full disk)", () => {
    const folder = join(dir, "no-such-folder");
    expect(() => backupDatabase(data, join(folder, "backup.db"))).toThrow(`no folder ${folder} to write the backup into: create it first (mkdir -p ${folder}) or choose another path`);
  });

  it("says when the folder in the path is a file", () => {
    expect(() => backupDatabase(data, join(file, "backup.db"))).toThrow(`${file} is a file, not a folder: choose a path in a folder for the backup`);
  });
});

describe("footfall backup and restore's report", () => {
  it("gives the time taken in seconds to the millisecond, not to 17 digits", () => {
    const src = join(dir, "report-data");
    mkdirSync(src);
    const db = new Database(join(src, "footfall.db"));
    db.exec("CREATE TABLE events (id TEXT); CREATE TABLE stores (id TEXT); INSERT INTO stores VALUES ('s1'); INSERT INTO events VALUES ('e1'), ('e2')");
    db.close();
    const backup = backupDatabase(src, join(dir, "report.db"));
    expect(backup).toMatchObject({ events: 2, stores: 1 });
    const restored = restoreDatabase(join(dir, "report-restored"), join(dir, "report.db"));
    expect(restored).toMatchObject({ events: 2, stores: 1, previous: null });
    for (const seconds of [backup.seconds, restored.seconds]) expect(JSON.stringify(seconds)).toMatch(/^\d+(\.\d{1,3})?$/);
  });
});
