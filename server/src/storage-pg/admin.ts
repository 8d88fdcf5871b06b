/**
 * The audit log and digest schedules on PostgreSQL (migration 8); the same semantics as the
 * SQLite repos in ../db/repos/admin.ts (shared row mapping and filters).
 */
import { auditEntry, auditWhere, claimSql, digestOf, nextResends, pendingResend, settleSql } from "../db/repos/admin.js";
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

/** Migration 16 (PostgreSQL): a digest's own time zone and its failed sends (../db/repos/admin.ts DIGEST_RETRY_SQL). */
export const DIGEST_RETRY_PG_SQL = `
  ALTER TABLE digests ADD COLUMN time_zone text;
  ALTER TABLE digests ADD COLUMN failed_period ${K};
  ALTER TABLE digests ADD COLUMN attempts integer NOT NULL DEFAULT 0;
  ALTER TABLE digests ADD COLUMN retry_at bigint;
  ALTER TABLE digests ADD COLUMN gave_up_at bigint;
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
    prune: (before, limit) =>
      write(
        async (q) =>
          (await q.query("DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE ts < $1 ORDER BY ts LIMIT $2)", [before, limit])).rowCount ?? 0,
      ),
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
          `INSERT INTO digests (id, scope, target, frequency, recipients, hour, created_at, time_zone, webhook) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, target = excluded.target, frequency = excluded.frequency,
             recipients = excluded.recipients, hour = excluded.hour, time_zone = excluded.time_zone, webhook = excluded.webhook`,
          [d.id, d.scope, d.target, d.frequency, JSON.stringify(d.recipients), d.hour, now, d.timeZone ?? null, d.webhook ?? null],
        );
        return (await get(q, d.id))!;
      }),
    remove: (id) => write(async (q) => ((await q.query("DELETE FROM digests WHERE id = $1", [id])).rowCount ?? 0) > 0),
    claim: (id, period, now) =>
      write(async (q) => {
        const { sql, args } = claimSql(id, period, now, true);
        return ((await q.query(sql, args)).rowCount ?? 0) > 0;
      }),
    settle: (id, o) =>
      write(async (q) => {
        const { sql, args } = settleSql({ ...o, id }, true);
        await q.query(sql, args);
      }),
    pendingResend: (id, periodPrefix) =>
      read(async (q) => {
        const { rows } = await q.query<{ resend_deliveries: string | null }>("SELECT resend_deliveries FROM digests WHERE id = $1", [id]);
        return rows[0] ? pendingResend(rows[0].resend_deliveries, periodPrefix) : null;
      }),
    noteResend: (id, deliveryId, pending) =>
      write(async (q) => {
        const { rows } = await q.query<{ resend_deliveries: string | null }>("SELECT resend_deliveries FROM digests WHERE id = $1 FOR UPDATE", [id]);
        if (rows[0]) await q.query("UPDATE digests SET resend_deliveries = $1 WHERE id = $2", [nextResends(rows[0].resend_deliveries, deliveryId, pending), id]);
      }),
  };
}
