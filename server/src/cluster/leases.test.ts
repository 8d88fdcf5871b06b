/**
 * Shard leases against a real PostgreSQL (Debian's, started by the test): servers are ShardLeases
 * objects on pools of their own, as separate processes would be. Rounds are driven by hand where
 * the order matters and by the background loop where time must pass (a lease running out).
 */
import { afterEach, describe, expect, it } from "vitest";
import type pg from "pg";
import { usePostgres } from "../../../test/support/postgres.js";
import { waitFor } from "../../../test/support/wait.js";
import { migratePg } from "../storage-pg/migrate.js";
import { createPgPool } from "../storage-pg/pool.js";
import {
  DEFAULT_LEASE_TTL_MS,
  DEFAULT_RENEW_EVERY_MS,
  fencedTransaction,
  FencedError,
  ShardLeases,
  type LeaseHooks,
  type TakenLease,
  type ShardLeasesOptions,
} from "./leases.js";
import { fairShare } from "./shards.js";
import { clusterStatus } from "./status.js";

const server = usePostgres();
const members: ShardLeases[] = [];
afterEach(() => {
  for (const m of members.splice(0)) m.abandon();
});

/** The database of the current test (as an operator's psql would reach it). */
let db: pg.Pool;
/** A migrated database with a table to write into; returns its URL. */
async function cluster(): Promise<string> {
  const url = server.database();
  const pool = createPgPool(url);
  server.onClose(() => pool.end());
  db = pool;
  await migratePg(db);
  await db.query("CREATE TABLE writes (shard int, epoch bigint, what text)");
  return url;
}
/** A server of the cluster at `url`, with a pool of its own. */
function member(url: string, serverId: string, opts: ShardLeasesOptions = {}): ShardLeases {
  const pool = createPgPool(url, { max: 4 });
  server.onClose(() => pool.end());
  const m = new ShardLeases(pool, { serverId, ...opts });
  members.push(m);
  return m;
}
/** A fenced write of `m` on shard 0 that has written its row and waits inside its transaction until `finish()`. */
async function writeInFlight(m: ShardLeases, epoch: number): Promise<{ finish: () => void; writing: Promise<unknown> }> {
  let inside!: () => void;
  const entered = new Promise<void>((r) => (inside = r));
  let finish!: () => void;
  const gate = new Promise<void>((r) => (finish = r));
  const writing = m.fencedTransaction([0], async (c) => {
    await c.query("INSERT INTO writes VALUES (0, $1, 'in flight')", [epoch]);
    inside();
    await gate;
  });
  await Promise.race([entered, writing]);
  return { finish, writing };
}
const shardsOf = (m: ShardLeases) => m.leases().map((l) => l.shard);
const overlap = (a: ShardLeases, b: ShardLeases) => shardsOf(a).filter((s) => shardsOf(b).includes(s));
/**
 * Rounds of every member (in the order given, one after another) until a whole round changes
 * nobody's shards (after a first round in which every member has announced itself); after each
 * step no two members hold one shard.
 */
async function settle(...ms: ShardLeases[]): Promise<void> {
  for (const m of ms) await m.tick();
  for (let round = 0; round < 10; round++) {
    const before = ms.map((m) => shardsOf(m).join());
    for (const m of ms) {
      await m.tick();
      for (const other of ms) if (other !== m) expect(overlap(m, other), `${m.serverId} and ${other.serverId} both hold`).toEqual([]);
    }
    if (ms.every((m, i) => shardsOf(m).join() === before[i])) return;
  }
  throw new Error("the leases did not settle in 10 rounds");
}
const writeAs = (m: ShardLeases, shard: number, what: string) =>
  m.fencedTransaction([shard], async (c) => {
    await c.query("INSERT INTO writes VALUES ($1, $2, $3)", [shard, m.lease(shard)!.epoch, what]);
  });

describe("shard leases", () => {
  it("default to moving a dead server's shards within 30 s (lease TTL plus one renewal period)", () => {
    expect(DEFAULT_LEASE_TTL_MS + DEFAULT_RENEW_EVERY_MS).toBeLessThan(30_000);
  });

  it("go all to a server that is alone, each with its first epoch", async () => {
    const a = member(await cluster(), "a");
    await a.init();
    await a.tick();
    expect(a.leases()).toEqual(Array.from({ length: 64 }, (_, shard) => ({ shard, epoch: 1 })));
  });

  it("are split fairly when a second and a third server join, and no two servers hold a shard at once", async () => {
    const url = await cluster();
    const [a, b, c] = [member(url, "a"), member(url, "b"), member(url, "c")];
    await a.init();
    await settle(a);
    await settle(a, b);
    expect([shardsOf(a).length, shardsOf(b).length]).toEqual([32, 32]);
    await settle(a, b, c);
    expect([a, b, c].map((m) => shardsOf(m).length)).toEqual([22, 21, 21]);
    expect(new Set([a, b, c].flatMap(shardsOf)).size).toBe(64);
  });

  it("are taken by exactly one of two servers racing for them from the start", async () => {
    const url = await cluster();
    const [a, b] = [member(url, "a"), member(url, "b")];
    await Promise.all([a.init(), b.init()]);
    for (let round = 0; round < 6; round++) {
      await Promise.all([a.tick(), b.tick()]);
      expect(overlap(a, b)).toEqual([]);
    }
    expect([shardsOf(a).length, shardsOf(b).length]).toEqual([32, 32]);
  });

  it("of a server that stops renewing move to the others once they run out, with a new epoch", async () => {
    const url = await cluster();
    const opts = { ttlMs: 1500, renewEveryMs: 300 };
    const [a, b] = [member(url, "a", opts), member(url, "b", opts)];
    await a.init();
    await settle(a, b);
    const before = a.leases();
    a.abandon(); // a crash: no release, no more renewals
    const started = performance.now();
    await b.start();
    await waitFor("b to hold every shard", () => shardsOf(b).length === 64, { timeoutMs: 15_000 });
    console.log(
      `shards of a stopped server taken over after ${Math.round(performance.now() - started)} ms (TTL ${opts.ttlMs} ms, renewal every ${opts.renewEveryMs} ms)`,
    );
    for (const l of before) expect(b.lease(l.shard)).toEqual({ shard: l.shard, epoch: l.epoch + 1 });
  });

  it("of a server whose database session ended (it died) move within seconds, long before they run out", async () => {
    const url = await cluster();
    // A minute's TTL: only the liveness lock can move them within the 15 s waited for below.
    const dead: string[] = [];
    const opts: ShardLeasesOptions = { ttlMs: 60_000, renewEveryMs: 500, livenessEveryMs: 200, onDead: (servers) => dead.push(...servers.map((s) => s.id)) };
    const [a, b] = [member(url, "a", opts), member(url, "b", opts)];
    await a.start();
    await b.start();
    await waitFor("a and b to share the shards", () => shardsOf(a).length === 32 && shardsOf(b).length === 32, { timeoutMs: 15_000 });
    // Alive, a keeps its shards: its lock is seen at every look.
    await new Promise((r) => setTimeout(r, 1500));
    expect([shardsOf(a).length, shardsOf(b).length, dead]).toEqual([32, 32, []]);
    const before = a.leases();
    const keys = (await db.query<{ id: string; liveness_key: number | null }>("SELECT id, liveness_key FROM cluster_servers ORDER BY id")).rows;
    expect(keys.map((k) => [k.id, typeof k.liveness_key])).toEqual([["a", "number"], ["b", "number"]]);
    a.abandon(); // a crash: its connections close, its lock's session ends
    const started = performance.now();
    await waitFor("b to hold every shard", () => shardsOf(b).length === 64, { timeoutMs: 15_000 });
    console.log(`shards of a dead server taken over after ${Math.round(performance.now() - started)} ms by its missing lock (TTL ${opts.ttlMs} ms)`);
    expect(dead).toEqual(["a"]);
    // Each of a's shards moved with a new epoch, so a write of a's (had it lived) would be fenced.
    for (const l of before) expect(b.lease(l.shard)!.epoch).toBeGreaterThan(l.epoch);
    const { rows } = await db.query<{ id: string }>("SELECT id FROM cluster_servers");
    expect(rows.map((r) => r.id)).toEqual(["b"]);
  });

  it("stay with a live server whose lock's session was cut: it takes the lock again before a second look", async () => {
    const url = await cluster();
    const opts: ShardLeasesOptions = { ttlMs: 60_000, renewEveryMs: 500, livenessEveryMs: 1000 };
    const [a, b] = [member(url, "a", opts), member(url, "b", opts)];
    await a.start();
    await b.start();
    await waitFor("a and b to share the shards", () => shardsOf(a).length === 32 && shardsOf(b).length === 32, { timeoutMs: 15_000 });
    const lockPid = async () =>
      (await db.query<{ pid: number }>("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = (SELECT liveness_key FROM cluster_servers WHERE id = 'a')::oid")).rows[0]?.pid;
    const pid = await lockPid();
    expect(pid).toBeTypeOf("number");
    // A database restart, for this one session: a's lock is gone until a takes it again (within 250 ms).
    await db.query("SELECT pg_terminate_backend($1)", [pid]);
    await waitFor("a to hold its lock again", async () => ((await lockPid()) ?? pid) !== pid, { timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 2500));
    expect([shardsOf(a).length, shardsOf(b).length]).toEqual([32, 32]);
  });

  it("fence the writes of a server whose lease moved on: refused, and nothing written", async () => {
    const url = await cluster();
    const [a, b] = [member(url, "a", { ttlMs: 60_000, renewEveryMs: 5_000 }), member(url, "b")];
    await a.init();
    await a.tick();
    const old = a.lease(7)!;
    await writeAs(a, 7, "before");
    // b takes shard 7 over (as after a's lease ran out) while a still believes it holds it.
    await b.init();
    await db.query("UPDATE shard_leases SET expires_at = clock_timestamp() - interval '1 second' WHERE shard = 7");
    await b.tick();
    expect(b.lease(7)).toEqual({ shard: 7, epoch: old.epoch + 1 });
    expect(a.lease(7)).toEqual(old);
    await expect(writeAs(a, 7, "after")).rejects.toBeInstanceOf(FencedError);
    await expect(fencedTransaction(db, "a", [old], async () => "written")).rejects.toThrow(/lease lost for shard 7: another server ingests it now/);
    await writeAs(b, 7, "by b");
    const rows = (await db.query("SELECT shard, epoch, what FROM writes ORDER BY what")).rows;
    expect(rows).toEqual([
      { shard: 7, epoch: old.epoch, what: "before" },
      { shard: 7, epoch: old.epoch + 1, what: "by b" },
    ]);
  });

  it("are not taken while their holder is inside a fenced write: the write commits first, then the shard moves", async () => {
    const url = await cluster();
    // One shard; the taker sorts first, so its fair share is that shard once it is live.
    const holder = member(url, "z-holder", { shards: 1, ttlMs: 60_000, renewEveryMs: 5_000 });
    const taker = member(url, "a-taker", { shards: 1 });
    await holder.init();
    await holder.tick();
    const epoch = holder.lease(0)!.epoch;
    // The holder's lease has run out in the database, but it is still inside a write.
    await db.query("UPDATE shard_leases SET expires_at = clock_timestamp() - interval '1 second'");
    const { finish, writing } = await writeInFlight(holder, epoch);
    await taker.init();
    await taker.tick();
    expect(taker.lease(0)).toBeNull(); // skipped: its row is locked by the write
    finish();
    await writing;
    await taker.tick();
    expect(taker.lease(0)).toEqual({ shard: 0, epoch: epoch + 1 });
    await expect(writeAs(holder, 0, "late")).rejects.toBeInstanceOf(FencedError);
    expect((await db.query("SELECT epoch, what FROM writes")).rows).toEqual([{ epoch, what: "in flight" }]);
  });

  it("are renewed without waiting for a fenced write in flight (a renewal never stalls the commits)", async () => {
    const url = await cluster();
    const holder = member(url, "holder", { shards: 1, ttlMs: 60_000, renewEveryMs: 5_000 });
    await holder.init();
    await holder.tick();
    const epoch = holder.lease(0)!.epoch;
    const { finish, writing } = await writeInFlight(holder, epoch);
    const before = (await db.query<{ r: Date }>("SELECT renewed_at AS r FROM shard_leases WHERE shard = 0")).rows[0]!.r;
    await holder.tick(); // would hang until the write ends if the fence conflicted with the renewal
    const after = (await db.query<{ r: Date }>("SELECT renewed_at AS r FROM shard_leases WHERE shard = 0")).rows[0]!.r;
    expect(after.getTime()).toBeGreaterThan(before.getTime());
    finish();
    await writing;
    expect(holder.lease(0)).toEqual({ shard: 0, epoch });
  });

  it("move at once when a server stops gracefully, and a restarted server rejoins and gets its fair share back", async () => {
    const url = await cluster();
    const opts = { ttlMs: 60_000, renewEveryMs: 5_000 };
    const [a, b] = [member(url, "a", opts), member(url, "b", opts)];
    await a.init();
    await settle(a, b);
    await a.stop(); // hands everything over: no waiting for a TTL of a minute
    await settle(b);
    expect(shardsOf(b).length).toBe(64);
    const a2 = member(url, "a-restarted", opts);
    await a2.init();
    await settle(a2, b);
    expect([shardsOf(a2).length, shardsOf(b).length]).toEqual([...fairShare(64, ["a-restarted", "b"]).values()]);
  });

  it("tell the server what it took, what it hands over and what it lost", async () => {
    const url = await cluster();
    const calls: string[] = [];
    const hooks: LeaseHooks = {
      acquired: (l) => void calls.push(`acquired ${l.length}`),
      releasing: (s) => void calls.push(`releasing ${s.length}`),
      lost: (s) => void calls.push(`lost ${s.join(",")}`),
    };
    const a = member(url, "a", { hooks, ttlMs: 60_000, renewEveryMs: 5_000 });
    const b = member(url, "b");
    await a.init();
    await a.tick();
    await b.tick(); // b is live now
    await a.tick();
    expect(calls).toEqual(["acquired 64", "releasing 32"]);
    // Someone else holds shards 3 and 5 now (a missed its renewals): a finds out at its next renewal.
    await db.query("UPDATE shard_leases SET owner = 'b', epoch = epoch + 1 WHERE shard IN (3, 5)");
    await a.tick();
    // ... and, under its share again, takes two of the free ones (b has not taken what a released).
    expect(calls.slice(2)).toEqual(["lost 3,5", "acquired 2"]);
    expect(a.lease(3)).toBeNull();
  });

  it("say who held each shard they take before: nobody for a free one, the dead server for one that ran out", async () => {
    const url = await cluster();
    const taken: TakenLease[] = [];
    const a = member(url, "a", { ttlMs: 60_000, renewEveryMs: 5_000 });
    const b = member(url, "b", { hooks: { acquired: (l) => void taken.push(...l) } });
    await a.init();
    await a.tick();
    expect(a.leases()).toHaveLength(64);
    // a's leases of shards 1 and 2 ran out (a died): b takes them, from a.
    await db.query("UPDATE shard_leases SET expires_at = clock_timestamp() WHERE owner = 'a' AND shard IN (1, 2)");
    await b.tick();
    expect(taken.map((l) => [l.shard, l.from])).toEqual([[1, "a"], [2, "a"]]);
    // A free shard (released) was nobody's.
    await db.query("UPDATE shard_leases SET owner = NULL, expires_at = '-infinity' WHERE shard = 3");
    await b.tick();
    expect(taken.slice(2).map((l) => [l.shard, l.from])).toEqual([[3, null]]);
  });

  it("refuse a server configured for another number of shards than the database's", async () => {
    const url = await cluster();
    await member(url, "a").init();
    await expect(member(url, "b", { shards: 128 }).init()).rejects.toThrow(
      /split into 64 shards, this server is configured for 128: give every server the same FOOTFALL_SHARDS \(64\)/,
    );
  });
});

describe("cluster status", () => {
  it("lists the servers with their shards and heartbeat, the leases with their ages, and the shards nobody holds", async () => {
    const url = await cluster();
    const opts = { ttlMs: 60_000, renewEveryMs: 5_000 };
    const [a, b] = [member(url, "a", { ...opts, info: () => ({ http: "http://a:8080" }) }), member(url, "b", opts)];
    await a.init();
    await settle(a, b);
    let status = await clusterStatus(db, { ttlMs: opts.ttlMs });
    expect(status.shards).toBe(64);
    expect(status.servers.map((s) => ({ id: s.id, live: s.live, shards: s.shards }))).toEqual([
      { id: "a", live: true, shards: shardsOf(a) },
      { id: "b", live: true, shards: shardsOf(b) },
    ]);
    expect(status.servers[0]!.info).toEqual({ http: "http://a:8080" });
    for (const s of status.servers) {
      expect(s.heartbeatAgeMs).toBeGreaterThanOrEqual(0);
      expect(s.oldestRenewalAgeMs).toBeGreaterThanOrEqual(0);
    }
    for (const l of status.leases) {
      expect(l.owner).not.toBeNull();
      expect(l.expiresInMs).toBeGreaterThan(0);
      expect(l.expiresInMs).toBeLessThanOrEqual(opts.ttlMs);
    }
    expect(status.unowned).toEqual([]);
    const bShards = shardsOf(b);
    await b.stop();
    status = await clusterStatus(db, { ttlMs: opts.ttlMs });
    expect(status.servers.map((s) => s.id)).toEqual(["a"]);
    expect(status.unowned).toEqual(bShards);
    expect(status.leases.filter((l) => bShards.includes(l.shard)).every((l) => l.owner === null && l.heldForMs === null && l.expiresInMs === null)).toBe(true);
  });
});
