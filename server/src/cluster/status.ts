import type { PgQueryable } from "../storage-pg/pool.js";
import { DEFAULT_LEASE_TTL_MS } from "./leases.js";

/** One server of the chain as `footfall cluster status` shows it. */
export interface ClusterServerStatus {
  id: string;
  /** Heartbeat within the lease TTL. */
  live: boolean;
  startedAt: number;
  /** Since its last heartbeat. */
  heartbeatAgeMs: number;
  /** Shards it holds (lease not expired). */
  shards: number[];
  /** Since the least recent renewal among its leases (0 when it holds none). */
  oldestRenewalAgeMs: number;
  /** What it reports of itself (HTTP URL, ingest lag, ...). */
  info: Record<string, unknown>;
}

/** One shard's lease. */
export interface ShardLeaseStatus {
  shard: number;
  owner: string | null;
  epoch: number;
  /** Since the current owner took it, or null when nobody holds it. */
  heldForMs: number | null;
  /** Since its last renewal, or null when never held. */
  renewalAgeMs: number | null;
  /** Until it runs out (negative: ran out that long ago), or null when released. */
  expiresInMs: number | null;
}

export interface ClusterStatus {
  shards: number;
  servers: ClusterServerStatus[];
  leases: ShardLeaseStatus[];
  /** Shards nobody ingests now (released, or their holder's lease ran out). */
  unowned: number[];
}

const ageMs = (col: string) => `(extract(epoch FROM clock_timestamp() - ${col}) * 1000)::bigint`;

/**
 * The cluster as the database knows it, for `footfall cluster status` and /metrics: every member
 * with its heartbeat age and shards, every lease with its age and expiry, the shards nobody holds.
 * Ages come from the database's clock, like the leases themselves.
 */
export async function clusterStatus(db: PgQueryable, opts: { ttlMs?: number } = {}): Promise<ClusterStatus> {
  const ttlMs = opts.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const leases = (
    await db.query<{ shard: number; owner: string | null; epoch: number; held: number | null; renewed: number | null; expires: number | null }>(
      `SELECT shard, owner, epoch,
              CASE WHEN owner IS NULL THEN NULL ELSE ${ageMs("acquired_at")} END AS held,
              ${ageMs("renewed_at")} AS renewed,
              CASE WHEN expires_at = '-infinity' THEN NULL ELSE (extract(epoch FROM expires_at - clock_timestamp()) * 1000)::bigint END AS expires
         FROM shard_leases ORDER BY shard`,
    )
  ).rows.map((r) => ({ shard: r.shard, owner: r.owner, epoch: r.epoch, heldForMs: r.held, renewalAgeMs: r.renewed, expiresInMs: r.expires }));
  const servers = (
    await db.query<{ id: string; started: number; age: number; info: Record<string, unknown> }>(
      `SELECT id, (extract(epoch FROM started_at) * 1000)::bigint AS started, ${ageMs("heartbeat_at")} AS age, info FROM cluster_servers ORDER BY id`,
    )
  ).rows;
  const holding = (l: ShardLeaseStatus) => l.owner !== null && (l.expiresInMs ?? -1) > 0;
  const byOwner = new Map<string, ShardLeaseStatus[]>();
  for (const l of leases) if (holding(l)) byOwner.set(l.owner!, [...(byOwner.get(l.owner!) ?? []), l]);
  const known = new Set(servers.map((s) => s.id));
  // A holder without a heartbeat row (it was pruned, or wrote none): still listed, as not live.
  const ids = [...servers.map((s) => s.id), ...[...byOwner.keys()].filter((id) => !known.has(id))];
  return {
    shards: leases.length,
    servers: ids.map((id) => {
      const s = servers.find((x) => x.id === id);
      const mine = byOwner.get(id) ?? [];
      return {
        id,
        live: s !== undefined && s.age < ttlMs,
        startedAt: s?.started ?? 0,
        heartbeatAgeMs: s?.age ?? Infinity,
        shards: mine.map((l) => l.shard),
        oldestRenewalAgeMs: Math.max(0, ...mine.map((l) => l.renewalAgeMs ?? 0)),
        info: s?.info ?? {},
      };
    }),
    leases,
    unowned: leases.filter((l) => !holding(l)).map((l) => l.shard),
  };
}
