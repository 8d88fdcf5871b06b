/**
 * The liveness lock against a real PostgreSQL (Debian's, started by the test): taken at start, and
 * taken later when the database could not give it a connection at first.
 */
import pg from "pg";
import { describe, expect, it } from "vitest";
import { usePostgres } from "../../../test/support/postgres.js";
import { waitFor } from "../../../test/support/wait.js";
import { migratePg } from "../storage-pg/migrate.js";
import { liveServerNamed, LivenessLock, LIVENESS_LOCK_SPACE } from "./liveness.js";

const server = usePostgres();

describe("the liveness lock", () => {
  it("is taken later when no connection could be had at start, with the failure reported once", async () => {
    const url = server.database();
    const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 200 });
    server.onClose(() => pool.end());
    // The pool's one connection is busy: the lock's connection times out until it is given back.
    const busy = await pool.connect();
    const errors: string[] = [];
    const lock = new LivenessLock(pool, { retryMs: 100, onError: (err) => errors.push(err.message) });
    server.onClose(() => lock.close());
    await lock.start();
    expect(lock.held()).toBeNull();
    await new Promise((r) => setTimeout(r, 1000)); // several attempts, all failing
    expect(lock.held()).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/could not take the liveness lock .*trying again/);
    busy.release();
    const key = await waitFor("the lock to be held", () => lock.held() ?? undefined, { timeoutMs: 5000 });
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    server.onClose(() => other.end());
    const { rows } = await other.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 2",
      [LIVENESS_LOCK_SPACE, key],
    );
    expect(rows[0]!.n).toBe(1);
    lock.close();
    await waitFor("the lock to be gone with its session", async () => {
      const r = await other.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1::bigint::oid", [key]);
      return r.rows[0]!.n === 0;
    });
  });

  it("names a server of an id as running while its lock is held and its heartbeat fresh; not once it stopped, nor when only a dead machine's session holds the lock", async () => {
    const url = server.database();
    const pool = new pg.Pool({ connectionString: url, max: 3 });
    server.onClose(() => pool.end());
    await migratePg(pool);
    const lock = new LivenessLock(pool);
    server.onClose(() => lock.close());
    await lock.start();
    const key = lock.held();
    expect(key).not.toBeNull();
    const beat = (ageS: number) =>
      pool.query(
        `INSERT INTO cluster_servers (id, heartbeat_at, info, liveness_key) VALUES ('srv-1', clock_timestamp() - $1 * interval '1 second', '{"http":"http://a:8080"}', $2)
         ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, liveness_key = excluded.liveness_key`,
        [ageS, key],
      );
    // Running: a second process under srv-1 is refused, told where the first one answers.
    await beat(1);
    const twin = await liveServerNamed(pool, "srv-1", 15_000);
    expect(twin?.http).toBe("http://a:8080");
    expect(twin!.heartbeatAgeMs).toBeGreaterThanOrEqual(1000);
    expect(await liveServerNamed(pool, "srv-2", 15_000)).toBeNull();
    // Its machine lost power a minute ago: the database still holds its session and lock (TCP has not given up on it),
    // but no heartbeat came for longer than the lease TTL: the other servers count it dead, and it may start again.
    await beat(60);
    expect(await liveServerNamed(pool, "srv-1", 15_000)).toBeNull();
    // Stopped (or killed): its session, and so its lock, are gone, however fresh its last heartbeat.
    await beat(1);
    lock.close();
    await waitFor("the lock to be gone with its session", async () => (await liveServerNamed(pool, "srv-1", 15_000)) === null);
  });
});
