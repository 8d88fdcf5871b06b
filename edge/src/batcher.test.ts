import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LIMITS } from "@footfall/core";
import { batcherEvents, newBatcher, RecordingTransport } from "../../test/support/batcher-harness.js";
import { protocolLimits } from "./batch.js";
import type { BatcherOptions } from "./batcher.js";

const { events, reset } = batcherEvents();
const setup = (opts: Partial<BatcherOptions> = {}) => newBatcher(new RecordingTransport({ refuseRejected: true }), opts);

beforeEach(() => {
  vi.useFakeTimers();
  reset();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("Batcher", () => {
  it("sends a batch as soon as 100 events are waiting", () => {
    const { transport, batcher } = setup();
    batcher.add(events(99));
    expect(transport.sent).toHaveLength(0);
    batcher.add(events(1));
    expect(transport.sent).toHaveLength(1);
    expect(transport.sent[0]?.ids).toHaveLength(100);
  });

  it("ends a flush when a send is refused at once (an MQTT client that is disconnecting), and sends again at the next flush", () => {
    /** Calls back with an error inside send while `refuse` holds, as mqtt.js does after end(); throws instead of looping for ever. */
    class Refusing extends RecordingTransport {
      refuse = true;
      refused = 0;
      override send(payload: string, done: (error?: Error | null) => void): void {
        if (!this.refuse) return super.send(payload, done);
        if (++this.refused > 100) throw new Error("the batcher keeps sending into a transport that refuses at once");
        done(new Error("client disconnecting"));
      }
    }
    for (const settlement of ["puback", "receipts"] as const) {
      reset();
      const transport = new Refusing({ refuseRejected: true });
      const { outbox, batcher } = newBatcher(transport, { settlement });
      batcher.add(events(250));
      expect(transport.refused, settlement).toBe(1);
      expect(outbox.size()).toBe(250);
      // The next flush (a timer, not a loop) tries again.
      vi.advanceTimersByTime(250);
      expect(transport.refused, settlement).toBe(2);
      transport.refuse = false;
      vi.advanceTimersByTime(250);
      expect(new Set(transport.ids()).size, settlement).toBe(250);
      batcher.close();
    }
  });

  it("sends fewer events once 250 ms have passed since the first", () => {
    const { transport, batcher } = setup();
    batcher.add(events(3));
    vi.advanceTimersByTime(249);
    expect(transport.sent).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(transport.sent.map((s) => s.ids.length)).toEqual([3]);
  });

  it("keeps events in the outbox until their batch is acknowledged", () => {
    const { outbox, transport, batcher } = setup();
    batcher.add(events(100));
    expect(outbox.size()).toBe(100);
    transport.ackAll();
    expect(outbox.size()).toBe(0);
    expect(batcher.stats()).toMatchObject({ sentEvents: 100, sentBatches: 1 });
  });

  it("sends everything waiting, up to a full message, when the threshold is reached", () => {
    const { transport, batcher } = setup();
    batcher.add(events(350));
    expect(transport.sent.map((s) => s.ids.length)).toEqual([350]);
  });

  it("never puts more than the protocol's 1,000 events in a message", () => {
    const { transport, batcher } = setup({ flushAtEvents: 1000, limits: protocolLimits({ maxEvents: 5000 }) });
    batcher.add(events(2500));
    vi.advanceTimersByTime(250);
    expect(transport.sent.map((s) => s.ids.length)).toEqual([1000, 1000, 500]);
  });

  it("never makes a message bigger than the byte limit", () => {
    const { transport, batcher } = setup({ flushAtEvents: 1000, limits: protocolLimits({ maxBytes: 10_000 }) });
    batcher.add(events(300, "v-" + "x".repeat(100)));
    vi.advanceTimersByTime(250);
    expect(transport.sent.length).toBeGreaterThan(1);
    for (const s of transport.sent) expect(s.bytes).toBeLessThanOrEqual(10_000);
    expect(transport.sent.flatMap((s) => s.ids)).toHaveLength(300);
  });

  it("clamps configured limits to the protocol's", () => {
    expect(protocolLimits({ maxEvents: 10_000, maxBytes: 10_000_000 })).toEqual({ maxEvents: LIMITS.maxEventsPerBatch, maxBytes: LIMITS.maxBatchBytes });
  });

  it("holds everything while disconnected and sends it in order once connected", () => {
    const { outbox, transport, batcher } = setup();
    transport.connected = false;
    const produced = events(450);
    batcher.add(produced);
    vi.advanceTimersByTime(5000);
    expect(transport.sent).toHaveLength(0);
    expect(outbox.size()).toBe(450);
    transport.connected = true;
    vi.advanceTimersByTime(250);
    transport.ackAll();
    expect(transport.acked).toEqual(produced.map((e) => e.id));
    expect(outbox.size()).toBe(0);
  });

  it("keeps at most maxInflight batches unacknowledged", () => {
    const { transport, batcher } = setup({ maxInflightBatches: 2, limits: protocolLimits({ maxEvents: 100 }) });
    batcher.add(events(500));
    expect(transport.sent).toHaveLength(2);
    transport.ackAll();
    expect(transport.sent).toHaveLength(2);
    transport.ackAll();
    expect(transport.sent).toHaveLength(1);
    transport.ackAll();
    expect(transport.acked).toHaveLength(500);
  });

  it("removes events only up to the first unacknowledged batch when acks come out of order", () => {
    const { outbox, transport, batcher } = setup({ limits: protocolLimits({ maxEvents: 100 }) });
    batcher.add(events(300));
    const [first, second, third] = transport.sent;
    third!.done();
    second!.done();
    expect(outbox.size()).toBe(300);
    first!.done();
    expect(outbox.size()).toBe(0);
  });

  it("sends every unacknowledged event again, in order, when the transport loses a batch", () => {
    const { outbox, transport, batcher } = setup({ limits: protocolLimits({ maxEvents: 100 }) });
    const produced = events(200);
    batcher.add(produced);
    const [first, second] = transport.sent.splice(0);
    second!.done(new Error("connection closed"));
    expect(outbox.size()).toBe(200);
    vi.advanceTimersByTime(250);
    transport.ackAll();
    expect(transport.acked).toEqual(produced.map((e) => e.id));
    expect(batcher.stats().resentBatches).toBe(2);
    first!.done(); // late, after the resend: harmless
    expect(outbox.size()).toBe(0);
  });

  it("still settles a batch whose PUBACK comes after another batch was lost, and sends only the rest again", () => {
    const { outbox, transport, batcher } = setup({ limits: protocolLimits({ maxEvents: 100 }) });
    const produced = events(200);
    batcher.add(produced);
    const [first, second] = transport.sent.splice(0);
    second!.done(new Error("connection closed"));
    first!.done(); // the broker does hold the first batch
    expect(outbox.size()).toBe(100);
    vi.advanceTimersByTime(250);
    transport.ackAll();
    expect(transport.acked).toEqual(produced.slice(100).map((e) => e.id));
    expect(outbox.size()).toBe(0);
  });

  it("drains: resolves once every queued event is acknowledged", async () => {
    const { transport, batcher } = setup();
    batcher.add(events(10));
    const drained = batcher.drain(5000);
    transport.ackAll();
    await expect(drained).resolves.toBe(true);
  });

  it("drains: gives up after the timeout when the broker never acknowledges", async () => {
    const { batcher } = setup();
    batcher.add(events(10));
    const drained = batcher.drain(5000);
    vi.advanceTimersByTime(5000);
    await expect(drained).resolves.toBe(false);
  });

  it("stops sending once closed but keeps the events", () => {
    const { outbox, transport, batcher } = setup();
    batcher.add(events(5));
    batcher.close();
    vi.advanceTimersByTime(1000);
    expect(transport.sent).toHaveLength(0);
    expect(outbox.size()).toBe(5);
  });
});
