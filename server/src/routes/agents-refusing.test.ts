/**
 * An agent whose source refuses a growing share of what it reads (a door counter whose lines no
 * pattern fits, a sensor pushing with an old secret) needs attention like a stalled one: core's
 * "refusing", from its last status's `recentRead` and `recentRefused` (its last 10 minutes). Before,
 * its refusals were only a count since it started under the Rejects column: no list, badge or CLI
 * flagged it. Real SQLite, in-process server.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { AGENT_PROBLEM_WORDS, refusingDetail } from "@footfall/core";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { agentList } from "../agent-list-format.js";

const T0 = Date.UTC(2026, 11, 6, 15, 0, 0);
const online = (metrics: Record<string, number>) => ({ state: "online" as const, ts: T0 - 5_000, kind: "door" as const, version: "1.6.0", queued: 0, sourceRestarts: 0, sourceDownMs: 0, ...metrics });

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are read field by field
type Row = any;

const t = useTestServer({ now: () => T0 });
beforeAll(async () => {
  await t.putLayout("lyon", smallLayout({ name: "Lyon", validFrom: T0 - 86_400_000 }));
  const { agents } = t.server.services.storage;
  const add = async (agent: string, metrics: Record<string, number>) => {
    await agents.add("lyon", agent, "door", T0 - 3_600_000);
    await agents.recordStatus("lyon", agent, online(metrics), T0 - 5_000);
  };
  // A wrong baud rate: 120 of its last 324 lines unreadable.
  await add("door-garbled", { "agentRejects.unreadable_line": 4_000, recentRead: 324, recentRefused: 120 });
  // A stray garbled line now and then: a small share.
  await add("door-stray", { "agentRejects.unreadable_line": 3, recentRead: 300, recentRefused: 2 });
  // Thousands refused on the day it was installed, none lately: fixed.
  await add("door-fixed", { "agentRejects.unreadable_line": 5_000, recentRead: 280, recentRefused: 0 });
  // An agent older than the rule: it says its count since start only.
  await add("door-old", { "agentRejects.unreadable_line": 5_000 });
});

const byAgent = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.agent, r]));

describe("an agent refusing a growing share of its input", () => {
  it("is listed by GET /api/v1/agents?problems=1 as 'refusing', and no other", async () => {
    const res = await t.get("/api/v1/agents?problems=1");
    expect(res.status, res.text).toBe(200);
    expect(res.body.agents.map((r: Row) => [r.agent, r.problems])).toEqual([["door-garbled", ["refusing"]]]);
    expect(res.body).toMatchObject({ total: 1, problems: 1, agentsSeen: 4 });
  });

  it("is flagged in the store's list with what its status said, so every screen says the same words", async () => {
    const rows = byAgent((await t.get("/api/v1/stores/lyon/agents")).body.agents);
    expect(rows["door-garbled"]).toMatchObject({ problems: ["refusing"], recentInput: { read: 324, refused: 120 }, agentRejects: { unreadable_line: 4_000 } });
    expect(`${AGENT_PROBLEM_WORDS.refusing}: ${refusingDetail(rows["door-garbled"])}`).toBe("refusing input: 37% of what it read in the last 10 min (120 of 324)");
    for (const a of ["door-stray", "door-fixed", "door-old"]) expect(rows[a].problems, a).toEqual([]);
    expect(rows["door-old"].recentInput).toBeNull();
  });

  it("is counted in the chain overview's agents needing attention and by footfall agent list", async () => {
    const overview = await t.get(`/api/v1/overview?from=${T0 - 86_400_000}&to=${T0}`);
    expect(overview.status, overview.text).toBe(200);
    const lyon = overview.body.stores.find((s: Row) => s.id === "lyon");
    expect(lyon.agents.problems).toBe(1);
    const list = agentList(await t.server.services.storage.agents.listAll(), {}, 30_000, T0);
    expect(list.filter((e) => e.problems.length > 0).map((e) => [e.agent, e.problems])).toEqual([["door-garbled", ["refusing"]]]);
  });
});
