import { existsSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * `mkdir -p`, one level at a time, each new level made with `mode` (the process umask applies).
 * Node's `mkdirSync(dir, { recursive: true })` loops for ever, at a full core and without a word,
 * where mkdir fails with ENOENT under a parent that exists (/proc, /sys): an agent or server given
 * such a folder (a mistyped FOOTFALL_EDGE_DATA_DIR or FOOTFALL_DATA_DIR) hung at its start. Here the
 * first level that cannot be made throws.
 */
export function makeDirs(dir: string, mode = 0o777): void {
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(d)) break;
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d, { mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
}
