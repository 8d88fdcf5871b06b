import { beforeAll, describe, expect, it } from "vitest";
import { useTestServer } from "../../../test/support/in-process.js";

// Monday 30 November 2026, 10:00 UTC; the clock moves when a test says so.
const T0 = Date.UTC(2026, 10, 30, 10);
let now = T0;
const DAY = 86_400_000;

const t = useTestServer({ now: () => now, stores: ["shop"] });
beforeAll(async () => {
  const agents = t.server.services.storage.agents;
  await agents.add("shop", "door-1", "door", T0);
  await agents.add("shop", "cam-1", "camera", T0);
  await agents.add("shop", "sim-1", "sim", T0);
  // The door counter: 12 in and 9 out between 09:00 and 09:10, then 5 and 5 after.
  const count = (n: number, ts: number, i: number, o: number) => ({ type: "count", id: `door-1:${n}`, ts, zone: "entrance", in: i, out: o });
  await t.ingest("shop", "door-1", [count(1, T0 - 3_600_000, 4, 3), count(2, T0 - 3_300_000, 8, 6), count(3, T0 - 3_000_000 + 1, 5, 5)]);
});

const post = (url: string, payload: object) => t.server.app.inject({ method: "POST", url, headers: { authorization: `Bearer ${t.admin}` }, payload });
const window = { from: T0 - 3_600_000, to: T0 - 3_000_000 };

describe("door counter audits", () => {
  it("lists every agent as due before any audit, but a simulated one (it counts no real people)", async () => {
    const res = await t.get("/api/v1/stores/shop/audits");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ certifyAt: 0.95, dueAfterDays: 90, audits: [] });
    expect(res.body.agents).toEqual([
      { agent: "cam-1", last: null, auditable: true, due: true },
      { agent: "door-1", last: null, auditable: true, due: true },
      { agent: "sim-1", last: null, auditable: false, due: false },
    ]);
  });

  it("compares a person's count for a window with the counter's count events in it", async () => {
    const res = await post("/api/v1/stores/shop/agents/door-1/audits", { ...window, auditor: " Ana ", hand: { in: 12, out: 10 } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      store: "shop",
      agent: "door-1",
      method: "manual",
      auditor: "Ana",
      ...window,
      at: T0,
      hand: { in: 12, out: 10 },
      system: { in: 12, out: 9 },
      accuracy: { in: 1, out: 0.9 },
      overall: 0.9,
      certified: false,
    });
    const list = (await t.get("/api/v1/stores/shop/audits")).body;
    expect(list.agents.find((a: { agent: string }) => a.agent === "door-1")).toMatchObject({ due: false, last: { overall: 0.9 } });
    expect(list.audits).toHaveLength(1);
  });

  it("says an audit is due again once the latest is older than the configured days", async () => {
    now = T0 + 91 * DAY;
    try {
      const list = (await t.get("/api/v1/stores/shop/audits")).body;
      expect(list.agents.find((a: { agent: string }) => a.agent === "door-1")).toMatchObject({ due: true, last: { at: T0 } });
    } finally {
      now = T0;
    }
  });

  it("refuses, with what to do, a camera agent, a simulated one, an unknown agent, a window in the future or backwards, and a missing name", async () => {
    const bad = async (agent: string, body: object) => {
      const res = await post(`/api/v1/stores/shop/agents/${agent}/audits`, { ...window, auditor: "Ana", hand: { in: 1, out: 1 }, ...body });
      return [res.statusCode, res.json().message as string] as const;
    };
    expect(await bad("cam-1", {})).toEqual([400, expect.stringContaining("audit page")]);
    expect(await bad("sim-1", {})).toEqual([400, expect.stringContaining("simulated: it counts no real people")]);
    expect(await bad("door-9", {})).toEqual([404, expect.stringContaining("footfall agent add")]);
    expect(await bad("door-1", { to: T0 + 3_600_000 })).toEqual([400, expect.stringContaining("in the past")]);
    expect(await bad("door-1", { to: window.from })).toEqual([400, expect.stringContaining("end after it begins")]);
    expect((await bad("door-1", { auditor: "  " }))[0]).toBe(400);
    expect((await bad("door-1", { hand: { in: -1, out: 0 } }))[0]).toBe(400);
  });
});
