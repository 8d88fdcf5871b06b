/**
 * A PostgreSQL server's upgrade says in the server's log what it does to the database, in the words SQLite's does
 * (../db/upgrade-log.integration.test.ts, logMigration): the schema version it starts from and goes to, each migration
 * as it is applied (n of m, how long), and the end; a new database says it was created (one line), a start with
 * nothing to apply says nothing of the schema. Before, migratePg applied its migrations without a word, so an operator
 * watching `journalctl -u footfall` after an upgrade could not tell a long migration from a hung start. Debian's
 * PostgreSQL (started by the test), a database brought to schema version 16 by today's first migrations, then
 * startServer on it (embedded broker).
 */
import { afterEach, describe, expect, it } from "vitest";
import { localServerConfig } from "../../../test/support/in-process.js";
import { logLines } from "../../../test/support/log-lines.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { tempDir } from "../../../test/support/wait.js";
import { startServer } from "../server.js";
import { migratePg } from "./migrate.js";
import { createPgPool } from "./pool.js";
import { PG_MIGRATIONS } from "./schema.js";

const postgres = usePostgres();
const NEWEST = PG_MIGRATIONS.at(-1)!.version;
const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

/** Starts a server on the database at `url` and stops it; the schema lines (those with `from` or a migration `version`) it logged. */
async function schemaLines(url: string): Promise<Record<string, unknown>[]> {
  const dir = tempDir("footfall-pg-upgrade-log-");
  dirs.push(dir);
  const { log, lines } = logLines("info");
  const server = await startServer(localServerConfig(dir.path, { databaseUrl: url }), { log, uiDir: null });
  await server.close();
  return lines.filter((l) => "from" in l || ("version" in l && "step" in l));
}

describe("the server's log of PostgreSQL schema migrations", () => {
  it("an upgrade says where from and to, each migration as it is applied, and the end", async () => {
    const url = postgres.database("footfall_upgrade_log");
    const pool = createPgPool(url);
    try {
      await migratePg(pool, PG_MIGRATIONS.filter((m) => m.version <= 16));
    } finally {
      await pool.end();
    }
    const pending = PG_MIGRATIONS.filter((m) => m.version > 16);

    const lines = await schemaLines(url);
    expect(lines[0]).toMatchObject({ level: 30, from: 16, to: NEWEST, migrations: pending.length });
    expect(lines[0]!.msg).toBe(
      `upgrading the database from schema version 16 to ${NEWEST}: ${pending.length} migrations, each logged as it is applied (on a big database this may take minutes: let it finish)`,
    );
    const steps = lines.slice(1, -1);
    expect(steps.map((l) => [l.version, l.step, l.of])).toEqual(pending.map((m, i) => [m.version, i + 1, pending.length]));
    for (const l of steps) {
      const m = pending.find((x) => x.version === l.version)!;
      expect(l.level).toBe(30);
      expect(l.msg).toBe(`schema migration ${m.version} applied (${String(l.step)} of ${pending.length}, ${String(l.ms)} ms): ${m.name}`);
    }
    expect(lines.at(-1)).toMatchObject({ level: 30, from: 16, to: NEWEST, migrations: pending.length });
    expect(lines.at(-1)!.msg).toMatch(new RegExp(`^database upgraded from schema version 16 to ${NEWEST} in \\d+ ms$`));

    // The next start has nothing to apply, and says nothing of the schema.
    expect(await schemaLines(url)).toEqual([]);
  }, 120_000);

  it("a new database: one line that it was created, its steps only at debug", async () => {
    const lines = await schemaLines(postgres.database("footfall_new_log"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, from: 0, to: NEWEST, msg: `new database created at schema version ${NEWEST}` });
  }, 120_000);
});
