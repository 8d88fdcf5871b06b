import type { FootfallEvent } from "@footfall/core";

/**
 * The agent's queue of validated events waiting to be settled, oldest first.
 * Events leave it only through `ack`, as a prefix, once the server's receipt (or, settling by
 * PUBACK, the broker's acknowledgement) settled them, so a disconnection, a broker crash (or, with
 * a durable implementation, a restart) loses nothing.
 */
export interface Outbox {
  /** Append events at the tail, in order; returns how many were accepted (a full outbox refuses the rest). */
  push(events: readonly FootfallEvent[]): number;
  /** Up to `n` events starting after the first `skip`, oldest first, without removing them. */
  peek(n: number, skip?: number): FootfallEvent[];
  /** Remove the `n` oldest events: they were settled. */
  ack(n: number): void;
  /** Events waiting, including those sent but not yet settled. */
  size(): number;
  /** `ts` of the oldest waiting event, or null when empty (for lag metrics). */
  oldestTs(): number | null;
  /** Release resources (files, handles). */
  close(): void;
}

/** An {@link Outbox} in memory: survives disconnections, not restarts. */
export class MemoryOutbox implements Outbox {
  private items: FootfallEvent[] = [];
  private head = 0;

  /** @param capacity most events held; pushes beyond it are refused. */
  constructor(private readonly capacity = 1_000_000) {}

  push(events: readonly FootfallEvent[]): number {
    const room = Math.max(0, this.capacity - this.size());
    const accepted = Math.min(room, events.length);
    for (let i = 0; i < accepted; i++) this.items.push(events[i]!);
    return accepted;
  }

  peek(n: number, skip = 0): FootfallEvent[] {
    const from = this.head + Math.max(0, skip);
    return this.items.slice(from, from + Math.max(0, n));
  }

  ack(n: number): void {
    if (n < 0 || n > this.size()) throw new RangeError(`cannot ack ${n} events: ${this.size()} waiting`);
    this.head += n;
    // Compact once the acknowledged prefix dominates, so memory follows the queue and ack stays O(1) amortised.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  size(): number {
    return this.items.length - this.head;
  }

  oldestTs(): number | null {
    return this.items[this.head]?.ts ?? null;
  }

  close(): void {}
}
