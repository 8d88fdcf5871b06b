/**
 * The server's webhook delivery: a dispatcher over the storage, fed by the alert bus (every alert
 * notification goes to the store's hooks that want its type). Settings from the environment
 * (README "Configuration").
 */
import { ruleGone, type Alert, type AlertNotification, type AlertNotificationType, type AlertRule } from "@footfall/core";
import type { Services } from "../services.js";
import { WebhookDispatcher, type WebhookOptions, type WebhookMessage } from "./dispatcher.js";

/** FOOTFALL_WEBHOOK_* settings; a value that is not a positive integer is refused with what to write. */
export function webhookOptionsFromEnv(env: NodeJS.ProcessEnv): Partial<WebhookOptions> {
  const out: Partial<WebhookOptions> = {};
  const vars: [keyof WebhookOptions, string][] = [
    ["timeoutMs", "FOOTFALL_WEBHOOK_TIMEOUT_MS"],
    ["baseDelayMs", "FOOTFALL_WEBHOOK_RETRY_BASE_MS"],
    ["maxDelayMs", "FOOTFALL_WEBHOOK_RETRY_MAX_MS"],
    ["maxAttempts", "FOOTFALL_WEBHOOK_MAX_ATTEMPTS"],
    ["disableAfterMs", "FOOTFALL_WEBHOOK_DISABLE_AFTER_MS"],
    ["disableAfterFailures", "FOOTFALL_WEBHOOK_DISABLE_AFTER_FAILURES"],
  ];
  for (const [key, name] of vars) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Error(`${name} must be a whole number above 0 (got "${raw}")`);
    out[key] = Number(raw);
  }
  return out;
}

/** The notifications that change an alert's state (each marked queued, migration 22). */
const STATE_CHANGES = new Set<AlertNotificationType>(["alert.firing", "alert.acknowledged", "alert.resolved"]);

/** What a webhook receives for an alert notification. */
export function alertMessage(n: AlertNotification): WebhookMessage {
  return { deliveryId: n.deliveryId, type: n.type, store: n.alert.store, at: n.at, data: { alert: n.alert, rule: n.rule } };
}

/** Changes older than this that were never queued are not sent (marked, and logged): a day-old alert is news no more. */
export const RECONCILE_MAX_AGE_MS = 24 * 3_600_000;
/** How often the queue is reconciled with the stored alert changes while the server runs (beyond the start's). */
export const RECONCILE_EVERY_MS = 60_000;
/** ... for changes at least this old (a change being queued right now, here or on another server of a chain, is left to it). */
export const RECONCILE_GRACE_MS = 60_000;

/** The notifications of an alert's changes after `notified` (null: all of them, its firing first), the alert as it was at each. */
export function missedNotifications(alert: Alert, notified: Alert["state"] | null, rule: AlertRule): AlertNotification[] {
  const { acknowledgedBy, acknowledgedAt, resolvedAt, ...base } = alert;
  const out: AlertNotification[] = [];
  const add = (type: AlertNotificationType, at: number, a: Alert) => out.push({ deliveryId: `${alert.id}:${type.slice("alert.".length)}`, type, at, alert: a, rule });
  if (notified === null) add("alert.firing", alert.firedAt, { ...base, state: "firing" });
  if (acknowledgedAt !== undefined && (notified === null || notified === "firing"))
    add("alert.acknowledged", acknowledgedAt, { ...base, state: "acknowledged", acknowledgedAt, ...(acknowledgedBy !== undefined ? { acknowledgedBy } : {}) });
  if (alert.state === "resolved" && notified !== "resolved") add("alert.resolved", resolvedAt ?? alert.firedAt, alert);
  return out;
}

/**
 * Queue the webhook deliveries of alert changes stored but never queued (changed before `changedBefore`): a server
 * killed between storing a change and queuing it (SIGKILL, power), or a queueing that failed. Each alert keeps its last
 * change whose deliveries are queued (migration 22); a delivery is keyed by hook and delivery id (`<alert>:<change>`), so
 * a change queued twice (here and by its own server, or before a crash that came before the mark) goes out once.
 * Changes are queued in the order they happened, each to the hooks there were then; how many deliveries were queued.
 */
export async function reconcileAlertNotifications(services: Pick<Services, "storage" | "log" | "now">, dispatcher: Pick<WebhookDispatcher, "notify">, changedBefore: number): Promise<number> {
  const { alerts } = services.storage;
  const rules = new Map<string, AlertRule | undefined>();
  let queued = 0;
  let tooOld = 0;
  for (;;) {
    const rows = await alerts.unnotified(changedBefore, 500);
    const now = services.now();
    const missed: AlertNotification[] = [];
    for (const { alert, notified } of rows) {
      const key = `${alert.store}\n${alert.ruleId}`;
      if (!rules.has(key)) rules.set(key, await alerts.getRule(alert.store, alert.ruleId));
      // A rule deleted since: named as core's step names one it resolves for a rule it no longer has.
      const rule = rules.get(key) ?? ruleGone(alert);
      missed.push(...missedNotifications(alert, notified, rule));
    }
    missed.sort((a, b) => a.at - b.at);
    for (const n of missed) {
      if (now - n.at > RECONCILE_MAX_AGE_MS) tooOld++;
      else queued += (await dispatcher.notify(alertMessage(n), { createdBy: n.at })).length;
    }
    for (const { alert } of rows) await alerts.notifiedUpTo(alert.store, alert.id, alert.state);
    if (rows.length < 500) break;
  }
  if (queued > 0) services.log.warn({ deliveries: queued }, "webhooks: queued the deliveries of alert changes stored but not queued before (the server stopped in between)");
  if (tooOld > 0) services.log.warn({ changes: tooOld }, "webhooks: alert changes stored but never queued, older than 24 h, are not sent");
  return queued;
}

/** Start delivery: `services.webhooks` is set, alert notifications are queued; stop it before the storage closes. */
export function startWebhooks(services: Services, opts: { version: string; dispatchesHere?: (store: string) => boolean; env?: NodeJS.ProcessEnv }): WebhookDispatcher {
  const dispatcher = new WebhookDispatcher({
    storage: services.storage,
    log: services.log.child({ component: "webhooks" }),
    now: () => services.now(),
    options: webhookOptionsFromEnv(opts.env ?? process.env),
    userAgent: `Footfall-Webhooks/${opts.version}`,
    metrics: services.metrics,
    ...(opts.dispatchesHere ? { dispatchesHere: opts.dispatchesHere } : {}),
  });
  services.webhooks = dispatcher;
  const log = services.log.child({ component: "webhooks" });
  const reconcile = (changedBefore: number) =>
    reconcileAlertNotifications({ storage: services.storage, log, now: () => services.now() }, dispatcher, changedBefore).catch((err: Error) => {
      if (!services.storage.connectionLost?.(err)) log.error({ err: err.message }, "webhooks: could not look for alert changes not queued; looking again in a minute");
    });
  // First what a server killed before left stored and not queued: the notifications of this run queue after it (in order per hook).
  const started = reconcile(Number.MAX_SAFE_INTEGER);
  let reconciling: Promise<unknown> = started;
  const timer = setInterval(() => {
    reconciling = reconciling.then(() => reconcile(services.now() - RECONCILE_GRACE_MS));
  }, RECONCILE_EVERY_MS);
  timer.unref();
  // Notifications being queued: a stop waits for them, so that one published just before it is in the queue (sent after the restart).
  const queueing = new Set<Promise<void>>();
  const unsubscribe = services.alerts.subscribe((n) => {
    const queued = started
      .then(() => dispatcher.notify(alertMessage(n)))
      // A change of the alert's state is marked queued; a hold (alert.not-counted, alert.counted) is no state change.
      .then(() => (STATE_CHANGES.has(n.type) ? services.storage.alerts.notified(n.alert.store, n.alert.id, n.type.slice("alert.".length) as Alert["state"]) : false))
      .then(() => {});
    queueing.add(queued);
    void queued.catch(() => {}).finally(() => queueing.delete(queued));
    return queued;
  });
  dispatcher.start();
  const stop = dispatcher.stop.bind(dispatcher);
  dispatcher.stop = async () => {
    unsubscribe();
    clearInterval(timer);
    await Promise.allSettled([...queueing, reconciling]);
    await stop();
  };
  return dispatcher;
}
