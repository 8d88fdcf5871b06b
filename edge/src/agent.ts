import type { MqttClient } from "mqtt";
import {
  agentRejectsMetrics,
  agentStatusValidator,
  decodeReceipt,
  encodePayload,
  layoutAnnouncesReceipts,
  parseJson,
  recentInputMetrics,
  redactUrl,
  rejectReasonWords,
  topics,
  type AgentStatus,
  type AuditReport,
  type FootfallEvent,
  type Layout,
} from "@footfall/core";
import { protocolLimits } from "./batch.js";
import { Batcher, type BatcherStats, type Settlement } from "./batcher.js";
import { outboxPath, type AgentConfig } from "./config.js";
import { openConnection } from "./connection.js";
import { EventIds } from "./ids.js";
import { EventIntake, type IntakeStats } from "./intake.js";
import { LayoutHub, decodeLayout } from "./layout.js";
import { errorMessage, type Logger } from "./log.js";
import { MemoryOutbox, type Outbox } from "./outbox.js";
import { SqliteOutbox } from "./outbox-sqlite.js";
import type { Source } from "./source.js";
import { SourceSupervisor, type RestartBackoff } from "./supervisor.js";
import { edgeVersion } from "./version.js";

/** What an {@link Agent} runs. */
/** Audits held for the broker at most (a handful a year in practice). */
const MAX_PENDING_AUDITS = 100;
/**
 * A status that showed events held at least this long showed a backlog (an outage's, or a server behind), not events in
 * flight: when the outbox then drains, the agent sends a status at once, so the Agents view does not show the backlog
 * for up to statusEveryS after it has gone.
 */
export const BACKLOG_STATUS_MS = 10_000;

export interface AgentOptions<S> {
  config: AgentConfig<S>;
  source: Source<S>;
  log: Logger;
  /** Defaults to the durable SQLite outbox when the config names a file or a data folder, else an in-memory one, of `config.outbox.maxEvents`. */
  outbox?: Outbox;
  /** Clock (epoch ms) for ids, statuses and sources. */
  now?: () => number;
  /** Restart delays of a failing source. */
  sourceBackoff?: Partial<RestartBackoff>;
  version?: string;
  /** Every event the outbox took, with its id (the chain simulator's ledger of what it sent). */
  onQueued?: (event: FootfallEvent) => void;
  /**
   * What becomes of the events an in-memory outbox still holds at a stop, when they are not lost: a
   * simulator whose next start back-fills on from the newest event the server holds makes them again
   * (footfall demo). Said at info level instead of the warning that they are lost.
   */
  unsettledAtStop?: string;
}

/** Everything an agent counts: in its status messages and its logs. */
export interface AgentMetrics extends BatcherStats, IntakeStats {
  queued: number;
  /** Events sent and not yet settled (by a receipt, or a PUBACK when settling that way). */
  unsettled: number;
  /** What settles events now: the server's receipts, or the broker's PUBACK (mode "off", or "auto" against an older server). */
  settlement: Settlement;
  inflightBatches: number;
  oldestQueuedTs: number | null;
  /** Oldest unsent events the durable outbox dropped when full, over every boot. */
  outboxDropped: number;
  sourceRestarts: number;
  connected: boolean;
}

/**
 * The agent runtime, one per process: an MQTT connection with a persistent session, a retained
 * status (online on connect and every `statusEveryS`, offline as last will and on shutdown),
 * events from one supervised source validated, queued in the outbox and sent in QoS 1 batches,
 * and the store's retained layout handed to the source. Events leave the outbox only once the
 * server's receipt settles them (DESIGN v1.1), or on the broker's PUBACK with `receipts: "off"` or
 * against a server older than v1.1 (`"auto"`).
 */
export class Agent<S> {
  readonly ids: EventIds;
  readonly layouts = new LayoutHub();
  private readonly outbox: Outbox;
  private readonly batcher: Batcher;
  private readonly intake: EventIntake;
  private readonly supervisor: SourceSupervisor<S>;
  private readonly now: () => number;
  /** The last status sent showed a backlog ({@link BACKLOG_STATUS_MS}). */
  private statusShowedBacklog = false;
  private readonly version: string;
  private readonly startedAt: number;
  private client: MqttClient | null = null;
  private timers: Array<ReturnType<typeof setInterval>> = [];
  private stopping: Promise<void> | null = null;
  /** Ids left in the outbox when the agent stopped (its outbox is closed then). */
  private leftAtStop: string[] | null = null;
  /** Accuracy audits not yet acknowledged by the broker, by id (their JSON). */
  private readonly pendingAudits = new Map<string, string>();
  private lastSummary = { sentEvents: 0, sentBatches: 0, rejected: 0, serverRejected: 0 };
  private everConnected = false;
  /** A receipt arrived from the server at least once (it is v1.1: never fall back to PUBACK). */
  private receiptSeen = false;
  private warnedFallback = false;
  private warnedNoReceipts = false;
  private lastRejectLog = 0;
  /** Rejected events not logged yet (the log says so at most once a minute), by reason, with an example id. */
  private readonly pendingRejects = new Map<string, { n: number; example: string }>();
  /** Events the server rejected for good (from its receipts), since this start. */
  private serverRejected = 0;
  /** The zone ids of the layout the events were last checked against, and the zones already warned of under it. */
  private zoneCheck: { layout: Layout; zones: Set<string>; warned: Set<string> } | null = null;

  constructor(private readonly opts: AgentOptions<S>) {
    const { config, log } = opts;
    this.now = opts.now ?? Date.now;
    this.version = opts.version ?? edgeVersion();
    this.startedAt = this.now();
    this.outbox = opts.outbox ?? this.defaultOutbox(config, log);
    // Boot ids come from the clock; a durable outbox remembers the last one, so a clock set back
    // (a box without a real-time clock, before NTP) can never repeat an earlier boot's ids.
    const lastBoot = this.outbox instanceof SqliteOutbox ? this.outbox.lastBootMs() : null;
    this.ids = new EventIds(config.agent, lastBoot === null ? this.now : () => Math.max(this.now(), lastBoot + 1));
    if (this.outbox instanceof SqliteOutbox) this.outbox.recordBoot(this.ids.bootId);
    this.batcher = new Batcher(
      this.outbox,
      {
        // A client that is disconnecting (end() called) still says connected, but refuses every publish.
        ready: () => this.client?.connected === true && !this.client.disconnecting,
        send: (payload, done) => this.client?.publish(topics.events(config.store, config.agent), payload, { qos: 1 }, (err) => done(err)),
      },
      {
        agent: config.agent,
        flushAtEvents: config.batch.flushAtEvents,
        flushEveryMs: config.batch.flushEveryMs,
        limits: protocolLimits({ maxEvents: config.batch.maxEvents, maxBytes: config.batch.maxBytes }),
        maxInflightBatches: config.batch.maxInflight,
        maxUnsettled: config.batch.maxUnsettled,
        settlement: config.receipts === "off" ? "puback" : "receipts",
        receiptTimeoutMs: config.receiptTimeoutMs,
        receiptTimeoutMaxMs: config.receiptTimeoutMaxMs,
        log: log.child("batch"),
        // The Agents view shows the backlog of the last status: once it has gone, say so now, not at the next status.
        onDrained: () => {
          if (this.statusShowedBacklog) this.publishStatus();
        },
      },
    );
    const sink = (event: FootfallEvent): void => {
      this.checkZone(event);
      if (this.batcher.add([event]) > 0) opts.onQueued?.(event);
    };
    this.intake = new EventIntake(this.ids, sink, log.child("source"), this.now);
    this.supervisor = new SourceSupervisor({
      source: opts.source,
      settings: config.settings,
      emit: (draft) => this.intake.accept(draft),
      layouts: this.layouts,
      layoutsExpected: true,
      log: log.child(config.kind),
      now: this.now,
      // A run's length on a clock NTP does not set (countingSince); a test's own clock is its own.
      monotonic: opts.now ? undefined : () => performance.now(),
      agent: config.agent,
      dataDir: config.dataDir,
      reportAudit: (report) => this.sendAudit(report),
      backlog: () => this.outbox.size(),
      // The outbox holds events in the order emitted until they are settled: its oldest one bounds what is settled.
      settledBefore: () => this.outbox.oldestTs() ?? Infinity,
      outboxCapacity: config.outbox.maxEvents,
      backoff: { minMs: 1000, maxMs: 60_000, resetAfterMs: 60_000, ...opts.sourceBackoff },
    });
  }

  private defaultOutbox(config: AgentConfig<S>, log: Logger): Outbox {
    const path = outboxPath(config);
    if (path === null) return new MemoryOutbox(config.outbox.maxEvents);
    let warned = 0;
    const outbox = new SqliteOutbox({
      path,
      maxEvents: config.outbox.maxEvents,
      // Events handed over stay until they are settled (receipt or PUBACK).
      pinned: () => this.outbox.size() - this.batcher.waiting(),
      onDrop: (_n, total) => {
        // Once, then every 10,000 drops.
        if (warned === 0 || Math.floor(warned / 10_000) !== Math.floor(total / 10_000)) {
          log.warn({ dropped: total, queued: this.outbox.size() }, "outbox full: the oldest unsent events are dropped to make room; raise outbox.maxEvents or fix the connection");
        }
        warned = total;
      },
    });
    log.info({ path, queued: outbox.size(), maxEvents: config.outbox.maxEvents, dropped: outbox.stats().dropped }, "durable outbox");
    return outbox;
  }

  /** The MQTT client, once started (tests). */
  get mqtt(): MqttClient | null {
    return this.client;
  }

  /** Connect (in the background: the agent queues while the broker is away) and start the source. */
  start(): void {
    if (this.client) return;
    const { config, log } = this.opts;
    const clientId = `${config.store}-${config.agent}`;
    log.info({ kind: config.kind, store: config.store, agent: config.agent, version: this.version, bootId: this.ids.bootId, url: redactUrl(config.mqtt.url) }, "starting");
    const client = openConnection({
      ...config.mqtt,
      clientId,
      will: () => ({ topic: this.statusTopic(), payload: encodePayload("status", this.status("offline", { reason: "connection lost" })) }),
      log: log.child("mqtt"),
    });
    this.client = client;
    client.on("connect", (connack) => {
      log.info({
        clientId,
        session: connack.sessionPresent ? "resumed" : "new",
        queued: this.outbox.size(),
        unsettled: this.batcher.unsettled(),
        settlement: this.batcher.settlementMode(),
      }, `connected to ${redactUrl(config.mqtt.url)}`);
      this.everConnected = true;
      // A resumed session keeps the subscription (and queues layouts published meanwhile), but the broker sends
      // the retained layout only on a SUBSCRIBE: a new session, or this process holding none yet (an agent
      // restarted on its resumed session), subscribes again and gets it.
      if (!connack.sessionPresent || this.layouts.current() === null) this.subscribe(client, topics.layout(config.store), "the store layout; sources use their configured layout");
      // Receipts on every connection: a session resumed from an agent older than v1.1 lacks the subscription.
      if (config.receipts !== "off") this.subscribe(client, topics.receipts(config.store, config.agent), "receipts; events are sent again after each receipt timeout (regenerate the broker ACL with `footfall broker-config`)");
      this.publishStatus();
      this.sendPendingAudits();
      // Settling by receipts, everything unsettled goes again: a crashed broker may have lost it.
      this.batcher.connected();
    });
    client.on("close", () => {
      if (this.everConnected && !this.stopping) log.warn({ queued: this.outbox.size() }, "disconnected from the broker; events wait in the outbox until it is back");
      this.everConnected = false;
      this.batcher.disconnected();
    });
    client.on("message", (topic, payload) => this.onMessage(topic, payload));
    this.timers.push(setInterval(() => this.publishStatus(), config.statusEveryS * 1000));
    this.timers.push(setInterval(() => this.logSummary(), config.summaryEveryS * 1000));
    this.supervisor.start();
  }

  /** Ids of the events still in the outbox (not settled): now, or when the agent stopped. */
  unsettledIds(): string[] {
    return this.leftAtStop ?? this.outbox.peek(this.outbox.size()).map((e) => e.id);
  }

  /** Events in the outbox (not sent yet, or sent and not settled): {@link metrics}' `queued`, without building the rest. */
  queued(): number {
    return this.outbox.size();
  }

  /** Counters for status messages and logs. */
  metrics(): AgentMetrics {
    return {
      ...this.batcher.stats(),
      ...this.intake.stats(),
      queued: this.queued(),
      unsettled: this.batcher.unsettled(),
      settlement: this.batcher.settlementMode(),
      inflightBatches: this.batcher.inflightBatches(),
      oldestQueuedTs: this.outbox.oldestTs(),
      outboxDropped: this.outbox instanceof SqliteOutbox ? this.outbox.stats().dropped : 0,
      sourceRestarts: this.supervisor.restarts,
      connected: this.client?.connected === true,
    };
  }

  /** A status message of protocol v1 with this agent's metrics. */
  status(state: "online" | "offline", extra: Record<string, unknown> = {}): AgentStatus {
    const m = this.metrics();
    const ts = this.now();
    return {
      state,
      ts,
      kind: this.opts.config.kind,
      version: this.version,
      bootId: this.ids.bootId,
      uptimeS: Math.round((this.now() - this.startedAt) / 1000),
      eventsSent: m.sentEvents,
      batchesSent: m.sentBatches,
      queued: m.queued,
      rejected: m.rejected,
      refused: m.refused,
      lastEventTs: m.lastEventTs,
      oldestQueuedTs: m.oldestQueuedTs,
      oldestQueuedAgeMs: m.oldestQueuedTs === null ? 0 : Math.max(0, this.now() - m.oldestQueuedTs),
      outbox: this.outbox instanceof SqliteOutbox ? "durable" : "memory",
      outboxDropped: m.outboxDropped,
      sourceRestarts: m.sourceRestarts,
      // How long its source has been failing and restarting (0: it runs); the server flags over a minute "input stalled".
      sourceDownMs: this.supervisor.downMs(),
      // Since when its source has counted without a break (its clock; null: not counting now): at its return after an outage
      // off the broker, the server takes the hours since as counted, 0 where nobody crossed (DESIGN, countingSince).
      countingSince: this.supervisor.countingSince(ts),
      // Sources that report their input (a camera's frames): what it is and how long since the last one.
      ...(this.supervisor.inputUnit === null ? {} : { inputUnit: this.supervisor.inputUnit, inputAgeMs: this.supervisor.inputAgeMs() }),
      // What it refused itself, by reason (core's AGENT_REJECTS): its source's, events its source made wrong, events a full outbox refused.
      ...agentRejectsMetrics({ ...this.supervisor.rejects, invalid_event: m.rejected, outbox_full: m.refused }),
      // What its source read and refused over its last 10 minutes: the server flags over a tenth refused "refusing input".
      ...recentInputMetrics(this.supervisor.recent()),
      receipts: this.opts.config.receipts,
      settlement: m.settlement,
      unsettled: m.unsettled,
      resends: m.resends,
      // How often it says this while connected: the server flags it "silent" after three intervals without a word.
      statusEveryS: this.opts.config.statusEveryS,
      ...extra,
    };
  }

  /**
   * Graceful shutdown: stop the source, wait up to `shutdownTimeoutMs` for queued events to be
   * settled, publish the retained offline status, disconnect cleanly. Safe to call twice.
   */
  stop(reason = "stopped"): Promise<void> {
    this.stopping ??= this.shutdown(reason);
    return this.stopping;
  }

  private async shutdown(reason: string): Promise<void> {
    const { config, log } = this.opts;
    log.info({ queued: this.outbox.size() }, `stopping (${reason})`);
    await this.supervisor.stop();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    const client = this.client;
    // One bound for everything that waits on the broker (the queue's acks, the offline status, the disconnect): a broker
    // that went silent (its TCP link still open: no close seen) costs shutdownTimeoutMs and at most 2 s more in all, not
    // shutdownTimeoutMs per wait. The offline status and the disconnect keep up to a second each after a drain that took
    // it all (receipts that never came from a server that is down, the broker answering).
    const deadline = performance.now() + config.shutdownTimeoutMs;
    const left = () => Math.max(Math.min(1000, config.shutdownTimeoutMs), Math.round(deadline - performance.now()));
    const gaveUp: string[] = [];
    const drained = client?.connected ? await this.batcher.drain(config.shutdownTimeoutMs) : this.outbox.size() === 0;
    if (client?.connected && !drained) gaveUp.push("the acknowledgements of the queued events");
    this.batcher.close();
    if (client?.connected) {
      const offline = encodePayload("status", this.status("offline", { reason }));
      await withTimeout(client.publishAsync(this.statusTopic(), offline, { qos: 1, retain: true }), left()).catch((err: unknown) => {
        gaveUp.push("the offline status");
        log.warn({ error: errorMessage(err) }, "could not publish the offline status");
      });
      await withTimeout(client.endAsync(), left()).catch(() => {
        gaveUp.push("a clean disconnect");
        client.end(true);
      });
    } else if (client) {
      client.end(true);
    }
    if (gaveUp.length > 0)
      log.warn(
        { waitedMs: config.shutdownTimeoutMs, queued: this.outbox.size() },
        `stopping: gave up waiting for the broker after shutdownTimeoutMs (${config.shutdownTimeoutMs} ms): no ${gaveUp.join(", no ")}`,
      );
    const m = this.metrics();
    if (!drained && m.queued > 0) {
      if (this.outbox instanceof SqliteOutbox) log.info({ queued: m.queued }, "stopped with events not yet settled; they stay in the durable outbox and go out at the next start");
      else if (this.opts.unsettledAtStop) log.info({ queued: m.queued }, `stopped with events not yet settled: ${this.opts.unsettledAtStop}`);
      else log.warn({ lost: m.queued }, "stopped with events not yet settled; they are lost (the in-memory outbox does not survive a restart; set dataDir for a durable one)");
    }
    log.info({ eventsSent: m.sentEvents, invalid: m.rejected, rejectedByServer: this.serverRejected, queued: m.queued }, "stopped");
    this.leftAtStop = this.outbox.size() > 0 ? this.outbox.peek(this.outbox.size()).map((e) => e.id) : [];
    this.outbox.close();
  }

  private subscribe(client: MqttClient, topic: string, consequence: string): void {
    client.subscribe(topic, { qos: 1 }, (err, granted) => {
      if (err || granted?.some((g) => g.qos === 128)) {
        this.opts.log.warn({ topic, error: err ? errorMessage(err) : "refused by the broker" }, `cannot subscribe to ${consequence}`);
      }
    });
  }

  /**
   * An accuracy audit to the server (issue 18), QoS 1, not retained. Kept in memory until the
   * broker acknowledged it, and sent again at every connection until then (the server keeps one
   * per id). The audit page's results file keeps them over restarts; the camera sends those again
   * at each start.
   */
  private sendAudit(report: AuditReport): void {
    if (!this.pendingAudits.has(report.id) && this.pendingAudits.size >= MAX_PENDING_AUDITS) {
      this.opts.log.warn({ audit: report.id }, `more than ${MAX_PENDING_AUDITS} audits wait for the broker; this one is sent at the next start`);
      return;
    }
    this.pendingAudits.set(report.id, encodePayload("audits", report));
    this.sendPendingAudits();
  }

  private sendPendingAudits(): void {
    const client = this.client;
    if (!client?.connected || this.stopping) return;
    const { config, log } = this.opts;
    for (const [id, payload] of this.pendingAudits) {
      client.publish(topics.audits(config.store, config.agent), payload, { qos: 1 }, (err) => {
        if (err) return log.warn({ audit: id, error: errorMessage(err) }, "accuracy audit not acknowledged by the broker; sent again at the next connection");
        if (this.pendingAudits.get(id) === payload) this.pendingAudits.delete(id);
        log.info({ audit: id }, "accuracy audit sent to the server");
      });
    }
  }

  private statusTopic(): string {
    return topics.status(this.opts.config.store, this.opts.config.agent);
  }

  private publishStatus(): void {
    const client = this.client;
    if (!client?.connected || this.stopping) return;
    const status = this.status("online");
    if (!agentStatusValidator.check(status)) {
      this.opts.log.error({ problems: agentStatusValidator.problems(status).join("; ") }, "status message fails the protocol schema; not sent");
      return;
    }
    client.publish(this.statusTopic(), encodePayload("status", status), { qos: 1, retain: true });
    this.statusShowedBacklog = Number(status.queued) > 0 && Number(status.oldestQueuedAgeMs) >= BACKLOG_STATUS_MS;
  }

  private onMessage(topic: string, payload: Buffer): void {
    const { config, log } = this.opts;
    if (topic === topics.receipts(config.store, config.agent)) return this.onReceipt(payload);
    if (topic !== topics.layout(config.store)) return;
    if (payload.length === 0) return; // a cleared retained layout: keep the one we have
    const text = payload.toString("utf8");
    const json = parseJson(text);
    if (json.ok) this.onServerVersion(layoutAnnouncesReceipts(json.value));
    const layout = decodeLayout(text, config.store);
    if (!layout.ok) {
      log.warn({ topic }, `ignored a layout message: ${layout.error}`);
      return;
    }
    log.info({ version: layout.value.version, zones: layout.value.zones.length }, "layout received");
    this.layouts.set(layout.value, (err) => log.error({ error: errorMessage(err) }, "a layout listener failed"));
  }

  /** A receipt: settle its ids; log (rate-limited) what the server rejected for good. */
  private onReceipt(payload: Buffer): void {
    const { config, log } = this.opts;
    if (config.receipts === "off") return;
    const receipt = decodeReceipt(payload.toString("utf8"));
    if (!receipt.ok) {
      log.warn(`ignored a receipt: ${receipt.error}`);
      return;
    }
    if (!this.receiptSeen) {
      this.receiptSeen = true;
      if (this.batcher.settlementMode() === "puback") {
        log.info("the server sends receipts: events are settled by receipts again");
        this.batcher.setSettlement("receipts");
      }
    }
    this.batcher.settle(receipt.value.settled);
    const rejected = receipt.value.rejected ?? [];
    this.serverRejected += rejected.length;
    for (const r of rejected) {
      const pending = this.pendingRejects.get(r.reason);
      if (pending) pending.n++;
      else this.pendingRejects.set(r.reason, { n: 1, example: r.id });
    }
    if (this.now() - this.lastRejectLog >= 60_000) this.logRejects();
  }

  /** One line per reason of what the server rejected since the last such lines, with what to do about it (core's words, as the Agents view shows them). */
  private logRejects(): void {
    if (this.pendingRejects.size === 0) return;
    this.lastRejectLog = this.now();
    for (const [reason, { n, example }] of this.pendingRejects) {
      const words = rejectReasonWords(reason);
      this.opts.log.warn(
        { rejected: n, reason, example },
        `the server rejected ${n} event${n === 1 ? "" : "s"} for good (${words.label}): ${words.hint} They are settled and will not be sent again; the server's log names each one`,
      );
    }
    this.pendingRejects.clear();
  }

  /**
   * Warn, once per zone and layout, when the source names a zone the store's layout lacks: the
   * server would reject those events (unknown_zone), so the technician hears of it at once, with the
   * zone's name, and not only when the receipts come back.
   */
  private checkZone(event: FootfallEvent): void {
    if (event.type === "position") return;
    const layout = this.layouts.current();
    if (layout === null) return;
    if (this.zoneCheck?.layout !== layout) this.zoneCheck = { layout, zones: new Set(layout.zones.map((z) => z.id)), warned: new Set() };
    const check = this.zoneCheck;
    if (check.zones.has(event.zone) || check.warned.has(event.zone)) return;
    check.warned.add(event.zone);
    this.opts.log.warn(
      { zone: event.zone, layoutVersion: layout.version, zones: [...check.zones].join(",") },
      `the source reports zone "${event.zone}", which is not in the store's layout: the server will reject its events (unknown zone). Fix the zone id in this agent's settings, or add the zone to the store's layout (Layout in the web app)`,
    );
  }

  /**
   * What a retained layout says of the server: `receipts: true` is v1.1. In "auto", a layout
   * without it from a server that never sent a receipt means an older server: fall back to PUBACK.
   */
  private onServerVersion(announcesReceipts: boolean): void {
    const { config, log } = this.opts;
    if (config.receipts === "off") return;
    if (announcesReceipts) {
      if (this.batcher.settlementMode() === "puback") {
        log.info("the server announces receipts: events are settled by receipts again");
        this.batcher.setSettlement("receipts");
      }
      return;
    }
    if (this.receiptSeen) return;
    if (config.receipts === "on") {
      if (!this.warnedNoReceipts) {
        this.warnedNoReceipts = true;
        log.warn('the server\'s layout does not announce receipts (a server older than v1.1?); with receipts: "on" events stay in the outbox until receipts come, and are sent again after each timeout');
      }
      return;
    }
    if (this.batcher.settlementMode() === "receipts") {
      this.batcher.setSettlement("puback");
      if (!this.warnedFallback) {
        this.warnedFallback = true;
        log.warn(
          'the server sends no receipts (its layout lacks "receipts": true: older than v1.1); falling back to the broker\'s PUBACK: a broker crash can lose acknowledged events. Upgrade the server, or set receipts: "off" to settle by PUBACK on purpose',
        );
      }
    }
  }

  private logSummary(): void {
    const m = this.metrics();
    const sent = m.sentEvents - this.lastSummary.sentEvents;
    const batches = m.sentBatches - this.lastSummary.sentBatches;
    const invalid = m.rejected - this.lastSummary.rejected;
    const rejectedByServer = this.serverRejected - this.lastSummary.serverRejected;
    this.lastSummary = { sentEvents: m.sentEvents, sentBatches: m.sentBatches, rejected: m.rejected, serverRejected: this.serverRejected };
    this.logRejects();
    if (sent === 0 && invalid === 0 && m.queued === 0) return;
    const lagMs = m.oldestQueuedTs === null ? 0 : Math.max(0, this.now() - m.oldestQueuedTs);
    const period = `in the last ${this.opts.config.summaryEveryS} s`;
    // Offline, what the technician needs is how much the agent holds and since when.
    const what = m.connected
      ? `sent ${sent} events in ${batches} batches ${period}`
      : `not connected to the broker: ${m.queued === 1 ? "1 event waits" : `${m.queued} events wait`} in the outbox, the oldest for ${formatAge(lagMs)}; ${m.queued === 1 ? "it goes" : "they go"} out once it is back`;
    this.opts.log.info({ queued: m.queued, lagMs, invalid, rejectedByServer, connected: m.connected }, what);
  }

}

/** A duration for a log line: "45 s", "12 min", "3 h 5 min". */
export function formatAge(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 120) return `${min} min`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
