import { readFileSync } from "node:fs";

/** This package's version (from edge/package.json, found from both src/ and dist/). */
export function edgeVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}
