// `--help` (or `-h`) for a benchmark script: imported first by the script for its effect, prints the
// script's own leading comment (what it measures, its environment variables) and exits 0 before the
// script starts anything. One source of truth: the comment the script already carries.
import { readFileSync } from "node:fs";
import { basename } from "node:path";

/** The first comment of a script's source: its `//` lines or its `/** ... *\/` block, after a shebang. */
export function leadingComment(source) {
  const lines = source.split("\n");
  let i = lines[0]?.startsWith("#!") ? 1 : 0;
  // Skip a lint directive (`/* global ... */` on one line) before the comment.
  while (/^\s*\/\*.*\*\/\s*$/.test(lines[i] ?? "")) i++;
  const out = [];
  if (lines[i]?.trimStart().startsWith("/*")) {
    for (; i < lines.length; i++) {
      const end = lines[i].includes("*/");
      const text = lines[i].replace(/^\s*\/\*+\s?/, "").replace(/\s*\*+\/\s*$/, "").replace(/^\s*\*\s?/, "");
      out.push(text);
      if (end) break;
    }
  } else {
    for (; i < lines.length && lines[i].startsWith("//"); i++) out.push(lines[i].replace(/^\/\/ ?/, ""));
  }
  return out.join("\n").trim();
}

const script = process.argv[1];
if (script && (process.argv.includes("--help") || process.argv.includes("-h"))) {
  const text = leadingComment(readFileSync(script, "utf8"));
  process.stdout.write(`Usage: [env] node test/bench/${basename(script)}\n\n${text || "(no description)"}\n`);
  process.exit(0);
}
