/**
 * FOOTFALL_PG_INGEST_NICE on Debian's PostgreSQL with its prioritize extension (postgresql-NN-prioritize, installed by
 * .ci/run): the backends of the commits' pool run at the asked nice value, read back from /proc as the kernel has it,
 * while other connections keep theirs; a database without the extension (a user who may not make it) still opens, and
 * the operator is told once what to install.
 */
import { readFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { postgresBinDir, usePostgres } from "../../../test/support/postgres.js";
import { configFromEnv } from "../config.js";
import { openPgStorage } from "./adapter.js";
import { backendNiceSql, createPgPool } from "./pool.js";

const server = usePostgres();

/** The nice value of a process of this machine (field 19 of /proc/<pid>/stat). */
function niceOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(") ") + 2).split(" ")[16]);
}

/** The nice values of `n` connections of `pool` held at once (so that they are `n` different backends). */
async function nicesOf(pool: pg.Pool, n: number): Promise<number[]> {
  const clients = await Promise.all(Array.from({ length: n }, () => pool.connect()));
  try {
    const pids = await Promise.all(clients.map(async (c) => (await c.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid));
    expect(new Set(pids).size).toBe(n);
    return pids.map(niceOf);
  } finally {
    for (const c of clients) c.release();
  }
}

describe("the commits' backends at a lower CPU priority (FOOTFALL_PG_INGEST_NICE)", () => {
  it("has Debian's prioritize extension to test with", async () => {
    const pool = createPgPool(server.server.url());
    server.onClose(() => pool.end());
    const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'prioritize'");
    const major = basename(dirname(postgresBinDir()));
    expect(rows[0]!.n, `PostgreSQL ${major} has no prioritize extension: apt-get install postgresql-${major}-prioritize (.ci/run does)`).toBe(1);
  });

  it("gives every connection of the commits' pool the nice value, the first one included, and leaves other connections at 0", async () => {
    const warnings: string[] = [];
    const storage = await openPgStorage(server.database(), { ingestNice: 10, onWarn: (m) => warnings.push(m), tokenCacheMs: 0 });
    server.onClose(() => storage.close());
    expect(warnings).toEqual([]);
    // The connection open() probed with, then two opened later.
    expect(await nicesOf(storage.pool, 3)).toEqual([10, 10, 10]);
    const other = createPgPool(server.server.url());
    server.onClose(() => other.end());
    expect(await nicesOf(other, 2)).toEqual([0, 0]);
  });

  it("asks for nothing with 0, FOOTFALL_PG_INGEST_NICE's default", async () => {
    const storage = await openPgStorage(server.database(), { ingestNice: 0, tokenCacheMs: 0 });
    server.onClose(() => storage.close());
    expect(await nicesOf(storage.pool, 2)).toEqual([0, 0]);
  });

  it("opens without the extension where the user may not make it, says once what to install, and stores as usual", async () => {
    const url = server.database();
    const name = new URL(url).pathname.slice(1);
    const admin = createPgPool(url);
    server.onClose(() => admin.end());
    await admin.query("CREATE ROLE plain_owner LOGIN NOSUPERUSER");
    await admin.query(`ALTER DATABASE ${name} OWNER TO plain_owner`);
    await admin.query("ALTER SCHEMA public OWNER TO plain_owner");
    const plainUrl = url.replace(/\/\/[^@]+@/, "//plain_owner@");
    const warnings: string[] = [];
    const storage = await openPgStorage(plainUrl, { ingestNice: 10, onWarn: (m) => warnings.push(m), tokenCacheMs: 0 });
    server.onClose(() => storage.close());
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/no prioritize extension .*permission denied/);
    expect(warnings[0]).toMatch(/postgresql-<major>-prioritize.*CREATE EXTENSION prioritize.*FOOTFALL_PG_INGEST_NICE=0/);
    expect(await nicesOf(storage.pool, 2)).toEqual([0, 0]);
    // The storage works as without: a store made and read back.
    await storage.stores.ensure("s1", "Store one", 1_700_000_000_000);
    expect((await storage.stores.get("s1"))?.name).toBe("Store one");
  });

  it("is off unless FOOTFALL_PG_INGEST_NICE asks, and a value out of 0-19 stops the start saying so", () => {
    expect(configFromEnv({}).pgIngestNice).toBe(0);
    expect(configFromEnv({ FOOTFALL_PG_INGEST_NICE: "10" }).pgIngestNice).toBe(10);
    expect(() => configFromEnv({ FOOTFALL_PG_INGEST_NICE: "20" })).toThrow(/FOOTFALL_PG_INGEST_NICE="20" must be an integer between 0 and 19/);
  });

  it("takes only an integer from 1 to 19 into its statement", () => {
    expect(backendNiceSql(19)).toContain("set_backend_priority(pg_backend_pid(), 19)");
    for (const bad of [0, 20, -1, 2.5, Number.NaN]) expect(() => backendNiceSql(bad)).toThrow(/integer 1-19/);
  });
});
