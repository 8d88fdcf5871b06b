/**
 * The server's webhook delivery: a dispatcher over the storage, fed by the alert bus (every alert
 * notification goes to the store's hooks that want its type). Settings from the environment
 * (README "Configuration").
 */
import type { AlertNotification } from "@footfall/core";
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

/** What a webhook receives for an alert notification. */
export function alertMessage(n: AlertNotification): WebhookMessage {
  return { deliveryId: n.deliveryId, type: n.type, store: n.alert.store, at: n.at, data: { alert: n.alert, rule: n.rule } };
}

/** Start delivery: `services.webhooks` is set, alert notifications are queued; stop it before the storage closes. */
export function startWebhooks(services: Services, opts: { version: string; dispatchesHere?: (store: string) => boolean; env?: NodeJS.ProcessEnv }): WebhookDispatcher {
  const dispatcher = new WebhookDispatcher({
    storage: services.storage,
    log: services.log.child({ component: "webhooks" }),
    now: () => services.now(),
    options: webhookOptionsFromEnv(opts.env ?? process.env),
    userAgent: `Footfall-Webhooks/${opts.version}`,
    ...(opts.dispatchesHere ? { dispatchesHere: opts.dispatchesHere } : {}),
  });
  services.webhooks = dispatcher;
  // Notifications being queued: a stop waits for them, so that one published just before it is in the queue (sent after the restart).
  const queueing = new Set<Promise<void>>();
  const unsubscribe = services.alerts.subscribe((n) => {
    const queued = dispatcher.notify(alertMessage(n)).then(() => {});
    queueing.add(queued);
    void queued.catch(() => {}).finally(() => queueing.delete(queued));
    return queued;
  });
  dispatcher.start();
  const stop = dispatcher.stop.bind(dispatcher);
  dispatcher.stop = async () => {
    unsubscribe();
    await Promise.allSettled([...queueing]);
    await stop();
  };
  return dispatcher;
}
