/**
 * At most `size` holders at once; waiters go in order, the urgent ones first (issue 12). A chain
 * server's group commits take the ingest pool's connections through it: 64 shard pipelines share 10
 * connections, and pg's own queue is first come, first served, so the first commit of a shard just
 * taken over from a dead server waited 5-6 s behind the survivor's own commits (bench:chain's
 * slow-commit log). Its first commits ask as urgent; everything else keeps its order.
 */
export class PriorityGate {
  private held = 0;
  private readonly urgent: (() => void)[] = [];
  private readonly normal: (() => void)[] = [];

  constructor(readonly size: number) {}

  /** Resolves with the release of a place once one is free (urgent waiters before the others, each queue in order). */
  async acquire(urgent = false): Promise<() => void> {
    if (this.held < this.size && this.urgent.length === 0 && this.normal.length === 0) this.held++;
    else await new Promise<void>((resolve) => (urgent ? this.urgent : this.normal).push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.urgent.shift() ?? this.normal.shift();
      // The place goes straight to the next waiter (held stays the same), or is freed.
      if (next) next();
      else this.held--;
    };
  }

  /** Holders now, and waiters of each kind. */
  state(): { held: number; urgent: number; normal: number } {
    return { held: this.held, urgent: this.urgent.length, normal: this.normal.length };
  }
}
