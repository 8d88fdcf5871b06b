// The workspaces' build output (core/dist, models/dist, server/dist ...) for a benchmark script: each
// file checked first, then imported, so that a script run before `npx tsc -b` says what to do
// (exit 2) instead of failing on a missing module.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The absolute path of `p`, relative to the repository's root (e.g. `core/dist/index.js`). */
export const dist = (p) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

/** Imports each of `paths` (relative to the root), in order, once all exist; else says which is missing and exits 2. */
export async function loadBuilt(...paths) {
  for (const p of paths) {
    if (!existsSync(dist(p))) {
      console.error(`${dist(p)} is missing: build first with \`npx tsc -b\``);
      process.exit(2);
    }
  }
  return Promise.all(paths.map((p) => import(dist(p))));
}
