import { medianOfSorted, sortedAscending } from "../domain/stats.js";

/**
 * Conversion per zone: how many of a zone's visits ended in a sale attributed to it, and the
 * "long dwell, low conversion" flag the heatmap shows (people linger but do not buy: a price,
 * stock or staffing question rather than a traffic one).
 */

/**
 * A store's (or a group's) conversion: transactions / enters. Null without enters, and null without
 * a single transaction: a range with visitors and no sale recorded has its sales not imported (yet),
 * and 0 % would say that nobody bought. The conversion view, the chain overview and the digests all
 * take it from here.
 */
export function storeConversion(transactions: number, enters: number): number | null {
  return transactions > 0 && enters > 0 ? transactions / enters : null;
}

/**
 * Zone kinds where nothing is sold by nature: entrances, tills (a basket is placed in the zones its
 * goods come from), fitting rooms and queues. Such a zone has no conversion unless sales are
 * attributed to it (a till export without departments may name the checkout), and never takes part
 * in the "long dwell, low conversion" flag: a long stay there is no lost sale, and their 0 % would
 * lower the store's median conversion that the selling zones are judged against.
 */
export const NON_SELLING_KINDS: ReadonlySet<string> = new Set(["entrance", "checkout", "fitting-room", "queue"]);

/** A zone's visits and sales in a range. */
export interface ZoneSalesInput {
  visits: number;
  /** Transactions attributed to the zone (or its department). */
  transactions: number;
  /** Sales amount attributed to the zone. */
  sales: number;
  /** Median dwell of the zone's closed visits in seconds, null when none; passed through. */
  dwellMedianS?: number | null;
}

/** A zone's conversion figures (`zoneConversion`). */
export interface ZoneConversion {
  /** transactions / visits; null without visits. May exceed 1 when sales are attributed to a department whose visits are undercounted. */
  conversion: number | null;
  /** sales / visits; null without visits. */
  salesPerVisit: number | null;
  /** sales / transactions (average basket); null without transactions. */
  averageBasket: number | null;
  dwellMedianS: number | null;
}

/** Conversion, sales per visit and average basket of one zone. */
export function zoneConversion(input: ZoneSalesInput): ZoneConversion {
  const { visits, transactions, sales } = input;
  return {
    conversion: visits > 0 ? transactions / visits : null,
    salesPerVisit: visits > 0 ? sales / visits : null,
    averageBasket: transactions > 0 ? sales / transactions : null,
    dwellMedianS: input.dwellMedianS ?? null,
  };
}

/** One zone's row for `longDwellLowConversion`. */
export interface ZoneDwellConversion {
  zone: string;
  visits: number;
  conversion: number | null;
  dwellMedianS: number | null;
}

/** Options of `longDwellLowConversion`. */
export interface LongDwellOptions {
  /** Zones with fewer visits are neither flagged nor counted in the store's medians; 30 by default. */
  minVisits?: number;
}

/** Fewer eligible zones than this and nothing is flagged: "above the store's median" means little among two zones. */
export const MIN_ZONES_FOR_FLAG = 3;

/**
 * The zones with long dwell and low conversion. The rule: among the eligible zones (at least
 * `minVisits` visits, and a conversion and a median dwell known), take the store's median of the
 * zones' median dwells and the median of their conversions (the mean of the two middle values for
 * an even count); flag a zone whose median dwell is strictly above the first and whose conversion
 * is strictly below the second. Nothing is flagged with fewer than 3 eligible zones. Being
 * relative to the store, the flag needs no threshold per store type.
 */
export function longDwellLowConversion(zones: readonly ZoneDwellConversion[], opts: LongDwellOptions = {}): Set<string> {
  const minVisits = opts.minVisits ?? 30;
  const eligible = zones.filter(
    (z): z is ZoneDwellConversion & { conversion: number; dwellMedianS: number } =>
      z.visits >= minVisits && z.conversion !== null && Number.isFinite(z.conversion) && z.dwellMedianS !== null && Number.isFinite(z.dwellMedianS),
  );
  if (eligible.length < MIN_ZONES_FOR_FLAG) return new Set();
  const dwellMedian = medianOfSorted(sortedAscending(eligible.map((z) => z.dwellMedianS)));
  const conversionMedian = medianOfSorted(sortedAscending(eligible.map((z) => z.conversion)));
  return new Set(eligible.filter((z) => z.dwellMedianS > dwellMedian && z.conversion < conversionMedian).map((z) => z.zone));
}
