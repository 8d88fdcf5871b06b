/**
 * An agent's data folder as IT meets it: one that cannot be made where the system holds none (/proc: a mistyped
 * FOOTFALL_EDGE_DATA_DIR), and a disk that fills while it runs (a small SD card). The built agent and a real
 * tmpfs in a mount namespace of the child's own (`unshare -rm`), as test/e2e/operator.test.ts does for the server.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { requireTool } from "../../test/support/tools.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const OUTBOX = fileURLToPath(new URL("../dist/outbox-sqlite.js", import.meta.url));

/** Runs a command to its end, killed after `guardMs` (a hang guard: then `code` is null). */
function runGuarded(cmd: string, args: string[], env: NodeJS.ProcessEnv, guardMs = 20_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const guard = setTimeout(() => child.kill("SIGKILL"), guardMs);
    child.on("exit", (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("an agent's data folder", () => {
  const dir = mkdtempSync(join(tmpdir(), "footfall-edge-disk-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("that cannot be made where the system holds no folders (/proc) is refused at start with what to do, instead of hanging", async () => {
    const config = join(dir, "door.json");
    const dataDir = "/proc/footfall-edge-test/door-1";
    writeFileSync(config, JSON.stringify({ store: "shop", agent: "door-1", mqtt: { url: "mqtt://127.0.0.1:19599" }, dataDir, settings: { zone: "entrance", input: "http", http: { port: 0, secret: "0123456789abcdef" } } }));
    const r = await runGuarded(process.execPath, [CLI, "door", "--config", config], {});
    // Old agent: Node's recursive mkdir looped for ever at a full core, nothing said; the guard killed it (code null).
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^footfall-edge: cannot keep the outbox in \/proc\/footfall-edge-test\/door-1\/door-1\.outbox\.sqlite: ENOENT: .*Create its folder .*or point dataDir \(FOOTFALL_EDGE_DATA_DIR\)/);
  }, 30_000);

  it("on a disk that fills says the outbox's disk is full and what to do, not SQLite's bare 'database or disk is full'", async () => {
    const mount = join(dir, "small-disk");
    mkdirSync(mount);
    // Pushes events into a real outbox on a 64 KiB tmpfs until it refuses them, and prints what it said.
    const script = `
      const { SqliteOutbox } = await import(${JSON.stringify(OUTBOX)});
      const outbox = new SqliteOutbox({ path: process.argv[1] + "/door-1.outbox.sqlite", maxEvents: 1_000_000 });
      let seq = 0;
      try {
        for (;;) outbox.push(Array.from({ length: 200 }, () => ({ type: "count", id: "door-1:" + seq++, ts: 1_800_000_000_000, zone: "entrance", in: 1, out: 0, pad: "x".repeat(200) })));
      } catch (err) {
        console.log(JSON.stringify({ message: err.message, code: err.code }));
      }`;
    const unshare = requireTool("unshare");
    const r = await runGuarded(unshare, ["-rm", "--propagation", "private", "sh", "-c", 'mount -t tmpfs -o size=64k tmpfs "$0" && exec "$1" --input-type=module -e "$2" "$0"', mount, process.execPath, script], {});
    expect(r.code, r.stderr).toBe(0);
    const said = JSON.parse(r.stdout.trim()) as { message: string; code: string };
    expect(said.code).toBe("SQLITE_FULL");
    expect(said.message).toBe(
      `the outbox ${mount}/door-1.outbox.sqlite cannot keep the events: its disk is full. Free space on it (or give dataDir, FOOTFALL_EDGE_DATA_DIR, a larger disk); until then what the source reads is not kept`,
    );
  }, 30_000);
});
