/**
 * One server of a chain (several servers on one PostgreSQL and one MQTT broker; issue 12): it
 * takes its fair share of the shard leases (./leases.ts) and ingests only the stores of the shards
 * it holds, through each shard's persistent MQTT session (./shard-mqtt.ts); every write of ingest
 * is fenced by the leases' epochs; live changes and saved layouts reach the other servers through
 * LISTEN/NOTIFY (./bus.ts). Every server answers every store's queries. A store is known (and
 * subscribed by its shard's holder) once it has a layout or an agent.
 *
 * On a shard taken: its stores' analytics are opened afresh (another server wrote them), then its
 * session connects and inherits what the broker queued for it. Handed over: its session stops
 * reading, its commits in flight finish, it disconnects, and the lease is released. Lost (expired
 * and taken, or not renewed in time): its session goes at once and the fence refuses any commit of
 * its stores still in flight, which stays unacknowledged for the next holder.
 */
import type { Layout } from "@footfall/core";
import type pg from "pg";
import { createPgPool } from "../storage-pg/pool.js";
import { interactive } from "../storage/interactive.js";
import type { AnalyticsRegistry } from "../analytics/registry.js";
import type { LayoutCache } from "../ingest/layouts.js";
import type { Logger } from "../log.js";
import type { TransportHandlers } from "../mqtt/transport.js";
import type { PgStorage } from "../storage-pg/adapter.js";
import type { Storage } from "../storage/types.js";
import { ClusterBus } from "./bus.js";
import { fence, ShardLeases, DEFAULT_LEASE_TTL_MS, DEFAULT_RENEW_EVERY_MS, type Lease, type TakenLease } from "./leases.js";
import { LiveTap } from "./live-tap.js";
import { liveServerNamed } from "./liveness.js";
import { DEFAULT_INFLIGHT_BUDGET, inflightBudgetFromEnv, ShardedBroker, stallMsFromEnv, type ShardOpened } from "./shard-mqtt.js";
import { shardOf } from "./shards.js";
import { lateBy, PoolSockets, STOP_WAIT_MS } from "../storage-pg/stop-within.js";

export interface ClusterNodeOptions {
  storage: PgStorage;
  databaseUrl: string;
  mqtt: { url: string; username?: string | undefined; password?: string | undefined };
  handlers: TransportHandlers;
  analytics: AnalyticsRegistry;
  layouts: LayoutCache;
  log: Logger;
  serverId?: string;
  shards?: number;
  ttlMs?: number;
  renewEveryMs?: number;
  /** Payload bytes this server's shard sessions may hold unacknowledged together (default: FOOTFALL_CHAIN_INFLIGHT_MB, else 32 MiB; ./shard-mqtt.ts). */
  inflightBytes?: number;
  /** The shard sessions' stall watchdog (default: FOOTFALL_CHAIN_STALL_S, else 120 s; 0: off; ./shard-mqtt.ts), and what it calls when it reconnects one. */
  stallMs?: number;
  onStallReconnect?(shard: number): void;
  /** What `cluster status` shows of this server besides its shards (HTTP URL, ingest backlog, ...). */
  info?: () => Record<string, unknown>;
  /** Another server changed these stores' live figures. */
  onRemoteLive(stores: string[]): void;
  /** Another server saved a layout of this store (reloaded here already). */
  onRemoteLayout(store: string): void;
  /** Another server changed these stores' alerts (its alert notice, sent at once; their live notice follows). */
  onRemoteAlerts?(stores: string[]): void;
  /**
   * The listening connection came back after a gap (PostgreSQL restarted, the link cut): the live and alert notices sent
   * meanwhile were lost, so every store of the chain may have changed (their figures read again here already).
   */
  onResync?(stores: string[]): void;
  /** The visit timeout: how long the live tap holds an event that waits for its commit. */
  visitTimeoutMs?: number;
  now?(): number;
  /** The live tap received new events of these stores (their live figures changed). */
  onTapEvents?(stores: string[]): void;
  /** Whether a live client of this server follows `store` (only those are tapped; default: every store). */
  watched?(store: string): boolean;
  /** (issue 14.4) This server now ingests these stores (a shard taken, or a new store of a held shard): their retained MQTT topics are its to publish. */
  onStoresTaken?(stores: string[]): void;
  /** These stores' shard was handed over or lost: this server publishes nothing more for them. */
  onStoresGiven?(stores: string[]): void;
  /**
   * The broker took the sessions of shards held here back without their sessions (restarted without persistence?):
   * it lost the retained messages of these stores (layouts, state topics, Home Assistant discovery), to be sent again.
   */
  onRetainedLost?(stores: string[]): void;
  /**
   * False: a front that takes no lease (FOOTFALL_CHAIN_INGEST=worker's main thread, which answers HTTP and live push
   * while the process's ingest worker holds its shards): it never heartbeats, so no server counts it in the fair share;
   * it follows every store through the bus as it follows other servers' stores. Default true.
   */
  ingest?: boolean;
}

/** A shard taken over is tapped (its newest messages read beside its backlog) at least this long, and until its commits follow within {@link TAP_CAUGHT_UP_MS}. */
const TAP_MIN_MS = 15_000;
const TAP_CAUGHT_UP_MS = 5_000;

/**
 * Shard sessions the broker took back without their sessions are gathered this long before their stores' retained
 * messages are sent again: after a broker's restart they all reconnect within a second or two, and one line says so.
 */
export const RETAINED_LOST_GATHER_MS = 2_000;

export class ClusterNode {
  readonly leases: ShardLeases;
  readonly broker: ShardedBroker;
  private bus: ClusterBus | null = null;
  /** Every known store, by shard. */
  private readonly byShard = new Map<number, Set<string>>();
  private discovery: ReturnType<typeof setInterval> | null = null;
  private discovering: Promise<void> | null = null;
  /** The newest messages of shards being caught up on (./live-tap.ts), and since when each is tapped. */
  readonly tap: LiveTap;
  private readonly tappedSince = new Map<number, number>();
  /** The shards tapped since the tap was last idle, those caught up, and since when: one line says when all are caught up. */
  private tapRound: { since: number; caughtUp: number[] } | null = null;
  private tapCheck: ReturnType<typeof setInterval> | null = null;
  /** Shards whose session came back without it, gathered (see {@link RETAINED_LOST_GATHER_MS}). */
  private readonly retainedLost = new Set<number>();
  private retainedLostTimer: ReturnType<typeof setTimeout> | null = null;
  /** The control pool's sockets, so a close on a link that died silently can destroy them (see close()). */
  private controlSockets: PoolSockets | null = null;

  private constructor(
    private readonly o: ClusterNodeOptions,
    broker: ShardedBroker,
    serverId: string,
    /** Connections of their own for heartbeats, leases and notices: a pool busy with commits must not hold up a renewal. */
    private readonly control: pg.Pool,
  ) {
    this.broker = broker;
    this.tap = new LiveTap({
      url: o.mqtt.url,
      username: o.mqtt.username,
      password: o.mqtt.password,
      clientId: `footfall-tap-${serverId}`,
      log: o.log,
      now: o.now ?? Date.now,
      keepMs: o.visitTimeoutMs ?? 30 * 60_000,
      onEvents: (stores) => o.onTapEvents?.(stores),
    });
    this.leases = new ShardLeases(control, {
      serverId,
      shards: o.shards,
      ttlMs: o.ttlMs ?? DEFAULT_LEASE_TTL_MS,
      renewEveryMs: o.renewEveryMs ?? DEFAULT_RENEW_EVERY_MS,
      info: () => {
        const b = this.broker.budget;
        // Unacknowledged MQTT messages held here, and the sessions stopped until commits give room back.
        const m = process.memoryUsage();
        const mb = (n: number) => Math.round(n / 1048576);
        return {
          ...(o.info?.() ?? {}),
          sessions: this.broker.shards().length,
          held: { messages: b.messages, mb: Math.round((b.bytes / 1048576) * 10) / 10, stopped: b.waiters() },
          // Shard sessions not reading now (stopped for room, or not connected): their messages wait in the broker.
          // ... and how many the stall watchdog reconnected since start.
          stalled: { ...this.broker.stalled(), reconnected: this.broker.stallReconnects },
          // The process's memory (MiB): resident, the JavaScript heap in use, and buffers outside it.
          memory: { rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external) },
        };
      },
      // PostgreSQL not answering is said once per outage by the storage (which counts it), not at each renewal.
      onError: (err) => void (o.storage.connectionLost?.(err) || o.log.error({ err: err.message }, "shard leases: a background step failed (the database?); leases not renewed in time are given up")),
      onDead: (servers) =>
        o.log.warn({ servers }, "a server's database session ended (it died): its shards are taken over now, not when their leases run out"),
      hooks: {
        acquired: (leases) => this.acquired(leases),
        releasing: (shards) => this.releasing(shards),
        lost: (shards) => this.lost(shards),
      },
    });
  }

  /** Connects to the broker and the bus; {@link join} then takes shards. */
  static async start(o: ClusterNodeOptions): Promise<ClusterNode> {
    const { hostname } = await import("node:os");
    const { randomBytes } = await import("node:crypto");
    const serverId = o.serverId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
    let node: ClusterNode | null = null;
    // One connection more than the rounds, the bus and the store list need: the shard leases' liveness lock holds it.
    const control = createPgPool(o.databaseUrl, { max: 4, applicationName: "footfall-cluster" }, (err) => void (o.storage.connectionLost?.(err) || o.log.warn({ err: err.message }, "PostgreSQL: a cluster connection failed")));
    const controlSockets = new PoolSockets([control]);
    // A second process under a live server's id (FOOTFALL_SERVER_ID copied to two machines) would take its MQTT client ids,
    // each kicking the other off every second, and its leases: refused before it connects anything.
    if (o.ingest !== false) {
      const twin = await liveServerNamed(control, serverId, o.ttlMs ?? DEFAULT_LEASE_TTL_MS).catch(async (err: unknown) => {
        await control.end().catch(() => {});
        throw err;
      });
      if (twin) {
        await control.end().catch(() => {});
        throw new Error(
          `a server named "${serverId}" is already running in this chain (heartbeat ${(twin.heartbeatAgeMs / 1000).toFixed(1)} s ago${twin.http ? `, ${twin.http}` : ""}): ` +
            "give each server its own FOOTFALL_SERVER_ID, or leave it unset (host name, pid and a random suffix)",
        );
      }
    }
    const broker = await ShardedBroker.connect({
      ...o.mqtt,
      serverId,
      log: o.log,
      handlers: o.handlers,
      budget: o.inflightBytes ? { ...DEFAULT_INFLIGHT_BUDGET, bytes: o.inflightBytes } : inflightBudgetFromEnv(),
      stallMs: o.stallMs ?? stallMsFromEnv(),
      onStallReconnect: (shard) => o.onStallReconnect?.(shard),
      onSessionLost: (shard) => node?.sessionLost(shard),
    }).catch(async (err: unknown) => {
      await control.end().catch(() => {});
      throw err;
    });
    node = new ClusterNode(o, broker, serverId, control);
    node.controlSockets = controlSockets;
    try {
      node.bus = await ClusterBus.start(control, {
        url: o.databaseUrl,
        serverId,
        log: o.log,
        connectionLost: (err) => o.storage.connectionLost?.(err) ?? false,
        onLive: (stores) => {
          for (const s of stores) if (!node.ingests(s)) o.analytics.invalidate(s);
          o.onRemoteLive(stores);
        },
        onLayout: (store) => void node.remoteLayout(store),
        onAlerts: (stores) => {
          // Read as the live notice has them read: an alert held on an agent gone offline reads the agents again.
          for (const s of stores) if (!node.ingests(s)) o.analytics.invalidate(s);
          o.onRemoteAlerts?.(stores);
        },
        onResync: () => void node.resync(),
      });
    } catch (err) {
      await broker.close().catch(() => {});
      await control.end().catch(() => {});
      throw err;
    }
    return node;
  }

  /** Joins the chain: a first round of leases at once (sessions of the shards taken connect), then a round every renewal period. */
  async join(): Promise<void> {
    if (this.o.ingest === false) {
      // A front: the store list only (the live push of a process's front asks its worker to tap the stores it follows).
      await this.discover();
      this.discovery = setInterval(() => void this.discover(), this.leases.renewEveryMs);
      this.discovery.unref();
      this.o.log.info({ front: this.serverId }, "joined the chain as a front (HTTP and live push; no shard lease)");
      return;
    }
    try {
      await this.discover();
      await this.leases.start();
    } catch (err) {
      await this.bus?.close().catch(() => {});
      await this.broker.close().catch(() => {});
      await this.control.end().catch(() => {});
      throw err;
    }
    this.discovery = setInterval(() => void this.discover(), this.leases.renewEveryMs);
    this.discovery.unref();
    this.tapCheck = setInterval(() => this.untapCaughtUp(), 1000);
    this.tapCheck.unref();
    this.o.log.info({ serverId: this.serverId, shards: this.leases.leases().map((l) => l.shard) }, "joined the chain");
  }

  get serverId(): string {
    return this.leases.serverId;
  }

  /** Whether this server ingests `store` now (holds its shard's lease). */
  ingests(store: string): boolean {
    return this.leases.lease(shardOf(store, this.leases.shards)) !== null;
  }

  /**
   * The ingest fence, first in every commit's transaction: the stores of `stores` whose shard this
   * server no longer holds with the epoch it was given (those rows are share-locked until the
   * commit, so a takeover waits for it).
   */
  async fence(tx: Storage, stores: readonly string[]): Promise<ReadonlySet<string>> {
    const client = this.o.storage.clientOf(tx);
    if (!client) throw new Error("cluster: the ingest fence needs the commit's PostgreSQL transaction");
    const shardOfStore = new Map(stores.map((s) => [s, shardOf(s, this.leases.shards)]));
    const held = new Map<number, Lease>();
    for (const shard of new Set(shardOfStore.values())) {
      // The database decides (owner and epoch under FOR KEY SHARE): a renewal that is merely late must not refuse a commit.
      const l = this.leases.lastLease(shard);
      if (l) held.set(shard, l);
    }
    const ok = await fence(client, this.serverId, [...held.values()]);
    return new Set(stores.filter((s) => !ok.has(shardOfStore.get(s)!)));
  }

  /** Events of `store` received by the live tap and not committed yet (empty unless its shard is being caught up on). */
  pending(store: string) {
    return this.tap.pending(store);
  }

  /** After a commit: these events of `store` are committed or known duplicates (the tap lets them go). */
  settled(store: string, ids: readonly string[]): void {
    this.tap.settled(store, ids);
  }

  private tapShard(shard: number): void {
    this.tapRound ??= { since: performance.now(), caughtUp: [] };
    this.tappedSince.set(shard, performance.now());
    this.tapWatched(shard);
  }

  /** Taps the stores of a tapped shard that a live client here follows (the pending events serve only this server's clients). */
  private tapWatched(shard: number): void {
    const watched = this.o.watched;
    this.tap.tap(watched ? this.storesOf(shard).filter((s) => watched(s)) : this.storesOf(shard));
  }

  private untapShard(shard: number): void {
    if (!this.tappedSince.delete(shard)) return;
    this.tap.untap(this.storesOf(shard));
  }

  /** Shards whose commits follow their newest messages again (or that are not held any more) are untapped. */
  private untapCaughtUp(): void {
    const now = performance.now();
    for (const [shard, since] of this.tappedSince) {
      if (!this.leases.lease(shard)) this.untapShard(shard);
      // Caught up: the shard's session reads its newest messages as they come (not stopped behind the inherited backlog),
      // and what the tap holds waits for its commit no longer than that. (The tap alone may hold nothing yet under load.)
      else if (now - since >= TAP_MIN_MS && this.broker.caughtUp(shard, TAP_CAUGHT_UP_MS) && this.tap.oldestWaitMs(this.storesOf(shard)) < TAP_CAUGHT_UP_MS) {
        this.untapShard(shard);
        this.tapRound?.caughtUp.push(shard);
        this.o.log.debug({ shard }, "live tap: the shard's commits follow its newest messages; its live view is the committed one again");
      } else this.tapWatched(shard); // a live client may have joined one of its stores since
    }
    // One line for a takeover's shards (not one a shard), once every shard tapped is caught up (or gone).
    if (this.tappedSince.size === 0 && this.tapRound) {
      const { since, caughtUp } = this.tapRound;
      this.tapRound = null;
      if (caughtUp.length > 0)
        this.o.log.info(
          { shards: caughtUp.sort((a, b) => a - b), tookS: Math.round((now - since) / 1000) },
          "live tap: the commits of the shards taken over follow their newest messages; their live views are the committed ones again",
        );
    }
  }

  /** The session of `shard` came back without it: its stores' retained messages are sent again (gathered with the other shards'). */
  private sessionLost(shard: number): void {
    this.retainedLost.add(shard);
    this.retainedLostTimer ??= setTimeout(() => {
      this.retainedLostTimer = null;
      // Shards handed over meanwhile are their new holder's to publish (it sends everything of them when it takes them).
      const shards = [...this.retainedLost].filter((s) => this.leases.lease(s) !== null).sort((a, b) => a - b);
      this.retainedLost.clear();
      const stores = shards.flatMap((s) => this.storesOf(s));
      if (shards.length === 0) return;
      this.o.log.warn(
        { shards, stores: stores.length },
        "the MQTT broker took shard sessions back without their sessions (restarted without persistence?): sending their stores' retained layouts, state topics and Home Assistant discovery again",
      );
      this.o.onRetainedLost?.(stores);
    }, RETAINED_LOST_GATHER_MS);
    this.retainedLostTimer.unref?.();
  }

  /** The ingesting server's stores changed: tell the others (coalesced). */
  changed(stores: Iterable<string>): void {
    this.bus?.changed(stores);
  }

  /** This server changed the stores' alerts: tell the others at once. */
  alertsChanged(stores: Iterable<string>): void {
    this.bus?.alertsChanged(stores);
  }

  /** A layout was saved here: a new store joins its shard's session; the other servers reload it. */
  async layoutSaved(layout: Layout): Promise<void> {
    this.known(layout.store);
    await this.bus
      ?.layoutSaved(layout.store)
      .catch((err: Error) =>
        this.o.log.warn({ err: err.message, store: layout.store }, "could not tell the other servers of a new layout; they reload layouts within a minute"),
      );
  }

  private async remoteLayout(store: string): Promise<void> {
    this.known(store);
    await this.o.layouts
      .reload(store)
      .catch((err: Error) => this.o.log.error({ err: err.message, store }, "could not reload a layout saved by another server"));
    if (!this.ingests(store)) this.o.analytics.invalidate(store);
    this.o.onRemoteLayout(store);
  }

  /**
   * After a gap in the notices: layouts held may be stale; read them again. The live and alert notices of the gap were
   * lost too: the figures of stores ingested elsewhere are read again, and every store's followers get its alerts again.
   */
  private async resync(): Promise<void> {
    await this.discover();
    for (const stores of this.byShard.values()) for (const s of stores) if (this.o.layouts.isLoaded(s)) await this.o.layouts.reload(s).catch(() => {});
    const all = [...this.byShard.values()].flatMap((stores) => [...stores]);
    for (const s of all) if (!this.ingests(s)) this.o.analytics.invalidate(s);
    this.o.onResync?.(all);
  }

  /** A store (maybe new): in its shard's set, and subscribed when the shard is held here. */
  private known(store: string): void {
    const shard = shardOf(store, this.leases.shards);
    let set = this.byShard.get(shard);
    if (!set) this.byShard.set(shard, (set = new Set()));
    if (set.has(store)) return;
    set.add(store);
    if (this.leases.lease(shard)) {
      this.broker.addStores(shard, [store]);
      this.o.onStoresTaken?.([store]);
    }
    if (this.tappedSince.has(shard)) this.tapWatched(shard);
  }

  /** Reads the store list: stores made by another server (a layout saved there) join their shard's session here. */
  private discover(): Promise<void> {
    // Stores with a layout, and stores that only have agents so far: their agents' events must reach the ingest, which
    // refuses them as `unknown_store` with a receipt, as one server does (no subscriber would let the broker drop them unseen).
    this.discovering ??= this.control
      .query<{ id: string }>("SELECT id FROM stores UNION SELECT DISTINCT store FROM agents")
      .then(
        ({ rows }) => {
          for (const r of rows) this.known(r.id);
        },
        (err: Error) => void (this.o.storage.connectionLost?.(err) || this.o.log.warn({ err: err.message }, "could not read the store list")),
      )
      .finally(() => (this.discovering = null));
    return this.discovering;
  }

  /** Every store known (stores with a layout or an agent). */
  stores(): string[] {
    return [...this.byShard.values()].flatMap((set) => [...set]);
  }

  private storesOf(shard: number): string[] {
    return [...(this.byShard.get(shard) ?? [])];
  }

  private async acquired(leases: readonly TakenLease[]): Promise<void> {
    const started = performance.now();
    // Shards taken after the first round (a takeover, a rebalance) may come with a backlog to catch up on.
    const takeover = this.tapCheck !== null;
    await this.discover();
    const opened: Promise<ShardOpened>[] = [];
    for (const { shard } of leases) {
      // Another server wrote these stores: their analytics are opened afresh at the next message.
      for (const s of this.storesOf(shard)) this.o.analytics.invalidate(s);
      opened.push(this.broker.take(shard, this.storesOf(shard)));
      // Its session may hold a backlog (a dead server's, or queued while nobody held it): the live view reads the newest messages meanwhile.
      if (takeover) this.tapShard(shard);
      this.o.onStoresTaken?.(this.storesOf(shard));
    }
    // The stores a live client here follows are opened first, on the interactive pool, before the inherited backlog's
    // commits open hundreds of others on the background one (they share this opening), and pushed as soon as it is open.
    const watched = this.o.watched;
    if (watched) {
      const live = leases.flatMap(({ shard }) => this.storesOf(shard)).filter((s) => watched(s));
      for (const s of live)
        void interactive(() => this.o.analytics.get(s)).then(
          () => this.o.onTapEvents?.([s]),
          (err: Error) => this.o.log.warn({ err: err.message, store: s }, "could not open a watched store taken over; its live view follows its next change"),
        );
    }
    // The other stores taken over are opened now, while their sessions connect and the broker sends their backlog: all of
    // them in two statements (PostgreSQL), their layouts in one. Their first commits opened them one by one (19 s in bench:chain).
    if (takeover) {
      const stores = leases.flatMap(({ shard }) => this.storesOf(shard));
      void this.o.analytics
        .openMany(stores)
        .catch((err: Error) => this.o.log.debug({ err: err.message }, "the stores taken over did not open ahead; their first commits open them"));
      void this.o.layouts
        .loadMany(stores)
        .catch((err: Error) => this.o.log.debug({ err: err.message }, "the layouts of the stores taken over did not load ahead; their first commits load them"));
    }
    void Promise.all(opened).then((o) => this.logTaken(leases, o, started));
  }

  /**
   * One line for the shards taken in one round (a takeover took 32 and logged a line for each session): which, from
   * which server, whether the broker kept their sessions (with what it queued for them), and how long until their
   * sessions were connected; a warning when some did not connect within the grace. The sessions' own lines are debug.
   */
  private logTaken(leases: readonly TakenLease[], opened: readonly ShardOpened[], started: number): void {
    const shards = leases.map((l) => l.shard);
    const from = [...new Set(leases.flatMap((l) => (l.from && l.from !== this.serverId ? [l.from] : [])))].sort();
    const mine = opened.filter((o) => !o.gone);
    const unconnected = shards.filter((_, i) => !opened[i]!.connected && !opened[i]!.gone);
    const fields = {
      shards,
      ...(from.length > 0 ? { from } : {}),
      stores: shards.reduce((n, s) => n + this.storesOf(s).length, 0),
      sessions: {
        kept: mine.filter((o) => o.sessionPresent === true).length,
        new: mine.filter((o) => o.sessionPresent === false).length,
        ...(unconnected.length > 0 ? { notConnected: unconnected.length } : {}),
      },
      tookMs: Math.round(performance.now() - started),
    };
    const what = `${shards.length === 1 ? "1 shard" : `${shards.length} shards`} taken${from.length > 0 ? ` over from ${from.join(", ")}` : ""}`;
    if (unconnected.length > 0)
      this.o.log.warn(
        { ...fields, unconnected },
        `${what}: ingesting their stores; ${unconnected.length} of their sessions have not connected to the broker in time and keep trying (/health says mqtt disconnected until they do)`,
      );
    else this.o.log.info(fields, `${what}: ingesting their stores`);
  }

  private async releasing(shards: readonly number[]): Promise<void> {
    for (const shard of shards) this.o.onStoresGiven?.(this.storesOf(shard));
    await Promise.all(shards.map((shard) => this.broker.hand(shard)));
    for (const shard of shards) {
      this.untapShard(shard);
      for (const s of this.storesOf(shard)) this.o.analytics.invalidate(s);
    }
    this.o.log.info({ shards }, "shards handed over");
  }

  private lost(shards: readonly number[]): void {
    for (const shard of shards) {
      this.o.onStoresGiven?.(this.storesOf(shard));
      this.broker.drop(shard);
      this.untapShard(shard);
      for (const s of this.storesOf(shard)) this.o.analytics.invalidate(s);
    }
    this.o.log.warn({ shards }, "shard leases lost (not renewed in time, or taken over): their sessions are closed");
  }

  /** Leaves the chain: hands every shard over (the others take them at once), then closes the broker link and the bus. */
  async close(): Promise<void> {
    if (this.discovery) clearInterval(this.discovery);
    if (this.tapCheck) clearInterval(this.tapCheck);
    if (this.retainedLostTimer) clearTimeout(this.retainedLostTimer);
    // Releasing the leases is not answered within STOP_WAIT_MS (the link to PostgreSQL died silently: no answer ever
    // comes): the control connections' sockets are destroyed, its queries fail, and the leases run out on their own.
    let dead = false;
    if (this.o.ingest !== false) {
      const stopped = this.leases.stop().catch((err: Error) => this.o.log.warn({ err: err.message }, "could not release the shard leases; they run out on their own"));
      dead = await lateBy(stopped, STOP_WAIT_MS);
      if (dead) this.destroyControl();
      await stopped;
    }
    await this.broker.close();
    await this.tap.close();
    await this.bus?.close();
    // The pool's end ends its idle connections politely without waiting: on a dead link their sockets would stay open.
    if (dead) this.destroyControl();
    // It waits for the connections in use (a bus's notice given up on a dead link): not answered in time, their sockets are destroyed.
    const ended = this.control.end().catch(() => {});
    if (await lateBy(ended, STOP_WAIT_MS)) this.destroyControl();
    await ended;
  }

  private destroyControl(): void {
    // Those connected, and those being connected: a connect on a dead link is never answered either.
    this.controlSockets?.destroy();
  }
}

