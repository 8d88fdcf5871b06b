/**
 * The `limit` best items by `before` (a ranks above b), best first, kept in a bounded min-heap so
 * that a month of mostly distinct paths is never sorted whole.
 */
export function topK<T>(items: Iterable<T>, limit: number, before: (a: T, b: T) => boolean): T[] {
  if (limit <= 0) return [];
  const heap: T[] = []; // the worst kept item at the root
  const worse = (i: number, j: number) => before(heap[j]!, heap[i]!);
  const swap = (i: number, j: number) => ([heap[i], heap[j]] = [heap[j]!, heap[i]!]);
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!worse(i, p)) break;
      swap(i, p);
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(l, m)) m = l;
      if (r < heap.length && worse(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (const item of items) {
    if (heap.length < limit) {
      heap.push(item);
      up(heap.length - 1);
    } else if (before(item, heap[0]!)) {
      heap[0] = item;
      down(0);
    }
  }
  return heap.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
}
