/**
 * The services of a process that runs no server over a storage (the CLI's `footfall digest`, tests of the HTTP app alone):
 * the layouts and analytics read from it, its own metrics and alert bus; no broker, no webhook dispatcher, no hours keeper.
 */
import { AlertBus } from "./alerts/bus.js";
import { AnalyticsRegistry, type AnalyticsOptions } from "./analytics/registry.js";
import { LayoutCache } from "./ingest/layouts.js";
import type { Logger } from "./log.js";
import { createMetrics } from "./metrics.js";
import type { Services } from "./services.js";
import type { Storage } from "./storage/types.js";

/** `analytics`: the registry's options but its clock, which is `now` (default Date.now). */
export function servicesWithoutServer(storage: Storage, o: { log: Logger; now?: () => number; analytics: Omit<AnalyticsOptions, "now"> }): Services {
  const now = o.now ?? (() => Date.now());
  return {
    storage,
    layouts: new LayoutCache(storage),
    analytics: new AnalyticsRegistry(storage, { ...o.analytics, now }, o.log),
    metrics: createMetrics(),
    log: o.log,
    now,
    mqtt: null,
    alerts: new AlertBus(o.log),
    onLayoutSaved: async () => {},
  };
}
