/**
 * When each agent was offline (migration 24; 25 opens the spans of agents already offline at the upgrade): a span opens when the agent's status turns offline (its
 * last will, or a stop) and closes when it says online again, so an outage that has ended is still
 * known after it (the agents table holds the current state only). The forecast reads them: the hours
 * in which every agent of a zone was offline are no counts (DESIGN, forecast route). Written by the
 * server that ingests the store (a chain's shard owner); kept as long as the hour rollups the forecast
 * reads (FOOTFALL_AGGREGATE_RETENTION_DAYS), not only as long as raw events.
 */
import type { Query } from "../alerts/store.js";

/** One agent's offline span; `to` null while it is still offline. */
export interface OfflineSpan {
  agent: string;
  from: number;
  to: number | null;
}

export interface OfflineSpansStore {
  /** The agent went offline at `at`: a span opens, unless one is open already (a repeated offline). */
  wentOffline(store: string, agent: string, at: number): Promise<void>;
  /** The agent is online at `at`: its open span, if any, ends there (never before it began). */
  cameOnline(store: string, agent: string, at: number): Promise<void>;
  /**
   * The agent did not count from `from` to `to` while nobody heard it go (its server down too, so no will was
   * heard: it was switched off or restarted meanwhile, and its online status at its return says it counted only
   * since `to`): a closed span [from, to), unless `to` is not after `from`, a span of it is open, or one overlaps
   * it. Once: a span from `from` kept already (another server of the chain, a restart) is left as it is.
   */
  notHeardGap(store: string, agent: string, from: number, to: number): Promise<void>;
  /** The store's spans overlapping [from, to), by agent then start; an open one has `to` null. */
  list(store: string, from: number, to: number): Promise<OfflineSpan[]>;
  /** The stores with a span overlapping [from, to): one read for a chain, most of whose stores had none. */
  storesWithin(from: number, to: number): Promise<Set<string>>;
  /** Deletes spans that ended before `before` (the hour rollups' retention); how many went. */
  prune(before: number): Promise<number>;
}

/** Migration 24 for SQLite. */
export const OFFLINE_SPANS_SQL = `
  CREATE TABLE agent_offline_spans (
    store TEXT NOT NULL,
    agent TEXT NOT NULL,
    from_ts INTEGER NOT NULL,
    to_ts INTEGER,
    PRIMARY KEY (store, agent, from_ts)
  ) STRICT;
`;

const K = 'text COLLATE "C" NOT NULL';
/** Migration 24 for PostgreSQL. */
export const OFFLINE_SPANS_PG_SQL = `
  CREATE TABLE agent_offline_spans (
    store ${K},
    agent ${K},
    from_ts bigint NOT NULL,
    to_ts bigint,
    PRIMARY KEY (store, agent, from_ts)
  );
`;

/**
 * Migration 25 (SQLite and PostgreSQL alike): an open span for each agent offline when its server was
 * upgraded to 24 or later. Spans are opened only as a status turns offline, and a will replayed at start
 * that says what the agents table holds already changes nothing; so an agent whose outage began under an
 * older server (a door counter dead since before the upgrade) had none, and the forecast, experiments and
 * the chain view read its hours as nobody there, while it lasted and after it came back. Opened at the
 * status time stored (when its will was heard), as the server would have; an agent with an open span
 * already is left as it is.
 */
export const OFFLINE_SPANS_BACKFILL_SQL = `
  INSERT INTO agent_offline_spans (store, agent, from_ts, to_ts)
    SELECT a.store, a.agent, a.status_ts, NULL FROM agents a
     WHERE a.state = 'offline' AND a.status_ts IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM agent_offline_spans s WHERE s.store = a.store AND s.agent = a.agent AND s.to_ts IS NULL)
  ON CONFLICT (store, agent, from_ts) DO NOTHING;
`;

export function offlineSpansStore(read: Query, write: Query): OfflineSpansStore {
  return {
    wentOffline: async (store, agent, at) => {
      await write(
        `INSERT INTO agent_offline_spans (store, agent, from_ts, to_ts)
           SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT), NULL
            WHERE NOT EXISTS (SELECT 1 FROM agent_offline_spans WHERE store = ? AND agent = ? AND to_ts IS NULL)
           ON CONFLICT (store, agent, from_ts) DO NOTHING`,
        [store, agent, at, store, agent],
      );
    },
    cameOnline: async (store, agent, at) => {
      await write(
        `UPDATE agent_offline_spans SET to_ts = CASE WHEN CAST(? AS BIGINT) > from_ts THEN CAST(? AS BIGINT) ELSE from_ts END
          WHERE store = ? AND agent = ? AND to_ts IS NULL`,
        [at, at, store, agent],
      );
    },
    notHeardGap: async (store, agent, from, to) => {
      if (!(to > from)) return;
      await write(
        `INSERT INTO agent_offline_spans (store, agent, from_ts, to_ts)
           SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT)
            WHERE NOT EXISTS (SELECT 1 FROM agent_offline_spans WHERE store = ? AND agent = ? AND (to_ts IS NULL OR (from_ts < ? AND to_ts > ?)))
           ON CONFLICT (store, agent, from_ts) DO NOTHING`,
        [store, agent, from, to, store, agent, to, from],
      );
    },
    list: async (store, from, to) =>
      (
        await read(
          `SELECT agent, from_ts, to_ts FROM agent_offline_spans
            WHERE store = ? AND from_ts < ? AND (to_ts IS NULL OR to_ts > ?) ORDER BY agent, from_ts`,
          [store, to, from],
        )
      ).map((r) => ({ agent: String(r.agent), from: Number(r.from_ts), to: r.to_ts === null || r.to_ts === undefined ? null : Number(r.to_ts) })),
    storesWithin: async (from, to) =>
      new Set(
        (await read("SELECT DISTINCT store FROM agent_offline_spans WHERE from_ts < ? AND (to_ts IS NULL OR to_ts > ?)", [to, from])).map((r) => String(r.store)),
      ),
    prune: async (before) => (await write("DELETE FROM agent_offline_spans WHERE to_ts IS NOT NULL AND to_ts < ? RETURNING 1", [before])).length,
  };
}

/**
 * Where an agent's gap nobody heard begins (`notHeardGap`): the last thing the server had from it before its
 * counting began again at `countingFrom` (the server's clock): its live statuses' arrivals (`heardAt`), its newest
 * events' arrival (`lastReceivedAt`), its newest event's time (`lastEventAt`, on the server's clock; delivered by its
 * outbox after the server came back, it still counted then), each only before `countingFrom` (an outbox delivering
 * before the status arrives moves the arrival past it); null when it had nothing before (a new agent: no gap). Hours
 * of the gap it counted someone in, delivered later, are counted anyway (core `gapsNotCounted`).
 */
export function notHeardGapStart(
  times: { heardAt: readonly number[]; lastReceivedAt: number | null; lastEventAt: number | null },
  countingFrom: number,
): number | null {
  const before = [...times.heardAt, times.lastReceivedAt, times.lastEventAt].filter((t): t is number => t !== null && Number.isFinite(t) && t < countingFrom);
  return before.length ? Math.max(...before) : null;
}
