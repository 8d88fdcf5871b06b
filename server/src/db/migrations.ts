import { AGGREGATES_SQL } from "../aggregates/schema.js";
import { STORE_ROLLUPS_SQL } from "../aggregates/store-rollups.js";
import { ADMIN_SQL, DIGEST_RESENDS_SQL, DIGEST_RETRY_SQL, DIGEST_WEBHOOK_SQL } from "./repos/admin.js";
import { DELIVERY_CLAIM_SQL } from "./repos/webhooks.js";
import { SERVER_ADDRESSES_SQL } from "../digests/addresses.js";
import { ALERTS_NOTIFIED_SQL, ALERTS_SQL, HOURS_VERSIONS_SQL } from "../alerts/store.js";
import { ACCURACY_AUDITS_SQL } from "../audits/store.js";
import { FORECAST_MODELS_SQL } from "../routes/forecast-store.js";
import { OFFLINE_SPANS_BACKFILL_SQL, OFFLINE_SPANS_SQL } from "../analytics/offline-spans.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Numbered migrations, applied in order at start inside one transaction each (./database.ts migrate).
 * Never edit a released migration: add the next number.
 *
 * Numbers only grow: a new migration takes a number above the highest one in this list (and so above
 * every released one) and is appended last (migrations.test.ts checks it against the released list).
 * Until the runners listed what each database got (schema_migrations, with 17), a database at version
 * N skipped every migration numbered N or below: 14 was written after 16 had been released (8611a54
 * had 1-8, 11, 12, 13, 16), so a user's database at 16 would never have got it; it is 17 now. A file
 * from before the list is taken to have every migration up to its version, so 9, 10, 14 and 15 must
 * stay unused.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "initial",
    sql: `
      CREATE TABLE stores (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE layouts (
        store TEXT NOT NULL REFERENCES stores(id),
        version INTEGER NOT NULL,
        valid_from INTEGER NOT NULL,
        saved_at INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (store, version)
      ) STRICT;
      CREATE TABLE agents (
        store TEXT NOT NULL,
        agent TEXT NOT NULL,
        kind TEXT NOT NULL,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'never-seen',
        version TEXT,
        status_ts INTEGER,
        status_metrics TEXT,
        last_event_ts INTEGER,
        last_received_at INTEGER,
        events INTEGER NOT NULL DEFAULT 0,
        duplicates INTEGER NOT NULL DEFAULT 0,
        rejects INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (store, agent)
      ) STRICT;
      CREATE TABLE tokens (
        hash TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'staff', 'admin')),
        store TEXT,
        label TEXT,
        created_at INTEGER NOT NULL
      ) STRICT;
      -- Accepted events: the source of truth. The primary key is the dedupe key; agents' ids
      -- (agent:boot:seq) arrive in order, which keeps inserts fast.
      CREATE TABLE events (
        store TEXT NOT NULL,
        id TEXT NOT NULL,
        ts INTEGER NOT NULL,
        type INTEGER NOT NULL,
        zone TEXT,
        visitor TEXT,
        n_in INTEGER,
        n_out INTEGER,
        x REAL,
        y REAL,
        agent TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (store, id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX events_by_visitor ON events (store, visitor, ts) WHERE visitor IS NOT NULL;
      CREATE INDEX events_counts ON events (store, ts) WHERE type = 2;
    `,
  },
  {
    version: 2,
    name: "sales, departments, experiments",
    sql: `
      -- One row per till transaction, deduplicated by its id. A row names a zone or a department;
      -- "zones" (a JSON array) holds the zones that share it equally, resolved at import time
      -- (a zone: itself; a department: its zones then), so a later remapping never rewrites history.
      CREATE TABLE sales (
        store TEXT NOT NULL,
        transaction_id TEXT NOT NULL,
        ts INTEGER NOT NULL,
        zone TEXT,
        department TEXT,
        zones TEXT NOT NULL,
        amount REAL NOT NULL,
        items INTEGER,
        imported_at INTEGER NOT NULL,
        PRIMARY KEY (store, transaction_id)
      ) STRICT;
      CREATE INDEX sales_by_time ON sales (store, ts);
      -- Departments: groups of zones, used to place sales and as path alias rules (zone -> department).
      CREATE TABLE departments (
        store TEXT NOT NULL,
        department TEXT NOT NULL,
        zone TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (store, zone)
      ) STRICT;
      CREATE TABLE experiments (
        id TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 3,
    name: "tokens: public id, merchandiser role, expiry, revocation, last use",
    sql: `
      -- A CHECK constraint cannot be altered in SQLite: the table is rebuilt. Existing tokens keep
      -- working; their public id is the first 12 hex digits of their hash, as for new ones.
      CREATE TABLE tokens_v3 (
        hash TEXT PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'staff', 'merchandiser', 'admin')),
        store TEXT,
        label TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        revoked_at INTEGER,
        last_used_at INTEGER
      ) STRICT;
      INSERT INTO tokens_v3 (hash, id, role, store, label, created_at)
        SELECT hash, substr(hash, 1, 12), role, store, label, created_at FROM tokens;
      DROP TABLE tokens;
      ALTER TABLE tokens_v3 RENAME TO tokens;
    `,
  },
  {
    version: 4,
    name: "aggregates in storage (visits, trips, hour and day rollups, open visits)",
    // Stores that already hold events are marked for a one-time build from them at the next server start.
    sql: `${AGGREGATES_SQL}
      INSERT INTO aggregate_state (store, built_at) SELECT DISTINCT store, 0 FROM events;
    `,
  },
  {
    version: 5,
    name: "opening hours, alert rules, alerts, door count drift",
    sql: ALERTS_SQL,
  },
  {
    version: 6,
    name: "webhooks and their delivery queue and log",
    sql: `
      CREATE TABLE webhooks (
        id TEXT PRIMARY KEY,
        store TEXT NOT NULL,
        url TEXT NOT NULL,
        secret TEXT NOT NULL,
        events TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        disabled_reason TEXT,
        created_at INTEGER NOT NULL,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        failing_since INTEGER
      ) STRICT;
      CREATE INDEX webhooks_by_store ON webhooks (store, created_at);
      -- The durable queue (status 'pending') and the log: seq orders a hook's deliveries.
      CREATE TABLE webhook_deliveries (
        -- rowid: a new row always numbers above every row still stored (a hook's order holds)
        seq INTEGER PRIMARY KEY,
        hook_id TEXT NOT NULL,
        delivery_id TEXT NOT NULL,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'given_up')),
        last_error TEXT,
        response_status INTEGER,
        finished_at INTEGER,
        UNIQUE (hook_id, delivery_id)
      ) STRICT;
      CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (hook_id, seq) WHERE status = 'pending';
    `,
  },
  {
    version: 7,
    name: "store groups; tokens scoped to a group",
    sql: `
      -- Named sets of stores (regions, formats), defined by admins; a store may be in several.
      CREATE TABLE store_groups (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE store_group_members (
        group_id TEXT NOT NULL REFERENCES store_groups(id) ON DELETE CASCADE,
        store TEXT NOT NULL,
        PRIMARY KEY (group_id, store)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX store_group_members_by_store ON store_group_members (store, group_id);
      -- A token limited to the stores of a group (store is then NULL).
      ALTER TABLE tokens ADD COLUMN store_group TEXT;
    `,
  },
  {
    version: 8,
    name: "audit log, report schedules (digests), agent revocation",
    sql: ADMIN_SQL,
  },
  {
    version: 11,
    name: "installers' accuracy audits (issue 18)",
    sql: ACCURACY_AUDITS_SQL,
  },
  {
    version: 12,
    name: "store-level rollups for the chain overview (issue 15)",
    sql: STORE_ROLLUPS_SQL,
  },
  {
    version: 13,
    name: "the zones each agent reports (per-zone agent-offline alert rules, issue 14)",
    sql: `
      -- Per store, zone and agent: the newest event of that zone the agent sent, and when it arrived.
      CREATE TABLE agent_zones (
        store TEXT NOT NULL,
        zone TEXT NOT NULL,
        agent TEXT NOT NULL,
        last_event_ts INTEGER NOT NULL,
        last_received_at INTEGER NOT NULL,
        PRIMARY KEY (store, zone, agent)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 16,
    name: "digests: their own time zone, capped retries with the failure recorded (issue 15)",
    sql: DIGEST_RETRY_SQL,
  },
  {
    version: 17,
    name: "the chain overview's covering indexes: store rollups' stamps, sales by time with amounts (issue 15)",
    sql: `
      -- Numbered 14 while it was being written (never released): a development database that ran it as 14 finds
      -- these done (IF NOT EXISTS, IF EXISTS) and only gets the version recorded.
      -- The chain overview reads a period's stamps of 1,000 stores at every answer: from this index, not from the rows
      -- with their dwell sketches; and each store's sales sums of a period from the index alone.
      CREATE INDEX IF NOT EXISTS store_rollups_stamps ON store_rollups (store, grain, t, stamp);
      CREATE INDEX IF NOT EXISTS sales_by_time_amount ON sales (store, ts, amount);
      DROP INDEX IF EXISTS sales_by_time;
    `,
  },
  {
    version: 18,
    name: "raw events' id ranges per agent and UTC day instead of the time index (ingest, issue 11)",
    sql: `
      -- Retention deletes old raw events through these id ranges (an agent's events of a day lie between its
      -- min_id and max_id in the primary key), so the events need no index by time: every ingested event then
      -- skips one B-tree insert (~0.5 us of the ~3.5 us an events row cost). Each insert widens its row (db/repos/events.ts). A database
      -- holding events fills the table from them once (a scan of the events: seconds per million).
      CREATE TABLE IF NOT EXISTS event_days (
        store TEXT NOT NULL,
        day INTEGER NOT NULL,
        agent TEXT NOT NULL,
        min_id TEXT NOT NULL,
        max_id TEXT NOT NULL,
        PRIMARY KEY (store, day, agent)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO event_days (store, day, agent, min_id, max_id)
        SELECT store, ts / 86400000, agent, min(id), max(id) FROM events WHERE true GROUP BY store, ts / 86400000, agent
        ON CONFLICT DO UPDATE SET min_id = min(min_id, excluded.min_id), max_id = max(max_id, excluded.max_id);
      DROP INDEX IF EXISTS events_by_time;
    `,
  },
  {
    version: 19,
    name: "cluster: each server's liveness lock (a dead server's shards move at once, issue 12)",
    // A chain's cluster tables are PostgreSQL's only (storage-pg/schema.ts): nothing to do on SQLite.
    sql: "SELECT 1",
  },
  {
    version: 20,
    name: "each agent's clock offset, from its live statuses",
    sql: `
      -- The live statuses of the last minutes as JSON [[receivedAt, ts - receivedAt], ...] (core's clock-offset.ts):
      -- the Agents view's clock offset is the largest of them. NULL until the agent's first live status.
      ALTER TABLE agents ADD COLUMN clock_samples TEXT;
    `,
  },
  {
    version: 21,
    name: "each store's last layout version number (a cancelled version's number is never given again)",
    sql: `
      -- A layout version saved for later may be cancelled (its row deleted) before it takes effect; the next save
      -- counts on from the highest number ever given, which reports, experiments and agents may have seen.
      ALTER TABLE stores ADD COLUMN layout_versions INTEGER NOT NULL DEFAULT 0;
      UPDATE stores SET layout_versions = coalesce((SELECT max(version) FROM layouts WHERE layouts.store = stores.id), 0);
    `,
  },
  {
    version: 22,
    name: "each alert's last change whose webhook deliveries are queued (a kill -9 between storing and queuing loses none)",
    sql: ALERTS_NOTIFIED_SQL,
  },
  {
    version: 23,
    name: "trained forecast models, so a restarted server answers with its model rather than a baseline (issue 17)",
    sql: FORECAST_MODELS_SQL,
  },
  {
    version: 24,
    name: "each agent's offline spans, so the forecast reads an ended outage's hours as unknown rather than as no visitors",
    sql: OFFLINE_SPANS_SQL,
  },
  {
    version: 25,
    name: "an open offline span for each agent already offline when the server was upgraded (24 recorded only outages that began after it)",
    sql: OFFLINE_SPANS_BACKFILL_SQL,
  },
  {
    version: 26,
    name: "each version of a store's opening hours, so a past day is judged by the hours in force that day, not by today's",
    sql: HOURS_VERSIONS_SQL,
  },
  {
    version: 27,
    name: "the webhook a digest is also delivered to (null: mail only)",
    sql: DIGEST_WEBHOOK_SQL,
  },
  {
    version: 28,
    name: "the webhook deliveries of a digest's sends-now whose mail failed (sent again, the mail goes and the delivery is not queued twice)",
    sql: DIGEST_RESENDS_SQL,
  },
  {
    version: 29,
    name: "a webhook delivery's claim (who posts it, until when), so of the servers of a chain and `footfall digest send` one posts it",
    sql: DELIVERY_CLAIM_SQL,
  },
  {
    version: 30,
    name: "the address each server's digests link to (PostgreSQL's servers; here nothing: footfall.public-url says it)",
    sql: SERVER_ADDRESSES_SQL,
  },
  {
    version: 31,
    name: "when each step of a trip's path began, so the queue figures count a join in the hour the shopper joined the line",
    // Trips stored before it have none (NULL): their joins count at the trip's start (analytics/queues.ts) until filled.
    sql: "ALTER TABLE trips ADD COLUMN step_ts TEXT;",
  },
];
