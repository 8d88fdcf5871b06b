/**
 * The hour-of-day × weekday grid's closed cells: those whose every hour with data in the range fell
 * outside the store's opening hours (GET .../hours/open, by the hours in force each day: their history),
 * the hours the traffic chart shades as closed (closedRuns' test). Shown as closed, not as the scale's 0,
 * which read as a dead hour of an open store.
 */
import type { TrafficBucket } from "@footfall/core";
import { slotHasData, type Coverage } from "./coverage.js";
import { localParts } from "./traffic.js";

const HOUR = 3_600_000;
const ALL: Coverage = { from: Number.NEGATIVE_INFINITY, now: Number.POSITIVE_INFINITY };

/**
 * The keys (`weekday|hour`, as weekGridNotCounted's) of the cells closed throughout the range: every
 * hour with data in them overlaps no open interval. `open`: the store's open intervals over the range,
 * null or undefined without hours (always open): none closed.
 */
export function weekGridClosed(buckets: readonly TrafficBucket[], open: readonly { from: number; to: number }[] | null | undefined, coverage: Coverage = ALL): Set<string> {
  const closed = new Set<string>();
  if (!open) return closed;
  const anyOpen = new Set<string>();
  for (const b of buckets) {
    const p = localParts(b.start);
    const start = Date.parse(b.start);
    if (!p || !slotHasData(start, start + HOUR, coverage)) continue;
    const key = `${p.weekday}|${p.hour}`;
    if (open.some((o) => o.from < start + HOUR && start < o.to)) anyOpen.add(key);
    else closed.add(key);
  }
  for (const k of anyOpen) closed.delete(k);
  return closed;
}
