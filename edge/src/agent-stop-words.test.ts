import { describe, expect, it } from "vitest";
import { Agent } from "./agent.js";
import { validateConfig, type AgentConfig } from "./config.js";
import { createLogger } from "./log.js";
import type { EventDraft, Source } from "./source.js";

const NOW = Date.UTC(2026, 11, 5, 12, 0, 0);

function config(): AgentConfig<unknown> {
  // No broker listens there: the events stay in the in-memory outbox.
  const r = validateConfig({ store: "s1", agent: "a1", mqtt: { url: "mqtt://127.0.0.1:9" }, shutdownTimeoutMs: 100 }, "sim", {}, (s) => ({ value: s, problems: [] }));
  if (!r.ok) throw new Error(r.problems.join("; "));
  return r.config;
}

/** A source that emits two events at its start. */
const two: Source<unknown> = {
  start: async (ctx) => {
    for (const visitor of ["v1", "v2"]) ctx.emit({ type: "enter", zone: "fruit", visitor, ts: NOW } as EventDraft);
  },
  stop: async () => {},
};

async function stopLines(unsettledAtStop?: string): Promise<string[]> {
  const lines: string[] = [];
  const agent = new Agent({ config: config(), source: two, log: createLogger({ level: "info", write: (l) => lines.push(l) }), now: () => NOW, ...(unsettledAtStop ? { unsettledAtStop } : {}) });
  await agent.start();
  await new Promise((r) => setTimeout(r, 200));
  expect(agent.queued()).toBe(2);
  await agent.stop();
  return lines;
}

describe("an agent with an in-memory outbox, stopped with events not settled", () => {
  it("warns that they are lost", async () => {
    const lines = await stopLines();
    expect(lines.some((l) => /WARN/.test(l) && l.includes("they are lost"))).toBe(true);
  });

  it("says what becomes of them instead, at info level, when its runner makes them again (unsettledAtStop: the demo's back-fill)", async () => {
    const lines = await stopLines("not lost: the next start back-fills them");
    expect(lines.some((l) => l.includes("they are lost"))).toBe(false);
    expect(lines.some((l) => /INFO/.test(l) && l.includes("stopped with events not yet settled: not lost: the next start back-fills them"))).toBe(true);
  });
});
