import { Server as SocketServer, type Namespace, type Socket } from "socket.io";
import type { Server as HttpServer } from "node:http";
import { isId, type FootfallEvent, type Occupancy } from "@footfall/core";
import { bearerToken, mayAccessStore, scopeOf, withGroupStores } from "../plugins/auth.js";
import { roleAllows } from "../auth/roles.js";
import type { Principal, Role } from "../storage/types.js";
import type { Services } from "../services.js";
import { liveAlerts, type LiveAlerts } from "../alerts/live.js";
import { READERS as ALERT_READERS } from "../alerts/routes.js";
import { interactive } from "../storage/interactive.js";
import { withTracking, zonesNotCountedNow } from "../analytics/zone-tracking.js";

const room = (store: string) => `store:${store}`;
/** The room of a store's alerts in the {@link ALERTS_NAMESPACE} namespace. */
const alertsRoom = (store: string) => `alerts:${store}`;

/**
 * The alerts-only link (Socket.IO namespace): every role that reads a store's alerts (GET .../alerts's, viewers and
 * merchandisers too) `join`s a store there and gets its `alerts` at once and at each change, never `occupancy` (the
 * live figures stay staff's and admins'). The web app's header sign follows it instead of polling the alerts list.
 */
export const ALERTS_NAMESPACE = "/alerts";
/**
 * A store watched only for its alerts is read at most this often (ms) on a touch that may not have changed them: its
 * commits touch it up to 10 times a second, yet its alerts change only when the evaluator says so. The evaluator of this
 * server says so (`touch(stores, true)`), and a chain's other servers by their alert notice (cluster/bus.ts
 * ALERTS_CHANNEL): read at once, at a push of its own; a change only a live notice tells of (it does not say what
 * changed: a server of an older version) within this.
 */
export const ALERTS_ONLY_READ_MS = 1000;

/**
 * How often the server pings each live client, and how long a client waits past that before it takes
 * the link for dead (socket.io's engine sends both in its handshake): a tablet knows within 15 s.
 */
/** Options of the {@link LiveHub} besides its push interval. */
export interface LiveHubOptions {
  /** {@link ALERTS_ONLY_READ_MS} (tests make it long, to tell an alert notice's push from this round's). */
  alertsOnlyReadMs?: number;
}

export const LIVE_PING = { intervalMs: 10_000, timeoutMs: 5_000 } as const;

/**
 * Live occupancy over Socket.IO. Clients authenticate with the API token (`auth: {token}`),
 * `join` a store, and get `occupancy` right away and then whenever a figure changes, at most
 * once per `intervalMs` (100 ms: 10 a second).
 */
export class LiveHub {
  readonly io: SocketServer;
  private readonly dirty = new Set<string>();
  private readonly last = new Map<string, string>();
  private readonly lastAlerts = new Map<string, string>();
  /** When each store watched only for its alerts was last read (server clock, ms). */
  private readonly alertsReadAt = new Map<string, number>();
  /** Stores whose alerts this server's evaluator changed since their last push: read at the next, whenever the last was. */
  private readonly alertsChanged = new Set<string>();
  /** A store's alerts being read now: sockets joining meanwhile share the read (a server restart brings every header back at once). */
  private readonly alertsReads = new Map<string, Promise<{ alerts: LiveAlerts; pushes: number }>>();
  /** How many times each store's alerts were pushed (a join compares it with the count when its read began). */
  private readonly alertsPushes = new Map<string, number>();
  /** The alerts-only namespace ({@link ALERTS_NAMESPACE}). */
  readonly alerts: Namespace;
  private readonly timers: NodeJS.Timeout[] = [];
  /** The push or sweep running now: the next tick skips while one runs (a slow database never piles them up). */
  private pushing: Promise<void> | null = null;
  /** A push asked for at once (an alert change), before the next tick. */
  private pushSoon: ReturnType<typeof setImmediate> | null = null;
  private readonly alertsOnlyReadMs: number;
  private closed = false;
  private sweeping: Promise<void> | null = null;

  constructor(
    http: HttpServer,
    private readonly services: Services,
    intervalMs = 100,
    /** Events of a store received and not committed yet (a chain's server catching up on a shard it took over: cluster/live-tap.ts). */
    private readonly pending: (store: string) => readonly FootfallEvent[] = () => [],
    options: LiveHubOptions = {},
  ) {
    this.alertsOnlyReadMs = options.alertsOnlyReadMs ?? ALERTS_ONLY_READ_MS;
    // A tablet whose link dies without a word (Wi-Fi dropped, a NAT forgetting it) hears no ping and says
    // "reconnecting" within LIVE_PING.intervalMs + LIVE_PING.timeoutMs (socket.io's 25 s + 20 s left its figures "Live" for 45 s).
    this.io = new SocketServer(http, { serveClient: false, transports: ["websocket", "polling"], cors: { origin: false }, pingInterval: LIVE_PING.intervalMs, pingTimeout: LIVE_PING.timeoutMs });
    this.io.use(this.admit(["staff"], (role) => `forbidden: role "${role}" cannot see live occupancy`));
    this.io.on("connection", (socket) => this.onConnection(socket));
    this.alerts = this.io.of(ALERTS_NAMESPACE);
    this.alerts.use(this.admit(ALERT_READERS, (role) => `forbidden: role "${role}" cannot read alerts`));
    this.alerts.on("connection", (socket) => this.onAlertsConnection(socket));
    // Revocation takes effect at once: through the API in this process, at once; through the CLI
    // (another process) or by expiry, at the next sweep, within a second.
    services.storage.tokens.onRevoked((id) => this.dropToken(id, "revoked"));
    // Reads for live clients run on the storage's interactive pool (PostgreSQL), not behind a chain server's background reads.
    this.timers.push(setInterval(() => this.push(), intervalMs));
    // Abandoned visits expire and the door total resets at midnight without any event: look every second.
    this.timers.push(setInterval(() => (this.sweeping ??= this.sweep().finally(() => (this.sweeping = null))), 1000));
    for (const t of this.timers) t.unref();
  }

  /** The handshake's check: a valid token (auth.token or a bearer header) of a role holding one of `allowed`. */
  private admit(allowed: readonly Role[], refused: (role: Role) => string): (socket: Socket, next: (err?: Error) => void) => void {
    const services = this.services;
    return (socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown })?.token ?? bearerToken(socket.handshake.headers.authorization);
      (typeof token === "string" ? interactive(() => services.storage.tokens.check(token, services.now())) : Promise.resolve(null)).then(
        (c) => {
          if (!c?.ok) return next(new Error(c && c.why !== "unknown" ? `unauthorized: this token was ${c.why}` : "unauthorized: send a valid API token as auth.token"));
          if (!roleAllows(c.principal.role, allowed)) return next(new Error(refused(c.principal.role)));
          socket.data.principal = c.principal;
          next();
        },
        (err: Error) => next(new Error(`unavailable: the token could not be checked (${err.message}); try again`)),
      );
    };
  }

  private onConnection(socket: Socket): void {
    this.services.metrics.liveClients.inc();
    socket.on("disconnect", () => this.services.metrics.liveClients.dec());
    socket.on("join", (store: unknown, ack?: (r: { ok: boolean; error?: string }) => void) => interactive(() => this.join(socket, store, ack)));
  }

  private onAlertsConnection(socket: Socket): void {
    this.services.metrics.liveClients.inc();
    socket.on("disconnect", () => this.services.metrics.liveClients.dec());
    socket.on("join", (store: unknown, ack?: (r: { ok: boolean; error?: string }) => void) => interactive(() => this.joinAlerts(socket, store, ack)));
  }

  /**
   * Whether the socket's token may follow `store` (its one store, its group's stores read now, or every store); else
   * replies why. A group's stores are read at each join, so a store taken out of the group is refused from then on.
   */
  private async mayFollow(socket: Socket, store: string, reply: (r: { ok: boolean; error?: string }) => void): Promise<boolean> {
    let principal = socket.data.principal as Principal;
    try {
      principal = await withGroupStores(principal, this.services.storage);
    } catch (err) {
      if (!this.services.storage.connectionLost?.(err)) this.services.log.error({ err: (err as Error).message, store }, "could not read the token's group");
      reply({ ok: false, error: "the token's group cannot be read now; try again" });
      return false;
    }
    if (mayAccessStore(principal, store)) return true;
    reply({ ok: false, error: `this token is limited to ${scopeOf(principal)}` });
    return false;
  }

  /** A client joins a store's room: its occupancy now at once, then its alerts. */
  private async join(socket: Socket, store: unknown, ack?: (r: { ok: boolean; error?: string }) => void): Promise<void> {
    const reply = typeof ack === "function" ? ack : () => {};
    if (!isId(store)) return reply({ ok: false, error: "join needs a store id" });
    if (!(await this.mayFollow(socket, store, reply))) return;
    let snapshot: Occupancy | null;
    try {
      snapshot = await this.versioned(store);
    } catch (err) {
      if (!this.services.storage.connectionLost?.(err)) this.services.log.error({ err: (err as Error).message, store }, "could not read the live occupancy");
      return reply({ ok: false, error: "the live figures cannot be read now; try again" });
    }
    if (!snapshot) return reply({ ok: false, error: `store "${store}" not found or has no layout` });
    for (const r of socket.rooms) if (r.startsWith("store:")) await socket.leave(r);
    this.firstFollower(store);
    await socket.join(room(store));
    reply({ ok: true });
    socket.emit("occupancy", snapshot);
    await this.readAlerts(store).then(
      (a) => {
        socket.emit("alerts", a.alerts);
        this.missedPush(store, a.pushes);
      },
      (err: Error) => {
        if (!this.services.storage.connectionLost?.(err)) this.services.log.error({ err: err.message, store }, "could not read the store's alerts");
      },
    );
  }

  /** A client of the alerts-only namespace follows a store: its alerts at once, then at each change; no occupancy. */
  private async joinAlerts(socket: Socket, store: unknown, ack?: (r: { ok: boolean; error?: string }) => void): Promise<void> {
    const reply = typeof ack === "function" ? ack : () => {};
    if (!isId(store)) return reply({ ok: false, error: "join needs a store id" });
    if (!(await this.mayFollow(socket, store, reply))) return;
    let alerts: { alerts: LiveAlerts; pushes: number };
    try {
      await this.services.layouts.load(store);
      if (!this.services.layouts.current(store, this.services.now())) return reply({ ok: false, error: `store "${store}" not found or has no layout` });
      alerts = await this.readAlerts(store);
    } catch (err) {
      if (!this.services.storage.connectionLost?.(err)) this.services.log.error({ err: (err as Error).message, store }, "could not read the store's alerts");
      return reply({ ok: false, error: "the store's alerts cannot be read now; try again" });
    }
    for (const r of socket.rooms) if (r.startsWith("alerts:")) await socket.leave(r);
    this.firstFollower(store);
    await socket.join(alertsRoom(store));
    reply({ ok: true });
    socket.emit("alerts", alerts.alerts);
    this.missedPush(store, alerts.pushes);
  }

  /**
   * A push of the store's alerts went out while a join's read of them was under way (`pushes`: the count when it began),
   * before the socket joined or before its read answered: the join sent what it read, maybe from before that change, and
   * the push's key holds the change, so the socket would keep the older alerts till the next change. The next push sends
   * the store's alerts again, to every follower (one read for all the joins meanwhile).
   */
  private missedPush(store: string, pushes: number): void {
    if ((this.alertsPushes.get(store) ?? 0) === pushes) return;
    this.lastAlerts.delete(store);
    this.touch([store], true);
  }

  /** The store's alerts as the live link sends them, and the pushes before the read began; joins at the same time share one read. */
  private readAlerts(store: string): Promise<{ alerts: LiveAlerts; pushes: number }> {
    let read = this.alertsReads.get(store);
    if (!read) {
      const pushes = this.alertsPushes.get(store) ?? 0;
      read = liveAlerts(this.services, store)
        .then((alerts) => ({ alerts, pushes }))
        .finally(() => this.alertsReads.delete(store));
      this.alertsReads.set(store, read);
    }
    return read;
  }

  /** How many clients of this server follow the store's occupancy, and how many only its alerts. */
  private followers(store: string): { occupancy: number; alerts: number } {
    return { occupancy: this.io.sockets.adapter.rooms.get(room(store))?.size ?? 0, alerts: this.alerts.adapter.rooms.get(alertsRoom(store))?.size ?? 0 };
  }

  /** Every client socket of this server: the live link's and the alerts-only link's. */
  private allSockets(): Socket[] {
    return [...this.io.sockets.sockets.values(), ...this.alerts.sockets.values()];
  }

  /**
   * A store nobody on this server followed until this join: what was pushed of its alerts last is forgotten, so that
   * their next change is pushed whatever it is. Its alerts changed meanwhile unpushed (nobody followed), and the join
   * sends them as they are now: an alert that fired meanwhile and then ended read as the last pushed, and its end was
   * never pushed (a tablet showed it till the next change, a viewer's header till its 60 s fallback ask).
   */
  private firstFollower(store: string): void {
    const f = this.followers(store);
    if (f.occupancy + f.alerts === 0) this.lastAlerts.delete(store);
  }

  /** Whether a client of this server follows `store`. */
  watching(store: string): boolean {
    return (this.io.sockets.adapter.rooms.get(room(store))?.size ?? 0) > 0;
  }

  /**
   * Mark stores whose figures may have changed; `alertsChanged`: their alerts did (the evaluator's word, here or on
   * another server of a chain): pushed at once, not at the next tick.
   */
  touch(stores: Iterable<string>, alertsChanged = false): void {
    let followed = false;
    for (const s of stores) {
      this.dirty.add(s);
      if (!alertsChanged) continue;
      this.alertsChanged.add(s);
      const f = this.followers(s);
      followed ||= f.occupancy + f.alerts > 0;
    }
    if (followed && !this.pushSoon && !this.closed) {
      this.pushSoon = setImmediate(() => {
        this.pushSoon = null;
        this.push();
      });
    }
  }

  /** Pushes what changed, unless a push runs now (the next tick or touch takes what it left). */
  private push(): void {
    this.pushing ??= interactive(() => this.pushChanges()).finally(() => (this.pushing = null));
  }

  private async snapshot(store: string): Promise<Occupancy | null> {
    await this.services.layouts.load(store);
    const layout = this.services.layouts.current(store, this.services.now());
    if (!layout) return null;
    const analytics = await this.services.analytics.get(store);
    const now = this.services.now();
    // Zones nothing counts now (every agent of theirs offline, silent or revoked) say so: the sweep marks a watched store dirty each second, so a tablet learns within a second or so.
    const [occ, notCounted] = await Promise.all([
      analytics.occupancy(now, layout.timezone, layout.zones, this.pending(store)),
      zonesNotCountedNow(this.services, store, layout.zones.map((z) => z.id), now, layout.timezone),
    ]);
    return withTracking(occ, analytics.liveSource(), notCounted);
  }

  private async pushChanges(): Promise<void> {
    for (const store of [...this.dirty]) {
      this.dirty.delete(store);
      const alertsChanged = this.alertsChanged.delete(store);
      const following = this.followers(store);
      if (following.occupancy === 0) {
        if (following.alerts === 0) continue;
        // Followed for its alerts only: no occupancy is read, and the alerts once a second at most (the store stays dirty till then).
        const now = Date.now();
        if (!alertsChanged && now - (this.alertsReadAt.get(store) ?? -Infinity) < this.alertsOnlyReadMs) {
          this.dirty.add(store);
          continue;
        }
        this.alertsReadAt.set(store, now);
        await this.pushAlerts(store);
        continue;
      }
      // The alerts and the occupancy are read side by side (one wait for the database, not two).
      const [, read] = await Promise.all([
        this.pushAlerts(store),
        this.versioned(store).then(
          (snap) => ({ snap }),
          (err: unknown) => ({ err }),
        ),
      ]);
      let snap: Occupancy | null;
      try {
        if ("err" in read) throw read.err;
        snap = read.snap;
      } catch (err) {
        // PostgreSQL not answering is said once per outage by its storage, not here each second for each store.
        if (!this.services.storage.connectionLost?.(err)) this.services.log.error({ err: (err as Error).message, store }, "could not read the live occupancy; trying again at the next change");
        continue;
      }
      if (!snap) continue;
      const key = JSON.stringify({ ...snap, ts: 0 });
      if (this.last.get(store) === key) continue;
      this.last.set(store, key);
      this.io.to(room(store)).emit("occupancy", snap);
    }
  }

  /**
   * The live figures with the version of the layout in force they are counted on: a zone renamed or moved keeps its id,
   * so only the version tells a tablet that its plan and names are old (it fetches the layout), and a push follows the change.
   */
  private async versioned(store: string): Promise<Occupancy | null> {
    const snap = await this.snapshot(store);
    const version = this.services.layouts.current(store, this.services.now())?.version;
    return snap && version !== undefined ? { ...snap, layoutVersion: version } : snap;
  }

  /**
   * The store's active alerts and warning thresholds, when they changed (event `alerts`): read once, sent to the clients
   * following its occupancy and to those following only its alerts.
   */
  private async pushAlerts(store: string): Promise<void> {
    try {
      const a = await liveAlerts(this.services, store);
      const key = JSON.stringify(a);
      if (this.lastAlerts.get(store) === key) return;
      this.lastAlerts.set(store, key);
      this.alertsPushes.set(store, (this.alertsPushes.get(store) ?? 0) + 1);
      this.io.to(room(store)).emit("alerts", a);
      this.alerts.to(alertsRoom(store)).emit("alerts", a);
    } catch (err) {
      if (!this.services.storage.connectionLost?.(err)) this.services.log.error({ err: (err as Error).message, store }, "could not read the store's alerts; trying again at the next change");
    }
  }

  /** Disconnects every socket signed in with the token `id`, telling it why first. */
  private dropToken(id: string, why: "revoked" | "expired"): void {
    for (const socket of this.allSockets()) {
      if ((socket.data.principal as Principal | undefined)?.tokenId !== id) continue;
      socket.emit("signed_out", { reason: `this token was ${why}` });
      socket.disconnect(true);
    }
  }

  /** Disconnects the sockets whose token was revoked (by another process) or has expired. */
  private async checkTokens(now: number): Promise<void> {
    const ids = new Set<string>();
    for (const socket of this.allSockets()) {
      const p = socket.data.principal as Principal | undefined;
      if (p) ids.add(p.tokenId);
    }
    for (const id of ids) {
      if (await this.services.storage.tokens.isValid(id, now)) continue;
      this.dropToken(id, (await this.services.storage.tokens.get(id))?.revokedAt != null ? "revoked" : "expired");
    }
  }

  /**
   * Disconnects the sockets of a token limited to a group that follow a store no longer in the group
   * (its members are read again here, as HTTP reads them at every request): the client joins again
   * and is refused, saying what the token is limited to.
   */
  private async checkGroups(): Promise<void> {
    const byGroup = new Map<string, Socket[]>();
    for (const socket of this.allSockets()) {
      const p = socket.data.principal as Principal | undefined;
      if (!p || p.store !== null || p.group === null) continue;
      byGroup.set(p.group, [...(byGroup.get(p.group) ?? []), socket]);
    }
    for (const [group, sockets] of byGroup) {
      const members = new Set(await this.services.storage.groups.storesOf(group));
      for (const socket of sockets) {
        if ([...socket.rooms].some((r) => /^(store|alerts):/.test(r) && !members.has(r.slice(r.indexOf(":") + 1)))) socket.disconnect(true);
      }
    }
  }

  private async sweep(): Promise<void> {
    const now = this.services.now();
    try {
      await this.checkTokens(now);
      await this.checkGroups();
    } catch (err) {
      if (!this.services.storage.connectionLost?.(err)) this.services.log.error({ err: (err as Error).message }, "could not check the live clients' tokens");
    }
    for (const [store, a] of this.services.analytics.loaded()) {
      a.expire(now);
      if ((this.io.sockets.adapter.rooms.get(room(store))?.size ?? 0) > 0) this.dirty.add(store);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    if (this.pushSoon) clearImmediate(this.pushSoon);
    this.pushSoon = null;
    await Promise.all([this.pushing, this.sweeping]);
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
  }
}
