import { HOUR_MS, DAY_MS, forEachPart } from "./time-parts.js";

/** Separator of zone ids in a path key (ids never hold it). */
export const PATH_SEP = ">";

interface TripItem {
  startTs: number;
  id: number;
}
interface Counts {
  /** Path id -> trips. */
  paths: Map<number, number>;
  /** Transition id -> count over those trips. */
  transitions: Map<number, number>;
}

function bump<K>(map: Map<K, number>, key: K, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n === 0) map.delete(key);
  else map.set(key, n);
}
const emptyCounts = (): Counts => ({ paths: new Map(), transitions: new Map() });

/** A path's place in a top list: more trips first, then zone by zone. */
export type PathOrder = (a: readonly string[], b: readonly string[]) => number;

/**
 * Trips' paths rolled up by the UTC hour and day of their first enter. Paths and transitions are
 * interned as integers, so summing a month of days is a pass over small integer maps, and the
 * transitions of every day are kept ready instead of being derived from each path at query time.
 */
export class PathIndex {
  private readonly hours = new Map<number, Counts & { items: TripItem[] }>();
  private readonly days = new Map<number, Counts>();
  private readonly pathIds = new Map<string, number>();
  private readonly pathZones: string[][] = [];
  /** Transition ids of each path's consecutive pairs. */
  private readonly pathTransitions: number[][] = [];
  private readonly transitionIds = new Map<string, number>();
  private readonly transitionPairs: [string, string][] = [];

  private pathId(key: string): number {
    let id = this.pathIds.get(key);
    if (id === undefined) {
      id = this.pathZones.length;
      this.pathIds.set(key, id);
      const zones = key.split(PATH_SEP);
      this.pathZones.push(zones);
      const transitions: number[] = [];
      for (let i = 1; i < zones.length; i++) {
        const pair = `${zones[i - 1]}${PATH_SEP}${zones[i]}`;
        let t = this.transitionIds.get(pair);
        if (t === undefined) {
          t = this.transitionPairs.length;
          this.transitionIds.set(pair, t);
          this.transitionPairs.push([zones[i - 1]!, zones[i]!]);
        }
        transitions.push(t);
      }
      this.pathTransitions.push(transitions);
    }
    return id;
  }

  add(startTs: number, key: string): void {
    this.update(startTs, this.pathId(key), 1);
  }
  remove(startTs: number, key: string): void {
    const id = this.pathIds.get(key);
    if (id !== undefined) this.update(startTs, id, -1);
  }
  private update(startTs: number, id: number, by: 1 | -1): void {
    const h = Math.floor(startTs / HOUR_MS);
    const d = Math.floor(startTs / DAY_MS);
    let hour = this.hours.get(h);
    if (!hour) this.hours.set(h, (hour = { ...emptyCounts(), items: [] }));
    let day = this.days.get(d);
    if (!day) this.days.set(d, (day = emptyCounts()));
    for (const c of [hour, day]) {
      bump(c.paths, id, by);
      for (const t of this.pathTransitions[id]!) bump(c.transitions, t, by);
    }
    if (by > 0) hour.items.push({ startTs, id });
    else {
      const i = hour.items.findIndex((t) => t.startTs === startTs && t.id === id);
      if (i >= 0) hour.items.splice(i, 1);
    }
  }

  /** Trips per path id and counts per transition id, for trips that started in [from, to). */
  private sum(from: number, to: number): { paths: Map<number, number>; transitions: Map<number, number> } {
    const out = emptyCounts();
    const addAll = (c: Counts | undefined) => {
      if (!c) return;
      c.paths.forEach((n, id) => bump(out.paths, id, n));
      c.transitions.forEach((n, id) => bump(out.transitions, id, n));
    };
    forEachPart(from, to, {
      hour: (h) => addAll(this.hours.get(h)),
      day: (d) => addAll(this.days.get(d)),
      partial: (h, a, b) => {
        for (const t of this.hours.get(h)?.items ?? []) {
          if (t.startTs < a || t.startTs >= b) continue;
          bump(out.paths, t.id, 1);
          for (const tr of this.pathTransitions[t.id]!) bump(out.transitions, tr, 1);
        }
      },
    });
    return out;
  }

  /**
   * Each path (its zones, shared: do not modify) with its count of trips that started in
   * [from, to), in no particular order. Paths only, without transitions: cheap enough to call
   * once per hour of a period.
   */
  pathCounts(from: number, to: number): { zones: readonly string[]; count: number }[] {
    const ids = new Map<number, number>();
    const addAll = (c: Counts | undefined) => c?.paths.forEach((n, id) => bump(ids, id, n));
    forEachPart(from, to, {
      hour: (h) => addAll(this.hours.get(h)),
      day: (d) => addAll(this.days.get(d)),
      partial: (h, a, b) => {
        for (const t of this.hours.get(h)?.items ?? []) if (t.startTs >= a && t.startTs < b) bump(ids, t.id, 1);
      },
    });
    return [...ids].map(([id, count]) => ({ zones: this.pathZones[id]!, count }));
  }

  /** Count of each path (zones joined by PATH_SEP) among trips that started in [from, to). */
  counts(from: number, to: number): Map<string, number> {
    const out = new Map<string, number>();
    this.sum(from, to).paths.forEach((n, id) => out.set(this.pathZones[id]!.join(PATH_SEP), n));
    return out;
  }

  /**
   * The `limit` most frequent paths (ordered by count, then by `order`) and every transition with its
   * count, for trips that started in [from, to). The top list is kept in a bounded heap, so a month
   * of mostly distinct paths is never sorted whole.
   */
  report(from: number, to: number, limit: number, order: PathOrder): { paths: { zones: string[]; count: number }[]; transitions: { from: string; to: string; count: number }[] } {
    const { paths, transitions } = this.sum(from, to);
    // before(a, b): a ranks above b.
    const before = (a: number, na: number, b: number, nb: number) => na > nb || (na === nb && order(this.pathZones[a]!, this.pathZones[b]!) < 0);
    const heap: [number, number][] = []; // min-heap by rank: the worst kept entry at the root
    const worse = (i: number, j: number) => before(heap[j]![0], heap[j]![1], heap[i]![0], heap[i]![1]);
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
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < heap.length && worse(l, m)) m = l;
        if (r < heap.length && worse(r, m)) m = r;
        if (m === i) return;
        swap(i, m);
        i = m;
      }
    };
    if (limit > 0) {
      paths.forEach((n, id) => {
        if (heap.length < limit) {
          heap.push([id, n]);
          up(heap.length - 1);
        } else if (before(id, n, heap[0]![0], heap[0]![1])) {
          heap[0] = [id, n];
          down(0);
        }
      });
    }
    heap.sort((a, b) => (before(a[0], a[1], b[0], b[1]) ? -1 : 1));
    const pairs = [...transitions].map(([id, count]) => ({ pair: this.transitionPairs[id]!, count }));
    pairs.sort((a, b) => b.count - a.count || order(a.pair, b.pair));
    return {
      paths: heap.map(([id, count]) => ({ zones: this.pathZones[id]!, count })),
      transitions: pairs.map(({ pair: [from, to], count }) => ({ from, to, count })),
    };
  }
}

/** Door counters' crossings per UTC hour and day. */
export class DoorIndex {
  private readonly hours = new Map<number, { in: number; out: number; items: { ts: number; in: number; out: number }[] }>();
  private readonly days = new Map<number, { in: number; out: number }>();
  private any = false;

  /** Whether any count event was ever accepted. */
  get hasCounts(): boolean {
    return this.any;
  }

  add(ts: number, nIn: number, nOut: number): void {
    this.any = true;
    const h = Math.floor(ts / HOUR_MS);
    const d = Math.floor(ts / DAY_MS);
    let hour = this.hours.get(h);
    if (!hour) this.hours.set(h, (hour = { in: 0, out: 0, items: [] }));
    let day = this.days.get(d);
    if (!day) this.days.set(d, (day = { in: 0, out: 0 }));
    hour.in += nIn;
    hour.out += nOut;
    hour.items.push({ ts, in: nIn, out: nOut });
    day.in += nIn;
    day.out += nOut;
  }

  /** Sum of crossings with ts in [from, to). */
  sum(from: number, to: number): { in: number; out: number } {
    const s = { in: 0, out: 0 };
    const add = (x: { in: number; out: number } | undefined) => {
      if (!x) return;
      s.in += x.in;
      s.out += x.out;
    };
    forEachPart(from, to, {
      hour: (h) => add(this.hours.get(h)),
      day: (d) => add(this.days.get(d)),
      partial: (h, a, b) => {
        for (const it of this.hours.get(h)?.items ?? []) if (it.ts >= a && it.ts < b) add(it);
      },
    });
    return s;
  }
}
