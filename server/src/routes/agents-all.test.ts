/**
 * GET /api/v1/agents: every store's agents in one list for IT, those needing attention first, on a
 * real SQLite (in-process server). The rows are the per-store list's (one function makes both).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const T0 = Date.UTC(2026, 10, 20, 15, 0, 0);
const status = (state: "online" | "offline", ts: number, extra: Record<string, number> = {}) => ({
  state,
  ts,
  kind: "camera" as const,
  version: "1.4.0",
  ...extra,
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are read field by field
type Row = any;

const t = useTestServer({ now: () => T0 });
let north: string;
let lyonAdmin: string;
beforeAll(async () => {
  for (const [id, name] of [
    ["lyon", "Lyon Part-Dieu"],
    ["lille", "Lille"],
    ["paris", "Paris Rivoli"],
  ])
    await t.putLayout(id!, smallLayout({ name, validFrom: T0 - 86_400_000 }));
  const { agents, tokens, groups } = t.server.services.storage;
  for (const [s, a] of [
    ["lyon", "cam-1"],
    ["lyon", "cam-2"],
    ["lille", "door-1"],
    ["paris", "cam-1"],
    ["paris", "cam-2"],
    ["paris", "cam-3"],
    ["paris", "cam-4"],
    ["paris", "cam-5"],
    ["paris", "door-6"],
  ] as const)
    await agents.add(s, a, "camera", T0 - 3_600_000);
  // Fine: online, a fresh status with nothing held, its newest event prompt.
  // (The last argument: when the server received a live status; every live online status is heard from.)
  await agents.recordStatus("lyon", "cam-1", status("online", T0 - 5_000, { queued: 0 }), T0 - 5_000);
  await t.ingest("lyon", "cam-1", [new EventFactory("cam-1").enter("v1", "entrance", T0 - 200)]);
  // Revoked: shut out on purpose, needs nothing.
  await agents.revoke("lyon", "cam-2", T0 - 60_000);
  // Offline: its last will.
  await agents.recordStatus("lille", "door-1", status("offline", T0 - 600_000));
  await agents.recordStatus("paris", "cam-1", status("online", T0 - 5_000, { queued: 0 }), T0 - 5_000);
  // paris/cam-2 never sent a status: never seen.
  // Clock 2 min ahead, confirmed by two live statuses 30 s apart.
  await agents.recordStatus("paris", "cam-3", status("online", T0 - 30_000 + 120_000), T0 - 30_000);
  await agents.recordStatus("paris", "cam-3", status("online", T0 + 120_000), T0);
  // Online, but its newest event arrived a minute late and it still holds events.
  await agents.recordStatus("paris", "cam-4", status("online", T0 - 1_000, { queued: 40, oldestQueuedAgeMs: 90_000 }), T0 - 1_000);
  // Silent: says online, but nothing heard from it for 3 min (its statuses come every 30 s: silent after 90 s); a hung process, or a will lost.
  await agents.recordStatus("paris", "cam-5", status("online", T0 - 180_000, { queued: 0 }), T0 - 180_000);
  // A door counter that sends its status every 10 min (statusEveryS 600), last heard 12 min ago: not silent (that is 30 min).
  await agents.recordStatus("paris", "door-6", status("online", T0 - 720_000, { queued: 0, statusEveryS: 600 }), T0 - 720_000);
  await t.ingest("paris", "cam-4", [new EventFactory("cam-4").enter("v2", "entrance", T0 - 60_000)]);
  await groups.create("north", "North", "region", T0);
  await groups.setStores("north", ["lille", "paris"]);
  north = (await tokens.create("admin", null, T0, { group: "north" })).token;
  lyonAdmin = await t.token("admin", "lyon");
});

const key = (r: Row) => `${r.store}/${r.agent}`;

describe("GET /api/v1/agents", () => {
  it("lists every store's agents, those needing attention first, each with what needs it, and the store's name", async () => {
    const res = await t.get("/api/v1/agents");
    expect(res.status).toBe(200);
    const rows: Row[] = res.body.agents;
    expect(rows.map(key)).toEqual(["lille/door-1", "paris/cam-2", "paris/cam-3", "paris/cam-4", "paris/cam-5", "lyon/cam-1", "lyon/cam-2", "paris/cam-1", "paris/door-6"]);
    expect(Object.fromEntries(rows.map((r) => [key(r), r.problems]))).toEqual({
      "lille/door-1": ["offline"],
      "paris/cam-2": ["never-seen"],
      "paris/cam-3": ["clock"],
      "paris/cam-4": ["lagging", "backlog"],
      "paris/cam-5": ["silent"],
      "lyon/cam-1": [],
      "lyon/cam-2": [],
      "paris/cam-1": [],
      "paris/door-6": [],
    });
    expect(res.body).toMatchObject({ total: 9, problems: 5, agentsSeen: 9, next: null, clockWarnMs: 30_000 });
    expect(rows.find((r) => key(r) === "paris/cam-5")).toMatchObject({ state: "online", lastHeardAt: T0 - 180_000, statusEveryMs: null });
    expect(rows.find((r) => key(r) === "paris/door-6")).toMatchObject({ lastHeardAt: T0 - 720_000, statusEveryMs: 600_000 });
    expect(rows.find((r) => key(r) === "paris/cam-3")).toMatchObject({ storeName: "Paris Rivoli", clockOffsetMs: 120_000 });
    expect(rows.find((r) => key(r) === "paris/cam-4")).toMatchObject({ lagMs: 60_000, backlog: { queued: 40, oldestQueuedAgeMs: 90_000 } });
  });

  it("gives each agent the same row as its store's list, plus its store and problems", async () => {
    const all: Row[] = (await t.get("/api/v1/agents")).body.agents;
    for (const store of ["lyon", "lille", "paris"]) {
      const own: Row[] = (await t.get(`/api/v1/stores/${store}/agents`)).body.agents;
      // The store's list says what needs attention too, the same.
      expect(all.filter((r) => r.store === store).map(({ store: _s, storeName: _n, ...rest }) => rest)).toEqual(expect.arrayContaining(own));
      expect(all.filter((r) => r.store === store)).toHaveLength(own.length);
    }
  });

  it("problems=1 lists only the agents needing attention: an offline one and a silent one are among them, a fine or revoked one is not", async () => {
    const res = await t.get("/api/v1/agents?problems=1");
    expect(res.body.agents.map(key)).toEqual(["lille/door-1", "paris/cam-2", "paris/cam-3", "paris/cam-4", "paris/cam-5"]);
    expect(res.body).toMatchObject({ total: 5, problems: 5, agentsSeen: 9 });
  });

  it("a token limited to a group sees only its stores' agents; one limited to a store, that store's", async () => {
    const g = await t.get("/api/v1/agents", north);
    expect(g.status).toBe(200);
    expect(new Set(g.body.agents.map((r: Row) => r.store))).toEqual(new Set(["lille", "paris"]));
    expect(g.body).toMatchObject({ total: 7, problems: 5 });
    const s = await t.get("/api/v1/agents?problems=1", lyonAdmin);
    expect(s.body).toMatchObject({ agents: [], total: 0, problems: 0, agentsSeen: 2 });
    expect((await t.get("/api/v1/agents", await t.token("viewer"))).status).toBe(403);
  });

  it("store= lists one store's agents (the chain view's link), counted over it; a store the token may not see lists nothing", async () => {
    const res = await t.get("/api/v1/agents?problems=1&store=paris");
    expect(res.status).toBe(200);
    expect(res.body.agents.map(key)).toEqual(["paris/cam-2", "paris/cam-3", "paris/cam-4", "paris/cam-5"]);
    expect(res.body).toMatchObject({ total: 4, problems: 4, agentsSeen: 6 });
    expect((await t.get("/api/v1/agents?store=paris", lyonAdmin)).body).toMatchObject({ agents: [], total: 0, agentsSeen: 0 });
    expect((await t.get("/api/v1/agents?store=Not%20an%20id")).status).toBe(400);
  });

  it("pages: limit and offset, `next` until the last page", async () => {
    const first = await t.get("/api/v1/agents?limit=3");
    expect(first.body.agents.map(key)).toEqual(["lille/door-1", "paris/cam-2", "paris/cam-3"]);
    expect(first.body.next).toBe(3);
    const last = await t.get(`/api/v1/agents?limit=3&offset=6`);
    expect(last.body.agents.map(key)).toEqual(["lyon/cam-2", "paris/cam-1", "paris/door-6"]);
    expect(last.body.next).toBeNull();
    expect((await t.get("/api/v1/agents?limit=1001")).status).toBe(400);
  });
  it("an online agent is silent once the server has heard nothing from it (status or event) for 3 of its status intervals, judged by the server's clock", async () => {
    const { agents } = t.server.services.storage;
    await agents.add("lille", "cam-7", "camera", T0 - 3_600_000);
    await agents.add("lille", "cam-8", "camera", T0 - 3_600_000);
    const problems = async () => Object.fromEntries((await t.get("/api/v1/agents?problems=1")).body.agents.map((r: Row) => [key(r), r.problems]));
    // 90 s since its last live status: fine; a millisecond more: silent.
    await agents.recordStatus("lille", "cam-7", status("online", T0 - 90_001, { queued: 0 }), T0 - 90_001);
    await agents.recordStatus("lille", "cam-8", status("online", T0 - 90_000, { queued: 0 }), T0 - 90_000);
    expect(await problems()).toMatchObject({ "lille/cam-7": ["silent"] });
    expect(await problems()).not.toHaveProperty("lille/cam-8");
    // An event received now is hearing from it.
    await t.ingest("lille", "cam-7", [new EventFactory("cam-7").enter("v9", "entrance", T0 - 100)]);
    expect(await problems()).not.toHaveProperty("lille/cam-7");
    // Its store's own list says the same.
    const own: Row[] = (await t.get("/api/v1/stores/lille/agents")).body.agents;
    expect(own.find((r) => r.agent === "cam-7")).toMatchObject({ problems: [], lastHeardAt: T0 });
  });
});
