/**
 * The batcher against a naive reference, for any interleaving of PUBACKs (in any order, lost or
 * late), receipts (partial, repeated, out of order, with ids it never sent), disconnections,
 * reconnections, receipt timeouts and switches between receipts and PUBACK: the outbox is always a
 * suffix of what was produced, an event leaves it only once settled, and once the link is sound
 * again everything is delivered and the outbox empties.
 */
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { decodeBatch, type FootfallEvent } from "@footfall/core";
import { Batcher, type BatchTransport, type Settlement } from "./batcher.js";
import { protocolLimits } from "./batch.js";
import { silentLogger } from "./log.js";
import { MemoryOutbox } from "./outbox.js";

interface Sent {
  ids: string[];
  done: (error?: Error | null) => void;
}

class FakeTransport implements BatchTransport {
  connected = true;
  /** Sent and not yet acknowledged or lost. */
  pending: Sent[] = [];
  /** Every id ever handed over (what a server may have received). */
  everSent = new Set<string>();
  ready(): boolean {
    return this.connected;
  }
  send(payload: string, done: (error?: Error | null) => void): void {
    const decoded = decodeBatch(payload, (b) => Buffer.from(b).toString("utf8"));
    if (!decoded.ok) throw new Error(decoded.error);
    const ids = decoded.value.events.map((e) => e.id);
    for (const id of ids) this.everSent.add(id);
    this.pending.push({ ids, done });
  }
}

type Op =
  | { op: "add"; n: number }
  | { op: "puback"; pick: number }
  | { op: "lose"; pick: number }
  | { op: "forget"; pick: number }
  | { op: "receipt"; picks: number[]; unsent: boolean; stranger: boolean }
  | { op: "disconnect" }
  | { op: "connect" }
  | { op: "tick"; ms: number }
  | { op: "mode"; mode: Settlement };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant("add" as const), n: fc.integer({ min: 1, max: 250 }) }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant("puback" as const), pick: fc.nat() }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant("lose" as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant("forget" as const), pick: fc.nat() }), weight: 2 },
  {
    arbitrary: fc.record({ op: fc.constant("receipt" as const), picks: fc.array(fc.nat(), { maxLength: 300 }), unsent: fc.boolean(), stranger: fc.boolean() }),
    weight: 4,
  },
  { arbitrary: fc.record({ op: fc.constant("disconnect" as const) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant("connect" as const) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant("tick" as const), ms: fc.integer({ min: 1, max: 400_000 }) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant("mode" as const), mode: fc.constantFrom<Settlement>("receipts", "puback") }), weight: 1 },
);

let seq = 0;
const event = (): FootfallEvent => ({ type: "enter", id: `a:${String(seq++).padStart(9, "0")}`, ts: 1_700_000_000_000 + seq, zone: "bakery", visitor: "v-1" }) as FootfallEvent;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function run(ops: readonly Op[], initial: Settlement, maxUnsettled: number): void {
  seq = 0;
  const outbox = new MemoryOutbox();
  const transport = new FakeTransport();
  const batcher = new Batcher(outbox, transport, {
    agent: "a",
    flushAtEvents: 100,
    flushEveryMs: 250,
    limits: protocolLimits({ maxEvents: 100 }),
    maxInflightBatches: 4,
    log: silentLogger,
    settlement: initial,
    receiptTimeoutMs: 30_000,
    receiptTimeoutMaxMs: 300_000,
    maxUnsettled,
  });
  // The reference: what was produced, and which ids something (a receipt, a PUBACK) settled.
  const produced: string[] = [];
  const settledBy = new Set<string>();
  let mode = initial;
  const check = () => {
    const held = outbox.peek(outbox.size()).map((e) => e.id);
    const removed = produced.slice(0, produced.length - held.length);
    expect(held, "the outbox is a suffix of what was produced").toEqual(produced.slice(removed.length));
    for (const id of removed) expect(settledBy.has(id), `${id} left the outbox unsettled`).toBe(true);
  };
  const take = <T>(list: T[], pick: number): T | undefined => (list.length ? list.splice(pick % list.length, 1)[0] : undefined);

  try {
    for (const o of ops) {
      switch (o.op) {
        case "add": {
          const events = Array.from({ length: o.n }, event);
          produced.push(...events.map((e) => e.id));
          batcher.add(events);
          break;
        }
        case "puback": {
          const s = take(transport.pending, o.pick);
          if (s && mode === "puback") for (const id of s.ids) settledBy.add(id);
          s?.done();
          break;
        }
        case "lose":
          take(transport.pending, o.pick)?.done(new Error("lost"));
          break;
        case "forget":
          // Never acknowledged at all (a broker that crashed). Settling by PUBACK relies on mqtt.js
          // calling every publish back in the end, so only while settling by receipts.
          if (mode === "receipts") take(transport.pending, o.pick);
          break;
        case "receipt": {
          // A server settles what it received; a receipt may also name ids this process never sent
          // (sent before a restart) and ids that are not the agent's at all.
          const pool = o.unsent ? produced : [...transport.everSent];
          const ids = pool.length ? o.picks.map((p) => pool[p % pool.length]!) : [];
          if (o.stranger) ids.push("b:000000001", "a:999999999");
          for (const id of ids) settledBy.add(id);
          batcher.settle(ids);
          break;
        }
        case "disconnect":
          transport.connected = false;
          batcher.disconnected();
          break;
        case "connect":
          transport.connected = true;
          batcher.connected();
          break;
        case "tick":
          vi.advanceTimersByTime(o.ms);
          break;
        case "mode":
          mode = o.mode;
          batcher.setSettlement(o.mode);
          break;
      }
      check();
    }

    // The link is sound again: the broker acknowledges and the server settles whatever arrives.
    transport.connected = true;
    batcher.connected();
    for (let round = 0; round < 200 && outbox.size() > 0; round++) {
      const sent = transport.pending.splice(0);
      const ids = sent.flatMap((s) => s.ids);
      for (const id of ids) settledBy.add(id);
      for (const s of sent) s.done();
      if (mode === "receipts") batcher.settle(ids);
      vi.advanceTimersByTime(30_000);
      check();
    }
    expect(outbox.size(), "everything is delivered once the link is sound").toBe(0);
    for (const id of produced) expect(settledBy.has(id)).toBe(true);
  } finally {
    batcher.close();
    vi.clearAllTimers();
  }
}

describe("Batcher (property)", () => {
  it("never loses an unsettled event and removes only settled ones, settling by receipts", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), fc.constantFrom(100, 250, 20_000), (ops, maxUnsettled) => run(ops, "receipts", maxUnsettled)),
      { numRuns: 200 },
    );
  });

  it("never loses an unacknowledged event settling by PUBACK, whatever the interleaving", () => {
    // mqtt.js calls every publish back in the end (PUBACK, or an error when closed): no "forget" here.
    const noModeSwitch = opArb.filter((o) => o.op !== "mode" && o.op !== "forget");
    fc.assert(
      fc.property(fc.array(noModeSwitch, { maxLength: 60 }), (ops) => run(ops.filter((o) => o.op !== "receipt"), "puback", 20_000)),
      { numRuns: 150 },
    );
  });
});
