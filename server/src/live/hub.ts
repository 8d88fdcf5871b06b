import { Server as SocketServer, type Socket } from "socket.io";
import type { Server as HttpServer } from "node:http";
import { isId, type FootfallEvent, type Occupancy } from "@footfall/core";
import { bearerToken, mayAccessStore, scopeOf, withGroupStores } from "../plugins/auth.js";
import { roleAllows } from "../auth/roles.js";
import type { Principal } from "../storage/types.js";
import type { Services } from "../services.js";
import { liveAlerts } from "../alerts/live.js";
import { interactive } from "../storage/interactive.js";
import { withTracking, zonesNotCountedNow } from "../analytics/zone-tracking.js";

const room = (store: string) => `store:${store}`;

/**
 * How often the server pings each live client, and how long a client waits past that before it takes
 * the link for dead (socket.io's engine sends both in its handshake): a tablet knows within 15 s.
 */
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
  private readonly timers: NodeJS.Timeout[] = [];
  /** The push or sweep running now: the next tick skips while one runs (a slow database never piles them up). */
  private pushing: Promise<void> | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(
    http: HttpServer,
    private readonly services: Services,
    intervalMs = 100,
    /** Events of a store received and not committed yet (a chain's server catching up on a shard it took over: cluster/live-tap.ts). */
    private readonly pending: (store: string) => readonly FootfallEvent[] = () => [],
  ) {
    // A tablet whose link dies without a word (Wi-Fi dropped, a NAT forgetting it) hears no ping and says
    // "reconnecting" within LIVE_PING.intervalMs + LIVE_PING.timeoutMs (socket.io's 25 s + 20 s left its figures "Live" for 45 s).
    this.io = new SocketServer(http, { serveClient: false, transports: ["websocket", "polling"], cors: { origin: false }, pingInterval: LIVE_PING.intervalMs, pingTimeout: LIVE_PING.timeoutMs });
    this.io.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown })?.token ?? bearerToken(socket.handshake.headers.authorization);
      (typeof token === "string" ? interactive(() => services.storage.tokens.check(token, services.now())) : Promise.resolve(null)).then(
        (c) => {
          if (!c?.ok) return next(new Error(c && c.why !== "unknown" ? `unauthorized: this token was ${c.why}` : "unauthorized: send a valid API token as auth.token"));
          if (!roleAllows(c.principal.role, "staff")) return next(new Error(`forbidden: role "${c.principal.role}" cannot see live occupancy`));
          socket.data.principal = c.principal;
          next();
        },
        (err: Error) => next(new Error(`unavailable: the token could not be checked (${err.message}); try again`)),
      );
    });
    this.io.on("connection", (socket) => this.onConnection(socket));
    // Revocation takes effect at once: through the API in this process, at once; through the CLI
    // (another process) or by expiry, at the next sweep, within a second.
    services.storage.tokens.onRevoked((id) => this.dropToken(id, "revoked"));
    // Reads for live clients run on the storage's interactive pool (PostgreSQL), not behind a chain server's background reads.
    this.timers.push(setInterval(() => (this.pushing ??= interactive(() => this.pushChanges()).finally(() => (this.pushing = null))), intervalMs));
    // Abandoned visits expire and the door total resets at midnight without any event: look every second.
    this.timers.push(setInterval(() => (this.sweeping ??= this.sweep().finally(() => (this.sweeping = null))), 1000));
    for (const t of this.timers) t.unref();
  }

  private onConnection(socket: Socket): void {
    this.services.metrics.liveClients.inc();
    socket.on("disconnect", () => this.services.metrics.liveClients.dec());
    socket.on("join", (store: unknown, ack?: (r: { ok: boolean; error?: string }) => void) => interactive(() => this.join(socket, store, ack)));
  }

  /** A client joins a store's room: its occupancy now at once, then its alerts. */
  private async join(socket: Socket, store: unknown, ack?: (r: { ok: boolean; error?: string }) => void): Promise<void> {
    const reply = typeof ack === "function" ? ack : () => {};
    if (!isId(store)) return reply({ ok: false, error: "join needs a store id" });
    let principal = socket.data.principal as Principal;
    try {
      // A group's stores are read at each join, so a store taken out of the group is refused from then on.
      principal = await withGroupStores(principal, this.services.storage);
    } catch (err) {
      this.services.log.error({ err: (err as Error).message, store }, "could not read the token's group");
      return reply({ ok: false, error: "the token's group cannot be read now; try again" });
    }
    if (!mayAccessStore(principal, store)) return reply({ ok: false, error: `this token is limited to ${scopeOf(principal)}` });
    let snapshot: Occupancy | null;
    try {
      snapshot = await this.versioned(store);
    } catch (err) {
      this.services.log.error({ err: (err as Error).message, store }, "could not read the live occupancy");
      return reply({ ok: false, error: "the live figures cannot be read now; try again" });
    }
    if (!snapshot) return reply({ ok: false, error: `store "${store}" not found or has no layout` });
    for (const r of socket.rooms) if (r.startsWith("store:")) await socket.leave(r);
    await socket.join(room(store));
    reply({ ok: true });
    socket.emit("occupancy", snapshot);
    await liveAlerts(this.services, store).then(
      (a) => socket.emit("alerts", a),
      (err: Error) => this.services.log.error({ err: err.message, store }, "could not read the store's alerts"),
    );
  }

  /** Whether a client of this server follows `store`. */
  watching(store: string): boolean {
    return (this.io.sockets.adapter.rooms.get(room(store))?.size ?? 0) > 0;
  }

  /** Mark stores whose figures may have changed. */
  touch(stores: Iterable<string>): void {
    for (const s of stores) this.dirty.add(s);
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
      if ((this.io.sockets.adapter.rooms.get(room(store))?.size ?? 0) === 0) continue;
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
        this.services.log.error({ err: (err as Error).message, store }, "could not read the live occupancy; trying again at the next change");
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

  /** The store's active alerts and warning thresholds, when they changed (event `alerts`). */
  private async pushAlerts(store: string): Promise<void> {
    try {
      const a = await liveAlerts(this.services, store);
      const key = JSON.stringify(a);
      if (this.lastAlerts.get(store) === key) return;
      this.lastAlerts.set(store, key);
      this.io.to(room(store)).emit("alerts", a);
    } catch (err) {
      this.services.log.error({ err: (err as Error).message, store }, "could not read the store's alerts; trying again at the next change");
    }
  }

  /** Disconnects every socket signed in with the token `id`, telling it why first. */
  private dropToken(id: string, why: "revoked" | "expired"): void {
    for (const socket of this.io.sockets.sockets.values()) {
      if ((socket.data.principal as Principal | undefined)?.tokenId !== id) continue;
      socket.emit("signed_out", { reason: `this token was ${why}` });
      socket.disconnect(true);
    }
  }

  /** Disconnects the sockets whose token was revoked (by another process) or has expired. */
  private async checkTokens(now: number): Promise<void> {
    const ids = new Set<string>();
    for (const socket of this.io.sockets.sockets.values()) {
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
    for (const socket of this.io.sockets.sockets.values()) {
      const p = socket.data.principal as Principal | undefined;
      if (!p || p.store !== null || p.group === null) continue;
      byGroup.set(p.group, [...(byGroup.get(p.group) ?? []), socket]);
    }
    for (const [group, sockets] of byGroup) {
      const members = new Set(await this.services.storage.groups.storesOf(group));
      for (const socket of sockets) {
        if ([...socket.rooms].some((r) => r.startsWith("store:") && !members.has(r.slice("store:".length)))) socket.disconnect(true);
      }
    }
  }

  private async sweep(): Promise<void> {
    const now = this.services.now();
    try {
      await this.checkTokens(now);
      await this.checkGroups();
    } catch (err) {
      this.services.log.error({ err: (err as Error).message }, "could not check the live clients' tokens");
    }
    for (const [store, a] of this.services.analytics.loaded()) {
      a.expire(now);
      if ((this.io.sockets.adapter.rooms.get(room(store))?.size ?? 0) > 0) this.dirty.add(store);
    }
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await Promise.all([this.pushing, this.sweeping]);
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
  }
}
