/**
 * The server's storage: the interface (./storage/types.ts) and how one is opened. SQLite in the
 * data folder is the default; PostgreSQL with FOOTFALL_DATABASE_URL. Every adapter passes the
 * contract suite of ./storage/contract.ts.
 */
import { openSqliteStorage } from "./storage/sqlite.js";
import type { Storage } from "./storage/types.js";
import type { PgLinkEvent } from "./storage-pg/pool.js";
import type { MigrationEvent } from "./db/database.js";

export type * from "./storage/types.js";
export { ROLES } from "./storage/types.js";
export { openSqliteStorage };

export interface OpenStorageOptions {
  /** A postgres:// URL: PostgreSQL instead of SQLite in the data folder. */
  databaseUrl?: string | null;
  /** PostgreSQL: partitions are made back to this age at open (the oldest event ingest accepts). */
  maxEventAgeMs?: number;
  /** PostgreSQL: errors of idle connections and background upkeep (a lost connection goes to `onLink`). */
  onError?: (err: Error) => void;
  /** PostgreSQL: it stopped answering (once per outage, however many connections fail), and answers again. */
  onLink?: (event: PgLinkEvent) => void;
  /** PostgreSQL: connections at most. */
  poolMax?: number;
  /** PostgreSQL: connections for HTTP requests' and live clients' reads (0: they share the read pool; default 5). */
  interactivePoolMax?: number;
  /** PostgreSQL: the nice value (1-19) of the commits' backends, through the `prioritize` extension (0: not asked for). */
  ingestNice?: number;
  /** PostgreSQL: what the operator should know that does not stop the storage (the extension above missing). */
  onWarn?: (message: string) => void;
  /** Each step of the schema migrations a start applies, SQLite's or PostgreSQL's (the server logs an upgrade's progress). */
  onMigration?: (e: MigrationEvent) => void;
}

/** Open the storage: PostgreSQL when `databaseUrl` is given, else the SQLite database of a data folder (created when new, migrations applied). */
export async function openStorage(dataDir: string, opts: OpenStorageOptions = {}): Promise<Storage> {
  if (opts.databaseUrl) {
    // Loaded only when asked for: a SQLite server never loads pg.
    const { openPgStorage } = await import("./storage-pg/adapter.js");
    return openPgStorage(opts.databaseUrl, {
      ...(opts.maxEventAgeMs ? { maxEventAgeMs: opts.maxEventAgeMs + 86_400_000 } : {}),
      ...(opts.onError ? { onError: opts.onError } : {}),
      ...(opts.onLink ? { onLink: opts.onLink } : {}),
      ...(opts.poolMax ? { poolMax: opts.poolMax } : {}),
      ...(opts.interactivePoolMax !== undefined ? { interactivePoolMax: opts.interactivePoolMax } : {}),
      ...(opts.ingestNice ? { ingestNice: opts.ingestNice } : {}),
      ...(opts.onWarn ? { onWarn: opts.onWarn } : {}),
      ...(opts.onMigration ? { onMigration: opts.onMigration } : {}),
    });
  }
  return openSqliteStorage(dataDir, opts.onMigration ? { onMigration: opts.onMigration } : {});
}
