import { randomInt } from "node:crypto";
import type pg from "pg";

/**
 * A server's liveness read from its database session (issue 12). A server that holds shard leases
 * keeps a session-level advisory lock on a connection of its own and writes the lock's key beside
 * its heartbeat. A process that dies (`kill -9`, a crash, its machine gone) loses that connection:
 * PostgreSQL ends the session and the lock is gone within moments, while the dead server's leases
 * would last their TTL and a renewal period more (11-19 s in bench:chain). The other servers look
 * for missing locks every second and free a dead server's leases at once.
 *
 * This only makes a takeover sooner. The lease epochs still fence every write, so a live server
 * judged dead by mistake (its lock's connection cut while its others work) loses its shards to a
 * fenced takeover, writes nothing twice, and takes its fair share back at its next rounds.
 */

/** The first key of every server's two-key advisory lock ("Foot"); the second is the server's own. */
export const LIVENESS_LOCK_SPACE = 0x466f6f74;

type Queryable = Pick<pg.Pool, "query">;

/** Whether a session of this database holds the liveness lock whose second key is `key` (SQL; `key` an int column or parameter). */
const lockHeld = (key: string) => `EXISTS (
  SELECT 1 FROM pg_locks k
   WHERE k.locktype = 'advisory' AND k.granted AND k.objsubid = 2
     AND k.database = (SELECT oid FROM pg_database WHERE datname = current_database())
     AND k.classid = ${LIVENESS_LOCK_SPACE}::oid AND k.objid = (${key})::oid)`;

/**
 * The lock of one server, held on a connection taken from `pool` for as long as the server runs.
 * When that connection breaks, the lock is taken again on a new one (the same key when it is free);
 * meanwhile {@link held} is null and the heartbeat claims nothing, so the lease TTL alone applies.
 */
export class LivenessLock {
  private client: pg.PoolClient | null = null;
  private key: number | null = null;
  private closed = false;
  private retry: ReturnType<typeof setTimeout> | null = null;
  /** Taking the lock has failed since it was last held: further failures are not reported again. */
  private failing = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly o: { retryMs?: number; onError?: (err: Error) => void } = {},
  ) {}

  /** The second key of the lock held now, or null when none is held. */
  held(): number | null {
    return this.client ? this.key : null;
  }

  /**
   * Takes the lock, and keeps trying every `retryMs` while it cannot (the database unreachable):
   * resolves after the first attempt either way; a failure is reported once until the lock is held.
   */
  async start(): Promise<void> {
    await this.attempt();
  }

  /** One attempt to take the lock; on failure, reported unless already, and tried again later. */
  private async attempt(): Promise<void> {
    try {
      await this.acquire();
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.o.onError?.(new Error(`could not take the liveness lock (${(err as Error).message}); until it is held this server's shards move only when their leases run out; trying again`));
      this.failing = true;
      this.again();
    }
  }

  /** Takes the lock on a connection of its own; throws when the database cannot be reached. */
  private async acquire(): Promise<void> {
    if (this.closed || this.client) return;
    const client = await this.pool.connect();
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        // Keys are drawn at random: two servers drawing the same one is rare, and the second then draws again.
        const key = this.key ?? randomInt(1, 2 ** 31 - 1);
        const { rows } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1::int, $2::int) AS ok", [LIVENESS_LOCK_SPACE, key]);
        if (rows[0]?.ok) {
          if (this.closed) throw new Error("closed");
          this.key = key;
          this.client = client;
          client.on("error", (err: Error) => this.lost(client, err));
          return;
        }
        this.key = null;
      }
      throw new Error("no free liveness lock key in 5 draws");
    } catch (err) {
      client.release(true);
      throw err;
    }
  }

  /** The lock's connection broke: the lock is gone with its session; take it again until that works or {@link close}. */
  private lost(client: pg.PoolClient, err: Error): void {
    if (this.client !== client) return;
    this.client = null;
    client.release(err);
    this.o.onError?.(new Error(`the liveness lock's connection broke (${err.message}); taking the lock again`));
    this.again();
  }

  private again(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.attempt();
    }, this.o.retryMs ?? 250);
    this.retry.unref();
  }

  /** Ends the lock's session (the lock goes with it), as a crash would; nothing is taken again. */
  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const client = this.client;
    this.client = null;
    client?.release(true);
  }
}

/**
 * The server already live under `id` (its heartbeat, younger than `freshMs`, names a liveness lock a session holds): another
 * process started with the same FOOTFALL_SERVER_ID, whose MQTT sessions and leases this one would fight over. Null when none:
 * a server restarted under its id finds its old row without a held lock, or, when its machine vanished (a power cut: the
 * database keeps the dead session, and its lock, until TCP gives up on it, hours by default), with a heartbeat older than
 * the lease TTL, after which the other servers count it dead too.
 */
export async function liveServerNamed(db: Queryable, id: string, freshMs: number): Promise<{ heartbeatAgeMs: number; http: string | null } | null> {
  const { rows } = await db.query<{ age: number; http: string | null }>(
    `SELECT (extract(epoch FROM clock_timestamp() - s.heartbeat_at) * 1000)::int AS age, s.info->>'http' AS http
       FROM cluster_servers s
      WHERE s.id = $1 AND s.liveness_key IS NOT NULL AND s.heartbeat_at > clock_timestamp() - $2 * interval '1 millisecond'
        AND ${lockHeld("s.liveness_key")}`,
    [id, freshMs],
  );
  const row = rows[0];
  return row ? { heartbeatAgeMs: row.age, http: row.http } : null;
}

/** Servers other than `me` whose heartbeat names a liveness lock that no session holds now. */
export async function serversWithoutLock(db: Queryable, me: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT s.id FROM cluster_servers s WHERE s.id <> $1 AND s.liveness_key IS NOT NULL AND NOT ${lockHeld("s.liveness_key")} ORDER BY s.id`,
    [me],
  );
  return rows.map((r) => r.id);
}

/**
 * Servers judged dead: each one whose lock is still missing has its heartbeat removed (so it is
 * no longer counted live when the shards are shared out) and its leases marked run out now (so
 * they can be taken at once). Returns the servers removed and the shards each of them held.
 */
export async function reapDead(db: Queryable, servers: readonly string[]): Promise<{ id: string; shards: number[] }[]> {
  if (servers.length === 0) return [];
  const { rows } = await db.query<{ id: string; shards: number[] }>(
    `WITH dead AS (
       DELETE FROM cluster_servers s
        WHERE s.id = ANY($1::text[]) AND s.liveness_key IS NOT NULL AND NOT ${lockHeld("s.liveness_key")}
        RETURNING s.id),
     freed AS (
       UPDATE shard_leases l SET expires_at = clock_timestamp()
         FROM dead WHERE l.owner = dead.id AND l.expires_at > clock_timestamp()
         RETURNING l.owner, l.shard)
     SELECT d.id, coalesce(array_agg(f.shard ORDER BY f.shard) FILTER (WHERE f.shard IS NOT NULL), '{}') AS shards
       FROM dead d LEFT JOIN freed f ON f.owner = d.id GROUP BY d.id ORDER BY d.id`,
    [servers],
  );
  return rows;
}
