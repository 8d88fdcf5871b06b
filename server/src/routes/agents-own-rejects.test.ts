/**
 * What an agent refused itself (garbled serial lines, refused pushes, sightings it cannot use, events
 * it would not send) is in its status as `agentRejects.<reason>` (core AGENT_REJECTS): the agents
 * lists carry it as `agentRejects`, beside the server's own rejects, so that IT sees both in one
 * place. Absurd counts read as not said, as the other metrics do. Real SQLite, in-process server.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const T0 = Date.UTC(2026, 10, 20, 15, 0, 0);
const status = (extra: Record<string, unknown>) => ({ state: "online" as const, ts: T0 - 5_000, kind: "door" as const, version: "1.4.0", ...extra });

const t = useTestServer({ now: () => T0 });
beforeAll(async () => {
  await t.putLayout("shop", smallLayout({ validFrom: T0 - 86_400_000 }));
  const { agents } = t.server.services.storage;
  for (const a of ["door-1", "door-clean", "door-old", "door-absurd"]) await agents.add("shop", a, "door", T0 - 3_600_000);
  await agents.recordStatus("shop", "door-1", status({ "agentRejects.unreadable_line": 12, "agentRejects.over_limit": 1, "agentRejects.refused_push": 0, "agentRejects.outbox_full": 0 }), T0 - 5_000);
  await agents.recordStatus("shop", "door-clean", status({ "agentRejects.unreadable_line": 0, "agentRejects.invalid_event": 0 }), T0 - 5_000);
  await agents.recordStatus("shop", "door-old", status({ queued: 0 }), T0 - 5_000);
  await agents.recordStatus("shop", "door-absurd", status({ "agentRejects.unreadable_line": 1e300, "agentRejects.refused_push": -3, "agentRejects.bad_sighting": 2.5, "agentRejects.over_limit": 4, "agentRejects.__proto__": 5, "agentRejects.": 6 }), T0 - 5_000);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are read field by field
const rowsOf = (body: any) => Object.fromEntries((body.agents as any[]).map((a) => [a.agent, a]));

describe("what an agent refused itself", () => {
  it("is in the store's agents list by reason, over 0 only; {} for an agent that refused nothing; null for one that does not say", async () => {
    const res = await t.get("/api/v1/stores/shop/agents");
    expect(res.status, res.text).toBe(200);
    const rows = rowsOf(res.body);
    expect(rows["door-1"].agentRejects).toEqual({ unreadable_line: 12, over_limit: 1 });
    expect(rows["door-clean"].agentRejects).toEqual({});
    expect(rows["door-old"].agentRejects).toBeNull();
    // The server's own rejects are apart: none here.
    expect(rows["door-1"]).toMatchObject({ rejects: 0, rejectReasons: {} });
  });

  it("reads an absurd count as not said and keeps the sane ones beside it", async () => {
    const rows = rowsOf((await t.get("/api/v1/stores/shop/agents")).body);
    expect(rows["door-absurd"].agentRejects).toEqual({ over_limit: 4 });
  });

  it("is in IT's list of every store, the same", async () => {
    const res = await t.get("/api/v1/agents");
    expect(res.status, res.text).toBe(200);
    const all = rowsOf(res.body);
    expect(all["door-1"].agentRejects).toEqual({ unreadable_line: 12, over_limit: 1 });
    expect(all["door-old"].agentRejects).toBeNull();
  });
});
