/**
 * A store's dwell: one figure, one definition and one label wherever a screen gives a store's (or a
 * group's) dwell: the chain view, `GET /api/v1/overview` and its CSV, the daily and weekly digests
 * of a store or a group.
 *
 * "Median dwell": the median length of the closed visits entered in the period to the zones where
 * people stay and shop, every zone together (DESIGN, event semantics 2 and 4: an abandoned visit
 * counts as a visit, never in dwell). Left out are the zones whose visits are not a stay:
 *
 * - `entrance`: a pass through the door (seconds), by the thousand: it would pull the figure
 *   towards the door's crossing time;
 * - `checkout`: paying, a till's service time;
 * - `queue`: waiting for a till (the queue's closed visits are waits, DESIGN v1.1): a longer wait
 *   is a worse store, a longer stay a better one, they cannot share one figure.
 *
 * A zone the layout in force at the period's start does not know (a zone added later) counts.
 * The median, not the mean: a few visits left open for hours (staff, a lost tag) move a mean by
 * minutes but not the median, and the server keeps mergeable dwell sketches (within max(1 s, 1 %)
 * of the exact median, DESIGN v1.1 rule 4), so a group's or the chain's median is taken over the
 * merged visits of its stores, never as an average of the stores' figures.
 */
import type { ZoneKind } from "../protocol/layout.js";

/** The label of a store's (or group's) dwell on every screen. */
export const STORE_DWELL_LABEL = "Median dwell";

/** The zone kinds whose visits are left out of a store's dwell: a pass, a payment, a wait. */
export const NOT_A_STAY: readonly ZoneKind[] = ["entrance", "checkout", "queue"];

/** Whether visits to a zone of this kind (undefined: a zone the layout does not know) count in a store's dwell. */
export function countsInStoreDwell(kind: string | undefined): boolean {
  return kind === undefined || !(NOT_A_STAY as readonly string[]).includes(kind);
}

/** What a store's dwell is, in a sentence (a column header's title). */
export const STORE_DWELL_ABOUT =
  "Median dwell: the median length of the period's zone visits (one person's stay in one zone, followed to its end; entrances, checkouts and queues aside: a pass, a payment, a wait), not of the time spent in the store";
