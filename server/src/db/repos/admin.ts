import type { AuditEntry, AuditInput, AuditQuery, Digest, DigestInput, DigestSettle } from "../../storage/types.js";

type DigestOutcome = DigestSettle & { id: string };
import type { Db } from "../database.js";

/** Migration 8 (SQLite): the audit log, report schedules (digests) and agent revocation. */
export const ADMIN_SQL = `
  -- Every admin action, append-only; id orders it (and pages it).
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts INTEGER NOT NULL,
    actor_token TEXT,
    actor_role TEXT,
    actor_label TEXT,
    action TEXT NOT NULL,
    target TEXT,
    store TEXT,
    details TEXT
  ) STRICT;
  CREATE INDEX audit_log_by_ts ON audit_log (ts);
  CREATE INDEX audit_log_by_store ON audit_log (store, id);
  -- Scheduled e-mail digests. last_period: the start date of the last period taken for sending,
  -- taken by a conditional UPDATE so that one server, once, sends each period.
  CREATE TABLE digests (
    id TEXT PRIMARY KEY,
    scope TEXT NOT NULL CHECK (scope IN ('store', 'group')),
    target TEXT NOT NULL,
    frequency TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly')),
    recipients TEXT NOT NULL,
    hour INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    last_period TEXT,
    last_sent_at INTEGER,
    last_error TEXT
  ) STRICT;
  ALTER TABLE agents ADD COLUMN revoked_at INTEGER;
`;

/**
 * Migration 16 (SQLite): a digest's own time zone (null: its stores' shared zone) and its failed
 * sends: the period that failed, the failed attempts at it, when the next attempt may go (null: none
 * pending), and when the scheduler gave up on it.
 */
export const DIGEST_RETRY_SQL = `
  ALTER TABLE digests ADD COLUMN time_zone TEXT;
  ALTER TABLE digests ADD COLUMN failed_period TEXT;
  ALTER TABLE digests ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE digests ADD COLUMN retry_at INTEGER;
  ALTER TABLE digests ADD COLUMN gave_up_at INTEGER;
`;

/**
 * Migration 27 (SQLite and PostgreSQL: the same statement): the webhook a digest is also delivered to (a hook's id, see
 * storage.webhooks; null: mail only). The hook's own secret signs it, its queue retries it, its delivery log lists it.
 */
export const DIGEST_WEBHOOK_SQL = `
  ALTER TABLE digests ADD COLUMN webhook TEXT;
`;

/**
 * Migration 28 (SQLite and PostgreSQL: the same statement): the webhook deliveries of a digest's sends-now whose mail then
 * failed (a JSON array of delivery ids, at most one per period; null: none), so that sending that period again re-sends
 * the mail and reuses the delivery queued already, whatever period went out meanwhile (digests/scheduler.ts sendNow).
 */
export const DIGEST_RESENDS_SQL = `
  ALTER TABLE digests ADD COLUMN resend_deliveries TEXT;
`;

/** How many sends-now whose mail failed a digest remembers (the oldest forgotten first). */
export const DIGEST_RESENDS_KEPT = 20;

/** The period part of a send-now's delivery id (`digest:<id>:<period>:<n>` without `:<n>`). */
const resendPeriod = (deliveryId: string) => deliveryId.slice(0, deliveryId.lastIndexOf(":"));

/** The digest's resend_deliveries after a send-now's outcome: `deliveryId` pending (its mail failed), or not (it went). */
export function nextResends(json: string | null, deliveryId: string, pending: boolean): string | null {
  let ids: string[] = [];
  try {
    const parsed: unknown = json === null ? [] : JSON.parse(json);
    if (Array.isArray(parsed)) ids = parsed.filter((x): x is string => typeof x === "string");
  } catch {
    /* unreadable: none */
  }
  const kept = ids.filter((x) => resendPeriod(x) !== resendPeriod(deliveryId));
  if (pending) kept.push(deliveryId);
  return kept.length === 0 ? null : JSON.stringify(kept.slice(-DIGEST_RESENDS_KEPT));
}

/** The pending send-now delivery of `periodPrefix` (`digest:<id>:<period>`) in resend_deliveries, or null. */
export function pendingResend(json: string | null, periodPrefix: string): string | null {
  if (json === null) return null;
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? ((parsed as unknown[]).find((x): x is string => typeof x === "string" && resendPeriod(x) === periodPrefix) ?? null) : null;
  } catch {
    return null;
  }
}

interface AuditRow {
  id: number;
  ts: number;
  actor_token: string | null;
  actor_role: string | null;
  actor_label: string | null;
  action: string;
  target: string | null;
  store: string | null;
  details: string | null;
}
export const auditEntry = (r: Omit<AuditRow, "details"> & { details: unknown }): AuditEntry => ({
  id: Number(r.id),
  ts: Number(r.ts),
  actor: { tokenId: r.actor_token, role: r.actor_role, label: r.actor_label },
  action: r.action,
  target: r.target,
  store: r.store,
  details: (typeof r.details === "string" ? JSON.parse(r.details) : r.details) as Record<string, unknown> | null,
});

/** The WHERE clause of an audit query, with `?` or `$n` placeholders. */
export function auditWhere(q: AuditQuery, placeholder: (n: number) => string): { where: string; args: unknown[] } {
  const parts: string[] = [];
  const args: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    args.push(v);
    parts.push(sql.replace("?", placeholder(args.length)));
  };
  if (q.from !== undefined) add("ts >= ?", q.from);
  if (q.to !== undefined) add("ts < ?", q.to);
  if (q.action !== undefined) {
    if (q.action.endsWith(".")) add("substr(action, 1, " + q.action.length + ") = ?", q.action);
    else add("action = ?", q.action);
  }
  if (q.actor !== undefined) add("actor_token = ?", q.actor);
  if (q.target !== undefined) add("target = ?", q.target);
  if (q.store !== undefined) add("store = ?", q.store);
  if (q.stores !== undefined) {
    if (q.stores.length === 0) parts.push("1 = 0");
    else {
      const first = args.length + 1;
      args.push(...q.stores);
      parts.push(`store IN (${q.stores.map((_, i) => placeholder(first + i)).join(", ")})`);
    }
  }
  if (q.before !== undefined) add("id < ?", q.before);
  return { where: parts.length ? `WHERE ${parts.join(" AND ")}` : "", args };
}

interface DigestRow {
  id: string;
  scope: "store" | "group";
  target: string;
  frequency: "daily" | "weekly";
  recipients: string | string[];
  hour: number;
  created_at: number;
  last_period: string | null;
  last_sent_at: number | null;
  last_error: string | null;
  time_zone: string | null;
  failed_period: string | null;
  attempts: number;
  retry_at: number | null;
  gave_up_at: number | null;
  /** Migration 27 (absent before it ran). */
  webhook?: string | null;
}
const numOrNull = (v: number | string | null) => (v === null ? null : Number(v));
export const digestOf = (r: DigestRow): Digest => ({
  id: r.id,
  scope: r.scope,
  target: r.target,
  frequency: r.frequency,
  recipients: typeof r.recipients === "string" ? (JSON.parse(r.recipients) as string[]) : r.recipients,
  hour: Number(r.hour),
  createdAt: Number(r.created_at),
  lastPeriod: r.last_period,
  lastSentAt: r.last_sent_at === null ? null : Number(r.last_sent_at),
  lastError: r.last_error,
  timeZone: r.time_zone,
  failedPeriod: r.failed_period,
  attempts: Number(r.attempts),
  retryAt: numOrNull(r.retry_at),
  gaveUpAt: numOrNull(r.gave_up_at),
  webhook: r.webhook ?? null,
});

/**
 * How long a period taken for sending stays with the server that took it: its `retry_at` is set that
 * far ahead at the claim and cleared when the send settles, so a server killed while sending leaves
 * the period to be taken again once this has passed (by itself after a restart, or by another server
 * of the chain) rather than marked as sent. Longer than any send (nodemailer gives up within minutes).
 */
export const DIGEST_SEND_LEASE_MS = 15 * 60_000;

/** The error a period's record keeps when an attempt at it never settled (the server sending it was killed or crashed). */
export const DIGEST_INTERRUPTED = "the send was interrupted: the server sending it stopped before it finished (see that server's log)";

/**
 * The UPDATE of a claim, for both adapters: the period is taken when it is after the last one taken,
 * or is that one but its send never settled and its lease ran out; not while a retry is pending.
 * Sets the lease when `now` is given. A claim of a period that has a failure record (a retry) counts
 * the attempt it starts in `attempts`; so does taking again a period whose lease ran out, which also
 * records that period as failed (`failed_period`, 2 attempts: the interrupted one and this one,
 * `last_error` DIGEST_INTERRUPTED), so a send that kills the server every time reaches the limit of
 * attempts (scheduler.ts) instead of being taken again every 15 minutes for ever. Every SET reads the
 * row as it was before the update (both databases).
 */
export function claimSql(id: string, period: string, now: number | undefined, pg: boolean): { sql: string; args: unknown[] } {
  const until = now === undefined ? null : now + DIGEST_SEND_LEASE_MS;
  const sql = `UPDATE digests SET last_period = {1}, retry_at = {2},
      attempts = CASE WHEN failed_period = {1} THEN attempts + 1 WHEN last_period = {1} THEN 2 ELSE attempts END,
      last_error = CASE WHEN failed_period = {1} THEN last_error WHEN last_period = {1} THEN {5} ELSE last_error END,
      gave_up_at = CASE WHEN failed_period = {1} THEN gave_up_at WHEN last_period = {1} THEN NULL ELSE gave_up_at END,
      failed_period = CASE WHEN last_period = {1} THEN {1} ELSE failed_period END
    WHERE id = {3} AND (last_period IS NULL OR last_period < {1} OR (last_period = {1} AND retry_at IS NOT NULL)) AND (retry_at IS NULL OR retry_at <= {4})`;
  return placeholders(sql, [period, until, id, now ?? Number.MAX_SAFE_INTEGER, DIGEST_INTERRUPTED], pg);
}

/**
 * The UPDATE of a settled send, for both adapters: `pg` numbers the placeholders ($1...), else `?`
 * with the arguments repeated in the order they appear.
 */
export function settleSql(o: DigestOutcome, pg: boolean): { sql: string; args: unknown[] } {
  let sql: string;
  let values: unknown[];
  if (o.ok) {
    // A success clears the failure record when it is about this period (or there is none).
    const mine = "(failed_period IS NULL OR failed_period = {2})";
    // The claim's lease ends with the send of the period it took.
    sql = `UPDATE digests SET last_sent_at = {1},
             last_error = CASE WHEN ${mine} THEN NULL ELSE last_error END,
             attempts = CASE WHEN ${mine} THEN 0 ELSE attempts END,
             retry_at = CASE WHEN ${mine} OR last_period = {2} THEN NULL ELSE retry_at END,
             gave_up_at = CASE WHEN ${mine} THEN NULL ELSE gave_up_at END,
             failed_period = CASE WHEN ${mine} THEN NULL ELSE failed_period END
           WHERE id = {3}`;
    values = [o.at, o.period, o.id];
  } else {
    // Given up (retryAt null): the period stays taken, so the schedule does not send it again; else it is given back.
    sql = `UPDATE digests SET last_error = {1}, failed_period = {2}, attempts = {3}, retry_at = {4}, gave_up_at = {5},
             last_period = CASE WHEN {6} = 1 AND last_period = {2} THEN {7} ELSE last_period END
           WHERE id = {8}`;
    values = [o.error, o.period, o.attempts, o.retryAt, o.retryAt === null ? o.at : null, o.retryAt === null ? 0 : 1, o.previous, o.id];
  }
  return placeholders(sql, values, pg);
}

/** `{n}` placeholders as `pg` numbers them ($n), else `?` with the values repeated in the order they appear. */
function placeholders(sql: string, values: unknown[], pg: boolean): { sql: string; args: unknown[] } {
  const args: unknown[] = [];
  const text = sql.replace(/\{(\d)\}/g, (_, n: string) => {
    if (pg) return `$${n}`;
    args.push(values[Number(n) - 1]);
    return "?";
  });
  return { sql: text, args: pg ? values : args };
}

/** The audit log (SQLite). */
export class AuditRepo {
  constructor(private readonly db: Db) {}
  append(e: AuditInput): AuditEntry {
    const r = this.db
      .prepare("INSERT INTO audit_log (ts, actor_token, actor_role, actor_label, action, target, store, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .run(e.ts, e.actor.tokenId, e.actor.role, e.actor.label, e.action, e.target, e.store, e.details === null ? null : JSON.stringify(e.details));
    return { ...e, id: Number(r.lastInsertRowid) };
  }
  list(q: AuditQuery): AuditEntry[] {
    const { where, args } = auditWhere(q, () => "?");
    return this.db
      .prepare<unknown[], AuditRow>(`SELECT * FROM audit_log ${where} ORDER BY id DESC LIMIT ?`)
      .all(...args, q.limit)
      .map(auditEntry);
  }
  /** Deletes at most `limit` of the oldest entries written before `before`; how many. */
  prune(before: number, limit: number): number {
    return this.db.prepare("DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE ts < ? ORDER BY ts LIMIT ?)").run(before, limit).changes;
  }
}

/** Digest schedules (SQLite). */
export class DigestsRepo {
  constructor(private readonly db: Db) {}
  list(): Digest[] {
    return this.db.prepare<[], DigestRow>("SELECT * FROM digests ORDER BY id").all().map(digestOf);
  }
  get(id: string): Digest | undefined {
    const r = this.db.prepare<[string], DigestRow>("SELECT * FROM digests WHERE id = ?").get(id);
    return r && digestOf(r);
  }
  save(d: DigestInput, now: number): Digest {
    this.db
      .prepare(
        `INSERT INTO digests (id, scope, target, frequency, recipients, hour, created_at, time_zone, webhook) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, target = excluded.target, frequency = excluded.frequency,
           recipients = excluded.recipients, hour = excluded.hour, time_zone = excluded.time_zone, webhook = excluded.webhook`,
      )
      .run(d.id, d.scope, d.target, d.frequency, JSON.stringify(d.recipients), d.hour, now, d.timeZone ?? null, d.webhook ?? null);
    return this.get(d.id)!;
  }
  remove(id: string): boolean {
    return this.db.prepare("DELETE FROM digests WHERE id = ?").run(id).changes > 0;
  }
  claim(id: string, period: string, now?: number): boolean {
    const { sql, args } = claimSql(id, period, now, false);
    return this.db.prepare(sql).run(...args).changes > 0;
  }
  settle(id: string, o: DigestSettle): void {
    const { sql, args } = settleSql({ ...o, id }, false);
    this.db.prepare(sql).run(...args);
  }
  pendingResend(id: string, periodPrefix: string): string | null {
    const r = this.db.prepare<[string], { resend_deliveries: string | null }>("SELECT resend_deliveries FROM digests WHERE id = ?").get(id);
    return r ? pendingResend(r.resend_deliveries, periodPrefix) : null;
  }
  noteResend(id: string, deliveryId: string, pending: boolean): void {
    this.db.transaction(() => {
      const r = this.db.prepare<[string], { resend_deliveries: string | null }>("SELECT resend_deliveries FROM digests WHERE id = ?").get(id);
      if (r) this.db.prepare("UPDATE digests SET resend_deliveries = ? WHERE id = ?").run(nextResends(r.resend_deliveries, deliveryId, pending), id);
    })();
  }
}
