import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeDirs } from "./dirs.js";

describe("makeDirs", () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("makes every missing level with the mode asked, and leaves an existing folder be", () => {
    root = mkdtempSync(join(tmpdir(), "footfall-dirs-"));
    const deep = join(root, "a", "b", "c");
    makeDirs(deep, 0o700);
    for (const d of [join(root, "a"), join(root, "a", "b"), deep]) expect(statSync(d).mode & 0o777).toBe(0o700);
    expect(() => makeDirs(deep, 0o700)).not.toThrow();
  });

  it("throws at the first level that cannot be made instead of looping (a folder below /proc, a file in the way)", () => {
    root = mkdtempSync(join(tmpdir(), "footfall-dirs-"));
    expect(() => makeDirs("/proc/footfall-no-such/data")).toThrow(/ENOENT/);
    writeFileSync(join(root, "file"), "");
    expect(() => makeDirs(join(root, "file", "data"))).toThrow(/ENOTDIR/);
  });
});
