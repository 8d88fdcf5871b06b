import { DAY_MS, HOUR_MS } from "../analytics/time-parts.js";
import { PATH_SEP, type VisitItem } from "../analytics/visitor-derivation.js";
import { addToHistogram, type DwellHistogram } from "./dwell-histogram.js";

/** Hour (0) or day (1) rollup rows. */
export const GRAINS = [
  [0, HOUR_MS],
  [1, DAY_MS],
] as const;

export interface ZoneRollupChange {
  grain: number;
  t: number;
  zone: string;
  visits: number;
  firsts: number;
  closed: number;
  dwellSumMs: number;
  hist: DwellHistogram;
}

export interface VisitRow {
  zone: string;
  enterTs: number;
  enterId: string;
  dwellMs: number | null;
  prevEnterTs: number | null;
}

/**
 * What one group commit changes in a store's aggregates: rows of visits, trips and open visits
 * to delete and insert, and signed increments of the hour and day rollups. Pure bookkeeping:
 * increments to the same row are summed here, so a commit writes each touched row once.
 */
export class AggregateDelta {
  readonly visitDeletes: VisitRow[] = [];
  readonly visitInserts: VisitRow[] = [];
  readonly tripDeletes: { startTs: number; visitor: string }[] = [];
  /** `steps`: when each path step began, ms after startTs joined by "," (visitor-derivation.ts); null: not known (every step at the start). */
  readonly tripInserts: { startTs: number; visitor: string; path: string; steps: string | null }[] = [];
  readonly openDeletes: { zone: string; visitor: string }[] = [];
  readonly openUpserts: { zone: string; visitor: string; lastSeenTs: number }[] = [];
  readonly zones = new Map<string, ZoneRollupChange>();
  readonly revisits = new Map<string, { hour: number; zone: string; prevHour: number; n: number }>();
  readonly paths = new Map<string, { grain: number; t: number; path: string; n: number }>();
  readonly transitions = new Map<string, { grain: number; t: number; from: string; to: string; n: number }>();
  readonly doors = new Map<string, { grain: number; t: number; zone: string; in: number; out: number }>();

  get empty(): boolean {
    return this.visitDeletes.length + this.visitInserts.length + this.tripDeletes.length + this.tripInserts.length + this.openDeletes.length + this.openUpserts.length + this.zones.size + this.doors.size === 0;
  }

  visit(zone: string, enterId: string, item: VisitItem, sign: 1 | -1): void {
    const row: VisitRow = { zone, enterTs: item.enterTs, enterId, dwellMs: item.dwellMs, prevEnterTs: item.prevEnterTs };
    (sign > 0 ? this.visitInserts : this.visitDeletes).push(row);
    for (const [grain, size] of GRAINS) {
      const t = Math.floor(item.enterTs / size);
      const key = `${grain}|${t}|${zone}`;
      let z = this.zones.get(key);
      if (!z) this.zones.set(key, (z = { grain, t, zone, visits: 0, firsts: 0, closed: 0, dwellSumMs: 0, hist: new Map() }));
      z.visits += sign;
      if (item.prevEnterTs === null) z.firsts += sign;
      if (item.dwellMs !== null) {
        z.closed += sign;
        z.dwellSumMs += sign * item.dwellMs;
        addToHistogram(z.hist, item.dwellMs, sign);
      }
    }
    if (item.prevEnterTs !== null) {
      const hour = Math.floor(item.enterTs / HOUR_MS);
      const prevHour = Math.floor(item.prevEnterTs / HOUR_MS);
      if (prevHour < hour) {
        const key = `${hour}|${zone}|${prevHour}`;
        const r = this.revisits.get(key);
        if (r) r.n += sign;
        else this.revisits.set(key, { hour, zone, prevHour, n: sign });
      }
    }
  }

  trip(visitor: string, startTs: number, path: string, sign: 1 | -1, steps: string | null = null): void {
    if (sign > 0) this.tripInserts.push({ startTs, visitor, path, steps });
    else this.tripDeletes.push({ startTs, visitor });
    const zones = path.split(PATH_SEP);
    for (const [grain, size] of GRAINS) {
      const t = Math.floor(startTs / size);
      const key = `${grain}|${t}|${path}`;
      const p = this.paths.get(key);
      if (p) p.n += sign;
      else this.paths.set(key, { grain, t, path, n: sign });
      for (let i = 1; i < zones.length; i++) {
        const tkey = `${grain}|${t}|${zones[i - 1]}|${zones[i]}`;
        const tr = this.transitions.get(tkey);
        if (tr) tr.n += sign;
        else this.transitions.set(tkey, { grain, t, from: zones[i - 1]!, to: zones[i]!, n: sign });
      }
    }
  }

  door(zone: string, ts: number, nIn: number, nOut: number): void {
    for (const [grain, size] of GRAINS) {
      const t = Math.floor(ts / size);
      const key = `${grain}|${t}|${zone}`;
      const d = this.doors.get(key);
      if (d) {
        d.in += nIn;
        d.out += nOut;
      } else this.doors.set(key, { grain, t, zone, in: nIn, out: nOut });
    }
  }

  openVisit(zone: string, visitor: string, lastSeenTs: number | null): void {
    if (lastSeenTs === null) this.openDeletes.push({ zone, visitor });
    else this.openUpserts.push({ zone, visitor, lastSeenTs });
  }
}
