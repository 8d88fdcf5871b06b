import { DEFAULT_BOOTSTRAP_ITERATIONS } from "./bootstrap.js";
import { mixDistance, poolPeriod, type ExperimentInput } from "./experiment-data.js";
import { conversionMetric, medianDwellMetric, reachMetric, visitsMetric, type MetricContext, type MetricResult } from "./experiment-metrics.js";
import { collapseCells, regroup, weightsOf } from "./stratify.js";
import { DEFAULT_MIN_SAMPLE } from "./verdict.js";

/**
 * A layout experiment's result, as the server returns it and the UI shows it: per zone, reach,
 * visits per trip, median dwell and conversion before and after, with intervals, the
 * difference in differences against control stores, and plain verdicts.
 *
 * The rules:
 * - Test stores are pooled (counts summed, dwell samples concatenated), and so are control stores.
 * - Reach (share of trips that entered the zone) is post-stratified by weekday x hour of the trip's
 *   start, with the test stores' before-period trip mix as the standard for every period and
 *   group; cells with fewer than `minCellTrips` trips in some period or group are merged into
 *   their weekday's rest, then into the week's rest (`collapseCells`). Visits per trip likewise
 *   when the server gives visits per cell. Median dwell and conversion are not adjusted (see the
 *   warning when the mix moved).
 * - Intervals at `level` (95 %): normal approximation for the adjusted reach and visits,
 *   percentile bootstrap for medians, Newcombe's score intervals for conversion. Relative
 *   figures (after / before - 1, the ratio of ratios net of control stores) have the interval of
 *   the ratio: the percentile bootstrap of the ratio of medians, the log-ratio normal interval
 *   (Katz's for conversion) for the others; never the absolute interval divided by before.
 * - With control stores, the verdict reads the difference in differences, which removes what
 *   moved every store alike (season, weather, chain-wide promotions).
 * - Verdicts: "too small to tell" under `minSample` in a period; else "increase"/"decrease" when
 *   the interval shown (the ratio's, where the change is shown relative) excludes 0, "no clear
 *   change" when it contains it. When the periods fall mostly on different weekdays and hours (the
 *   test stores' mix distance 0.5 or more, the warning says so) an increase or decrease is "not
 *   conclusive" instead, its figures kept.
 */

/** Options of `experimentResult`. */
export interface ExperimentOptions {
  /** Seed of the bootstrap; the same input and seed give the same result. */
  seed: number;
  /** Confidence level; 0.95 by default. */
  level?: number;
  /** Bootstrap replicates for medians; 2000 by default. */
  iterations?: number;
  /** Sample size under which a verdict is "too small to tell"; 30 by default. */
  minSample?: number;
  /** Trips a weekday-hour cell needs in every period and group to stand alone; 10 by default. */
  minCellTrips?: number;
}

/** One zone's metrics, in the order reach, visits, medianDwell, conversion. */
export interface ZoneResult {
  zone: string;
  /** Display name (`zoneNames`), or the id. */
  name: string;
  metrics: MetricResult[];
}

/** The result of `experimentResult`. */
export interface ExperimentResult {
  level: number;
  timeZone: string;
  zones: ZoneResult[];
  /** Experiment-level warnings, for a banner above the verdict table. */
  warnings: string[];
  /** Trips of the pooled groups. */
  trips: { test: { before: number; after: number }; control: { before: number; after: number } | null };
  /** The weekday-hour adjustment: how far the test mix moved (0..1), strata used, and the share of the before mix the after period covers. */
  mix: { distance: number; strata: number; coverage: number };
}

const pct = (v: number): string => `${Math.round(100 * v)} %`;

/** What a "not conclusive" verdict adds to the increase's or decrease's sentence. */
export const NOT_CONCLUSIVE_REASON =
  "not conclusive: the periods fall mostly on different weekdays and hours, so a weekday's own pattern may explain it; compare a week or more on each side";

/** An increase or decrease turned "not conclusive" (figures and interval kept); other verdicts as they are. */
function notConclusive(m: MetricResult): MetricResult {
  if (m.verdict !== "increase" && m.verdict !== "decrease") return m;
  return { ...m, verdict: "not conclusive", text: `${m.text} (${NOT_CONCLUSIVE_REASON})` };
}

/** The experiment's figures and verdicts (a pure function of the input and `opts.seed`). Throws a RangeError without test stores. */
export function experimentResult(input: ExperimentInput, opts: ExperimentOptions): ExperimentResult {
  if (input.test.length === 0) throw new RangeError("an experiment needs at least one test store");
  const level = opts.level ?? 0.95;
  const minSample = opts.minSample ?? DEFAULT_MIN_SAMPLE;
  const test = { before: poolPeriod(input.test, "before"), after: poolPeriod(input.test, "after") };
  const control = input.control.length > 0 ? { before: poolPeriod(input.control, "before"), after: poolPeriod(input.control, "after") } : null;
  const tables = [test.before.tripsByCell, test.after.tripsByCell, ...(control ? [control.before.tripsByCell, control.after.tripsByCell] : [])];
  const strata = collapseCells(tables, opts.minCellTrips ?? 10);
  const standard = regroup(test.before.tripsByCell, strata);
  const weights = weightsOf(standard);
  const warnings = new Set<string>();
  const ctx: MetricContext = {
    level,
    seed: opts.seed,
    iterations: opts.iterations ?? DEFAULT_BOOTSTRAP_ITERATIONS,
    minSample,
    strata,
    weights,
    test,
    control,
    warnings,
  };

  const early: string[] = [];
  if (test.before.trips === 0) early.push("no trips in the test stores before the change");
  if (test.after.trips === 0) early.push("no trips in the test stores after the change");
  const overlap = input.test.filter((t) => input.control.some((c) => c.store === t.store)).map((t) => t.store);
  if (overlap.length > 0) early.push(`stores both in test and control: ${overlap.join(", ")}`);
  if (control && (control.before.trips === 0 || control.after.trips === 0))
    early.push(
      "no trips in the control stores in one of the periods: no difference in differences, the verdicts read the test stores' before/after change alone",
    );
  const visitsByCell = [test.before, test.after, ...(control ? [control.before, control.after] : [])].every((p) => p.visitsByZoneCell !== null);
  const distance = mixDistance(test.before.tripsByCell, test.after.tripsByCell);
  const after = regroup(test.after.tripsByCell, strata);
  const total = [...weights.values()].reduce((s, w) => s + w, 0);
  const covered = [...weights].reduce((s, [cell, w]) => s + ((after[cell] ?? 0) > 0 ? w : 0), 0);
  const coverage = total > 0 ? covered / total : 0;
  if (distance >= 0.1) {
    const moved = `${pct(distance)} of trips would have to move to another weekday or hour to match`;
    const adjusted = visitsByCell ? "reach and visits per trip are" : "reach is";
    // Mostly different weekdays (two 24-hour periods on consecutive days share no weekday-hour): the
    // adjustment has little in common to standardise on, and saying "adjusted for it" alone would reassure.
    early.push(
      distance >= 0.5
        ? `the periods fall mostly on different weekdays and hours (${moved}): the adjustment for the mix can do little, so a weekday's own pattern may read as an effect of the change; a week or more on each side compares like with like (${adjusted} adjusted, median dwell and conversion are not)`
        : `the weekday/hour mix of trips differs between the periods (${moved}): ${adjusted} adjusted for it, median dwell and conversion are not`,
    );
  }
  if (total > 0 && coverage < 0.95)
    early.push(`${pct(1 - coverage)} of the before period's weekday/hour mix has no trips after the change: the adjusted figures stand for the rest`);

  // Under the warning above (the periods mostly on different weekdays and hours) an interval on one side of 0 says the
  // periods differ, not that the change did it: a green "increase" beside "a weekday's own pattern may read as an effect"
  // is a verdict nobody should act on. Such an increase or decrease is "not conclusive", its figures kept.
  const mixedUp = distance >= 0.5;
  const zones = input.zones.map((zone) => {
    const name = input.zoneNames?.[zone] ?? zone;
    const metrics = [reachMetric(zone, name, ctx), visitsMetric(zone, name, ctx), medianDwellMetric(zone, name, ctx), conversionMetric(zone, name, ctx)];
    return { zone, name, metrics: mixedUp ? metrics.map(notConclusive) : metrics };
  });
  const comparisons = zones.reduce((s, z) => s + z.metrics.filter((m) => m.verdict !== "too small to tell").length, 0);
  if (comparisons >= 8)
    warnings.add(
      `${comparisons} comparisons at ${pct(level)} confidence: about ${Math.round((1 - level) * 100)} in 100 unchanged metrics still read as a change by chance`,
    );
  return {
    level,
    timeZone: input.timeZone,
    zones,
    warnings: [...early, ...warnings],
    trips: {
      test: { before: test.before.trips, after: test.after.trips },
      control: control ? { before: control.before.trips, after: control.after.trips } : null,
    },
    mix: { distance, strata: weights.size, coverage },
  };
}
