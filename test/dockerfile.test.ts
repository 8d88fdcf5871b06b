/**
 * The Dockerfile, read without a Docker engine (none on CI): Node 22 LTS, a build stage with the
 * compilers and a final stage without them, running as an unprivileged user. docker-compose.yml's
 * use of the image is checked by test/e2e/docker-compose.test.ts through `docker-compose config`.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name: string | null;
  body: Instruction[];
}

/** The Dockerfile's stages and their instructions (continuation lines joined, comments dropped). */
function stages(text: string): Stage[] {
  const lines = text.replace(/\\\n/g, " ").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  const out: Stage[] = [];
  for (const line of lines) {
    const [, op = "", args = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === "FROM") {
      const [, from = "", name = null] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      out.push({ from, name, body: [] });
    } else out.at(-1)?.body.push({ op: op.toUpperCase(), args });
  }
  return out;
}

const all = stages(readFileSync(`${ROOT}/Dockerfile`, "utf8"));
const build = all[0]!;
const final = all.at(-1)!;
const runs = (s: Stage) => s.body.filter((i) => i.op === "RUN").map((i) => i.args).join("\n");
const COMPILERS = /\b(g\+\+|gcc|make|python3|build-essential)\b/;

describe("Dockerfile", () => {
  it("builds on Node 22 LTS in two stages of the same Debian image (the compiled addon runs in the second)", () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const s of all) expect(s.from).toBe("node:22-bookworm-slim");
    expect(build.name).toBeTruthy();
  });

  it("compiles in the build stage: compilers, npm ci, the build, dev dependencies pruned", () => {
    expect(runs(build)).toMatch(COMPILERS);
    expect(runs(build)).toMatch(/npm ci\b/);
    expect(runs(build)).toMatch(/npm run build/);
    expect(runs(build)).toMatch(/npm prune --omit=dev/);
  });

  it("ships no compiler: the final stage installs nothing and copies the build stage's result", () => {
    expect(runs(final)).not.toMatch(/apt-get|apk add|npm (ci|install)/);
    expect(runs(final)).not.toMatch(COMPILERS);
    expect(final.body.some((i) => i.op === "COPY" && i.args.startsWith(`--from=${build.name} `))).toBe(true);
  });

  it("runs `footfall serve` as an unprivileged user", () => {
    const users = final.body.filter((i) => i.op === "USER").map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    const lastUser = final.body.map((i) => i.op).lastIndexOf("USER");
    expect(final.body.slice(lastUser).some((i) => i.op === "RUN")).toBe(false);
    expect(final.body.find((i) => i.op === "CMD")?.args).toBe('["footfall", "serve"]');
  });

  it("keeps Node 20 supported outside the image (package.json engines)", () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}/package.json`, "utf8")) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(">=20");
  });
});
