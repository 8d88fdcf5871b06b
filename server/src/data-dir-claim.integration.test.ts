import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuilt } from "../../test/support/paths.js";
import { claimDataDir, restoreDatabase, runningServerPid } from "./backup.js";
import type { ServerConfig } from "./config.js";
import { createLogger } from "./log.js";
import { startServer } from "./server.js";

// Real processes (a Node.js script holding the database open, sleep) stand for the pid file's holder.
const dir = mkdtempSync(join(tmpdir(), "footfall-claim-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
    await withProcess(
      process.execPath,
      ["-e", holdsDatabase, join(folder, "footfall.db")],
      (pid) => {
        writeFileSync(pidFile, `${pid}\n`);
        expect(() => claimDataDir(folder)).toThrow(
          `a Footfall server (pid ${pid}) is already running on ${folder} (FOOTFALL_DATA_DIR): stop it first, or give this one another folder; if no server runs there, delete ${pidFile}`,
        );
        expect(readFileSync(pidFile, "utf8")).toBe(`${pid}\n`);
        expect(runningServerPid(folder)).toBe(pid);
      },
      true,
    );
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

describe("servers started at the same instant on one folder", () => {
  // Each claimer is a real process running the built claim (as `footfall serve` does after opening the database): it
  // opens the folder's database, says "ready", and on "go" claims the folder and says "won" or "refused: <why>".
  const built = pathToFileURL(requireBuilt(new URL("../dist/backup.js", import.meta.url).pathname)).href;
  const claimer = `
    const { openSync } = await import("node:fs");
    const { claimDataDir } = await import(process.argv[1]);
    openSync(process.argv[2] + "/footfall.db", "r");
    process.stdin.once("data", () => {
      try {
        claimDataDir(process.argv[2]); // what it returns is dropped: the lock must outlive a garbage collection
        globalThis.gc();
        process.stdout.write("won\\n");
      } catch (err) {
        process.stdout.write("refused: " + err.message + "\\n");
      }
    });
    process.stdout.write("ready\\n");
    setInterval(() => {}, 60000);`;

  async function race(folder: string, claimers: number, hold?: (results: string[]) => void | Promise<void>): Promise<string[]> {
    const children = Array.from({ length: claimers }, () =>
      spawn(process.execPath, ["--expose-gc", "--input-type=module", "-e", claimer, built, folder], { stdio: ["pipe", "pipe", "inherit"] }),
    );
    const lines = (child: (typeof children)[number]) => {
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
      return (n: number) =>
        new Promise<string[]>((resolve) => {
          const check = () => {
            const got = out.split("\n").filter(Boolean);
            if (got.length >= n) resolve(got);
            else setTimeout(check, 5);
          };
          check();
        });
    };
    const readers = children.map(lines);
    try {
      await Promise.all(readers.map((read) => read(1)));
      for (const child of children) child.stdin.write("go\n");
      const results = (await Promise.all(readers.map((read) => read(2)))).map((got) => got[1]!);
      await hold?.(results);
      return results;
    } finally {
      // Killed, as by kill -9 or a crash: the next round finds their notes (and whatever lock they held) left behind.
      for (const child of children) child.kill("SIGKILL");
      await Promise.all(children.map((child) => (child.exitCode !== null || child.signalCode !== null ? null : new Promise((r) => child.once("exit", r)))));
    }
  }

  it("lets exactly one of them claim it, every time, and the one left by a killed winner goes to the next", { timeout: 120_000 }, async () => {
    const folder = join(dir, "raced");
    mkdirSync(folder);
    writeFileSync(join(folder, "footfall.db"), "");
    for (let round = 0; round < 6; round++) {
      const results = await race(folder, 4);
      const winners = results.filter((r) => r === "won");
      expect(winners, `round ${round}: ${results.join(" | ")}`).toHaveLength(1);
      for (const r of results.filter((r) => r !== "won"))
        expect(r).toMatch(/^refused: (a Footfall server \(pid \d+\) is already running on|another Footfall server, or footfall restore, is using) /);
    }
  });

  it("holds it against footfall restore too, even after its pid file is deleted, until the server is killed", async () => {
    const folder = join(dir, "held");
    mkdirSync(folder);
    writeFileSync(join(folder, "footfall.db"), "");
    const backup = join(dir, "none.db"); // refused before it is read
    writeFileSync(backup, "");
    await race(folder, 1, (results) => {
      expect(results).toEqual(["won"]);
      expect(existsSync(join(folder, "footfall.lock-journal")), "no journal a kill -9 could leave behind").toBe(false);
      const pid = Number(readFileSync(join(folder, "footfall.pid"), "utf8"));
      expect(() => restoreDatabase(folder, backup)).toThrow(`a Footfall server (pid ${pid}) is running on ${folder}: stop it first, then restore`);
      rmSync(join(folder, "footfall.pid"));
      expect(() => restoreDatabase(folder, backup)).toThrow(`a Footfall server, or another footfall restore, is using ${folder}: stop it first, then restore`);
      expect(() => claimDataDir(folder)).toThrow(
        `another Footfall server, or footfall restore, is using ${folder} (FOOTFALL_DATA_DIR): stop it first, or give this server another folder`,
      );
    });
    // Killed: the OS let go of its lock; the lock file stays (private), and the folder is free.
    expect(statSync(join(folder, "footfall.lock")).mode & 0o777).toBe(0o600);
    claimDataDir(folder)();
    expect(() => restoreDatabase(folder, backup)).toThrow(/cannot be read as a Footfall database|is not a Footfall database/);
  });
});

describe("a server started on a folder another process holds", () => {
  it("is refused before it opens (or makes, or migrates) the database", async () => {
    const folder = join(dir, "restoring");
    mkdirSync(folder);
    const hold = claimDataDir(folder); // as footfall restore, or another server, holds it
    rmSync(join(folder, "footfall.pid")); // restore writes none
    try {
      const config: ServerConfig = {
        ...{ httpPort: 0, httpHost: "127.0.0.1", mqttPort: 0, mqttHost: "127.0.0.1", mqttUrl: null, mqttUsername: undefined, mqttPassword: undefined },
        ...{ dataDir: folder, visitTimeoutMs: 1_800_000, maxAgeMs: 7 * 86_400_000 },
      };
      await expect(startServer(config, { log: createLogger("silent"), uiDir: null })).rejects.toThrow(
        `another Footfall server, or footfall restore, is using ${folder} (FOOTFALL_DATA_DIR)`,
      );
      expect(existsSync(join(folder, "footfall.db"))).toBe(false);
    } finally {
      hold();
    }
  });
});
