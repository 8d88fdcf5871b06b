/**
 * GET /api/v1/agents?problems=1 and GET /stores/:store/agents flag an agent whose process is alive and
 * sends its statuses but whose source has stalled (core's "stalled": a camera without a frame for a
 * minute, a source failing and restarting for a minute), from the metrics of its last status, on a
 * real SQLite (in-process server). An agent whose status says nothing of its input is never flagged.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { AGENT_PROBLEM_WORDS, stalledDetail } from "@footfall/core";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const T0 = Date.UTC(2026, 11, 5, 15, 0, 0);
const online = (kind: "camera" | "door" | "sim", metrics: Record<string, number | string>) => ({
  state: "online" as const,
  ts: T0 - 5_000,
  kind,
  version: "1.5.0",
  queued: 0,
  ...metrics,
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are read field by field
type Row = any;

const t = useTestServer({ now: () => T0 });
beforeAll(async () => {
  await t.putLayout("lyon", smallLayout({ name: "Lyon", validFrom: T0 - 86_400_000 }));
  const { agents } = t.server.services.storage;
  const add = async (agent: string, kind: "camera" | "door" | "sim", metrics: Record<string, number | string>) => {
    await agents.add("lyon", agent, kind, T0 - 3_600_000);
    // Heard live 5 s ago: not silent, its process is alive.
    await agents.recordStatus("lyon", agent, online(kind, metrics), T0 - 5_000);
  };
  // Its ffmpeg gives no frame any more: the last one 3 min before its status.
  await add("cam-stalled", "camera", { sourceRestarts: 0, sourceDownMs: 0, inputUnit: "frame", inputAgeMs: 180_000 });
  // Frames coming.
  await add("cam-ok", "camera", { sourceRestarts: 0, sourceDownMs: 0, inputUnit: "frame", inputAgeMs: 40 });
  // An agent older than the rule: nothing said of its input, never flagged.
  await add("cam-old", "camera", { sourceRestarts: 0 });
  // A door counter whose serial link fails and restarts for 2 min.
  await add("door-down", "door", { sourceRestarts: 5, sourceDownMs: 120_000 });
  // A door counter quiet at night: its link runs (no input reported: a quiet door is no fault).
  await add("door-quiet", "door", { sourceRestarts: 0, sourceDownMs: 0 });
});

const byAgent = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.agent, r]));

describe("a source that stalls inside a live agent", () => {
  it("GET /api/v1/agents?problems=1 lists the camera without frames and the door counter restarting, as 'stalled', and no other", async () => {
    const res = await t.get("/api/v1/agents?problems=1");
    expect(res.status).toBe(200);
    const rows: Row[] = res.body.agents;
    expect(rows.map((r) => r.agent).sort()).toEqual(["cam-stalled", "door-down"]);
    expect(rows.map((r) => r.problems)).toEqual([["stalled"], ["stalled"]]);
    expect(res.body).toMatchObject({ total: 2, problems: 2, agentsSeen: 5 });
  });

  it("gives what the status said of the input, so every screen says the same words", async () => {
    const rows = byAgent((await t.get("/api/v1/stores/lyon/agents")).body.agents);
    expect(rows["cam-stalled"].input).toEqual({ unit: "frame", ageMs: 180_000, downMs: 0, restarts: 0 });
    expect(rows["cam-old"].input).toBeNull();
    expect(rows["cam-old"].problems).toEqual([]);
    expect(rows["cam-ok"].problems).toEqual([]);
    expect(rows["door-quiet"].problems).toEqual([]);
    const words = (r: Row) => `${AGENT_PROBLEM_WORDS.stalled}: ${stalledDetail(r)}`;
    expect(words(rows["cam-stalled"])).toBe("input stalled: no frame for 3 min");
    expect(words(rows["door-down"])).toBe("input stalled: source restarting for 2 min (5 restarts)");
  });
});
