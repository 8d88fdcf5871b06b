import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimDataDir, runningServerPid } from "./backup.js";

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
