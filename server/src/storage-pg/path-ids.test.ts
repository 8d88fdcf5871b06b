/**
 * Path ids on PostgreSQL under concurrency (issue 12): several servers commit into one database,
 * and a commit names paths by an int id, read from a bounded in-memory cache or made on the spot.
 * Two commits naming the same new path at once must both commit with the same id, and an id a
 * commit found in the cache must still be the one it writes after other commits filled the cache.
 */
import { describe, expect, it } from "vitest";
import { usePostgres } from "../../../test/support/postgres.js";
import { waitFor } from "../../../test/support/wait.js";
import { AggregateDelta } from "../aggregates/delta.js";
import { spansOf } from "../aggregates/spans.js";
import { openPgStorage, type PgStorage, type PgStorageOptions } from "./adapter.js";
import { createPgPool } from "./pool.js";

const server = usePostgres();
// Today (UTC midnight): its month's partitions are made when a storage opens, so a commit never waits
// on another's partition making (that would hide the race on the paths that the first test makes).
const DAY = Math.floor(Date.now() / 86_400_000) * 86_400_000;
const HOUR = 3_600_000;

const open = async (url: string, opts: PgStorageOptions = {}): Promise<PgStorage> => {
  const s = await openPgStorage(url, { tokenCacheMs: 0, ...opts });
  server.onClose(() => s.close());
  return s;
};
const sidePool = (url: string) => {
  const p = createPgPool(url, { max: 2 });
  server.onClose(() => p.end());
  return p;
};
/** Trips of `paths` (one visitor each, named `${prefix}${i}`), at 10:00 UTC of DAY. */
const trips = (prefix: string, paths: readonly string[]): AggregateDelta => {
  const d = new AggregateDelta();
  paths.forEach((p, i) => d.trip(`${prefix}${i}`, DAY + 10 * HOUR + i, p, 1));
  return d;
};
/** Sessions of this database waiting for a lock (a row or a transaction another one holds). */
const lockWaiters = async (q: ReturnType<typeof sidePool>) =>
  (await q.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows[0]!.n;
const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
};
/** Every trip of `store` with its path's zones, and the paths table's rows, from the database. */
const stored = async (q: ReturnType<typeof sidePool>, store: string) => ({
  trips: (
    await q.query<{ visitor: string; zones: string }>(
      "SELECT t.visitor, p.zones FROM trips t JOIN paths p ON p.store = t.store AND p.id = t.path WHERE t.store = $1 ORDER BY t.visitor",
      [store],
    )
  ).rows.map((r) => [r.visitor, r.zones]),
  paths: (await q.query<{ zones: string }>('SELECT zones FROM paths WHERE store = $1 ORDER BY zones COLLATE "C"', [store])).rows.map((r) => r.zones),
  tripCount: (await q.query<{ n: number }>("SELECT count(*)::int AS n FROM trips WHERE store = $1", [store])).rows[0]!.n,
});
const counts = async (s: PgStorage, store: string) =>
  new Map((await s.aggregates.pathCounts(store, spansOf(DAY, DAY + 86_400_000))).map((c) => [c.zones.join(","), c.count]));

describe("PostgreSQL path ids under concurrent commits", () => {
  it("two servers committing the same new paths in overlapping transactions both commit, with one id per path and exact counts", async () => {
    const url = server.database();
    const a = await open(url);
    const b = await open(url);
    const side = sidePool(url);
    await a.stores.ensure("s", "S", DAY);

    const held = gate();
    let aWrote = false;
    // Server a: its commit's paths are written (the read flushes them) and it holds its transaction open.
    const first = a.transaction(async (tx) => {
      await tx.aggregates.write("s", trips("a", ["entrance,fruit", "entrance,fruit,checkout", "entrance,bakery"]));
      await tx.aggregates.pathCounts("s", spansOf(DAY, DAY + 86_400_000));
      aWrote = true;
      await held.opened;
    });
    await waitFor("server a's uncommitted paths", () => aWrote, { timeoutMs: 60_000 });
    // Server b: the same paths (listed in another order) and a new one; its INSERT waits for a's transaction.
    const second = b.transaction((tx) => tx.aggregates.write("s", trips("b", ["entrance,bakery", "entrance,fruit,checkout", "entrance,fruit", "entrance,dairy"])));
    await waitFor("server b's commit waiting for server a's", async () => (await lockWaiters(side)) > 0, { timeoutMs: 60_000 });
    held.open();
    const results = await Promise.allSettled([first, second]);
    expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : "committed"))).toEqual(["committed", "committed"]);

    const db = await stored(side, "s");
    expect(db.paths).toEqual(["entrance,bakery", "entrance,dairy", "entrance,fruit", "entrance,fruit,checkout"]);
    expect(db.tripCount).toBe(7);
    expect(db.trips).toEqual([
      ["a0", "entrance,fruit"],
      ["a1", "entrance,fruit,checkout"],
      ["a2", "entrance,bakery"],
      ["b0", "entrance,bakery"],
      ["b1", "entrance,fruit,checkout"],
      ["b2", "entrance,fruit"],
      ["b3", "entrance,dairy"],
    ]);
    const want = new Map([
      ["entrance,fruit", 2],
      ["entrance,fruit,checkout", 2],
      ["entrance,bakery", 2],
      ["entrance,dairy", 1],
    ]);
    expect(await counts(a, "s")).toEqual(want);
    expect(await counts(b, "s")).toEqual(want);

    // Both servers use the ids they learned afterwards: more trips of the same paths add up.
    await a.transaction((tx) => tx.aggregates.write("s", trips("c", ["entrance,dairy"])));
    await b.transaction((tx) => tx.aggregates.write("s", trips("d", ["entrance,fruit"])));
    expect(await counts(b, "s")).toEqual(new Map([...want, ["entrance,dairy", 2], ["entrance,fruit", 3]]));
    expect((await stored(side, "s")).paths).toHaveLength(4);
  });

  it("many commits of two servers naming overlapping new paths at once all commit, without deadlocks, with exact counts", async () => {
    const url = server.database();
    const a = await open(url);
    const b = await open(url);
    const side = sidePool(url);
    await a.stores.ensure("s", "S", DAY);
    const zones = ["entrance", "fruit", "bakery", "dairy", "checkout", "wine"];
    const pathOf = (i: number) => ["entrance", zones[1 + (i % 5)]!, zones[1 + ((i * 7) % 5)]!, ...(i % 3 ? ["checkout"] : [])].join(",");
    const want = new Map<string, number>();
    const commits: Promise<void>[] = [];
    for (let c = 0; c < 16; c++) {
      // Each commit names 12 paths, some new, in its own order (reversed on server b).
      const paths = Array.from({ length: 12 }, (_, i) => pathOf(c * 5 + i));
      for (const p of paths) want.set(p, (want.get(p) ?? 0) + 1);
      const s = c % 2 ? b : a;
      commits.push(s.transaction((tx) => tx.aggregates.write("s", trips(`c${c}-`, c % 2 ? [...paths].reverse() : paths))));
    }
    const results = await Promise.allSettled(commits);
    expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    expect(await counts(a, "s")).toEqual(want);
    const db = await stored(side, "s");
    expect(db.paths).toEqual([...want.keys()].sort());
    expect(db.tripCount).toBe(16 * 12);
  });

  it("a commit writes the id it found in the cache even when other commits made the cache forget it meanwhile", async () => {
    const url = server.database();
    const s = await open(url, { pathIdCacheSize: 2 });
    const side = sidePool(url);
    await s.stores.ensure("s", "S", DAY);
    // The path "entrance,fruit" is known (in the cache), and a zone rollup row exists for the visit below.
    const setup = trips("x", ["entrance,fruit"]);
    setup.visit("fruit", "cam:1", { enterTs: DAY + 10 * HOUR, dwellMs: 1000, prevEnterTs: null }, 1);
    await s.transaction((tx) => tx.aggregates.write("s", setup));

    // Another session holds that zone rollup row: the next commit stops there, after it looked up its path ids.
    const blocker = await side.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query("SELECT 1 FROM zone_rollups WHERE store = 's' AND zone = 'fruit' FOR UPDATE");
      const d = trips("y", ["entrance,fruit"]);
      d.visit("fruit", "cam:2", { enterTs: DAY + 10 * HOUR + 5, dwellMs: 2000, prevEnterTs: null }, 1);
      const stopped = s.transaction((tx) => tx.aggregates.write("s", d));
      await waitFor("the commit waiting for the zone rollup row", async () => (await lockWaiters(side)) > 0, { timeoutMs: 60_000 });
      // Meanwhile other commits learn three new paths: the cache (2 at most) forgets "entrance,fruit".
      await s.transaction((tx) => tx.aggregates.write("s", trips("z", ["entrance,bakery", "entrance,dairy", "entrance,wine"])));
      await blocker.query("COMMIT");
      await expect(stopped).resolves.toBeUndefined();
    } finally {
      await blocker.query("ROLLBACK").catch(() => {});
      blocker.release();
    }
    const db = await stored(side, "s");
    expect(db.trips).toEqual([
      ["x0", "entrance,fruit"],
      ["y0", "entrance,fruit"],
      ["z0", "entrance,bakery"],
      ["z1", "entrance,dairy"],
      ["z2", "entrance,wine"],
    ]);
    expect((await counts(s, "s")).get("entrance,fruit")).toBe(2);
  });
  it("a path id another server holds in its cache stays valid after this server rebuilds the store's aggregates", async () => {
    const url = server.database();
    const a = await open(url);
    const b = await open(url);
    await a.stores.ensure("r", "R", DAY);
    // Server b commits a trip of a new path: the path's id is in b's cache from now on.
    await b.transaction((tx) => tx.aggregates.write("r", trips("b", ["entrance,fruit"])));
    // Server a rebuilds the store's aggregates from its events (there are none: every aggregate row goes).
    await a.aggregates.markForBuild("r");
    await a.buildPendingAggregates({ visitTimeoutMs: 30 * 60_000 });
    expect(await counts(a, "r")).toEqual(new Map());
    // Server b commits another trip of the same path, with the id from its cache: it must still name the path.
    await b.transaction((tx) => tx.aggregates.write("r", trips("c", ["entrance,fruit"])));
    expect(await counts(a, "r")).toEqual(new Map([["entrance,fruit", 1]]));
    expect(await counts(b, "r")).toEqual(new Map([["entrance,fruit", 1]]));
  }, 120_000);
});
