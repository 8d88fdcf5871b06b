/**
 * Live occupancy: one small external store keyed by store id, read with useSyncExternalStore, so a
 * tablet re-renders only when its store's figures or connection state change (Frigate's `ws.ts`).
 * One Socket.IO connection per watched store: `occupancy` messages carry no store id, so a socket
 * that joined one store cannot mix two up. The socket reconnects by itself and re-joins.
 */
import type { Occupancy } from "@footfall/core";
import type { LiveAlerts } from "../api/alerts.js";

export type LiveStatus = "connecting" | "live" | "reconnecting" | "refused";

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
}
export type SocketFactory = () => SocketLike;

const INITIAL: LiveSnapshot = { status: "connecting", occupancy: null, error: null, receivedAt: null, lostAt: null };
/** How long to wait before asking again after the server refused us (the token may be fixed meanwhile). */
export const REFUSED_RETRY_MS = 15_000;

interface Entry {
  socket: SocketLike;
  snapshot: LiveSnapshot;
  listeners: Set<() => void>;
  retry: ReturnType<typeof setTimeout> | null;
}

export class LiveStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly connect: (store: string) => SocketLike,
    private readonly now: () => number = () => Date.now(),
  ) {}

  subscribe = (store: string, listener: () => void): (() => void) => {
    const entry = this.entries.get(store) ?? this.open(store);
    entry.listeners.add(listener);
    return () => {
      entry.listeners.delete(listener);
      if (entry.listeners.size === 0) this.closeStore(store);
    };
  };

  getSnapshot = (store: string): LiveSnapshot => this.entries.get(store)?.snapshot ?? INITIAL;

  close(): void {
    for (const store of [...this.entries.keys()]) this.closeStore(store);
  }

  private open(store: string): Entry {
    const socket = this.connect(store);
    const entry: Entry = { socket, snapshot: INITIAL, listeners: new Set(), retry: null };
    this.entries.set(store, entry);
    const set = (patch: Partial<LiveSnapshot>) => {
      if (this.entries.get(store) !== entry) return;
      entry.snapshot = { ...entry.snapshot, ...patch };
      for (const l of entry.listeners) l();
    };
    const join = () => {
      socket.emit("join", store, (ack: { ok: boolean; error?: string } | undefined) => {
        if (this.entries.get(store) !== entry) return;
        if (ack?.ok) return set({ status: "live", error: null, lostAt: null });
        set({ status: "refused", error: ack?.error ?? "the server did not accept this store" });
        // A refused join ("the live figures cannot be read now", a layout not saved yet) is asked
        // again by ourselves, on the same connection: a tablet left alone must recover.
        if (entry.retry) clearTimeout(entry.retry);
        entry.retry = setTimeout(() => {
          entry.retry = null;
          if (this.entries.get(store) === entry && entry.snapshot.status === "refused") join();
        }, REFUSED_RETRY_MS);
      });
    };
    socket.on("connect", () => {
      if (entry.retry) clearTimeout(entry.retry);
      entry.retry = null;
      join();
    });
    socket.on("occupancy", (occupancy: Occupancy) => {
      if (!entry.snapshot.occupancy) performance.mark("footfall:first-occupancy");
      set({ occupancy, receivedAt: this.now(), ...(entry.snapshot.status !== "live" ? { status: "live", lostAt: null } : {}) });
    });
    socket.on("alerts", (alerts: LiveAlerts) => set({ alerts }));
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

  private closeStore(store: string): void {
    const entry = this.entries.get(store);
    if (!entry) return;
    this.entries.delete(store);
    if (entry.retry) clearTimeout(entry.retry);
    entry.socket.disconnect();
  }
}
