/**
 * Conventions the compiler cannot see (../shared/CONVENTIONS.md): every MQTT topic is built by
 * core's `topics` builders (core/src/protocol/topics.ts), never concatenated elsewhere; the Node
 * packages' files are named in kebab-case (the UI keeps React's PascalCase components and useThing hooks).
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import ts from "typescript";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- a plain .mjs of the benchmarks, without types
import { leadingComment } from "./bench/help.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function sources(dir: string, tests = false): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" || e.name === "dist" ? [] : sources(path, tests);
    return /\.(ts|tsx)$/.test(e.name) && (tests || !/\.test\.tsx?$/.test(e.name)) ? [path] : [];
  });
}
/** The code of a file without its comments (good enough for a search: no comment markers in strings). */
const code = (file: string) =>
  readFileSync(file, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`])\/\/.*$/gm, "$1");

describe("MQTT topics", () => {
  it("are written out only in core/src/protocol/topics.ts", () => {
    const files = ["core", "edge", "server", "models", "floorplan-ui"].flatMap((p) => sources(join(ROOT, p, "src")));
    expect(files.length).toBeGreaterThan(100);
    const byHand = files.filter((f) => !f.endsWith(join("core", "src", "protocol", "topics.ts")) && /footfall\/v\d/.test(code(f))).map((f) => relative(ROOT, f));
    expect(byHand).toEqual([]);
  });
});

describe("file names", () => {
  it("are kebab-case in core, edge, server and models", () => {
    const files = ["core", "edge", "server", "models"].flatMap((p) => sources(join(ROOT, p, "src"), true)).map((f) => relative(ROOT, f));
    expect(files.filter((f) => !/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+)*\.ts$/.test(f.split("/").at(-1)!))).toEqual([]);
  });
});

describe("production builds", () => {
  // What `tsc -b` compiles into a package's dist/ (and npm start runs): a test helper in there pulls vitest,
  // a devDependency, into the product. Test-only helpers must be in the package's tsconfig exclude.
  it.each(["core", "edge", "server", "models"])("of %s leave out every file that imports vitest", (pkg) => {
    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, pkg, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
    const built = config?.fileNames ?? [];
    expect(built.length).toBeGreaterThan(10);
    expect(built.filter((f) => /from "vitest"/.test(code(f))).map((f) => relative(ROOT, f))).toEqual([]);
  });
});

describe("benchmark scripts", () => {
  // Modules the scripts import, not scripts of their own.
  const MODULES = new Set(["beacon-sim.mjs", "built.mjs", "calendar.mjs", "forecast-data.mjs", "help.mjs", "proc.mjs"]);
  const benchDir = join(ROOT, "test", "bench");
  const scripts = readdirSync(benchDir).filter((f) => f.endsWith(".mjs") && !MODULES.has(f));

  it.each(scripts)("%s answers --help with what it measures, and starts nothing", (file) => {
    const run = spawnSync(process.execPath, [join(benchDir, file), "--help"], { encoding: "utf8", timeout: 30_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Usage: /);
    // More than the usage line: the script's own description.
    expect(run.stdout.split("\n").filter((l) => l.trim()).length).toBeGreaterThan(1);
  });

  it("take the description from a script's leading comment, after a shebang and a lint directive", () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[^\n]*$/), { minLength: 1, maxLength: 6 }), fc.boolean(), fc.boolean(), (lines, shebang, directive) => {
        const head = [...(shebang ? ["#!/usr/bin/env node"] : []), ...(directive ? ["/* global window */"] : [])];
        const source = [...head, ...lines.map((l) => `// ${l}`), "import x from 'y';", "// later"].join("\n");
        expect(leadingComment(source)).toBe(lines.join("\n").trim());
        // A block comment's line cannot hold "*/" (JavaScript ends the comment there too): such a line is written "* /".
        const inBlock = lines.map((l) => l.replaceAll("*/", "* /"));
        const block = [...head, "/**", ...inBlock.map((l) => ` * ${l}`), " */", "import x from 'y';"].join("\n");
        expect(leadingComment(block)).toBe(inBlock.join("\n").trim());
      }),
    );
  });
});
