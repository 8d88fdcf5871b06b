import type { Layout } from "@footfall/core";
import type { AnalyticsRegistry } from "./analytics/registry.js";
import type { CountingView } from "./analytics/counting-view.js";
import type { LayoutCache } from "./ingest/layouts.js";
import type { Logger } from "./log.js";
import type { Metrics } from "./metrics.js";
import type { MqttTransport } from "./mqtt/transport.js";
import type { Storage } from "./storage/types.js";
import type { AlertBus } from "./alerts/bus.js";
import type { HoursKeeper } from "./hours/keeper.js";
import type { AlertEvaluator } from "./alerts/evaluator.js";
import type { WebhookDispatcher } from "./webhooks/dispatcher.js";
import type { ForecastService } from "./routes/forecast.js";
import type { OverviewWarmer } from "./routes/overview-warm.js";

/** What routes and the live hub need: built once by `startServer` (or a test) and shared. */
export interface Services {
  storage: Storage;
  layouts: LayoutCache;
  analytics: AnalyticsRegistry;
  metrics: Metrics;
  /**
   * The front of a chain server split in two threads (./cluster/ingest-worker.ts): its ingest worker's
   * Prometheus text (names disjoint from the front's: ./metrics.ts), served after the front's in one scrape.
   */
  ingestMetrics?(): Promise<string>;
  /** The same front: the rejects by reason its worker counted of each agent of `store` (the Agents view's `rejectReasons`). */
  ingestRejects?(store: string): Promise<Record<string, Record<string, number>>>;
  log: Logger;
  now(): number;
  /** The broker link; null while none is set up (tests of the HTTP API alone). */
  mqtt: MqttTransport | null;
  /**
   * Whether the server's MQTT ingest is connected, when that is more than `mqtt.connected()`: the front of a
   * split chain server (./cluster/ingest-worker.ts) also asks its worker's shard sessions. Read by mqttConnected.
   */
  mqttConnected?(): boolean;
  /** Webhook delivery, once the server runs it (send test, kick after enabling a hook). */
  webhooks?: WebhookDispatcher | null;
  /** Alert notifications (firing, acknowledged, resolved): subscribe to deliver them (server/src/alerts/bus.ts). */
  alerts: AlertBus;
  /** Opening hours at work: the door count's reset at closing and its drift (server/src/hours/keeper.ts). */
  hours?: HoursKeeper;
  /** The alert rules' evaluator, once the server runs it (acknowledgements go through it). */
  alertEvaluator?: AlertEvaluator | null;
  /** The forecasts (set by the forecast routes when the app is built): forecast-arrivals and forecast-occupancy alert rules read them from it. */
  forecast?: ForecastService | null;
  /** The chain overview's standard periods read ahead (set by the overview routes when the app is built; ./routes/overview-warm.ts). */
  overview?: OverviewWarmer | null;
  /**
   * The retention horizons (absent: everything is kept): of raw events (FOOTFALL_RETENTION_DAYS), and
   * of the hour and day rollups every figure is read from (FOOTFALL_AGGREGATE_RETENTION_DAYS, 0: for
   * ever; `rollupsSince` null then), whose horizon the chain overview says "no data" before.
   */
  retention?: { rawDays: number; rawSince(): number; aggregateDays?: number; rollupsSince?(): number | null };
  /** Days after which a device's accuracy audit is due again (FOOTFALL_AUDIT_DUE_DAYS; default 90). */
  auditDueDays?: number;
  /** An agent's clock offset past this is flagged (FOOTFALL_CLOCK_WARN_MS; default core's DEFAULT_CLOCK_WARN_MS). */
  clockWarnMs?: number;
  /** Which zones nobody counts now, from one short-lived view of each store's agents (./analytics/counting-view.ts); absent: read from storage at each ask. */
  counting?: CountingView;
  /** Called after a layout is saved (and the layout cache reloaded): republish it and refresh live figures. */
  onLayoutSaved(layout: Layout): Promise<void>;
}

/** Whether the server's MQTT ingest is connected (/api/v1/health, footfall_mqtt_connected). */
export function mqttConnected(services: Pick<Services, "mqtt" | "mqttConnected">): boolean {
  return services.mqttConnected ? services.mqttConnected() : (services.mqtt?.connected() ?? false);
}
