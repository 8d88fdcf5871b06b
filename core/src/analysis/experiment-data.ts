/**
 * The input of a layout experiment (what the server gathers per store and period) and how the
 * stores of a group are pooled.
 */

/** Counts per weekday-hour cell ("<ISO weekday>-<hour>", see `cellOf`). */
export type CellCounts = Record<string, number>;

/** What the server gathers for one store over one period (before or after the change). */
export interface PeriodData {
  /** Trips (first enter in the period) per weekday-hour cell of their start, in the store's time zone. */
  tripsByCell: CellCounts;
  /** Per zone: trips that entered the zone, per cell of the trip's start. */
  reachByZoneCell: Record<string, CellCounts>;
  /** Per zone: visits (enters) in the period. */
  visitsByZone: Record<string, number>;
  /** Per zone: dwell of the closed visits, in seconds. */
  dwellSecondsByZone: Record<string, number[]>;
  /** Per zone: sales transactions attributed to it. */
  transactionsByZone: Record<string, number>;
  /**
   * Optional, per zone: visits per cell of the trip's start. When every store gives it, visits per
   * trip is adjusted for the weekday-hour mix like reach; otherwise it is not.
   */
  visitsByZoneCell?: Record<string, CellCounts>;
}

/** One store's before and after periods. */
export interface StorePeriods {
  store: string;
  before: PeriodData;
  after: PeriodData;
}

/** A layout experiment: test stores (changed) and control stores (unchanged), and the zones to report. */
export interface ExperimentInput {
  /** Zones of interest, reported in this order. */
  zones: string[];
  /** The test stores' time zone, in which the server computed the cells (shown with the result). */
  timeZone: string;
  test: StorePeriods[];
  /** May be empty: then there is no difference in differences. */
  control: StorePeriods[];
  /** Optional display names of zones ("the promo table"); the id is used otherwise. */
  zoneNames?: Record<string, string>;
}

/** One period of a group of stores, pooled. */
export interface PooledPeriod {
  trips: number;
  tripsByCell: CellCounts;
  reachByZoneCell: Map<string, CellCounts>;
  visitsByZone: Map<string, number>;
  /** null unless every store gave `visitsByZoneCell`. */
  visitsByZoneCell: Map<string, CellCounts> | null;
  dwellSecondsByZone: Map<string, number[]>;
  transactionsByZone: Map<string, number>;
}

function addCounts(into: CellCounts, from: Readonly<CellCounts> | undefined): void {
  if (!from) return;
  for (const [cell, n] of Object.entries(from)) if (Number.isFinite(n) && n > 0) into[cell] = (into[cell] ?? 0) + n;
}

function addZoneCounts(into: Map<string, CellCounts>, from: Readonly<Record<string, CellCounts>> | undefined): void {
  if (!from) return;
  for (const [zone, cells] of Object.entries(from)) {
    let z = into.get(zone);
    if (!z) into.set(zone, (z = {}));
    addCounts(z, cells);
  }
}

function addNumbers(into: Map<string, number>, from: Readonly<Record<string, number>> | undefined): void {
  if (!from) return;
  for (const [zone, n] of Object.entries(from)) if (Number.isFinite(n) && n > 0) into.set(zone, (into.get(zone) ?? 0) + n);
}

/** The stores' `period` summed (counts) and concatenated (dwell samples): a group's stores are pooled. */
export function poolPeriod(stores: readonly StorePeriods[], period: "before" | "after"): PooledPeriod {
  const out: PooledPeriod = {
    trips: 0,
    tripsByCell: {},
    reachByZoneCell: new Map(),
    visitsByZone: new Map(),
    visitsByZoneCell: stores.length > 0 && stores.every((s) => s[period].visitsByZoneCell !== undefined) ? new Map() : null,
    dwellSecondsByZone: new Map(),
    transactionsByZone: new Map(),
  };
  for (const store of stores) {
    const d = store[period];
    addCounts(out.tripsByCell, d.tripsByCell);
    addZoneCounts(out.reachByZoneCell, d.reachByZoneCell);
    if (out.visitsByZoneCell) addZoneCounts(out.visitsByZoneCell, d.visitsByZoneCell);
    addNumbers(out.visitsByZone, d.visitsByZone);
    addNumbers(out.transactionsByZone, d.transactionsByZone);
    for (const [zone, values] of Object.entries(d.dwellSecondsByZone ?? {})) {
      const finite = values.filter((v) => Number.isFinite(v) && v >= 0);
      out.dwellSecondsByZone.set(zone, (out.dwellSecondsByZone.get(zone) ?? []).concat(finite));
    }
  }
  out.trips = Object.values(out.tripsByCell).reduce((s, n) => s + n, 0);
  return out;
}

/**
 * How different two trip mixes are: the total variation distance ½ Σ |a_c - b_c| between the
 * shares of trips per cell, in [0, 1]: the share of trips that would have to move to another
 * weekday-hour for the mixes to match.
 */
export function mixDistance(a: Readonly<CellCounts>, b: Readonly<CellCounts>): number {
  const ta = Object.values(a).reduce((s, n) => s + n, 0);
  const tb = Object.values(b).reduce((s, n) => s + n, 0);
  if (ta === 0 || tb === 0) return 0;
  let d = 0;
  for (const cell of new Set([...Object.keys(a), ...Object.keys(b)])) d += Math.abs((a[cell] ?? 0) / ta - (b[cell] ?? 0) / tb);
  return d / 2;
}
