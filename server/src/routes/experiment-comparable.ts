import { NON_SELLING_KINDS, withoutFigures, type Layout } from "@footfall/core";
import { zonesDuring } from "./analytics.js";
import { NOT_COMPARABLE } from "./schemas.js";

type Period = { from: number; to: number };
/** The part of a result this looks at and rewrites (core's `experimentResult`). */
interface ResultLike<M> {
  zones: { zone: string; name: string; metrics: M[] }[];
  warnings: string[];
}
interface MetricLike {
  /** reach, visits, medianDwell or conversion. */
  metric?: string;
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
 * would read "0 % as counted" there), and the result carries a warning naming them. Test stores are
 * pooled, so a zone one of them lacked in a period (its change removed it there, or added it) is not
 * comparable either: its trips there reach nothing, and pooled with the others' they read as a fall.
 * `layouts`: every layout version of each test store, by store.
 */
export function markNotComparable<M extends MetricLike, R extends ResultLike<M>>(
  result: R,
  layouts: readonly { store: string; layouts: readonly Layout[] }[],
  before: Period,
  after: Period,
): R {
  const per = layouts.map((l) => ({ store: l.store, before: new Set(zonesDuring(l.layouts, before.from, before.to)), after: new Set(zonesDuring(l.layouts, after.from, after.to)) }));
  const missing: string[] = [];
  let partly = false;
  const zones = result.zones.map((z) => {
    const lacking = (p: "before" | "after") => per.filter((s) => !s[p].has(z.zone)).map((s) => s.store);
    const [lb, la] = [lacking("before"), lacking("after")];
    const b = lb.length === 0;
    const a = la.length === 0;
    if (b && a) return z;
    missing.push(z.name);
    // Some test stores had it where the others did not: say which lacked it.
    const some = (l: string[]) => l.length < per.length;
    const which = (l: string[]) => ` (not on ${l.map((s) => `store "${s}"`).join(", ")})`;
    if ((!b && some(lb)) || (!a && some(la))) partly = true;
    const one = (l: string[], when: string) => (some(l) ? `was not on every test store's layout ${when}${which(l)}` : `was not on the layout ${when}`);
    const why = !b && !a ? (some(lb) || some(la) ? "was not on every test store's layout in either period" : "was on the layout in neither period") : !b ? one(lb, "before the change") : one(la, "after the change");
    return {
      ...z,
      // No "0 % as counted" either (unadjusted) for a period the zone was not there in; the figure of a period it was.
      metrics: z.metrics.map((m) => ({ ...withoutFigures(m, NOT_COMPARABLE, `${z.name} ${why}: there is nothing to compare it with.`), before: b ? m.before : null, after: a ? m.after : null })),
    };
  });
  if (missing.length === 0) return result;
  const warning = partly
    ? `not comparable: ${missing.join(", ")} did not exist in both periods in every test store (a zone the change added or removed in some of them); its figures are shown for the period every test store had it in only`
    : `not comparable: ${missing.join(", ")} did not exist in both periods (a zone the change added or removed); its figures are shown for the period it existed in only`;
  return { ...result, zones, warnings: [...result.warnings, warning] };
}

/** What a zone of a kind that sells nothing is, in the verdict's words. */
const NON_SELLING_WORDS: Record<string, string> = { entrance: "an entrance", checkout: "a till", "fitting-room": "a fitting room", queue: "a queue" };

/**
 * A zone that sells nothing by nature (an entrance, a till, a fitting room, a queue: core's
 * NON_SELLING_KINDS) with no sale placed in it has no conversion, as the heatmap shows it ("–", the
 * conversion route's null): its conversion is not "0 %" before and after with "no clear change".
 * Its conversion metric gets no figures, change, interval or difference in differences and the
 * verdict "not comparable", saying why. A sale the tills placed in it (before or after) keeps it
 * rated, as on the heatmap. `kindOf`: the zone's kind in the test stores' layout.
 */
export function markNoConversion<M extends MetricLike, R extends ResultLike<M>>(result: R, kindOf: (zone: string) => string | undefined): R {
  let marked = false;
  const zones = result.zones.map((z) => {
    const kind = kindOf(z.zone);
    if (kind === undefined || !NON_SELLING_KINDS.has(kind)) return z;
    return {
      ...z,
      metrics: z.metrics.map((m) => {
        // A sale placed in it: a conversion above 0 in a period.
        if (m.metric !== "conversion" || (m.before ?? 0) > 0 || (m.after ?? 0) > 0) return m;
        marked = true;
        return withoutFigures(m, NOT_COMPARABLE, `${z.name} is ${NON_SELLING_WORDS[kind] ?? "a zone that sells nothing"}: no sale is placed in it, so it has no conversion to compare.`);
      }),
    };
  });
  return marked ? { ...result, zones } : result;
}

/**
 * A zone known only by its door counter (an entrance counted at the door, nobody followed in it)
 * has no trips reaching it, visits per trip or dwell the experiment can read: its people are counted
 * crossing the door, not followed through the store. The heatmap counts them as the zone's visits
 * (its enters) and shows no dwell; the verdict table read "0.0 %" before and after with "no clear
 * change" beside the heatmap's hundreds. Its metrics get no figures and the verdict "not comparable",
 * saying why (a metric already not comparable keeps its own reason), and the result a warning naming it.
 * `doorOnly`: the zones of interest a test store's door counter reports for, with no visit followed
 * in them in either period.
 */
export function markDoorOnly<M extends MetricLike, R extends ResultLike<M>>(result: R, doorOnly: ReadonlySet<string>): R {
  const marked: string[] = [];
  const zones = result.zones.map((z) => {
    if (!doorOnly.has(z.zone)) return z;
    marked.push(z.name);
    return {
      ...z,
      metrics: z.metrics.map((m) =>
        m.verdict === NOT_COMPARABLE
          ? m
          : withoutFigures(m, NOT_COMPARABLE, `${z.name} is counted by a door counter, which counts people coming in, not the trips and visits followed through the store: it has no reach, visits per trip or dwell to compare (its enters are on the heatmap and the traffic chart).`),
      ),
    };
  });
  if (marked.length === 0) return result;
  return { ...result, zones, warnings: [...result.warnings, `not comparable: ${marked.join(", ")} ${marked.length === 1 ? "is" : "are"} counted by a door counter only (nobody followed in ${marked.length === 1 ? "it" : "them"}): its enters are on the heatmap and the traffic chart, not trips or visits an experiment can compare`] };
}

/**
 * Zones of interest the change renamed (the same id, another name): the result shows each by its
 * name after the change, so a merchandiser reading "Promotions" would not know its before figures are
 * those of "Seasonal". Null when none was. `layouts`: the first test store's versions (whose names the
 * result shows); `zones`: the result's zones, named as after the change.
 */
export function renamedWarning(zones: readonly { zone: string; name: string }[], layouts: readonly Layout[], before: Period): string | null {
  const inForce = layouts.filter((l, i) => (i === 0 ? Number.NEGATIVE_INFINITY : l.validFrom) < before.to && (layouts[i + 1]?.validFrom ?? Number.POSITIVE_INFINITY) > before.from);
  const renamed = zones.flatMap((z) => {
    const old = [...new Set(inForce.flatMap((l) => l.zones.filter((x) => x.id === z.zone).map((x) => x.name.trim())))].filter((n) => n !== "" && n !== z.name);
    return old.length > 0 ? [`${z.name} was named ${old.map((n) => `"${n}"`).join(", then ")} before it (zone ${z.zone})`] : [];
  });
  if (renamed.length === 0) return null;
  return `renamed by the change: ${renamed.join("; ")}: the same zone${renamed.length > 1 ? "s" : ""}, shown by the name after the change; the figures before it are those of the zone under its old name`;
}
