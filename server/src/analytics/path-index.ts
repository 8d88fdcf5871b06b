import { HOUR_MS, DAY_MS, forEachPart } from "./time-parts.js";

/** Separator of zone ids in a path key (ids never hold it). */
export const PATH_SEP = ">";

interface TripItem {
  startTs: number;
  key: string;
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n === 0) map.delete(key);
  else map.set(key, n);
}

/** Trips' paths rolled up by the UTC hour and day of their first enter. */
export class PathIndex {
  private readonly hours = new Map<number, { counts: Map<string, number>; items: TripItem[] }>();
  private readonly days = new Map<number, Map<string, number>>();

  add(startTs: number, key: string): void {
    this.update(startTs, key, 1);
  }
  remove(startTs: number, key: string): void {
    this.update(startTs, key, -1);
  }
  private update(startTs: number, key: string, by: 1 | -1): void {
    const h = Math.floor(startTs / HOUR_MS);
    const d = Math.floor(startTs / DAY_MS);
    let hour = this.hours.get(h);
    if (!hour) this.hours.set(h, (hour = { counts: new Map(), items: [] }));
    let day = this.days.get(d);
    if (!day) this.days.set(d, (day = new Map()));
    bump(hour.counts, key, by);
    bump(day, key, by);
    if (by > 0) hour.items.push({ startTs, key });
    else {
      const i = hour.items.findIndex((t) => t.startTs === startTs && t.key === key);
      if (i >= 0) hour.items.splice(i, 1);
    }
  }

  /** Count of each path among trips that started in [from, to). */
  counts(from: number, to: number): Map<string, number> {
    const out = new Map<string, number>();
    const addAll = (m: Map<string, number> | undefined) => m?.forEach((n, k) => bump(out, k, n));
    forEachPart(from, to, {
      hour: (h) => addAll(this.hours.get(h)?.counts),
      day: (d) => addAll(this.days.get(d)),
      partial: (h, a, b) => {
        for (const t of this.hours.get(h)?.items ?? []) if (t.startTs >= a && t.startTs < b) bump(out, t.key, 1);
      },
    });
    return out;
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
