/**
 * The chain overview of a store whose zones are partly not counted now (its camera offline): the
 * row says it is partial and which zones since when, as the store's occupancy answer does, instead
 * of the frozen figure as if live; the totals say how many stores are partial. On the in-process
 * server's SQLite file.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

/** Sunday 6 Dec 2026, 16:00 in Paris. */
const NOW = Date.UTC(2026, 11, 6, 15);
const M = 60_000;
let clock = NOW;
const t = useTestServer({ now: () => clock });
const agents = () => t.server.services.storage.agents;
const status = (store: string, agent: string, state: "online" | "offline", at: number) => agents().recordStatus(store, agent, { state, ts: at, kind: "camera", version: "0.1.0" }, at);

interface Row {
  id: string;
  occupancy: number;
  partial: boolean;
  notCounted: { zone: string; name: string; since: number; agents: string[] }[];
}

beforeAll(async () => {
  // lille: cam-1 follows the fruit stand, cam-2 the bakery (2 people); lyon: cam-3 everything.
  for (const [store, cams] of [["lille", ["cam-1", "cam-2"]], ["lyon", ["cam-3"]]] as const) {
    await t.putLayout(store, smallLayout({ name: store }));
    for (const cam of cams) {
      await agents().add(store, cam, "camera", NOW - 60 * M);
      await status(store, cam, "online", NOW - 60 * M);
    }
  }
  const c1 = new EventFactory("cam-1");
  const c2 = new EventFactory("cam-2");
  await t.ingest("lille", "cam-1", [c1.enter("a", "fruit", NOW - 3 * M)]);
  await t.ingest("lille", "cam-2", [c2.enter("b", "bakery", NOW - 2 * M), c2.enter("c", "bakery", NOW - 2 * M)]);
  await t.ingest("lyon", "cam-3", [new EventFactory("cam-3").enter("d", "fruit", NOW - 2 * M)]);
});

const overview = async () => {
  const res = await t.get<{ stores: Row[]; totals: { occupancy: number; partialStores: number } }>("/api/v1/overview");
  expect(res.status).toBe(200);
  return res.body;
};
const row = (o: { stores: Row[] }, id: string) => o.stores.find((s) => s.id === id)!;

describe("GET /overview while a store's camera is offline", () => {
  it("calls no store partial while every agent counts", async () => {
    const o = await overview();
    for (const id of ["lille", "lyon"]) expect(row(o, id)).toMatchObject({ partial: false, notCounted: [] });
    expect(o.totals).toMatchObject({ occupancy: 4, partialStores: 0 });
  });

  it("says the store's in-store figure is partial, which zone is not counted since when, as its occupancy answer does", async () => {
    await status("lille", "cam-2", "offline", NOW + 5_000);
    clock = NOW + 2 * M;
    await status("lille", "cam-1", "online", clock);
    await status("lyon", "cam-3", "online", clock);
    const o = await overview();
    const occ = (await t.get<{ zones: { zone: string; offlineSince: number | null; offlineAgents: string[] }[]; partial: boolean }>("/api/v1/stores/lille/occupancy")).body;
    const bakery = occ.zones.find((z) => z.zone === "bakery")!;
    // The two in the bakery are still in its figure (until the visit timeout): the row says that figure is partial.
    expect(row(o, "lille")).toMatchObject({ occupancy: 3, partial: occ.partial, notCounted: [{ zone: "bakery", name: "bakery", since: bakery.offlineSince, agents: bakery.offlineAgents }] });
    expect(row(o, "lille").partial).toBe(true);
    expect(row(o, "lyon")).toMatchObject({ partial: false, notCounted: [] });
    expect(o.totals).toMatchObject({ occupancy: 4, partialStores: 1 });
  });

  it("is whole again once the camera is back", async () => {
    clock = NOW + 3 * M;
    for (const [store, cam] of [["lille", "cam-1"], ["lille", "cam-2"], ["lyon", "cam-3"]] as const) await status(store, cam, "online", clock);
    const o = await overview();
    expect(row(o, "lille")).toMatchObject({ partial: false, notCounted: [] });
    expect(o.totals.partialStores).toBe(0);
  });
});

describe("GET /overview while door-counted stores have an agent down", () => {
  // nantes and rennes count their totals at the door (door-1 on the entrance), cam-1 follows the fruit stand.
  const DOORS = ["nantes", "rennes"];
  const doorStatus = (store: string, agent: string, state: "online" | "offline", at: number) =>
    agents().recordStatus(store, agent, { state, ts: at, kind: agent.startsWith("door") ? "door" : "camera", version: "0.1.0" }, at);

  it("reads the door zones of all such stores in one read, not each store's known zones, and says which total is partial", async () => {
    clock = NOW + 4 * M;
    for (const store of DOORS) {
      await t.putLayout(store, smallLayout({ name: store }));
      for (const agent of ["door-1", "cam-1"]) {
        await agents().add(store, agent, agent.startsWith("door") ? "door" : "camera", NOW - 60 * M);
        await doorStatus(store, agent, "online", NOW - 60 * M);
      }
      await t.ingest(store, "door-1", [new EventFactory("door-1").count("entrance", NOW - 5 * M, 3, 1)]);
      await t.ingest(store, "cam-1", [new EventFactory("cam-1").enter("a", "fruit", NOW - 5 * M)]);
    }
    // nantes's camera is down (the fruit stand is not in its door total); rennes's door counter is (its total is partial).
    clock = NOW + 5 * M;
    await doorStatus("nantes", "cam-1", "offline", clock);
    await doorStatus("rennes", "door-1", "offline", clock);
    const { aggregates, chain } = t.server.services.storage;
    const [knownZones, doorZones] = [aggregates.knownZones, chain.doorZones];
    const reads: string[] = [];
    aggregates.knownZones = (store) => (reads.push(`knownZones ${store}`), knownZones(store));
    chain.doorZones = (stores) => (reads.push(`doorZones ${[...stores].sort().join(",")}`), doorZones(stores));
    let o;
    try {
      o = await overview();
    } finally {
      [aggregates.knownZones, chain.doorZones] = [knownZones, doorZones];
    }
    expect(row(o, "nantes")).toMatchObject({ partial: false, notCounted: [{ zone: "fruit", agents: ["cam-1"] }] });
    expect(row(o, "rennes")).toMatchObject({ partial: true, notCounted: [{ zone: "entrance", agents: ["door-1"] }] });
    // Old code: one knownZones read (every visit zone and door zone of the store's days) for each of them.
    expect(reads).toEqual(["doorZones nantes,rennes"]);
  });
});

describe("GET /overview?store= (a store's own screens read its row so)", () => {
  it("answers the one store's row, with the same figures as the whole overview's, and totals of that store alone", async () => {
    const whole = await overview();
    const res = await t.get<{ stores: Row[]; totals: { occupancy: number } }>("/api/v1/overview?store=lille");
    expect(res.status).toBe(200);
    expect(res.body.stores.map((s) => s.id)).toEqual(["lille"]);
    expect(res.body.stores[0]).toEqual(row(whole, "lille"));
    expect(res.body.totals.occupancy).toBe(row(whole, "lille").occupancy);
  });

  it("says a store it does not know is not there, and where the stores are listed", async () => {
    const res = await t.get<{ message: string }>("/api/v1/overview?store=nowhere");
    expect(res.status).toBe(404);
    expect(res.body.message).toContain('no store "nowhere"');
    expect(res.body.message).toContain("GET /api/v1/stores");
  });
});
