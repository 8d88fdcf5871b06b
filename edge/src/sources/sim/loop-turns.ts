/**
 * Turns of the event loop shared by every back-fill of a process. A back-fill makes its history in
 * slices and gives the event loop a turn between them (signals, receipts, the connection). The chain
 * simulator runs one per store in one process: each waiting with its own `setImmediate`, all of them
 * ran their next slice in the same turn (12 stores: 0.6 s of work, 1.5-2.8 s on a busy machine, deaf
 * to Ctrl-C all the while). Here they queue: one back-fill resumes per turn, first come first served.
 */
export class LoopTurns {
  private readonly waiting: Array<() => void> = [];
  private pending: ReturnType<typeof setImmediate> | null = null;

  /**
   * Calls `resume` at a later turn of the event loop, when its place in the line comes; the returned
   * function takes it out of the line (a back-fill stopped while it waits).
   */
  wait(resume: () => void): () => void {
    const entry = (): void => resume();
    this.waiting.push(entry);
    this.schedule();
    return () => {
      const i = this.waiting.indexOf(entry);
      if (i >= 0) this.waiting.splice(i, 1);
      if (this.waiting.length === 0 && this.pending !== null) {
        clearImmediate(this.pending);
        this.pending = null;
      }
    };
  }

  /** How many back-fills wait for a turn. */
  get size(): number {
    return this.waiting.length;
  }

  private schedule(): void {
    if (this.pending !== null || this.waiting.length === 0) return;
    this.pending = setImmediate(() => {
      this.pending = null;
      this.waiting.shift()?.();
      // Set from within this turn's callback, the next one runs at the next turn.
      this.schedule();
    });
  }
}

/** The turns every back-fill of this process shares. */
export const backfillTurns = new LoopTurns();
