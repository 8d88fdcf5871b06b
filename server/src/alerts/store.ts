/**
 * Storage of opening hours, alert rules, alerts and the door counters' daily drift (migration 5),
 * written once for both adapters: the statements are plain SQL that SQLite and PostgreSQL both run
 * (`?` placeholders, numbered for PostgreSQL), behind a `query(sql, args) -> rows` function each
 * adapter provides.
 */
import { hoursAt, type Alert, type AlertRule, type HoursVersion, type OpeningHours } from "@footfall/core";

/**
 * How far a version's start may lie after `now` and still be a save made now by a server whose clock
 * is ahead, not hours scheduled ahead: a save without a date at or before the last such version
 * replaces it (as before); a scheduled version must lie further ahead than this.
 */
export const HOURS_CLOCK_SKEW_MS = 5 * 60_000;

/** Opening hours of stores, and what the closing reset of a door count corrected each day. */
export interface HoursStore {
  /** The hours in force at `now` (core hoursAt of the history); without `now`, the last version's (a scheduled one's too). */
  get(store: string, now?: number): Promise<OpeningHours | undefined>;
  /**
   * Replace a store's hours (null: remove them: the store is then treated as always open). The change
   * is kept as a new version of its history, in force from `now`; a clock at or before the last
   * version's start (saved twice in one millisecond, another server's clock behind) replaces that
   * version instead; saving the hours in force again adds none.
   */
  set(store: string, hours: OpeningHours | null, now: number): Promise<void>;
  /**
   * Schedule hours (null: none) to take effect at `from`, later than `now` by more than
   * {@link HOURS_CLOCK_SKEW_MS} (Christmas hours saved in November): a version of the history from
   * `from`, replacing one scheduled for that very instant; none when they are the hours in force just
   * before `from` (one scheduled for that instant is then taken away). A store without a history first
   * gets a version without hours from `now`, so the scheduled hours are not read into its past.
   */
  schedule(store: string, hours: OpeningHours | null, from: number, now: number): Promise<void>;
  /** Take away the version scheduled for `from` (later than `now` by more than the skew): false when there is none. */
  cancel(store: string, from: number, now: number): Promise<boolean>;
  /**
   * Every version of the store's hours, oldest first (migration 26; core HoursHistory: the first is in
   * force since ever, each later one from its `from`). Empty for a store that never had hours.
   */
  history(store: string): Promise<HoursVersion[]>;
  /** Record (or replace) the drift a closing reset corrected on a local date. */
  recordDrift(store: string, date: string, drift: number, at: number): Promise<void>;
  /** Drift by date, ascending, for dates in [from, to] (YYYY-MM-DD). */
  drift(store: string, from: string, to: string): Promise<DriftRow[]>;
}
export interface DriftRow {
  date: string;
  /** The net door count at the reset: people counted in and never out (positive) or the reverse. */
  drift: number;
  at: number;
}

export interface AlertHistoryQuery {
  /** Alerts fired at or after / before. */
  from?: number;
  to?: number;
  limit: number;
}

/** Alert rules and the alerts' lifecycle. */
export interface AlertsStore {
  /** A store's rules, by id. */
  rules(store: string): Promise<AlertRule[]>;
  /** The stores that have at least one enabled rule. */
  storesWithRules(): Promise<string[]>;
  getRule(store: string, id: string): Promise<AlertRule | undefined>;
  /** Create or replace. */
  saveRule(rule: AlertRule, now: number): Promise<void>;
  removeRule(store: string, id: string): Promise<boolean>;
  /**
   * Create or update alerts. A stored acknowledgement or resolve is never undone by a later write
   * of an older view (a server that did not see the acknowledgement writes `firing`: it stays acknowledged).
   */
  saveAlerts(alerts: readonly Alert[]): Promise<void>;
  get(store: string, id: string): Promise<Alert | undefined>;
  /** Mark a firing alert acknowledged; the alert when this call acknowledged it, else undefined (unknown, or already acknowledged or resolved). */
  acknowledge(store: string, id: string, by: string, now: number): Promise<Alert | undefined>;
  /** Firing and acknowledged alerts, oldest first. */
  active(store: string): Promise<Alert[]>;
  /** What a restart needs: the active alerts and each rule's latest resolved one. */
  forRestore(store: string): Promise<Alert[]>;
  /** Alerts fired in the range, newest first. */
  history(store: string, q: AlertHistoryQuery): Promise<Alert[]>;
  /**
   * Alerts (of every store) with a change whose webhook deliveries are not known to be queued, at most `limit`: a server
   * killed between storing the change and queuing it, or a queueing that failed (migration 22). Only those whose last
   * change is before `changedBefore` (a change being queued right now is left to its own server).
   */
  unnotified(changedBefore: number, limit: number): Promise<UnnotifiedAlert[]>;
  /**
   * Record that the webhook deliveries of `alert`'s change to `state` are queued, when those of its earlier changes are
   * (else nothing: the reconciliation queues what is missing). true when recorded.
   */
  notified(store: string, id: string, state: Alert["state"]): Promise<boolean>;
  /** Record that every change of the alert up to its stored `state` is queued (the reconciliation's; nothing when it changed since). */
  notifiedUpTo(store: string, id: string, state: Alert["state"]): Promise<boolean>;
}

/** An alert with changes not queued: those after `notified` (null: none of them is, not even its firing). */
export interface UnnotifiedAlert {
  alert: Alert;
  notified: Alert["state"] | null;
}

/** Runs one statement with `?` placeholders; returns its rows (none for a statement without RETURNING). */
export type Query = (sql: string, args: readonly unknown[]) => Promise<Record<string, unknown>[]>;

/** Migration 5 for SQLite. */
export const ALERTS_SQL = `
  CREATE TABLE store_hours (
    store TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE alert_rules (
    store TEXT NOT NULL,
    id TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    body TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (store, id)
  ) STRICT;
  CREATE TABLE alerts (
    store TEXT NOT NULL,
    id TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('firing', 'acknowledged', 'resolved')),
    fired_at INTEGER NOT NULL,
    ack_by TEXT,
    ack_at INTEGER,
    resolved_at INTEGER,
    body TEXT NOT NULL,
    PRIMARY KEY (store, id)
  ) STRICT;
  CREATE INDEX alerts_by_state ON alerts (store, state);
  CREATE INDEX alerts_by_fired ON alerts (store, fired_at);
  CREATE TABLE occupancy_drift (
    store TEXT NOT NULL,
    date TEXT NOT NULL,
    drift INTEGER NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (store, date)
  ) STRICT;
`;

const K = 'text COLLATE "C" NOT NULL';
/**
 * Migration 26 for SQLite: each version of a store's opening hours, so a past day is judged by the
 * hours in force that day (body NULL: hours removed, open at every hour). A store's current hours
 * become its first version (a history's first version is in force since ever).
 */
export const HOURS_VERSIONS_SQL = `
  CREATE TABLE store_hours_versions (
    store TEXT NOT NULL,
    valid_from INTEGER NOT NULL,
    body TEXT,
    PRIMARY KEY (store, valid_from)
  ) STRICT;
  INSERT INTO store_hours_versions (store, valid_from, body) SELECT store, updated_at, body FROM store_hours;
`;

/** Migration 5 for PostgreSQL (every key begins with the store: distributable by store on Citus). */
export const ALERTS_PG_SQL = `
  CREATE TABLE store_hours (
    store ${K} PRIMARY KEY,
    body text NOT NULL,
    updated_at bigint NOT NULL
  );
  CREATE TABLE alert_rules (
    store ${K},
    id ${K},
    enabled boolean NOT NULL,
    body text NOT NULL,
    updated_at bigint NOT NULL,
    PRIMARY KEY (store, id)
  );
  CREATE TABLE alerts (
    store ${K},
    id ${K},
    rule_id text NOT NULL,
    state text NOT NULL CHECK (state IN ('firing', 'acknowledged', 'resolved')),
    fired_at bigint NOT NULL,
    ack_by text,
    ack_at bigint,
    resolved_at bigint,
    body text NOT NULL,
    PRIMARY KEY (store, id)
  );
  CREATE INDEX alerts_by_state ON alerts (store, state);
  CREATE INDEX alerts_by_fired ON alerts (store, fired_at);
  CREATE TABLE occupancy_drift (
    store ${K},
    date ${K},
    drift integer NOT NULL,
    at bigint NOT NULL,
    PRIMARY KEY (store, date)
  );
`;

/** Migration 26 for PostgreSQL, as SQLite's ({@link HOURS_VERSIONS_SQL}). */
export const HOURS_VERSIONS_PG_SQL = `
  CREATE TABLE store_hours_versions (
    store ${K},
    valid_from bigint NOT NULL,
    body text,
    PRIMARY KEY (store, valid_from)
  );
  INSERT INTO store_hours_versions (store, valid_from, body) SELECT store, updated_at, body FROM store_hours;
`;

const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));

function alertOf(r: Record<string, unknown>): Alert {
  const body = JSON.parse(String(r.body)) as Alert;
  const out: Alert = { ...body, state: r.state as Alert["state"] };
  delete out.acknowledgedBy;
  delete out.acknowledgedAt;
  delete out.resolvedAt;
  if (r.ack_by !== null && r.ack_by !== undefined) out.acknowledgedBy = String(r.ack_by);
  const ackAt = num(r.ack_at);
  if (ackAt !== undefined) out.acknowledgedAt = ackAt;
  const resolvedAt = num(r.resolved_at);
  if (resolvedAt !== undefined) out.resolvedAt = resolvedAt;
  return out;
}

const ALERT_COLUMNS = "state, ack_by, ack_at, resolved_at, body";

/**
 * Migration 22 (both adapters): each alert's last change whose webhook deliveries are queued. The server queues a
 * change's deliveries after storing it; a kill -9 in between left it stored and never sent. Rows from before are taken as
 * queued; the index holds only the alerts waiting for their deliveries (a handful at most).
 */
export const ALERTS_NOTIFIED_SQL = `
  ALTER TABLE alerts ADD COLUMN notified TEXT;
  UPDATE alerts SET notified = state;
  CREATE INDEX alerts_unnotified ON alerts (store, id) WHERE notified IS NULL OR notified <> state;
`;

/** The marker a change may move on from: firing from none; acknowledged from firing; resolved from acknowledged, or from firing when never acknowledged. */
const NOTIFIED_AFTER: Record<Alert["state"], string> = {
  firing: "notified IS NULL",
  acknowledged: "notified = 'firing'",
  resolved: "(notified = 'acknowledged' OR (notified = 'firing' AND ack_at IS NULL))",
};

/** The hours and alerts stores over one adapter's `read` and `write` query functions. */
export function alertStores(read: Query, write: Query, bool: (b: boolean) => unknown): { hours: HoursStore; alerts: AlertsStore } {
  const hours: HoursStore = {
    // The versions are the hours' record (GET /hours reads the last); store_hours keeps the current ones too, as before 26.
    get: async (store, now) => {
      if (now !== undefined) {
        const history = await hours.history(store);
        return history.length > 0 ? (hoursAt(history, now) ?? undefined) : undefined;
      }
      const r = (await read("SELECT body FROM store_hours_versions WHERE store = ? ORDER BY valid_from DESC LIMIT 1", [store]))[0];
      return r && r.body !== null ? (JSON.parse(String(r.body)) as OpeningHours) : undefined;
    },
    history: async (store) =>
      (await read("SELECT valid_from, body FROM store_hours_versions WHERE store = ? ORDER BY valid_from", [store])).map((r) => ({
        from: Number(r.valid_from),
        hours: r.body === null ? null : (JSON.parse(String(r.body)) as OpeningHours),
      })),
    set: async (store, h, now) => {
      const body = h === null ? null : JSON.stringify(h);
      // The last version not scheduled ahead (one a clock ahead saved a moment "later" included).
      const last = (
        await write("SELECT valid_from, body FROM store_hours_versions WHERE store = ? AND valid_from <= ? ORDER BY valid_from DESC LIMIT 1", [
          store,
          now + HOURS_CLOCK_SKEW_MS,
        ])
      )[0];
      const same = last ? (last.body ?? null) === body : body === null;
      if (!same)
        await write("INSERT INTO store_hours_versions (store, valid_from, body) VALUES (?, ?, ?) ON CONFLICT (store, valid_from) DO UPDATE SET body = excluded.body", [
          store,
          last ? Math.max(now, Number(last.valid_from)) : now,
          body,
        ]);
      if (h === null) await write("DELETE FROM store_hours WHERE store = ?", [store]);
      else
        await write("INSERT INTO store_hours (store, body, updated_at) VALUES (?, ?, ?) ON CONFLICT (store) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at", [
          store,
          JSON.stringify(h),
          now,
        ]);
    },
    schedule: async (store, h, from, now) => {
      if (!(from > now + HOURS_CLOCK_SKEW_MS)) throw new RangeError("hours are scheduled ahead of now only");
      const body = h === null ? null : JSON.stringify(h);
      const before = (await write("SELECT valid_from, body FROM store_hours_versions WHERE store = ? AND valid_from < ? ORDER BY valid_from DESC LIMIT 1", [store, from]))[0];
      if (!before) {
        if (body === null) return; // no hours before, none scheduled
        await write("INSERT INTO store_hours_versions (store, valid_from, body) VALUES (?, ?, NULL)", [store, now]);
      }
      if ((before?.body ?? null) === body) await write("DELETE FROM store_hours_versions WHERE store = ? AND valid_from = ?", [store, from]);
      else
        await write("INSERT INTO store_hours_versions (store, valid_from, body) VALUES (?, ?, ?) ON CONFLICT (store, valid_from) DO UPDATE SET body = excluded.body", [
          store,
          from,
          body,
        ]);
    },
    cancel: async (store, from, now) => {
      if (!(from > now + HOURS_CLOCK_SKEW_MS)) return false;
      // One statement, its rows the ones it took away: of two transactions cancelling (or editing) the same version, the
      // second (PostgreSQL: waiting on the first's row lock) takes none and is told so.
      const gone = await write("DELETE FROM store_hours_versions WHERE store = ? AND valid_from = ? RETURNING valid_from", [store, from]);
      return gone.length > 0;
    },
    recordDrift: async (store, date, drift, at) => {
      await write("INSERT INTO occupancy_drift (store, date, drift, at) VALUES (?, ?, ?, ?) ON CONFLICT (store, date) DO UPDATE SET drift = excluded.drift, at = excluded.at", [
        store,
        date,
        Math.round(drift),
        at,
      ]);
    },
    drift: async (store, from, to) =>
      (await read("SELECT date, drift, at FROM occupancy_drift WHERE store = ? AND date >= ? AND date <= ? ORDER BY date", [store, from, to])).map((r) => ({
        date: String(r.date),
        drift: Number(r.drift),
        at: Number(r.at),
      })),
  };

  const alerts: AlertsStore = {
    rules: async (store) => (await read("SELECT body FROM alert_rules WHERE store = ? ORDER BY id", [store])).map((r) => JSON.parse(String(r.body)) as AlertRule),
    storesWithRules: async () => (await read("SELECT DISTINCT store FROM alert_rules WHERE enabled = ? ORDER BY store", [bool(true)])).map((r) => String(r.store)),
    getRule: async (store, id) => {
      const r = (await read("SELECT body FROM alert_rules WHERE store = ? AND id = ?", [store, id]))[0];
      return r ? (JSON.parse(String(r.body)) as AlertRule) : undefined;
    },
    saveRule: async (rule, now) => {
      await write(
        "INSERT INTO alert_rules (store, id, enabled, body, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (store, id) DO UPDATE SET enabled = excluded.enabled, body = excluded.body, updated_at = excluded.updated_at",
        [rule.store, rule.id, bool(rule.enabled), JSON.stringify(rule), now],
      );
    },
    removeRule: async (store, id) => (await write("DELETE FROM alert_rules WHERE store = ? AND id = ? RETURNING id", [store, id])).length > 0,
    saveAlerts: async (list) => {
      for (const a of list) {
        const { acknowledgedBy, acknowledgedAt, resolvedAt, ...body } = a;
        await write(
          `INSERT INTO alerts (store, id, rule_id, state, fired_at, ack_by, ack_at, resolved_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (store, id) DO UPDATE SET
             state = CASE WHEN alerts.state = 'resolved' THEN 'resolved'
                          WHEN excluded.state = 'firing' AND alerts.state = 'acknowledged' THEN 'acknowledged'
                          ELSE excluded.state END,
             ack_by = COALESCE(alerts.ack_by, excluded.ack_by),
             ack_at = COALESCE(alerts.ack_at, excluded.ack_at),
             resolved_at = COALESCE(alerts.resolved_at, excluded.resolved_at),
             body = excluded.body`,
          [a.store, a.id, a.ruleId, a.state, a.firedAt, acknowledgedBy ?? null, acknowledgedAt ?? null, resolvedAt ?? null, JSON.stringify(body)],
        );
      }
    },
    get: async (store, id) => {
      const r = (await read(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE store = ? AND id = ?`, [store, id]))[0];
      return r ? alertOf(r) : undefined;
    },
    acknowledge: async (store, id, by, now) => {
      const r = (await write(`UPDATE alerts SET state = 'acknowledged', ack_by = ?, ack_at = ? WHERE store = ? AND id = ? AND state = 'firing' RETURNING ${ALERT_COLUMNS}`, [by, now, store, id]))[0];
      return r ? alertOf(r) : undefined;
    },
    active: async (store) => (await read(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE store = ? AND state <> 'resolved' ORDER BY fired_at, id`, [store])).map(alertOf),
    forRestore: async (store) => {
      const active = await alerts.active(store);
      const resolved = await read(
        `SELECT ${ALERT_COLUMNS} FROM alerts a WHERE store = ? AND state = 'resolved'
           AND resolved_at = (SELECT MAX(resolved_at) FROM alerts b WHERE b.store = a.store AND b.rule_id = a.rule_id AND b.state = 'resolved')`,
        [store],
      );
      return [...active, ...resolved.map(alertOf)];
    },
    history: async (store, q) => {
      const where = ["store = ?"];
      const args: unknown[] = [store];
      if (q.from !== undefined) {
        where.push("fired_at >= ?");
        args.push(q.from);
      }
      if (q.to !== undefined) {
        where.push("fired_at < ?");
        args.push(q.to);
      }
      return (await read(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE ${where.join(" AND ")} ORDER BY fired_at DESC, id DESC LIMIT ?`, [...args, q.limit])).map(alertOf);
    },
    unnotified: async (changedBefore, limit) =>
      (
        await read(
          `SELECT ${ALERT_COLUMNS}, notified FROM alerts WHERE (notified IS NULL OR notified <> state) AND COALESCE(resolved_at, ack_at, fired_at) < ?
           ORDER BY COALESCE(resolved_at, ack_at, fired_at), store, id LIMIT ?`,
          [changedBefore, limit],
        )
      ).map((r) => ({ alert: alertOf(r), notified: r.notified === null || r.notified === undefined ? null : (String(r.notified) as Alert["state"]) })),
    notified: async (store, id, state) =>
      (await write(`UPDATE alerts SET notified = ? WHERE store = ? AND id = ? AND ${NOTIFIED_AFTER[state]} RETURNING id`, [state, store, id])).length > 0,
    notifiedUpTo: async (store, id, state) =>
      (await write("UPDATE alerts SET notified = state WHERE store = ? AND id = ? AND state = ? AND (notified IS NULL OR notified <> state) RETURNING id", [store, id, state]))
        .length > 0,
  };
  return { hours, alerts };
}

/** `?` placeholders numbered for PostgreSQL (`$1`, `$2`, ...); the statements here hold no `?` in literals. */
export function pgPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
