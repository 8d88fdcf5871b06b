/** The throwaway PostgreSQL of the tests (test/support/postgres.ts), reached with `pg` through the server's pool. */
import { describe, expect, it } from "vitest";
import { usePostgres } from "../../../test/support/postgres.js";
import { createPgPool } from "./pool.js";

const server = usePostgres();

describe("a throwaway PostgreSQL", () => {
  it("answers pg on its postgres:// URL, as a server of Debian's major version", async () => {
    const pool = createPgPool(server.database());
    try {
      const { rows } = await pool.query<{ v: string; n: number }>("SELECT current_setting('server_version_num') AS v, 41::bigint + 1 AS n");
      expect(Number(rows[0]!.v)).toBeGreaterThanOrEqual(130000);
      // bigint comes back as a number (epoch ms and counters), not pg's string.
      expect(rows[0]!.n).toBe(42);
    } finally {
      await pool.end();
    }
  });

  it("gives every call of database() an empty database of its own", async () => {
    const a = createPgPool(server.database());
    const b = createPgPool(server.database());
    try {
      await a.query("CREATE TABLE only_here (x int)");
      const { rows } = await b.query("SELECT to_regclass('only_here') AS t");
      expect(rows[0]!.t).toBeNull();
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it("refuses a bigint beyond 2^53 rather than rounding it", async () => {
    const pool = createPgPool(server.database());
    try {
      await expect(pool.query("SELECT 9007199254740993::bigint AS n")).rejects.toThrow(/beyond 2\^53/);
    } finally {
      await pool.end();
    }
  });

  it("says what a URL that is not postgres:// should look like, without echoing its password", () => {
    expect(() => createPgPool("mysql://u:secret@db/footfall")).toThrow(/postgres:\/\/user:password@host:5432\/footfall/);
    expect(() => createPgPool("mysql://u:secret@db/footfall")).not.toThrow(/secret/);
  });
});
