/**
 * The audit log and digest schedules on PostgreSQL (migration 8); the same semantics as the
 * SQLite repos in ../db/repos/admin.ts (shared row mapping and filters).
 */
import { auditEntry, auditWhere, digestOf } from "../db/repos/admin.js";
import type { AuditStore, DigestsStore } from "../storage/types.js";
import type { PgQueryable } from "./pool.js";

const K = 'text COLLATE "C"';

/** Migration 8 (PostgreSQL). */
export const ADMIN_PG_SQL = `
  CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ts bigint NOT NULL,
    actor_token ${K},
    actor_role text,
    actor_label text,
    action ${K} NOT NULL,
    target ${K},
    store ${K},
    details jsonb
  );
  CREATE INDEX audit_log_by_ts ON audit_log (ts);
  CREATE INDEX audit_log_by_store ON audit_log (store, id);
  CREATE TABLE digests (
    id ${K} PRIMARY KEY,
    scope text NOT NULL CHECK (scope IN ('store', 'group')),
    target ${K} NOT NULL,
    frequency text NOT NULL CHECK (frequency IN ('daily', 'weekly')),
    recipients jsonb NOT NULL,
    hour integer NOT NULL,
    created_at bigint NOT NULL,
    last_period ${K},
    last_sent_at bigint,
    last_error text
  );
  ALTER TABLE agents ADD COLUMN revoked_at bigint;
`;

type Run = <T>(fn: (q: PgQueryable) => Promise<T>) => Promise<T>;

export function pgAudit(read: Run, write: Run): AuditStore {
  return {
    append: (e) =>
      write(async (q) => {
        const { rows } = await q.query<{ id: string }>(
          "INSERT INTO audit_log (ts, actor_token, actor_role, actor_label, action, target, store, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
          [e.ts, e.actor.tokenId, e.actor.role, e.actor.label, e.action, e.target, e.store, e.details === null ? null : JSON.stringify(e.details)],
        );
        return { ...e, id: Number(rows[0]!.id) };
      }),
    list: (query) =>
      read(async (q) => {
        const { where, args } = auditWhere(query, (n) => `$${n}`);
        const { rows } = await q.query(`SELECT * FROM audit_log ${where} ORDER BY id DESC LIMIT $${args.length + 1}`, [...args, query.limit]);
        return rows.map(auditEntry);
      }),
  };
}

export function pgDigests(read: Run, write: Run): DigestsStore {
  const get = (q: PgQueryable, id: string) => q.query("SELECT * FROM digests WHERE id = $1", [id]).then((r) => (r.rows[0] ? digestOf(r.rows[0]) : undefined));
  return {
    list: () => read(async (q) => (await q.query("SELECT * FROM digests ORDER BY id")).rows.map(digestOf)),
    get: (id) => read((q) => get(q, id)),
    save: (d, now) =>
      write(async (q) => {
        await q.query(
          `INSERT INTO digests (id, scope, target, frequency, recipients, hour, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, target = excluded.target, frequency = excluded.frequency,
             recipients = excluded.recipients, hour = excluded.hour`,
          [d.id, d.scope, d.target, d.frequency, JSON.stringify(d.recipients), d.hour, now],
        );
        return (await get(q, d.id))!;
      }),
    remove: (id) => write(async (q) => ((await q.query("DELETE FROM digests WHERE id = $1", [id])).rowCount ?? 0) > 0),
    claim: (id, period) =>
      write(async (q) => ((await q.query("UPDATE digests SET last_period = $1 WHERE id = $2 AND (last_period IS NULL OR last_period < $1)", [period, id])).rowCount ?? 0) > 0),
    settle: (id, o) =>
      write(async (q) => {
        if (o.ok) await q.query("UPDATE digests SET last_sent_at = $1, last_error = NULL WHERE id = $2", [o.at, id]);
        else
          await q.query("UPDATE digests SET last_error = $1, last_period = CASE WHEN last_period = $2 THEN $3 ELSE last_period END WHERE id = $4", [
            o.error,
            o.period,
            o.previous,
            id,
          ]);
      }),
  };
}
