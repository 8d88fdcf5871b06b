/**
 * MQTT for several servers sharing one broker (issue 12): one persistent session per shard.
 *
 * The server that holds a shard's lease connects as `footfall-shard-NN` with `clean: false` and
 * subscribes, at QoS 1, to the events and status topics of that shard's stores (one pair of topic
 * filters per store: a broker cannot filter by hash). The session lives in the broker, not in the
 * server: while nobody holds the shard (its server died), the broker queues the shard's messages
 * for it, and the server that takes the lease over connects with the same client id and inherits
 * them, with every message the dead server had received but not acknowledged. A server that hands
 * a shard over (fair share, shutdown) stops taking its messages, lets the commits in flight finish
 * and disconnects; what it did not acknowledge goes to the next holder.
 *
 * Acknowledgements: a PUBACK is sent only after the message's events are committed (as with one
 * server), but without holding up the messages behind it: mqtt.js hands a QoS 1 message over and
 * waits for its callback before reading the next, so the callback is released at once and the
 * PUBACK sent later, when the commit is done (up to `maxInflight` messages a shard; beyond that the
 * reading waits, and the broker queues). Publishing (retained layouts, receipts) goes through one
 * more client with a clean session of its own.
 */
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { parseTopic, topics, type Layout } from "@footfall/core";
import { redactUrl, type Logger } from "../log.js";
import {
  decodeAudit,
  decodeStatus,
  layoutPayload,
  MAX_LAYOUT_MESSAGE_BYTES,
  receiptPayloads,
  type MqttTransport,
  type SettledEvents,
  type TransportHandlers,
} from "../mqtt/transport.js";
import { ConfigError, intFrom } from "../config.js";
import { keepaliveOnMessages } from "../mqtt/keepalive.js";
import { firstConnect } from "../mqtt/connect-failure.js";
import { BROKER_WORDS, BrokerLinkLog, GatheredLog, sayTo, type LinkWords, type Say } from "../mqtt/link-log.js";

export interface ShardedBrokerOptions {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  /** This server's id: its publishing client is `footfall-pub-<id>`. */
  serverId: string;
  log: Logger;
  handlers: TransportHandlers;
  /** Messages a shard's session may hold unacknowledged in this server before it stops reading (default 500). */
  maxInflight?: number;
  /**
   * What all the shard sessions of this server together may hold unacknowledged (payload bytes,
   * default 32 MiB; messages, default 8,000) before they stop reading: a server that lags leaves
   * its backlog queued in the broker instead of in its own memory (default {@link DEFAULT_INFLIGHT_BUDGET}).
   */
  budget?: { bytes: number; messages: number };
  /** How long handing a shard over waits for its commits in flight (default 5 s: well within a lease's renewal margin). */
  drainTimeoutMs?: number;
  /**
   * The stall watchdog: a connected shard session that holds messages unacknowledged, or is stopped
   * for room, and has neither taken nor settled a message for this long is reconnected (default
   * {@link DEFAULT_STALL_MS}; `FOOTFALL_CHAIN_STALL_S`). Checked every `stallMs / 4`.
   */
  stallMs?: number;
  /** The shard sessions' MQTT keepalive in seconds (default {@link SHARD_KEEPALIVE_S}; tests use short ones). */
  keepaliveS?: number;
  /** Called when the watchdog reconnects a shard's session (a metrics counter). */
  onStallReconnect?: (shard: number) => void;
  /**
   * How long a shard session may be without its connection (opening after a lease was taken, or
   * reconnecting) before {@link ShardedBroker.connected} says the server is disconnected (default
   * {@link SESSION_CONNECT_GRACE_MS}).
   */
  connectGraceMs?: number;
  /**
   * A shard's session came back without its session (a reconnect whose CONNACK says no session
   * present: the broker restarted without persistence, or was killed before its autosave): the
   * broker lost its retained messages too, and the stores of that shard need theirs sent again.
   */
  onSessionLost?: (shard: number) => void;
}

/**
 * A shard session opening (its lease just taken: at start, at a rebalance, when a dead server's
 * shards are taken over) or reconnecting is not a broken link for this long; after it, still
 * unconnected, it is (`/health` answers 503, `footfall_mqtt_connected` 0) and a warning says so.
 */
export const SESSION_CONNECT_GRACE_MS = 10_000;

/** A shard session holding messages with no progress for this long is reconnected (see {@link ShardedBrokerOptions.stallMs}). */
export const DEFAULT_STALL_MS = 120_000;

/** The watchdog's time with `FOOTFALL_CHAIN_STALL_S` (seconds, 5-3600; "off" turns it off: 0); throws saying what is wrong. */
export function stallMsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FOOTFALL_CHAIN_STALL_S;
  if (raw === undefined || raw === "") return DEFAULT_STALL_MS;
  if (raw === "off") return 0;
  const s = Number(raw);
  if (!Number.isFinite(s) || s < 5 || s > 3600) throw new ConfigError(`FOOTFALL_CHAIN_STALL_S must be a number of seconds from 5 to 3600, or "off", not "${raw}"`);
  return s * 1000;
}

/** How a shard's session taken opened ({@link ShardedBroker.take}). */
export interface ShardOpened {
  /** Connected within the connect grace. */
  connected: boolean;
  /** Whether the broker kept the session (with what it queued for it) at that connection; null: not connected. */
  sessionPresent: boolean | null;
  /** Handed over, dropped or opened again meanwhile: this session is no longer the shard's. */
  gone: boolean;
}

/** The client id of a shard's persistent session. */
export const shardClientId = (shard: number) => `footfall-shard-${String(shard).padStart(2, "0")}`;

/**
 * What a server's shard sessions hold unacknowledged together, at most (see {@link ShardedBrokerOptions.budget}).
 * A shard's group commit takes what its session holds, so the message bound also sets the size of a lagging
 * server's commits. 32,000 (the shards' own 500 summed over 64) was measured against 8,000 in session 14's
 * bench:chain: bigger commits and fewer copies, but no more events/s over 10 minutes, slower queries and more
 * memory, so 8,000 stays (BENCHMARKS, issue 12).
 */
export const DEFAULT_INFLIGHT_BUDGET = { bytes: 32 * 1024 * 1024, messages: 8_000 };

/**
 * The budget with `FOOTFALL_CHAIN_INFLIGHT_MB` (MiB, 1-4096) and `FOOTFALL_CHAIN_INFLIGHT_MESSAGES` (1-1,000,000)
 * instead of the defaults; throws saying what is wrong.
 */
export function inflightBudgetFromEnv(env: NodeJS.ProcessEnv = process.env): { bytes: number; messages: number } {
  const MiB = 1024 * 1024;
  return {
    bytes: intFrom(env, "FOOTFALL_CHAIN_INFLIGHT_MB", DEFAULT_INFLIGHT_BUDGET.bytes / MiB, 1, 4096) * MiB,
    messages: intFrom(env, "FOOTFALL_CHAIN_INFLIGHT_MESSAGES", DEFAULT_INFLIGHT_BUDGET.messages, 1, 1_000_000),
  };
}

/**
 * The unacknowledged messages of every shard session of one server, against one budget. A session
 * that takes a message while the budget is spent stops reading (its next message waits in the
 * broker) and is woken, oldest waiter first, as commits give the budget back; unless it holds less
 * than its fair share (the budget over the sessions): a shard with a backlog (one taken over) does
 * not hold up the live messages of the others, and all of them together hold at most twice the budget.
 */
export class InflightBudget {
  bytes = 0;
  messages = 0;
  /** Sessions sharing the budget. */
  sessions = 0;
  private readonly waiting = new Set<{ resume(): void }>();
  constructor(readonly max: { bytes: number; messages: number }) {}

  spent(): boolean {
    return this.bytes >= this.max.bytes || this.messages >= this.max.messages;
  }
  /** Whether a session holding `messages` and `bytes` may read on: the budget has room, or it holds less than its share. */
  allows(messages: number, bytes: number): boolean {
    if (!this.spent()) return true;
    const n = Math.max(1, this.sessions);
    return messages < this.max.messages / n && bytes < this.max.bytes / n;
  }
  take(bytes: number): void {
    this.bytes += bytes;
    this.messages++;
  }
  /** Gives a message back; sessions waiting resume while there is room. */
  release(bytes: number): void {
    this.giveBack(bytes, 1);
  }
  /** Gives `messages` messages of `bytes` in all back at once (a session dropped); sessions waiting resume while there is room. */
  giveBack(bytes: number, messages: number): void {
    this.bytes -= bytes;
    this.messages -= messages;
    for (const w of this.waiting) {
      if (this.spent()) break;
      this.waiting.delete(w);
      w.resume();
    }
  }
  /** `w` resumes when there is room again. */
  wait(w: { resume(): void }): void {
    this.waiting.add(w);
  }
  forget(w: { resume(): void }): void {
    this.waiting.delete(w);
  }
  /** Sessions stopped for the budget now. */
  waiters(): number {
    return this.waiting.size;
  }
}

/** Handed to mqtt.js's callback: go on reading, and send no PUBACK now (it is sent after the commit). */
const DEFERRED = Object.assign(new Error("acknowledged after the commit"), { deferred: true });

type PubackSender = { _sendPacket(packet: { cmd: "puback"; messageId: number }, cb?: () => void): void };

function clientOptions(o: ShardedBrokerOptions, clientId: string, clean: boolean): IClientOptions {
  return { clientId, clean, username: o.username, password: o.password, reconnectPeriod: 1000, connectTimeout: 10_000, protocolVersion: 4 };
}

/** What the shard sessions say of their link to the broker, gathered into one line for all the shards (GatheredLog). */
const SHARD_WORDS: LinkWords = {
  error: "MQTT error on shard sessions: check FOOTFALL_MQTT_URL and the server's broker credentials",
  away: "shard sessions: the MQTT broker does not answer (restarting or stopped?): they try again every second and say once when it is back; if it lasts, check the broker (systemctl status mosquitto, its log)",
  reconnecting: "shard sessions reconnecting to the MQTT broker (they try every second until it is back)",
  again: "shard sessions connected to the MQTT broker again",
};

/** Seconds of a shard session's MQTT keepalive (see ShardSession's constructor). */
export const SHARD_KEEPALIVE_S = 300;

/** One shard's session: subscribed to its stores' topics, acknowledging after commits. */
class ShardSession {
  readonly client: MqttClient;
  private readonly stores = new Set<string>();
  private inflight = 0;
  private paused: (() => void) | null = null;
  private closing = false;
  private drainedWaiters: (() => void)[] = [];

  /** Payload bytes of the messages this session holds unacknowledged. */
  private heldBytes = 0;
  /** When each unacknowledged message arrived (ms, performance.now()), in arrival order. */
  private readonly arrivals = new Set<{ at: number }>();
  /** When this session last connected, took a message or had one settled (ms, performance.now()): the stall watchdog's clock. */
  private progressAt = performance.now();
  /** Puts the keepalive's ping off at each message taken (see keepaliveOnMessages). */
  private readonly keepAlive: (now?: number) => void;
  /** Dropped: what it held was given back to the budget at once; its commits finishing later give nothing back. */
  private detached = false;
  /**
   * Messages whose commit failed, left unacknowledged on this connection, and when the first of them
   * failed: an MQTT 3.1.1 broker sends an unacknowledged message again only on a new connection.
   */
  private failed = { n: 0, since: 0 };
  /** Since when (ms, performance.now()) it has been without its connection: opened and not yet connected, or lost it; null while connected. */
  private downSince: number | null = performance.now();
  /** Connections made so far (the first one is the session's opening, not a reconnect). */
  private connects = 0;
  /** Whether the broker kept the session at its last connection (null: not connected yet). */
  sessionPresent: boolean | null = null;

  constructor(
    readonly shard: number,
    private readonly o: ShardedBrokerOptions,
    private readonly budget: InflightBudget,
    say: Say,
  ) {
    budget.sessions++;
    const log = o.log;
    // Said once an outage for all the shard sessions it befell (ShardedBroker's GatheredLog), not a line a second each.
    const link = new BrokerLinkLog(say, SHARD_WORDS);
    // Home Assistant's availability of the shard's stores follows the session: "offline" as its will (the server died
    // or lost the link), "online" at every connection (after a takeover's will, which the broker sends before the CONNACK).
    const availability = topics.shardAvailability(shard);
    this.client = mqtt.connect(o.url, {
      ...clientOptions(o, shardClientId(shard), false),
      // mqtt.js reads no packet while a message waits for room (the in-flight budget), PINGRESP included: with the default
      // 60 s a session stopped behind a backlog timed out and reconnected (and had its messages delivered again). Each
      // message taken now puts the ping off (keepAlive); the long keepalive covers a session stopped with no message
      // taken (the stall watchdog reconnects one that holds messages). A dead server's session is taken over by the
      // next holder's CONNECT with the same client id, not by the keepalive.
      keepalive: o.keepaliveS ?? SHARD_KEEPALIVE_S,
      will: { topic: availability, payload: Buffer.from("offline"), qos: 1, retain: true },
    });
    this.keepAlive = keepaliveOnMessages(this.client, o.keepaliveS ?? SHARD_KEEPALIVE_S);
    this.client.handleMessage = (packet, callback) => this.onMessage(packet, callback);
    this.client.on("connect", (connack) => {
      (this.client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
      this.progressAt = performance.now();
      this.downSince = null;
      this.sessionPresent = connack.sessionPresent;
      // The opening of a session taken is said once for all the shards taken (ClusterNode's "shards taken" line), a
      // reconnect without the session once for all the shards it befell (ClusterNode's retained line) and the link
      // back after an outage by the link log.
      if (!link.connected()) log.debug({ shard, sessionPresent: connack.sessionPresent }, "shard session connected");
      // A reconnect the broker took without the session: it lost its store, the retained messages of the shard's stores with it.
      if (this.connects++ > 0 && !connack.sessionPresent && !this.closing) o.onSessionLost?.(shard);
      if (!this.closing)
        this.client.publish(availability, "online", { qos: 1, retain: true }, (err) => {
          if (err) log.warn({ shard, err: err.message }, "could not publish the shard's availability");
        });
      // The session keeps its subscriptions; subscribing again at every connect covers a session the broker lost.
      this.subscribe([...this.stores]);
    });
    this.client.on("error", (err) => {
      if ((err as { deferred?: boolean }).deferred) return;
      link.error(err);
    });
    this.client.on("reconnect", () => link.reconnecting());
    this.client.on("close", () => {
      this.downSince ??= performance.now();
      link.lost();
    });
  }

  /** Connected, or without its connection for less than `graceMs` (opening, or reconnecting): not a broken link yet. */
  linked(graceMs: number, now = performance.now()): boolean {
    return this.client.connected || (this.downSince !== null && now - this.downSince < graceMs);
  }

  /** Resolves at the first connection, or after `ms` (mqtt.js keeps trying either way). */
  connected(ms: number): Promise<boolean> {
    if (this.client.connected) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), ms);
      this.client.once("connect", () => (clearTimeout(t), resolve(true)));
    });
  }

  /** Subscribe to the events and status of these stores (new ones only). */
  add(stores: Iterable<string>): void {
    const fresh = [...stores].filter((s) => !this.stores.has(s));
    for (const s of fresh) this.stores.add(s);
    if (fresh.length && this.client.connected) this.subscribe(fresh);
  }

  private subscribe(stores: string[]): void {
    if (stores.length === 0 || this.closing) return;
    const filters = stores.flatMap((s) => [topics.events(s, "+"), topics.status(s, "+"), topics.audits(s, "+")]);
    // A few hundred filters a SUBSCRIBE at most.
    for (let i = 0; i < filters.length; i += 200) {
      this.client.subscribe(filters.slice(i, i + 200), { qos: 1 }, (err) => {
        if (err) this.o.log.error({ shard: this.shard, err: err.message }, "subscribing a shard's stores failed; retried at the next connection");
      });
    }
  }

  private onMessage(packet: mqtt.IPublishPacket, callback: (err?: Error) => void): void {
    // Handing over: neither processed nor acknowledged; reading stops here and the broker keeps it for the next holder.
    if (this.closing) return;
    this.progressAt = performance.now();
    this.keepAlive(this.progressAt);
    const qos1 = packet.qos === 1 && packet.messageId !== undefined;
    const bytes = packet.payload.length;
    const arrival = { at: performance.now() };
    let settled = false;
    const finish = (ack: boolean) => {
      if (settled) return;
      settled = true;
      if (!qos1) return ack ? callback() : callback(DEFERRED);
      this.inflight--;
      this.heldBytes -= bytes;
      this.arrivals.delete(arrival);
      this.progressAt = performance.now();
      if (!ack && this.failed.n++ === 0) this.failed.since = this.progressAt;
      if (ack && this.client.connected && !this.client.disconnecting)
        (this.client as unknown as PubackSender)._sendPacket({ cmd: "puback", messageId: packet.messageId! });
      if (!this.detached) this.budget.release(bytes);
      this.resume();
      if (this.inflight === 0) for (const w of this.drainedWaiters.splice(0)) w();
    };
    if (qos1) {
      this.inflight++;
      this.heldBytes += bytes;
      this.arrivals.add(arrival);
      this.budget.take(bytes);
      // Go on reading at once (no PUBACK yet), unless too much waits for commits already, here or in this server's other sessions.
      this.paused = () => callback(DEFERRED);
      this.resume();
    }
    try {
      handle(this.o, packet, finish);
    } catch (err) {
      this.o.log.error({ err: (err as Error).message, topic: packet.topic.slice(0, 200) }, "an MQTT message could not be handled; acknowledged and dropped");
      finish(true);
    }
  }

  /**
   * Whether this session reads its shard's newest messages about as they come: connected, not
   * stopped for room, and its oldest unacknowledged message younger than `ms`.
   */
  caughtUp(ms: number): boolean {
    if (!this.client.connected || this.paused) return false;
    const oldest = this.arrivals.values().next();
    return oldest.done || performance.now() - oldest.value.at < ms;
  }

  /** Whether a message waits for room (reading is stopped). */
  stopped(): boolean {
    return this.paused !== null;
  }

  /**
   * How long this session has held messages unacknowledged (or been stopped for room) without
   * taking or settling any, while connected: 0 when it holds nothing, is not connected or is going.
   * A session that reads and commits, however slowly, moves this clock at every message.
   */
  stuckMs(now = performance.now()): number {
    if (this.closing || !this.client.connected || (this.paused === null && this.inflight === 0)) return 0;
    return Math.max(0, now - this.progressAt);
  }

  /**
   * How long ago the first message whose commit failed was left unacknowledged on this connection
   * (0: none): the broker sends those again only when the session connects again.
   */
  failedMs(now = performance.now()): number {
    return this.closing || this.failed.n === 0 ? 0 : Math.max(1, now - this.failed.since);
  }

  /** What the watchdog logs about a stuck session. */
  state(): { inflight: number; heldBytes: number; stopped: boolean; stores: number; failedCommits: number } {
    return { inflight: this.inflight, heldBytes: this.heldBytes, stopped: this.paused !== null, stores: this.stores.size, failedCommits: this.failed.n };
  }

  /** The stores subscribed (to open the session again). */
  storeIds(): string[] {
    return [...this.stores];
  }

  /** Stops taking messages and leaves the budget's sessions (once). */
  private leave(): void {
    if (!this.closing) this.budget.sessions--;
    this.closing = true;
    this.budget.forget(this);
  }

  /** Reads on (the message waiting is handed over) when this session and the server's budget have room; else waits for room. */
  resume(): void {
    if (!this.paused || this.closing) return;
    if (this.inflight >= (this.o.maxInflight ?? 500) || !this.budget.allows(this.inflight, this.heldBytes)) {
      // This session's own commits wake it (finish); the budget wakes it when another session's commit frees room.
      if (!this.budget.allows(this.inflight, this.heldBytes)) this.budget.wait(this);
      return;
    }
    this.budget.forget(this);
    const go = this.paused;
    this.paused = null;
    go();
  }

  /** Stop taking messages, wait for the commits in flight (up to the drain timeout), disconnect; the session stays in the broker. */
  async hand(): Promise<void> {
    this.leave();
    const drainMs = this.o.drainTimeoutMs ?? 5_000;
    if (this.inflight > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, drainMs);
        this.drainedWaiters.push(() => (clearTimeout(t), resolve()));
      });
    }
    // A session stopped for room reads no packet (mqtt.js holds the message waiting for room), so the PUBACK of a
    // publish and the end of a clean disconnect never came: a server shutting down with a backlog waited for ever.
    // Such a session is closed at once; the broker then sends its will, the same retained "offline", and keeps
    // the messages it holds unacknowledged for the next holder (a persistent session).
    if (this.paused !== null) {
      await this.client.endAsync(true).catch(() => {});
      return;
    }
    // Handed over cleanly (no will): its stores are unavailable until the next holder's session says "online".
    let clean = true;
    if (this.client.connected)
      clean = await within(drainMs, this.client.publishAsync(topics.shardAvailability(this.shard), "offline", { qos: 1, retain: true }).then(() => true, () => true));
    // Not acknowledged in time (the broker busy, the link down): closed without waiting; the will says "offline".
    await (clean ? within(drainMs, this.client.endAsync(false).then(() => true, () => true)) : Promise.resolve(false)).then((ended) =>
      ended ? undefined : this.client.endAsync(true).catch(() => {}),
    );
  }

  /**
   * Lost: disconnect at once; nothing more is acknowledged from here (the next holder, or this
   * server's next session of the shard, gets it again). What it held goes back to the budget now:
   * a session dropped because its commits never came back must not keep the budget spent.
   */
  drop(): void {
    this.leave();
    if (!this.detached) {
      this.detached = true;
      this.budget.giveBack(this.heldBytes, this.inflight);
    }
    this.client.end(true);
  }
}

/** `p`'s value, or false when it has not settled within `ms`. */
function within(ms: number, p: Promise<boolean>): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    void p.then((v) => {
      clearTimeout(t);
      resolve(v);
    });
  });
}

/** What to do with one message of a shard's session (as connectExternalBroker does for one server). */
function handle(o: ShardedBrokerOptions, packet: mqtt.IPublishPacket, finish: (ack: boolean) => void): void {
  const parsed = parseTopic(packet.topic);
  if (!parsed || (parsed.kind !== "events" && parsed.kind !== "status" && parsed.kind !== "audits")) return finish(true);
  const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
  o.handlers
    .isKnownAgent(parsed.store, parsed.agent)
    .then(
      async (known) => {
        if (!known) {
          o.handlers.reject(
            parsed.store,
            parsed.agent,
            "unknown_agent",
            `message on "${packet.topic}" from an agent this server does not know: add it with \`footfall agent add\``,
          );
          return finish(true);
        }
        if (parsed.kind === "status") {
          // retain set on receipt: a copy the broker kept, sent because this shard subscribed: not live.
          await o.handlers.status(parsed.store, parsed.agent, decodeStatus(payload), !packet.retain);
          return finish(true);
        }
        if (parsed.kind === "audits") {
          await o.handlers.audit(parsed.store, parsed.agent, decodeAudit(payload));
          return finish(true);
        }
        o.handlers.events({ store: parsed.store, agent: parsed.agent, payload, done: (err) => finish(!err) });
      },
      (err: Error) => {
        o.log.error({ err: err.message, topic: packet.topic.slice(0, 200) }, "could not look the agent up; the message will be delivered again");
        finish(false);
      },
    )
    .catch((err: Error) => {
      o.log.error({ err: err.message, topic: packet.topic.slice(0, 200) }, "an MQTT message could not be handled; acknowledged and dropped");
      finish(true);
    });
}

/**
 * The broker link of a server in a chain: a publishing client, and the sessions of the shards it
 * holds ({@link take}, {@link hand}, {@link drop}, driven by the shard leases).
 */
export class ShardedBroker implements MqttTransport {
  readonly kind = "external" as const;
  private readonly sessions = new Map<number, ShardSession>();
  /** What every shard session of this server holds unacknowledged, together. */
  readonly budget: InflightBudget;

  /** Shard sessions the stall watchdog reconnected since start. */
  stallReconnects = 0;
  /** The shard sessions' outages and returns, one line for all the sessions they befell. */
  private readonly linkLog: GatheredLog;
  private readonly watchdog: ReturnType<typeof setInterval> | null;
  /** How long a shard session may be without its connection before it counts as down ({@link SESSION_CONNECT_GRACE_MS}). */
  private readonly connectGraceMs: number;

  private constructor(
    private readonly o: ShardedBrokerOptions,
    private readonly publisher: MqttClient,
  ) {
    this.budget = new InflightBudget(o.budget ?? DEFAULT_INFLIGHT_BUDGET);
    this.linkLog = new GatheredLog(o.log, "shards");
    this.connectGraceMs = o.connectGraceMs ?? SESSION_CONNECT_GRACE_MS;
    const stallMs = o.stallMs ?? DEFAULT_STALL_MS;
    this.watchdog = stallMs > 0 ? setInterval(() => this.reconnectStalled(stallMs), Math.max(250, stallMs / 4)) : null;
    this.watchdog?.unref();
  }

  /**
   * The stall watchdog (issue 12): a shard session that holds messages unacknowledged, or is stopped
   * for room, and has neither taken nor settled one for `stallMs` while connected is dropped and opened
   * again with the same client id: the broker delivers what it held and queued to the new connection
   * (the commits of the old one that still finish are not acknowledged; their copies are dropped by
   * id). Seen once in a full bench:chain run: two sessions never read again after a keepalive
   * reconnect, 795 messages left in the broker. Also a session with messages whose commit failed, a
   * quarter of `stallMs` after the first failed: they stay unacknowledged, and an MQTT 3.1.1 broker
   * sends them again only on a new connection. Logged and counted. Returns the shards reconnected.
   */
  reconnectStalled(stallMs: number, now = performance.now()): number[] {
    const done: number[] = [];
    for (const [shard, s] of [...this.sessions]) {
      const stuck = s.stuckMs(now);
      // Messages whose commit failed come back only on a new connection: after a quarter of the stall time (not at once:
      // a database that is down would make every session reconnect at every failed commit).
      const failed = s.failedMs(now);
      if (stuck < stallMs && (failed === 0 || failed < stallMs / 4)) continue;
      this.o.log.warn(
        { shard, stuckS: Math.round(stuck / 1000), failedS: Math.round(failed / 1000), ...s.state() },
        stuck >= stallMs
          ? "a shard session held messages and neither read nor settled any for too long: reconnecting it (the broker delivers its messages again)"
          : "a shard session has messages whose commit failed, unacknowledged: reconnecting it, so that the broker delivers them again",
      );
      this.stallReconnects++;
      void this.take(shard, s.storeIds()).then(({ connected, gone }) => {
        if (!connected && !gone)
          this.o.log.warn({ shard, waitedS: this.connectGraceMs / 1000 }, "the shard's session has not connected to the broker in time; it keeps trying (/health says mqtt disconnected until it does)");
      });
      done.push(shard);
      try {
        this.o.onStallReconnect?.(shard);
      } catch {
        /* counting must not stop the watchdog */
      }
    }
    return done;
  }

  /** Connects the publishing client (within 10 s, or throws saying what to check). */
  static async connect(o: ShardedBrokerOptions): Promise<ShardedBroker> {
    const publisher = mqtt.connect(o.url, clientOptions(o, `footfall-pub-${o.serverId}`.slice(0, 128), true));
    const shown = redactUrl(o.url);
    const link = new BrokerLinkLog(sayTo(o.log, { url: shown }), BROKER_WORDS);
    publisher.on("error", (err) => link.error(err));
    publisher.on("reconnect", () => link.reconnecting());
    publisher.on("close", () => link.lost());
    publisher.on("connect", () => {
      (publisher.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
      link.connected();
    });
    await firstConnect(publisher, shown);
    o.log.info({ url: shown }, "connected to the MQTT broker");
    return new ShardedBroker(o, publisher);
  }

  /**
   * Whether this server's link to the broker is up (`/health`, `footfall_mqtt_connected`): its
   * publisher connected and every shard session connected or connecting for less than the grace
   * ({@link SESSION_CONNECT_GRACE_MS}). A session opened by a takeover connects within a second or
   * so; counted as down meanwhile, a survivor taking a dead server's shards answered 503 to its load
   * balancer's health checks, and every restart logged them as failed requests.
   */
  connected(now = performance.now()): boolean {
    return this.publisher.connected && [...this.sessions.values()].every((s) => s.linked(this.connectGraceMs, now));
  }

  /** Whether the session of `shard` reads its newest messages about as they come (its oldest unacknowledged one younger than `ms`); false when not held. */
  caughtUp(shard: number, ms: number): boolean {
    return this.sessions.get(shard)?.caughtUp(ms) ?? false;
  }

  /** Shards whose session is stopped now (a message waits for room in the budget or under the per-shard cap), and those not connected. */
  stalled(): { stopped: number[]; disconnected: number[] } {
    const stopped: number[] = [];
    const disconnected: number[] = [];
    for (const [shard, s] of this.sessions) {
      if (s.stopped()) stopped.push(shard);
      if (!s.client.connected) disconnected.push(shard);
    }
    return { stopped, disconnected };
  }

  /** Shards whose session this server holds now. */
  shards(): number[] {
    return [...this.sessions.keys()].sort((a, b) => a - b);
  }

  /**
   * The lease of `shard` was taken: its session connects (in the background: the lease rounds must
   * not wait for a busy broker) and subscribes its stores. Never throws. Resolves at its first
   * connection, saying whether the broker kept the session (and its queued messages), or after the
   * connect grace ({@link SESSION_CONNECT_GRACE_MS}) unconnected (or replaced), for the caller to say so.
   */
  take(shard: number, stores: Iterable<string>): Promise<ShardOpened> {
    this.sessions.get(shard)?.drop();
    const s = new ShardSession(shard, this.o, this.budget, this.linkLog.sayFor(shard));
    this.sessions.set(shard, s);
    s.add(stores);
    return s.connected(this.connectGraceMs).then((connected) => ({ connected, sessionPresent: s.sessionPresent, gone: this.sessions.get(shard) !== s }));
  }

  /** New stores of a held shard. */
  addStores(shard: number, stores: Iterable<string>): void {
    this.sessions.get(shard)?.add(stores);
  }

  /** Hand the shard over: its commits in flight finish, then its session disconnects (kept by the broker). */
  async hand(shard: number): Promise<void> {
    const s = this.sessions.get(shard);
    this.sessions.delete(shard);
    await s?.hand();
  }

  /** The shard's lease was lost: its session goes at once. */
  drop(shard: number): void {
    this.sessions.get(shard)?.drop();
    this.sessions.delete(shard);
  }

  async publishLayout(layout: Layout): Promise<void> {
    const payload = layoutPayload(layout);
    if (Buffer.byteLength(payload) > MAX_LAYOUT_MESSAGE_BYTES) {
      this.o.log.error(
        { store: layout.store, bytes: Buffer.byteLength(payload) },
        `layout of store ${layout.store} not sent to agents: over ${MAX_LAYOUT_MESSAGE_BYTES} bytes; use fewer polygon corners`,
      );
      return;
    }
    await this.publisher.publishAsync(topics.layout(layout.store), payload, { qos: 1, retain: true });
  }

  /** (issue 14.4) A retained message for other systems (QoS 1); the state publisher sends only the stores this server ingests. */
  async publishRetained(topic: string, payload: string): Promise<void> {
    await this.publisher.publishAsync(topic, payload, { qos: 1, retain: true });
  }

  publishReceipt(store: string, agent: string, receipt: SettledEvents): void {
    const topic = topics.receipts(store, agent);
    for (const payload of receiptPayloads(receipt)) {
      this.publisher.publish(topic, payload, { qos: 1 }, (err) => {
        if (err) this.o.log.warn({ store, agent, err: err.message }, "could not publish a receipt; the agent will send those events again");
      });
    }
  }

  /** Hands every shard's session over (call after the leases are released or lost), then disconnects the publisher. */
  async close(): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    await Promise.all([...this.sessions.keys()].map((shard) => this.hand(shard)));
    await this.publisher.endAsync().catch(() => {});
    this.linkLog.flush();
  }
}
