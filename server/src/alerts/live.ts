import { Type, type Static } from "@sinclair/typebox";
import type { Services } from "../services.js";
import { ShownAlertSchema, withNotCounted } from "./not-counted.js";

/**
 * What the live tablet gets on Socket.IO as `alerts` (on join and whenever it changes): the store's
 * active alerts, its time zone (for "above the limit since HH:MM"), and the warning thresholds its enabled
 * occupancy rules set (share of capacity; the lowest per zone, and for the whole store), with each
 * such rule's own (`rules`, by id: the tablet tells an alert that says over capacity, 100 % or more,
 * from a "busy" one, whose `since` is not when the zone went over). An alert on figures nobody counts
 * now carries `notCountedSince`.
 */
export const LiveAlertsSchema = Type.Object({
  store: Type.String(),
  timezone: Type.String(),
  alerts: Type.Array(ShownAlertSchema),
  thresholds: Type.Object({
    store: Type.Optional(Type.Number()),
    zones: Type.Record(Type.String(), Type.Number()),
    rules: Type.Record(Type.String(), Type.Number()),
  }),
});
export type LiveAlerts = Static<typeof LiveAlertsSchema>;

export async function liveAlerts(services: Services, store: string): Promise<LiveAlerts> {
  const [alerts, rules] = await Promise.all([services.storage.alerts.active(store), services.storage.alerts.rules(store)]);
  const timezone = services.layouts.current(store, services.now())?.timezone ?? "UTC";
  const thresholds: LiveAlerts["thresholds"] = { zones: {}, rules: {} };
  for (const r of rules) {
    if (!r.enabled || r.kind !== "occupancy") continue;
    thresholds.rules[r.id] = r.threshold;
    if (r.zone === undefined) thresholds.store = Math.min(thresholds.store ?? Infinity, r.threshold);
    else thresholds.zones[r.zone] = Math.min(thresholds.zones[r.zone] ?? Infinity, r.threshold);
  }
  return { store, timezone, alerts: await withNotCounted(services, store, alerts), thresholds };
}
