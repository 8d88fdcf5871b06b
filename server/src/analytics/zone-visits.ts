import { HOUR_MS, DAY_MS, forEachPart } from "./time-parts.js";
import { kthOfSorted, lowerBound, SortedBag } from "./sorted.js";

/** What the index keeps of one visit. */
export interface VisitItem {
  enterTs: number;
  /** exit - enter in ms for a closed visit, else null. */
  dwellMs: number | null;
  /** enterTs of the same visitor's previous visit to the same zone, or null: counts distinct visitors exactly. */
  prevEnterTs: number | null;
}

interface Agg {
  visits: number;
  /** Visits that are the visitor's first to this zone. */
  firsts: number;
  /** prevEnterTs of the other visits. */
  revisitPrev: SortedBag;
  /** Dwell of closed visits in ms. */
  dwells: SortedBag;
  dwellSum: number;
}
interface HourAgg extends Agg {
  items: VisitItem[];
}
const emptyAgg = (): Agg => ({ visits: 0, firsts: 0, revisitPrev: new SortedBag(), dwells: new SortedBag(), dwellSum: 0 });

function addTo(a: Agg, item: VisitItem, sign: 1 | -1): void {
  a.visits += sign;
  if (item.prevEnterTs === null) a.firsts += sign;
  else if (sign > 0) a.revisitPrev.add(item.prevEnterTs);
  else a.revisitPrev.remove(item.prevEnterTs);
  if (item.dwellMs !== null) {
    a.dwellSum += sign * item.dwellMs;
    if (sign > 0) a.dwells.add(item.dwellMs);
    else a.dwells.remove(item.dwellMs);
  }
}

export interface ZoneVisitFigures {
  visits: number;
  visitors: number;
  /** Closed visits' dwell: count, sum, and the k-th smallest (1-based) on demand. */
  closed: number;
  dwellSumMs: number;
  kth(k: number): number;
}

/** The visits of one zone, rolled up by UTC hour and day, answering any [from, to) exactly. */
export class ZoneVisitIndex {
  private readonly hours = new Map<number, HourAgg>();
  private readonly days = new Map<number, Agg>();

  add(item: VisitItem): void {
    this.update(item, 1);
  }
  remove(item: VisitItem): void {
    this.update(item, -1);
  }
  private update(item: VisitItem, sign: 1 | -1): void {
    const h = Math.floor(item.enterTs / HOUR_MS);
    const d = Math.floor(item.enterTs / DAY_MS);
    let hour = this.hours.get(h);
    if (!hour) this.hours.set(h, (hour = { ...emptyAgg(), items: [] }));
    let day = this.days.get(d);
    if (!day) this.days.set(d, (day = emptyAgg()));
    addTo(hour, item, sign);
    addTo(day, item, sign);
    if (sign > 0) hour.items.push(item);
    else {
      const i = hour.items.findIndex((x) => x.enterTs === item.enterTs && x.dwellMs === item.dwellMs && x.prevEnterTs === item.prevEnterTs);
      if (i >= 0) hour.items.splice(i, 1);
    }
  }

  /** Number of visits that entered in [from, to). */
  count(from: number, to: number): number {
    let n = 0;
    forEachPart(from, to, {
      hour: (h) => (n += this.hours.get(h)?.visits ?? 0),
      day: (d) => (n += this.days.get(d)?.visits ?? 0),
      partial: (h, a, b) => {
        for (const it of this.hours.get(h)?.items ?? []) if (it.enterTs >= a && it.enterTs < b) n++;
      },
    });
    return n;
  }

  /** Visits, distinct visitors and dwell of visits that entered in [from, to). */
  figures(from: number, to: number): ZoneVisitFigures {
    let visits = 0, visitors = 0, closed = 0, dwellSumMs = 0;
    const sortedParts: (readonly number[])[] = [];
    const loose: number[] = [];
    const whole = (a: Agg | undefined) => {
      if (!a || a.visits === 0) return;
      visits += a.visits;
      // A revisit counts as a new visitor for this range when the previous visit lies before it.
      visitors += a.firsts;
      if (a.revisitPrev.size) visitors += lowerBound(a.revisitPrev.ascending(), from);
      closed += a.dwells.size;
      dwellSumMs += a.dwellSum;
      if (a.dwells.size) sortedParts.push(a.dwells.ascending());
    };
    forEachPart(from, to, {
      hour: (h) => whole(this.hours.get(h)),
      day: (d) => whole(this.days.get(d)),
      partial: (h, a, b) => {
        for (const it of this.hours.get(h)?.items ?? []) {
          if (it.enterTs < a || it.enterTs >= b) continue;
          visits++;
          if (it.prevEnterTs === null || it.prevEnterTs < from) visitors++;
          if (it.dwellMs !== null) {
            closed++;
            dwellSumMs += it.dwellMs;
            loose.push(it.dwellMs);
          }
        }
      },
    });
    if (loose.length) sortedParts.push(loose.sort((x, y) => x - y));
    return { visits, visitors, closed, dwellSumMs, kth: (k) => kthOfSorted(sortedParts, k) };
  }

  /** Dwell (ms) of each closed visit that entered in [from, to), in no particular order: samples for statistics. */
  dwellSamplesMs(from: number, to: number): number[] {
    const out: number[] = [];
    const whole = (a: Agg | undefined) => {
      if (a?.dwells.size) for (const d of a.dwells.ascending()) out.push(d);
    };
    forEachPart(from, to, {
      hour: (h) => whole(this.hours.get(h)),
      day: (d) => whole(this.days.get(d)),
      partial: (h, a, b) => {
        for (const it of this.hours.get(h)?.items ?? []) if (it.dwellMs !== null && it.enterTs >= a && it.enterTs < b) out.push(it.dwellMs);
      },
    });
    return out;
  }
}
