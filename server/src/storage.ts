import { AggregatesRepo } from "./aggregates/aggregates-repo.js";
import { backfillAggregates, type BackfillOptions } from "./aggregates/backfill.js";
import { openDatabase, type Db } from "./db/database.js";
import { AgentsRepo } from "./db/repos/agents.js";
import { DepartmentsRepo } from "./db/repos/departments.js";
import { EventsRepo } from "./db/repos/events.js";
import { ExperimentsRepo } from "./db/repos/experiments.js";
import { SalesRepo } from "./db/repos/sales.js";
import { StoresRepo } from "./db/repos/stores.js";
import { TokensRepo } from "./db/repos/tokens.js";

/**
 * Everything the server keeps, behind one object: the SQLite adapter today; a PostgreSQL one
 * would implement the same repositories.
 */
export interface Storage {
  readonly stores: StoresRepo;
  readonly agents: AgentsRepo;
  readonly tokens: TokensRepo;
  readonly events: EventsRepo;
  readonly sales: SalesRepo;
  readonly departments: DepartmentsRepo;
  readonly experiments: ExperimentsRepo;
  /** Visits, trips, rollups and open visits derived from the events (updated in the ingest transaction). */
  readonly aggregates: AggregatesRepo;
  /** Build the aggregates of stores whose events predate them (a one-time upgrade); returns how many stores were built. */
  buildPendingAggregates(opts: BackfillOptions): Promise<number>;
  /** Run `fn` atomically (nested calls join the outer transaction). */
  transaction<T>(fn: () => T): T;
  ping(): boolean;
  close(): void;
}

export function openStorage(dataDir: string): Storage {
  const db: Db = openDatabase(dataDir);
  const events = new EventsRepo(db);
  const aggregates = new AggregatesRepo(db);
  return {
    stores: new StoresRepo(db),
    agents: new AgentsRepo(db),
    tokens: new TokensRepo(db),
    events,
    aggregates,
    buildPendingAggregates: (opts) => backfillAggregates(db, events, aggregates, opts, async (fn) => fn()),
    sales: new SalesRepo(db),
    departments: new DepartmentsRepo(db),
    experiments: new ExperimentsRepo(db),
    transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
    ping: () => db.prepare("SELECT 1 AS ok").get() !== undefined,
    close: () => db.close(),
  };
}
