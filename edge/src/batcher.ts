import type { FootfallEvent } from "@footfall/core";
import { encodeBatch, type BatchLimits } from "./batch.js";
import type { Logger } from "./log.js";
import type { Outbox } from "./outbox.js";

/** Where batches go: the MQTT connection in production, a fake in tests. */
export interface BatchTransport {
  /** Whether a batch can be handed over now (connected). */
  ready(): boolean;
  /**
   * Hand one payload over. `done()` once it is acknowledged (the PUBACK of a QoS 1 publish),
   * `done(error)` when the transport lost it: the batcher then sends those events again.
   */
  send(payload: string, done: (error?: Error | null) => void): void;
}

/** Tuning of a {@link Batcher}. */
export interface BatcherOptions {
  /** Agent id, written in every batch. */
  agent: string;
  /** Send as soon as this many events are waiting (default 100). */
  flushAtEvents: number;
  /** Send whatever is waiting at least this often, in ms (default 250). */
  flushEveryMs: number;
  /** Bounds of one message (clamped to the protocol's limits by the caller). */
  limits: BatchLimits;
  /** Batches sent but not yet acknowledged, at most (flow control). */
  maxInflightBatches: number;
  log: Logger;
}

/** Counters of a {@link Batcher}, for status and logs. */
export interface BatcherStats {
  /** Events acknowledged by the broker. */
  sentEvents: number;
  /** Batches acknowledged by the broker. */
  sentBatches: number;
  /** Batches the transport lost (their events were sent again). */
  resentBatches: number;
  /** Events refused because the outbox was full. */
  refused: number;
  /** Events dropped because one alone exceeded the batch byte limit. */
  oversized: number;
}

interface Inflight {
  count: number;
  acked: boolean;
  generation: number;
}

/**
 * Moves events from the outbox to the transport in order: a batch leaves when `flushAtEvents` are
 * waiting or `flushEveryMs` after the first waiting event, never over the message limits, with at
 * most `maxInflightBatches` unacknowledged. Events are removed from the outbox only when every
 * batch before and including theirs is acknowledged, so the outbox always holds a suffix of what
 * was produced. A transport that loses batches (`done(error)`) makes every unacknowledged event
 * go again, in order (the server drops the duplicates by id).
 */
export class Batcher {
  private inflight: Inflight[] = [];
  /** Events at the head of the outbox already handed to the transport. */
  private handedOver = 0;
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private drainWaiters: Array<() => void> = [];
  private readonly counters: BatcherStats = { sentEvents: 0, sentBatches: 0, resentBatches: 0, refused: 0, oversized: 0 };

  constructor(
    private readonly outbox: Outbox,
    private readonly transport: BatchTransport,
    private readonly opts: BatcherOptions,
  ) {}

  /** Queue validated events (with ids); returns how many the outbox accepted. */
  add(events: readonly FootfallEvent[]): number {
    if (events.length === 0) return 0;
    const accepted = this.outbox.push(events);
    if (accepted < events.length) {
      const before = this.counters.refused;
      this.counters.refused += events.length - accepted;
      // Once, then every 10,000 refused events: a full outbox refuses every event the source makes.
      if (before === 0 || Math.floor(before / 10_000) !== Math.floor(this.counters.refused / 10_000)) {
        this.opts.log.warn("outbox full: new events are refused until the broker takes the queued ones; raise outbox.maxEvents or fix the connection", {
          refused: this.counters.refused,
          queued: this.outbox.size(),
        });
      }
    }
    if (this.waiting() >= this.opts.flushAtEvents) this.flush();
    else this.schedule();
    return accepted;
  }

  /** Events in the outbox not yet handed to the transport. */
  waiting(): number {
    return this.outbox.size() - this.handedOver;
  }

  /** Events in the outbox, handed over or not (what a status reports as queued). */
  queued(): number {
    return this.outbox.size();
  }

  /** Batches handed over and not yet acknowledged. */
  inflightBatches(): number {
    return this.inflight.length;
  }

  /** A copy of the counters. */
  stats(): BatcherStats {
    return { ...this.counters };
  }

  /** Send as much as the transport and the in-flight window allow, now. */
  flush(): void {
    this.clearTimer();
    if (this.closed) return;
    while (this.transport.ready() && this.inflight.length < this.opts.maxInflightBatches && this.waiting() > 0) {
      const events = this.outbox.peek(this.opts.limits.maxEvents, this.handedOver);
      const batch = encodeBatch(this.opts.agent, events, this.opts.limits);
      if (batch.count === 0) {
        if (this.handedOver > 0) break; // it can only be dropped once it is at the head
        this.outbox.ack(1);
        this.counters.oversized++;
        this.opts.log.error("event dropped: alone it exceeds the batch byte limit", { id: events[0]?.id, maxBytes: this.opts.limits.maxBytes });
        continue;
      }
      const record: Inflight = { count: batch.count, acked: false, generation: this.generation };
      this.inflight.push(record);
      this.handedOver += batch.count;
      this.transport.send(batch.payload, (error) => this.settle(record, error));
    }
    this.schedule();
  }

  /** The transport lost everything unacknowledged (e.g. a new connection without its store): send it again. */
  resendUnacknowledged(): void {
    if (this.inflight.length > 0) this.counters.resentBatches += this.inflight.length;
    this.generation++;
    this.inflight = [];
    this.handedOver = 0;
  }

  /** Flush and wait until the outbox is empty; false when `timeoutMs` passes first. */
  drain(timeoutMs: number): Promise<boolean> {
    this.flush();
    if (this.outbox.size() === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.drainWaiters = this.drainWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.drainWaiters.push(done);
    });
  }

  /** Stop timers; events stay in the outbox. */
  close(): void {
    this.closed = true;
    this.clearTimer();
  }

  private settle(record: Inflight, error: Error | null | undefined): void {
    if (record.generation !== this.generation) return; // already given up on and re-sent
    if (error) {
      this.opts.log.warn("batch not acknowledged; its events will be sent again", { error: error.message, events: record.count });
      this.resendUnacknowledged();
      this.schedule();
      return;
    }
    record.acked = true;
    while (this.inflight[0]?.acked) {
      const done = this.inflight.shift()!;
      this.outbox.ack(done.count);
      this.handedOver -= done.count;
      this.counters.sentEvents += done.count;
      this.counters.sentBatches++;
    }
    if (this.outbox.size() === 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    }
    if (this.waiting() >= this.opts.flushAtEvents) this.flush();
    else this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.closed || this.waiting() === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.opts.flushEveryMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
