/**
 * Live occupancy: one small external store keyed by store id, read with useSyncExternalStore, so a
 * tablet re-renders only when its store's figures or connection state change (Frigate's `ws.ts`).
 * One Socket.IO connection per watched store: `occupancy` messages carry no store id, so a socket
 * that joined one store cannot mix two up. The socket reconnects by itself and re-joins.
 * (this project) A store's `alerts` channel is the server's alerts-only link (namespace `/alerts`, every role that
 * reads alerts: viewers' and merchandisers' header sign): the same join and `alerts` pushes, no occupancy.
 */
import type { Occupancy } from "@footfall/core";
import type { LiveAlerts } from "../api/alerts.js";

export type LiveStatus = "connecting" | "live" | "reconnecting" | "refused";
/** What a store's link follows: its live occupancy and alerts (staff, admins), or only its alerts (every role). */
export type LiveChannel = "live" | "alerts";

export interface LiveSnapshot {
  status: LiveStatus;
  occupancy: Occupancy | null;
  /** Why the server refused the connection or the join. */
  error: string | null;
  /** When the last occupancy message arrived (client clock). */
  receivedAt: number | null;
  /** When the connection was lost, while reconnecting. */
  lostAt: number | null;
  /** The store's active alerts and warning thresholds (servers with alert rules send them). */
  alerts?: LiveAlerts | null;
}

/** The slice of a socket.io-client `Socket` the store uses (a fake stands in for it in tests). */
export interface SocketLike {
  readonly active: boolean;
  on(event: string, fn: (...args: never[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  connect(): unknown;
  disconnect(): unknown;
  /** The Manager: its `ping` is the server's heartbeat (absent in fakes that do not play it). */
  readonly io?: { on(event: "ping", fn: () => void): unknown };
}
export type SocketFactory = () => SocketLike;

const INITIAL: LiveSnapshot = { status: "connecting", occupancy: null, error: null, receivedAt: null, lostAt: null };
/** How long to wait before asking again after the server refused us (the token may be fixed meanwhile). */
export const REFUSED_RETRY_MS = 15_000;
/**
 * A live link silent for longer than this is dead: the server pings every 10 s and hangs up on a link
 * that does not answer within 5 s (server/src/live), so 15 s of silence is already one ping missed.
 */
export const SILENT_MS = 20_000;

interface Entry {
  socket: SocketLike;
  snapshot: LiveSnapshot;
  listeners: Set<() => void>;
  retry: ReturnType<typeof setTimeout> | null;
  /** When the server was last heard from (a connect, a push, a heartbeat), client clock. */
  heardAt: number;
}

/** An entry's key: the store's id for its live link, with the channel after a space (no id holds one) for another. */
const keyOf = (store: string, channel: LiveChannel) => (channel === "live" ? store : `${store} ${channel}`);

export class LiveStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly connect: (store: string, channel: LiveChannel) => SocketLike,
    private readonly now: () => number = () => Date.now(),
  ) {}

  subscribe = (store: string, listener: () => void, channel: LiveChannel = "live"): (() => void) => {
    const key = keyOf(store, channel);
    const entry = this.entries.get(key) ?? this.open(store, channel);
    entry.listeners.add(listener);
    return () => {
      entry.listeners.delete(listener);
      if (entry.listeners.size === 0) this.closeEntry(key);
    };
  };

  getSnapshot = (store: string, channel: LiveChannel = "live"): LiveSnapshot => this.entries.get(keyOf(store, channel))?.snapshot ?? INITIAL;

  close(): void {
    for (const key of [...this.entries.keys()]) this.closeEntry(key);
  }

  /**
   * The device woke (the page visible again, the network back): a link that says "live" but has been
   * silent longer than the server's heartbeat allows died meanwhile (a tablet asleep for an hour
   * misses the server's hang-up, and its timers, stopped while asleep, would notice only up to 15 s
   * later, showing the hour-old figures as live until then). Such a link is dropped and opened again
   * at once: the page says it is reconnecting and that its figures may be out of date, and the
   * re-join brings the store's figures now.
   */
  wake = (): void => {
    const now = this.now();
    for (const entry of this.entries.values()) {
      if (entry.snapshot.status !== "live" || now - entry.heardAt <= SILENT_MS) continue;
      entry.snapshot = { ...entry.snapshot, lostAt: entry.heardAt };
      entry.socket.disconnect();
      entry.socket.connect();
    }
  };

  private open(store: string, channel: LiveChannel): Entry {
    const key = keyOf(store, channel);
    const socket = this.connect(store, channel);
    const entry: Entry = { socket, snapshot: INITIAL, listeners: new Set(), retry: null, heardAt: this.now() };
    const heard = () => void (entry.heardAt = this.now());
    socket.io?.on("ping", heard);
    this.entries.set(key, entry);
    const set = (patch: Partial<LiveSnapshot>) => {
      if (this.entries.get(key) !== entry) return;
      entry.snapshot = { ...entry.snapshot, ...patch };
      for (const l of entry.listeners) l();
    };
    const join = () => {
      socket.emit("join", store, (ack: { ok: boolean; error?: string } | undefined) => {
        if (this.entries.get(key) !== entry) return;
        if (ack?.ok) return set({ status: "live", error: null, lostAt: null });
        set({ status: "refused", error: ack?.error ?? "the server did not accept this store" });
        // A refused join ("the live figures cannot be read now", a layout not saved yet) is asked
        // again by ourselves, on the same connection: a tablet left alone must recover.
        if (entry.retry) clearTimeout(entry.retry);
        entry.retry = setTimeout(() => {
          entry.retry = null;
          if (this.entries.get(key) === entry && entry.snapshot.status === "refused") join();
        }, REFUSED_RETRY_MS);
      });
    };
    socket.on("connect", () => {
      heard();
      if (entry.retry) clearTimeout(entry.retry);
      entry.retry = null;
      join();
    });
    socket.on("occupancy", (occupancy: Occupancy) => {
      heard();
      if (!entry.snapshot.occupancy) performance.mark("footfall:first-occupancy");
      set({ occupancy, receivedAt: this.now(), ...(entry.snapshot.status !== "live" ? { status: "live", lostAt: null } : {}) });
    });
    socket.on("alerts", (alerts: LiveAlerts) => {
      heard();
      set({ alerts });
    });
    socket.on("disconnect", (reason: string) => {
      set({ status: "reconnecting", lostAt: entry.snapshot.lostAt ?? this.now() });
      // The server hung up on purpose (e.g. a restart): socket.io leaves reconnecting to us.
      if (reason === "io server disconnect") socket.connect();
    });
    socket.on("connect_error", (err: Error) => {
      if (socket.active) {
        set({ status: entry.snapshot.status === "connecting" ? "connecting" : "reconnecting", lostAt: entry.snapshot.lostAt ?? this.now() });
        return;
      }
      // Refused by the server's middleware (bad token): say so, and ask again later by ourselves.
      set({ status: "refused", error: err.message || "refused" });
      if (entry.retry) clearTimeout(entry.retry);
      entry.retry = setTimeout(() => {
        entry.retry = null;
        socket.connect();
      }, REFUSED_RETRY_MS);
    });
    return entry;
  }

  private closeEntry(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    if (entry.retry) clearTimeout(entry.retry);
    entry.socket.disconnect();
  }
}
