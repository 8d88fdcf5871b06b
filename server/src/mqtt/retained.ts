/**
 * Retained messages for other systems (Home Assistant, dashboards), at most one a second per topic:
 * a value that changes faster is coalesced (the latest is sent when the second is up), a value
 * the same as the last one sent is not sent again: the same payload, or, when `set` is given what
 * makes it the same (`same`: a state's figures without their time stamp), the same figures (a
 * store's occupancy read again at each commit is sent when it changes, not for each new `ts`). `clear` sends the empty retained message that
 * deletes a topic at once (a removed zone's discovery config).
 */
export type PublishRetained = (topic: string, payload: string) => Promise<void>;

export interface RetainedPublisherOptions {
  publish: PublishRetained;
  /** Shortest gap between two messages of one topic (default 1000 ms). */
  minIntervalMs?: number;
  now?: () => number;
  onError?: (topic: string, err: Error) => void;
}

export class RetainedPublisher {
  private readonly last = new Map<string, { same: string; at: number }>();
  private readonly pending = new Map<string, { payload: string; same: string }>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly minIntervalMs: number;
  private readonly now: () => number;
  /** Messages sent, per topic (tests and the benchmark count them). */
  sent = 0;

  constructor(private readonly o: RetainedPublisherOptions) {
    this.minIntervalMs = o.minIntervalMs ?? 1000;
    this.now = o.now ?? Date.now;
  }

  /**
   * Publish `payload` on `topic` now, or when its second is up (the latest value wins); not when
   * `same` (default: the payload) is what was sent last.
   */
  set(topic: string, payload: string, same: string = payload): void {
    if (this.timers.has(topic)) {
      this.pending.set(topic, { payload, same });
      return;
    }
    const last = this.last.get(topic);
    if (last?.same === same) return;
    const now = this.now();
    if (!last || now - last.at >= this.minIntervalMs) return this.send(topic, payload, same, now);
    this.pending.set(topic, { payload, same });
    const timer = setTimeout(() => {
      this.timers.delete(topic);
      const p = this.pending.get(topic);
      this.pending.delete(topic);
      if (p !== undefined && p.same !== this.last.get(topic)?.same) this.send(topic, p.payload, p.same, this.now());
    }, last.at + this.minIntervalMs - now);
    timer.unref?.();
    this.timers.set(topic, timer);
  }

  /** Delete a retained topic (an empty retained message), at once. */
  clear(topic: string): void {
    const t = this.timers.get(topic);
    if (t) clearTimeout(t);
    this.timers.delete(topic);
    this.pending.delete(topic);
    this.last.delete(topic);
    this.sent++;
    this.o.publish(topic, "").catch((err: Error) => this.o.onError?.(topic, err));
  }

  /**
   * Forget the topics `which` picks: what waits for them is not sent, and their next value is sent
   * whatever was sent before (a chain's server that lost a store's shard, or took it back after
   * another server published it meanwhile).
   */
  forget(which: (topic: string) => boolean): void {
    for (const [topic, t] of this.timers)
      if (which(topic)) {
        clearTimeout(t);
        this.timers.delete(topic);
        this.pending.delete(topic);
      }
    for (const topic of [...this.last.keys()]) if (which(topic)) this.last.delete(topic);
  }

  /** Topics published (not cleared) so far. */
  topics(): string[] {
    return [...this.last.keys()];
  }

  /** Send what waits now (at shutdown). */
  async flush(): Promise<void> {
    const sends: Promise<void>[] = [];
    for (const [topic, t] of this.timers) {
      clearTimeout(t);
      const p = this.pending.get(topic);
      if (p !== undefined) sends.push(this.o.publish(topic, p.payload).catch(() => {}));
    }
    this.timers.clear();
    this.pending.clear();
    await Promise.all(sends);
  }

  private send(topic: string, payload: string, same: string, at: number): void {
    this.last.set(topic, { same, at });
    this.sent++;
    this.o.publish(topic, payload).catch((err: Error) => this.o.onError?.(topic, err));
  }
}
