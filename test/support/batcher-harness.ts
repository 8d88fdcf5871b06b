/**
 * What the edge batcher's unit tests (edge/src/batcher*.test.ts) share: a transport that records
 * every payload it is handed and acknowledges (PUBACK) only when told, events with ids that sort,
 * and a batcher on a memory outbox with the tests' defaults.
 */
import { expect } from "vitest";
import { decodeBatch, type FootfallEvent } from "@footfall/core";
import { protocolLimits } from "../../edge/src/batch.js";
import { Batcher, type BatchTransport, type BatcherOptions } from "../../edge/src/batcher.js";
import { silentLogger } from "../../edge/src/log.js";
import { MemoryOutbox } from "../../edge/src/outbox.js";

export interface SentBatch {
  ids: string[];
  bytes: number;
  done: (error?: Error | null) => void;
}

/** A transport that records payloads and acknowledges only when told. */
export class RecordingTransport implements BatchTransport {
  connected = true;
  sent: SentBatch[] = [];
  /** Every id acknowledged so far, in order. */
  acked: string[] = [];
  /** With `refuseRejected`, a payload that carries rejected events fails the test. */
  constructor(private readonly opts: { refuseRejected?: boolean } = {}) {}
  ready(): boolean {
    return this.connected;
  }
  send(payload: string, done: (error?: Error | null) => void): void {
    const decoded = decodeBatch(payload, (b) => Buffer.from(b).toString("utf8"));
    if (!decoded.ok) throw new Error(decoded.error);
    if (this.opts.refuseRejected) expect(decoded.value.rejected).toEqual([]);
    this.sent.push({ ids: decoded.value.events.map((e) => e.id), bytes: Buffer.byteLength(payload), done });
  }
  /** Acknowledges (PUBACK) everything sent so far; returns the ids. */
  ackAll(): string[] {
    const pending = this.sent.splice(0);
    const ids = pending.flatMap((s) => s.ids);
    this.acked.push(...ids);
    for (const s of pending) s.done();
    return ids;
  }
  /** The ids sent and not yet acknowledged. */
  ids(): string[] {
    return this.sent.flatMap((s) => s.ids);
  }
}

/** Enter events of agent `a` with ids `a:000000000`, `a:000000001`, ... (`reset` starts again). */
export function batcherEvents() {
  let seq = 0;
  const event = (visitor = "v-1"): FootfallEvent =>
    ({ type: "enter", id: `a:${String(seq++).padStart(9, "0")}`, ts: 1_700_000_000_000 + seq, zone: "bakery", visitor }) as FootfallEvent;
  return {
    event,
    events: (n: number, visitor?: string): FootfallEvent[] => Array.from({ length: n }, () => event(visitor)),
    reset() {
      seq = 0;
    },
  };
}

/** A batcher of agent `a` on a memory outbox and `transport`: 100 events or 250 ms a batch, 8 in flight, unless `opts` says otherwise. */
export function newBatcher(transport: RecordingTransport, opts: Partial<BatcherOptions> = {}) {
  const outbox = new MemoryOutbox();
  const batcher = new Batcher(outbox, transport, {
    agent: "a",
    flushAtEvents: 100,
    flushEveryMs: 250,
    limits: protocolLimits(),
    maxInflightBatches: 8,
    log: silentLogger,
    ...opts,
  });
  return { outbox, transport, batcher };
}
