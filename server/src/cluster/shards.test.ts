/**
 * The pure half of shard ownership: a stable hash of store ids, a fair share per live server, and
 * each server's plan. Properties run the plans of every server, in random orders, on a model of the
 * lease table (take = the lowest free shards, as the SQL does) against a naive reference.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_SHARDS, fairShare, fnv1a32, planShards, shardOf, type LeaseView } from "./shards.js";

describe("shardOf", () => {
  it("is FNV-1a over the UTF-8 bytes (published test vectors)", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
  });

  it("gives a store the same shard on every call and every server (pinned values)", () => {
    // Pinned: changing them would move every store to another shard on upgrade (computed again with Python's own FNV-1a).
    expect([shardOf("demo"), shardOf("store-0001"), shardOf("store-0002"), shardOf("berlin-mitte")]).toEqual([54, 22, 3, 41]);
    fc.assert(
      fc.property(
        fc.string(),
        fc.integer({ min: 1, max: 4096 }),
        (store, n) => shardOf(store, n) === shardOf(store, n) && shardOf(store, n) >= 0 && shardOf(store, n) < n,
      ),
    );
  });

  it("spreads a chain's store ids over the shards (no shard more than twice the mean with 1,000 stores)", () => {
    const counts = new Array<number>(DEFAULT_SHARDS).fill(0);
    for (let i = 1; i <= 1000; i++) counts[shardOf(`store-${String(i).padStart(4, "0")}`)]!++;
    expect(Math.max(...counts)).toBeLessThanOrEqual((2 * 1000) / DEFAULT_SHARDS);
    expect(counts.filter((c) => c === 0)).toEqual([]);
  });

  it("refuses a shard count that is not a positive integer", () => {
    expect(() => shardOf("s", 0)).toThrow(/positive integer/);
  });
});

describe("fairShare", () => {
  it("splits S shards into ⌊S/N⌋ or ⌈S/N⌉ each, summing to S, the same for any order of the servers", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 20 }),
        (shards, servers) => {
          const share = fairShare(shards, servers);
          const values = [...share.values()];
          expect(values.reduce((a, b) => a + b, 0)).toBe(shards);
          for (const v of values) expect([Math.floor(shards / servers.length), Math.ceil(shards / servers.length)]).toContain(v);
          expect(fairShare(shards, [...servers].reverse())).toEqual(share);
        },
      ),
    );
  });
});

/** The lease table, modelled: owner per shard (null: free). A dead server's leases count as expired. */
type Table = (string | null)[];
const view = (t: Table, live: ReadonlySet<string>): LeaseView[] => t.map((owner, shard) => ({ shard, owner, expired: owner !== null && !live.has(owner) }));
/** One server's round applied as the SQL applies it: release its excess, then take the lowest free shards. */
function apply(t: Table, self: string, live: ReadonlySet<string>): boolean {
  const plan = planShards(self, view(t, live), [...live]);
  for (const s of plan.release) t[s] = null;
  let left = plan.take;
  for (let s = 0; s < t.length && left > 0; s++) {
    const owner = t[s];
    if (owner === null || owner === undefined || !live.has(owner)) {
      t[s] = self;
      left--;
    }
  }
  return plan.release.length > 0 || plan.take > 0;
}
/** Rounds (each server once, in the order of `orders[i]`) until nobody moves; the number of rounds that moved something. */
function settle(t: Table, live: string[], orders: number[][]): number {
  const set = new Set(live);
  for (let round = 0; round < 10; round++) {
    const order = orders[round % orders.length]!.map((i) => live[i % live.length]!);
    let moved = false;
    for (const id of [...new Set([...order, ...live])]) moved = apply(t, id, set) || moved;
    if (!moved) return round;
  }
  return Infinity;
}
const holdings = (t: Table) => {
  const m = new Map<string, number[]>();
  t.forEach((o, s) => o !== null && m.set(o, [...(m.get(o) ?? []), s]));
  return m;
};

const servers = fc.uniqueArray(fc.constantFrom<string>("a", "b", "c", "d", "e", "f", "g", "h"), { minLength: 1, maxLength: 6 });
const orders = fc.array(fc.array(fc.nat(7), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 });

describe("planShards, every server planning for itself", () => {
  it("converges from any table (dead holders, free shards, excess) to every shard held by a live server, each at its fair share", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 130 }),
        servers,
        fc.array(fc.constantFrom(null, "a", "b", "c", "d", "x", "y"), { maxLength: 130 }),
        orders,
        (n, live, initial, ord) => {
          const t: Table = Array.from({ length: n }, (_, i) => initial[i] ?? null);
          const rounds = settle(t, live, ord);
          expect(rounds).toBeLessThanOrEqual(3);
          expect(t.every((o) => o !== null && live.includes(o))).toBe(true);
          const share = fairShare(n, live);
          for (const id of live) expect(holdings(t).get(id)?.length ?? 0, id).toBe(share.get(id));
        },
      ),
    );
  });

  it("never takes a shard from a survivor when a server dies: only the dead one's shards move", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 130 }),
        servers.filter((s) => s.length >= 2),
        fc.nat(),
        orders,
        (n, live, victim, ord) => {
          const t: Table = new Array<string | null>(n).fill(null);
          settle(t, live, ord);
          const before = holdings(t);
          const dead = live[victim % live.length]!;
          const survivors = live.filter((s) => s !== dead);
          settle(t, survivors, ord);
          const after = holdings(t);
          for (const id of survivors) for (const s of before.get(id) ?? []) expect(after.get(id)).toContain(s);
        },
      ),
    );
  });

  it("moves exactly the newcomer's share when a server joins, and no old server gains a shard", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 130 }),
        servers.filter((s) => s.length <= 5),
        fc.constantFrom("a0", "m", "z"),
        orders,
        (n, live, joiner, ord) => {
          const t: Table = new Array<string | null>(n).fill(null);
          settle(t, live, ord);
          const before = [...t];
          settle(t, [...live, joiner], ord);
          const moved = t.filter((o, s) => o !== before[s]).length;
          expect(moved).toBe(fairShare(n, [...live, joiner]).get(joiner));
          t.forEach((o, s) => {
            if (o !== before[s]) expect(o).toBe(joiner);
          });
        },
      ),
    );
  });

  it("asks a server at or under its share to release nothing", () => {
    const leases: LeaseView[] = [0, 1, 2, 3].map((shard) => ({ shard, owner: shard < 2 ? "a" : "b", expired: false }));
    expect(planShards("a", leases, ["a", "b"])).toEqual({ release: [], take: 0, target: 2 });
    expect(planShards("a", leases, ["a", "b", "c"])).toEqual({ release: [], take: 0, target: 2 });
    expect(planShards("b", leases, ["a", "b", "c"])).toEqual({ release: [3], take: 0, target: 1 });
    expect(planShards("c", leases, ["a", "b", "c"])).toEqual({ release: [], take: 0, target: 1 });
  });
});
