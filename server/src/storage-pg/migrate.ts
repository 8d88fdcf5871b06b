import type pg from "pg";
import type { MigrationEvent } from "../db/database.js";
import { PG_MIGRATIONS, type PgMigration } from "./schema.js";

/** The advisory lock migrations hold, so two servers starting at once apply each migration once. */
const MIGRATION_LOCK = 0x666f6f74; // "foot"

export interface MigrationResult {
  /** Schema version before. */
  from: number;
  /** Schema version now. */
  to: number;
  /** Versions applied by this call. */
  applied: number[];
}

/**
 * Brings the database to the newest schema: every migration not listed in `schema_migrations`, in the
 * list's order, each in its own transaction, under a session advisory lock (several servers may start
 * together; the first applies, the others find it done). A migration numbered below the database's
 * highest is applied too if the database never got it (new numbers go above the released ones,
 * db/migrations.test.ts; this is the second net). A database newer than this server is refused: an
 * older server would misread it. `onMigration` hears each step as SQLite's migrate tells it (the server logs an
 * upgrade's progress with logMigration, ../db/database.ts): the begin, each migration applied, the end.
 */
export async function migratePg(
  pool: pg.Pool,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
  onMigration?: (e: MigrationEvent) => void,
): Promise<MigrationResult> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      await client.query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT clock_timestamp())",
      );
      const { rows } = await client.query<{ version: number }>("SELECT version FROM schema_migrations");
      const done = new Set(rows.map((r) => r.version));
      const from = rows.reduce((top, r) => Math.max(top, r.version), 0);
      const latest = migrations.at(-1)?.version ?? 0;
      if (from > latest) {
        throw new Error(
          `the database's schema is version ${from}, newer than this server knows (${latest}): upgrade this server, or point it at another database`,
        );
      }
      const applied: number[] = [];
      const pending = migrations.filter((m) => !done.has(m.version));
      const began = Date.now();
      if (pending.length > 0) onMigration?.({ kind: "begin", from, to: latest, count: pending.length });
      for (const m of pending) {
        const start = Date.now();
        await client.query("BEGIN");
        try {
          await client.query(m.sql);
          await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
          await client.query("COMMIT");
        } catch (err) {
          await client.query("ROLLBACK").catch(() => {});
          throw new Error(`PostgreSQL migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
        }
        applied.push(m.version);
        onMigration?.({ kind: "applied", from, version: m.version, name: m.name, step: applied.length, of: pending.length, ms: Date.now() - start });
      }
      if (pending.length > 0) onMigration?.({ kind: "end", from, to: Math.max(from, latest), count: applied.length, ms: Date.now() - began });
      return { from, to: Math.max(from, latest), applied };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
    }
  } finally {
    client.release();
  }
}
