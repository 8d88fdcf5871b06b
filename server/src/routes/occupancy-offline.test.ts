import { beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import type { LiveQueues } from "../analytics/queues.js";

/** Friday 20 Nov 2026, 16:00 in Paris. */
const NOW = Date.UTC(2026, 10, 20, 15, 0, 0);
const S = 1000;
const M = 60 * S;

type Occ = {
  total: number;
  totalFrom: string;
  partial: boolean;
  zones: { zone: string; occupancy: number; offlineSince: number | null; offlineAgents: string[] }[];
};

let clock = NOW;
const t = useTestServer({ now: () => clock });
let staff: string;
const agents = () => t.server.services.storage.agents;
const online = async (store: string, agent: string, kind: "camera" | "door") => {
  await agents().add(store, agent, kind, NOW - 60 * M);
  await agents().recordStatus(store, agent, { state: "online", ts: NOW - 60 * M, kind, version: "0.1.0" }, NOW - 60 * M);
};
/** Its live online status, heard now (else an agent unheard for 90 s is silent, so down too). */
const heard = (store: string, agent: string, kind: "camera" | "door") => agents().recordStatus(store, agent, { state: "online", ts: clock, kind, version: "0.1.0" }, clock);
const offline = (store: string, agent: string, kind: "camera" | "door", ts: number) => agents().recordStatus(store, agent, { state: "offline", ts, kind, version: "0.1.0" });

beforeAll(async () => {
  // shop: cam-1 follows fruit and the checkout, cam-2 the bakery and the checkout too; no door counter.
  await t.putLayout("shop", smallLayout());
  await online("shop", "cam-1", "camera");
  await online("shop", "cam-2", "camera");
  const c1 = new EventFactory("cam-1");
  const c2 = new EventFactory("cam-2");
  await t.ingest("shop", "cam-1", [c1.enter("a", "fruit", NOW - 60 * S), c1.enter("d", "checkout", NOW - 50 * S)]);
  await t.ingest("shop", "cam-2", [c2.enter("b", "bakery", NOW - 40 * S), c2.enter("c", "bakery", NOW - 30 * S), c2.enter("e", "checkout", NOW - 20 * S)]);
  // doors: a door counter at the entrance makes the total; cam-3 follows fruit.
  await t.putLayout("doors", smallLayout());
  await online("doors", "door-1", "door");
  await online("doors", "cam-3", "camera");
  await t.ingest("doors", "door-1", [new EventFactory("door-1").count("entrance", NOW - 5 * M, 7, 2)]);
  await t.ingest("doors", "cam-3", [new EventFactory("cam-3").enter("f", "fruit", NOW - 60 * S)]);
  staff = await t.token("staff");
});

const occupancy = async (store: string) => {
  const res = await t.get<Occ>(`/api/v1/stores/${store}/occupancy`, staff);
  expect(res.status).toBe(200);
  return res.body;
};
const zone = (o: Occ, id: string) => o.zones.find((z) => z.zone === id)!;

describe("GET occupancy of a store whose agent is offline", () => {
  it("marks no zone and a whole total while every agent is online", async () => {
    const o = await occupancy("shop");
    expect(o).toMatchObject({ total: 5, totalFrom: "zones", partial: false });
    for (const z of o.zones) expect(z, z.zone).toMatchObject({ offlineSince: null, offlineAgents: [] });
  });

  it("says since when a zone counted only by an offline agent is not counted, keeps its people, and calls the total partial", async () => {
    await offline("shop", "cam-2", "camera", NOW + 5 * S);
    clock = NOW + 2 * M;
    await heard("shop", "cam-1", "camera");
    const o = await occupancy("shop");
    // The bakery's two are still in its occupancy (until the visit timeout), and in the total: both say so.
    expect(zone(o, "bakery")).toEqual({ zone: "bakery", occupancy: 2, capacity: null, offlineSince: NOW + 5 * S, offlineAgents: ["cam-2"] });
    expect(o).toMatchObject({ total: 5, partial: true });
    // The checkout is counted by cam-1 too, fruit only by cam-1: both counted.
    expect(zone(o, "checkout")).toMatchObject({ occupancy: 2, offlineSince: null, offlineAgents: [] });
    expect(zone(o, "fruit")).toMatchObject({ occupancy: 1, offlineSince: null });
  });

  it("uses the queue tile's rule: a queue zone's offlineSince is /queues/live's", async () => {
    const layout = smallLayout();
    await t.putLayout("shop", { ...layout, validFrom: NOW - 30 * M, zones: layout.zones.map((z) => (z.id === "bakery" ? { ...z, kind: "queue" as const, queueFor: "checkout" } : z)) });
    const q = await t.get<LiveQueues>("/api/v1/stores/shop/queues/live", staff);
    expect(q.body.queues.map((x) => [x.zone, x.offlineSince, x.offlineAgents])).toEqual([["bakery", NOW + 5 * S, ["cam-2"]]]);
    expect(zone(await occupancy("shop"), "bakery")).toMatchObject({ offlineSince: NOW + 5 * S, offlineAgents: ["cam-2"] });
  });

  it("counts every zone again once the agent is back", async () => {
    await heard("shop", "cam-2", "camera");
    const o = await occupancy("shop");
    expect(o.partial).toBe(false);
    expect(zone(o, "bakery")).toMatchObject({ occupancy: 2, offlineSince: null, offlineAgents: [] });
  });

  it("with a door counter, calls the total partial when the door counter is down, not when a camera's zone is", async () => {
    await heard("doors", "door-1", "door");
    await offline("doors", "cam-3", "camera", clock - 30 * S);
    let o = await occupancy("doors");
    expect(o).toMatchObject({ total: 5, totalFrom: "door", partial: false });
    expect(zone(o, "fruit")).toMatchObject({ occupancy: 1, offlineSince: clock - 30 * S, offlineAgents: ["cam-3"] });
    await offline("doors", "door-1", "door", clock - 10 * S);
    o = await occupancy("doors");
    expect(o).toMatchObject({ total: 5, totalFrom: "door", partial: true });
    // Heard online at this very time, then its last will: since it was last heard.
    expect(zone(o, "entrance")).toMatchObject({ offlineSince: clock, offlineAgents: ["door-1"] });
  });
});
