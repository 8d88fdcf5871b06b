import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupDatabase, claimDataDir, restoreDatabase, runningServerPid } from "./backup.js";

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

describe("a server's claim on its data folder (footfall.pid)", () => {
  const folder = join(dir, "claimed");
  const pidFile = join(folder, "footfall.pid");
  /** A live process (`node -e` or `sleep`) to hold the folder, ended after `fn`. */
  async function withProcess(cmd: string, args: string[], fn: (pid: number) => void, readyWhenItWrites = false) {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "ignore"] });
    await new Promise((r) => (readyWhenItWrites ? child.stdout.once("data", r) : child.once("spawn", r)));
    try {
      fn(child.pid!);
    } finally {
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    }
  }
  beforeAll(() => {
    mkdirSync(folder);
    writeFileSync(join(folder, "footfall.db"), "");
  });

  it("is refused while another server (a live process with the folder's database open) holds the folder, and leaves its note as it was", async () => {
    const holdsDatabase = `require("node:fs").openSync(process.argv[1], "r"); process.stdout.write("open"); setTimeout(() => {}, 60000)`;
    await withProcess(process.execPath, ["-e", holdsDatabase, join(folder, "footfall.db")], (pid) => {
      writeFileSync(pidFile, `${pid}\n`);
      expect(() => claimDataDir(folder)).toThrow(
        `a Footfall server (pid ${pid}) is already running on ${folder} (FOOTFALL_DATA_DIR): stop it first, or give this one another folder; if no server runs there, delete ${pidFile}`,
      );
      expect(readFileSync(pidFile, "utf8")).toBe(`${pid}\n`);
      expect(runningServerPid(folder)).toBe(pid);
    }, true);
  });

  it("takes over a note left by a server that died, by this process, or whose pid another program now has", async () => {
    const dead = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    await new Promise((r) => dead.once("exit", r));
    for (const pid of [dead.pid!, process.pid]) {
      writeFileSync(pidFile, `${pid}\n`);
      const release = claimDataDir(folder);
      expect(readFileSync(pidFile, "utf8")).toBe(`${process.pid}\n`);
      release();
    }
    // After a reboot the pid may belong to a daemon, another Node.js program, or a Footfall server on another folder.
    for (const [cmd, args] of [
      ["sleep", ["60"]],
      [process.execPath, ["-e", "setTimeout(() => {}, 60000)", "/srv/other-app/index.js"]],
      [process.execPath, ["-e", "setTimeout(() => {}, 60000)", "/usr/local/bin/footfall", "serve"]],
    ] as const) {
      await withProcess(cmd, [...args], (pid) => {
        writeFileSync(pidFile, `${pid}\n`);
        const release = claimDataDir(folder);
        expect(readFileSync(pidFile, "utf8")).toBe(`${process.pid}\n`);
        release();
      });
    }
  });
});
