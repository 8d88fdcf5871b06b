/**
 * The storage interface: everything the server keeps, behind one async object, whatever the
 * database. Plain data in and out; no driver type appears here or in any consumer (the SQLite
 * adapter is ./sqlite.ts; a PostgreSQL one implements the same interface). Every adapter must pass
 * the contract suite in ./contract.ts.
 *
 * Transactions: `transaction(fn)` runs `fn` with `tx`, the storage bound to that transaction (a
 * PostgreSQL adapter gives it a client of its own; SQLite uses its one connection, serialized).
 * Inside `fn`, use `tx` and nothing else for reads and writes that belong to the transaction.
 */
import type { AgentKind, AgentStatus, FootfallEvent, Layout, LayoutInput, PathReport, StoreId, VisitorEvent } from "@footfall/core";
import type { AggregateDelta } from "../aggregates/delta.js";
import type { DwellHistogram } from "../aggregates/dwell-histogram.js";
import type { Spans } from "../aggregates/spans.js";
import type { AlertsStore, HoursStore } from "../alerts/store.js";
import type { AccuracyAuditsStore } from "../audits/store.js";
import type { ForecastModelsStore } from "../routes/forecast-store.js";
import type { OfflineSpansStore } from "../analytics/offline-spans.js";

// ---- stores and layouts ----

export interface StoreRow {
  id: StoreId;
  name: string;
}
export interface LayoutVersion {
  version: number;
  validFrom: number;
}

// ---- agents ----

export interface AgentIdentity {
  store: string;
  agent: string;
  kind: AgentKind;
}
export interface AgentRow extends AgentIdentity {
  username: string;
  state: string;
  version: string | null;
  statusTs: number | null;
  lastEventTs: number | null;
  lastReceivedAt: number | null;
  events: number;
  duplicates: number;
  rejects: number;
  /** When it was revoked, or null. */
  revokedAt: number | null;
  /** The metrics of its last status message (JSON text: queued, oldestQueuedAgeMs, ...), or null. */
  statusMetrics?: string | null;
  /** Its live statuses' clock samples (JSON text, core's encodeClockSamples), or null before the first. */
  clockSamples?: string | null;
}
/** What `footfall agent add` prints: the password is shown once and stored hashed. */
export interface AgentCredentials {
  agent: string;
  store: string;
  username: string;
  password: string;
}
/** An agent and its stored password hash, by MQTT user name. */
export interface AgentSecret extends AgentIdentity {
  hash: string;
}
/** A line of a Mosquitto password file. */
export interface AgentPasswordEntry {
  username: string;
  hash: string;
  store: string;
  agent: string;
}
/** One agent's events of a group commit. */
export interface EventGroup {
  store: string;
  agent: string;
  events: readonly FootfallEvent[];
}

/** What one group commit adds to an agent's ingest counters, with the agent. */
export interface AgentTally extends IngestTally {
  store: string;
  agent: string;
  /** (issue 14) The zones its new events named, each with the newest event time of the commit. */
  zones?: ReadonlyMap<string, number>;
}

/** (issue 14) An agent that reports a zone: its newest event of that zone and when it arrived. */
export interface ZoneAgentRow {
  agent: string;
  lastEventTs: number;
  lastReceivedAt: number;
}

/** What one group commit adds to an agent's ingest counters. */
export interface IngestTally {
  events: number;
  duplicates: number;
  rejects: number;
  lastEventTs: number | null;
  receivedAt: number;
}

// ---- tokens ----

/**
 * Roles (DESIGN.md): `viewer` analytics and layouts; `staff` live occupancy and layouts;
 * (v1.1) `merchandiser` what a viewer may plus saving layouts, departments and experiments;
 * `admin` everything, including tokens, agents and the sales import.
 */
export const ROLES = ["viewer", "staff", "merchandiser", "admin"] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  role: Role;
  /** Limited to this store, or null for every store. */
  store: string | null;
  /** Limited to the stores of this store group, or null (a token has a store or a group, not both). */
  group: string | null;
  /** The stores of `group` when the request was authenticated (set by the auth hook; absent: not resolved, so none). */
  groupStores?: ReadonlySet<string>;
  /** The token's public id (what `footfall token list` shows and `revoke` takes). */
  tokenId: string;
}

/** A token as listed: never the token itself. */
export interface TokenInfo {
  id: string;
  role: Role;
  store: string | null;
  /** Limited to the stores of this group, or null. */
  group: string | null;
  label: string | null;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export type TokenCheck = { ok: true; principal: Principal } | { ok: false; why: "unknown" | "revoked" | "expired"; at?: number };

// ---- store groups ----

/** A named set of stores (a region, a format, ...), defined by admins. */
export interface StoreGroup {
  /** An id like a store's (`^[a-z0-9][a-z0-9_-]{0,63}$`). */
  id: string;
  name: string;
  /** What sort of group it is ("region", "format", ...), free text, or null. */
  kind: string | null;
  /** Its stores, by id. */
  stores: string[];
}

/** Options of a new token. */
export interface TokenOptions {
  label?: string | null;
  expiresAt?: number | null;
  /** Limit the token to the stores of this group (then `store` is null). */
  group?: string | null;
}

// ---- sales and departments ----

/** One till transaction, as imported. */
export interface SaleRow {
  transaction: string;
  ts: number;
  /** The zone the row named, or null when it named a department. */
  zone: string | null;
  department: string | null;
  /** The zones that share the sale equally (one, unless a department of several zones). */
  zones: string[];
  amount: number;
  items: number | null;
}

export type InsertOutcome = "accepted" | "duplicate" | "conflict";

/** Per zone: transactions (a department's sale split evenly counts 1/n in each of its n zones) and sales. */
export interface ZoneSales {
  zone: string;
  transactions: number;
  sales: number;
}

/** Department name -> its zones, in the order they were given. */
export type Departments = Record<string, string[]>;

// ---- aggregates ----

export interface ZoneTotals {
  visits: number;
  firsts: number;
  closed: number;
  dwellSumMs: number;
}

export interface OpenVisitRow {
  zone: string;
  visitor: string;
  lastSeenTs: number;
}

/** A stored visit as the analytics read it back. */
export interface StoredVisit {
  enterTs: number;
  /** exit - enter in ms for a closed visit, else null. */
  dwellMs: number | null;
  /** enterTs of the same visitor's previous visit to the same zone, or null. */
  prevEnterTs: number | null;
}

/** A raw door count as the analytics read it back. */
export interface StoredCount {
  zone: string;
  ts: number;
  nIn: number;
  nOut: number;
}

/** Path ids of a range with their trip counts. */
export interface PathTally {
  ids: number[];
  counts: Map<number, number>;
  trips: number;
}

/** Trips per path: each distinct zone sequence with its count of trips. */
export interface PathCount {
  zones: readonly string[];
  count: number;
}

/** A raw trip as the queue figures read it back: its path and when each step began. */
export interface StoredTripSteps {
  startTs: number;
  zones: string[];
  /** Epoch ms of each step's enter; null: not known (a trip stored before migration 31 and not filled yet). */
  enters: number[] | null;
}

/** Options of the one-time build of aggregates from stored events (a data directory from before them). */
export interface BackfillOptions {
  visitTimeoutMs: number;
  /** Progress, every few hundred thousand events. */
  progress?(store: string, events: number, total: number): void;
  /** Events per transaction (default 50,000). */
  pageSize?: number;
}

// ---- audit log and report schedules (issue 15; migration 8) ----

/** Who did an admin action: the token (id, role, label), or null for the command line / the server itself. */
export interface AuditActor {
  tokenId: string | null;
  role: string | null;
  label: string | null;
}
export interface AuditInput {
  ts: number;
  actor: AuditActor;
  /** What was done, dotted: `token.create`, `agent.rotate`, `layout.save`, ... */
  action: string;
  /** What it was done to (a token id, `store/agent`, a store id), or null. */
  target: string | null;
  /** The store it concerns (a store-limited admin sees only its own), or null. */
  store: string | null;
  /** Plain JSON details (never a secret). */
  details: Record<string, unknown> | null;
}
export interface AuditEntry extends AuditInput {
  /** Grows with every entry: the page cursor. */
  id: number;
}
export interface AuditQuery {
  from?: number;
  to?: number;
  /** An action, or a prefix ending in a dot (`token.`). */
  action?: string;
  actor?: string;
  target?: string;
  /** Only this store's entries (and not those of no store). */
  store?: string;
  /** Only the entries of these stores (and not those of no store): an admin limited to a group sees its stores'. Empty: none. */
  stores?: readonly string[];
  /** Entries older than this id (the next page). */
  before?: number;
  limit: number;
}

/** The append-only log of admin actions. */
export interface AuditStore {
  append(entry: AuditInput): Promise<AuditEntry>;
  /** Newest first, at most `limit`. */
  list(q: AuditQuery): Promise<AuditEntry[]>;
  /** Deletes at most `limit` of the oldest entries written before `before` (the retention job); how many went. */
  prune(before: number, limit: number): Promise<number>;
}

export type DigestFrequency = "daily" | "weekly";
/** A scheduled digest of one store or one group: by e-mail to its recipients, and to its webhook if it has one. */
export interface DigestInput {
  id: string;
  scope: "store" | "group";
  /** The store or group id. */
  target: string;
  frequency: DigestFrequency;
  recipients: string[];
  /** The local hour (0-23, in `timeZone`) it is sent at. */
  hour: number;
  /** The IANA time zone its periods and hour follow; null/absent: its stores' (all in one zone). */
  timeZone?: string | null;
  /** A webhook (its id: any store's hook) the digest is also delivered to, signed and retried as that hook's alerts; null/absent: mail only. */
  webhook?: string | null;
}
export interface Digest extends DigestInput {
  timeZone: string | null;
  webhook: string | null;
  createdAt: number;
  /** The start date (YYYY-MM-DD, local) of the last period sent (or being sent), or null. */
  lastPeriod: string | null;
  lastSentAt: number | null;
  lastError: string | null;
  /** The period the last failed send was for (null once it is sent). */
  failedPeriod: string | null;
  /** Failed attempts at `failedPeriod`. */
  attempts: number;
  /** When the next attempt at `failedPeriod` may go; null: none pending. */
  retryAt: number | null;
  /** When the scheduler gave up on `failedPeriod` (it is not sent unless an admin sends it again). */
  gaveUpAt: number | null;
}
/** How a send ended: sent, or failed (retryAt: the next attempt; null: given up, the period stays taken). */
export type DigestSettle =
  | { ok: true; at: number; period: string }
  | { ok: false; error: string; period: string; previous: string | null; attempts: number; retryAt: number | null; at: number };
export interface DigestsStore {
  /** By id. */
  list(): Promise<Digest[]>;
  get(id: string): Promise<Digest | undefined>;
  /** Create or replace (keeps createdAt and what was sent). */
  save(d: DigestInput, now: number): Promise<Digest>;
  remove(id: string): Promise<boolean>;
  /**
   * Take the period `period` for sending: true for exactly one caller (across servers) when
   * `period` is after the last one taken, or is that one and its send never settled (a server
   * killed while sending) and its lease ran out, and no retry is pending after `now`. Given `now`,
   * the period is held until now + DIGEST_SEND_LEASE_MS (its `retryAt`, cleared by `settle`).
   */
  claim(id: string, period: string, now?: number): Promise<boolean>;
  /**
   * After a send: when it went (clears the failure record of that period), or why not: a failed send
   * gives the period back (`previous`) until `retryAt`, or keeps it taken when given up (retryAt null).
   */
  settle(id: string, outcome: DigestSettle): Promise<void>;
  /** (migration 28) The webhook delivery a send-now of the period `periodPrefix` (`digest:<id>:<period>`) queued before its mail failed, or null: none pending. */
  pendingResend(id: string, periodPrefix: string): Promise<string | null>;
  /** (migration 28) A send-now's outcome: its delivery `deliveryId` pending (its mail failed: the next send-now of that period reuses it), or not (it went). */
  noteResend(id: string, deliveryId: string, pending: boolean): Promise<void>;
}

// ---- webhooks (issue 14.4) ----

/** A store's webhook as listed: never its secret (shown once, on creation). */
export interface WebhookInfo {
  id: string;
  store: string;
  url: string;
  /** Notification types it receives (e.g. "alert.firing"); empty: every type. */
  events: string[];
  enabled: boolean;
  /** Why it was disabled (by the dispatcher after repeated failures, or by an admin), or null. */
  disabledReason: string | null;
  createdAt: number;
  /** Failed attempts in a row since the last success. */
  consecutiveFailures: number;
  /** When the current run of failures began, or null. */
  failingSince: number | null;
}

export type WebhookDeliveryStatus = "pending" | "delivered" | "given_up";

/** One message to one hook: the durable queue (pending) and the delivery log (delivered, given up). */
export interface WebhookDelivery {
  /** Sent as `Footfall-Delivery`: the same on every attempt (receivers dedupe on it). */
  deliveryId: string;
  hookId: string;
  /** Order within the hook: deliveries go out in this order, one at a time. */
  seq: number;
  type: string;
  /** The JSON body, exactly as signed and sent. */
  payload: string;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  status: WebhookDeliveryStatus;
  lastError: string | null;
  responseStatus: number | null;
  /** When it was delivered or given up, else null. */
  finishedAt: number | null;
}

/** What an attempt changes on a delivery. */
export interface DeliveryAttempt {
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  responseStatus: number | null;
  finishedAt: number | null;
}

/** A hook's failure bookkeeping, written by the dispatcher after each attempt. */
export interface WebhookHealth {
  consecutiveFailures: number;
  failingSince: number | null;
  enabled: boolean;
  disabledReason: string | null;
}

// ---- the sub-stores ----

/** Stores and their versioned layouts. */
export interface StoresStore {
  /** Every store, by id. */
  list(): Promise<StoreRow[]>;
  get(id: string): Promise<StoreRow | undefined>;
  /** Create the store when it does not exist (its name is kept when it does). */
  ensure(id: string, name: string, now: number): Promise<void>;
  /** Every layout version of a store, ordered by validFrom then version. */
  layouts(store: string): Promise<Layout[]>;
  /** `layouts` of many stores in one statement (PostgreSQL: a server taking shards over loads hundreds); stores without one get []. */
  layoutsOf?(stores: readonly string[]): Promise<Map<string, Layout[]>>;
  /** Versions by version number. */
  versions(store: string): Promise<LayoutVersion[]>;
  /**
   * Save a new layout version (creating the store when it is new; versions count up from 1); returns the stored layout.
   * The store takes the name of its version in force at `now` (a version saved for later renames it when it takes effect: nameInForce).
   */
  saveLayout(store: StoreId | string, input: LayoutInput, now: number): Promise<Layout>;
  /**
   * `saveLayout`, only when no version newer than `seen` (the newest the saver had seen; 0: none; undefined: not asked) is
   * stored, and when `input.validFrom` (after 0, at or before `now`) is not the very instant of a past version or of the one
   * in force (core pastVersionAt: the save would take its place for ever; "past version", with the version and the one that
   * replaced it, if any), nor of a version saved for later ("scheduled at": the caller replaces it). All checked in the save's transaction (SQLite BEGIN IMMEDIATE; PostgreSQL the store's row locked
   * FOR UPDATE, as a save locks it): of two savers who saw the same version, or two saves at the same past instant, one
   * saves and the other is told why not.
   */
  saveLayoutSeen(store: StoreId | string, input: LayoutInput, now: number, seen: number | undefined): Promise<LayoutSaveResult>;
  /**
   * Give the store the name of its layout version in force at `now` (core layoutAt): called when a version saved for later
   * takes effect, and at a start or shard takeover (one whose time passed while no server ran). Answers the new name, or null: unchanged.
   */
  nameInForce(store: string, now: number): Promise<string | null>;
  /**
   * Cancel (delete) a version saved for later, before it takes effect (core layoutCancel): never the version in force nor a
   * past one. Its number is not given again (the store keeps its last number: migration 21). Answers what was done.
   */
  cancelLayout(store: string, version: number, now: number): Promise<LayoutCancelResult>;
  /**
   * Replace a version saved for later by `input` in one step (a correction before it takes effect): the version is cancelled
   * as by `cancelLayout` (same refusals, checked in the same transaction) and `input` saved as by `saveLayout`, under a new
   * number (a number never means two layouts). Answers the saved layout and the replaced version's validFrom, or why not.
   * With `seen`, refused ("newer") as `saveLayoutSeen` is when a version newer than `seen` is stored, in the same transaction.
   */
  replaceLayout(store: string, version: number, input: LayoutInput, now: number, seen?: number): Promise<LayoutReplaceResult>;
}

/**
 * Why a layout version may not be cancelled or replaced: in force now, past (replaced since), or the change of an
 * experiment (one whose `layoutVersion` is this version of its first test store: experiments.insert's `layoutOf`).
 */
export type LayoutChangeRefusal =
  | { outcome: "in force" | "past"; validFrom: number }
  | { outcome: "referenced"; validFrom: number; experiment: { id: string; name: string } }
  | { outcome: "unknown" };

/** What `stores.cancelLayout` did: cancelled, or why not (with the version's validFrom when it exists). */
export type LayoutCancelResult = { outcome: "cancelled"; validFrom: number } | LayoutChangeRefusal;

/** The versions stored after the one a saver had seen (by version): the save or replace was refused, nothing changed. */
export type LayoutNewer = { outcome: "newer"; newer: LayoutVersion[] };

/**
 * A save at the very instant of a past version (or of the one in force) was refused (core pastVersionAt), nothing changed:
 * `past` the version in force from that instant, `until` the version that replaced it (null: still in force at `now`).
 */
export type LayoutPastVersion = { outcome: "past version"; past: LayoutVersion; until: LayoutVersion | null };

/**
 * A save at the very instant of a version saved for later (after `now`) was not made, nothing changed: saved, that version
 * would never be in force; the caller replaces it instead (`replaceLayout`), as a save at that instant does.
 */
export type LayoutScheduledAt = { outcome: "scheduled at"; scheduled: LayoutVersion };

/**
 * What `stores.saveLayoutSeen` did: saved, or refused for the versions saved since, for the past version at its instant,
 * or for the version saved for later at its instant.
 */
export type LayoutSaveResult = { outcome: "saved"; layout: Layout } | LayoutNewer | LayoutPastVersion | LayoutScheduledAt;

/**
 * What `stores.replaceLayout` did: replaced (the new layout; `validFrom`: the replaced version's), or why not ("scheduled
 * at": another version saved for later takes effect at the new `validFrom`, which the correction would leave never in
 * force; looked for in the replace's transaction, nothing changed).
 */
export type LayoutReplaceResult = { outcome: "replaced"; validFrom: number; layout: Layout } | LayoutChangeRefusal | LayoutNewer | LayoutScheduledAt;

/** Agents: credentials (hashed), last status and ingest counters. */
export interface AgentsStore {
  /** Create an agent (or give an existing one a new password); the password is returned once. */
  add(store: string, agent: string, kind: AgentKind, now: number): Promise<AgentCredentials>;
  /** The agent and its stored password hash, by MQTT user name. */
  credentials(username: string): Promise<AgentSecret | undefined>;
  /** The agent whose password this is (PBKDF2 off the event loop), or undefined. */
  authenticate(username: string, password: string): Promise<AgentIdentity | undefined>;
  /** Agents whose own MQTT client id (`${store}-${agent}`, as agents connect) is `clientId`. */
  ownersOfClientId(clientId: string): Promise<AgentIdentity[]>;
  get(store: string, agent: string): Promise<AgentIdentity | undefined>;
  /** Every agent of these stores (revoked ones too, as {@link get}), in one read: a chain server taking shards over learns them at once. */
  ofStores(stores: readonly string[]): Promise<AgentIdentity[]>;
  /** A store's agents, by agent id. */
  list(store: string): Promise<AgentRow[]>;
  /** Every agent of every store (revoked ones too), by store then agent id: `footfall agent list`. */
  listAll(): Promise<AgentRow[]>;
  /** User names with their hashes, for a Mosquitto password file, by user name. */
  passwordEntries(): Promise<AgentPasswordEntry[]>;
  /**
   * Store the agent's last status. `receivedAt` (the server's clock) only for an `online` status received
   * live (not a retained one replayed, not a will): it adds a clock sample (core's clock-offset.ts).
   */
  recordStatus(store: string, agent: string, status: AgentStatus, receivedAt?: number): Promise<void>;
  /** Add a commit's counts to the agent's counters; its last event time only grows. */
  recordIngest(store: string, agent: string, tally: IngestTally): Promise<void>;
  /**
   * {@link recordIngest} for several agents in one call (a group commit's tallies); (issue 14) a
   * tally's `zones` are kept per (store, zone, agent): newest event time (only grows) and arrival.
   */
  recordIngestMany(tallies: readonly AgentTally[]): Promise<void>;
  /** (issue 14) The agents whose events named `zone` (any time since migration 13), by agent id. */
  zoneAgents(store: string, zone: string): Promise<ZoneAgentRow[]>;
  /**
   * Revoke an agent: its password no longer works and it leaves the broker files (its counters
   * stay). `add` gives it a new password and lifts the revocation. False when unknown.
   */
  revoke(store: string, agent: string, now: number): Promise<boolean>;
  /**
   * Forget a store that never was more than the name its agents were added under (a mistyped `--store`): when every
   * agent of it is revoked and none ever sent anything (no status, no event, nothing rejected), and it has no layout,
   * no events or figures, no sales or departments, no opening hours, alert rules, webhooks or accuracy audits, no
   * group holds it and no live token is limited to it, its agents' rows are deleted (in one statement: the check
   * and the delete cannot be split by another write), so no list names it again. The audit log keeps what was done.
   * True when it was forgotten; false (nothing done) otherwise.
   */
  forgetUnusedStore(store: string): Promise<boolean>;
}

/**
 * API bearer tokens: only a hash is stored, with a public id, an optional expiry and a revocation
 * time. A revoked or expired token is refused at once.
 */
export interface TokensStore {
  /** Create a token; the plain token is returned once and never stored. */
  create(role: Role, store: string | null, now: number, opts?: TokenOptions): Promise<{ token: string; info: TokenInfo }>;
  /** Create a token and return it (the short form of {@link create}). */
  add(role: Role, store: string | null, now: number, label?: string | null, expiresAt?: number | null): Promise<string>;
  /** Who a token is, or why it is refused. Notes its use (at most once a minute). */
  check(token: string, now: number): Promise<TokenCheck>;
  /** The principal of a valid token, or undefined. */
  verify(token: string, now?: number): Promise<Principal | undefined>;
  /** Whether the token with this id is valid at `now` (known, not revoked, not expired). */
  isValid(id: string, now: number): Promise<boolean>;
  get(id: string): Promise<TokenInfo | undefined>;
  /** Every token, oldest first, revoked and expired ones included. */
  list(): Promise<TokenInfo[]>;
  /** Revoke by id (or by the token itself); the token as revoked, or undefined when unknown. Revoking twice keeps the first time. */
  revoke(idOrToken: string, now: number): Promise<TokenInfo | undefined>;
  /** Give a token a new label (null: none); the token as changed, or undefined when unknown. Nothing else of it changes. */
  relabel(id: string, label: string | null): Promise<TokenInfo | undefined>;
  /** Called with a token's id when it is revoked through this storage object. */
  onRevoked(listener: (id: string) => void): void;
}

/** Store groups and their members. A store may be in any number of groups. */
export interface GroupsStore {
  /** Every group with its stores, by id. */
  list(): Promise<StoreGroup[]>;
  get(id: string): Promise<StoreGroup | undefined>;
  /** Create an empty group; false (nothing changed) when the id is taken. */
  create(id: string, name: string, kind: string | null, now: number): Promise<boolean>;
  /** Change a group's name or kind; false when there is no such group. */
  update(id: string, patch: { name?: string; kind?: string | null }): Promise<boolean>;
  /** Delete a group and its memberships; false when there is no such group. Tokens scoped to it then see no store. */
  remove(id: string): Promise<boolean>;
  /** Replace a group's stores; false when there is no such group. */
  setStores(id: string, stores: readonly string[]): Promise<boolean>;
  /** Replace the groups a store is in; the ids of unknown groups (then nothing changed). */
  setGroupsOf(store: string, groups: readonly string[]): Promise<string[]>;
  /** The stores of a group, by id (none for an unknown group). */
  storesOf(id: string): Promise<string[]>;
  /** The groups a store is in, by id. */
  groupsOf(store: string): Promise<string[]>;
}

/**
 * Reads of many stores at once (the chain overview): one statement per figure over all the stores
 * given, never one per store. The rollup reads take the whole hours and days of `spans` only.
 */
export interface ChainStore {
  /** Per store and zone: zone rollup sums (visits, firsts, closed, dwell). */
  zoneTotals(stores: readonly string[], spans: Spans): Promise<({ store: string; zone: string } & ZoneTotals)[]>;
  /** Per store and zone: door rollup sums. */
  doorTotals(stores: readonly string[], spans: Spans): Promise<{ store: string; zone: string; in: number; out: number }[]>;
  /** Per store and zone: visits entered in hours [a, b) whose previous visit lies before hour a (new visitors of the range). */
  revisitsBefore(stores: readonly string[], a: number, b: number): Promise<{ store: string; zone: string; n: number }[]>;
  /** Per store and zone: the merged dwell histogram of the rollups. */
  histograms(stores: readonly string[], spans: Spans): Promise<{ store: string; zone: string; hist: DwellHistogram }[]>;
  /**
   * Per store: the dwell sketch of the rollups of the zones `include` accepts, merged, as dense
   * counts by bin (index = bin of aggregates/dwell-histogram.ts): cheap to merge across many stores.
   */
  sketches(stores: readonly string[], spans: Spans, include: (store: string, zone: string) => boolean): Promise<Map<string, Float64Array>>;
  /**
   * Per store: the store rollups of `spans` summed (../aggregates/store-rollups.ts: every zone's
   * visits, closed visits and dwell sketch, as dense counts by bin). Stores whose store rollups are
   * still to be built (migration 12, pending) are left out: read their zone rows instead. `stamp`
   * and `rows`: the newest stamp and the number of the rows read (as {@link storeStamps} gives them).
   */
  storeSketches(stores: readonly string[], spans: Spans): Promise<Map<string, { visits: number; closed: number; hist: Float64Array; stamp: number; rows: number }>>;
  /** Per store with store rollups in `spans`: the newest stamp and how many rows (no sketch read): a memo of the period is good while they are unchanged. */
  storeStamps(stores: readonly string[], spans: Spans): Promise<Map<string, { stamp: number; rows: number }>>;
  /**
   * Per store, the stamps of its store rollups in `spans` piece by piece (the overview's memo of
   * days, ../chain/figures.ts): each whole day's row (grain 1, t = the day, rows 1), and per run of
   * whole hours the newest stamp and how many rows (grain 0, t = the hour of the run's first row).
   * Pieces without rows are left out.
   */
  pieceStamps(stores: readonly string[], spans: Spans): Promise<{ store: string; grain: number; t: number; stamp: number; rows: number }[]>;
  /** Per (store, zone) asked for: the zone rollups of `spans` summed, the dwell sketch as dense counts by bin (zones without rows left out). */
  zoneSketches(
    zones: readonly { store: string; zone: string }[],
    spans: Spans,
  ): Promise<{ store: string; zone: string; visits: number; firsts: number; closed: number; hist: Float64Array }[]>;
  /** Per store: raw door counts in [from, to), summed. */
  countsIn(stores: readonly string[], from: number, to: number): Promise<{ store: string; in: number; out: number }[]>;
  /** Per store: distinct visitors with an open visit last seen at or after `since`. */
  openVisitors(stores: readonly string[], since: number): Promise<{ store: string; n: number }[]>;
  /** The stores that have door counters (any door count ever rolled up). */
  doorStores(stores: readonly string[]): Promise<string[]>;
  /** Per store with door counts: the zones ever door-counted (`aggregates.knownZones(store).doors`), in one statement; stores without any are absent. */
  doorZones(stores: readonly string[]): Promise<Map<string, string[]>>;
  /** Per store: `aggregates.firstHour` (when its figures begin, to the UTC hour), in one statement; stores without figures are absent. */
  firstHours(stores: readonly string[]): Promise<Map<string, number>>;
  /** Per store: the time of its oldest sale stored (when its till feed begins: a period ending at or before it has no sales data, not 0), in one statement; stores without any sale are absent. */
  firstSales(stores: readonly string[]): Promise<Map<string, number>>;
  /** Per store: till transactions and their sum in [from, to). */
  sales(stores: readonly string[], from: number, to: number): Promise<{ store: string; transactions: number; sales: number }[]>;
  /** Per store and UTC day (ts / 86,400,000) with sales in [from, to): till transactions and their sum (the rows of that day in the range). */
  salesByDay(stores: readonly string[], from: number, to: number): Promise<{ store: string; day: number; transactions: number; sales: number }[]>;
  /**
   * What the overview's memo of sales sums rests on (../chain/figures.ts): a mark that grows with
   * every sale stored, and the (store, ts) of the sales stored after `after` (null: just the mark);
   * `changed` null when the sales since cannot be listed (forget every sum). Null when the adapter
   * cannot tell (PostgreSQL: sums are read fresh). SQLite: the sales table is insert-only (a
   * transaction id already stored is kept), so its largest rowid is such a mark.
   */
  salesMark(after: number | null): Promise<{ mark: number; changed: { store: string; ts: number }[] | null } | null>;
  /** Per store: its agents (not revoked), how many say they are online, the newest event and receipt times. */
  agents(stores: readonly string[]): Promise<{ store: string; agents: number; online: number; lastEventTs: number | null; lastReceivedAt: number | null }[]>;
}

/** Accepted events, deduplicated by (store, id). */
export interface EventsStore {
  /**
   * Insert events of one agent; for each, whether it was new (false: its id was already accepted
   * for the store, earlier or earlier in this same list). The hot path: one call per group of events.
   */
  insertMany(store: string, agent: string, events: readonly FootfallEvent[], receivedAt: number): Promise<boolean[]>;
  /** Insert one event; false when its id was already accepted for the store. */
  insert(store: string, agent: string, event: FootfallEvent, receivedAt: number): Promise<boolean>;
  /**
   * {@link insertMany} for several agents (of any stores) in one call: for each group, whether each
   * of its events was new, in order (an id repeated across the groups of one store is new once, in
   * the first). A group commit inserts all its events with it (PostgreSQL: one statement).
   */
  insertGroups(groups: readonly EventGroup[], receivedAt: number): Promise<boolean[][]>;
  /** A visitor's events, by ts then id. */
  visitorEvents(store: string, visitor: string): Promise<VisitorEvent[]>;
  /**
   * The events of each of `visitors` (by ts then id). `known` says how many events of a visitor the
   * caller holds already (those it just inserted): a visitor with no more than that stored may be
   * answered without reading rows, with an empty list.
   */
  visitorsEvents(store: string, visitors: readonly string[], known?: (visitor: string) => number): Promise<Map<string, VisitorEvent[]>>;
  /**
   * {@link visitorsEvents} for several stores in one call (PostgreSQL: one statement): a group
   * commit reads the visitors it does not hold, of every store it touches, at once. By store, then
   * by visitor (every visitor asked for is in the answer).
   */
  visitorsEventsMany(requests: readonly VisitorsRequest[]): Promise<Map<string, Map<string, VisitorEvent[]>>>;
  /** How many events the store holds. */
  total(store: string): Promise<number>;
  /**
   * The door counts one agent sent for a store with `ts` in [from, to), summed per zone (zones
   * without any are absent), by zone: `footfall demo` reads what its simulator's run, killed,
   * left in the door's count since the reset, to count them out.
   */
  agentDoorSums(store: string, agent: string, from: number, to: number): Promise<{ zone: string; in: number; out: number }[]>;
}

/** The visitors of one store whose events are wanted, and how many of each the caller holds already. */
export interface VisitorsRequest {
  store: string;
  visitors: readonly string[];
  known?: (visitor: string) => number;
}

/** Till transactions per store, deduplicated by transaction id. */
export interface SalesStore {
  /**
   * Insert the rows atomically. A transaction id already stored is a duplicate when the stored row
   * says the same (an upload repeated), a conflict otherwise (the stored row is kept).
   */
  insert(store: string, rows: readonly SaleRow[], now: number): Promise<InsertOutcome[]>;
  /** Transactions and their sum in [from, to). */
  totals(store: string, from: number, to: number): Promise<{ transactions: number; sales: number }>;
  /** Per zone in [from, to), by zone id; a sale of n zones counts 1/n in each. */
  byZone(store: string, from: number, to: number): Promise<ZoneSales[]>;
  /** The time of the store's newest sale stored, null without any (whether the last import arrived). */
  newest(store: string): Promise<number | null>;
}

/** Each store's departments: named groups of zones (a zone belongs to at most one). */
export interface DepartmentsStore {
  get(store: string): Promise<Departments>;
  /** Replace the store's departments atomically (a department without zones is not kept). */
  replace(store: string, departments: Departments): Promise<void>;
  /** zone -> department, the path alias rules. */
  aliases(store: string): Promise<Record<string, string>>;
}

/** Experiment definitions, stored whole (their shape belongs to the route that validates them). */
export interface ExperimentsStore {
  /**
   * Insert an experiment. With `layoutOf` (its change is that layout version: the body's `testStores[0]` and `layoutVersion`),
   * only while the version is stored, checked in the same transaction as a cancel's (stores.cancelLayout): answers false, and
   * inserts nothing, when it is not (cancelled or replaced meanwhile). Answers true when inserted.
   */
  insert<T extends { id: string }>(experiment: T, now: number, layoutOf?: { store: string; version: number }): Promise<boolean>;
  get<T>(id: string): Promise<T | undefined>;
  /** Newest first. */
  list<T>(): Promise<T[]>;
  /** Deletes an experiment's definition (nothing else refers to it); false when there was none. */
  remove(id: string): Promise<boolean>;
}

/**
 * The aggregates kept beside the events (visits, trips, hour and day rollups, open visits), written
 * in the ingest transaction, and the reads the analytics answer from.
 */
/** What a dwell query reads (see StoreAnalytics' zone figures): hour and day indexes, epoch ms. */
export interface DwellReadsQuery {
  spans: Spans;
  /** Zones asked for: their raw visits in the partial hours are read beside the store's known ones. */
  zones: readonly string[];
  range: { from: number; to: number };
  /** Revisits of the whole hours whose previous visit lies before hour `before`; null without whole hours. */
  revisits: { a: number; b: number; before: number } | null;
  /** The (hour, zone) pairs of revisits whose previous visit lies in hour `prevHour`, with their visits; null when not needed. */
  prevHour: number | null;
  /** Whether raw rows of the range are kept (exact quantiles may be read). */
  rawOk: boolean;
  /** Zones with up to this many closed visits get their raw visits of the range (exact quantiles). */
  exactUpTo: number;
}

/** The reads of a dwell query, as the per-table methods return them. */
export interface DwellReads {
  /** The store's zones that ever had a visit (`knownZones().visits`). */
  knownVisitZones: string[];
  totals: Map<string, ZoneTotals>;
  revisits: Map<string, number>;
  prevHours: { hour: number; zone: string }[];
  /** Per partial hour of `spans`: `visitsInZones(zones asked + known, ...)`. */
  partials: Map<string, StoredVisit[]>[];
  /** Zones with closed visits, by their count: those up to `exactUpTo` (when `rawOk`), and the others. */
  exactZones: string[];
  sketchZones: string[];
  /** The dwell (ms) of each closed visit of `visitsInZones(exactZones, from, to)`, per zone (unordered). */
  exact: Map<string, number[]>;
  /** `zoneHistograms(spans)` of the sketch zones. */
  hists: Map<string, DwellHistogram>;
  /** `visitsIn(zone, hour)` of each of `prevHours`, by `${hour}|${zone}`. */
  prevVisits: Map<string, StoredVisit[]>;
}

/** What a traffic query reads: hour rows [h0, h1) and raw rows of the parts of hours `pieces` ([from, to) in ms). */
export interface TrafficReadsQuery {
  hours: [number, number];
  pieces: readonly (readonly [number, number])[];
}

export interface TrafficReads {
  known: { visits: string[]; doors: string[] };
  zoneHours: { zone: string; t: number; n: number }[];
  doorHours: { zone: string; t: number; in: number; out: number }[];
  /** Per piece, by `${from}:${to}`: visits per known visit zone, and door `in` per zone (summed `countsIn`). */
  pieces: Map<string, { visits: Map<string, number>; doorIn: Map<string, number> }>;
}

export interface AggregatesStore {
  /** Apply one commit's changes to a store's aggregates (inside the caller's transaction). */
  write(store: string, delta: AggregateDelta): Promise<void>;
  /** Mark a store's aggregates to be built from its stored events at the next start (an upgrade, or a repair). */
  markForBuild(store: string): Promise<void>;
  /** Per zone: sums of the whole-hour and whole-day rollups of `spans`. */
  zoneTotals(store: string, spans: Spans): Promise<Map<string, ZoneTotals>>;
  /** Per zone: the dwell histogram of the whole-hour and whole-day rollups of `spans`. */
  zoneHistograms(store: string, spans: Spans): Promise<Map<string, DwellHistogram>>;
  /** Per zone: visits entered in hours [a, b) whose previous visit (same visitor and zone) lies before hour `before`. */
  revisitsBefore(store: string, a: number, b: number, before: number): Promise<Map<string, number>>;
  /** (hour, zone) pairs in hours [a, b) holding visits whose previous visit lies in hour `prevHour`. */
  revisitHoursOfPrev(store: string, a: number, b: number, prevHour: number): Promise<{ hour: number; zone: string }[]>;
  /** Raw visits of a zone entered in [from, to) (within the raw-row retention). */
  visitsIn(store: string, zone: string, from: number, to: number): Promise<StoredVisit[]>;
  visitCount(store: string, zone: string, from: number, to: number): Promise<number>;
  /** Raw visits entered in [from, to) of each of `zones` (zones without any are absent): one read for them all. */
  visitsInZones(store: string, zones: readonly string[], from: number, to: number): Promise<Map<string, StoredVisit[]>>;
  /** Visits entered in [from, to) per zone of `zones` (zones without any are absent): one read for them all. */
  visitCounts(store: string, zones: readonly string[], from: number, to: number): Promise<Map<string, number>>;
  /** Zones that ever had a visit, and zones that ever had a door count. */
  knownZones(store: string): Promise<{ visits: string[]; doors: string[] }>;
  /** Hour rows [a, b) of visits per zone: (zone, hour, visits). */
  zoneHours(store: string, a: number, b: number): Promise<{ zone: string; t: number; n: number }[]>;
  /** Hour rows [a, b) of door counts per zone. */
  doorHours(store: string, a: number, b: number): Promise<{ zone: string; t: number; in: number; out: number }[]>;
  /**
   * The first hour (epoch ms / 3,600,000) with a visit entered in any zone or a door count in, of
   * the hour rollups kept; null without any: when the store's figures begin (core's
   * `firstDataStart`), to the UTC hour, in one indexed read whatever the store's history.
   */
  firstHour(store: string): Promise<number | null>;
  /** Per zone: door sums of the whole-hour and whole-day rollups of `spans`. */
  doorTotals(store: string, spans: Spans): Promise<Map<string, { in: number; out: number }>>;
  /** Raw door counts in [from, to). */
  countsIn(store: string, from: number, to: number): Promise<StoredCount[]>;
  /** Open visits whose visitor was last seen at or after `since`. */
  openVisitsSince(store: string, since: number): Promise<OpenVisitRow[]>;
  /**
   * What opening each of `stores` reads (`knownZones` and `openVisitsSince`), for all of them in two
   * statements: a server taking shards over opens hundreds of stores at once (PostgreSQL; without
   * it each store is opened by itself). Stores with nothing stored get empty lists.
   */
  openMany?(stores: readonly string[], since: number): Promise<Map<string, { known: { visits: string[]; doors: string[] }; open: OpenVisitRow[] }>>;
  /**
   * The paths report of a range, ordered as the domain's: the `limit` most frequent paths (count
   * desc, then zone by zone), every transition (count desc, then from, then to), every trip.
   */
  pathReport(store: string, spans: Spans, limit: number): Promise<PathReport>;
  /** Every path with its trips in the range (unordered; for funnels and alias rules). */
  pathCounts(store: string, spans: Spans): Promise<PathCount[]>;
  /** Raw trips started in [from, to) whose path holds one of `zones`, with when each step began (the queue figures by join hour). */
  tripStepsIn(store: string, zones: readonly string[], from: number, to: number): Promise<StoredTripSteps[]>;
  /**
   * Optional: everything a dwell query of a store reads, in one statement (PostgreSQL), for a server
   * that does not ingest the store and so holds nothing of it (../analytics/stored-figures.ts).
   * Each part is what the method named beside it in {@link DwellReads} returns.
   */
  dwellReads?(store: string, q: DwellReadsQuery): Promise<DwellReads>;
  /** Optional: everything a traffic query of a store reads, in one statement (as {@link dwellReads}). */
  trafficReads?(store: string, q: TrafficReadsQuery): Promise<TrafficReads>;
  /**
   * Retention: delete up to `limit` raw rows of a store older than `before` (events, then the
   * visits and trips derived from them, then open visits); how many went (fewer than `limit`:
   * nothing older is left). Call in a short transaction.
   */
  deleteRawBefore(store: string, before: number, limit: number): Promise<number>;
  /** Retention: delete hour and day rollups of a store that end before `before`; how many rows went. */
  deleteRollupsBefore(store: string, before: number): Promise<number>;
}

/**
 * Webhooks per store, and their durable delivery queue and log. The secret is stored as it is
 * (it signs every request) and returned only by `create` and `secret`.
 */
export interface WebhooksStore {
  create(store: string, hook: { url: string; events: readonly string[]; secret: string }, now: number): Promise<WebhookInfo>;
  get(id: string): Promise<WebhookInfo | undefined>;
  /** A store's hooks, oldest first. */
  list(store: string): Promise<WebhookInfo[]>;
  /** The signing secret, or undefined when the hook is unknown. */
  secret(id: string): Promise<string | undefined>;
  /** Change url, events or enabled (enabling clears the reason and the failure run); the hook as changed, or undefined. */
  update(id: string, change: { url?: string; events?: readonly string[]; enabled?: boolean; disabledReason?: string | null }): Promise<WebhookInfo | undefined>;
  setHealth(id: string, health: WebhookHealth): Promise<void>;
  /** Delete the hook and its deliveries; false when unknown. */
  remove(id: string): Promise<boolean>;
  /**
   * Queue a delivery at the end of the hook's queue (pending, due at `now`); undefined when the
   * hook already holds this delivery id (a notification queued twice goes out once).
   */
  enqueue(hookId: string, d: { deliveryId: string; type: string; payload: string }, now: number): Promise<WebhookDelivery | undefined>;
  /** Every enabled hook's first pending delivery (lowest seq), by hook id. */
  heads(): Promise<WebhookDelivery[]>;
  /** The first pending delivery of one hook, or undefined. */
  head(hookId: string): Promise<WebhookDelivery | undefined>;
  /**
   * (migration 29) Claim a pending delivery due by `now` for `by` (a process) for `leaseMs`, in one statement: the delivery
   * as claimed, or undefined when it is not pending, not due, or claimed by another process whose claim has not run out
   * (that process is posting it). The lease runs on the database's clock on PostgreSQL (the machine's on SQLite), so the
   * servers of a chain agree on it. A claim that ran out (its process killed mid-post) can be taken: the delivery may then
   * go twice, under its one delivery id (receivers dedupe on `Footfall-Delivery`).
   */
  claim(hookId: string, deliveryId: string, by: string, now: number, leaseMs: number): Promise<WebhookDelivery | undefined>;
  /**
   * Record an attempt; it ends the delivery's claim (a pending one can be claimed again when next due). With `by` (the
   * claimant that posted it), only while the claim is still `by`'s: an attempt whose claim ran out mid-post (the process
   * stalled) and was taken by another, or already recorded by that other, is not recorded over its outcome: false then
   * (a stale attempt, whose outcome says nothing of the hook's health now), true when recorded.
   */
  recordAttempt(hookId: string, deliveryId: string, attempt: DeliveryAttempt, by?: string): Promise<boolean>;
  getDelivery(hookId: string, deliveryId: string): Promise<WebhookDelivery | undefined>;
  /**
   * The hook's deliveries, newest first (`limit`, default 100); with `before`, only those queued
   * before the delivery of that `seq` (the log's next page: give the last one's seq).
   */
  deliveries(hookId: string, limit?: number, before?: number): Promise<WebhookDelivery[]>;
  /** Delete a hook's finished deliveries but the newest `keep`; how many went. */
  prune(hookId: string, keep: number): Promise<number>;
}

/** Everything the server keeps, behind one object. */
export interface Storage {
  readonly kind: "sqlite" | "postgres";
  readonly stores: StoresStore;
  readonly agents: AgentsStore;
  readonly tokens: TokensStore;
  readonly groups: GroupsStore;
  readonly chain: ChainStore;
  readonly events: EventsStore;
  readonly sales: SalesStore;
  readonly departments: DepartmentsStore;
  readonly experiments: ExperimentsStore;
  readonly aggregates: AggregatesStore;
  readonly webhooks: WebhooksStore;
  readonly audit: AuditStore;
  readonly digests: DigestsStore;
  /** Opening hours and the door count's daily drift (migration 5; server/src/alerts/store.ts). */
  readonly hours: HoursStore;
  /** Alert rules and alerts (migration 5; server/src/alerts/store.ts). */
  readonly alerts: AlertsStore;
  /** Installers' accuracy audits (migration 11; server/src/audits/store.ts). */
  readonly accuracyAudits: AccuracyAuditsStore;
  /** Trained forecast models, one per store and zone (migration 23; server/src/routes/forecast-store.ts). */
  readonly forecastModels: ForecastModelsStore;
  /** When each agent was offline, ended outages too (migration 24; server/src/analytics/offline-spans.ts). */
  readonly offlineSpans: OfflineSpansStore;
  /**
   * Run `fn` in a transaction with `tx`, the storage bound to it: committed when `fn` resolves,
   * rolled back when it throws (the error is passed on). Transactions run one after another
   * where the database needs it (SQLite); a second one waits for the first. On `tx` itself,
   * `transaction` joins the transaction it is bound to. `urgent`: on PostgreSQL, it gets one of the
   * write pool's connections before the others waiting (the first commits of a shard taken over).
   */
  transaction<T>(fn: (tx: Storage) => Promise<T>, opts?: { urgent?: boolean }): Promise<T>;
  /**
   * A nested rollback scope: on `tx`, what `fn` writes is undone when it throws, and the
   * transaction goes on (the error is passed on). Savepoints of one transaction run one at a time
   * (await each). Outside a transaction, the same as `transaction`.
   */
  savepoint<T>(fn: (tx: Storage) => Promise<T>): Promise<T>;
  /** Build the aggregates of stores whose events predate them (a one-time upgrade); how many stores were built. */
  buildPendingAggregates(opts: BackfillOptions): Promise<number>;
  /**
   * Sum the store rollups of the stores migration 12 listed pending from their zone rollups (a
   * one-time upgrade; ../aggregates/store-rollups.ts), one store per transaction; `progress` after
   * each store; how many were built. SQLite may run it while serving (each store's sum is serialized
   * with the ingest commits); PostgreSQL runs it before ingesting (under the build's advisory lock).
   */
  buildStoreRollups(progress?: (done: number, total: number, store: string) => void): Promise<number>;
  /** Resolves when the database answers; rejects with why not. */
  ping(): Promise<void>;
  /**
   * PostgreSQL: whether `err` says the connection to the database is gone (it restarts, or cannot be reached), rather
   * than that a statement failed; such an error is counted, and said once per outage (storage-pg/pool.ts PgLink), so
   * its caller need not log it. SQLite has none.
   */
  connectionLost?(err: unknown): boolean;
  close(): Promise<void>;
}
