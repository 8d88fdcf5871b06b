import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FootfallEvent } from "@footfall/core";
import { batcherEvents, newBatcher, RecordingTransport } from "../../test/support/batcher-harness.js";
import { protocolLimits } from "./batch.js";
import type { BatcherOptions } from "./batcher.js";

const { events, reset } = batcherEvents();
const idsOf = (list: readonly FootfallEvent[]) => list.map((e) => e.id);

/** A batcher settling by receipts (30 s receipt timeout, doubling to 5 min), batches of at most 100. */
function setup(opts: Partial<BatcherOptions> = {}) {
  const t = newBatcher(new RecordingTransport(), {
    limits: protocolLimits({ maxEvents: 100 }),
    settlement: "receipts",
    receiptTimeoutMs: 30_000,
    receiptTimeoutMaxMs: 300_000,
    ...opts,
  });
  const outboxIds = () => idsOf(t.outbox.peek(t.outbox.size()));
  return { ...t, outboxIds };
}

beforeEach(() => {
  vi.useFakeTimers();
  reset();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("Batcher settling by receipts", () => {
  it("keeps events the broker acknowledged until a receipt settles them", () => {
    const { outbox, transport, batcher } = setup();
    const produced = events(100);
    batcher.add(produced);
    transport.ackAll();
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
    transport.ackAll();
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
    transport.ackAll();
    batcher.settle(idsOf(produced.slice(100, 200)));
    transport.connected = false;
    batcher.disconnected();
    transport.connected = true;
    batcher.connected();
    expect(transport.ids()).toEqual([...idsOf(produced.slice(0, 100)), ...idsOf(produced.slice(200))]);
    expect(batcher.stats()).toMatchObject({ resends: 1, resentBatches: 2 });
  });

  it("sends the oldest unsettled batch again after 30 s without receipt progress, everything 60 s later, then so on after 120, 240, 300, 300 s", () => {
    const { batcher, transport } = setup();
    const produced = events(300);
    batcher.add(produced);
    transport.ackAll();
    const resendsAt: number[] = [];
    const what: number[] = [];
    let elapsed = 0;
    for (let s = 1; s <= 1100; s++) {
      vi.advanceTimersByTime(1000);
      elapsed++;
      if (transport.sent.length > 0) {
        const ids = transport.ackAll();
        // A probe is the first batch (100 events); a resend of everything is all 300, in order.
        expect(ids).toEqual(idsOf(produced.slice(0, ids.length)));
        what.push(ids.length);
        resendsAt.push(elapsed);
        elapsed = 0;
      }
    }
    expect(resendsAt).toEqual([30, 60, 120, 240, 300, 300]);
    expect(what).toEqual([100, 300, 100, 300, 100, 300]);
    expect(batcher.stats()).toMatchObject({ resends: 3, resentBatches: 12 });
  });

  it("sends nothing more after a probe when receipts settle events sent before it (a server far behind): no copies of the whole window", () => {
    const { batcher, transport } = setup();
    const produced = events(300);
    batcher.add(produced);
    transport.ackAll();
    vi.advanceTimersByTime(30_000);
    expect(transport.ackAll()).toEqual(idsOf(produced.slice(0, 100))); // the probe
    // The server gets through the backlog: the originals' receipts come in order, after the probe went.
    vi.advanceTimersByTime(20_000);
    batcher.settle(idsOf(produced.slice(0, 150)));
    vi.advanceTimersByTime(50_000);
    batcher.settle(idsOf(produced.slice(150)));
    vi.advanceTimersByTime(600_000);
    expect(transport.sent).toHaveLength(0);
    expect(batcher.stats()).toMatchObject({ resends: 0, resentBatches: 1 });
    expect(batcher.unsettled()).toBe(0);
  });

  it("sends everything again at the next timeout when only the probe's own events are settled (those before it were lost)", () => {
    const { batcher, transport } = setup();
    const produced = events(300);
    batcher.add(produced);
    transport.ackAll();
    vi.advanceTimersByTime(30_000);
    expect(transport.ackAll()).toEqual(idsOf(produced.slice(0, 100)));
    // The probe's receipt: its 100 events, nothing of the 200 sent before it.
    vi.advanceTimersByTime(1000);
    batcher.settle(idsOf(produced.slice(0, 100)));
    // Progress restarts the timeout from 30 s; then everything unsettled goes.
    vi.advanceTimersByTime(29_999);
    expect(transport.sent).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(transport.ackAll()).toEqual(idsOf(produced.slice(100)));
    expect(batcher.stats().resends).toBe(1);
  });

  it("starts the receipt timeout again from 30 s after any progress", () => {
    const { batcher, transport } = setup();
    const produced = events(200);
    batcher.add(produced);
    transport.ackAll();
    vi.advanceTimersByTime(30_000);
    vi.advanceTimersByTime(60_000);
    expect(transport.ackAll()).toHaveLength(300); // a probe (the first 100), then everything
    batcher.settle(idsOf(produced.slice(0, 100)));
    vi.advanceTimersByTime(29_999);
    expect(transport.sent).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(transport.ids()).toEqual(idsOf(produced.slice(100)));
  });

  it("follows the receipts' delay: a server that settles in rounds 45 s apart gets no copies once the delay is sampled (the fixed 30 s sent everything again each round)", () => {
    const { batcher, transport } = setup();
    const firstSent = new Map<string, number>();
    let now = 0;
    let lastRound = 0;
    const resendsBy: Record<string, number> = {};
    for (let s = 1; s <= 600; s++) {
      // 20 new events a second; the broker acknowledges at once.
      batcher.add(events(20));
      vi.advanceTimersByTime(1000);
      now += 1000;
      for (const id of transport.ackAll()) if (!firstSent.has(id)) firstSent.set(id, now);
      // Every 45 s the server commits what it received by the round before: receipts 45-90 s after the first send.
      if (now % 45_000 === 0) {
        batcher.settle([...firstSent].filter(([, at]) => at <= lastRound).map(([id]) => id));
        lastRound = now;
      }
      if (s === 180 || s === 600) resendsBy[s] = batcher.stats().resends;
    }
    // Before a delay was sampled the first rounds may go again; after the first 3 minutes, never.
    expect(resendsBy[600]).toBe(resendsBy[180]);
    expect(resendsBy[180]).toBeLessThanOrEqual(2);
    const timing = batcher.receiptTiming();
    expect(timing.delayMs).toBeGreaterThanOrEqual(45_000);
    expect(timing.timeoutMs).toBeGreaterThan(90_000);
    expect(timing.timeoutMs).toBeLessThanOrEqual(300_000);
  });

  it("still notices a server that stops settling: after the delay it learnt a probe goes, then everything, with backoff", () => {
    const { batcher, transport } = setup();
    // Receipts 40 s after each send, for 5 minutes: the timeout follows to 40 s + 4 deviations.
    const sentAt: [string, number][] = [];
    let now = 0;
    for (let s = 1; s <= 300; s++) {
      batcher.add(events(10));
      vi.advanceTimersByTime(1000);
      now += 1000;
      for (const id of transport.ackAll()) sentAt.push([id, now]);
      const due = sentAt.filter(([, at]) => at === now - 40_000).map(([id]) => id);
      if (due.length) batcher.settle(due);
    }
    const learnt = batcher.receiptTiming().timeoutMs;
    expect(learnt).toBeGreaterThanOrEqual(40_000);
    expect(learnt).toBeLessThan(80_000);
    const before = batcher.stats();
    // The server stops: no receipt any more. Within the learnt timeout the oldest batch goes again (a probe) ...
    vi.advanceTimersByTime(learnt);
    expect(batcher.stats()).toMatchObject({ resends: before.resends, resentBatches: before.resentBatches + 1 });
    expect(transport.ackAll().length).toBe(100);
    // ... and everything unsettled at the next, twice as long after.
    vi.advanceTimersByTime(2 * learnt);
    expect(batcher.stats().resends).toBe(before.resends + 1);
    expect(transport.ackAll().length).toBe(batcher.unsettled());
  });

  it("runs no receipt timeout while disconnected; reconnecting resends", () => {
    const { batcher, transport } = setup();
    const produced = events(100);
    batcher.add(produced);
    transport.ackAll();
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
    expect(transport.ackAll()).toEqual(idsOf(produced.slice(0, 200)));
    vi.advanceTimersByTime(1000);
    expect(transport.sent).toHaveLength(0);
    expect(batcher.waiting()).toBe(300);
    batcher.settle(idsOf(produced.slice(0, 100)));
    expect(transport.ackAll()).toEqual(idsOf(produced.slice(200, 300)));
  });

  it("settles a late receipt of the first send after a resend, and the resend's copies change nothing", () => {
    const { batcher, transport, outbox } = setup();
    const produced = events(100);
    batcher.add(produced);
    transport.ackAll();
    batcher.connected(); // a reconnection: resent
    transport.ackAll();
    batcher.settle(idsOf(produced)); // the receipt of the first send
    batcher.settle(idsOf(produced)); // the receipt of the copies (duplicates on the server)
    expect(outbox.size()).toBe(0);
    expect(batcher.stats().settledByReceipt).toBe(100);
  });

  it("falls back to PUBACK: what is unsettled goes again and its PUBACKs settle it", () => {
    const { batcher, transport, outbox } = setup();
    const produced = events(150);
    batcher.add(produced);
    transport.ackAll();
    batcher.setSettlement("puback");
    expect(transport.ackAll()).toEqual(idsOf(produced));
    expect(outbox.size()).toBe(0);
    expect(batcher.settlementMode()).toBe("puback");
  });

  it("drains once receipts settle everything, not on PUBACK", async () => {
    const { batcher, transport } = setup();
    const produced = events(10);
    batcher.add(produced);
    let drained: boolean | null = null;
    void batcher.drain(5000).then((d) => (drained = d));
    transport.ackAll();
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
