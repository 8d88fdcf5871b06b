/**
 * Storage of installers' accuracy audits (issue 18; migration 11), written once for both adapters
 * as alerts/store.ts does: plain SQL that SQLite and PostgreSQL both run (`?` placeholders,
 * numbered for PostgreSQL) behind a `query(sql, args) -> rows` function each adapter provides.
 * Counts, who and when; the accuracy is worked out from the counts when read (core's auditFigures).
 */
import { auditFigures, type AuditFigures, type AuditMethod, type AuditReport } from "@footfall/core";
import type { Query } from "../alerts/store.js";

/** An audit as kept: what the agent (or the UI, for a door counter) reported, and its figures. */
export interface StoredAudit extends AuditReport, AuditFigures {
  store: string;
  agent: string;
  receivedAt: number;
}

export interface AccuracyAuditsStore {
  /** Keep an audit; false when this agent's audit of that id is kept already (a copy sent again: the first stays). */
  add(store: string, agent: string, report: AuditReport, receivedAt: number): Promise<boolean>;
  /** A store's audits (or one agent's), newest first (by when the count was submitted), at most `limit`. */
  list(store: string, q: { agent?: string; limit: number }): Promise<StoredAudit[]>;
  /** Each agent's latest audit in the store. */
  latest(store: string): Promise<StoredAudit[]>;
  /** What a door counter counted in [from, to): the sums of its `count` events stamped in the window, and how many there were. */
  doorCounts(store: string, agent: string, from: number, to: number): Promise<{ in: number; out: number; events: number }>;
}

const COLUMNS = "store, agent, id, method, auditor, from_ts, to_ts, at, hand_in, hand_out, system_in, system_out, marked, right_n, received_at";

/** Migration 11 for SQLite. */
export const ACCURACY_AUDITS_SQL = `
  CREATE TABLE accuracy_audits (
    store TEXT NOT NULL,
    agent TEXT NOT NULL,
    id TEXT NOT NULL,
    method TEXT NOT NULL,
    auditor TEXT NOT NULL,
    from_ts INTEGER NOT NULL,
    to_ts INTEGER NOT NULL,
    at INTEGER NOT NULL,
    hand_in INTEGER NOT NULL,
    hand_out INTEGER NOT NULL,
    system_in INTEGER NOT NULL,
    system_out INTEGER NOT NULL,
    marked INTEGER,
    right_n INTEGER,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (store, agent, id)
  ) STRICT;
  CREATE INDEX accuracy_audits_by_time ON accuracy_audits (store, agent, at);
`;

const K = 'text COLLATE "C" NOT NULL';
/** Migration 11 for PostgreSQL. */
export const ACCURACY_AUDITS_PG_SQL = `
  CREATE TABLE accuracy_audits (
    store ${K},
    agent ${K},
    id ${K},
    method text NOT NULL CHECK (method IN ('clip', 'live', 'manual')),
    auditor text NOT NULL,
    from_ts bigint NOT NULL,
    to_ts bigint NOT NULL,
    at bigint NOT NULL,
    hand_in integer NOT NULL,
    hand_out integer NOT NULL,
    system_in integer NOT NULL,
    system_out integer NOT NULL,
    marked integer,
    right_n integer,
    received_at bigint NOT NULL,
    PRIMARY KEY (store, agent, id)
  );
  CREATE INDEX accuracy_audits_by_time ON accuracy_audits (store, agent, at);
`;

function fromRow(r: Record<string, unknown>): StoredAudit {
  const hand = { in: Number(r.hand_in), out: Number(r.hand_out) };
  const system = { in: Number(r.system_in), out: Number(r.system_out) };
  return {
    store: String(r.store),
    agent: String(r.agent),
    id: String(r.id),
    method: String(r.method) as AuditMethod,
    auditor: String(r.auditor),
    from: Number(r.from_ts),
    to: Number(r.to_ts),
    at: Number(r.at),
    hand,
    system,
    ...(r.marked === null || r.marked === undefined ? {} : { marked: Number(r.marked) }),
    ...(r.right_n === null || r.right_n === undefined ? {} : { right: Number(r.right_n) }),
    receivedAt: Number(r.received_at),
    ...auditFigures(hand, system),
  };
}

export function accuracyAuditStore(read: Query, write: Query): AccuracyAuditsStore {
  return {
    add: async (store, agent, a, receivedAt) => {
      const rows = await write(
        `INSERT INTO accuracy_audits (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (store, agent, id) DO NOTHING RETURNING id`,
        [store, agent, a.id, a.method, a.auditor, a.from, a.to, a.at, a.hand.in, a.hand.out, a.system.in, a.system.out, a.marked ?? null, a.right ?? null, receivedAt],
      );
      return rows.length > 0;
    },
    list: async (store, q) => {
      const rows = q.agent
        ? await read(`SELECT ${COLUMNS} FROM accuracy_audits WHERE store = ? AND agent = ? ORDER BY at DESC, id DESC LIMIT ?`, [store, q.agent, q.limit])
        : await read(`SELECT ${COLUMNS} FROM accuracy_audits WHERE store = ? ORDER BY at DESC, id DESC LIMIT ?`, [store, q.limit]);
      return rows.map(fromRow);
    },
    latest: async (store) => {
      const rows = await read(
        `SELECT ${COLUMNS} FROM accuracy_audits a WHERE store = ? AND at = (SELECT MAX(at) FROM accuracy_audits b WHERE b.store = a.store AND b.agent = a.agent) ORDER BY agent, id DESC`,
        [store],
      );
      const seen = new Set<string>();
      return rows.map(fromRow).filter((a) => !seen.has(a.agent) && (seen.add(a.agent), true));
    },
    doorCounts: async (store, agent, from, to) => {
      // type 2: count events (storage/event-rows.ts), found by the partial index events_counts (store, ts).
      const [r] = await read("SELECT COALESCE(SUM(n_in), 0) AS i, COALESCE(SUM(n_out), 0) AS o, COUNT(*) AS n FROM events WHERE store = ? AND type = 2 AND ts >= ? AND ts < ? AND agent = ?", [store, from, to, agent]);
      return { in: Number(r?.i ?? 0), out: Number(r?.o ?? 0), events: Number(r?.n ?? 0) };
    },
  };
}
