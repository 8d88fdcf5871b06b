import type { Layout } from "@footfall/core";
import { zonesDuring } from "./analytics.js";
import { NOT_COMPARABLE } from "./schemas.js";

type Period = { from: number; to: number };
/** The part of a result this looks at and rewrites (core's `experimentResult`). */
interface ResultLike<M> {
  zones: { zone: string; name: string; metrics: M[] }[];
  warnings: string[];
}
interface MetricLike {
  before: number | null;
  after: number | null;
  change: number | null;
  relativeChange: number | null;
  interval: [number, number] | readonly [number, number] | null;
  relative?: unknown;
  did: unknown;
  /** The figures as counted beside adjusted ones (core's `unadjusted`). */
  unadjusted?: unknown;
  verdict: string;
  text: string;
  warning: string | null;
}

export { NOT_COMPARABLE };

/**
 * Zones of interest that did not exist in a period (a zone the change added, or removed) cannot be
 * compared: "reach" would read 0 before and claim an increase of everything after. Their metrics
 * get the verdict "not comparable" with no change, interval or difference in differences, the
 * figure of the missing period is dropped (and the figures as counted beside adjusted ones, which
 * would read "0 % as counted" there), and the result carries a warning naming them.
 * `layouts`: every layout version of each test store.
 */
export function markNotComparable<M extends MetricLike, R extends ResultLike<M>>(result: R, layouts: readonly (readonly Layout[])[], before: Period, after: Period): R {
  const during = (p: Period) => new Set(layouts.flatMap((l) => zonesDuring(l, p.from, p.to)));
  const [inBefore, inAfter] = [during(before), during(after)];
  const missing: string[] = [];
  const zones = result.zones.map((z) => {
    const b = inBefore.has(z.zone);
    const a = inAfter.has(z.zone);
    if (b && a) return z;
    missing.push(z.name);
    const why = !b && !a ? "was on the layout in neither period" : !b ? "was not on the layout before the change" : "was not on the layout after the change";
    return {
      ...z,
      metrics: z.metrics.map((m) => ({
        ...m,
        before: b ? m.before : null,
        after: a ? m.after : null,
        change: null,
        relativeChange: null,
        interval: null,
        relative: null,
        did: null,
        // Nor "0 % as counted" for a period the zone was not there in.
        unadjusted: null,
        verdict: NOT_COMPARABLE,
        text: `${z.name} ${why}: there is nothing to compare it with.`,
        warning: null,
      })),
    };
  });
  if (missing.length === 0) return result;
  return { ...result, zones, warnings: [...result.warnings, `not comparable: ${missing.join(", ")} did not exist in both periods (a zone the change added or removed); its figures are shown for the period it existed in only`] };
}
