/**
 * Stores into shards, shards onto servers: the pure half of the chain's ownership (issue 12).
 *
 * Stores are hashed into a fixed number of shards; each shard is ingested by one server at a time
 * through a lease in the database (leases.ts). Every server plans its own moves from the same
 * snapshot of leases and live servers with {@link planShards}; the plans of all servers together
 * converge to a fair split (each live server holds ⌊S/N⌋ or ⌈S/N⌉ shards) and move only what must
 * move: a server that dies loses its shards to the others, a server that joins takes only the
 * others' excess.
 */

/** Shards of a chain unless configured otherwise: enough to spread over dozens of servers, few enough to list. */
export const DEFAULT_SHARDS = 64;

/**
 * FNV-1a, 32 bits, over the UTF-8 bytes of `text`: a stable hash that any language (and SQL) can
 * compute again, so the shard of a store never depends on a runtime's string hashing.
 */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The shard (0 .. shards-1) that holds `store`. */
export function shardOf(store: string, shards: number = DEFAULT_SHARDS): number {
  if (!Number.isInteger(shards) || shards < 1) throw new Error(`the number of shards must be a positive integer, not ${shards}`);
  return fnv1a32(store) % shards;
}

/**
 * How many shards each live server should hold: ⌊S/N⌋, and one more for the first S mod N servers
 * in id order. Every server computes the same split from the same set of live servers.
 */
export function fairShare(shards: number, servers: readonly string[]): Map<string, number> {
  const sorted = [...new Set(servers)].sort();
  const out = new Map<string, number>();
  if (sorted.length === 0) return out;
  const base = Math.floor(shards / sorted.length);
  const extra = shards % sorted.length;
  sorted.forEach((id, i) => out.set(id, base + (i < extra ? 1 : 0)));
  return out;
}

/** One lease as a server sees it in a snapshot. */
export interface LeaseView {
  shard: number;
  /** Holder, or null when released or never held. */
  owner: string | null;
  /** Its lease has run out (it may be taken, whoever held it). */
  expired: boolean;
}

/** What one server does in one round. */
export interface ShardPlan {
  /** Shards it holds beyond its fair share: released, highest first. */
  release: number[];
  /** How many free shards it should take (the database picks which: whichever are free first). */
  take: number;
  /** Its fair share now. */
  target: number;
}

/**
 * Whether a lease may be taken now: nobody holds it or it ran out. A holder that stopped
 * heartbeating keeps its shards until its lease runs out (it may still be finishing a commit;
 * fencing would refuse it, but there is no need to race it): heartbeats and leases share one TTL.
 */
export function isFree(lease: LeaseView): boolean {
  return lease.owner === null || lease.expired;
}

/**
 * The moves of server `self` given every lease and the live servers (`self` among them): release
 * what it holds beyond its fair share, take free shards up to it. A server never takes more than it
 * lacks and never releases while at or under its share, so shards move only from servers that hold
 * too many (or are gone) to servers that hold too few.
 */
export function planShards(self: string, leases: readonly LeaseView[], liveServers: readonly string[]): ShardPlan {
  const live = new Set([...liveServers, self]);
  const target = fairShare(leases.length, [...live]).get(self)!;
  const held = leases
    .filter((l) => l.owner === self && !l.expired)
    .map((l) => l.shard)
    .sort((a, b) => b - a);
  if (held.length > target) return { release: held.slice(0, held.length - target), take: 0, target };
  const free = leases.filter((l) => isFree(l)).length;
  return { release: [], take: Math.min(target - held.length, free), target };
}
