/**
 * The PostgreSQL adapter of the storage interface (../storage/types.ts), for a chain's servers
 * sharing one database (issue 12). It passes the same contract suite as SQLite
 * (./postgres.contract.test.ts).
 *
 * - Transactions: a pool client of their own (BEGIN ... COMMIT), so transactions of one server and
 *   of several run at once; rows they both write are serialised by PostgreSQL's row locks.
 *   Savepoints are made lazily: a nested scope issues `SAVEPOINT` only before its first write, so a
 *   group commit's per-store staging (a read, then buffered aggregates) costs no round trip for it.
 * - Aggregates: `aggregates.write` is buffered in the transaction and written folded, every store
 *   of the commit together (./aggregates.ts), when the transaction commits or before anything in it
 *   reads or writes the aggregate tables; a savepoint rolled back drops what it buffered.
 * - Events: one statement per `insertMany` (columns as `unnest` arrays). The partitioned table's key
 *   is (store, id, ts), so a resent event is a conflict; an id that is already stored with another
 *   `ts`, or repeated within the list, is found by `NOT EXISTS` on (store, id) (the key's prefix, an
 *   index probe per monthly partition) and `DISTINCT ON (id)`: dedupe by (store, id), as SQLite.
 *   Writers of one store never overlap (the store's shard lease fences ingest), so no two
 *   transactions insert the same id at once.
 * - Partitions: made at open from the oldest accepted event to a month ahead and kept ahead every
 *   hour; a write into a month without one makes it in its own transaction (forgotten if that rolls
 *   back). Retention drops whole months ({@link PgStorage.dropRawBefore}).
 */
import { eventFromRow as fromRow, TYPE_CODE, type EventRow } from "../storage/event-rows.js";
import {
  layoutAt,
  layoutCancel,
  storedLayout,
  storedWithStatus,
  type AgentStatus,
  type FootfallEvent,
  type Layout,
  type LayoutInput,
  type StoreId,
  type VisitorEvent,
} from "@footfall/core";
import type pg from "pg";
import type { MigrationEvent } from "../db/database.js";
import { deriveVisitor } from "../analytics/visitor-derivation.js";
import { AggregateDelta } from "../aggregates/delta.js";
import { encodeHistogram } from "../aggregates/dwell-histogram.js";
import { sumByPeriod, type ZoneRollupRow } from "../aggregates/store-rollups.js";
import { hashPassword, newSecret, tokenHash, verifyPasswordAsync } from "../auth/secrets.js";
import type {
  AgentCredentials,
  AgentIdentity,
  AgentPasswordEntry,
  AgentRow,
  ZoneAgentRow,
  AgentSecret,
  AggregatesStore,
  AgentsStore,
  BackfillOptions,
  Departments,
  DepartmentsStore,
  EventGroup,
  EventsStore,
  ExperimentsStore,
  GroupsStore,
  InsertOutcome,
  Principal,
  Role,
  SalesStore,
  Storage,
  StoreRow,
  LayoutCancelResult,
  LayoutNewer,
  LayoutReplaceResult,
  LayoutSaveResult,
  LayoutVersion,
  StoresStore,
  TokenCheck,
  TokenInfo,
  TokensStore,
  WebhooksStore,
  ZoneSales,
} from "../storage/types.js";
import { deliveryOf, hookInfo, newHookId, type DeliveryRow, type HookRow } from "../db/repos/webhooks.js";
import * as agg from "./aggregates.js";
import { dwellReads, trafficReads } from "./figure-reads.js";
import { chainStore } from "../aggregates/chain-reads.js";
import { pgAudit, pgDigests } from "./admin.js";
import { migratePg } from "./migrate.js";
import { TimePartitions } from "./partitions.js";
import { GROUPS_CHANGED, TokenCache, TOKENS_CHANNEL } from "./token-cache.js";
import { backendNiceSql, checkReachable, CONNECT_TIMEOUT_MS, createPgPool, isConnectionLoss, PgLink, type PgLinkEvent, type PgQueryable } from "./pool.js";
import { isInteractive } from "../storage/interactive.js";
import { pastVersionRefusal, scheduledAtRefusal } from "../storage/layout-past.js";
import { backgroundTurn } from "./turns.js";
import { arrayLiteral } from "./array-literal.js";
import { PriorityGate } from "./priority-gate.js";
import { alertStores, pgPlaceholders } from "../alerts/store.js";
import { accuracyAuditStore } from "../audits/store.js";
import { forecastModelStore } from "../routes/forecast-store.js";
import { offlineSpansStore } from "../analytics/offline-spans.js";
import { forgetUnusedStoreSql } from "../storage/unused-store.js";
import { PoolSockets, STOP_WAIT_MS } from "./stop-within.js";

/** `last_used_at` of a token is written at most this often (as SQLite). */
const TOUCH_EVERY_MS = 60_000;
const TOKEN_ID_LENGTH = 12;
const DAY_MS = 86_400_000;

export interface PgStorageOptions {
  /** Connections at most for transactions and writes (default 10). */
  poolMax?: number;
  /**
   * Connections at most for reads outside transactions (default 5): the HTTP queries' own, so that
   * a server busy committing ingest still answers them at once.
   */
  readPoolMax?: number;
  /**
   * Connections at most for reads made for someone waiting (HTTP requests, live clients: marked by
   * ../storage/interactive.ts; default 5), so that the background reads of the read pool (retained
   * MQTT figures, alerts, stores opened for ingest) never queue ahead of them. 0: they share the read pool.
   */
  interactivePoolMax?: number;
  /** Shown in pg_stat_activity (default "footfall"). */
  applicationName?: string;
  /**
   * The CPU nice value (1-19) of the commits' connections' backends (the main pool's), so that the
   * queries' backends come first when the machine is busy: needs the `prioritize` extension, made here
   * when the user may (a superuser) and the database machine has it (postgresql-NN-prioritize). 0 or
   * absent: not asked for. Where it cannot be had, `onWarn` says so once and the storage works as without.
   */
  ingestNice?: number;
  /** Something the operator should know and fix that does not stop the storage (logged by the caller). */
  onWarn?: (message: string) => void;
  /** How long the first connection may take before PostgreSQL is called unreachable (default CONNECT_TIMEOUT_MS, 10 s). */
  connectTimeoutMs?: number;
  /** Each step of the schema migrations the open applies (the server logs an upgrade's progress, as on SQLite). */
  onMigration?: (e: MigrationEvent) => void;
  now?: () => number;
  /** Partitions are made at open back to this age (the oldest event ingest accepts; default 8 days). */
  maxEventAgeMs?: number;
  /** Errors of idle connections and of the background partition upkeep (logged by the caller); a lost connection goes to `onLink` instead. */
  onError?: (err: Error) => void;
  /**
   * PostgreSQL stopped answering (a restart, a network cut): said once, with what to do, however many connections,
   * requests and commits fail; and once when it answers again (./pool.ts PgLink). Logged by the caller.
   */
  onLink?: (event: PgLinkEvent) => void;
  /** How long a verified token is answered without the database (default 30 s; 0: never). Revocations reach every server's cache at once by NOTIFY (./token-cache.ts). */
  tokenCacheMs?: number;
  /** Path ids kept in memory at most (default 200,000; the oldest are forgotten first and read again when named). */
  pathIdCacheSize?: number;
}

/** The PostgreSQL storage, with what only it offers. */
export interface PgStorage extends Storage {
  readonly kind: "postgres";
  readonly pool: pg.Pool;
  /** The link to PostgreSQL: whether it answers, connection errors and outages since start (the /metrics figures). */
  readonly link: PgLink;
  /** The token cache's state: whether it listens (and so answers), checks answered from it and from the database. */
  tokenCacheStats(): { listening: boolean; hits: number; misses: number };
  /** Each connection pool's connections now: open, idle, and callers waiting for one (`cluster status`' latency). */
  poolStats(): Record<string, { total: number; idle: number; waiting: number }>;
  /** The client of a storage bound to an open transaction (`tx` of `transaction`), else null: for statements outside the interface (lease fencing). */
  clientOf(tx: Storage): pg.PoolClient | null;
  /**
   * A stopping server's: destroys every connection's socket (a link that died silently: a query in flight on it is never
   * answered, so what awaits it fails at once instead); returns how many. Queries after it open new connections.
   */
  cutConnections(): number;
  /**
   * Retention by whole months: drops the partitions of events, visits and trips whose rows all lie
   * before `before` and the open visits last seen before it; returns the partitions dropped.
   */
  dropRawBefore(before: number): Promise<string[]>;
  /** Every store's hour and day rollups that end before `before`, in one pass; how many rows went. */
  deleteAllRollupsBefore(before: number): Promise<number>;
}

/** A bounded map that forgets the oldest entries first. */
class Bounded<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly capacity: number) {}
  get(k: K): V | undefined {
    return this.map.get(k);
  }
  set(k: K, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.capacity)
      for (const key of this.map.keys()) {
        this.map.delete(key);
        if (this.map.size <= this.capacity * 0.9) break;
      }
  }
  clear(): void {
    this.map.clear();
  }
}

/** What the root storage and every transaction's share: the pool, partitions, caches. */
class PgCore {
  readonly partitions: TimePartitions;
  /** Committed path ids, by store NUL zones. */
  readonly pathIds: Bounded<string, number>;
  readonly touched = new Map<string, number>();
  readonly revokeListeners: ((id: string) => void)[] = [];
  /** Verified tokens, by hash, while a LISTEN on revocations is up (./token-cache.ts). */
  tokenCache: TokenCache<TokenRow> | null = null;
  /** Revocations made here whose notice has not come back yet (its listeners were told already), by id. */
  readonly ownRevokes = new Map<string, number>();
  readonly txOf = new WeakMap<Storage, TxState>();
  /** Transactions take the pool's connections through it: urgent ones first. */
  readonly gate: PriorityGate;
  closed = false;
  timer: ReturnType<typeof setInterval> | null = null;
  /** Set by openPgStorage as it opens. */
  link!: PgLink;
  /** Set by openPgStorage as it opens: its pools' sockets, destroyed by a close PostgreSQL does not answer (a link that died silently). */
  sockets: PoolSockets | null = null;
  /** Set by openPgStorage: where a close that destroyed its sockets says so. */
  warn: (message: string) => void = () => {};

  constructor(
    readonly pool: pg.Pool,
    readonly readPool: pg.Pool,
    readonly now: () => number,
    /** Reads for someone waiting (an HTTP request, a live client); null: they use the read pool. */
    readonly interactivePool: pg.Pool | null = null,
    pathIdCacheSize = 200_000,
  ) {
    this.partitions = new TimePartitions(pool);
    this.pathIds = new Bounded<string, number>(pathIdCacheSize);
    this.gate = new PriorityGate(pool.options.max ?? 10);
  }

  learn(ids: Map<string, number>): void {
    for (const [k, v] of ids) this.pathIds.set(k, v);
  }
}

/** A nested rollback scope; `real` once its SAVEPOINT was issued (before the first write in it). */
interface Scope {
  name: string;
  /** Buffered aggregate writes before it. */
  mark: number;
  real: boolean;
}

/** One transaction: its client, its buffered aggregate writes and its open scopes. */
interface TxState {
  client: pg.PoolClient;
  open: boolean;
  entries: { store: string; delta: AggregateDelta }[];
  /** Entries written so far. */
  flushed: number;
  scopes: Scope[];
  seq: number;
  /** Path ids read or made in it (kept once it commits). */
  learned: Map<string, number>;
}

const ended = () => new Error("storage: this transaction has ended; use the storage it was opened on");

/**
 * Writes what is buffered and issues the SAVEPOINTs of the open scopes, in order: entries buffered
 * before a scope are written before its SAVEPOINT, so rolling it back undoes exactly its own.
 * Each write of entries (folding and building a big statement: a slice of the loop) waits for a
 * background turn (./turns.ts), unless `turnTaken`: the caller's turn began just before, with no
 * statement since.
 */
async function materialize(core: PgCore, tx: TxState, turnTaken = false): Promise<void> {
  if (!tx.open) throw ended();
  let turned = turnTaken;
  const write = async (entries: { store: string; delta: AggregateDelta }[]) => {
    if (entries.length === 0) return;
    if (!turned) await backgroundTurn();
    turned = false;
    await writeEntries(core, tx, entries);
  };
  for (const scope of tx.scopes) {
    if (scope.real) continue;
    if (tx.flushed < scope.mark) {
      await write(tx.entries.slice(tx.flushed, scope.mark));
      tx.flushed = scope.mark;
    }
    await tx.client.query(`SAVEPOINT ${scope.name}`);
    turned = false;
    scope.real = true;
  }
  if (tx.flushed < tx.entries.length) {
    await write(tx.entries.slice(tx.flushed));
    tx.flushed = tx.entries.length;
  }
}

async function writeEntries(core: PgCore, tx: TxState, entries: { store: string; delta: AggregateDelta }[]): Promise<void> {
  const K = "\u0000";
  await agg.writeFolded(tx.client, agg.fold(entries), core.partitions, { get: (store, zones) => core.pathIds.get(store + K + zones) }, tx.learned);
}

const EVENT_COLUMNS = "id, ts, type, zone, visitor, n_in, n_out, x, y";
/** The columns of an {@link AgentRow}, as listed (the metrics and samples as the JSON text SQLite keeps). */
const PG_AGENT_ROW = `store, agent, kind, username, state, version, status_ts AS "statusTs", last_event_ts AS "lastEventTs",
  last_received_at AS "lastReceivedAt", events, duplicates, rejects, revoked_at AS "revokedAt", status_metrics::text AS "statusMetrics",
  clock_samples::text AS "clockSamples"`;

/** `?` placeholders numbered for PostgreSQL ($1, $2, ...). */
function pgPlaceholdersOf(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

interface TokenRow {
  id: string;
  hash: string;
  role: Role;
  store: string | null;
  store_group: string | null;
  label: string | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}
const tokenInfo = (r: TokenRow): TokenInfo => ({
  id: r.id,
  role: r.role,
  store: r.store,
  group: r.store_group,
  label: r.label,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
});
function refusal(r: TokenRow, now: number): (TokenCheck & { ok: false }) | null {
  if (r.revoked_at !== null) return { ok: false, why: "revoked", at: r.revoked_at };
  if (r.expires_at !== null && now >= r.expires_at) return { ok: false, why: "expired", at: r.expires_at };
  return null;
}

/** A storage over `core`: the root one (`tx` null: the pool, one statement at a time) or one bound to a transaction. */
function bind(core: PgCore, tx: TxState | null): PgStorage {
  /** The queryable for a statement: the pool, or the transaction's client (after writing what is buffered, for `flush`). */
  const db = async (flush: boolean, reading = false): Promise<PgQueryable> => {
    if (!tx) {
      if (core.closed) throw new Error("storage: closed");
      return reading ? ((isInteractive() && core.interactivePool) || core.readPool) : core.pool;
    }
    if (!tx.open) throw ended();
    // A transaction's statement (a group commit's) waits for its turn: what its caller computed before it, and what it builds now, is one slice of the loop (./turns.ts).
    await backgroundTurn();
    if (!tx.open) throw ended();
    if (flush) await materialize(core, tx, true);
    return tx.client;
  };
  const read = <T>(fn: (q: PgQueryable) => Promise<T>) => db(false, true).then(fn);
  const aggRead = <T>(fn: (q: PgQueryable) => Promise<T>) => db(true, true).then(fn);
  /** A write: in the transaction (after what is buffered), or a statement of its own at the root. */
  const write = <T>(fn: (q: PgQueryable) => Promise<T>) => db(true).then(fn);
  /** Several statements that must hold together: in the transaction, or in one of their own at the root. */
  const atomic = <T>(fn: (q: PgQueryable) => Promise<T>): Promise<T> => (tx ? db(true).then(fn) : transaction(core, (t) => fn(core.txOf.get(t)!.client)));

  /** stores.nameInForce in `q` (a transaction that saved a layout, or one of its own). */
  const nameInForceIn = async (q: PgQueryable, store: string, now: number): Promise<string | null> => {
    const { rows } = await q.query<{ validFrom: number; name: string }>(
      `SELECT valid_from AS "validFrom", body->>'name' AS name FROM layouts WHERE store = $1 ORDER BY valid_from, version`,
      [store],
    );
    const name = layoutAt(rows, now)?.name;
    if (name === undefined) return null;
    const changed = await q.query("UPDATE stores SET name = $1 WHERE id = $2 AND name IS DISTINCT FROM $1", [name, store]);
    return changed.rowCount ? name : null;
  };
  /** stores.saveLayout in `q` (its own transaction, or a replace's). */
  const saveLayoutIn = async (q: PgQueryable, store: string, input: LayoutInput, now: number): Promise<Layout> => {
    await q.query("INSERT INTO stores (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING", [store, input.name ?? store, now]);
    // The store's row, locked: two servers saving a layout at once number their versions one after the other.
    const { rows } = await q.query<{ name: string; last: number }>("SELECT name, layout_versions AS last FROM stores WHERE id = $1 FOR UPDATE", [store]);
    const name = input.name ?? rows[0]!.name;
    const v = await q.query<{ v: number | null }>("SELECT max(version) AS v FROM layouts WHERE store = $1", [store]);
    // After the last number given (a cancelled version's too) and the highest stored: a number is never given twice.
    const version = Math.max(rows[0]!.last, v.rows[0]?.v ?? 0) + 1;
    await q.query("UPDATE stores SET layout_versions = $1 WHERE id = $2", [version, store]);
    const layout = storedLayout(store as StoreId, name, version, input);
    await q.query("INSERT INTO layouts (store, version, valid_from, saved_at, body) VALUES ($1, $2, $3, $4, $5)", [
      store,
      version,
      input.validFrom,
      now,
      JSON.stringify(layout),
    ]);
    // A version saved for later renames the store when it takes effect (nameInForce then), not now.
    await nameInForceIn(q, store, now);
    return layout;
  };
  /**
   * The versions stored after `seen` (none: undefined), in `q`'s transaction with the store's row locked as a save locks it
   * (created first when `create` says so, as a save would: two first saves of a store wait for each other too): no version is
   * saved between this look and the caller's save.
   */
  const newerIn = async (q: PgQueryable, store: string, seen: number | undefined, create?: { name: string; now: number }): Promise<LayoutNewer | undefined> => {
    if (seen === undefined) return undefined;
    if (create) await q.query("INSERT INTO stores (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING", [store, create.name, create.now]);
    await q.query("SELECT 1 FROM stores WHERE id = $1 FOR UPDATE", [store]);
    const { rows } = await q.query<LayoutVersion>('SELECT version, valid_from AS "validFrom" FROM layouts WHERE store = $1 AND version > $2 ORDER BY version', [store, seen]);
    return rows.length ? { outcome: "newer", newer: rows } : undefined;
  };
  /**
   * stores.cancelLayout in `q` (its own transaction, or a replace's). The store's row is locked (FOR UPDATE) as a save locks it,
   * and as an experiment naming one of its versions locks it (FOR SHARE, experiments.insert): a cancel, a save and such an
   * insert run one after the other, so the experiment looked for here is there, or the insert sees the version gone.
   */
  const cancelLayoutIn = async (q: PgQueryable, store: string, version: number, now: number): Promise<LayoutCancelResult> => {
    const locked = await q.query<{ last: number }>("SELECT layout_versions AS last FROM stores WHERE id = $1 FOR UPDATE", [store]);
    if (!locked.rows[0]) return { outcome: "unknown" };
    const { rows } = await q.query<{ version: number; validFrom: number }>(
      'SELECT version, valid_from AS "validFrom" FROM layouts WHERE store = $1 ORDER BY valid_from, version',
      [store],
    );
    const v = rows.find((l) => l.version === version);
    if (!v) return { outcome: "unknown" };
    const check = layoutCancel(rows, version, now);
    if (check !== "cancellable") return { outcome: check === "unknown" ? "past" : check, validFrom: v.validFrom };
    const using = await q.query<{ id: string; name: string }>(
      "SELECT id, body->>'name' AS name FROM experiments WHERE body->'testStores'->>0 = $1 AND body->'layoutVersion' = to_jsonb($2::int) ORDER BY created_at, id LIMIT 1",
      [store, version],
    );
    if (using.rows[0]) return { outcome: "referenced", validFrom: v.validFrom, experiment: { id: using.rows[0].id, name: using.rows[0].name } };
    const last = Math.max(locked.rows[0].last, ...rows.map((l) => l.version));
    await q.query("UPDATE stores SET layout_versions = $1 WHERE id = $2", [last, store]);
    await q.query("DELETE FROM layouts WHERE store = $1 AND version = $2", [store, version]);
    return { outcome: "cancelled", validFrom: v.validFrom };
  };
  const stores: StoresStore = {
    list: () => read(async (q) => (await q.query<StoreRow>("SELECT id, name FROM stores ORDER BY id")).rows),
    get: (id) => read(async (q) => (await q.query<StoreRow>("SELECT id, name FROM stores WHERE id = $1", [id])).rows[0]),
    ensure: (id, name, now) =>
      write(async (q) => void (await q.query("INSERT INTO stores (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING", [id, name, now]))),
    layouts: (store) =>
      read(async (q) =>
        (await q.query<{ body: Layout }>("SELECT body FROM layouts WHERE store = $1 ORDER BY valid_from, version", [store])).rows.map((r) => r.body),
      ),
    layoutsOf: (list) =>
      read(async (q) => {
        const out = new Map(list.map((s) => [s, [] as Layout[]]));
        const { rows } = await q.query<{ store: string; body: Layout }>(
          "SELECT store, body FROM layouts WHERE store = ANY($1::text[]) ORDER BY store, valid_from, version",
          [arrayLiteral([...out.keys()])],
        );
        for (const r of rows) out.get(r.store)?.push(r.body);
        return out;
      }),
    versions: (store) =>
      read(
        async (q) =>
          (
            await q.query<{ version: number; validFrom: number }>('SELECT version, valid_from AS "validFrom" FROM layouts WHERE store = $1 ORDER BY version', [
              store,
            ])
          ).rows,
      ),
    saveLayout: (store, input: LayoutInput, now) => atomic((q) => saveLayoutIn(q, store, input, now)),
    saveLayoutSeen: (store, input: LayoutInput, now, seen) =>
      atomic(async (q): Promise<LayoutSaveResult> => {
        const newer = await newerIn(q, store, seen, { name: input.name ?? store, now });
        if (newer) return newer;
        // A save at a past version's instant, or at a version saved for later's: checked with the store's row locked (created
        // first when new, as newerIn does), so two saves at the same instant run one after the other and the second sees the first's version.
        if (input.validFrom > 0) {
          if (seen === undefined) {
            await q.query("INSERT INTO stores (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING", [store, input.name ?? store, now]);
            await q.query("SELECT 1 FROM stores WHERE id = $1 FOR UPDATE", [store]);
          }
          const { rows } = await q.query<LayoutVersion>('SELECT version, valid_from AS "validFrom" FROM layouts WHERE store = $1', [store]);
          const refused = pastVersionRefusal(rows, input.validFrom, now) ?? scheduledAtRefusal(rows, input.validFrom, now);
          if (refused) return refused;
        }
        return { outcome: "saved", layout: await saveLayoutIn(q, store, input, now) };
      }),
    nameInForce: (store, now) => atomic((q) => nameInForceIn(q, store, now)),
    cancelLayout: (store, version, now) => atomic((q) => cancelLayoutIn(q, store, version, now)),
    replaceLayout: (store, version, input, now, seen) =>
      atomic(async (q): Promise<LayoutReplaceResult> => {
        const newer = await newerIn(q, store, seen);
        if (newer) return newer;
        // Another version saved for later at the new instant (saved since the route looked), with the store's row locked as a
        // save locks it: left never in force, refused.
        await q.query("SELECT 1 FROM stores WHERE id = $1 FOR UPDATE", [store]);
        // (The replaced version gone meanwhile: "unknown", as the cancel says.)
        const { rows } = await q.query<LayoutVersion>('SELECT version, valid_from AS "validFrom" FROM layouts WHERE store = $1', [store]);
        const other = rows.some((v) => v.version === version) ? scheduledAtRefusal(rows.filter((v) => v.version !== version), input.validFrom, now) : undefined;
        if (other) return other;
        const cancelled = await cancelLayoutIn(q, store, version, now);
        if (cancelled.outcome !== "cancelled") return cancelled;
        return { outcome: "replaced", validFrom: cancelled.validFrom, layout: await saveLayoutIn(q, store, input, now) };
      }),
  };

  const agents: AgentsStore = {
    add: (store, agent, kind, now) =>
      write(async (q): Promise<AgentCredentials> => {
        const password = newSecret(18);
        const username = `${store}.${agent}`;
        await q.query(
          `INSERT INTO agents (store, agent, kind, username, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (store, agent) DO UPDATE SET kind = excluded.kind, password_hash = excluded.password_hash, revoked_at = NULL`,
          [store, agent, kind, username, hashPassword(password), now],
        );
        return { agent, store, username, password };
      }),
    credentials: (username) =>
      read(async (q) => (await q.query<AgentSecret>("SELECT store, agent, kind, password_hash AS hash FROM agents WHERE username = $1 AND revoked_at IS NULL", [username])).rows[0]),
    authenticate: async (username, password) => {
      const row = await agents.credentials(username);
      if (!row || !(await verifyPasswordAsync(password, row.hash))) return undefined;
      return { store: row.store, agent: row.agent, kind: row.kind };
    },
    ownersOfClientId: (clientId) =>
      read(async (q) => (await q.query<AgentIdentity>("SELECT store, agent, kind FROM agents WHERE store || '-' || agent = $1 AND revoked_at IS NULL", [clientId])).rows),
    get: (store, agent) =>
      read(async (q) => (await q.query<AgentIdentity>("SELECT store, agent, kind FROM agents WHERE store = $1 AND agent = $2", [store, agent])).rows[0]),
    ofStores: (stores) =>
      read(async (q) => (await q.query<AgentIdentity>("SELECT store, agent, kind FROM agents WHERE store = ANY($1::text[]) ORDER BY store, agent", [[...new Set(stores)]])).rows),
    list: (store) =>
      read(
        async (q) =>
          (
            await q.query<AgentRow>(`SELECT ${PG_AGENT_ROW} FROM agents WHERE store = $1 ORDER BY agent`, [store])
          ).rows,
      ),
    listAll: () =>
      read(
        async (q) =>
          (
            await q.query<AgentRow>(`SELECT ${PG_AGENT_ROW} FROM agents ORDER BY store COLLATE "C", agent COLLATE "C"`)
          ).rows,
      ),
    passwordEntries: () =>
      read(async (q) => (await q.query<AgentPasswordEntry>("SELECT username, password_hash AS hash, store, agent FROM agents WHERE revoked_at IS NULL ORDER BY username")).rows),
    revoke: (store, agent, now) =>
      write(
        async (q) =>
          ((await q.query("UPDATE agents SET revoked_at = coalesce(revoked_at, $1), password_hash = '!' WHERE store = $2 AND agent = $3", [now, store, agent])).rowCount ?? 0) > 0,
      ),
    forgetUnusedStore: (store) => write(async (q) => ((await q.query(forgetUnusedStoreSql("$1"), [store])).rowCount ?? 0) > 0),
    recordStatus: async (store, agent, status: AgentStatus, receivedAt?: number) => {
      const { state, version, ts, kind: _kind, ...metrics } = status;
      // A live status adds a clock sample to those stored (read first: an agent's statuses come one at a time, through one server's shard).
      let samples: string | null = null;
      if (receivedAt !== undefined) {
        const row = await read(async (q) => (await q.query<{ samples: string | null }>("SELECT clock_samples::text AS samples FROM agents WHERE store = $1 AND agent = $2", [store, agent])).rows[0]);
        if (row) samples = storedWithStatus(row.samples, ts, receivedAt);
      }
      const values = [state, version, ts, JSON.stringify(metrics), store, agent, samples];
      const set = "UPDATE agents SET state = $1, version = $2, status_ts = $3, status_metrics = $4, clock_samples = coalesce($7::jsonb, clock_samples)";
      if (tx) return void (await write((q) => q.query(`${set} WHERE store = $5 AND agent = $6`, values)));
      // At the root, without waiting for the agent's row lock: a group commit holds it (its event tallies) until it ends, and an
      // UPDATE waiting for it held a pool connection all along (bench:chain: 33 statuses a second waiting 0.7 s each kept the
      // commits' own pool queued hundreds deep). Skipped while locked and tried again after a pause, with no connection held.
      for (let pause = 25, deadline = Date.now() + 60_000; Date.now() < deadline; pause = Math.min(pause * 2, 1000)) {
        const done = await write(async (q) =>
          (await q.query(`${set} WHERE ctid = (SELECT ctid FROM agents WHERE store = $5 AND agent = $6 FOR UPDATE SKIP LOCKED)`, values)).rowCount ?? 0,
        );
        if (done > 0) return;
        // Nothing updated: the row is locked, or there is no such agent (then there is nothing to wait for).
        const exists = await read(async (q) => (await q.query("SELECT 1 FROM agents WHERE store = $1 AND agent = $2", [store, agent])).rowCount ?? 0);
        if (exists === 0) return;
        await new Promise((r) => setTimeout(r, pause));
      }
      await write((q) => q.query(`${set} WHERE store = $5 AND agent = $6`, values)); // locked for a minute: wait for it after all
    },
    recordIngestMany: (tallies) =>
      write(async (q) => {
        if (tallies.length === 0) return;
        // Ordered by key, so that two commits touching the same agents lock their rows in one order.
        const sorted = [...tallies].sort((a, b) => (a.store < b.store ? -1 : a.store > b.store ? 1 : a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
        await q.query({
          name: "footfall_agents_tally_many",
          text: `UPDATE agents a SET events = a.events + t.events, duplicates = a.duplicates + t.duplicates, rejects = a.rejects + t.rejects,
                   last_event_ts = nullif(greatest(coalesce(a.last_event_ts, 0), coalesce(t.last_event_ts, 0)), 0), last_received_at = t.received_at
                   FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[])
                        AS t(store, agent, events, duplicates, rejects, last_event_ts, received_at)
                  WHERE a.store = t.store AND a.agent = t.agent`,
          values: [
            sorted.map((t) => t.store),
            sorted.map((t) => t.agent),
            sorted.map((t) => t.events),
            sorted.map((t) => t.duplicates),
            sorted.map((t) => t.rejects),
            sorted.map((t) => t.lastEventTs),
            sorted.map((t) => t.receivedAt),
          ].map(arrayLiteral),
        });
        // (issue 14) The zones each agent's new events named, in key order (one row per key).
        const zones = new Map<string, { store: string; zone: string; agent: string; ts: number; at: number }>();
        for (const t of sorted) {
          for (const [zone, ts] of t.zones ?? []) {
            const key = `${t.store}\u0000${zone}\u0000${t.agent}`;
            const had = zones.get(key);
            zones.set(key, { store: t.store, zone, agent: t.agent, ts: Math.max(ts, had?.ts ?? ts), at: Math.max(t.receivedAt, had?.at ?? t.receivedAt) });
          }
        }
        if (zones.size === 0) return;
        const rows = [...zones.values()].sort((a, b) => (a.store !== b.store ? (a.store < b.store ? -1 : 1) : a.zone !== b.zone ? (a.zone < b.zone ? -1 : 1) : a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
        await q.query({
          name: "footfall_agent_zones_many",
          text: `INSERT INTO agent_zones (store, zone, agent, last_event_ts, last_received_at)
                   SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
                 ON CONFLICT (store, zone, agent) DO UPDATE SET last_event_ts = greatest(agent_zones.last_event_ts, excluded.last_event_ts), last_received_at = excluded.last_received_at`,
          values: [rows.map((r) => r.store), rows.map((r) => r.zone), rows.map((r) => r.agent), rows.map((r) => r.ts), rows.map((r) => r.at)],
        });
      }),
    zoneAgents: (store, zone) =>
      read(
        async (q) =>
          (
            await q.query<ZoneAgentRow>(
              `SELECT agent, last_event_ts AS "lastEventTs", last_received_at AS "lastReceivedAt" FROM agent_zones WHERE store = $1 AND zone = $2 ORDER BY agent`,
              [store, zone],
            )
          ).rows,
      ),
    recordIngest: (store, agent, t) =>
      write(async (q) => {
        await q.query({
          name: "footfall_agents_tally",
          text: `UPDATE agents SET events = events + $1, duplicates = duplicates + $2, rejects = rejects + $3,
             last_event_ts = nullif(greatest(coalesce(last_event_ts, 0), coalesce($4::bigint, 0)), 0), last_received_at = $5 WHERE store = $6 AND agent = $7`,
          values: [t.events, t.duplicates, t.rejects, t.lastEventTs, t.receivedAt, store, agent],
        });
      }),
  };

  const tokenById = (q: PgQueryable, id: string) => q.query<TokenRow>("SELECT * FROM tokens WHERE id = $1", [id]).then((r) => r.rows[0]);
  const wantsTouch = (id: string, now: number) => {
    const last = core.touched.get(id);
    return !(last !== undefined && now - last < TOUCH_EVERY_MS && now >= last);
  };
  const tokens: TokensStore = {
    create: (role, store, now, opts = {}) =>
      write(async (q) => {
        const token = `ff_${newSecret(24)}`;
        const hash = tokenHash(token);
        const id = hash.slice(0, TOKEN_ID_LENGTH);
        await q.query("INSERT INTO tokens (id, hash, role, store, label, created_at, expires_at, store_group) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", [
          id,
          hash,
          role,
          store,
          opts.label ?? null,
          now,
          opts.expiresAt ?? null,
          store === null ? (opts.group ?? null) : null,
        ]);
        return { token, info: tokenInfo((await tokenById(q, id))!) };
      }),
    add: async (role, store, now, label, expiresAt) => (await tokens.create(role, store, now, { label: label ?? null, expiresAt: expiresAt ?? null })).token,
    check: async (token, now) => {
      const hash = tokenHash(token);
      const cache = tx ? null : core.tokenCache;
      let r = cache?.get(hash, now);
      if (!r) {
        const mark = cache?.mark() ?? 0;
        r = await read(async (q) => (await q.query<TokenRow>("SELECT * FROM tokens WHERE hash = $1", [hash])).rows[0]);
        if (r && cache) cache.set(hash, r, now, mark);
      }
      if (!r) return { ok: false, why: "unknown" };
      const problem = refusal(r, now);
      if (problem) return problem;
      const principal: Principal = { role: r.role, store: r.store, group: r.store_group, tokenId: r.id };
      // "Last used" is a courtesy: noted at most once a minute, outside any transaction, never waited for, never failing the check.
      if (wantsTouch(r.id, now) && !core.closed) {
        core.touched.set(r.id, now);
        core.pool.query("UPDATE tokens SET last_used_at = $1 WHERE id = $2", [now, r.id]).catch(() => {});
      }
      return { ok: true, principal };
    },
    verify: async (token, now = Date.now()) => {
      const c = await tokens.check(token, now);
      return c.ok ? c.principal : undefined;
    },
    isValid: async (id, now) => {
      // The live hub asks this every second for each signed-in token: from the cache while it listens for revocations.
      const cache = tx ? null : core.tokenCache;
      const cached = cache?.getById(id, now);
      if (cached) return refusal(cached, now) === null;
      const mark = cache?.mark() ?? 0;
      const r = await read((q) => tokenById(q, id));
      if (r && cache) cache.set(r.hash, r, now, mark);
      return r !== undefined && refusal(r, now) === null;
    },
    get: (id) => read(async (q) => ((r) => r && tokenInfo(r))(await tokenById(q, id))),
    list: () => read(async (q) => (await q.query<TokenRow>("SELECT * FROM tokens ORDER BY created_at, id")).rows.map(tokenInfo)),
    revoke: async (idOrToken, now) => {
      const id = idOrToken.startsWith("ff_") ? tokenHash(idOrToken).slice(0, TOKEN_ID_LENGTH) : idOrToken;
      // Every server's token cache drops it when the notice comes (sent at the commit to every listener at once); this one
      // waits for its own copy (listening first if it did not yet), so a request sent after the answer finds it gone everywhere.
      if (core.tokenCache) await core.tokenCache.listening();
      const seen = core.tokenCache?.seen(id);
      const listening = core.tokenCache?.active ?? false;
      if (listening) core.ownRevokes.set(id, (core.ownRevokes.get(id) ?? 0) + 1);
      const unmark = () => {
        const n = core.ownRevokes.get(id) ?? 0;
        if (n <= 1) core.ownRevokes.delete(id);
        else core.ownRevokes.set(id, n - 1);
      };
      const info = await write(async (q) => {
        if (!(await tokenById(q, id))) return undefined;
        await q.query("UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", [now, id]);
        await q.query("SELECT pg_notify($1, $2)", [TOKENS_CHANNEL, id]);
        return tokenInfo((await tokenById(q, id))!);
      }).catch((err: unknown) => {
        if (listening) unmark();
        throw err;
      });
      // No such token: no notice will come back.
      if (!info && listening) unmark();
      if (info) {
        await seen;
        // The other listeners' copies came in the same instant: let this process read any of its own (another storage) first.
        await new Promise((resolve) => setImmediate(resolve));
      }
      core.tokenCache?.drop(id);
      if (info) for (const l of core.revokeListeners) l(id);
      return info;
    },
    relabel: (id, label) =>
      write(async (q) => {
        const { rows } = await q.query<TokenRow>("UPDATE tokens SET label = $1 WHERE id = $2 RETURNING *", [label, id]);
        return rows[0] && tokenInfo(rows[0]);
      }),
    onRevoked: (listener) => void core.revokeListeners.push(listener),
  };

  /**
   * Every group's events in one statement: columns as arrays (`unnest`), the first of each (store, id)
   * kept (`DISTINCT ON`), those already stored under any ts left out (`NOT EXISTS` on the key's
   * prefix), a conflict on the full key dropped; returns what was new, group by group.
   */
  const insertGroups = async (groups: readonly EventGroup[], receivedAt: number): Promise<boolean[][]> => {
    const n = groups.reduce((sum, g) => sum + g.events.length, 0);
    if (n === 0) return groups.map(() => []);
    const q = await db(true);
    const stores = new Array<string>(n);
    const agents = new Array<string>(n);
    let k = 0;
    for (const g of groups) {
      for (let i = 0; i < g.events.length; i++, k++) {
        stores[k] = g.store;
        agents[k] = g.agent;
      }
    }
    const list = groups.flatMap((g) => g.events);
    await core.partitions.ensure(
      list.map((e) => e.ts),
      q,
    );
    const ids = new Array<string>(n);
    const ts = new Array<number>(n);
    const type = new Array<number>(n);
    const zone = new Array<string | null>(n);
    const visitor = new Array<string | null>(n);
    const nIn = new Array<number | null>(n);
    const nOut = new Array<number | null>(n);
    const x = new Array<number | null>(n);
    const y = new Array<number | null>(n);
    for (let i = 0; i < n; i++) {
      const e = list[i]!;
      ids[i] = e.id;
      ts[i] = e.ts;
      type[i] = TYPE_CODE[e.type];
      zone[i] = e.type === "position" ? null : e.zone;
      visitor[i] = e.type === "count" ? null : e.visitor;
      nIn[i] = e.type === "count" ? e.in : null;
      nOut[i] = e.type === "count" ? e.out : null;
      x[i] = e.type === "position" ? e.x : null;
      y[i] = e.type === "position" ? e.y : null;
    }
    const { rows } = await q.query<{ store: string; id: string }>({
      // Named: prepared once per connection (the hot path's statements are planned once, not per commit).
      name: "footfall_events_insert_groups",
      text: `INSERT INTO events (store, id, ts, type, zone, visitor, n_in, n_out, x, y, agent, received_at)
       SELECT f.store, f.id, f.ts, f.type, f.zone, f.visitor, f.n_in, f.n_out, f.x, f.y, f.agent, $12
         FROM (SELECT DISTINCT ON (u.store, u.id) u.*
                 FROM unnest($1::text[], $2::text[], $3::bigint[], $4::smallint[], $5::text[], $6::text[], $7::int[], $8::int[], $9::float8[], $10::float8[], $11::text[])
                      WITH ORDINALITY AS u(store, id, ts, type, zone, visitor, n_in, n_out, x, y, agent, ord)
                ORDER BY u.store, u.id, u.ord) f
        WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.store = f.store AND e.id = f.id)
       ON CONFLICT DO NOTHING
       RETURNING store, id`,
      values: [...[stores, ids, ts, type, zone, visitor, nIn, nOut, x, y, agents].map(arrayLiteral), receivedAt],
    });
    const fresh = new Set(rows.map((r) => r.store + "\u0000" + r.id));
    const out = groups.map((g) => new Array<boolean>(g.events.length));
    k = 0;
    for (const o of out) {
      // The first of a repeated id of a store is the one inserted.
      for (let i = 0; i < o.length; i++, k++) o[i] = fresh.delete(stores[k] + "\u0000" + ids[k]);
    }
    return out;
  };
  const insertMany = async (store: string, agent: string, list: readonly FootfallEvent[], receivedAt: number): Promise<boolean[]> =>
    (await insertGroups([{ store, agent, events: list }], receivedAt))[0]!;

  const visitorEvents = (store: string, visitor: string) =>
    read(
      async (q) =>
        (await q.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE store = $1 AND visitor = $2 ORDER BY ts, id`, [store, visitor])).rows.map(
          fromRow,
        ) as VisitorEvent[],
    );

  const events: EventsStore = {
    insertMany,
    insertGroups,
    insert: async (store, agent, e, receivedAt) =>
      tx
        ? (await insertMany(store, agent, [e], receivedAt))[0]!
        : transaction(core, async (t) => (await t.events.insertMany(store, agent, [e], receivedAt))[0]!),
    visitorEvents,
    visitorsEvents: (store, visitors, known) =>
      read(async (q) => {
        const out = new Map<string, VisitorEvent[]>(visitors.map((v) => [v, []]));
        if (visitors.length === 0) return out;
        // One statement: the events of the visitors with more stored than the caller holds (all of them without `known`).
        const { rows } = await q.query<EventRow>({
          name: "footfall_visitors_events",
          text: `WITH k AS (SELECT * FROM unnest($2::text[], $3::int[]) AS k(visitor, known)),
                want AS (SELECT k.visitor FROM k JOIN events e ON e.store = $1 AND e.visitor = k.visitor GROUP BY k.visitor, k.known HAVING count(*) > k.known)
           SELECT ${EVENT_COLUMNS} FROM events WHERE store = $1 AND visitor IN (SELECT visitor FROM want) ORDER BY visitor, ts, id`,
          values: [store, visitors, visitors.map((v) => (known ? known(v) : 0))],
        });
        for (const r of rows) out.get(r.visitor!)?.push(fromRow(r) as VisitorEvent);
        return out;
      }),
    visitorsEventsMany: (requests) =>
      read(async (q) => {
        const out = new Map<string, Map<string, VisitorEvent[]>>();
        const stores: string[] = [];
        const visitors: string[] = [];
        const known: number[] = [];
        for (const r of requests) {
          let m = out.get(r.store);
          if (!m) out.set(r.store, (m = new Map()));
          for (const v of r.visitors) {
            if (m.has(v)) continue;
            m.set(v, []);
            stores.push(r.store);
            visitors.push(v);
            known.push(r.known ? r.known(v) : 0);
          }
        }
        if (visitors.length === 0) return out;
        // One statement for every store of the commit: the events of the visitors with more stored than the caller holds.
        const { rows } = await q.query<EventRow & { store: string }>({
          name: "footfall_visitors_events_many",
          text: `WITH k AS (SELECT * FROM unnest($1::text[], $2::text[], $3::int[]) AS k(store, visitor, known)),
                want AS (SELECT k.store, k.visitor FROM k JOIN events e ON e.store = k.store AND e.visitor = k.visitor GROUP BY k.store, k.visitor, k.known HAVING count(*) > k.known)
           SELECT e.store, e.id, e.ts, e.type, e.zone, e.visitor, e.n_in, e.n_out, e.x, e.y
             FROM want w JOIN events e ON e.store = w.store AND e.visitor = w.visitor ORDER BY e.store, e.visitor, e.ts, e.id`,
          values: [stores, visitors, known].map(arrayLiteral),
        });
        for (const r of rows) out.get(r.store)?.get(r.visitor!)?.push(fromRow(r) as VisitorEvent);
        return out;
      }),
    total: (store) => read(async (q) => (await q.query<{ n: number }>("SELECT count(*) AS n FROM events WHERE store = $1", [store])).rows[0]?.n ?? 0),
    agentDoorSums: (store, agent, from, to) =>
      read(
        async (q) =>
          (
            await q.query<{ zone: string; in: number; out: number }>(
              `SELECT zone, sum(n_in)::float8 AS "in", sum(n_out)::float8 AS out FROM events WHERE store = $1 AND type = 2 AND agent = $2 AND ts >= $3 AND ts < $4 GROUP BY zone ORDER BY zone`,
              [store, agent, from, to],
            )
          ).rows,
      ),
  };

  const sales: SalesStore = {
    insert: (store, rows, now) =>
      atomic(async (q) => {
        const out: InsertOutcome[] = [];
        for (const r of rows) {
          const zones = JSON.stringify(r.zones);
          const ins = await q.query(
            `INSERT INTO sales (store, transaction_id, ts, zone, department, zones, amount, items, imported_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
            [store, r.transaction, r.ts, r.zone, r.department, zones, r.amount, r.items, now],
          );
          if (ins.rowCount === 1) {
            out.push("accepted");
            continue;
          }
          const s = (
            await q.query<{ ts: number; zone: string | null; department: string | null; amount: number; items: number | null }>(
              "SELECT ts, zone, department, amount, items FROM sales WHERE store = $1 AND transaction_id = $2",
              [store, r.transaction],
            )
          ).rows[0]!;
          // What the file says; a department's zones are the mapping's at the first import (SalesRepo.insert).
          const same = s.ts === r.ts && s.zone === r.zone && s.department === r.department && s.amount === r.amount && s.items === r.items;
          out.push(same ? "duplicate" : "conflict");
        }
        return out;
      }),
    totals: (store, from, to) =>
      read(async (q) => {
        const r = (
          await q.query<{ transactions: number; sales: number | null }>(
            "SELECT count(*) AS transactions, sum(amount) AS sales FROM sales WHERE store = $1 AND ts >= $2 AND ts < $3",
            [store, from, to],
          )
        ).rows[0]!;
        return { transactions: r.transactions, sales: r.sales ?? 0 };
      }),
    byZone: (store, from, to) =>
      read(
        async (q) =>
          (
            await q.query<ZoneSales>(
              `SELECT z.zone, sum(1.0 / jsonb_array_length(s.zones)) AS transactions, sum(s.amount / jsonb_array_length(s.zones)) AS sales
                 FROM sales s, jsonb_array_elements_text(s.zones) AS z(zone)
                WHERE s.store = $1 AND s.ts >= $2 AND s.ts < $3
                GROUP BY z.zone ORDER BY z.zone COLLATE "C"`,
              [store, from, to],
            )
          ).rows,
      ),
    newest: (store) => read(async (q) => (await q.query<{ ts: number | null }>("SELECT max(ts) AS ts FROM sales WHERE store = $1", [store])).rows[0]?.ts ?? null),
  };

  const groupRows = (q: PgQueryable, id: string | null) =>
    q
      .query<{ id: string; name: string; kind: string | null; stores: string[] }>(
        `SELECT g.id, g.name, g.kind, coalesce(array_agg(m.store ORDER BY m.store) FILTER (WHERE m.store IS NOT NULL), '{}') AS stores
           FROM store_groups g LEFT JOIN store_group_members m ON m.group_id = g.id
          WHERE $1::text IS NULL OR g.id = $1 GROUP BY g.id ORDER BY g.id`,
        [id],
      )
      .then((r) => r.rows);
  /**
   * A change of groups' members: every server's cache of group stores drops them at the commit (NOTIFY in the
   * transaction); this one answers once its own notice came, as a revoke (then the others have theirs too).
   */
  const membersChange = async <T>(fn: (q: PgQueryable) => Promise<T>): Promise<T> => {
    const cache = core.tokenCache;
    if (cache && !tx) await cache.listening();
    const seen = !tx ? cache?.seen(GROUPS_CHANGED) : undefined;
    const out = await atomic(async (q) => {
      const r = await fn(q);
      await q.query("SELECT pg_notify($1, $2)", [TOKENS_CHANNEL, GROUPS_CHANGED]);
      return r;
    });
    await seen;
    cache?.drop(GROUPS_CHANGED);
    return out;
  };
  const groups: GroupsStore = {
    list: () => read((q) => groupRows(q, null)),
    get: (id) => read(async (q) => (await groupRows(q, id))[0]),
    create: (id, name, kind, now) =>
      write(async (q) => ((await q.query("INSERT INTO store_groups (id, name, kind, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING", [id, name, kind, now])).rowCount ?? 0) === 1),
    update: (id, patch) =>
      write(async (q) => {
        const kind = patch.kind === undefined ? null : patch.kind;
        const r = await q.query("UPDATE store_groups SET name = coalesce($2, name), kind = CASE WHEN $3::boolean THEN $4 ELSE kind END WHERE id = $1", [
          id,
          patch.name ?? null,
          patch.kind !== undefined,
          kind,
        ]);
        return (r.rowCount ?? 0) === 1;
      }),
    remove: (id) =>
      membersChange(async (q) => {
        await q.query("DELETE FROM store_group_members WHERE group_id = $1", [id]);
        return ((await q.query("DELETE FROM store_groups WHERE id = $1", [id])).rowCount ?? 0) === 1;
      }),
    setStores: (id, stores) =>
      membersChange(async (q) => {
        if ((await q.query("SELECT 1 FROM store_groups WHERE id = $1 FOR UPDATE", [id])).rowCount === 0) return false;
        await q.query("DELETE FROM store_group_members WHERE group_id = $1", [id]);
        await q.query("INSERT INTO store_group_members (group_id, store) SELECT $1, s FROM unnest($2::text[]) AS u(s) ON CONFLICT DO NOTHING", [id, [...stores]]);
        return true;
      }),
    setGroupsOf: (store, ids) =>
      membersChange(async (q) => {
        const wanted = [...new Set(ids)];
        const known = new Set((await q.query<{ id: string }>("SELECT id FROM store_groups WHERE id = ANY($1::text[]) FOR SHARE", [wanted])).rows.map((r) => r.id));
        const unknown = wanted.filter((g) => !known.has(g)).sort();
        if (unknown.length) return unknown;
        await q.query("DELETE FROM store_group_members WHERE store = $1", [store]);
        await q.query("INSERT INTO store_group_members (group_id, store) SELECT g, $1 FROM unnest($2::text[]) AS u(g) ON CONFLICT DO NOTHING", [store, wanted]);
        return [];
      }),
    storesOf: async (id) => {
      // A group-scoped token's stores at every request and live join: from the cache while it listens for changes (./token-cache.ts).
      const cache = tx ? null : core.tokenCache;
      const now = core.now();
      const cached = cache?.getGroup(id, now);
      if (cached) return [...cached];
      const mark = cache?.mark() ?? 0;
      const stores = await read(async (q) => (await q.query<{ store: string }>("SELECT store FROM store_group_members WHERE group_id = $1 ORDER BY store", [id])).rows.map((r) => r.store));
      cache?.setGroup(id, stores, now, mark);
      return stores;
    },
    groupsOf: (store) =>
      read(async (q) => (await q.query<{ group_id: string }>("SELECT group_id FROM store_group_members WHERE store = $1 ORDER BY group_id", [store])).rows.map((r) => r.group_id)),
  };

  // Many stores at once (the chain overview): the same statements on both adapters (../aggregates/chain-reads.ts).
  const chain = chainStore((text, args) => aggRead(async (q) => (await q.query(pgPlaceholdersOf(text), [...args])).rows as Record<string, unknown>[]), "postgres");

  const departmentRows = (q: PgQueryable, store: string) =>
    q.query<{ department: string; zone: string }>("SELECT department, zone FROM departments WHERE store = $1 ORDER BY position", [store]).then((r) => r.rows);
  const departments: DepartmentsStore = {
    get: (store) =>
      read(async (q) => {
        const out: Departments = {};
        for (const r of await departmentRows(q, store)) (out[r.department] ??= []).push(r.zone);
        return out;
      }),
    replace: (store, d) =>
      atomic(async (q) => {
        await q.query("DELETE FROM departments WHERE store = $1", [store]);
        const rows = Object.entries(d).flatMap(([name, zones]) => zones.map((zone) => ({ name, zone })));
        if (rows.length)
          await q.query(
            "INSERT INTO departments (store, department, zone, position) SELECT $1, d, z, p - 1 FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u(d, z, p)",
            [store, rows.map((r) => r.name), rows.map((r) => r.zone)],
          );
      }),
    aliases: (store) =>
      read(async (q) => {
        const out: Record<string, string> = {};
        for (const r of await departmentRows(q, store)) out[r.zone] = r.department;
        return out;
      }),
  };

  const experiments: ExperimentsStore = {
    insert: (experiment, now, layoutOf) =>
      atomic(async (q) => {
        if (layoutOf) {
          // The store's row, shared-locked: a cancel of its versions (FOR UPDATE: stores.cancelLayout) waits for this insert, or this for it.
          await q.query("SELECT 1 FROM stores WHERE id = $1 FOR SHARE", [layoutOf.store]);
          const has = await q.query("SELECT 1 FROM layouts WHERE store = $1 AND version = $2", [layoutOf.store, layoutOf.version]);
          if (!has.rowCount) return false;
        }
        await q.query("INSERT INTO experiments (id, body, created_at) VALUES ($1, $2, $3)", [experiment.id, JSON.stringify(experiment), now]);
        return true;
      }),
    get: <T>(id: string) => read(async (q) => (await q.query<{ body: T }>("SELECT body FROM experiments WHERE id = $1", [id])).rows[0]?.body),
    list: <T>() => read(async (q) => (await q.query<{ body: T }>("SELECT body FROM experiments ORDER BY created_at DESC, id")).rows.map((r) => r.body)),
    remove: (id) => write(async (q) => ((await q.query("DELETE FROM experiments WHERE id = $1", [id])).rowCount ?? 0) > 0),
  };

  const aggregates: AggregatesStore = {
    write: async (store, delta) => {
      if (!tx) return transaction(core, (t) => t.aggregates.write(store, delta));
      if (!tx.open) throw ended();
      if (!delta.empty || delta.revisits.size || delta.paths.size || delta.transitions.size) tx.entries.push({ store, delta });
      // A group commit stages its stores one after another without a statement between them: one store's staging per turn (./turns.ts).
      await backgroundTurn();
    },
    markForBuild: (store) =>
      write(
        async (q) =>
          void (await q.query("INSERT INTO aggregate_state (store, built_at) VALUES ($1, 0) ON CONFLICT (store) DO UPDATE SET built_at = 0", [store])),
      ),
    zoneTotals: (store, spans) => aggRead((q) => agg.zoneTotals(q, store, spans)),
    zoneHistograms: (store, spans) => aggRead((q) => agg.zoneHistograms(q, store, spans)),
    revisitsBefore: (store, a, b, before) => aggRead((q) => agg.revisitsBefore(q, store, a, b, before)),
    revisitHoursOfPrev: (store, a, b, prev) => aggRead((q) => agg.revisitHoursOfPrev(q, store, a, b, prev)),
    visitsIn: (store, zone, from, to) => aggRead((q) => agg.visitsIn(q, store, zone, from, to)),
    visitCount: (store, zone, from, to) => aggRead((q) => agg.visitCount(q, store, zone, from, to)),
    visitsInZones: (store, zones, from, to) => aggRead((q) => agg.visitsInZones(q, store, zones, from, to)),
    visitCounts: (store, zones, from, to) => aggRead((q) => agg.visitCounts(q, store, zones, from, to)),
    knownZones: (store) => aggRead((q) => agg.knownZones(q, store)),
    zoneHours: (store, a, b) => aggRead((q) => agg.zoneHours(q, store, a, b)),
    doorHours: (store, a, b) => aggRead((q) => agg.doorHours(q, store, a, b)),
    firstHour: (store) => aggRead((q) => agg.firstHour(q, store)),
    doorTotals: (store, spans) => aggRead((q) => agg.doorTotals(q, store, spans)),
    countsIn: (store, from, to) => read((q) => agg.countsIn(q, store, from, to)),
    openVisitsSince: (store, since) => aggRead((q) => agg.openVisitsSince(q, store, since)),
    openMany: (stores, since) => aggRead((q) => agg.openMany(q, stores, since)),
    pathReport: (store, spans, limit) => aggRead((q) => agg.pathReport(q, store, spans, limit)),
    pathCounts: (store, spans) => aggRead((q) => agg.pathCounts(q, store, spans)),
    tripStepsIn: (store, zones, from, to) => aggRead((q) => agg.tripStepsIn(q, store, zones, from, to)),
    dwellReads: (store, q) => aggRead((db) => dwellReads(db, store, q)),
    trafficReads: (store, q) => aggRead((db) => trafficReads(db, store, q)),
    deleteRawBefore: (store, before, limit) => atomic((q) => agg.deleteRawBefore(q, store, before, limit)),
    deleteRollupsBefore: (store, before) => atomic((q) => agg.deleteRollupsBefore(q, store, before)),
  };

  const audit = pgAudit(read, write);
  const digests = pgDigests(read, write);

  const HOOK = "id, store, url, events, enabled, disabled_reason, created_at, consecutive_failures, failing_since";
  const DELIVERY = "seq, hook_id, delivery_id, type, payload, created_at, attempts, next_attempt_at, status, last_error, response_status, finished_at";
  const hookRow = (r: HookRow | undefined) => (r ? hookInfo(r) : undefined);
  const getHook = async (q: PgQueryable, id: string) => hookRow((await q.query<HookRow>(`SELECT ${HOOK} FROM webhooks WHERE id = $1`, [id])).rows[0]);
  const webhooks: WebhooksStore = {
    create: (store, hook, now) =>
      write(async (q) => {
        const { rows } = await q.query<HookRow>(
          `INSERT INTO webhooks (id, store, url, secret, events, enabled, created_at) VALUES ($1, $2, $3, $4, $5, true, $6) RETURNING ${HOOK}`,
          [newHookId(), store, hook.url, hook.secret, JSON.stringify(hook.events), now],
        );
        return hookInfo(rows[0]!);
      }),
    get: (id) => read((q) => getHook(q, id)),
    list: (store) => read(async (q) => (await q.query<HookRow>(`SELECT ${HOOK} FROM webhooks WHERE store = $1 ORDER BY created_at, id`, [store])).rows.map(hookInfo)),
    secret: (id) => read(async (q) => (await q.query<{ secret: string }>("SELECT secret FROM webhooks WHERE id = $1", [id])).rows[0]?.secret),
    update: (id, change) =>
      atomic(async (q) => {
        const before = hookRow((await q.query<HookRow>(`SELECT ${HOOK} FROM webhooks WHERE id = $1 FOR UPDATE`, [id])).rows[0]);
        if (!before) return undefined;
        const enabling = change.enabled === true && !before.enabled;
        const enabled = change.enabled ?? before.enabled;
        const reason = enabled ? null : change.disabledReason !== undefined ? change.disabledReason : before.disabledReason;
        const { rows } = await q.query<HookRow>(
          `UPDATE webhooks SET url = $1, events = $2, enabled = $3, disabled_reason = $4,
             consecutive_failures = CASE WHEN $5 THEN 0 ELSE consecutive_failures END,
             failing_since = CASE WHEN $5 THEN NULL ELSE failing_since END
           WHERE id = $6 RETURNING ${HOOK}`,
          [change.url ?? before.url, JSON.stringify(change.events ?? before.events), enabled, reason, enabling, id],
        );
        return hookRow(rows[0]);
      }),
    setHealth: (id, h) =>
      write(
        async (q) =>
          void (await q.query("UPDATE webhooks SET consecutive_failures = $1, failing_since = $2, enabled = $3, disabled_reason = $4 WHERE id = $5", [
            h.consecutiveFailures,
            h.failingSince,
            h.enabled,
            h.enabled ? null : h.disabledReason,
            id,
          ])),
      ),
    remove: (id) =>
      atomic(async (q) => {
        await q.query("DELETE FROM webhook_deliveries WHERE hook_id = $1", [id]);
        return ((await q.query("DELETE FROM webhooks WHERE id = $1", [id])).rowCount ?? 0) > 0;
      }),
    enqueue: (hookId, d, now) =>
      write(async (q) => {
        const { rows } = await q.query<DeliveryRow>(
          `INSERT INTO webhook_deliveries (hook_id, delivery_id, type, payload, created_at, next_attempt_at, status)
           VALUES ($1, $2, $3, $4, $5, $5, 'pending') ON CONFLICT (hook_id, delivery_id) DO NOTHING RETURNING ${DELIVERY}`,
          [hookId, d.deliveryId, d.type, d.payload, now],
        );
        return rows[0] ? deliveryOf(rows[0]) : undefined;
      }),
    heads: () =>
      read(
        async (q) =>
          (
            await q.query<DeliveryRow>(
              `SELECT DISTINCT ON (d.hook_id) ${DELIVERY.split(", ").map((c) => `d.${c}`).join(", ")}
               FROM webhook_deliveries d JOIN webhooks w ON w.id = d.hook_id
               WHERE w.enabled AND d.status = 'pending' ORDER BY d.hook_id, d.seq`,
            )
          ).rows.map(deliveryOf),
      ),
    head: (hookId) =>
      read(async (q) => {
        const r = (await q.query<DeliveryRow>(`SELECT ${DELIVERY} FROM webhook_deliveries WHERE hook_id = $1 AND status = 'pending' ORDER BY seq LIMIT 1`, [hookId])).rows[0];
        return r ? deliveryOf(r) : undefined;
      }),
    // One UPDATE: two servers at once are serialised by the row's lock, and the second finds the claim taken. The lease runs on the database's clock.
    claim: (hookId, deliveryId, by, now, leaseMs) =>
      write(async (q) => {
        const r = (
          await q.query<DeliveryRow>(
            `WITH clock AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms)
             UPDATE webhook_deliveries SET claimed_by = $1, claimed_until = (SELECT ms FROM clock) + $2
             WHERE hook_id = $3 AND delivery_id = $4 AND status = 'pending' AND next_attempt_at <= $5
               AND (claimed_until IS NULL OR claimed_until <= (SELECT ms FROM clock))
             RETURNING ${DELIVERY}`,
            [by, leaseMs, hookId, deliveryId, now],
          )
        ).rows[0];
        return r ? deliveryOf(r) : undefined;
      }),
    recordAttempt: (hookId, deliveryId, a, by) =>
      write(async (q) => {
        const r = await q.query(
          `UPDATE webhook_deliveries SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4, response_status = $5, finished_at = $6,
             claimed_by = NULL, claimed_until = NULL
           WHERE hook_id = $7 AND delivery_id = $8 AND ($9::text IS NULL OR claimed_by = $9)`,
          [a.status, a.attempts, a.nextAttemptAt, a.lastError, a.responseStatus, a.finishedAt, hookId, deliveryId, by ?? null],
        );
        return (r.rowCount ?? 0) > 0;
      }),
    getDelivery: (hookId, deliveryId) =>
      read(async (q) => {
        const r = (await q.query<DeliveryRow>(`SELECT ${DELIVERY} FROM webhook_deliveries WHERE hook_id = $1 AND delivery_id = $2`, [hookId, deliveryId])).rows[0];
        return r ? deliveryOf(r) : undefined;
      }),
    deliveries: (hookId, limit = 100, before) =>
      read(
        async (q) =>
          (
            await q.query<DeliveryRow>(`SELECT ${DELIVERY} FROM webhook_deliveries WHERE hook_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`, [
              hookId,
              before ?? Number.MAX_SAFE_INTEGER,
              limit,
            ])
          ).rows.map(deliveryOf),
      ),
    prune: (hookId, keep) =>
      write(
        async (q) =>
          (
            await q.query(
              `DELETE FROM webhook_deliveries WHERE hook_id = $1 AND status <> 'pending' AND seq NOT IN
                 (SELECT seq FROM webhook_deliveries WHERE hook_id = $1 AND status <> 'pending' ORDER BY seq DESC LIMIT $2)`,
              [hookId, keep],
            )
          ).rowCount ?? 0,
      ),
  };

  // Opening hours and alerts: the same statements on both adapters (server/src/alerts/store.ts).
  const sql = (run: typeof read) => (text: string, args: readonly unknown[]) => run(async (q) => (await q.query(pgPlaceholders(text), [...args])).rows as Record<string, unknown>[]);
  const { hours, alerts } = alertStores(sql(read), sql(write), (b) => b);
  const accuracyAudits = accuracyAuditStore(sql(read), sql(write));
  const forecastModels = forecastModelStore(sql(read), sql(write));
  const offlineSpans = offlineSpansStore(sql(read), sql(write));

  const storage: PgStorage = {
    kind: "postgres",
    hours,
    alerts,
    accuracyAudits,
    forecastModels,
    offlineSpans,
    pool: core.pool,
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
    transaction: (fn, opts) => (tx ? (tx.open ? fn(storage) : Promise.reject(ended())) : transaction(core, fn, opts?.urgent ?? false)),
    savepoint: (fn) => (tx ? savepoint(core, tx, storage, fn) : transaction(core, fn)),
    buildPendingAggregates: (opts) => buildPending(core, storage, opts),
    buildStoreRollups: (progress) => buildStoreRollups(core, storage, progress),
    ping: () => read(async (q) => void (await q.query("SELECT 1"))),
    link: core.link,
    connectionLost: (err) => {
      if (!isConnectionLoss(err)) return false;
      core.link.lost(err as Error);
      return true;
    },
    tokenCacheStats: () => ({ listening: core.tokenCache?.active ?? false, hits: core.tokenCache?.hits ?? 0, misses: core.tokenCache?.misses ?? 0 }),
    poolStats: () => {
      const of = (p: pg.Pool) => ({ total: p.totalCount, idle: p.idleCount, waiting: p.waitingCount });
      return { main: of(core.pool), read: of(core.readPool), ...(core.interactivePool ? { interactive: of(core.interactivePool) } : {}) };
    },
    cutConnections: () => core.sockets?.destroy() ?? 0,
    clientOf: (t) => {
      const s = core.txOf.get(t);
      return s && s.open ? s.client : null;
    },
    dropRawBefore: async (before) => {
      const dropped = await core.partitions.dropBefore(before);
      await core.pool.query("DELETE FROM open_visits WHERE last_seen_ts < $1", [before]);
      return dropped;
    },
    deleteAllRollupsBefore: async (before) => {
      const hour = Math.floor(before / 3_600_000);
      const day = Math.floor(before / DAY_MS);
      let n = 0;
      for (const table of ["zone_rollups", "store_rollups", "path_rollups", "transition_rollups", "door_rollups"])
        n += (await core.pool.query(`DELETE FROM ${table} WHERE (grain = 0 AND t < $1) OR (grain = 1 AND t < $2)`, [hour, day])).rowCount ?? 0;
      n += (await core.pool.query("DELETE FROM zone_revisits WHERE hour < $1", [hour])).rowCount ?? 0;
      return n;
    },
    close: async () => {
      if (tx) throw new Error("storage: close the storage, not a transaction");
      if (core.closed) return;
      core.closed = true;
      if (core.timer) clearInterval(core.timer);
      core.link.close();
      await core.tokenCache?.close();
      // Not answered within STOP_WAIT_MS (a query in flight on a link that died silently, or the idle connections' polite
      // ends): their sockets are destroyed, so the close returns and leaves nothing open.
      const end = () => Promise.all([core.pool.end(), core.readPool.end(), core.interactivePool?.end()]);
      const destroyed = core.sockets ? await core.sockets.endWithin(end, STOP_WAIT_MS) : await end();
      if (destroyed)
        core.warn(`PostgreSQL did not answer the storage's close within ${STOP_WAIT_MS / 1000} s: ${destroyed} connection(s) cut (their queries in flight fail; what was not committed is not acknowledged, and the agents send it again)`);
    },
  };
  if (tx) core.txOf.set(storage, tx);
  return storage;
}

async function transaction<T>(core: PgCore, fn: (tx: Storage) => Promise<T>, urgent = false): Promise<T> {
  const result = await transactionOnce(core, fn, urgent);
  // The caller's work after its commit (a group commit's receipts, the next batch's decoding) is a slice of its own (./turns.ts), with the connection given back.
  await backgroundTurn();
  return result;
}

async function transactionOnce<T>(core: PgCore, fn: (tx: Storage) => Promise<T>, urgent: boolean): Promise<T> {
  if (core.closed) throw new Error("storage: closed");
  // A place among the pool's connections, urgent ones first (./priority-gate.ts); pg's own queue behind it is first come, first served.
  const leave = await core.gate.acquire(urgent);
  let client: pg.PoolClient;
  try {
    client = await core.pool.connect();
  } catch (err) {
    leave();
    throw err;
  }
  const state: TxState = { client, open: true, entries: [], flushed: 0, scopes: [], seq: 0, learned: new Map() };
  let broken = false;
  try {
    await client.query("BEGIN");
    try {
      const result = await fn(bind(core, state));
      await materialize(core, state);
      state.open = false;
      await client.query("COMMIT");
      core.learn(state.learned);
      return result;
    } catch (err) {
      state.open = false;
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      // Partitions made in it are gone again.
      core.partitions.forget();
      throw err;
    }
  } finally {
    state.open = false;
    client.release(broken || undefined);
    leave();
  }
}

async function savepoint<T>(core: PgCore, tx: TxState, storage: Storage, fn: (tx: Storage) => Promise<T>): Promise<T> {
  if (!tx.open) throw ended();
  const scope: Scope = { name: `footfall_sp${++tx.seq}`, mark: tx.entries.length, real: false };
  tx.scopes.push(scope);
  const pop = () => {
    const i = tx.scopes.lastIndexOf(scope);
    if (i >= 0) tx.scopes.splice(i, 1);
  };
  let result: T;
  try {
    result = await fn(storage);
  } catch (err) {
    pop();
    if (scope.real && tx.open) {
      await tx.client.query(`ROLLBACK TO SAVEPOINT ${scope.name}`);
      await tx.client.query(`RELEASE SAVEPOINT ${scope.name}`);
      tx.learned.clear();
      core.partitions.forget();
    }
    tx.entries.length = Math.min(tx.entries.length, scope.mark);
    tx.flushed = Math.min(tx.flushed, scope.mark);
    throw err;
  }
  pop();
  if (scope.real && tx.open) await tx.client.query(`RELEASE SAVEPOINT ${scope.name}`);
  return result;
}

/**
 * The one-time build of aggregates from stored events for stores marked by `markForBuild`:
 * the store's aggregate rows are cleared, then door counts in pages by (ts, id) and whole visitors
 * in pages by visitor, each page one transaction (as ../aggregates/backfill.ts does on SQLite).
 */
async function buildPending(core: PgCore, storage: Storage, opts: BackfillOptions): Promise<number> {
  // Servers starting together build one after the other: the second finds nothing left pending.
  const lock = await core.pool.connect();
  try {
    await lock.query("SELECT pg_advisory_lock($1)", [BUILD_LOCK]);
    try {
      return await buildPendingLocked(core, storage, opts);
    } finally {
      await lock.query("SELECT pg_advisory_unlock($1)", [BUILD_LOCK]).catch(() => {});
    }
  } finally {
    lock.release();
  }
}

/**
 * The one-time sum of the store rollups (migration 12, ../aggregates/store-rollups.ts) of the stores
 * listed pending, from their zone rollups: one transaction per store, which clears its store rows,
 * writes the sums and takes it off the list (an interrupted build starts that store again).
 */
async function buildStoreRollups(core: PgCore, storage: Storage, progress?: (done: number, total: number, store: string) => void): Promise<number> {
  const lock = await core.pool.connect();
  try {
    await lock.query("SELECT pg_advisory_lock($1)", [BUILD_LOCK]);
    try {
      return await buildStoreRollupsLocked(core, storage, progress);
    } finally {
      await lock.query("SELECT pg_advisory_unlock($1)", [BUILD_LOCK]).catch(() => {});
    }
  } finally {
    lock.release();
  }
}

async function buildStoreRollupsLocked(core: PgCore, storage: Storage, progress?: (done: number, total: number, store: string) => void): Promise<number> {
  const pending = (await core.pool.query<{ store: string }>("SELECT store FROM store_rollups_pending ORDER BY store")).rows;
  let done = 0;
  for (const { store } of pending) {
    await storage.transaction(async (tx) => {
      const q = (tx as PgStorage).clientOf(tx)!;
      await q.query("DELETE FROM store_rollups WHERE store = $1", [store]);
      const { rows } = await q.query<ZoneRollupRow>(
        "SELECT grain, t, visits, firsts, closed, dwell_sum_ms, hist FROM zone_rollups WHERE store = $1 ORDER BY grain, t",
        [store],
      );
      const sums = [...sumByPeriod(rows)];
      for (let i = 0; i < sums.length; i += 1000) {
        const page = sums.slice(i, i + 1000);
        await q.query(
          `INSERT INTO store_rollups (store, grain, t, visits, firsts, closed, dwell_sum_ms, stamp, hist)
             SELECT $1, g, t, v, f, c, d, $9, h FROM unnest($2::smallint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bytea[]) AS x(g, t, v, f, c, d, h)`,
          [
            store,
            page.map((s) => s.grain),
            page.map((s) => s.t),
            page.map((s) => s.visits),
            page.map((s) => s.firsts),
            page.map((s) => s.closed),
            page.map((s) => s.dwellSumMs),
            page.map((s) => (s.hist.size ? encodeHistogram(s.hist) : null)),
            Date.now(),
          ],
        );
      }
      await q.query("DELETE FROM store_rollups_pending WHERE store = $1", [store]);
    });
    progress?.(++done, pending.length, store);
  }
  return done;
}

/** The advisory lock of the aggregate build ("fbld"). */
const BUILD_LOCK = 0x66626c64;

async function buildPendingLocked(core: PgCore, storage: Storage, opts: BackfillOptions): Promise<number> {
  const pending = (await core.pool.query<{ store: string }>("SELECT store FROM aggregate_state WHERE built_at = 0 ORDER BY store")).rows;
  const page = opts.pageSize ?? 50_000;
  let built = 0;
  for (const { store } of pending) {
    await storage.transaction(async (tx) => {
      const q = (tx as PgStorage).clientOf(tx)!;
      // The store's path ids (`paths`) are kept: an id names the same zones for ever, so the ids other servers hold in
      // their caches stay valid (deleted here, another server's next commit wrote trips and rollups under an id that no
      // longer named a path, and the rebuild named the same path again under a new one: its trips were lost from the figures).
      for (const table of ["visits", "trips", "zone_rollups", "store_rollups", "zone_revisits", "path_rollups", "transition_rollups", "door_rollups", "open_visits"])
        await q.query(`DELETE FROM ${table} WHERE store = $1`, [store]);
    });
    const total = await storage.events.total(store);
    let done = 0;
    let cursor = { ts: Number.MIN_SAFE_INTEGER, id: "" };
    for (;;) {
      const { rows } = await core.pool.query<{ id: string; zone: string; ts: number; n_in: number; n_out: number }>(
        "SELECT id, zone, ts, n_in, n_out FROM events WHERE store = $1 AND type = 2 AND (ts, id) > ($2, $3) ORDER BY ts, id LIMIT $4",
        [store, cursor.ts, cursor.id, page],
      );
      if (rows.length === 0) break;
      const delta = new AggregateDelta();
      for (const r of rows) delta.door(r.zone, r.ts, r.n_in, r.n_out);
      await storage.transaction((tx) => tx.aggregates.write(store, delta));
      const last = rows[rows.length - 1]!;
      cursor = { ts: last.ts, id: last.id };
      done += rows.length;
      opts.progress?.(store, done, total);
      if (rows.length < page) break;
    }
    let after = "";
    let reported = done;
    for (;;) {
      const visitors = (
        await core.pool.query<{ visitor: string }>("SELECT DISTINCT visitor FROM events WHERE store = $1 AND visitor > $2 ORDER BY visitor LIMIT $3", [
          store,
          after,
          Math.max(1, Math.floor(page / 8)),
        ])
      ).rows.map((r) => r.visitor);
      if (visitors.length === 0) break;
      const all = await storage.events.visitorsEvents(store, visitors);
      const delta = new AggregateDelta();
      for (const visitor of visitors) {
        const list = all.get(visitor) ?? [];
        done += list.length;
        const d = deriveVisitor(list, opts);
        for (const x of d.visits) delta.visit(x.zone, x.enterId, x.item, 1);
        for (const t of d.trips) delta.trip(visitor, t.startTs, t.key, 1, t.steps);
        for (const o of d.open) delta.openVisit(o.zone, visitor, o.lastSeenTs);
      }
      await storage.transaction((tx) => tx.aggregates.write(store, delta));
      after = visitors[visitors.length - 1]!;
      if (done - reported >= 250_000) {
        opts.progress?.(store, done, total);
        reported = done;
      }
    }
    await core.pool.query("UPDATE aggregate_state SET built_at = $1 WHERE store = $2", [core.now(), store]);
    opts.progress?.(store, total, total);
    built++;
  }
  return built;
}

/**
 * The commits' backends at nice `nice`: the `prioritize` extension made when missing (a superuser's
 * right), then the pool's one open connection (the probe's) lowered as later ones are when they open,
 * and its nice value read back. Where that cannot be had the storage works as before, and `warn` says
 * why and what to do.
 */
async function prioritizeCommits(pool: pg.Pool, nice: number, warn: (message: string) => void): Promise<void> {
  const has = async () => (await pool.query("SELECT 1 FROM pg_extension WHERE extname = 'prioritize'")).rowCount! > 0;
  let reason = "";
  if (!(await has())) {
    try {
      await pool.query("CREATE EXTENSION IF NOT EXISTS prioritize");
    } catch (err) {
      reason = (err as Error).message;
    }
  }
  if (await has()) {
    const client = await pool.connect();
    try {
      await client.query(backendNiceSql(nice));
      const got = (await client.query<{ n: number }>("SELECT get_backend_priority(pg_backend_pid()) AS n")).rows[0]?.n;
      if (got === nice) return;
      reason = `the backend's nice value is ${got} after asking for ${nice}`;
    } catch (err) {
      reason = (err as Error).message;
    } finally {
      client.release();
    }
    warn(
      `PostgreSQL: the commits run at the queries' CPU priority, not nice ${nice} (FOOTFALL_PG_INGEST_NICE): ${reason}. ` +
        "Check that the database's operating system lets its backends lower their own priority, or set FOOTFALL_PG_INGEST_NICE=0 to stop asking",
    );
    return;
  }
  warn(
    `PostgreSQL: the commits run at the queries' CPU priority, not nice ${nice} (FOOTFALL_PG_INGEST_NICE), as the database has no prioritize extension (${reason}); ` +
      "on a busy database machine queries wait longer. Install postgresql-<major>-prioritize there and run CREATE EXTENSION prioritize as a superuser once, or set FOOTFALL_PG_INGEST_NICE=0 to stop asking",
  );
}

/**
 * Open the PostgreSQL database at `url` (`postgres://user:password@host:5432/footfall`) as a
 * {@link Storage}: migrations applied (under an advisory lock, so servers may start together),
 * partitions made from the oldest accepted event to a month ahead (and kept ahead every hour).
 * A database that cannot be reached or is newer than this server throws, saying what to do.
 */
export async function openPgStorage(url: string, opts: PgStorageOptions = {}): Promise<PgStorage> {
  // A restart of PostgreSQL ends every pooled connection at once: one line for the lot (link), not one per connection.
  let link: PgLink | null = null;
  const onError = (err: Error) => (link && isConnectionLoss(err) ? link.lost(err) : (opts.onError ?? (() => {}))(err));
  const nice = opts.ingestNice ?? 0;
  const pool = createPgPool(url, { max: opts.poolMax ?? 10, applicationName: opts.applicationName ?? "footfall", ...(nice ? { backendNice: nice } : {}) }, onError);
  const readPool = createPgPool(url, { max: opts.readPoolMax ?? 5, applicationName: `${opts.applicationName ?? "footfall"}-read` }, onError);
  const interactivePool =
    opts.interactivePoolMax === 0
      ? null
      : createPgPool(url, { max: opts.interactivePoolMax ?? 5, applicationName: `${opts.applicationName ?? "footfall"}-http` }, onError);
  const pgLink = new PgLink({ url, notify: opts.onLink ?? (() => {}), probe: () => readPool.query("SELECT 1"), ...(opts.now ? { now: opts.now } : {}) });
  link = pgLink;
  for (const p of [pool, readPool, interactivePool]) p?.on("connect", () => pgLink.ok());
  const sockets = new PoolSockets([pool, readPool, interactivePool]);
  // A failed open on a link that does not answer: bounded as the storage's close.
  const endAll = () => sockets.endWithin(() => Promise.all([pool.end(), readPool.end(), interactivePool?.end()]));
  // Within CONNECT_TIMEOUT_MS: a host or firewall that drops the packets is not waited for for ever.
  try {
    await checkReachable(url, opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
  } catch (err) {
    await endAll();
    throw err;
  }
  if (nice) await prioritizeCommits(pool, nice, opts.onWarn ?? (() => {}));
  const now = opts.now ?? Date.now;
  const core = new PgCore(pool, readPool, now, interactivePool, opts.pathIdCacheSize);
  core.link = pgLink;
  core.sockets = sockets;
  core.warn = opts.onWarn ?? (() => {});
  if (opts.tokenCacheMs !== 0)
    core.tokenCache = new TokenCache<TokenRow>({
      url,
      ttlMs: opts.tokenCacheMs,
      onError,
      // A token revoked by another server or the CLI: this server's listeners (the live hub drops its sockets) hear of it at once.
      onNotice: (id) => {
        if (id === GROUPS_CHANGED) return;
        const own = core.ownRevokes.get(id);
        if (own !== undefined) {
          if (own <= 1) core.ownRevokes.delete(id);
          else core.ownRevokes.set(id, own - 1);
          return;
        }
        for (const l of core.revokeListeners) l(id);
      },
    });
  try {
    await migratePg(pool, undefined, opts.onMigration);
    const maxAge = opts.maxEventAgeMs ?? 8 * DAY_MS;
    await core.partitions.prepare(now(), maxAge);
    core.timer = setInterval(() => {
      core.partitions.prepare(now(), DAY_MS).catch((err: Error) => onError(err));
    }, 3_600_000);
    core.timer.unref();
  } catch (err) {
    await endAll();
    throw err;
  }
  return bind(core, null);
}
