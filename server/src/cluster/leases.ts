import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { LivenessLock, reapDead, serversWithoutLock } from "./liveness.js";
import { DEFAULT_SHARDS, planShards, type LeaseView } from "./shards.js";

/** A shard this server holds, and the epoch that fences its writes. */
export interface Lease {
  shard: number;
  epoch: number;
}

/** A lease just taken, with the server that held it before (null: nobody, it was free or released; absent: not known, a lease held again). */
export interface TakenLease extends Lease {
  from?: string | null;
}

/** What the server does when its shards change; each is awaited before the lease changes further. */
export interface LeaseHooks {
  /** Leases taken: start ingesting these shards (subscribe their MQTT session). */
  acquired?(leases: readonly TakenLease[]): void | Promise<void>;
  /** About to hand these shards over (fair share, or shutdown): stop ingesting them; the release follows. */
  releasing?(shards: readonly number[]): void | Promise<void>;
  /** Lost without being asked (expired and taken, or not renewed in time): stop writing them at once. */
  lost?(shards: readonly number[]): void | Promise<void>;
}

export interface ShardLeasesOptions {
  /**
   * This process's id in the cluster, unique per process (a restarted server is a new member: its
   * old leases run out and move with a new epoch). Default: host name, pid and a random suffix.
   */
  serverId?: string;
  shards?: number;
  /** How long a lease (and a heartbeat) lasts without renewal. */
  ttlMs?: number;
  /** How often leases are renewed and the plan applied; well under `ttlMs`. */
  renewEveryMs?: number;
  hooks?: LeaseHooks;
  /** What `cluster status` shows for this server (e.g. its HTTP URL, ingest lag); refreshed at every heartbeat. */
  info?: () => Record<string, unknown>;
  /** A monotonic clock in ms (injectable); local deadlines of leases use it, never the wall clock. */
  monotonic?: () => number;
  /** Errors of the background loop (the database unreachable): logged by the caller. */
  onError?: (err: Error) => void;
  /**
   * With `start`: hold a liveness lock and watch the other servers' (default true). The leases of a
   * server whose database session ended (it died) are taken within about two checks, not when they
   * run out (./liveness.ts); off, the TTL alone moves them.
   */
  liveness?: boolean;
  /** How often the other servers' liveness locks are looked at (default 1,000 ms); missing at two looks in a row is dead. */
  livenessEveryMs?: number;
  /** Servers found dead by their missing lock, with the shards each held (taken over at once): for the log. */
  onDead?: (servers: readonly { id: string; shards: readonly number[] }[]) => void;
}

/** A write refused because the shard's lease moved on (another server holds it now, or it ran out). */
export class FencedError extends Error {
  constructor(readonly shards: readonly number[]) {
    super(
      `lease lost for shard${shards.length === 1 ? "" : "s"} ${shards.join(", ")}: another server ingests ${shards.length === 1 ? "it" : "them"} now; the write was not made`,
    );
    this.name = "FencedError";
  }
}

/** Default lease lifetime: a dead server's shards move within TTL + one renewal period (20 s < 30 s). */
export const DEFAULT_LEASE_TTL_MS = 15_000;
export const DEFAULT_RENEW_EVERY_MS = 5_000;

const ms = (n: number) => Math.round(n);

/**
 * Shard leases in PostgreSQL (table `shard_leases`, one row per shard; `cluster_servers` holds
 * heartbeats). Every statement that changes a lease is a single UPDATE, so two servers racing for a
 * shard are serialised by its row lock and exactly one wins:
 *
 * - take: `owner = me, epoch = epoch + 1` on up to n rows that are free (no owner, or expired),
 *   picked `FOR UPDATE SKIP LOCKED` (a shard whose owner is inside a fenced write is skipped);
 * - renew: `expires_at = now + ttl` where `owner = me`; a shard missing from the answer was taken;
 * - release: `owner = NULL` where `owner = me` and the shard is one of those handed over.
 *
 * Times are the database's clock (`clock_timestamp()`), so servers with skewed clocks agree on
 * expiry; locally a lease counts as held only until the moment its last renewal was *sent* plus the
 * TTL (monotonic clock), so a server cut off from the database stops writing before anyone may take
 * over. Writes are fenced by epoch ({@link fencedTransaction}).
 */
export class ShardLeases {
  readonly serverId: string;
  readonly shards: number;
  readonly ttlMs: number;
  readonly renewEveryMs: number;
  private readonly held = new Map<number, { epoch: number; validUntil: number }>();
  private readonly monotonic: () => number;
  private running: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setInterval> | null = null;
  private watcher: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  /** This server's liveness lock (with `start` and `liveness`), and the others seen without theirs: id -> looks in a row. */
  private lock: LivenessLock | null = null;
  private readonly suspects = new Map<string, number>();
  /** The last round took fewer shards than it planned (one held in a fenced write, a race): the liveness loop tries again. */
  private short = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly opts: ShardLeasesOptions = {},
  ) {
    this.serverId = opts.serverId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
    this.shards = opts.shards ?? DEFAULT_SHARDS;
    this.ttlMs = opts.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    this.renewEveryMs = opts.renewEveryMs ?? DEFAULT_RENEW_EVERY_MS;
    this.monotonic = opts.monotonic ?? (() => performance.now());
    if (!Number.isInteger(this.shards) || this.shards < 1 || this.shards > 4096)
      throw new Error(`FOOTFALL_SHARDS must be an integer from 1 to 4096, not ${this.shards}`);
    if (this.renewEveryMs * 2 > this.ttlMs)
      throw new Error(`leases are renewed every ${this.renewEveryMs} ms but last ${this.ttlMs} ms: renew at least twice a TTL`);
  }

  /**
   * Creates the lease rows (once per database) and checks that the database is split into as many
   * shards as this server expects: servers that disagree would hash stores to different shards.
   */
  async init(): Promise<void> {
    // Only into an empty table: a server configured for more shards must not add rows to a split that exists.
    await this.pool.query(
      "INSERT INTO shard_leases (shard) SELECT generate_series(0, $1::int - 1) WHERE NOT EXISTS (SELECT 1 FROM shard_leases) ON CONFLICT DO NOTHING",
      [this.shards],
    );
    const { rows } = await this.pool.query<{ n: number; top: number }>("SELECT count(*)::int AS n, max(shard) AS top FROM shard_leases");
    const { n, top } = rows[0]!;
    if (n !== this.shards || top !== this.shards - 1) {
      throw new Error(
        `the database's stores are split into ${n} shards, this server is configured for ${this.shards}: give every server the same FOOTFALL_SHARDS (${n})`,
      );
    }
  }

  /**
   * Joins: init, the liveness lock, a first round at once, then a round every `renewEveryMs` and a look
   * at the others' liveness locks every `livenessEveryMs` in the background.
   */
  async start(): Promise<void> {
    await this.init();
    const onError = (err: unknown) => this.opts.onError?.(err instanceof Error ? err : new Error(String(err)));
    if (this.opts.liveness !== false) {
      this.lock = new LivenessLock(this.pool, { onError });
      // Without the lock this server claims nothing and its leases move on their TTL alone; it keeps trying.
      await this.lock.start();
    }
    await this.tick();
    this.timer = setInterval(() => this.tick().catch(onError), this.renewEveryMs);
    this.timer.unref();
    if (this.lock) {
      this.watcher = setInterval(() => this.watch().catch(onError), this.opts.livenessEveryMs ?? 1000);
      this.watcher.unref();
    }
  }

  /** One look at the other servers' liveness locks (serialised with the rounds); the dead ones' shards are taken now. */
  watch(): Promise<void> {
    const look = this.running.then(async () => {
      if (this.closed) return;
      const missing = new Set(await serversWithoutLock(this.pool, this.serverId));
      for (const id of this.suspects.keys()) if (!missing.has(id)) this.suspects.delete(id);
      const dead: string[] = [];
      for (const id of missing) {
        const looks = (this.suspects.get(id) ?? 0) + 1;
        this.suspects.set(id, looks);
        // Twice in a row: a server whose connection was cut by a database restart has taken its lock again by then.
        if (looks >= 2) dead.push(id);
      }
      const reaped = await reapDead(this.pool, dead);
      for (const r of reaped) this.suspects.delete(r.id);
      if (reaped.length > 0) this.opts.onDead?.(reaped);
      if (reaped.length > 0 || this.short) await this.round();
    });
    this.running = look.catch(() => {});
    return look;
  }

  /** The leases held now (locally still valid). */
  leases(): Lease[] {
    const now = this.monotonic();
    return [...this.held]
      .filter(([, l]) => l.validUntil > now)
      .map(([shard, l]) => ({ shard, epoch: l.epoch }))
      .sort((a, b) => a.shard - b.shard);
  }

  /**
   * The lease of `shard` as this server last held it, even when its local deadline has passed (a
   * renewal late because the database is slow), or null when it was released or found lost. For
   * the fence, which asks the database itself whether it still holds.
   */
  lastLease(shard: number): Lease | null {
    const l = this.held.get(shard);
    return l ? { shard, epoch: l.epoch } : null;
  }

  /** The lease of `shard` if this server holds it now, else null. */
  lease(shard: number): Lease | null {
    const l = this.held.get(shard);
    return l && l.validUntil > this.monotonic() ? { shard, epoch: l.epoch } : null;
  }

  /** One round (serialised: a round never overlaps the previous one): heartbeat, renew, plan, release or take. */
  tick(): Promise<void> {
    const round = this.running.then(() => (this.closed ? undefined : this.round()));
    this.running = round.catch(() => {});
    return round;
  }

  private async round(): Promise<void> {
    const sentAt = this.monotonic();
    try {
      await this.heartbeat();
      await this.renew(sentAt);
    } catch (err) {
      await this.dropExpired();
      throw err;
    }
    const { leases, live } = await this.snapshot();
    const plan = planShards(this.serverId, leases, live);
    if (plan.release.length > 0) await this.release(plan.release);
    this.short = plan.take > 0 && (await this.take(plan.take)) < plan.take;
  }

  private async heartbeat(): Promise<void> {
    await this.pool.query(
      `INSERT INTO cluster_servers (id, info, liveness_key) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = clock_timestamp(), info = excluded.info, liveness_key = excluded.liveness_key`,
      [this.serverId, JSON.stringify(this.opts.info?.() ?? {}), this.lock?.held() ?? null],
    );
    // Members gone for an hour and holding nothing are forgotten.
    await this.pool.query(
      "DELETE FROM cluster_servers WHERE heartbeat_at < clock_timestamp() - interval '1 hour' AND NOT EXISTS (SELECT 1 FROM shard_leases WHERE owner = cluster_servers.id)",
    );
  }

  private async renew(sentAt: number): Promise<void> {
    const { rows } = await this.pool.query<{ shard: number; epoch: number }>(
      `UPDATE shard_leases SET renewed_at = clock_timestamp(), expires_at = clock_timestamp() + $2 * interval '1 millisecond'
        WHERE owner = $1 RETURNING shard, epoch`,
      [this.serverId, ms(this.ttlMs)],
    );
    const now = new Map(rows.map((r) => [r.shard, r.epoch]));
    const lost: number[] = [];
    for (const [shard, l] of this.held) if (now.get(shard) !== l.epoch) lost.push(shard);
    for (const shard of lost) this.held.delete(shard);
    // Held again after a gap (this server could not renew in time, dropped them, and nobody took them): ingest them again.
    const regained = rows.filter((r) => !this.held.has(r.shard));
    for (const [shard, epoch] of now) this.held.set(shard, { epoch, validUntil: sentAt + this.ttlMs });
    if (lost.length > 0) await this.opts.hooks?.lost?.(lost.sort((a, b) => a - b));
    if (regained.length > 0) await this.opts.hooks?.acquired?.(regained.sort((a, b) => a.shard - b.shard));
  }

  /** The database could not be reached: leases whose local deadline passed are lost (someone may hold them now). */
  private async dropExpired(): Promise<void> {
    const now = this.monotonic();
    const lost = [...this.held].filter(([, l]) => l.validUntil <= now).map(([shard]) => shard);
    for (const shard of lost) this.held.delete(shard);
    if (lost.length > 0) await this.opts.hooks?.lost?.(lost.sort((a, b) => a - b));
  }

  private async snapshot(): Promise<{ leases: LeaseView[]; live: string[] }> {
    const leases = await this.pool.query<LeaseView>("SELECT shard, owner, expires_at <= clock_timestamp() AS expired FROM shard_leases ORDER BY shard");
    const live = await this.pool.query<{ id: string }>(
      "SELECT id FROM cluster_servers WHERE heartbeat_at > clock_timestamp() - $1 * interval '1 millisecond'",
      [ms(this.ttlMs)],
    );
    return { leases: leases.rows, live: live.rows.map((r) => r.id) };
  }

  /** Takes up to `n` free shards; returns how many it got. */
  private async take(n: number): Promise<number> {
    const sentAt = this.monotonic();
    // The owner before (an expired lease keeps its owner: a dead server's, which the takeover's log line names).
    const { rows } = await this.pool.query<TakenLease>(
      `WITH picked AS (
         SELECT shard, owner FROM shard_leases
          WHERE owner IS NULL OR expires_at <= clock_timestamp()
          ORDER BY shard LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE shard_leases l
          SET owner = $1, epoch = l.epoch + 1, acquired_at = clock_timestamp(), renewed_at = clock_timestamp(),
              expires_at = clock_timestamp() + $3 * interval '1 millisecond'
         FROM picked WHERE l.shard = picked.shard
        RETURNING l.shard, l.epoch, picked.owner AS "from"`,
      [this.serverId, n, ms(this.ttlMs)],
    );
    for (const r of rows) this.held.set(r.shard, { epoch: r.epoch, validUntil: sentAt + this.ttlMs });
    if (rows.length > 0) await this.opts.hooks?.acquired?.(rows.sort((a, b) => a.shard - b.shard));
    return rows.length;
  }

  /** Hands `shards` over: the hook stops their ingest first, then the leases are freed for others to take at once. */
  private async release(shards: readonly number[]): Promise<void> {
    const mine = shards.filter((s) => this.held.has(s));
    if (mine.length === 0) return;
    await this.opts.hooks?.releasing?.(mine);
    for (const s of mine) this.held.delete(s);
    await this.pool.query(
      "UPDATE shard_leases SET owner = NULL, expires_at = '-infinity', renewed_at = clock_timestamp() WHERE owner = $1 AND shard = ANY($2::int[])",
      [this.serverId, mine],
    );
  }

  /**
   * Runs `fn` in a transaction that first checks, under a share lock on the lease rows, that this
   * server still holds every shard in `shards` with the epoch it was given: a takeover (an UPDATE of
   * those rows) waits for the transaction, and a server whose lease moved on gets a
   * {@link FencedError} and writes nothing.
   */
  async fencedTransaction<T>(shards: readonly number[], fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const wanted = [...new Set(shards)].sort((a, b) => a - b);
    const leases = wanted.map((s) => this.lease(s));
    const missing = wanted.filter((_, i) => leases[i] === null);
    if (missing.length > 0) throw new FencedError(missing);
    return fencedTransaction(this.pool, this.serverId, leases as Lease[], fn);
  }

  /** Leaves: no more rounds, every shard handed over (so the others take them at once), the heartbeat removed. */
  async stop(): Promise<void> {
    this.stopTimers();
    await this.running;
    this.closed = true;
    try {
      await this.release([...this.held.keys()]);
      await this.pool.query("DELETE FROM cluster_servers WHERE id = $1", [this.serverId]);
    } finally {
      this.lock?.close();
    }
  }

  /**
   * Stops the background rounds without handing anything over, and ends the liveness lock's session
   * (a crash, for tests): the others take the shards after two looks, or when the leases run out.
   */
  abandon(): void {
    this.stopTimers();
    this.closed = true;
    this.lock?.close();
  }

  private stopTimers(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.watcher) clearInterval(this.watcher);
    this.timer = this.watcher = null;
  }
}

/**
 * A transaction fenced by lease epochs: `SELECT ... FOR KEY SHARE` of the lease rows of `leases`
 * owned by `owner` with exactly those epochs; if any moved, {@link FencedError} and a rollback,
 * else `fn` runs and the transaction commits. Ingest's group commit runs inside it.
 */
export async function fencedTransaction<T>(pool: pg.Pool, owner: string, leases: readonly Lease[], fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query("BEGIN");
    try {
      const ok = await fence(client, owner, leases);
      if (ok.size !== leases.length) throw new FencedError(leases.filter((l) => !ok.has(l.shard)).map((l) => l.shard));
      const result = await fn(client);
      await client.query("COMMIT");
      return result;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      throw err;
    }
  } finally {
    client.release(broken);
  }
}

/**
 * The fencing check, inside the caller's transaction (`client` has begun one): the shards of
 * `leases` that `owner` still holds with exactly those epochs, each lease row locked `FOR KEY
 * SHARE` until the transaction ends. A takeover picks rows `FOR UPDATE SKIP LOCKED`, which that lock
 * blocks, so a shard never moves under a write in flight; renewals and releases (UPDATEs of no key
 * column) do not conflict with it, so a renewal never waits for the commits in flight, and commits
 * never queue behind a renewal (with `FOR SHARE` every renewal stalled every commit of the server).
 * Shards missing from the answer moved on: write nothing for them.
 */
export async function fence(client: Pick<pg.PoolClient, "query">, owner: string, leases: readonly Lease[]): Promise<Set<number>> {
  if (leases.length === 0) return new Set();
  const { rows } = await client.query<{ shard: number }>(
    `SELECT l.shard FROM shard_leases l
       JOIN unnest($2::int[], $3::bigint[]) AS f(shard, epoch) ON f.shard = l.shard AND f.epoch = l.epoch
      WHERE l.owner = $1
      FOR KEY SHARE OF l`,
    [owner, leases.map((l) => l.shard), leases.map((l) => l.epoch)],
  );
  return new Set(rows.map((r) => r.shard));
}
