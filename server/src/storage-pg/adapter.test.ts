/**
 * What the PostgreSQL adapter does beyond the shared contract: dedupe by (store, id) across
 * monthly partitions, retention by whole months, and a transaction's client for fencing.
 */
import type { FootfallEvent, LayoutInput, VisitorId, ZoneId } from "@footfall/core";
import { describe, expect, it } from "vitest";
import { usePostgres } from "../../../test/support/postgres.js";
import { AggregateDelta } from "../aggregates/delta.js";
import { LayoutCache } from "../ingest/layouts.js";
import { openPgStorage, type PgStorage } from "./adapter.js";
import { createPgPool } from "./pool.js";
import { backgroundTurns } from "./turns.js";

const server = usePostgres();
const fresh = async (): Promise<PgStorage> => {
  const s = await openPgStorage(server.database());
  server.onClose(() => s.close());
  return s;
};
const enter = (id: string, ts: number, visitor = "v"): FootfallEvent => ({ type: "enter", id, ts, zone: "fruit" as ZoneId, visitor: visitor as VisitorId });

describe("PostgreSQL adapter", () => {
  it("records an agent's status without holding a pool connection while a commit holds the agent's row, and an unknown agent's at once", async () => {
    const url = server.database();
    const s = await openPgStorage(url, { poolMax: 1 }); // one connection for writes: a status waiting on it would stop every other write
    server.onClose(() => s.close());
    await s.agents.add("s", "cam-1", "camera", 1000);
    const other = createPgPool(url, { max: 1 });
    server.onClose(() => other.end());
    const lock = await other.connect();
    try {
      // A group commit holding the agent's row (its event tallies) until it ends.
      await lock.query("BEGIN");
      await lock.query("SELECT 1 FROM agents WHERE store = 's' AND agent = 'cam-1' FOR UPDATE");
      let recorded = false;
      const status = s.agents.recordStatus("s", "cam-1", { state: "online", ts: 2000, kind: "camera", version: "9.9.9" }).then(() => (recorded = true));
      // Meanwhile the one write connection serves other writes: the status does not wait on it.
      await s.stores.ensure("t", "T", 3000);
      await s.stores.ensure("u", "U", 3000);
      expect(recorded).toBe(false);
      const row = async () => (await other.query("SELECT state, version FROM agents WHERE store = 's' AND agent = 'cam-1'")).rows[0];
      await lock.query("COMMIT");
      await status;
      lock.release();
      expect(await row()).toEqual({ state: "online", version: "9.9.9" });
      // No such agent: nothing to wait for.
      await s.agents.recordStatus("s", "nobody", { state: "online", ts: 2000, kind: "camera", version: "1" });
      expect(await s.agents.get("s", "nobody")).toBeUndefined();
    } finally {
      await lock.query("ROLLBACK").catch(() => {});
      try {
        lock.release();
      } catch {
        /* released already */
      }
    }
  });

  it("gives an urgent transaction (a shard just taken over) the next connection before transactions that waited longer", async () => {
    const s = await openPgStorage(server.database(), { poolMax: 1 });
    server.onClose(() => s.close());
    let open!: () => void;
    const held = new Promise<void>((r) => (open = r));
    const order: string[] = [];
    const run = (name: string, urgent?: boolean) =>
      s.transaction(async (tx) => {
        order.push(name);
        await tx.stores.ensure(name, name, 1000);
      }, urgent === undefined ? undefined : { urgent });
    // The write connection held by a commit of the survivor's backlog...
    const holding = [1].map((i) => s.transaction(async (tx) => (await tx.stores.ensure(`held-${i}`, "H", 1000), await held)));
    await new Promise((r) => setTimeout(r, 200));
    // ...then three more of its commits wait, and the first commit of a shard taken over comes last.
    const waiting = [run("own-1"), run("own-2", false), run("own-3"), run("taken-1", true)];
    await new Promise((r) => setTimeout(r, 200));
    expect(order).toEqual([]);
    open();
    await Promise.all([...holding, ...waiting]);
    expect(order).toEqual(["taken-1", "own-1", "own-2", "own-3"]);
    expect((await s.stores.list()).map((x) => x.id).sort()).toEqual(["held-1", "own-1", "own-2", "own-3", "taken-1"]);
  });

  it("writes a group commit's buffered aggregates in the turn of the statement that needs them, without waiting for another", async () => {
    const s = await fresh();
    const jan = Date.UTC(2026, 0, 20);
    let turns = -1;
    await s.transaction(async (tx) => {
      const d = new AggregateDelta();
      d.visit("fruit", "a:1", { enterTs: jan, dwellMs: 1000, prevEnterTs: null }, 1);
      await tx.aggregates.write("s", d);
      const before = backgroundTurns().given;
      // A write statement: the buffered rollups go first. Its turn folds them (no second turn before the fold: that was an
      // empty loop pass per flush); the folded write then takes its own two (its sort, and building its big statement).
      await tx.stores.ensure("s", "S", jan);
      turns = backgroundTurns().given - before;
    });
    expect(turns).toBe(3);
    const hour = Math.floor(jan / 3_600_000);
    expect(await s.aggregates.zoneHours("s", hour, hour + 1)).toEqual([{ zone: "fruit", t: hour, n: 1 }]);
  });

  it("dedupes by (store, id) even when a copy carries another ts, in another month's partition", async () => {
    const s = await fresh();
    const jan = Date.UTC(2026, 0, 20);
    const mar = Date.UTC(2026, 2, 3);
    expect(await s.transaction((tx) => tx.events.insertMany("s", "a", [enter("a:1", jan)], jan))).toEqual([true]);
    expect(await s.transaction((tx) => tx.events.insertMany("s", "a", [enter("a:1", mar), enter("a:2", mar), enter("a:2", jan)], mar))).toEqual([
      false,
      true,
      false,
    ]);
    expect(await s.events.total("s")).toBe(2);
    expect((await s.events.visitorEvents("s", "v")).map((e) => [e.id, e.ts])).toEqual([
      ["a:1", jan],
      ["a:2", mar],
    ]);
  });

  it("retention drops whole months of events, visits and trips, and the open visits before the horizon; rollups stay", async () => {
    const s = await fresh();
    const jan = Date.UTC(2026, 0, 20);
    const feb = Date.UTC(2026, 1, 10);
    await s.transaction(async (tx) => {
      await tx.events.insertMany("s", "a", [enter("a:1", jan), enter("a:2", feb)], feb);
      const d = new AggregateDelta();
      d.visit("fruit", "a:1", { enterTs: jan, dwellMs: 1000, prevEnterTs: null }, 1);
      d.trip("v", jan, "fruit", 1);
      d.openVisit("fruit", "v", jan);
      d.openVisit("fruit", "w", feb + 10 * 86_400_000);
      await tx.aggregates.write("s", d);
    });
    const dropped = await s.dropRawBefore(Date.UTC(2026, 1, 15));
    expect(dropped.sort()).toEqual(["events_p202601", "trips_p202601", "visits_p202601"]);
    expect((await s.events.visitorEvents("s", "v")).map((e) => e.id)).toEqual(["a:2"]);
    expect(await s.aggregates.visitsIn("s", "fruit", 0, feb)).toEqual([]);
    expect(await s.aggregates.openVisitsSince("s", 0)).toEqual([{ zone: "fruit", visitor: "w", lastSeenTs: feb + 10 * 86_400_000 }]);
    expect(
      await s.aggregates.pathCounts("s", { days: [Math.floor(jan / 86_400_000), Math.floor(jan / 86_400_000) + 1], hours: [], partials: [], whole: null }),
    ).toEqual([{ zones: ["fruit"], count: 1 }]);
    // The month is made again when an event for it arrives.
    expect(await s.transaction((tx) => tx.events.insertMany("s", "a", [enter("a:3", jan)], feb))).toEqual([true]);
  });

  it("opens many stores in two statements with what knownZones and openVisitsSince answer store by store", async () => {
    const s = await fresh();
    const t0 = Date.UTC(2026, 1, 10, 9);
    const stores = ["s", "t's \\ \"quoted\"", "doors only", "nothing stored"];
    await s.transaction(async (tx) => {
      for (const [i, store] of stores.slice(0, 2).entries()) {
        const d = new AggregateDelta();
        d.visit("fruit", `${store}:1`, { enterTs: t0, dwellMs: 1000, prevEnterTs: null }, 1);
        d.visit(`bakery ${i}`, `${store}:2`, { enterTs: t0 + 60_000, dwellMs: null, prevEnterTs: null }, 1);
        d.openVisit(`bakery ${i}`, "v", t0 + 60_000 * (i + 1));
        d.openVisit("fruit", "w", t0 - 3_600_000);
        d.door("entrance", t0, 2, 1);
        await tx.aggregates.write(store, d);
      }
      const d = new AggregateDelta();
      d.door("back door", t0, 1, 0);
      await tx.aggregates.write("doors only", d);
    });
    const since = t0 - 60_000;
    const many = await s.aggregates.openMany!(stores, since);
    expect([...many.keys()]).toEqual(stores);
    const sorted = (z: { visits: string[]; doors: string[] }) => ({ visits: [...z.visits].sort(), doors: [...z.doors].sort() });
    for (const store of stores) {
      const one = { known: sorted(await s.aggregates.knownZones(store)), open: await s.aggregates.openVisitsSince(store, since) };
      expect({ known: sorted(many.get(store)!.known), open: many.get(store)!.open }, store).toEqual(one);
    }
    expect(many.get("s")!.open).toEqual([{ zone: "bakery 0", visitor: "v", lastSeenTs: t0 + 60_000 }]);
    expect(many.get("nothing stored")).toEqual({ known: { visits: [], doors: [] }, open: [] });
    expect(sorted(many.get("doors only")!.known)).toEqual({ visits: [], doors: ["back door"] });
  });

  it("reads many stores' layouts in one statement, as layouts answers store by store; the ingest's layout cache loads them so", async () => {
    const s = await fresh();
    const t0 = Date.UTC(2026, 1, 10, 9);
    const input = (validFrom: number, zones: string[]): LayoutInput => ({
      validFrom,
      timezone: "Europe/Paris",
      floor: { width: 20, height: 10 },
      zones: zones.map((id, i) => ({ id: id as ZoneId, name: id, kind: i === 0 ? "entrance" : "zone", polygon: [[i, 0], [i + 1, 0], [i + 1, 1], [i, 1]] })),
    });
    await s.stores.saveLayout("a", input(t0, ["door", "fruit"]), t0);
    await s.stores.saveLayout("a", input(t0 - 86_400_000, ["door", "fruit", "bakery"]), t0 + 1);
    await s.stores.saveLayout("b_2", input(t0, ["door"]), t0);
    const stores = ["a", "b_2", "no layout"];
    const many = await s.stores.layoutsOf!(stores);
    for (const store of stores) expect(many.get(store), store).toEqual(await s.stores.layouts(store));
    expect(many.get("a")!.map((l) => l.version)).toEqual([2, 1]);
    const cache = new LayoutCache(s);
    await cache.loadMany(stores);
    for (const store of stores) expect([cache.isLoaded(store), cache.all(store)]).toEqual([true, many.get(store)]);
    expect(cache.hasZone("a", "bakery", t0 - 1)).toBe(true);
  });

  it("gives the client of a transaction (for fencing statements), and none outside or after it", async () => {
    const s = await fresh();
    let leaked: PgStorage | null = null;
    await s.transaction(async (tx) => {
      leaked = tx as PgStorage;
      const client = s.clientOf(tx)!;
      expect((await client.query<{ n: number }>("SELECT 1 + 1 AS n")).rows[0]!.n).toBe(2);
    });
    expect(s.clientOf(s)).toBeNull();
    expect(s.clientOf(leaked!)).toBeNull();
  });
});
