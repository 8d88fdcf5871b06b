/**
 * The live view of shards a server is catching up on (issue 12, failover). A server that takes a
 * dead server's shards over inherits their sessions' backlog (everything queued while nobody held
 * them) and ingests it in order: under load that takes minutes, and the committed occupancy of those
 * stores lags as long. The tap is a second subscription to those stores' events topics, QoS 0 on a
 * clean session of its own (`footfall-tap-<server>`), so it gets the newest messages as they are
 * published, beside the backlog. Their events are held, not stored: the live occupancy replays them
 * over the committed open visits (StoreAnalytics.occupancy's `pending`) until the commit of each
 * settles it (committed or a known duplicate: {@link LiveTap.settled}). Nothing the tap receives
 * is written or acknowledged: durability stays with the shard's session and the group commit.
 * A shard is tapped from its takeover until its backlog is caught up, then untapped.
 */
import mqtt, { type MqttClient } from "mqtt";
import { decodeBatch, parseTopic, topics, type FootfallEvent } from "@footfall/core";
import type { Logger } from "../log.js";
import { BrokerLinkLog, sayTo, type LinkWords } from "../mqtt/link-log.js";

export interface LiveTapOptions {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  clientId: string;
  log: Logger;
  now(): number;
  /** How long a held event may wait for its commit before it is dropped (the visit timeout: older ones cannot change who is present). */
  keepMs: number;
  /** Events held per store at most (the oldest go first). */
  maxPerStore?: number;
  /** New events of these stores were received. */
  onEvents(stores: string[]): void;
}

const decoder = new TextDecoder();
/** What the tap says of its link to the broker, once an outage. */
const TAP_WORDS: LinkWords = {
  error: "live tap: MQTT error (the live view of shards taken over waits for their backlog meanwhile)",
  errorLevel: "warn",
  reconnecting: "live tap: reconnecting to the MQTT broker",
  again: "live tap: connected to the MQTT broker again",
};

export class LiveTap {
  private client: MqttClient | null = null;
  private readonly stores = new Set<string>();
  /** Per store: held events by id, with when each arrived (insertion order: arrival). */
  private readonly held = new Map<string, Map<string, { e: FootfallEvent; at: number }>>();

  constructor(private readonly o: LiveTapOptions) {}

  /** Whether the newest messages of `store` are read. */
  tapped(store: string): boolean {
    return this.stores.has(store);
  }

  /** Start reading these stores' newest messages (connects at the first). */
  tap(stores: Iterable<string>): void {
    const fresh = [...stores].filter((s) => !this.stores.has(s));
    if (fresh.length === 0) return;
    for (const s of fresh) {
      this.stores.add(s);
      this.held.set(s, new Map());
    }
    if (!this.client) this.connect();
    else if (this.client.connected) this.subscribe(fresh);
  }

  /** Stop reading them and forget what is held of them (their backlog is caught up). */
  untap(stores: Iterable<string>): void {
    const gone = [...stores].filter((s) => this.stores.has(s));
    for (const s of gone) {
      this.stores.delete(s);
      this.held.delete(s);
    }
    if (gone.length && this.client?.connected) this.client.unsubscribe(gone.map((s) => topics.events(s, "+")));
  }

  /** These events of `store` were committed or found already stored: they are in the committed figures now. */
  settled(store: string, ids: Iterable<string>): void {
    const h = this.held.get(store);
    if (!h || h.size === 0) return;
    for (const id of ids) h.delete(id);
  }

  /** The events of `store` received and not settled yet (none when it is not tapped). */
  pending(store: string): FootfallEvent[] {
    const h = this.held.get(store);
    if (!h || h.size === 0) return [];
    const oldest = this.o.now() - this.o.keepMs;
    const out: FootfallEvent[] = [];
    for (const [id, { e }] of h) {
      if (e.ts < oldest) h.delete(id);
      else out.push(e);
    }
    return out;
  }

  /**
   * How long the oldest event of these stores has waited for its commit (ms; 0 when none waits):
   * small when the commits follow the newest messages, i.e. the backlog is caught up.
   */
  oldestWaitMs(stores: Iterable<string>): number {
    const now = performance.now();
    let oldest = 0;
    for (const s of stores) {
      const h = this.held.get(s);
      if (!h) continue;
      const first = h.values().next();
      if (!first.done) oldest = Math.max(oldest, now - first.value.at);
    }
    return oldest;
  }

  private connect(): void {
    const client = mqtt.connect(this.o.url, {
      clientId: this.o.clientId,
      clean: true,
      username: this.o.username,
      password: this.o.password,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      protocolVersion: 4,
    });
    this.client = client;
    const link = new BrokerLinkLog(sayTo(this.o.log), TAP_WORDS);
    client.on("connect", () => {
      (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
      link.connected();
      this.subscribe([...this.stores]);
    });
    client.on("error", (err) => link.error(err));
    client.on("reconnect", () => link.reconnecting());
    client.on("close", () => link.lost());
    client.on("message", (topic, payload) => this.onMessage(topic, payload));
  }

  private subscribe(stores: string[]): void {
    const filters = stores.map((s) => topics.events(s, "+"));
    for (let i = 0; i < filters.length; i += 200) {
      this.client?.subscribe(filters.slice(i, i + 200), { qos: 0 }, (err) => {
        if (err) this.o.log.warn({ err: err.message }, "live tap: subscribing failed; the live view of those stores follows their commits");
      });
    }
  }

  private onMessage(topic: string, payload: Buffer): void {
    try {
      const t = parseTopic(topic);
      if (!t || t.kind !== "events" || !this.stores.has(t.store)) return;
      const batch = decodeBatch(payload, (b) => decoder.decode(b));
      if (!batch.ok) return; // the ingest counts and logs it; the tap only skips it
      const h = this.held.get(t.store)!;
      const max = this.o.maxPerStore ?? 20_000;
      const at = performance.now();
      const now = this.o.now();
      for (const e of batch.value.events) {
        // What the ingest refuses (another agent's id, too far ahead, too old to matter) the live view does not count either.
        if (!e.id.startsWith(`${t.agent}:`) || e.ts > now + 5 * 60_000 || e.ts < now - this.o.keepMs) continue;
        if (!h.has(e.id)) h.set(e.id, { e, at });
      }
      if (h.size > max) for (const id of [...h.keys()].slice(0, h.size - max)) h.delete(id);
      this.o.onEvents([t.store]);
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message, topic }, "live tap: a message could not be read; skipped");
    }
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    this.stores.clear();
    this.held.clear();
    if (c) await c.endAsync(true).catch(() => {});
  }
}
