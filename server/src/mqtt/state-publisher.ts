/**
 * Retained topics for other systems (issue 14.4): each store's occupancy and its zones', each
 * checkout queue's length and wait, each alert rule's state, the server's availability, and Home
 * Assistant discovery configs that point at them. Published through whichever broker the server
 * uses (embedded Aedes or external), at most one message a second per topic (./retained.ts).
 *
 * Occupancy is read for stores touched by a commit, once a second at most per store, and every
 * OCCUPANCY_REFRESH_MS for a store last seen with someone in it (visits time out, door counts reset,
 * with no event); each state is sent when its figures change. Alert states
 * come from the alert bus as they change; discovery is published at start, after a layout is saved
 * (a removed zone's config is cleared with an empty retained message) and when a rule appears.
 *
 * In a chain (several servers, one broker), a store's topics are published by the server that
 * holds its shard (`publishesHere`): {@link storesTaken} when it takes a shard (everything of those
 * stores sent afresh: another server may have published them meanwhile), {@link storesGiven} when
 * it hands one over or loses it (nothing more is sent for them here). The stores' availability is
 * their shard's (`availabilityTopic`: the shard session's will), not one server's.
 */
import { encodePayload, topics, type AlertNotification, type Layout } from "@footfall/core";
import { withTracking, zonesNotCountedNow } from "../analytics/zone-tracking.js";
import type { Services } from "../services.js";
import { discoveryMessages, DEFAULT_DISCOVERY_PREFIX } from "./home-assistant.js";
import { RetainedPublisher, type PublishRetained } from "./retained.js";

/** Live queue figures when a queue service gives them: zone -> people waiting, estimated wait (s) and tills open (null: not seen). */
export type LiveQueueFigures = (store: string, now: number) => Promise<Map<string, { length: number; waitSeconds: number | null; tillsOpen?: number | null }> | undefined>;

export interface StatePublisherOptions {
  publish: PublishRetained;
  version: string;
  /** Home Assistant discovery (default on) and its prefix (default "homeassistant"). */
  discovery?: boolean;
  discoveryPrefix?: string;
  minIntervalMs?: number;
  queues?: LiveQueueFigures;
  /** A chain's server publishes only the stores it ingests. */
  publishesHere?: (store: string) => boolean;
  /** Discovery is read again this often (new or removed alert rules; default 30 s). */
  discoveryRefreshMs?: number;
  /** The availability topic a store's discovery points at (default the server's, `footfall/v1/availability`). */
  availabilityTopic?: (store: string) => string;
  /** Publish the server's own availability (default true; a chain's servers publish their shards' instead). */
  serverAvailability?: boolean;
}

/** Loops sending the retained state of stores taken over (./state-publisher.ts `storesTaken`). */
const TAKEN_LOOPS = 2;

/**
 * How often the occupancy of a store last published with someone in it (or a queue's wait) is read
 * again without any event: a visit abandoned past the visit timeout, or the door count's reset at
 * midnight or closing, changes it with no commit to say so.
 */
export const OCCUPANCY_REFRESH_MS = 10_000;

export class MqttStatePublisher {
  readonly retained: RetainedPublisher;
  private readonly dirty = new Set<string>();
  /** Stores taken over whose alert states and discovery are still to be sent, and the loops sending them. */
  private readonly taken: string[] = [];
  private takenLoops = 0;
  private readonly discovered = new Map<string, Set<string>>();
  /** Per store, the zone and queue state topics its last figures were published on (a zone a new layout drops is cleared). */
  private readonly stateTopics = new Map<string, Set<string>>();
  private readonly knownRules = new Map<string, Set<string>>();
  private readonly refreshedAt = new Map<string, number>();
  /** Stores whose last published figures are not all 0 (or have a queue's wait): read again every OCCUPANCY_REFRESH_MS. */
  private readonly occupied = new Set<string>();
  private occupiedReadAt = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private unsubscribe: (() => void) | null = null;
  private running = false;
  private busy = false;

  constructor(
    private readonly services: Services,
    private readonly o: StatePublisherOptions,
  ) {
    this.retained = new RetainedPublisher({
      publish: o.publish,
      ...(o.minIntervalMs !== undefined ? { minIntervalMs: o.minIntervalMs } : {}),
      now: () => services.now(),
      onError: (topic, err) => services.log.warn({ topic, err: err.message }, "could not publish a retained MQTT message"),
    });
  }

  private here(store: string): boolean {
    return this.o.publishesHere?.(store) ?? true;
  }

  async start(): Promise<void> {
    this.running = true;
    if (this.o.serverAvailability !== false) await this.o.publish(topics.availability(), "online").catch(() => {});
    this.unsubscribe = this.services.alerts.subscribe((n) => this.alertChanged(n));
    for (const s of await this.services.storage.stores.list()) {
      if (!this.here(s.id)) continue;
      await this.refreshDiscovery(s.id).catch((err: Error) => this.services.log.warn({ store: s.id, err: err.message }, "could not publish Home Assistant discovery"));
      await this.publishAlertStates(s.id).catch(() => {});
      this.dirty.add(s.id);
    }
    this.timer = setInterval(() => void this.tick(), Math.min(1000, this.o.minIntervalMs ?? 1000));
    this.timer.unref?.();
    void this.tick();
  }

  /** Stores whose figures may have changed (after a commit). */
  touch(stores: Iterable<string>): void {
    for (const s of stores) if (this.here(s)) this.dirty.add(s);
  }

  /** A layout was saved: publish the discovery of its zones again, clear the configs of zones it no longer has. */
  async layoutSaved(layout: Layout): Promise<void> {
    if (!this.running || !this.here(layout.store)) return;
    await this.refreshDiscovery(layout.store);
    this.dirty.add(layout.store);
  }

  async close(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await this.retained.flush();
    if (this.o.serverAvailability !== false) await this.o.publish(topics.availability(), "offline").catch(() => {});
  }

  /** (chain) This server took these stores' shard: publish everything of them afresh. */
  storesTaken(stores: Iterable<string>): void {
    if (!this.running) return;
    for (const store of stores) {
      if (!this.here(store)) continue;
      this.forgetStore(store);
      this.taken.push(store);
      this.dirty.add(store);
    }
    while (this.takenLoops < TAKEN_LOOPS && this.taken.length > 0) void this.sendTaken();
  }

  /**
   * The alert states and discovery of the stores taken, one store after another in at most
   * {@link TAKEN_LOOPS} loops: a takeover of 500 stores asked for some 2,500 reads at once, and the
   * taken shards' first commits waited behind them for the read pool (bench:chain).
   */
  private async sendTaken(): Promise<void> {
    this.takenLoops++;
    try {
      for (let store = this.taken.shift(); store !== undefined; store = this.taken.shift()) {
        if (!this.running || !this.here(store)) continue;
        // The rules' states first: discovery then sees their topics and does not start them OFF.
        await this.publishAlertStates(store)
          .then(() => this.refreshDiscovery(store))
          .catch((err: Error) => this.services.log.warn({ store, err: err.message }, "could not publish a store's Home Assistant discovery after taking its shard"));
      }
    } finally {
      this.takenLoops--;
    }
  }

  /**
   * (chain) Another server announced a change of these stores. For those ingested here that is an
   * alert acknowledged there (its notification went to that server's bus): read their alert states again.
   */
  remoteChanged(stores: Iterable<string>): void {
    if (!this.running) return;
    for (const store of stores)
      if (this.here(store)) void this.publishAlertStates(store).catch((err: Error) => this.failed(err, store, "could not publish a store's alert states"));
  }

  /** A store's publish failed: said, unless it is PostgreSQL not answering (its storage says that once per outage, not here each second). */
  private failed(err: Error, store: string, msg: string): void {
    if (!this.services.storage.connectionLost?.(err)) this.services.log.warn({ store, err: err.message }, msg);
  }

  /** (chain) These stores' shard went to another server: nothing more is published for them here. */
  storesGiven(stores: Iterable<string>): void {
    for (const store of stores) this.forgetStore(store);
  }

  private forgetStore(store: string): void {
    const prefix = `${topics.occupancy(store).slice(0, -"occupancy".length)}`;
    const discovered = this.discovered.get(store) ?? new Set<string>();
    this.retained.forget((t) => t.startsWith(prefix) || discovered.has(t));
    this.dirty.delete(store);
    this.discovered.delete(store);
    this.stateTopics.delete(store);
    this.knownRules.delete(store);
    this.refreshedAt.delete(store);
    this.occupied.delete(store);
  }

  private async tick(): Promise<void> {
    if (this.busy || !this.running) return;
    this.busy = true;
    try {
      const now = this.services.now();
      for (const [store, at] of this.refreshedAt) {
        if (now - at < (this.o.discoveryRefreshMs ?? 30_000) || !this.here(store)) continue;
        await this.refreshDiscovery(store).catch((err: Error) => this.failed(err, store, "could not publish Home Assistant discovery"));
      }
      if (now - this.occupiedReadAt >= OCCUPANCY_REFRESH_MS) {
        this.occupiedReadAt = now;
        for (const store of this.occupied) if (this.here(store)) this.dirty.add(store);
      }
      for (const store of [...this.dirty]) {
        this.dirty.delete(store);
        await this.publishOccupancy(store).catch((err: Error) => this.failed(err, store, "could not publish the store's occupancy over MQTT"));
      }
    } finally {
      this.busy = false;
    }
  }

  private async publishOccupancy(store: string): Promise<void> {
    const { layouts, analytics, now } = this.services;
    await layouts.load(store);
    const layout = layouts.current(store, now());
    if (!layout) return;
    const a = await analytics.get(store);
    const occ = await a.occupancy(now(), layout.timezone, layout.zones);
    // Zones nobody counts now (core notCountedSince): their states say since when (Home Assistant: unavailable), the total that it is partial.
    // (A zone whose agents went down after closing is closed, not "not counted", until the store opens: core notCountedWhileOpen.)
    const closedDown = new Set<string>();
    const tracked = withTracking(occ, a.liveSource(), await zonesNotCountedNow(this.services, store, layout.zones.map((z) => z.id), now(), layout.timezone, closedDown));
    const offlineSince = new Map(tracked.zones.map((z) => [z.zone, z.offlineSince]));
    // (chain) The shard may have moved while this was read: the new holder publishes it now.
    if (!this.here(store)) return;
    // Each state is sent when its figures change (the retained publisher's `same`: them without the time they were
    // read), not at every commit: a store's unchanged zones are not sent again for each event elsewhere in it.
    const total = { total: occ.total, partial: tracked.partial };
    this.retained.set(topics.occupancy(store), encodePayload("occupancy", { ts: occ.ts, ...total }), JSON.stringify(total));
    const queues = (await this.o.queues?.(store, now())) ?? new Map<string, { length: number; waitSeconds: number | null; tillsOpen?: number | null }>();
    const kinds = new Map(layout.zones.map((z) => [z.id as string, z.kind]));
    let occupied = occ.total > 0;
    const published = new Set<string>();
    for (const z of occ.zones) {
      if (z.occupancy > 0) occupied = true;
      if (kinds.get(z.zone) === "queue") {
        const q = queues.get(z.zone);
        const queue = { length: q?.length ?? z.occupancy, waitSeconds: q?.waitSeconds ?? null, tillsOpen: q?.tillsOpen ?? null, offlineSince: offlineSince.get(z.zone) ?? null };
        if (queue.length > 0 || queue.waitSeconds !== null) occupied = true;
        this.retained.set(topics.queue(store, z.zone), encodePayload("queue", { ts: occ.ts, ...queue }), JSON.stringify(queue));
        published.add(topics.queue(store, z.zone));
      } else {
        const zone = { occupancy: z.occupancy, capacity: z.capacity, offlineSince: offlineSince.get(z.zone) ?? null };
        this.retained.set(topics.zoneOccupancy(store, z.zone), encodePayload("zoneOccupancy", { ts: occ.ts, ...zone }), JSON.stringify(zone));
        published.add(topics.zoneOccupancy(store, z.zone));
      }
    }
    // A zone the layout in force no longer has (removed, or now a queue or no longer one): its retained
    // state is deleted, as its discovery config is, instead of holding its last figures for ever.
    // First time here: those of every zone of the store's earlier versions (removed before an upgrade, or while the server was down).
    const before = this.stateTopics.get(store) ?? this.zonesEver(store).map((z) => (z.kind === "queue" ? topics.queue(store, z.id) : topics.zoneOccupancy(store, z.id)));
    for (const topic of before) if (!published.has(topic)) this.retained.clear(topic);
    this.stateTopics.set(store, published);
    // A store with a zone nobody counts is read again too: counting may resume with no event to say so (an agent heard again);
    // and one whose agents are down while it is closed: at opening, still down, its zones are not counted, with no event to say so.
    if (occupied || tracked.partial || tracked.zones.some((z) => z.offlineSince !== null) || closedDown.size > 0) this.occupied.add(store);
    else this.occupied.delete(store);
  }

  private async refreshDiscovery(store: string): Promise<void> {
    const row = await this.services.storage.stores.get(store);
    // (chain) A store with agents but no layout yet is no device (as on one server, which lists stores with layouts).
    if (!row) return;
    await this.services.layouts.load(store);
    const layout = this.services.layouts.current(store, this.services.now()) ?? null;
    const rules = await this.services.storage.alerts.rules(store);
    // First time here: the rules deleted before (by a version that left their topics, or just before a restart).
    const deleted = this.knownRules.has(store) ? [] : (await this.deletedRules(store)).filter((id) => !rules.some((r) => r.id === id));
    if (!this.here(store)) return;
    this.refreshedAt.set(store, this.services.now());
    const known = this.knownRules.get(store);
    this.knownRules.set(store, new Set(rules.map((r) => r.id)));
    // A deleted rule's state topic goes with its binary sensor (its alert resolved first: the evaluator's next turn).
    for (const id of known ?? deleted) if (!rules.some((r) => r.id === id)) this.retained.clear(topics.alert(store, id));
    // A new rule's state starts OFF (its alert, when it fires, comes through the bus).
    for (const r of rules)
      if (!known?.has(r.id) && !this.retained.topics().includes(topics.alert(store, r.id)))
        this.retained.set(topics.alert(store, r.id), encodePayload("alert", { rule: r.id, active: "OFF", state: "none", at: this.services.now() }));
    if (this.o.discovery === false) return;
    const messages = discoveryMessages({
      store: { id: store, name: layout?.name ?? row?.name ?? store },
      layout,
      rules,
      version: this.o.version,
      prefix: this.o.discoveryPrefix ?? DEFAULT_DISCOVERY_PREFIX,
      ...(this.o.availabilityTopic ? { availabilityTopic: this.o.availabilityTopic(store) } : {}),
    });
    // First time here: the configs any earlier version may have left (a zone removed before an upgrade or a restart, a rule
    // deleted; only the topics count, so a deleted rule's kind is any).
    const before =
      this.discovered.get(store) ??
      discoveryMessages({
        store: { id: store, name: store },
        layout: { zones: this.zonesEver(store) },
        rules: deleted.map((id) => ({ id, kind: "occupancy" as const })),
        version: this.o.version,
        prefix: this.o.discoveryPrefix ?? DEFAULT_DISCOVERY_PREFIX,
      }).keys();
    for (const topic of before) if (!messages.has(topic)) this.retained.clear(topic);
    for (const [topic, payload] of messages) this.retained.set(topic, payload);
    this.discovered.set(store, new Set(messages.keys()));
  }

  /**
   * The ids of the store's alert rules ever deleted, as the audit log keeps them (`alert-rule.delete`, since rules had
   * MQTT topics; kept FOOTFALL_AUDIT_LOG_DAYS): a version before 4a8a96a left a deleted rule's state topic
   * and binary sensor retained for ever, and one killed between a deletion and its next discovery refresh does still.
   */
  private async deletedRules(store: string): Promise<string[]> {
    const ids = new Set<string>();
    const limit = 500;
    for (let before: number | undefined; ; ) {
      const page = await this.services.storage.audit.list({ action: "alert-rule.delete", store, limit, ...(before !== undefined ? { before } : {}) });
      for (const e of page) if (e.target) ids.add(e.target);
      if (page.length < limit) return [...ids];
      before = page.at(-1)!.id;
    }
  }

  /**
   * Every zone of the store's layout versions (loaded), once as a queue and once as another kind
   * where its kind changed: the topics an earlier version's figures and discovery may have left.
   */
  private zonesEver(store: string): Layout["zones"] {
    const zones = new Map<string, Layout["zones"][number]>();
    for (const version of this.services.layouts.all(store)) for (const z of version.zones) zones.set(`${z.kind === "queue" ? "q" : "z"}:${z.id}`, z);
    return [...zones.values()];
  }

  /** Each rule's state at start: its active alert, or none. */
  private async publishAlertStates(store: string): Promise<void> {
    const [rules, active] = await Promise.all([this.services.storage.alerts.rules(store), this.services.storage.alerts.active(store)]);
    if (!this.here(store)) return;
    const now = this.services.now();
    for (const r of rules) {
      const a = active.find((x) => x.ruleId === r.id);
      this.retained.set(
        topics.alert(store, r.id),
        encodePayload("alert", a ? { rule: r.id, active: "ON", state: a.state, at: a.acknowledgedAt ?? a.firedAt, alert: a } : { rule: r.id, active: "OFF", state: "none", at: now }),
      );
    }
  }

  private alertChanged(n: AlertNotification): void {
    const store = n.alert.store;
    if (!this.running || !this.here(store)) return;
    const active = n.alert.state !== "resolved";
    this.retained.set(topics.alert(store, n.rule.id), encodePayload("alert", { rule: n.rule.id, active: active ? "ON" : "OFF", state: n.alert.state, at: n.at, alert: n.alert }));
    if (!this.knownRules.get(store)?.has(n.rule.id)) void this.refreshDiscovery(store).catch(() => {});
  }
}
