import { fileURLToPath } from "node:url";
import { COUNTING_SINCE_METRIC, countingSinceOf, decodeClockSamples, DEFAULT_CLOCK_WARN_MS, spanEnd, topics, type AgentStatus, type FootfallEvent } from "@footfall/core";
import { notHeardGapStart } from "./analytics/offline-spans.js";
import { Retention } from "./aggregates/retention.js";
import { claimDataDir } from "./backup.js";
import { publicUrl } from "./digests/links.js";
import { noteServerAddress } from "./digests/addresses.js";
import { logMigration, prepareDataDir } from "./db/database.js";
import { AnalyticsRegistry } from "./analytics/registry.js";
import { buildApp, type FootfallApp } from "./app.js";
import { ignoredSettings, type ServerConfig } from "./config.js";
import { LayoutCache } from "./ingest/layouts.js";
import { IngestPipeline, type Ingest, type IngestOptions } from "./ingest/pipeline.js";
import { ShardedIngest } from "./cluster/sharded-ingest.js";
import { shardOf } from "./cluster/shards.js";
import { LiveHub } from "./live/hub.js";
import { AlertBus } from "./alerts/bus.js";
import { AlertEvaluator } from "./alerts/evaluator.js";
import { HoursKeeper } from "./hours/keeper.js";
import { startWebhooks } from "./webhooks/wire.js";
import { LayoutSchedule, sendInForce as sendLayoutInForce } from "./mqtt/layout-schedule.js";
import { MqttStatePublisher } from "./mqtt/state-publisher.js";
import { queueFiguresForAlerts } from "./analytics/queues.js";
import { createLogger, redactUrl, type Logger } from "./log.js";
import { statusFold } from "./status-fold.js";
import { createMetrics } from "./metrics.js";
import { MqttAuthenticator } from "./auth/mqtt-auth.js";
import { startEmbeddedBroker } from "./mqtt/embedded-broker.js";
import { startMetricsListener, type MetricsListener } from "./metrics-listener.js";
import { connectExternalBroker } from "./mqtt/external-client.js";
import type { MqttTransport, TransportHandlers } from "./mqtt/transport.js";
import type { Services } from "./services.js";
import { CountingView } from "./analytics/counting-view.js";
import { openStorage } from "./storage.js";
import { LatencyProbe } from "./cluster/latency.js";
import { agentLookup } from "./ingest/agent-lookup.js";
import { statusToStore } from "./agent-status.js";
import type { ClusterNode } from "./cluster/node.js";
import type { PgStorage } from "./storage-pg/adapter.js";
import { lateBy, STOP_WAIT_MS } from "./storage-pg/stop-within.js";

export { VERSION } from "./version.js";
import { VERSION } from "./version.js";
const DEFAULT_UI_DIR = fileURLToPath(new URL("../../floorplan-ui/dist", import.meta.url));

export interface RunningServer {
  app: FootfallApp;
  services: Services;
  ingest: Ingest;
  httpUrl: string;
  /** The Prometheus listener's URL (`.../metrics`), or null without one. */
  metricsUrl: string | null;
  /** Port of the embedded broker, or null with an external one. */
  mqttPort: number | null;
  /** This server in a chain (PostgreSQL and an external broker), or null alone. */
  cluster: ClusterNode | null;
  /** Stops the server; `signal`: the signal that asked for it (SIGTERM, SIGINT), named in the "footfall server stopped" line. */
  close(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  now?: () => number;
  uiDir?: string | null;
}

/**
 * One half of a chain server split in two threads (FOOTFALL_CHAIN_INGEST=worker; ./cluster/ingest-worker.ts).
 * `front` (the main thread): HTTP and live push, no shard lease; the live tap's pending events of the stores its
 * clients follow come from the worker. `ingest` (the worker): the leases, the shard sessions, the sharded ingest and
 * what runs for the stores it ingests (alerts, webhooks, retained MQTT state, hours, retention); no HTTP.
 */
export type ServerHalf =
  | {
      role: "front";
      serverId: string;
      pending(store: string): readonly FootfallEvent[];
      /** The worker's Prometheus text (its ingest, receipts and commits, its thread's event loop), served with the front's. */
      ingestMetrics(): Promise<string>;
      /** The rejects by reason the worker counted of each agent of `store`. */
      ingestRejects(store: string): Promise<Record<string, Record<string, number>>>;
    }
  | {
      role: "ingest";
      serverId: string;
      /** The front's URL (what `cluster status` shows), and its latest latency window. */
      info(): Record<string, unknown>;
      /** Whether a live client of the front follows `store`. */
      watched(store: string): boolean;
      /** The live tap's pending events of these stores changed (received, or settled by a commit). */
      tapChanged(stores: string[], pending: (store: string) => readonly FootfallEvent[]): void;
    };

/** Start everything `footfall serve` runs: storage, broker (embedded or external), ingest, HTTP, live push. */
export async function startServer(config: ServerConfig, opts: StartOptions = {}): Promise<RunningServer> {
  const log = opts.log ?? createLogger();
  const ignored = ignoredSettings(process.env, config);
  if (ignored) log.warn({ variables: ignored.variables }, ignored.message);
  // A chain's server runs its ingest in a worker thread (FOOTFALL_CHAIN_INGEST=worker, the default of `footfall serve`).
  if (config.databaseUrl && config.mqttUrl && config.chainIngest === "worker") {
    const { startSplitServer } = await import("./cluster/ingest-worker.js");
    return withStoppedLine(await startSplitServer(config, { ...opts, log }), log, false);
  }
  const { live: _live, ...s } = await startHalf(config, { ...opts, log }, null);
  return withStoppedLine({ ...s, app: s.app! }, log, true);
}

/** The events the server accepted since it started (every store's). */
const acceptedSoFar = async (server: RunningServer): Promise<number> =>
  (await server.services.metrics.eventsAccepted.get()).values.reduce((sum, v) => sum + v.value, 0);

/**
 * `server` whose close ends with one JSON line, "footfall server stopped": the signal that stopped it (SIGTERM, SIGINT;
 * none when a program closed it), how long the stop took and, on a whole
 * server (`own`: its ingest is this thread's), what it finished before it stopped: the MQTT messages queued for a
 * commit when the stop began, the events committed meanwhile and the webhook attempts it waited for. A split chain
 * server's worker hands its shards over and commits what it holds before the front stops (its log says so).
 */
function withStoppedLine(server: RunningServer, log: Logger, own: boolean): RunningServer {
  let closing: Promise<void> | null = null;
  const close = server.close;
  return {
    ...server,
    close: (signal?: NodeJS.Signals) =>
      (closing ??= (async () => {
        const started = performance.now();
        const queued = own ? server.ingest.backlog().messages : 0;
        const accepted = own ? await acceptedSoFar(server) : 0;
        const webhookAttempts = server.services.webhooks?.inFlight() ?? 0;
        await close();
        const flushed = own ? { messages: queued, events: (await acceptedSoFar(server)) - accepted, webhookAttempts } : undefined;
        log.info(
          { ...(signal ? { signal } : {}), stoppedInMs: Math.round(performance.now() - started), ...(flushed ? { flushed } : {}), ...(server.cluster ? { serverId: server.cluster.serverId } : {}) },
          "footfall server stopped",
        );
      })()),
  };
}

/** What the split's bridge needs of a half besides RunningServer's (./cluster/ingest-worker.ts). */
export interface HalfLive {
  /** The stores a live client of this server follows (of the stores the chain knows). */
  watched(): string[];
  /** These stores' live figures may have changed. */
  touch(stores: Iterable<string>): void;
  /** The HTTP latency window since the last call (event loop, pools, requests), or null outside a chain. */
  latency(): unknown;
  /** The ingest's state (worker): its MQTT sessions connected, its group commits failing since when; the front's /health says it. */
  ingestState(): IngestState;
  /** The front: the worker's ingest state, for /health. */
  setIngestState(state: IngestState): void;
}

export interface IngestState {
  mqtt: boolean;
  commitProblem: { error: string; since: number } | null;
}

/** startServer's body: the whole server (`half` null), or one half of a split chain server. */
export async function startHalf(
  config: ServerConfig,
  opts: StartOptions,
  half: ServerHalf | null,
): Promise<Omit<RunningServer, "app"> & { app: FootfallApp | null; live: HalfLive }> {
  const log = opts.log ?? createLogger();
  const now = opts.now ?? Date.now;
  const front = half?.role === "front";
  const ingestHalf = half?.role === "ingest" ? half : null;
  // SQLite: the data folder holds the database. Claimed before the database is opened: a second server on the folder (or
  // one started during `footfall restore`, which holds the folder too) goes no further, not even through the migrations.
  let releaseDataDir = () => {};
  if (!config.databaseUrl) {
    prepareDataDir(config.dataDir);
    releaseDataDir = claimDataDir(config.dataDir, publicUrl());
  }
  // Set once the metrics exist: PostgreSQL answering again mends a commit failure that was its not answering.
  let databaseBack = () => {};
  const storage = await openStorage(config.dataDir, {
    databaseUrl: config.databaseUrl ?? null,
    maxEventAgeMs: config.maxAgeMs,
    ...(config.pgHttpPool !== undefined ? { interactivePoolMax: config.pgHttpPool } : {}),
    // The thread that commits what is ingested (a whole server, or a chain server's ingest half) yields the database's CPU to queries, when FOOTFALL_PG_INGEST_NICE asks.
    ...(!front && config.pgIngestNice ? { ingestNice: config.pgIngestNice } : {}),
    onError: (err) => log.error({ err: err.message }, "PostgreSQL: an idle connection or the partition upkeep failed"),
    // A restart of PostgreSQL: one line when it stops answering (not one per pooled connection, request or commit), one when it is back.
    onLink: (e) => {
      if (e.state === "lost") return log.error({ err: e.error }, e.message);
      log.info({ downS: e.downS, errors: e.errors }, e.message);
      databaseBack();
    },
    onWarn: (message) => log.warn(message),
    onMigration: (e) => logMigration(log, e),
  }).catch((err: unknown) => {
    releaseDataDir();
    throw err;
  });
  const pg = storage.kind === "postgres" ? (storage as PgStorage) : null;
  // Which zones nobody counts now, from one short-lived view of each store's agents: dropped by this process's writes of them (watch), its commits, and other servers' notices.
  const counting = new CountingView(storage);
  counting.watch(storage.agents);
  // Several servers on one database share the stores when they also share a broker (a chain).
  const chain = pg !== null && config.mqttUrl !== null;
  let cluster: ClusterNode | null = null;
  const metrics = createMetrics(half?.role ?? "whole");
  if (pg) metrics.database.link = pg.link;
  // The commits that failed while PostgreSQL was down are the broker's to deliver again: /api/v1/health is ok once it answers, not only at the next event (a closed store sends none all night).
  databaseBack = () => {
    if (metrics.commitProblem?.connectionLost) metrics.noteCommit();
  };
  const layouts = new LayoutCache(storage);
  const retention = new Retention(storage, {
    rawDays: config.retentionDays ?? 90,
    aggregateDays: config.aggregateRetentionDays ?? 0,
    auditDays: config.auditLogDays ?? 400,
    now,
    log,
    ...(pg ? { byPartitions: pg } : {}),
  });
  // Opening hours: the door count resets at closing (and its drift is recorded) where a store has them.
  const hoursKeeper = new HoursKeeper({ storage, log, now, recordsHere: (store) => (cluster ? cluster.ingests(store) : true) });
  const analytics = new AnalyticsRegistry(
    storage,
    {
      visitTimeoutMs: config.visitTimeoutMs,
      now,
      rawSince: () => retention.rawSince(),
      doorCountSince: (store: string, at: number, tz: string, midnight: number) => hoursKeeper.doorCountSince(store, at, tz, midnight),
      // A chain's server holds hundreds of stores: one budget of cached visitors for them all (a miss reads the visitor's events).
      ...(chain ? { ingestsHere: (store: string) => cluster?.ingests(store) ?? false, maxCachedVisitorsTotal: 20_000 } : {}),
    },
    log,
  );
  let hub: LiveHub | null = null;
  let mqttState: MqttStatePublisher | null = null;
  /**
   * The layout each store's agents zone their events by: the version in force now (not one saved for later), sent
   * again when a version saved for later takes effect. Of the stores this server publishes: all on one server, the
   * worker's of a split, a chain's server those of the shards it holds.
   */
  const layoutSchedule = new LayoutSchedule({
    layouts,
    now,
    log,
    // (chain) The shard sessions' broker: shards are taken (and their layouts sent) while the server joins, before services.mqtt is set.
    publish: async (layout) => {
      // The store's name is its version in force's: one saved for later renames it when it takes effect (or at the start or
      // takeover after its time passed while no server ran it); its save did not.
      await storage.stores.nameInForce(layout.store, now()).catch((err: Error) => log.warn({ store: layout.store, err: err.message }, "could not give the store the name of its layout in force"));
      await (cluster ? cluster.broker : services.mqtt)?.publishLayout(layout);
    },
    tookEffect: (layout) => {
      hub?.touch([layout.store]);
      cluster?.changed([layout.store]);
      // Home Assistant's discovery names the zones of the layout in force.
      void mqttState?.layoutSaved(layout).catch((err: Error) => log.warn({ err: err.message }, "could not publish the layout's Home Assistant discovery"));
    },
    // A chain's server may miss another's notice of a save: it looks again each minute at the layouts it holds.
    ...(chain ? { recheckMs: 60_000 } : {}),
  });
  const services: Services = {
    storage,
    layouts,
    analytics,
    metrics,
    ...(half?.role === "front" ? { ingestMetrics: half.ingestMetrics, ingestRejects: half.ingestRejects } : {}),
    log,
    now,
    mqtt: null,
    counting,
    auditDueDays: config.auditDueDays ?? 90,
    clockWarnMs: config.clockWarnMs ?? DEFAULT_CLOCK_WARN_MS,
    alerts: new AlertBus(log),
    hours: hoursKeeper,
    retention: {
      rawDays: config.retentionDays ?? 90,
      rawSince: () => retention.rawSince(),
      aggregateDays: config.aggregateRetentionDays ?? 0,
      rollupsSince: () => retention.rollupsSince(),
    },
    onLayoutSaved: async (layout) => {
      hub?.touch([layout.store]);
      await mqttState?.layoutSaved(layout).catch((err: Error) => log.warn({ err: err.message }, "could not publish the layout's Home Assistant discovery"));
      await cluster?.layoutSaved(layout);
      // The agents get the version in force now, not the one saved when it is for later (the schedule sends that at its validFrom).
      // A chain's server that does not hold the store's shard sends it too (its holder follows the schedule: onRemoteLayout).
      const published = cluster ? cluster.ingests(layout.store) : !front;
      const sent = published ? layoutSchedule.publish(layout.store) : sendInForce(layout.store);
      await sent.catch((err: Error) => log.error({ err: err.message }, "could not publish the layout"));
    },
  };
  // Looks again once the broker has it: a version that took effect meanwhile (its holder sent it then) is sent after.
  const sendInForce = (store: string): Promise<void> =>
    sendLayoutInForce(store, { layouts, now, publish: async (layout) => await services.mqtt?.publishLayout(layout) });
  const ingestOptions: IngestOptions = {
    storage,
    layouts,
    analytics,
    metrics,
    log,
    now,
    maxAgeMs: config.maxAgeMs,
    onCommitted: (stores) => {
      counting.committed(stores);
      mqttState?.touch(stores);
      hub?.touch(stores);
      services.alertEvaluator?.touch(stores);
      cluster?.changed(stores);
    },
    ...(chain ? { fence: (tx, stores) => (cluster ? cluster.fence(tx, stores) : Promise.resolve(new Set(stores))) } : {}),
    // After each commit: tell each agent which of its events are settled (DESIGN v1.1 receipts).
    onSettled: (store, agent, settled, rejected) => {
      cluster?.settled(store, settled);
      if (ingestHalf && cluster?.tap.tapped(store)) ingestHalf.tapChanged([store], (s) => cluster!.pending(s));
      services.mqtt?.publishReceipt(store, agent, { settled, rejected });
      metrics.receiptsSettled.inc(settled.length);
    },
  };
  // A chain's server commits each shard's stores in a pipeline of its own: the shards' commits run side by side.
  const ingest: Ingest = chain ? new ShardedIngest(ingestOptions, (store) => shardOf(store, config.shards ?? 64)) : new IngestPipeline(ingestOptions);
  // Agents known to exist (an agent is never deleted): a message of a known agent needs no look-up.
  const agentsKnown = agentLookup((store, agent) => storage.agents.get(store, agent));
  /** Each agent's state as last logged (store/agent -> online, offline). */
  const loggedStates = new Map<string, string>();
  /** Simulated agents' changes (the chain demo's 50 at once) in one line per state; a real agent's stay its own. */
  const simStatus = statusFold(log);
  /**
   * Each agent's offline spans (the forecast's ended outages): written when its state changes, or at
   * the first status this process stores for it (a restart, a chain shard taken over: another server
   * wrote meanwhile), by store then agent; repeats write nothing.
   */
  const spanStates = new Map<string, Map<string, string>>();
  const recordSpan = async (store: string, agent: string, state: AgentStatus["state"], at: number, countingSince: number | null = null): Promise<void> => {
    if (spanStates.get(store)?.get(agent) === state) return;
    if (state === "offline") await storage.offlineSpans.wentOffline(store, agent, at);
    // The span is the time it did not count: it ends where the agent's counting began (never before the span began: cameOnline).
    else await storage.offlineSpans.cameOnline(store, agent, spanEnd(Number.NEGATIVE_INFINITY, at, countingSince));
    let own = spanStates.get(store);
    if (!own) spanStates.set(store, (own = new Map()));
    own.set(agent, state);
  };
  /** An online status's `countingSince` (core countingSinceOf): the instant, or null (not said); a forged or impossible one is a counted reject, the status kept without it. */
  const countedSince = (store: string, agent: string, status: AgentStatus): number | null => {
    if (status.state !== "online") return null;
    const since = countingSinceOf(status.ts, status[COUNTING_SINCE_METRIC]);
    if (since.ok) return since.at;
    ingest.reject(store, agent, "schema", `status's ${since.error}`);
    return null;
  };
  const handlers: TransportHandlers = {
    events: (msg) => ingest.submit(msg),
    status: async (store, agent, status, live) => {
      if (!status.ok) return ingest.reject(store, agent, status.reason ?? "schema", `status dropped: ${status.error}`);
      try {
        // A clock sample from a live online status only: a retained copy replayed, or a will (stamped when the agent connected), is old.
        const receivedAt = live && status.value.state === "online" ? now() : undefined;
        // An offline status is stored with the time the server learnt it (a will is stamped at the agent's connection); a replayed copy only when it says more.
        const stored = status.value.state === "offline" && !live ? ((await storage.agents.list(store)).find((a) => a.agent === agent) ?? null) : null;
        // The first live online status this process hears of an agent (a restart, a shard taken over): what was had from it before, read before it is stored.
        const before =
          receivedAt !== undefined && spanStates.get(store)?.get(agent) === undefined
            ? ((await storage.agents.list(store)).find((a) => a.agent === agent) ?? null)
            : null;
        const value = statusToStore(status.value, live === true, now(), stored);
        if (value) await storage.agents.recordStatus(store, agent, value, receivedAt);
        // A will replayed at subscribe is stamped at the agent's connection: it was heard since, at its last stored status.
        // (countingSince) An agent back online that counted on while off the broker ends its offline span where its counting began.
        // Live, both on the server's clock (the span began on it): the status's arrival, less how long the agent says it has
        // counted (its ts less countingSince, its own clock's difference), not the agent's stamps, minutes off on a box whose
        // clock is. A retained copy replayed keeps its stamps (no arrival to go by).
        if (value) {
          const since = countedSince(store, agent, status.value);
          // (countingSince) Off while the server was down too (no will heard, no span open): a span from the last it had from
          // the agent to where its counting began, once (storage notHeardGap), both on the server's clock as above.
          if (before && since !== null && receivedAt !== undefined) {
            const shift = receivedAt - status.value.ts;
            const from = notHeardGapStart(
              {
                heardAt: decodeClockSamples(before.clockSamples).map((c) => c.at),
                lastReceivedAt: before.lastReceivedAt,
                lastEventAt: before.lastEventTs === null ? null : before.lastEventTs + shift,
              },
              since + shift,
            );
            if (from !== null) await storage.offlineSpans.notHeardGap(store, agent, from, since + shift);
          }
          if (receivedAt !== undefined) await recordSpan(store, agent, value.state, receivedAt, since === null ? null : receivedAt - (status.value.ts - since));
          else await recordSpan(store, agent, value.state, Math.max(value.ts, stored?.state === "online" ? (stored.statusTs ?? 0) : 0), since);
        }
      } catch (err) {
        return ingest.reject(store, agent, "internal_error", `status dropped: ${(err as Error).message}`);
      }
      // Agents send their status every 30 s: the log says when one's state changes (or this server first hears it), repeats at debug.
      const key = `${store}/${agent}`;
      const changed = loggedStates.get(key) !== status.value.state;
      loggedStates.set(key, status.value.state);
      if (changed && status.value.kind === "sim") simStatus.add(store, agent, status.value.state);
      else if (changed) log.info({ store, agent, state: status.value.state }, "agent status");
      else log.debug({ store, agent, state: status.value.state }, "agent status");
      // An agent gone offline (or back) may leave a zone nobody counts (or count it again): its MQTT states say so at once.
      if (changed) mqttState?.touch([store]);
      // (chain) The other servers' views of the store's agents (live pushes, GET .../occupancy) drop theirs at once, not a second on.
      if (changed) cluster?.changed([store]);
    },
    audit: async (store, agent, audit) => {
      if (!audit.ok) return ingest.reject(store, agent, audit.reason ?? "schema", `audit dropped: ${audit.error}`);
      try {
        const added = await storage.accuracyAudits.add(store, agent, audit.value, now());
        log.info({ store, agent, audit: audit.value.id, method: audit.value.method, added }, added ? "accuracy audit stored" : "accuracy audit already stored (a copy)");
      } catch (err) {
        return ingest.reject(store, agent, "internal_error", `audit dropped: ${(err as Error).message}`);
      }
    },
    reject: (store, agent, reason, detail) => ingest.reject(store, agent, reason, detail),
    isKnownAgent: agentsKnown.isKnown,
  };

  let listening: string | null = null;
  const httpUrlOf = () => listening;

  // A data directory from before aggregates lived in storage builds them once; otherwise this reads nothing.
  // Stores open lazily, at their first message or query: the server listens first.
  const built = await storage.buildPendingAggregates({
    visitTimeoutMs: config.visitTimeoutMs,
    progress: (store, events, total) => log.info({ store, events, total }, `building the aggregates of store ${store} from its stored events (a one-time upgrade)`),
  });
  if (built > 0) log.info({ stores: built }, "aggregates built; later starts read nothing they do not need");
  // Migration 12's store rollups (the chain overview's) of a database from before it, summed once from the zone rollups:
  // PostgreSQL before ingesting (other servers of the chain wait on the build's lock); SQLite in the background once listening.
  let lastRollupLog = 0;
  const storeRollupProgress = (done: number, total: number) => {
    if (done < total && Date.now() - lastRollupLog < 5_000) return;
    lastRollupLog = Date.now();
    log.info({ stores: done, total }, `summing the store rollups of stores from their zone rollups (migration 12, a one-time upgrade): ${done} of ${total} stores`);
  };
  if (pg) await storage.buildStoreRollups(storeRollupProgress);

  let transport: MqttTransport;
  let mqttPort: number | null = null;
  // Where a chain server's request time goes (event-loop delay, pool queues, requests' own time): `cluster status` shows it.
  let latency: LatencyProbe | null = null;
  /**
   * (chain) The current layouts of stores whose shard this server holds, retained for their agents: at each shard taken
   * (every server used to publish every store's at its start) and after the broker lost its retained messages.
   */
  const publishLayoutsHeld = async (stores: readonly string[]): Promise<void> => {
    await layouts.loadMany(stores).catch(() => {});
    for (const store of stores) {
      if (!cluster?.ingests(store)) continue;
      try {
        await layoutSchedule.publish(store);
      } catch (err) {
        log.warn({ store, err: (err as Error).message }, "could not publish the layout of a store this server ingests; its agents get it at its next save");
      }
    }
  };
  if (chain) {
    const { ClusterNode } = await import("./cluster/node.js");
    latency = new LatencyProbe(() => pg!.poolStats());
    cluster = await ClusterNode.start({
      storage: pg!,
      databaseUrl: config.databaseUrl!,
      mqtt: { url: config.mqttUrl!, username: config.mqttUsername, password: config.mqttPassword },
      handlers,
      analytics,
      layouts,
      log,
      ...(half ? { serverId: half.serverId } : config.serverId ? { serverId: config.serverId } : {}),
      ...(config.shards ? { shards: config.shards } : {}),
      ...(front ? { ingest: false } : {}),
      // The worker's loop delay as `ingestLatency`; `latency` (HTTP's) is the front's.
      info: ingestHalf
        ? () => ({ ...ingestHalf.info(), ingest: ingest.backlog(), ...(latency ? { ingestLatency: latency.take() } : {}) })
        : () => ({ http: httpUrlOf(), ingest: ingest.backlog(), ...(latency ? { latency: latency.take() } : {}) }),
      onRemoteLive: (stores) => {
        // Another server changed the stores (a commit, an agent's state): what this one knows of their agents is read again.
        counting.changed(stores);
        hub?.touch(stores);
        // An alert of a store ingested here acknowledged on another server: its retained state follows.
        mqttState?.remoteChanged(stores);
      },
      // Another server changed these stores' alerts: read at this server's next push (100 ms), once for all its followers.
      onRemoteAlerts: (stores) => {
        counting.changed(stores);
        hub?.touch(stores, true);
      },
      // The LISTEN connection is back after a gap (PostgreSQL restarted): the alert notices sent meanwhile were lost, so the
      // stores' followers get their alerts read again now (not at a change that may not come before the morning).
      onResync: (stores) => {
        counting.changed(stores);
        hub?.touch(stores, true);
      },
      onRemoteLayout: (store) => {
        hub?.touch([store]);
        // Saved on another server (which sent the agents the version in force): the holder sends the next one at its time.
        if (cluster?.ingests(store)) void layoutSchedule.follow(store).catch(() => {});
        // The store's Home Assistant discovery follows its zones (published here when this server holds its shard).
        const layout = layouts.current(store, now());
        if (layout) void mqttState?.layoutSaved(layout).catch((err: Error) => log.warn({ err: err.message }, "could not publish the layout's Home Assistant discovery"));
      },
      // Retained MQTT topics and Home Assistant discovery: published by the server that holds the store's shard.
      onStoresTaken: (stores) => {
        mqttState?.storesTaken(stores);
        for (const store of stores) spanStates.delete(store); // their agents' offline spans were another server's to write meanwhile
        // Their agents' retained layouts: the holder's to publish (the broker may have lost them while nobody held the shard).
        void publishLayoutsHeld(stores);
        // Their first commits get an ingest connection before the commits of this server's own backlog.
        ingest.prioritize?.(stores);
        // Their agents in one read, before their messages come: each would otherwise be looked up by itself.
        void storage.agents.ofStores(stores).then(
          (agents) => agentsKnown.learn(agents),
          (err: Error) => log.warn({ err: err.message, stores: stores.length }, "could not read the agents of stores taken over; each is looked up at its first message"),
        );
      },
      onStoresGiven: (stores) => {
        mqttState?.storesGiven(stores);
        layoutSchedule.forget(stores);
      },
      // The broker lost its retained messages (restarted without persistence?): the holder of these stores' shards sends them again.
      onRetainedLost: (stores) => {
        mqttState?.storesTaken(stores);
        void publishLayoutsHeld(stores);
      },
      // The live tap: the newest messages of shards taken over, for the live clients of this server, while their backlog is ingested.
      visitTimeoutMs: config.visitTimeoutMs,
      now,
      onTapEvents: ingestHalf ? (stores) => ingestHalf.tapChanged(stores, (s) => cluster!.pending(s)) : (stores) => hub?.touch(stores),
      watched: ingestHalf ? (store) => ingestHalf.watched(store) : (store) => hub?.watching(store) ?? false,
    });
    transport = cluster.broker;
    await cluster.join();
  } else if (config.mqttUrl) {
    transport = await connectExternalBroker({ url: config.mqttUrl, username: config.mqttUsername, password: config.mqttPassword, log, handlers });
  } else {
    const auth = new MqttAuthenticator(storage.agents, { log });
    const broker = await startEmbeddedBroker({ port: config.mqttPort, host: config.mqttHost, log, handlers, login: (u, p, id) => auth.login(u, p, id), loginsInForce: () => storage.agents.passwordEntries(), onRefused: (reason) => metrics.mqttLoginsRefused.inc({ reason }) });
    mqttPort = broker.port;
    transport = broker;
  }
  services.mqtt = transport;
  metrics.mqttConnected.set(1);
  // A front's /health (and footfall_mqtt_connected) answers for its process: the worker's shard sessions and commits too (setIngestState).
  let ingestState: IngestState = { mqtt: true, commitProblem: null };
  if (front) services.mqttConnected = () => transport.connected() && ingestState.mqtt;

  // The app closes the storage when it closes (after the broker, ingest, retention and live push, below). An ingest worker has none.
  const app = ingestHalf ? null : await buildApp({ services, uiDir: opts.uiDir === undefined ? DEFAULT_UI_DIR : opts.uiDir, version: VERSION, closeStorage: true });
  if (app)
    hub = new LiveHub(app.server, services, 100, half?.role === "front" ? (store) => half.pending(store) : cluster ? (store) => cluster!.pending(store) : undefined, {
      // Test only: the alerts-only read's round made long, so a test tells a pushed alert notice from that round.
      ...(process.env.FOOTFALL_TEST_ALERTS_ONLY_READ_MS ? { alertsOnlyReadMs: Number(process.env.FOOTFALL_TEST_ALERTS_ONLY_READ_MS) } : {}),
    });
  // Alert rules: evaluated by the server that ingests the store (alone: this one), pushed to tablets here and, through the chain's notices, on every server.
  const evaluator = new AlertEvaluator(services, {
    ...(cluster ? { evaluatesHere: (store: string) => cluster!.ingests(store) } : {}),
    // Queue rules (length, wait) read the live queue figures (server/src/analytics/queues.ts).
    queues: queueFiguresForAlerts(services),
    onChanged: (store) => {
      hub?.touch([store], true);
      cluster?.changed([store]);
      // The other servers' headers (alerts-only links) get it at once, not at their once-a-second read.
      cluster?.alertsChanged([store]);
    },
  });
  services.alertEvaluator = evaluator;
  // Webhooks: alert notifications queued per hook and sent in order (a chain's server sends its own stores' hooks).
  const webhooks = startWebhooks(services, { version: VERSION, ...(cluster ? { dispatchesHere: (store: string) => cluster!.ingests(store) } : {}) });
  let httpUrl = "";
  if (app) {
    await app.listen({ port: config.httpPort, host: config.httpHost });
    const address = app.server.address();
    const port = typeof address === "object" && address ? address.port : config.httpPort;
    httpUrl = `http://localhost:${port}`;
    listening = httpUrl;
  }
  // Split: the front serves the Prometheus port, its metrics and the worker's (services.ingestMetrics) in one scrape.
  const metricsListener: MetricsListener | null = config.metrics && !ingestHalf ? await startMetricsListener(services, { ...config.metrics, log }) : null;
  for (const s of await storage.stores.list()) {
    // Split: the worker publishes the retained layouts (once, not twice). A chain's server publishes those of the shards it
    // takes (publishLayoutsHeld): one publisher per store.
    if (!front && !cluster) await layoutSchedule.publish(s.id);
    else await layouts.load(s.id);
  }
  // Split: retention runs in the worker.
  if (!front) retention.start();
  if (!pg)
    void storage.buildStoreRollups(storeRollupProgress).catch((err: Error) => {
      if (!closing) log.warn({ err: err.message }, "summing the store rollups stopped; the overview reads those stores' zone rows, and the next start goes on");
    });
  // Retained occupancy, queue and alert topics and Home Assistant discovery (in a chain: of the stores this server ingests,
  // whose availability is their shard session's).
  if (transport.publishRetained && process.env.FOOTFALL_MQTT_PUBLISH !== "off") {
    mqttState = new MqttStatePublisher(services, {
      publish: transport.publishRetained.bind(transport),
      version: VERSION,
      discovery: process.env.FOOTFALL_HA_DISCOVERY !== "off",
      discoveryPrefix: process.env.FOOTFALL_HA_DISCOVERY_PREFIX || "homeassistant",
      ...(cluster
        ? {
            publishesHere: (store: string) => cluster!.ingests(store),
            availabilityTopic: (store: string) => topics.shardAvailability(shardOf(store, cluster!.leases.shards)),
            serverAvailability: false,
          }
        : {}),
      queues: async (store, at) => {
        const figures = await queueFiguresForAlerts(services)(store, at);
        return figures ? new Map(Object.entries(figures)) : undefined;
      },
    });
    await mqttState.start();
  }
  evaluator.start();
  hoursKeeper.start();
  // PostgreSQL: the address its digests link to, noted in the database for `footfall digest` run on it (a SQLite folder's is in footfall.public-url).
  const addressNote =
    pg && !ingestHalf
      ? await noteServerAddress(pg.pool, publicUrl(), (err) => log.warn({ err: err.message }, "could not note the address digests link to in the database: `footfall digest` there says its links are a guess"))
      : null;
  log.info(
    {
      http: ingestHalf ? "(the front's)" : httpUrl,
      metrics: ingestHalf && config.metrics ? "(the front's)" : (metricsListener?.url ?? "off"),
      // The ingest thread's logger names its half already (./cluster/ingest-worker-thread.ts).
      ...(half?.role === "front" ? { half: "front" } : {}),
      mqtt: config.mqttUrl ? redactUrl(config.mqttUrl) : `mqtt://localhost:${mqttPort}`,
      storage: pg ? "postgres" : config.dataDir,
      ...(cluster ? { serverId: cluster.serverId, shards: cluster.leases.leases().map((l) => l.shard) } : {}),
    },
    "footfall server ready",
  );

  let closing: Promise<void> | null = null;
  return {
    app,
    services,
    ingest,
    httpUrl,
    metricsUrl: metricsListener?.url ?? null,
    mqttPort,
    cluster,
    live: {
      watched: () => (cluster && hub ? cluster.stores().filter((s) => hub!.watching(s)) : []),
      touch: (stores) => hub?.touch(stores),
      latency: () => latency?.take() ?? null,
      ingestState: () => ({ mqtt: transport.connected(), commitProblem: metrics.commitProblem }),
      setIngestState: (state) => {
        ingestState = state;
        metrics.commitProblem = state.commitProblem;
      },
    },
    close: () =>
      (closing ??= (async () => {
        // Each part's stop is bounded (a link to PostgreSQL that died silently answers no query, and the stop would wait for
        // ever): past its wait the stop gives up on it, says so, and cuts the storage's connections, so that what still
        // waits on them fails at once. Nothing given up was acknowledged: uncommitted messages get no receipt.
        const within = (part: string, p: Promise<unknown>, ms = STOP_WAIT_MS) => stopWithin(p, ms, () => gaveUp(part, ms));
        const gaveUp = (part: string, ms: number) => {
          const cut = pg?.cutConnections() ?? 0;
          log.warn(
            { part, waitedMs: ms, ...(pg ? { connectionsCut: cut } : {}) },
            `stopping: gave up waiting for ${part} after ${ms / 1000} s${pg ? " (PostgreSQL does not answer: is the link to it down?); its connections are cut" : ""}`,
          );
        };
        layoutSchedule.close();
        await within("the retained MQTT states' last publish", mqttState?.close().catch(() => {}) ?? Promise.resolve());
        // A chain's server hands its shards over first (their commits in flight finish), so the others take them at once.
        if (cluster)
          await cluster.close().catch((err: Error) => log.warn({ err: err.message }, "leaving the chain failed; the shards move when their leases run out"));
        else await transport.close().catch(() => {});
        // The commits under way: waited for while they go on (a slow database), given up when none ends for INGEST_STOP_WAIT_MS.
        await drainedWithin(ingest, INGEST_STOP_WAIT_MS, () => gaveUp(`the commit of ${ingest.backlog().messages} MQTT message(s) (not acknowledged: the agents send them again)`, INGEST_STOP_WAIT_MS));
        simStatus.flush();
        await within("the retention pass", retention.stop());
        // The evaluator first: an alert its last evaluation stores is queued for the webhooks before they stop (else it
        // would be stored as firing, restored as such at the next start, and never sent).
        await within("the alert rules' evaluation", evaluator.close());
        // A delivery's request has its own timeout (10 s) before its outcome is stored.
        await within("the webhooks' deliveries", webhooks.stop(), WEBHOOK_STOP_WAIT_MS);
        await within("the opening hours' drift records", hoursKeeper.close());
        await addressNote?.stop();
        // The live hub's close closes the HTTP server (Socket.IO is attached to it), so the grace starts before it.
        await withHttpGrace(app, async () => {
          await hub?.close();
          if (app) await app.close(); // closes the storage too
          else await storage.close();
        });
        await metricsListener?.close();
        latency?.close();
        releaseDataDir();
      })()),
  };
}

/** How long a stopping server waits for a commit of its ingest to end (the next, when one does) before it gives up on them. */
const INGEST_STOP_WAIT_MS = 5_000;
/** How long a stopping server waits for its webhooks' deliveries: a request's timeout (10 s), and the storing of its outcome. */
const WEBHOOK_STOP_WAIT_MS = 12_000;

/**
 * Awaits `p` (its failure is the caller's), or, still unsettled after `ms`, calls `late` and returns: `p` goes on, and its
 * later failure is nobody's.
 */
async function stopWithin(p: Promise<unknown>, ms: number, late: () => void): Promise<void> {
  if (await lateBy(p, ms)) {
    p.catch(() => {});
    late();
    return;
  }
  await p;
}

/** Awaits `ingest.drained()` while its commits go on: given up (`late` called) once its backlog has not shrunk for `ms`. */
async function drainedWithin(ingest: Ingest, ms: number, late: () => void): Promise<void> {
  const drained = ingest.drained();
  let left = ingest.backlog().messages;
  while (await lateBy(drained, ms)) {
    const now = ingest.backlog().messages;
    if (now >= left) return late();
    left = now;
  }
  await drained;
}

/** How long a stopping server lets its HTTP clients' requests finish before it cuts their connections. */
const HTTP_CLOSE_GRACE_MS = 5_000;

/**
 * Runs the HTTP server's close. Node's close waits for every connection to go idle, and one whose upload was answered
 * before its body was read (a 401, a 413) only does when the client gives up or the 72 s keep-alive runs out: longer
 * than a supervisor waits (docker stop: 10 s) before it kills. Past the grace the connections left are cut.
 */
async function withHttpGrace(app: FootfallApp | null, close: () => Promise<void>): Promise<void> {
  const cut = app ? setTimeout(() => app.server.closeAllConnections(), HTTP_CLOSE_GRACE_MS) : null;
  try {
    await close();
  } finally {
    if (cut) clearTimeout(cut);
  }
}
