/**
 * The vitest projects (vitest.config.ts) as vitest itself resolves them: every test file in exactly
 * one project, and the unit project -- the inner loop -- free of brokers, database servers, browsers
 * and child processes, so `npm run test:unit` stays quick and needs no system tool; and no test skips.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { createVitest } from "vitest/node";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** What marks a test as more than a unit test, with the reason the check gives. */
const NOT_UNIT: Array<[RegExp, string]> = [
  [
    /support\/(postgres|mosquitto|server-process|tools|child|cli|chain|chain-alerts|silent-relay)(\.js)?["']/,
    "a test helper that starts a server, a broker or a system tool",
  ],
  [/from ["'](aedes|mqtt|pg|playwright-core)["']/, "a broker, an MQTT client, PostgreSQL or a browser"],
  // Node itself (process.execPath) may run a one-line script; anything else is a process to start.
  [/(?<![.\w])(spawn|spawnSync|execFile|execFileSync|exec|execSync|fork)\(\s*(?!process\.execPath)/, "a child process"],
];

let byProject: Map<string, string[]>;

beforeAll(async () => {
  const vitest = await createVitest("test", { root: ROOT, watch: false, run: true }, {}, {});
  try {
    byProject = new Map();
    for (const spec of await vitest.globTestSpecifications()) {
      const file = relative(ROOT, spec.moduleId);
      byProject.set(file, [...(byProject.get(file) ?? []), spec.project.name]);
    }
  } finally {
    await vitest.close();
  }
});

describe("vitest projects", () => {
  it("put every test file in exactly one of unit, integration, e2e and browser", () => {
    const notOne = [...byProject].filter(([, projects]) => projects.length !== 1);
    expect(notOne).toEqual([]);
    const names = new Set([...byProject.values()].flat());
    expect([...names].sort()).toEqual(["browser", "e2e", "integration", "unit"]);
  });

  it("keep processes, brokers and video out of the unit project", () => {
    const offenders: string[] = [];
    for (const [file, [project]] of byProject) {
      if (project !== "unit") continue;
      const text = readFileSync(`${ROOT}/${file}`, "utf8");
      for (const [pattern, why] of NOT_UNIT) if (pattern.test(text)) offenders.push(`${file}: ${why} (name it *.integration.test.ts or *.e2e.test.ts)`);
    }
    expect(offenders).toEqual([]);
  });

  it("skip nothing: a missing system tool fails with its install command (test/support/tools.ts requireTool)", () => {
    const skipping = [...byProject.keys()].filter((file) => /\.(skip|skipIf|runIf|todo)\(/.test(readFileSync(`${ROOT}/${file}`, "utf8")));
    expect(skipping).toEqual([]);
  });

  it("classify the known slow suites out of unit", () => {
    expect(byProject.get("test/e2e/crash.test.ts")).toEqual(["e2e"]);
    expect(byProject.get("models/src/detector.test.ts")).toEqual(["e2e"]);
    expect(byProject.get("test/browser/live.test.ts")).toEqual(["browser"]);
    expect(byProject.get("server/src/storage-pg/pg.test.ts")).toEqual(["integration"]);
    expect(byProject.get("edge/src/agent.integration.test.ts")).toEqual(["integration"]);
    expect(byProject.get("core/src/domain/visits.test.ts")).toEqual(["unit"]);
  });
});
