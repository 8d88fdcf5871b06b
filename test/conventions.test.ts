/**
 * Conventions the compiler cannot see (../shared/CONVENTIONS.md): every MQTT topic is built by
 * core's `topics` builders (core/src/protocol/topics.ts), never concatenated elsewhere; the Node
 * packages' files are named in kebab-case (the UI keeps React's PascalCase components and useThing hooks).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

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
