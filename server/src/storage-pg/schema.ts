/**
 * The PostgreSQL schema: everything the SQLite schema holds (server/src/db/migrations.ts and
 * server/src/aggregates/schema.ts), for several servers on one database (issue 12).
 *
 * - Every table that holds a store's data has a primary key that begins with `store`, so the same
 *   schema distributes by store id on Citus unchanged (README: "Citus"). The tables without a store
 *   (tokens, experiments) and the ones looked up across stores (stores, agents: an MQTT login finds
 *   its agent by user name) are small: reference tables on Citus.
 * - Raw events and the rows derived from them with the same lifetime (visits, trips) are
 *   partitioned by time: monthly range partitions on their epoch-ms column, created ahead by
 *   `footfall_ensure_partitions` (at start, and by the adapter before it writes into a month it has
 *   not seen), so retention drops whole partitions (`footfall_drop_partitions_before`) instead of
 *   deleting rows. There is no default partition: a row for a month without one fails loudly
 *   rather than landing somewhere retention cannot drop.
 * - A unique key of a partitioned table must contain the partition column, so the events' key is
 *   (store, id, ts): a resent event (same id, same ts) is a conflict, `ON CONFLICT DO NOTHING`. An id
 *   reused with a different ts would not be; the adapter probes (store, id) first, which the key's
 *   prefix serves in every partition (a handful: one a month of retention).
 * - Text keys are `COLLATE "C"`: byte order, as SQLite compares them and as core sorts ids, whatever
 *   the database's default collation (paths are listed in the contract's order by their zones key).
 * - Times are epoch milliseconds in `bigint`, as in SQLite and on the wire; counts that only grow
 *   across a store's life are `bigint` too. JSON bodies are `jsonb`; the dwell histogram is `bytea`.
 *
 * Never edit a released migration: add the next number.
 */
import { ADMIN_PG_SQL, DIGEST_RETRY_PG_SQL } from "./admin.js";
import { DIGEST_RESENDS_SQL, DIGEST_WEBHOOK_SQL } from "../db/repos/admin.js";
import { DELIVERY_CLAIM_PG_SQL } from "../db/repos/webhooks.js";
import { SERVER_ADDRESSES_PG_SQL } from "../digests/addresses.js";
import { ALERTS_NOTIFIED_SQL, ALERTS_PG_SQL, HOURS_VERSIONS_PG_SQL } from "../alerts/store.js";
import { ACCURACY_AUDITS_PG_SQL } from "../audits/store.js";
import { FORECAST_MODELS_PG_SQL } from "../routes/forecast-store.js";
import { OFFLINE_SPANS_BACKFILL_SQL, OFFLINE_SPANS_PG_SQL } from "../analytics/offline-spans.js";

export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/** Tables partitioned by time, with the column they are partitioned on. */
export const TIME_PARTITIONED = { events: "ts", visits: "enter_ts", trips: "start_ts" } as const;
export type TimePartitionedTable = keyof typeof TIME_PARTITIONED;

/** Small tables looked up without a store (Citus: reference tables, copied to every node). */
// Webhooks and their deliveries are found by hook id across stores (the dispatcher serves every
// store's hooks) and stay small (the log is pruned per hook).
export const REFERENCE_TABLES = ["stores", "agents", "tokens", "experiments", "store_groups", "store_group_members", "webhooks", "webhook_deliveries", "audit_log", "digests"] as const;
/** Tables of the cluster's own bookkeeping (leases, servers): on Citus, local to the coordinator. */
export const CLUSTER_TABLES = ["cluster_servers", "shard_leases", "server_addresses"] as const;

const K = 'text COLLATE "C" NOT NULL';

/**
 * Numbers only grow: a new migration is appended last with a number above the highest here (and the
 * same number as its SQLite twin). 9, 10, 14 and 15 stay unused (14 became 17: see ../db/migrations.ts).
 */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: "stores, layouts, agents, tokens, events, sales, departments, experiments, aggregates",
    sql: `
      CREATE TABLE stores (
        id ${K} PRIMARY KEY,
        name text NOT NULL,
        created_at bigint NOT NULL
      );
      CREATE TABLE layouts (
        store ${K} REFERENCES stores(id),
        version integer NOT NULL,
        valid_from bigint NOT NULL,
        saved_at bigint NOT NULL,
        body jsonb NOT NULL,
        PRIMARY KEY (store, version)
      );
      CREATE TABLE agents (
        store ${K},
        agent ${K},
        kind text NOT NULL,
        username ${K} UNIQUE,
        password_hash text NOT NULL,
        created_at bigint NOT NULL,
        state text NOT NULL DEFAULT 'never-seen',
        version text,
        status_ts bigint,
        status_metrics jsonb,
        last_event_ts bigint,
        last_received_at bigint,
        events bigint NOT NULL DEFAULT 0,
        duplicates bigint NOT NULL DEFAULT 0,
        rejects bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (store, agent)
      );
      CREATE TABLE tokens (
        hash ${K} PRIMARY KEY,
        id ${K} UNIQUE,
        role text NOT NULL CHECK (role IN ('viewer', 'staff', 'merchandiser', 'admin')),
        store text COLLATE "C",
        label text,
        created_at bigint NOT NULL,
        expires_at bigint,
        revoked_at bigint,
        last_used_at bigint
      );

      -- Accepted events, the source of truth: one partition a month (footfall_ensure_partitions).
      -- type: 0 enter, 1 exit, 2 count, 3 position (as in SQLite).
      CREATE TABLE events (
        store ${K},
        id ${K},
        ts bigint NOT NULL,
        type smallint NOT NULL,
        zone text COLLATE "C",
        visitor text COLLATE "C",
        n_in integer,
        n_out integer,
        x double precision,
        y double precision,
        agent ${K},
        received_at bigint NOT NULL,
        PRIMARY KEY (store, id, ts)
      ) PARTITION BY RANGE (ts);
      CREATE INDEX events_by_time ON events (store, ts);
      CREATE INDEX events_by_visitor ON events (store, visitor, ts) WHERE visitor IS NOT NULL;
      CREATE INDEX events_counts ON events (store, ts) WHERE type = 2;

      -- Till transactions, deduplicated by id; zones: the JSON array of zones that share it equally.
      CREATE TABLE sales (
        store ${K},
        transaction_id ${K},
        ts bigint NOT NULL,
        zone text COLLATE "C",
        department text COLLATE "C",
        zones jsonb NOT NULL,
        amount double precision NOT NULL,
        items integer,
        imported_at bigint NOT NULL,
        PRIMARY KEY (store, transaction_id)
      );
      CREATE INDEX sales_by_time ON sales (store, ts);
      CREATE TABLE departments (
        store ${K},
        department ${K},
        zone ${K},
        position integer NOT NULL,
        PRIMARY KEY (store, zone)
      );
      CREATE TABLE experiments (
        id ${K} PRIMARY KEY,
        body jsonb NOT NULL,
        created_at bigint NOT NULL
      );

      -- Aggregates, written in the transaction of the events they come from (see aggregates/schema.ts).
      CREATE TABLE visits (
        store ${K},
        zone ${K},
        enter_ts bigint NOT NULL,
        enter_id ${K},
        dwell_ms bigint,
        prev_enter_ts bigint,
        PRIMARY KEY (store, zone, enter_ts, enter_id)
      ) PARTITION BY RANGE (enter_ts);
      CREATE TABLE trips (
        store ${K},
        start_ts bigint NOT NULL,
        visitor ${K},
        path integer NOT NULL,
        PRIMARY KEY (store, start_ts, visitor)
      ) PARTITION BY RANGE (start_ts);
      -- Zones joined by "," (below every id character): with COLLATE "C" the unique index lists a
      -- store's paths in the contract's lexical order, as in SQLite.
      CREATE TABLE paths (
        store ${K},
        id integer NOT NULL,
        zones ${K},
        PRIMARY KEY (store, id),
        UNIQUE (store, zones)
      );
      CREATE TABLE zone_rollups (
        store ${K},
        grain smallint NOT NULL,
        t bigint NOT NULL,
        zone ${K},
        visits bigint NOT NULL,
        firsts bigint NOT NULL,
        closed bigint NOT NULL,
        dwell_sum_ms bigint NOT NULL,
        hist bytea,
        PRIMARY KEY (store, grain, t, zone)
      );
      CREATE TABLE zone_revisits (
        store ${K},
        hour bigint NOT NULL,
        zone ${K},
        prev_hour bigint NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (store, hour, zone, prev_hour)
      );
      CREATE INDEX zone_revisits_by_prev ON zone_revisits (store, prev_hour);
      CREATE TABLE path_rollups (
        store ${K},
        grain smallint NOT NULL,
        t bigint NOT NULL,
        path integer NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (store, grain, t, path)
      );
      CREATE TABLE transition_rollups (
        store ${K},
        grain smallint NOT NULL,
        t bigint NOT NULL,
        from_zone ${K},
        to_zone ${K},
        n bigint NOT NULL,
        PRIMARY KEY (store, grain, t, from_zone, to_zone)
      );
      CREATE TABLE door_rollups (
        store ${K},
        grain smallint NOT NULL,
        t bigint NOT NULL,
        zone ${K},
        n_in bigint NOT NULL,
        n_out bigint NOT NULL,
        PRIMARY KEY (store, grain, t, zone)
      );
      CREATE TABLE open_visits (
        store ${K},
        zone ${K},
        visitor ${K},
        last_seen_ts bigint NOT NULL,
        PRIMARY KEY (store, zone, visitor)
      );
      CREATE INDEX open_visits_by_time ON open_visits (store, last_seen_ts);
      CREATE TABLE aggregate_state (
        store ${K} PRIMARY KEY,
        built_at bigint NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "time partitions: monthly, created ahead, dropped whole",
    sql: `
      -- The UTC month [from, to) in epoch ms that holds instant ts (epoch ms).
      CREATE FUNCTION footfall_month_of(ts bigint, OUT from_ts bigint, OUT to_ts bigint)
      LANGUAGE sql IMMUTABLE STRICT AS $$
        -- m is the month's first instant as a UTC wall time: calendar arithmetic on it ignores the
        -- session's time zone (a month of a time zone with DST would be an hour off).
        SELECT (extract(epoch FROM m AT TIME ZONE 'UTC') * 1000)::bigint,
               (extract(epoch FROM (m + interval '1 month') AT TIME ZONE 'UTC') * 1000)::bigint
        FROM (SELECT date_trunc('month', to_timestamp(ts / 1000.0) AT TIME ZONE 'UTC') AS m) month
      $$;

      -- The upper bound (epoch ms, exclusive) of a range partition, read from the catalog.
      CREATE FUNCTION footfall_partition_upper(part regclass) RETURNS bigint
      LANGUAGE sql STABLE STRICT AS $$
        SELECT substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \\(''?(-?[0-9]+)''?\\)')::bigint
        FROM pg_class c WHERE c.oid = part
      $$;

      -- Creates the monthly partitions of events, visits and trips that cover [from_ts, to_ts]
      -- (epoch ms) and do not exist yet; returns the ones it created. Safe to call from several
      -- servers at once (an advisory lock serialises them) and as often as wanted.
      CREATE FUNCTION footfall_ensure_partitions(from_ts bigint, to_ts bigint)
      RETURNS SETOF text LANGUAGE plpgsql AS $$
      DECLARE
        parent text;
        month record;
        at bigint := from_ts;
        name text;
      BEGIN
        IF to_ts < from_ts THEN RETURN; END IF;
        IF to_ts - from_ts > 100::bigint * 366 * 86400000 THEN
          RAISE EXCEPTION 'footfall_ensure_partitions: % .. % spans more than 100 years', from_ts, to_ts;
        END IF;
        PERFORM pg_advisory_xact_lock(hashtext('footfall_ensure_partitions'));
        WHILE at <= to_ts LOOP
          month := footfall_month_of(at);
          FOREACH parent IN ARRAY ARRAY['events', 'visits', 'trips'] LOOP
            name := parent || '_p' || to_char(to_timestamp(month.from_ts / 1000.0) AT TIME ZONE 'UTC', 'YYYYMM');
            IF to_regclass(name) IS NULL THEN
              EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%s) TO (%s)', name, parent, month.from_ts, month.to_ts);
              RETURN NEXT name;
            END IF;
          END LOOP;
          at := month.to_ts;
        END LOOP;
      END
      $$;

      -- Drops every partition of events, visits and trips whose rows all lie before before_ts
      -- (its upper bound <= before_ts); returns the ones it dropped. Rows of a month that straddles
      -- the horizon stay until the whole month has passed it.
      CREATE FUNCTION footfall_drop_partitions_before(before_ts bigint)
      RETURNS SETOF text LANGUAGE plpgsql AS $$
      DECLARE
        part record;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('footfall_ensure_partitions'));
        FOR part IN
          SELECT c.oid::regclass AS rel, c.relname::text AS name
          FROM pg_inherits i
          JOIN pg_class c ON c.oid = i.inhrelid
          JOIN pg_class p ON p.oid = i.inhparent
          WHERE p.relname IN ('events', 'visits', 'trips')
            AND p.relnamespace = c.relnamespace
            AND p.relnamespace = to_regnamespace(current_schema())
            AND footfall_partition_upper(c.oid) <= before_ts
          ORDER BY c.relname
        LOOP
          EXECUTE format('DROP TABLE %s', part.rel);
          RETURN NEXT part.name;
        END LOOP;
      END
      $$;
    `,
  },
  {
    version: 3,
    name: "cluster: servers and shard leases",
    sql: `
      -- Servers that ingest: a heartbeat row each (footfall cluster status).
      CREATE TABLE cluster_servers (
        id ${K} PRIMARY KEY,
        started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        heartbeat_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        info jsonb NOT NULL DEFAULT '{}'
      );
      -- One row per shard: who ingests its stores, until when. epoch grows at every change of owner
      -- and fences writes of a previous owner (cluster/leases.ts). Times are the database's clock,
      -- so servers with skewed clocks still agree on expiry.
      CREATE TABLE shard_leases (
        shard integer PRIMARY KEY CHECK (shard >= 0),
        owner text COLLATE "C",
        epoch bigint NOT NULL DEFAULT 0,
        acquired_at timestamptz,
        renewed_at timestamptz,
        expires_at timestamptz NOT NULL DEFAULT '-infinity'
      );
    `,
  },
  {
    version: 4,
    name: "path ids from a sequence",
    sql: `
      -- A path's id comes from one sequence for every store (SQLite counts per store): a server
      -- names new paths in one statement, without reading a store's highest id first, and two
      -- writers can never pick the same id. Ids are only compared within a store.
      CREATE SEQUENCE footfall_path_ids AS integer;
      SELECT setval('footfall_path_ids', greatest(1, (SELECT coalesce(max(id), 0) + 1 FROM paths)), false);
      ALTER TABLE paths ALTER COLUMN id SET DEFAULT nextval('footfall_path_ids');
      ALTER SEQUENCE footfall_path_ids OWNED BY paths.id;
    `,
  },
  {
    version: 5,
    name: "opening hours, alert rules, alerts, door count drift",
    sql: ALERTS_PG_SQL,
  },
  {
    version: 6,
    name: "webhooks and their delivery queue and log",
    sql: `
      CREATE TABLE webhooks (
        id ${K} PRIMARY KEY,
        store ${K},
        url text NOT NULL,
        secret text NOT NULL,
        events jsonb NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        disabled_reason text,
        created_at bigint NOT NULL,
        consecutive_failures integer NOT NULL DEFAULT 0,
        failing_since bigint
      );
      CREATE INDEX webhooks_by_store ON webhooks (store, created_at);
      -- The durable queue (status 'pending') and the log: seq orders a hook's deliveries.
      CREATE TABLE webhook_deliveries (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        hook_id ${K},
        delivery_id ${K},
        type text NOT NULL,
        payload text NOT NULL,
        created_at bigint NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at bigint NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'delivered', 'given_up')),
        last_error text,
        response_status integer,
        finished_at bigint,
        UNIQUE (hook_id, delivery_id)
      );
      CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (hook_id, seq) WHERE status = 'pending';
    `,
  },
  {
    version: 7,
    name: "store groups; tokens scoped to a group",
    sql: `
      -- Named sets of stores (regions, formats), defined by admins; a store may be in several.
      -- Small and read across stores: reference tables on Citus.
      CREATE TABLE store_groups (
        id ${K} PRIMARY KEY,
        name text NOT NULL,
        kind text,
        created_at bigint NOT NULL
      );
      CREATE TABLE store_group_members (
        group_id ${K} REFERENCES store_groups(id) ON DELETE CASCADE,
        store ${K},
        PRIMARY KEY (group_id, store)
      );
      CREATE INDEX store_group_members_by_store ON store_group_members (store, group_id);
      -- A token limited to the stores of a group (store is then NULL).
      ALTER TABLE tokens ADD COLUMN store_group text COLLATE "C";
    `,
  },
  {
    version: 8,
    name: "audit log, report schedules (digests), agent revocation",
    sql: ADMIN_PG_SQL,
  },
  {
    version: 11,
    name: "installers' accuracy audits (issue 18)",
    sql: ACCURACY_AUDITS_PG_SQL,
  },
  {
    version: 12,
    name: "store-level rollups for the chain overview (issue 15)",
    sql: `
      -- Per store and hour/day: the sum over all zones of zone_rollups (../aggregates/store-rollups.ts).
      CREATE TABLE store_rollups (
        store ${K},
        grain smallint NOT NULL,
        t bigint NOT NULL,
        visits bigint NOT NULL,
        firsts bigint NOT NULL,
        closed bigint NOT NULL,
        dwell_sum_ms bigint NOT NULL,
        stamp bigint NOT NULL,
        hist bytea,
        PRIMARY KEY (store, grain, t)
      );
      -- Stores whose store rollups are still to be summed from their zone rollups (at the next start).
      CREATE TABLE store_rollups_pending (
        store ${K} PRIMARY KEY
      );
      INSERT INTO store_rollups_pending (store) SELECT DISTINCT store FROM zone_rollups;
    `,
  },
  {
    version: 13,
    name: "the zones each agent reports (per-zone agent-offline alert rules, issue 14)",
    sql: `
      -- Per store, zone and agent: the newest event of that zone the agent sent, and when it arrived.
      CREATE TABLE agent_zones (
        store ${K},
        zone ${K},
        agent ${K},
        last_event_ts bigint NOT NULL,
        last_received_at bigint NOT NULL,
        PRIMARY KEY (store, zone, agent)
      );
    `,
  },
  {
    version: 16,
    name: "digests: their own time zone, capped retries with the failure recorded (issue 15)",
    sql: DIGEST_RETRY_PG_SQL,
  },
  {
    version: 17,
    name: "the chain overview's covering indexes: store rollups' stamps, sales by time with amounts (issue 15)",
    sql: `
      -- Numbered 14 while it was being written (never released): a development database that ran it as 14 finds
      -- these done (IF NOT EXISTS, IF EXISTS) and only gets the version recorded.
      -- The chain overview reads a period's stamps of 1,000 stores at every answer: from this index (index-only), not
      -- from the rows with their dwell sketches; and each store's sales sums of a period from the index alone.
      CREATE INDEX IF NOT EXISTS store_rollups_stamps ON store_rollups (store, grain, t) INCLUDE (stamp);
      CREATE INDEX IF NOT EXISTS sales_by_time_amount ON sales (store, ts) INCLUDE (amount);
      DROP INDEX IF EXISTS sales_by_time;
    `,
  },
  {
    version: 18,
    name: "raw events' id ranges per agent and UTC day instead of the time index (ingest, issue 11)",
    // SQLite's twin drops its events' time index for a table of id ranges. PostgreSQL keeps events_by_time:
    // retention drops whole months of its partitions, and its deletes of a partial month go by that index.
    sql: "SELECT 1",
  },
  {
    version: 19,
    name: "cluster: each server's liveness lock (a dead server's shards move at once, issue 12)",
    sql: `
      -- The second key of the advisory lock a server holds on a connection of its own while it runs
      -- (cluster/liveness.ts); NULL when it holds none. A lock gone while the row names it: the server died.
      ALTER TABLE cluster_servers ADD COLUMN liveness_key integer;
    `,
  },
  {
    version: 20,
    name: "each agent's clock offset, from its live statuses",
    sql: `
      -- As SQLite's 20: the live statuses of the last minutes, [[receivedAt, ts - receivedAt], ...] (core's clock-offset.ts).
      ALTER TABLE agents ADD COLUMN clock_samples jsonb;
    `,
  },
  {
    version: 21,
    name: "each store's last layout version number (a cancelled version's number is never given again)",
    sql: `
      -- As SQLite's 21: the highest layout version number given; a save counts on from it, a cancel leaves it.
      ALTER TABLE stores ADD COLUMN layout_versions integer NOT NULL DEFAULT 0;
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
    sql: FORECAST_MODELS_PG_SQL,
  },
  {
    version: 24,
    name: "each agent's offline spans, so the forecast reads an ended outage's hours as unknown rather than as no visitors",
    sql: OFFLINE_SPANS_PG_SQL,
  },
  {
    version: 25,
    name: "an open offline span for each agent already offline when the server was upgraded (24 recorded only outages that began after it)",
    sql: OFFLINE_SPANS_BACKFILL_SQL,
  },
  {
    version: 26,
    name: "each version of a store's opening hours, so a past day is judged by the hours in force that day, not by today's",
    sql: HOURS_VERSIONS_PG_SQL,
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
    sql: DELIVERY_CLAIM_PG_SQL,
  },
  {
    version: 30,
    name: "the address each server's digests link to, so that `footfall digest` on the database links the same",
    sql: SERVER_ADDRESSES_PG_SQL,
  },
  {
    version: 31,
    name: "when each step of a trip's path began, so the queue figures count a join in the hour the shopper joined the line",
    // Trips stored before it have none (NULL): their joins count at the trip's start (analytics/queues.ts) until filled.
    sql: "ALTER TABLE trips ADD COLUMN IF NOT EXISTS step_ts text;",
  },
];
