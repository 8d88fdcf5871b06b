/**
 * The aggregates kept in storage beside the events, updated in the same transaction as the events
 * they come from, so that a restart reads nothing it does not need (issue "History without limits").
 *
 * - `visits` and `trips` are the derived rows (one per visit, one per trip): raw enough to answer
 *   the partial hours at a range's edges, exact small-range quantiles and per-visit samples; they
 *   live as long as the raw events (retention).
 * - `*_rollups` hold per UTC hour (grain 0) and per UTC day (grain 1) sums, forever: the middle of
 *   every range comes from them. Keys start with the store, so the same schema distributes by store.
 * - `zone_revisits` counts visits whose previous visit by the same visitor to the same zone lies in
 *   an earlier hour, by (hour, previous hour): distinct visitors of any hour-aligned range stay exact.
 * - `open_visits` holds the visits still open, for live occupancy after a restart.
 */
export const AGGREGATES_SQL = `
  CREATE TABLE visits (
    store TEXT NOT NULL,
    zone TEXT NOT NULL,
    enter_ts INTEGER NOT NULL,
    enter_id TEXT NOT NULL,
    dwell_ms INTEGER,
    prev_enter_ts INTEGER,
    PRIMARY KEY (store, zone, enter_ts, enter_id)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE trips (
    store TEXT NOT NULL,
    start_ts INTEGER NOT NULL,
    visitor TEXT NOT NULL,
    path INTEGER NOT NULL,
    PRIMARY KEY (store, start_ts, visitor)
  ) STRICT, WITHOUT ROWID;
  -- Path ids per store; zones joined by "," (below every id character), so the index on zones
  -- lists paths in the contract's lexical order (core's compareZoneSequences).
  CREATE TABLE paths (
    store TEXT NOT NULL,
    id INTEGER NOT NULL,
    zones TEXT NOT NULL,
    PRIMARY KEY (store, id)
  ) STRICT, WITHOUT ROWID;
  CREATE UNIQUE INDEX paths_by_zones ON paths (store, zones);
  CREATE TABLE zone_rollups (
    store TEXT NOT NULL,
    grain INTEGER NOT NULL,
    t INTEGER NOT NULL,
    zone TEXT NOT NULL,
    visits INTEGER NOT NULL,
    firsts INTEGER NOT NULL,
    closed INTEGER NOT NULL,
    dwell_sum_ms INTEGER NOT NULL,
    hist BLOB,
    PRIMARY KEY (store, grain, t, zone)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE zone_revisits (
    store TEXT NOT NULL,
    hour INTEGER NOT NULL,
    zone TEXT NOT NULL,
    prev_hour INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (store, hour, zone, prev_hour)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX zone_revisits_by_prev ON zone_revisits (store, prev_hour);
  CREATE TABLE path_rollups (
    store TEXT NOT NULL,
    grain INTEGER NOT NULL,
    t INTEGER NOT NULL,
    path INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (store, grain, t, path)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE transition_rollups (
    store TEXT NOT NULL,
    grain INTEGER NOT NULL,
    t INTEGER NOT NULL,
    from_zone TEXT NOT NULL,
    to_zone TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (store, grain, t, from_zone, to_zone)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE door_rollups (
    store TEXT NOT NULL,
    grain INTEGER NOT NULL,
    t INTEGER NOT NULL,
    zone TEXT NOT NULL,
    n_in INTEGER NOT NULL,
    n_out INTEGER NOT NULL,
    PRIMARY KEY (store, grain, t, zone)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE open_visits (
    store TEXT NOT NULL,
    zone TEXT NOT NULL,
    visitor TEXT NOT NULL,
    last_seen_ts INTEGER NOT NULL,
    PRIMARY KEY (store, zone, visitor)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX open_visits_by_time ON open_visits (store, last_seen_ts);
  -- Raw events by time: retention deletes by it; a restart finds the recently active visitors by it.
  CREATE INDEX events_by_time ON events (store, ts);
  CREATE TABLE aggregate_state (
    store TEXT PRIMARY KEY,
    built_at INTEGER NOT NULL
  ) STRICT;
`;
