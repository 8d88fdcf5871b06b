import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Agent } from "./agent.js";
import { validateConfig, type AgentConfig } from "./config.js";
import { silentLogger } from "./log.js";
import type { Source } from "./source.js";

const idle: Source<unknown> = { start: async () => {}, stop: async () => {} };
let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function config(extra: Record<string, unknown>): AgentConfig<unknown> {
  const r = validateConfig({ store: "s1", agent: "a1", ...extra }, "sim", {}, (s) => ({ value: s, problems: [] }));
  if (!r.ok) throw new Error(r.problems.join("; "));
  return r.config;
}
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), "agent-durable-"));
  dirs.push(d);
  return d;
};

describe("the agent's outbox choice", () => {
  it("uses the durable outbox when a data folder is configured, and reports it in the status", async () => {
    const agent = new Agent({ config: config({ dataDir: dataDir() }), source: idle, log: silentLogger });
    expect(agent.status("online")).toMatchObject({ outbox: "durable", queued: 0, oldestQueuedTs: null, oldestQueuedAgeMs: 0, outboxDropped: 0 });
    await agent.stop();
  });

  it("keeps events in memory without a data folder", async () => {
    const agent = new Agent({ config: config({}), source: idle, log: silentLogger });
    expect(agent.status("online")).toMatchObject({ outbox: "memory" });
    await agent.stop();
  });

  it("never repeats a boot id, even when the clock was set back between two runs", async () => {
    const dir = dataDir();
    const t = Date.UTC(2026, 5, 1);
    const first = new Agent({ config: config({ dataDir: dir }), source: idle, log: silentLogger, now: () => t });
    const firstBoot = first.ids.bootId;
    await first.stop();
    const second = new Agent({ config: config({ dataDir: dir }), source: idle, log: silentLogger, now: () => t - 3_600_000 });
    expect(second.ids.bootId > firstBoot).toBe(true);
    expect(second.ids.next()).toMatch(new RegExp(`^a1:${second.ids.bootId}:000000000$`));
    await second.stop();
  });
});
