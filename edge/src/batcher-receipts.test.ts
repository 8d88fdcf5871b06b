import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { decodeBatch, type FootfallEvent } from "@footfall/core";
import { Batcher, type BatchTransport, type BatcherOptions } from "./batcher.js";
import { protocolLimits } from "./batch.js";
import { silentLogger } from "./log.js";
import { MemoryOutbox } from "./outbox.js";

interface Sent {
  ids: string[];
  done: (error?: Error | null) => void;
}

/** A transport that records payloads and acknowledges (PUBACK) only when told. */
class FakeTransport implements BatchTransport {
  connected = true;
  sent: Sent[] = [];
  ready(): boolean {
    return this.connected;
  }
  send(payload: string, done: (error?: Error | null) => void): void {
    const decoded = decodeBatch(payload, (b) => Buffer.from(b).toString("utf8"));
    if (!decoded.ok) throw new Error(decoded.error);
    this.sent.push({ ids: decoded.value.events.map((e) => e.id), done });
  }
  /** PUBACK everything sent so far; returns the ids. */
  pubackAll(): string[] {
    const pending = this.sent.splice(0);
    for (const s of pending) s.done();
    return pending.flatMap((s) => s.ids);
  }
  ids(): string[] {
    return this.sent.flatMap((s) => s.ids);
  }
}

let seq = 0;
const event = (): FootfallEvent => ({ type: "enter", id: `a:${String(seq++).padStart(9, "0")}`, ts: 1_700_000_000_000 + seq, zone: "bakery", visitor: "v-1" }) as FootfallEvent;
const events = (n: number): FootfallEvent[] => Array.from({ length: n }, () => event());
const idsOf = (list: readonly FootfallEvent[]) => list.map((e) => e.id);

function setup(opts: Partial<BatcherOptions> = {}) {
  const outbox = new MemoryOutbox();
  const transport = new FakeTransport();
  const batcher = new Batcher(outbox, transport, {
    agent: "a",
    flushAtEvents: 100,
    flushEveryMs: 250,
    limits: protocolLimits({ maxEvents: 100 }),
    maxInflightBatches: 8,
    log: silentLogger,
    settlement: "receipts",
    receiptTimeoutMs: 30_000,
    receiptTimeoutMaxMs: 300_000,
    ...opts,
  });
  const outboxIds = () => idsOf(outbox.peek(outbox.size()));
  return { outbox, transport, batcher, outboxIds };
}

beforeEach(() => {
  vi.useFakeTimers();
  seq = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

describe("Batcher settling by receipts", () => {
  it("keeps events the broker acknowledged until a receipt settles them", () => {
    const { outbox, transport, batcher } = setup();
    const produced = events(100);
    batcher.add(produced);
    transport.pubackAll();
    expect(outbox.size()).toBe(100);
    expect(batcher.unsettled()).toBe(100);
    batcher.settle(idsOf(produced));
    expect(outbox.size()).toBe(0);
    expect(batcher.stats()).toMatchObject({ sentEvents: 100, settledByReceipt: 100 });
  });

  it("settles by id in any order but removes only a settled prefix", () => {
    const { batcher, outboxIds, transport } = setup();
    const produced = events(300);
    batcher.add(produced);
    transport.pubackAll();
    batcher.settle(idsOf(produced.slice(200)));
    batcher.settle(idsOf(produced.slice(50, 100)).reverse());
    expect(outboxIds()).toEqual(idsOf(produced));
    batcher.settle(idsOf(produced.slice(0, 50)));
    expect(outboxIds()).toEqual(idsOf(produced.slice(100)));
    expect(batcher.unsettled()).toBe(100);
    batcher.settle(idsOf(produced.slice(100, 200)));
    expect(outboxIds()).toEqual([]);
  });

  it("ignores repeated receipts and ids it never sent", () => {
    const { batcher, outboxIds } = setup();
    const produced = events(120);
    batcher.add(produced.slice(0, 100));
    batcher.add(produced.slice(100)); // below the threshold: waits for the timer
    expect(batcher.settle(["a:999999999", "b:000000001"])).toBe(0);
    expect(batcher.settle(idsOf(produced.slice(0, 100)))).toBe(100);
    expect(batcher.settle(idsOf(produced.slice(0, 100)))).toBe(0);
    expect(batcher.settle(idsOf(produced.slice(100)))).toBe(0); // waiting, never handed over
    expect(outboxIds()).toEqual(idsOf(produced.slice(100)));
  });

  it("sends every unsettled event again, in order, at once after a reconnection, skipping those settled meanwhile", () => {
    const { batcher, transport } = setup();
    const produced = events(300);
    batcher.add(produced);
    transport.pubackAll();
    batcher.settle(idsOf(produced.slice(100, 200)));
    transport.connected = false;
    batcher.disconnected();
    transport.connected = true;
    batcher.connected();
    expect(transport.ids()).toEqual([...idsOf(produced.slice(0, 100)), ...idsOf(produced.slice(200))]);
    expect(batcher.stats()).toMatchObject({ resends: 1, resentBatches: 2 });
  });

  it("sends every unsettled event again after 30 s without receipt progress, then after 60, 120, 240, 300, 300 s", () => {
    const { batcher, transport } = setup();
    const produced = events(100);
    batcher.add(produced);
    transport.pubackAll();
    const resendsAt: number[] = [];
    let elapsed = 0;
    for (let s = 1; s <= 1100; s++) {
      vi.advanceTimersByTime(1000);
      elapsed++;
      if (transport.sent.length > 0) {
        expect(transport.pubackAll()).toEqual(idsOf(produced));
        resendsAt.push(elapsed);
        elapsed = 0;
      }
    }
    expect(resendsAt).toEqual([30, 60, 120, 240, 300, 300]);
    expect(batcher.stats().resends).toBe(6);
  });

  it("starts the receipt timeout again from 30 s after any progress", () => {
    const { batcher, transport } = setup();
    const produced = events(200);
    batcher.add(produced);
    transport.pubackAll();
    vi.advanceTimersByTime(30_000);
    vi.advanceTimersByTime(60_000);
    expect(transport.pubackAll()).toHaveLength(400); // two resends
    batcher.settle(idsOf(produced.slice(0, 100)));
    vi.advanceTimersByTime(29_999);
    expect(transport.sent).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(transport.ids()).toEqual(idsOf(produced.slice(100)));
  });

  it("runs no receipt timeout while disconnected; reconnecting resends", () => {
    const { batcher, transport } = setup();
    const produced = events(100);
    batcher.add(produced);
    transport.pubackAll();
    transport.connected = false;
    batcher.disconnected();
    vi.advanceTimersByTime(600_000);
    expect(transport.sent).toHaveLength(0);
    transport.connected = true;
    batcher.connected();
    expect(transport.ids()).toEqual(idsOf(produced));
  });

  it("stops handing over new events while maxUnsettled are unsettled, and goes on as receipts come", () => {
    const { batcher, transport } = setup({ maxUnsettled: 200 });
    const produced = events(500);
    batcher.add(produced);
    expect(transport.pubackAll()).toEqual(idsOf(produced.slice(0, 200)));
    vi.advanceTimersByTime(1000);
    expect(transport.sent).toHaveLength(0);
    expect(batcher.waiting()).toBe(300);
    batcher.settle(idsOf(produced.slice(0, 100)));
    expect(transport.pubackAll()).toEqual(idsOf(produced.slice(200, 300)));
  });

  it("settles a late receipt of the first send after a resend, and the resend's copies change nothing", () => {
    const { batcher, transport, outbox } = setup();
    const produced = events(100);
    batcher.add(produced);
    transport.pubackAll();
    batcher.connected(); // a reconnection: resent
    transport.pubackAll();
    batcher.settle(idsOf(produced)); // the receipt of the first send
    batcher.settle(idsOf(produced)); // the receipt of the copies (duplicates on the server)
    expect(outbox.size()).toBe(0);
    expect(batcher.stats().settledByReceipt).toBe(100);
  });

  it("falls back to PUBACK: what is unsettled goes again and its PUBACKs settle it", () => {
    const { batcher, transport, outbox } = setup();
    const produced = events(150);
    batcher.add(produced);
    transport.pubackAll();
    batcher.setSettlement("puback");
    expect(transport.pubackAll()).toEqual(idsOf(produced));
    expect(outbox.size()).toBe(0);
    expect(batcher.settlementMode()).toBe("puback");
  });

  it("drains once receipts settle everything, not on PUBACK", async () => {
    const { batcher, transport } = setup();
    const produced = events(10);
    batcher.add(produced);
    let drained: boolean | null = null;
    void batcher.drain(5000).then((d) => (drained = d));
    transport.pubackAll();
    await vi.advanceTimersByTimeAsync(100);
    expect(drained).toBeNull();
    batcher.settle(idsOf(produced));
    await vi.advanceTimersByTimeAsync(0);
    expect(drained).toBe(true);
  });

  it("sends what a lost batch held again even when nothing new waits", () => {
    const { batcher, transport } = setup();
    const produced = events(100);
    batcher.add(produced);
    const [lost] = transport.sent.splice(0);
    lost!.done(new Error("connection closed"));
    vi.advanceTimersByTime(250);
    expect(transport.ids()).toEqual(idsOf(produced));
  });
});
