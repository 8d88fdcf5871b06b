/**
 * An agent's status metrics are its own say: a buggy or hostile agent that reports absurd figures
 * (a status every 1e308 s, 1e300 events held, an input 1e300 ms old) must not break the agents list
 * of its store, nor IT's list of every store. `statusEveryS: 1e308` became Infinity ms, which the
 * answer's integer cannot hold: GET /stores/:store/agents and GET /agents were 500s for every agent
 * of the store. Such figures now read as not said; sane ones beside them are kept. Real SQLite,
 * in-process server.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const T0 = Date.UTC(2026, 10, 20, 15, 0, 0);
const status = (extra: Record<string, unknown>) => ({ state: "online" as const, ts: T0 - 5_000, kind: "camera" as const, version: "1.4.0", ...extra });

const t = useTestServer({ now: () => T0 });
beforeAll(async () => {
  await t.putLayout("shop", smallLayout({ validFrom: T0 - 86_400_000 }));
  const { agents } = t.server.services.storage;
  for (const a of ["cam-ok", "cam-every", "cam-backlog", "cam-input", "cam-tiny"]) await agents.add("shop", a, "camera", T0 - 3_600_000);
  await agents.recordStatus("shop", "cam-ok", status({ statusEveryS: 30, queued: 2, oldestQueuedAgeMs: 1_500, inputUnit: "frame", inputAgeMs: 40 }), T0 - 5_000);
  await agents.recordStatus("shop", "cam-every", status({ statusEveryS: 1e308, queued: 0 }), T0 - 5_000);
  await agents.recordStatus("shop", "cam-backlog", status({ queued: 1e300, outboxDropped: 2 ** 53 }), T0 - 5_000);
  await agents.recordStatus("shop", "cam-input", status({ inputUnit: "frame", inputAgeMs: 1e300, sourceDownMs: 1e16, sourceRestarts: 1e300 }), T0 - 5_000);
  await agents.recordStatus("shop", "cam-tiny", status({ statusEveryS: 5e-324 }), T0 - 5_000);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are read field by field
const rowsOf = (body: any) => Object.fromEntries((body.agents as any[]).map((a) => [a.agent, a]));

describe("absurd status metrics", () => {
  it("leave the store's agents list answering, the figures read as not said and the sane ones kept (was a 500)", async () => {
    const res = await t.get("/api/v1/stores/shop/agents");
    expect(res.status, res.text).toBe(200);
    const rows = rowsOf(res.body);
    expect(rows["cam-ok"]).toMatchObject({ statusEveryMs: 30_000, backlog: { queued: 2, oldestQueuedAgeMs: 1_500, outboxDropped: null }, input: { unit: "frame", ageMs: 40 } });
    expect(rows["cam-every"]).toMatchObject({ statusEveryMs: null, backlog: { queued: 0 } });
    expect(rows["cam-backlog"]).toMatchObject({ backlog: null });
    expect(rows["cam-input"]).toMatchObject({ input: { unit: "frame", ageMs: null, downMs: null, restarts: null } });
    // A status every 5e-324 s rounds to 0 ms: not an interval either.
    expect(rows["cam-tiny"]).toMatchObject({ statusEveryMs: null });
  });

  it("leave IT's list of every store answering, with the same rows", async () => {
    const res = await t.get("/api/v1/agents");
    expect(res.status, res.text).toBe(200);
    const store = rowsOf((await t.get("/api/v1/stores/shop/agents")).body);
    for (const a of res.body.agents) expect(a).toMatchObject({ statusEveryMs: store[a.agent].statusEveryMs, backlog: store[a.agent].backlog, input: store[a.agent].input });
  });
});
