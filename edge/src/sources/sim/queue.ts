interface Entry<T> {
  t: number;
  seq: number;
  value: T;
}

/** A min-heap of timed items; ties come out in insertion order, so a simulation replays exactly. */
export class TimeQueue<T> {
  private heap: Entry<T>[] = [];
  private seq = 0;

  /** Items waiting. */
  get size(): number {
    return this.heap.length;
  }

  /** Add `value` due at `t`. */
  push(t: number, value: T): void {
    const heap = this.heap;
    heap.push({ t, seq: this.seq++, value });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** When the earliest item is due, or null when empty. */
  peekTime(): number | null {
    return this.heap[0]?.t ?? null;
  }

  /** Remove and return the earliest item with its time. */
  pop(): { t: number; value: T } | null {
    const heap = this.heap;
    const top = heap[0];
    if (!top) return null;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && this.less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && this.less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return { t: top.t, value: top.value };
  }

  private less(a: Entry<T>, b: Entry<T>): boolean {
    return a.t < b.t || (a.t === b.t && a.seq < b.seq);
  }
}
