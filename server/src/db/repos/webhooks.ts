import { randomBytes } from "node:crypto";
import type { Db } from "../database.js";
import type { DeliveryAttempt, WebhookDelivery, WebhookDeliveryStatus, WebhookHealth, WebhookInfo } from "../../storage/types.js";

interface HookRow {
  id: string;
  store: string;
  url: string;
  events: string;
  enabled: number;
  disabled_reason: string | null;
  created_at: number;
  consecutive_failures: number;
  failing_since: number | null;
}
interface DeliveryRow {
  seq: number;
  hook_id: string;
  delivery_id: string;
  type: string;
  payload: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  status: WebhookDeliveryStatus;
  last_error: string | null;
  response_status: number | null;
  finished_at: number | null;
}

const HOOK_COLUMNS = "id, store, url, events, enabled, disabled_reason, created_at, consecutive_failures, failing_since";
const DELIVERY_COLUMNS = "seq, hook_id, delivery_id, type, payload, created_at, attempts, next_attempt_at, status, last_error, response_status, finished_at";

export const hookInfo = (r: HookRow): WebhookInfo => ({
  id: r.id,
  store: r.store,
  url: r.url,
  events: typeof r.events === "string" ? (JSON.parse(r.events) as string[]) : (r.events as string[]),
  enabled: Boolean(r.enabled),
  disabledReason: r.disabled_reason,
  createdAt: r.created_at,
  consecutiveFailures: r.consecutive_failures,
  failingSince: r.failing_since,
});
export const deliveryOf = (r: DeliveryRow): WebhookDelivery => ({
  deliveryId: r.delivery_id,
  hookId: r.hook_id,
  seq: r.seq,
  type: r.type,
  payload: r.payload,
  createdAt: r.created_at,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  status: r.status,
  lastError: r.last_error,
  responseStatus: r.response_status,
  finishedAt: r.finished_at,
});
export type { HookRow, DeliveryRow };

/**
 * (migration 29) A delivery's claim: the process posting it (`claimed_by`) until when (`claimed_until`, epoch ms), so that
 * of the servers of a chain and `footfall digest send`, one posts it; null: nobody is posting it. SQLite's (a STRICT table).
 */
export const DELIVERY_CLAIM_SQL = `
  ALTER TABLE webhook_deliveries ADD COLUMN claimed_by TEXT;
  ALTER TABLE webhook_deliveries ADD COLUMN claimed_until INTEGER;
`;
/** (migration 29) PostgreSQL's. */
export const DELIVERY_CLAIM_PG_SQL = DELIVERY_CLAIM_SQL.replace("INTEGER", "BIGINT");

/** A new hook's public id. */
export const newHookId = (): string => `wh_${randomBytes(8).toString("hex")}`;

/** Webhooks and their delivery queue and log (SQLite). */
export class WebhooksRepo {
  constructor(private readonly db: Db) {}

  create(store: string, hook: { url: string; events: readonly string[]; secret: string }, now: number): WebhookInfo {
    const id = newHookId();
    this.db
      .prepare("INSERT INTO webhooks (id, store, url, secret, events, enabled, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)")
      .run(id, store, hook.url, hook.secret, JSON.stringify(hook.events), now);
    return this.get(id)!;
  }
  get(id: string): WebhookInfo | undefined {
    const r = this.db.prepare<[string], HookRow>(`SELECT ${HOOK_COLUMNS} FROM webhooks WHERE id = ?`).get(id);
    return r ? hookInfo(r) : undefined;
  }
  list(store: string): WebhookInfo[] {
    return this.db.prepare<[string], HookRow>(`SELECT ${HOOK_COLUMNS} FROM webhooks WHERE store = ? ORDER BY created_at, id`).all(store).map(hookInfo);
  }
  secret(id: string): string | undefined {
    return this.db.prepare<[string], { secret: string }>("SELECT secret FROM webhooks WHERE id = ?").get(id)?.secret;
  }
  update(id: string, change: { url?: string; events?: readonly string[]; enabled?: boolean; disabledReason?: string | null }): WebhookInfo | undefined {
    const before = this.get(id);
    if (!before) return undefined;
    const enabling = change.enabled === true && !before.enabled;
    const enabled = change.enabled ?? before.enabled;
    const reason = enabled ? null : change.disabledReason !== undefined ? change.disabledReason : before.disabledReason;
    this.db
      .prepare(
        `UPDATE webhooks SET url = ?, events = ?, enabled = ?, disabled_reason = ?,
           consecutive_failures = CASE WHEN ? THEN 0 ELSE consecutive_failures END,
           failing_since = CASE WHEN ? THEN NULL ELSE failing_since END
         WHERE id = ?`,
      )
      .run(change.url ?? before.url, JSON.stringify(change.events ?? before.events), enabled ? 1 : 0, reason, enabling ? 1 : 0, enabling ? 1 : 0, id);
    return this.get(id);
  }
  setHealth(id: string, h: WebhookHealth): void {
    this.db
      .prepare("UPDATE webhooks SET consecutive_failures = ?, failing_since = ?, enabled = ?, disabled_reason = ? WHERE id = ?")
      .run(h.consecutiveFailures, h.failingSince, h.enabled ? 1 : 0, h.enabled ? null : h.disabledReason, id);
  }
  remove(id: string): boolean {
    return this.db.transaction(() => {
      this.db.prepare("DELETE FROM webhook_deliveries WHERE hook_id = ?").run(id);
      return this.db.prepare("DELETE FROM webhooks WHERE id = ?").run(id).changes > 0;
    })();
  }
  enqueue(hookId: string, d: { deliveryId: string; type: string; payload: string }, now: number): WebhookDelivery | undefined {
    const r = this.db
      .prepare<[string, string, string, string, number, number], DeliveryRow>(
        `INSERT INTO webhook_deliveries (hook_id, delivery_id, type, payload, created_at, next_attempt_at, status)
         VALUES (?, ?, ?, ?, ?, ?, 'pending') ON CONFLICT (hook_id, delivery_id) DO NOTHING RETURNING ${DELIVERY_COLUMNS}`,
      )
      .get(hookId, d.deliveryId, d.type, d.payload, now, now);
    return r ? deliveryOf(r) : undefined;
  }
  heads(): WebhookDelivery[] {
    return this.db
      .prepare<[], DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS.split(", ").map((c) => `d.${c}`).join(", ")} FROM webhooks w
         JOIN webhook_deliveries d ON d.seq = (SELECT min(seq) FROM webhook_deliveries WHERE hook_id = w.id AND status = 'pending')
         WHERE w.enabled = 1 ORDER BY w.id`,
      )
      .all()
      .map(deliveryOf);
  }
  head(hookId: string): WebhookDelivery | undefined {
    const r = this.db
      .prepare<[string], DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE hook_id = ? AND status = 'pending' ORDER BY seq LIMIT 1`)
      .get(hookId);
    return r ? deliveryOf(r) : undefined;
  }
  /** (migration 29) One UPDATE ... RETURNING: SQLite takes its write lock for the statement, so of two processes at once one claims. */
  claim(hookId: string, deliveryId: string, by: string, now: number, leaseMs: number): WebhookDelivery | undefined {
    const clock = Date.now();
    const r = this.db
      .prepare<[string, number, string, string, number, number], DeliveryRow>(
        `UPDATE webhook_deliveries SET claimed_by = ?, claimed_until = ?
         WHERE hook_id = ? AND delivery_id = ? AND status = 'pending' AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)
         RETURNING ${DELIVERY_COLUMNS}`,
      )
      .get(by, clock + leaseMs, hookId, deliveryId, now, clock);
    return r ? deliveryOf(r) : undefined;
  }
  recordAttempt(hookId: string, deliveryId: string, a: DeliveryAttempt, by?: string): boolean {
    const sql = `UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, response_status = ?, finished_at = ?,
           claimed_by = NULL, claimed_until = NULL
         WHERE hook_id = ? AND delivery_id = ? AND (? IS NULL OR claimed_by = ?)`;
    return this.db.prepare(sql).run(a.status, a.attempts, a.nextAttemptAt, a.lastError, a.responseStatus, a.finishedAt, hookId, deliveryId, by ?? null, by ?? null).changes > 0;
  }
  getDelivery(hookId: string, deliveryId: string): WebhookDelivery | undefined {
    const r = this.db.prepare<[string, string], DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE hook_id = ? AND delivery_id = ?`).get(hookId, deliveryId);
    return r ? deliveryOf(r) : undefined;
  }
  deliveries(hookId: string, limit = 100, before?: number): WebhookDelivery[] {
    return this.db
      .prepare<[string, number, number], DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE hook_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`)
      .all(hookId, before ?? Number.MAX_SAFE_INTEGER, limit)
      .map(deliveryOf);
  }
  prune(hookId: string, keep: number): number {
    return this.db
      .prepare(
        `DELETE FROM webhook_deliveries WHERE hook_id = ? AND status <> 'pending' AND seq NOT IN
           (SELECT seq FROM webhook_deliveries WHERE hook_id = ? AND status <> 'pending' ORDER BY seq DESC LIMIT ?)`,
      )
      .run(hookId, hookId, keep).changes;
  }
}
