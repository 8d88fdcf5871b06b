/**
 * The SQLite adapter of the storage interface (./types.ts): the repository classes of ../db/repos
 * and ../aggregates (aggregates-repo.ts, path-store.ts, backfill.ts; synchronous, better-sqlite3)
 * behind async methods. Those files, ../db/database.ts and ../backup.ts are the only ones that know
 * SQLite; everything else goes through the interface.
 *
 * One connection serves everything, so transactions are serialized by an async lock: BEGIN
 * IMMEDIATE, the awaited `fn(tx)`, then COMMIT (ROLLBACK when it throws); savepoints for nested
 * rollback scopes. Writes made outside a transaction wait for the lock too, so that they never
 * land inside another caller's open transaction. Reads outside a transaction do not wait: on the
 * one connection they may see the writes of a transaction still open (SQLite's isolation within a
 * connection), which the ingest path commits within the same turn of the event loop.
 */
import { openDatabase, type Db, type MigrationEvent } from "../db/database.js";
import { AgentsRepo } from "../db/repos/agents.js";
import { DepartmentsRepo } from "../db/repos/departments.js";
import { EventsRepo } from "../db/repos/events.js";
import { ExperimentsRepo } from "../db/repos/experiments.js";
import { GroupsRepo } from "../db/repos/groups.js";
import { SalesRepo } from "../db/repos/sales.js";
import { StoresRepo } from "../db/repos/stores.js";
import { TokensRepo } from "../db/repos/tokens.js";
import { WebhooksRepo } from "../db/repos/webhooks.js";
import { alertStores } from "../alerts/store.js";
import { accuracyAuditStore } from "../audits/store.js";
import { forecastModelStore } from "../routes/forecast-store.js";
import { offlineSpansStore } from "../analytics/offline-spans.js";
import { AuditRepo, DigestsRepo } from "../db/repos/admin.js";
import { AggregatesRepo } from "../aggregates/aggregates-repo.js";
import { backfillAggregates } from "../aggregates/backfill.js";
import { verifyPasswordAsync } from "../auth/secrets.js";
import type { GroupsStore } from "./types.js";
import { chainStore } from "../aggregates/chain-reads.js";
import { buildStoreRollupsSqlite } from "../aggregates/store-rollups.js";
import type { AggregatesStore, AgentsStore, AuditStore, DigestsStore, DepartmentsStore, EventsStore, ExperimentsStore, SalesStore, Storage, StoresStore, TokensStore, WebhooksStore } from "./types.js";

/** A FIFO lock: holders run one at a time, in the order they asked. */
class AsyncLock {
  private held = false;
  private readonly waiters: (() => void)[] = [];

  /** Resolves once the lock is ours; `null` when it was free and is taken already (no await needed). */
  acquire(): Promise<void> | null {
    if (!this.held) {
      this.held = true;
      return null;
    }
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }
}

/** How a bound storage runs its statements: reads and writes. */
interface Runner {
  read<T>(fn: () => T): Promise<T>;
  write<T>(fn: () => T): Promise<T>;
}

function attempt<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err as Error);
  }
}

/** The connection, its repositories and its lock: shared by the root storage and every transaction's. */
class SqliteCore {
  readonly lock = new AsyncLock();
  readonly stores: StoresRepo;
  readonly agents: AgentsRepo;
  readonly tokens: TokensRepo;
  readonly groups: GroupsRepo;
  readonly events: EventsRepo;
  readonly sales: SalesRepo;
  readonly departments: DepartmentsRepo;
  readonly experiments: ExperimentsRepo;
  readonly aggregates: AggregatesRepo;
  readonly webhooks: WebhooksRepo;
  readonly audit: AuditRepo;
  readonly digests: DigestsRepo;
  closed = false;

  constructor(readonly db: Db) {
    this.stores = new StoresRepo(db);
    this.agents = new AgentsRepo(db);
    this.tokens = new TokensRepo(db);
    this.groups = new GroupsRepo(db);
    this.events = new EventsRepo(db);
    this.sales = new SalesRepo(db);
    this.departments = new DepartmentsRepo(db);
    this.experiments = new ExperimentsRepo(db);
    this.aggregates = new AggregatesRepo(db);
    this.webhooks = new WebhooksRepo(db);
    this.audit = new AuditRepo(db);
    this.digests = new DigestsRepo(db);
  }

  /** Runs a synchronous write under the lock (at once when it is free). */
  serialize<T>(fn: () => T): Promise<T> {
    const waiting = this.lock.acquire();
    if (waiting === null) {
      try {
        return attempt(fn);
      } finally {
        this.lock.release();
      }
    }
    return waiting.then(() => {
      try {
        return fn();
      } finally {
        this.lock.release();
      }
    });
  }

  /** After a rollback: caches filled from rows that no longer exist are dropped. */
  afterRollback(): void {
    this.aggregates.forgetPathIds();
  }
}

/** One transaction: open until its function settles; a savepoint depth for nested scopes. */
interface TxState {
  open: boolean;
  depth: number;
}

const rootRunner = (core: SqliteCore): Runner => ({
  read: (fn) => attempt(fn),
  write: (fn) => core.serialize(fn),
});

const txRunner = (tx: TxState): Runner => {
  const run = <T>(fn: () => T): Promise<T> => {
    if (!tx.open) return Promise.reject(new Error("storage: this transaction has ended; use the storage it was opened on"));
    return attempt(fn);
  };
  return { read: run, write: run };
};

/** A storage over `core` whose statements run through `r`: the root one, or one bound to a transaction (`tx`). */
function bind(core: SqliteCore, r: Runner, tx: TxState | null): Storage {
  const { db } = core;

  const stores: StoresStore = {
    list: () => r.read(() => core.stores.list()),
    get: (id) => r.read(() => core.stores.get(id)),
    ensure: (id, name, now) => r.write(() => core.stores.ensure(id, name, now)),
    layouts: (store) => r.read(() => core.stores.layouts(store)),
    versions: (store) => r.read(() => core.stores.versions(store)),
    saveLayout: (store, input, now) => r.write(() => core.stores.saveLayout(store as Parameters<StoresRepo["saveLayout"]>[0], input, now)),
    nameInForce: (store, now) => r.write(() => core.stores.nameInForce(store, now)),
    cancelLayout: (store, version, now) => r.write(() => core.stores.cancelLayout(store, version, now)),
    saveLayoutSeen: (store, input, now, seen) => r.write(() => core.stores.saveLayoutSeen(store as Parameters<StoresRepo["saveLayoutSeen"]>[0], input, now, seen)),
    replaceLayout: (store, version, input, now, seen) =>
      r.write(() => core.stores.replaceLayout(store as Parameters<StoresRepo["replaceLayout"]>[0], version, input, now, seen)),
  };

  const agents: AgentsStore = {
    add: (store, agent, kind, now) => r.write(() => core.agents.add(store, agent, kind, now)),
    credentials: (username) => r.read(() => core.agents.credentials(username)),
    authenticate: async (username, password) => {
      const row = await r.read(() => core.agents.credentials(username));
      if (!row || !(await verifyPasswordAsync(password, row.hash))) return undefined;
      return { store: row.store, agent: row.agent, kind: row.kind };
    },
    ownersOfClientId: (clientId) => r.read(() => core.agents.ownersOfClientId(clientId)),
    get: (store, agent) => r.read(() => core.agents.get(store, agent)),
    ofStores: (stores) => r.read(() => core.agents.ofStores(stores)),
    list: (store) => r.read(() => core.agents.list(store)),
    listAll: () => r.read(() => core.agents.listAll()),
    passwordEntries: () => r.read(() => core.agents.passwordEntries()),
    recordStatus: (store, agent, status, receivedAt) => r.write(() => core.agents.recordStatus(store, agent, status, receivedAt)),
    recordIngest: (store, agent, t) => r.write(() => core.agents.recordIngest(store, agent, t)),
    recordIngestMany: (tallies) => r.write(() => tallies.forEach((t) => core.agents.recordIngest(t.store, t.agent, t))),
    zoneAgents: (store, zone) => r.read(() => core.agents.zoneAgents(store, zone)),
    revoke: (store, agent, now) => r.write(() => core.agents.revoke(store, agent, now)),
    forgetUnusedStore: (store) => r.write(() => core.agents.forgetUnusedStore(store)),
  };

  const tokens: TokensStore = {
    create: (role, store, now, opts) => r.write(() => core.tokens.create(role, store, now, opts)),
    add: (role, store, now, label, expiresAt) => r.write(() => core.tokens.add(role, store, now, label ?? null, expiresAt ?? null)),
    check: async (token, now) => {
      const c = await r.read(() => core.tokens.inspect(token, now));
      // "Last used" is a courtesy: noted at most once a minute, never waited for, never failing the check.
      if (c.ok && core.tokens.wantsTouch(c.principal.tokenId, now)) r.write(() => core.tokens.touch(c.principal.tokenId, now)).catch(() => {});
      return c;
    },
    verify: async (token, now = Date.now()) => {
      const c = await tokens.check(token, now);
      return c.ok ? c.principal : undefined;
    },
    isValid: (id, now) => r.read(() => core.tokens.isValid(id, now)),
    get: (id) => r.read(() => core.tokens.get(id)),
    list: () => r.read(() => core.tokens.list()),
    revoke: (idOrToken, now) => r.write(() => core.tokens.revoke(idOrToken, now)),
    relabel: (id, label) => r.write(() => core.tokens.relabel(id, label)),
    onRevoked: (listener) => core.tokens.onRevoked(listener),
  };

  const groups: GroupsStore = {
    list: () => r.read(() => core.groups.list()),
    get: (id) => r.read(() => core.groups.get(id)),
    create: (id, name, kind, now) => r.write(() => core.groups.create(id, name, kind, now)),
    update: (id, patch) => r.write(() => core.groups.update(id, patch)),
    remove: (id) => r.write(() => core.groups.remove(id)),
    setStores: (id, stores) => r.write(() => core.groups.setStores(id, stores)),
    setGroupsOf: (store, ids) => r.write(() => core.groups.setGroupsOf(store, ids)),
    storesOf: (id) => r.read(() => core.groups.storesOf(id)),
    groupsOf: (store) => r.read(() => core.groups.groupsOf(store)),
  };

  // Many stores at once (the chain overview): the same statements on both adapters (../aggregates/chain-reads.ts).
  const chain = chainStore((text, args) => r.read(() => db.prepare(text).all(...args) as Record<string, unknown>[]), "sqlite");

  const events: EventsStore = {
    insertMany: (store, agent, list, receivedAt) => r.write(() => core.events.insertMany(store, agent, list, receivedAt)),
    insert: (store, agent, e, receivedAt) => r.write(() => core.events.insert(store, agent, e, receivedAt)),
    insertGroups: (groups, receivedAt) => r.write(() => groups.map((g) => core.events.insertMany(g.store, g.agent, g.events, receivedAt))),
    visitorEvents: (store, visitor) => r.read(() => core.events.visitorEvents(store, visitor)),
    visitorsEvents: (store, visitors, known) => r.read(() => core.events.visitorsEvents(store, visitors, known)),
    visitorsEventsMany: (requests) => r.read(() => new Map(requests.map((q) => [q.store, core.events.visitorsEvents(q.store, q.visitors, q.known)]))),
    total: (store) => r.read(() => core.events.total(store)),
    agentDoorSums: (store, agent, from, to) => r.read(() => core.events.agentDoorSums(store, agent, from, to)),
  };

  const sales: SalesStore = {
    insert: (store, rows, now) => r.write(() => core.sales.insert(store, rows, now)),
    totals: (store, from, to) => r.read(() => core.sales.totals(store, from, to)),
    byZone: (store, from, to) => r.read(() => core.sales.byZone(store, from, to)),
    newest: (store) => r.read(() => core.sales.newest(store)),
  };

  const departments: DepartmentsStore = {
    get: (store) => r.read(() => core.departments.get(store)),
    replace: (store, d) => r.write(() => core.departments.replace(store, d)),
    aliases: (store) => r.read(() => core.departments.aliases(store)),
  };

  const experiments: ExperimentsStore = {
    insert: (experiment, now, layoutOf) => r.write(() => core.experiments.insert(experiment, now, layoutOf)),
    get: <T>(id: string) => r.read(() => core.experiments.get<T>(id)),
    list: <T>() => r.read(() => core.experiments.list<T>()),
    remove: (id) => r.write(() => core.experiments.remove(id)),
  };

  const a = core.aggregates;
  const aggregates: AggregatesStore = {
    write: (store, delta) => r.write(() => a.write(store, delta)),
    markForBuild: (store) => r.write(() => a.markForBuild(store)),
    zoneTotals: (store, spans) => r.read(() => a.zoneTotals(store, spans)),
    zoneHistograms: (store, spans) => r.read(() => a.zoneHistograms(store, spans)),
    revisitsBefore: (store, x, y, before) => r.read(() => a.revisitsBefore(store, x, y, before)),
    revisitHoursOfPrev: (store, x, y, prev) => r.read(() => a.revisitHoursOfPrev(store, x, y, prev)),
    visitsIn: (store, zone, from, to) => r.read(() => a.visitsIn(store, zone, from, to)),
    visitCount: (store, zone, from, to) => r.read(() => a.visitCount(store, zone, from, to)),
    visitsInZones: (store, zones, from, to) => r.read(() => a.visitsInZones(store, zones, from, to)),
    visitCounts: (store, zones, from, to) => r.read(() => a.visitCounts(store, zones, from, to)),
    knownZones: (store) => r.read(() => a.knownZones(store)),
    zoneHours: (store, x, y) => r.read(() => a.zoneHours(store, x, y)),
    doorHours: (store, x, y) => r.read(() => a.doorHours(store, x, y)),
    firstHour: (store) => r.read(() => a.firstHour(store)),
    doorTotals: (store, spans) => r.read(() => a.doorTotals(store, spans)),
    countsIn: (store, from, to) => r.read(() => a.countsIn(store, from, to)),
    openVisitsSince: (store, since) => r.read(() => a.openVisitsSince(store, since)),
    pathReport: (store, spans, limit) => r.read(() => a.pathReport(store, spans, limit)),
    pathCounts: (store, spans) => r.read(() => a.pathCounts(store, spans)),
    tripStepsIn: (store, zones, from, to) => r.read(() => a.tripStepsIn(store, zones, from, to)),
    deleteRawBefore: (store, before, limit) => r.write(() => a.deleteRawBefore(store, before, limit)),
    deleteRollupsBefore: (store, before) => r.write(() => a.deleteRollupsBefore(store, before)),
  };

  const audit: AuditStore = {
    append: (e) => r.write(() => core.audit.append(e)),
    list: (q) => r.read(() => core.audit.list(q)),
    prune: (before, limit) => r.write(() => core.audit.prune(before, limit)),
  };

  const digests: DigestsStore = {
    list: () => r.read(() => core.digests.list()),
    get: (id) => r.read(() => core.digests.get(id)),
    save: (d, now) => r.write(() => core.digests.save(d, now)),
    remove: (id) => r.write(() => core.digests.remove(id)),
    claim: (id, period, now) => r.write(() => core.digests.claim(id, period, now)),
    settle: (id, outcome) => r.write(() => core.digests.settle(id, outcome)),
    pendingResend: (id, periodPrefix) => r.read(() => core.digests.pendingResend(id, periodPrefix)),
    noteResend: (id, deliveryId, pending) => r.write(() => core.digests.noteResend(id, deliveryId, pending)),
  };

  const w = core.webhooks;
  const webhooks: WebhooksStore = {
    create: (store, hook, now) => r.write(() => w.create(store, hook, now)),
    get: (id) => r.read(() => w.get(id)),
    list: (store) => r.read(() => w.list(store)),
    secret: (id) => r.read(() => w.secret(id)),
    update: (id, change) => r.write(() => w.update(id, change)),
    setHealth: (id, health) => r.write(() => w.setHealth(id, health)),
    remove: (id) => r.write(() => w.remove(id)),
    enqueue: (hookId, d, now) => r.write(() => w.enqueue(hookId, d, now)),
    heads: () => r.read(() => w.heads()),
    head: (hookId) => r.read(() => w.head(hookId)),
    claim: (hookId, deliveryId, by, now, leaseMs) => r.write(() => w.claim(hookId, deliveryId, by, now, leaseMs)),
    recordAttempt: (hookId, deliveryId, a, by) => r.write(() => w.recordAttempt(hookId, deliveryId, a, by)),
    getDelivery: (hookId, deliveryId) => r.read(() => w.getDelivery(hookId, deliveryId)),
    deliveries: (hookId, limit, before) => r.read(() => w.deliveries(hookId, limit, before)),
    prune: (hookId, keep) => r.write(() => w.prune(hookId, keep)),
  };

  // Opening hours and alerts: the same statements on both adapters (server/src/alerts/store.ts).
  const sql = (run: Runner["read"]) => (text: string, args: readonly unknown[]) =>
    run(() => {
      const stmt = db.prepare(text);
      if (stmt.reader) return stmt.all(...args) as Record<string, unknown>[];
      stmt.run(...args);
      return [];
    });
  const { hours, alerts } = alertStores(sql(r.read), sql(r.write), (b) => (b ? 1 : 0));
  const accuracyAudits = accuracyAuditStore(sql(r.read), sql(r.write));
  const forecastModels = forecastModelStore(sql(r.read), sql(r.write));
  const offlineSpans = offlineSpansStore(sql(r.read), sql(r.write));

  const storage: Storage = {
    kind: "sqlite",
    hours,
    alerts,
    accuracyAudits,
    forecastModels,
    offlineSpans,
    stores,
    agents,
    tokens,
    groups,
    chain,
    events,
    sales,
    departments,
    experiments,
    aggregates,
    webhooks,
    audit,
    digests,
    transaction: (fn) => (tx ? (tx.open ? fn(storage) : Promise.reject(new Error("storage: this transaction has ended"))) : transaction(core, fn)),
    savepoint: (fn) => (tx ? savepoint(core, tx, storage, fn) : transaction(core, fn)),
    buildPendingAggregates: (opts) => backfillAggregates(db, core.events, core.aggregates, opts, (fn) => core.serialize(fn)),
    buildStoreRollups: (progress) => buildStoreRollupsSqlite(db, (fn) => core.serialize(fn), progress),
    ping: () => r.read(() => void db.prepare("SELECT 1 AS ok").get()),
    close: async () => {
      if (tx) throw new Error("storage: close the storage, not a transaction");
      if (core.closed) return;
      await core.serialize(() => {
        core.closed = true;
        db.close();
      });
    },
  };
  return storage;
}

async function transaction<T>(core: SqliteCore, fn: (tx: Storage) => Promise<T>): Promise<T> {
  await core.lock.acquire();
  const state: TxState = { open: true, depth: 0 };
  try {
    core.db.exec("BEGIN IMMEDIATE");
  } catch (err) {
    state.open = false;
    core.lock.release();
    throw err;
  }
  try {
    const result = await fn(bind(core, txRunner(state), state));
    core.db.exec("COMMIT");
    return result;
  } catch (err) {
    if (core.db.inTransaction) {
      try {
        core.db.exec("ROLLBACK");
      } catch {
        /* SQLite rolled back already (a failed COMMIT, an I/O error) */
      }
    }
    core.afterRollback();
    throw err;
  } finally {
    state.open = false;
    core.lock.release();
  }
}

async function savepoint<T>(core: SqliteCore, tx: TxState, storage: Storage, fn: (tx: Storage) => Promise<T>): Promise<T> {
  if (!tx.open) throw new Error("storage: this transaction has ended");
  const name = `footfall_sp${++tx.depth}`;
  try {
    core.db.exec(`SAVEPOINT ${name}`);
    try {
      const result = await fn(storage);
      core.db.exec(`RELEASE ${name}`);
      return result;
    } catch (err) {
      if (core.db.inTransaction) {
        core.db.exec(`ROLLBACK TO ${name}`);
        core.db.exec(`RELEASE ${name}`);
      }
      core.afterRollback();
      throw err;
    }
  } finally {
    tx.depth--;
  }
}

/**
 * Open (and create) the SQLite database in `dataDir` (WAL, migrations applied) as a {@link Storage}.
 * A folder or file that cannot be used throws a StorageError (../db/database.ts) at once.
 */
export function openSqliteStorage(dataDir: string, opts: { onMigration?: (e: MigrationEvent) => void } = {}): Storage {
  const core = new SqliteCore(openDatabase(dataDir, undefined, opts));
  return bind(core, rootRunner(core), null);
}
