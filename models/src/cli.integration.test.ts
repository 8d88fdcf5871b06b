import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

/** The built `footfall-models` CLI (models/bin, run by `npx footfall-models` from the checkout), as a user runs it. */
const BIN = fileURLToPath(new URL("../bin/footfall-models.js", import.meta.url));
const run = promisify(execFile);

async function footfallModels(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

describe("footfall-models --help", () => {
  it("answers eval --help with what eval measures and its options, on stdout, exit 0, without running the detector", async () => {
    const r = await footfallModels("eval", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("usage: footfall-models eval");
    expect(r.stdout).toContain("precision and recall");
    for (const option of ["--labels", "--video", "--workers", "--roi", "--backend", "--json"]) expect(r.stdout).toContain(option);
    expect(r.stderr).toBe("");
  });

  it("answers -h after eval the same way", async () => {
    const r = await footfallModels("eval", "-h");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("usage: footfall-models eval");
  });

  it("answers --help with the usage on stdout, exit 0", async () => {
    const r = await footfallModels("--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("usage: footfall-models eval");
  });

  it("refuses an unknown command with exit 2, naming it", async () => {
    const r = await footfallModels("evaluate");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "evaluate"');
  });
});
