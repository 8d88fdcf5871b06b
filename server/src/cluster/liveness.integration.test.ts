/**
 * The liveness lock against a real PostgreSQL (Debian's, started by the test): taken at start, and
 * taken later when the database could not give it a connection at first.
 */
import pg from "pg";
import { describe, expect, it } from "vitest";
import { usePostgres } from "../../../test/support/postgres.js";
import { waitFor } from "../../../test/support/wait.js";
import { LivenessLock, LIVENESS_LOCK_SPACE } from "./liveness.js";

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
});
