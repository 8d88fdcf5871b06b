/**
 * Opening hours, alert rules and alerts of a store (server: server/src/alerts/routes.ts). Types
 * come from core's TypeBox schemas, the same the server answers with.
 */
import type { Alert, AlertRule, AlertRuleInput, HoursVersion, OpeningHours } from "@footfall/core";
import { jsonRequester, type Method } from "./client.js";

export type { Alert, AlertRule, AlertRuleInput, OpeningHours };
/** An alert as the server shows it: an active one on figures nobody counts now says since when (epoch ms). */
export type ShownAlert = Alert & { notCountedSince?: number };
/** What the live push sends as `alerts` (server/src/alerts/live.ts). */
export interface LiveAlerts {
  store: string;
  timezone: string;
  alerts: ShownAlert[];
  /** `rules`: each enabled occupancy rule's threshold by rule id (left out by servers before it). */
  thresholds: { store?: number; zones: Record<string, number>; rules?: Record<string, number> };
}
export interface DriftDay {
  date: string;
  drift: number;
  at: number;
}

export function alertsApi(token: string, base = "") {
  const send = jsonRequester(token, base);
  const call = <T>(method: Method, path: string, body?: unknown) => send<T>(method, path, { body });
  const s = (id: string) => `/stores/${encodeURIComponent(id)}`;
  return {
    /** The hours in force now, and those scheduled ahead (oldest first; left out by servers before migration 26 and when there are none). */
    hours: (store: string) => call<{ hours: OpeningHours | null; timezone: string; scheduled?: HoursVersion[] }>("GET", `${s(store)}/hours`),
    /** Every version of the hours, oldest first (the first in force since ever, each later one from `from`; `scheduled`: ahead, cancellable). */
    hoursHistory: (store: string) => call<{ versions: (HoursVersion & { scheduled?: boolean })[]; timezone: string }>("GET", `${s(store)}/hours/history`),
    /** Saves the hours (null: none) now, or from `validFrom` (a local date YYYY-MM-DD, its start in the store's zone; more than 5 minutes ahead, else a 400 in words). */
    saveHours: (store: string, hours: OpeningHours | null, validFrom?: string) =>
      call<{ hours: OpeningHours | null; validFrom?: number }>("PUT", `${s(store)}/hours`, validFrom === undefined ? { hours } : { hours, validFrom }),
    /**
     * Edits the hours scheduled from `replaces` (epoch ms, as `hours` lists them) in one step: these hours (null: none) from
     * `validFrom` (a local date YYYY-MM-DD, or epoch ms: its own instant kept), or now when left out; 409 once they are in
     * force, 404 when no longer scheduled (cancelled or edited meanwhile), both in words.
     */
    editScheduledHours: (store: string, replaces: number, hours: OpeningHours | null, validFrom?: string | number) =>
      call<{ hours: OpeningHours | null; validFrom?: number }>("PUT", `${s(store)}/hours?replaces=${replaces}`, validFrom === undefined ? { hours } : { hours, validFrom }),
    /** Cancels the hours scheduled from `from` (epoch ms, as `hours` lists them); 404 once they are in force. */
    cancelScheduledHours: (store: string, from: number) => call<null>("DELETE", `${s(store)}/hours/scheduled/${from}`),
    openIntervals: (store: string, from: number, to: number) => call<{ open: { from: number; to: number }[] | null }>("GET", `${s(store)}/hours/open?from=${from}&to=${to}`).then((r) => r.open),
    drift: (store: string) => call<{ days: DriftDay[] }>("GET", `${s(store)}/occupancy-drift`).then((r) => r.days),
    rules: (store: string) => call<{ rules: AlertRule[] }>("GET", `${s(store)}/alert-rules`).then((r) => r.rules),
    saveRule: (store: string, id: string | null, input: AlertRuleInput) =>
      id ? call<AlertRule>("PUT", `${s(store)}/alert-rules/${encodeURIComponent(id)}`, input) : call<AlertRule>("POST", `${s(store)}/alert-rules`, input),
    deleteRule: (store: string, id: string) => call<null>("DELETE", `${s(store)}/alert-rules/${encodeURIComponent(id)}`),
    /** The store's active alerts (firing or acknowledged, not resolved). */
    active: (store: string, signal?: AbortSignal) => send<{ alerts: ShownAlert[]; timezone: string }>("GET", `${s(store)}/alerts`, signal ? { signal } : {}),
    history: (store: string, from: number) => call<{ alerts: ShownAlert[]; timezone: string }>("GET", `${s(store)}/alerts?state=all&from=${from}`),
    acknowledge: (store: string, id: string, by?: string) => call<Alert>("POST", `${s(store)}/alerts/${encodeURIComponent(id)}/ack`, by ? { by } : {}),
  };
}
export type AlertsApi = ReturnType<typeof alertsApi>;
