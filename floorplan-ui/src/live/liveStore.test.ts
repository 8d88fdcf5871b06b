import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Occupancy } from "@footfall/core";
import { LiveStore, REFUSED_RETRY_MS, SILENT_MS, type SocketLike } from "./liveStore.js";

/** A socket that records what the store does and lets the test play the server. */
class FakeSocket implements SocketLike {
  active = true;
  handlers = new Map<string, ((...args: never[]) => void)[]>();
  emitted: unknown[][] = [];
  connects = 0;
  disconnected = false;
  joinAck: { ok: boolean; error?: string } = { ok: true };
  /** The Manager's heartbeat listeners: `ping()` plays the server's ping. */
  pings: (() => void)[] = [];
  io = { on: (_event: "ping", fn: () => void) => void this.pings.push(fn) };
  ping() {
    for (const fn of this.pings) fn();
  }
  on(event: string, fn: (...args: never[]) => void) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), fn]);
  }
  emit(event: string, ...args: unknown[]) {
    this.emitted.push([event, ...args]);
    if (event === "join") (args[1] as (ack: unknown) => void)(this.joinAck);
  }
  connect() {
    this.connects++;
  }
  disconnect() {
    this.disconnected = true;
  }
  fire(event: string, ...args: unknown[]) {
    for (const fn of this.handlers.get(event) ?? []) (fn as (...a: unknown[]) => void)(...args);
  }
}

const occ = (total: number): Occupancy => ({ ts: 0, total, zones: [] }) as Occupancy;

describe("LiveStore", () => {
  let sockets: Map<string, FakeSocket>;
  let store: LiveStore;
  let clock: number;
  beforeEach(() => {
    vi.useFakeTimers();
    sockets = new Map();
    clock = 1000;
    store = new LiveStore((id) => {
      const s = new FakeSocket();
      sockets.set(id, s);
      return s;
    }, () => clock);
  });
  afterEach(() => vi.useRealTimers());

  it("joins the store on connect and shows its occupancy", () => {
    const seen: number[] = [];
    store.subscribe("demo", () => seen.push(store.getSnapshot("demo").occupancy?.total ?? -1));
    const s = sockets.get("demo")!;
    s.fire("connect");
    expect(s.emitted[0]?.slice(0, 2)).toEqual(["join", "demo"]);
    s.fire("occupancy", occ(7));
    expect(store.getSnapshot("demo")).toMatchObject({ status: "live", occupancy: { total: 7 }, receivedAt: 1000 });
    expect(seen.at(-1)).toBe(7);
  });

  it("keeps the last figures while reconnecting and re-joins after reconnect", () => {
    store.subscribe("demo", () => {});
    const s = sockets.get("demo")!;
    s.fire("connect");
    s.fire("occupancy", occ(3));
    clock = 5000;
    s.fire("disconnect", "transport close");
    expect(store.getSnapshot("demo")).toMatchObject({ status: "reconnecting", lostAt: 5000, occupancy: { total: 3 } });
    s.fire("connect");
    expect(s.emitted.filter((e) => e[0] === "join")).toHaveLength(2);
    expect(store.getSnapshot("demo")).toMatchObject({ status: "live", lostAt: null });
  });

  it("reconnects by itself when the server hung up on purpose", () => {
    store.subscribe("demo", () => {});
    const s = sockets.get("demo")!;
    s.fire("disconnect", "io server disconnect");
    expect(s.connects).toBe(1);
  });

  it("shows the reason when the join is refused", () => {
    store.subscribe("demo", () => {});
    const s = sockets.get("demo")!;
    s.joinAck = { ok: false, error: "store not allowed" };
    s.fire("connect");
    expect(store.getSnapshot("demo")).toMatchObject({ status: "refused", error: "store not allowed" });
  });

  it("asks to join again by itself after a refused join, and goes live when the server accepts (a tablet left alone recovers)", () => {
    store.subscribe("demo", () => {});
    const s = sockets.get("demo")!;
    s.joinAck = { ok: false, error: "the live figures cannot be read now; try again" };
    s.fire("connect");
    expect(store.getSnapshot("demo").status).toBe("refused");
    s.joinAck = { ok: true };
    vi.advanceTimersByTime(REFUSED_RETRY_MS - 1);
    expect(s.emitted.filter((e) => e[0] === "join")).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(s.emitted.filter((e) => e[0] === "join")).toHaveLength(2);
    expect(store.getSnapshot("demo")).toMatchObject({ status: "live", error: null });
    // Live again: no more joins.
    vi.advanceTimersByTime(REFUSED_RETRY_MS * 3);
    expect(s.emitted.filter((e) => e[0] === "join")).toHaveLength(2);
  });

  it("asks again later when the server refuses the connection", () => {
    store.subscribe("demo", () => {});
    const s = sockets.get("demo")!;
    s.active = false;
    s.fire("connect_error", new Error("invalid token"));
    expect(store.getSnapshot("demo")).toMatchObject({ status: "refused", error: "invalid token" });
    vi.advanceTimersByTime(REFUSED_RETRY_MS);
    expect(s.connects).toBe(1);
  });

  it("keeps stores apart and notifies only the store that changed", () => {
    const a = vi.fn(), b = vi.fn();
    store.subscribe("a", a);
    store.subscribe("b", b);
    sockets.get("a")!.fire("occupancy", occ(1));
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).not.toHaveBeenCalled();
    expect(store.getSnapshot("b").occupancy).toBeNull();
  });

  it("hangs up when the last subscriber leaves", () => {
    const off1 = store.subscribe("demo", () => {});
    const off2 = store.subscribe("demo", () => {});
    off1();
    expect(sockets.get("demo")!.disconnected).toBe(false);
    off2();
    expect(sockets.get("demo")!.disconnected).toBe(true);
    expect(store.getSnapshot("demo").status).toBe("connecting");
  });

  it("returns the same snapshot object until something changes", () => {
    store.subscribe("demo", () => {});
    expect(store.getSnapshot("demo")).toBe(store.getSnapshot("demo"));
  });

  it("on waking, drops and reopens a live link the server has been silent on for longer than its heartbeat allows (a tablet asleep for an hour)", () => {
    store.subscribe("demo", () => {});
    const s = sockets.get("demo")!;
    s.fire("connect");
    s.fire("occupancy", occ(4));
    clock += 3_600_000;
    store.wake();
    expect(s.disconnected).toBe(true);
    expect(s.connects).toBe(1);
    // socket.io says so at once: the page shows the figures as out of date, lost since last heard from.
    s.fire("disconnect", "io client disconnect");
    expect(store.getSnapshot("demo")).toMatchObject({ status: "reconnecting", lostAt: 1000, occupancy: { total: 4 } });
    s.fire("connect");
    expect(s.emitted.filter((e) => e[0] === "join")).toHaveLength(2);
    expect(store.getSnapshot("demo")).toMatchObject({ status: "live", lostAt: null });
  });

  it("on waking, keeps a link whose heartbeat the server kept up (a quiet store, no figures for a while)", () => {
    store.subscribe("demo", () => {});
    const s = sockets.get("demo")!;
    s.fire("connect");
    s.fire("occupancy", occ(4));
    for (let i = 0; i < 10; i++) {
      clock += SILENT_MS / 2;
      s.ping();
    }
    clock += SILENT_MS / 2;
    store.wake();
    expect(s.disconnected).toBe(false);
    expect(s.connects).toBe(0);
    expect(store.getSnapshot("demo").status).toBe("live");
  });

  it("follows a store's alerts-only link on a socket of its own (viewers' header sign): joined, its alerts pushed, closed apart from the live link", () => {
    const opened: [string, string][] = [];
    const byKey = new Map<string, FakeSocket>();
    const two = new LiveStore((id, channel) => {
      opened.push([id, channel]);
      const s = new FakeSocket();
      byKey.set(`${id}/${channel}`, s);
      return s;
    }, () => clock);
    const offAlerts = two.subscribe("demo", () => {}, "alerts");
    const offLive = two.subscribe("demo", () => {});
    expect(opened).toEqual([
      ["demo", "alerts"],
      ["demo", "live"],
    ]);
    const a = byKey.get("demo/alerts")!;
    a.fire("connect");
    expect(a.emitted[0]?.slice(0, 2)).toEqual(["join", "demo"]);
    const pushed = { store: "demo", timezone: "UTC", alerts: [], thresholds: { zones: {}, rules: {} } };
    a.fire("alerts", pushed);
    expect(two.getSnapshot("demo", "alerts")).toMatchObject({ status: "live", occupancy: null, alerts: pushed });
    // The live link's snapshot is its own.
    expect(two.getSnapshot("demo").status).toBe("connecting");
    expect(two.getSnapshot("demo").alerts).toBeUndefined();
    offAlerts();
    expect(a.disconnected).toBe(true);
    expect(byKey.get("demo/live")!.disconnected).toBe(false);
    expect(two.getSnapshot("demo", "alerts").status).toBe("connecting");
    offLive();
    two.close();
  });
});
