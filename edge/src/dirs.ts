import { existsSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * `mkdir -p`, one level at a time. Node's `mkdirSync(dir, { recursive: true })` loops for ever, at a full core and
 * without a word, where mkdir fails with ENOENT under a parent that exists (/proc, /sys): an agent given such a
 * folder (a mistyped FOOTFALL_EDGE_DATA_DIR) hung at its start. Here the first level that cannot be made throws.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(d)) break;
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
}
