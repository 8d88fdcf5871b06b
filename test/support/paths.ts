import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The built `footfall` CLI. */
export const FOOTFALL_CLI = fileURLToPath(new URL("../../server/dist/cli.js", import.meta.url));
/** The built `footfall-edge` CLI. */
export const EDGE_CLI = fileURLToPath(new URL("../../edge/dist/cli.js", import.meta.url));

/** Fails with the command to run when a built file is missing (cross-process tests run the dist). */
export function requireBuilt(file: string): string {
  if (!existsSync(file)) throw new Error(`${file} is missing: build first with \`npx tsc -b\` (or \`npm run build\`); \`npm test\` builds before testing.`);
  return file;
}
