import { servedDwellSeconds } from "../domain/dwell-quantiles.js";
import { medianOfSorted, sortedAscending } from "../domain/stats.js";
import { bootstrapMedianDiff } from "./bootstrap.js";
import { bootstrapMedianDiD, differenceInDifferences, type DiDEstimate, type ProportionInput } from "./did.js";
import type { CellCounts, PooledPeriod } from "./experiment-data.js";
import { zFor } from "./normal.js";
import { newcombeDiffInterval, type Interval } from "./proportions.js";
import { ratioChange, type RelativeChange } from "./ratio.js";
import { deriveSeed } from "./rng.js";
import { adjustedProportion, adjustedRate, type AdjustedProportion, type CellCount } from "./stratify.js";
import { formatChange, verdictOf, type MetricUnit, type Verdict } from "./verdict.js";

/**
 * The four metrics of a layout experiment, per zone: reach, visits per trip, median dwell and
 * conversion, each before and after (test stores pooled), with the change, its interval, the
 * difference in differences against the control stores, and a verdict.
 */

/** The metrics reported per zone. */
export type ExperimentMetric = "reach" | "visits" | "medianDwell" | "conversion";

/** One metric of one zone. */
export interface MetricResult {
  metric: ExperimentMetric;
  unit: MetricUnit;
  /** Test stores before and after (reach and, when possible, visits adjusted for the weekday-hour mix); null without data. */
  before: number | null;
  after: number | null;
  /** after - before; null without data. */
  change: number | null;
  /** change / before; null without data or when before is 0. */
  relativeChange: number | null;
  /** Interval of `change` at the experiment's level. */
  interval: Interval | null;
  /**
   * after / before - 1 with the interval of that ratio (not `interval` / before): the figures a
   * relative verdict shows and reads; null without data or when before (or a replicate's) is not positive.
   */
  relative: RelativeChange | null;
  /** Difference in differences against the control stores; null without control stores (or their data). */
  did: DiDEstimate | null;
  /** The verdict; it reads `did` when there is one, else `interval`. */
  verdict: Verdict;
  text: string;
  warning: string | null;
  /** What the verdict rests on. */
  basis: "before-after" | "difference-in-differences";
  /** Sample sizes of the test stores: trips for reach and visits, closed visits for dwell, visits for conversion. */
  sampleBefore: number;
  sampleAfter: number;
  /** Whether before/after are adjusted for the weekday-hour mix. */
  adjusted: boolean;
  /** The raw before/after (test stores, no mix adjustment) where `adjusted`; null otherwise. */
  unadjusted: { before: number; after: number } | null;
}

/** What the metric functions share. */
export interface MetricContext {
  level: number;
  seed: number;
  iterations: number;
  minSample: number;
  /** cell -> stratum (`collapseCells`). */
  strata: ReadonlyMap<string, string>;
  /** The standard weights per stratum: the test stores' before-period trip mix. */
  weights: ReadonlyMap<string, number>;
  test: { before: PooledPeriod; after: PooledPeriod };
  control: { before: PooledPeriod; after: PooledPeriod } | null;
  /** Experiment-level warnings, collected without repeats. */
  warnings: Set<string>;
}

/**
 * A metric's words, so that its verdicts read without repeating themselves: "a larger share of
 * trips reached X", "no clear change in the share of trips reaching X", "too few trips to tell
 * about the share reaching X" (the noun is what the samples count, and the UI's names: trips,
 * visits per trip).
 */
interface Words {
  label: string;
  neutralLabel: string;
  /** After "too few <noun> to tell about". */
  aboutLabel: string;
  noun: string;
  more?: string;
  fewer?: string;
  relative?: boolean;
}

interface Figures {
  metric: ExperimentMetric;
  unit: MetricUnit;
  before: number;
  after: number;
  interval: Interval;
  ratio: RelativeChange | null;
  did: DiDEstimate | null;
  sampleBefore: number;
  sampleAfter: number;
  controlSampleBefore: number;
  controlSampleAfter: number;
  adjusted: boolean;
  unadjusted: { before: number; after: number } | null;
}

/** A metric with its verdict. With a difference in differences, the verdict reads it, and small control samples also make it "too small to tell". */
function finish(f: Figures, words: Words, ctx: MetricContext): MetricResult {
  const common = {
    label: words.label,
    neutralLabel: words.neutralLabel,
    aboutLabel: words.aboutLabel,
    sampleNoun: words.noun,
    unit: f.unit,
    minSample: ctx.minSample,
    sampleBefore: f.sampleBefore,
    sampleAfter: f.sampleAfter,
    ...(words.more ? { more: words.more } : {}),
    ...(words.fewer ? { fewer: words.fewer } : {}),
    ...(words.relative !== undefined ? { relative: words.relative } : {}),
  };
  let v = f.did
    ? verdictOf({ ...common, before: f.before, after: f.before + f.did.estimate, interval: f.did.interval, ratio: f.did.relative, basis: "net of control stores" })
    : verdictOf({ ...common, before: f.before, after: f.after, interval: f.interval, ratio: f.ratio });
  if (f.did && v.verdict !== "too small to tell" && (f.controlSampleBefore < ctx.minSample || f.controlSampleAfter < ctx.minSample)) {
    const figures = formatChange({
      ...common,
      before: f.before,
      after: f.before + f.did.estimate,
      interval: f.did.interval,
      ratio: f.did.relative,
      basis: "net of control stores",
    });
    v = {
      verdict: "too small to tell",
      text: `too few ${words.noun} in the control stores to tell about ${words.aboutLabel}: ${figures}`,
      warning: `too few ${words.noun} in the control stores to tell: ${f.controlSampleBefore} before, ${f.controlSampleAfter} after (at least ${ctx.minSample} each needed)`,
    };
  }
  // The test stores changed clearly on their own, and the control stores moved the same way (by half as much or more): say so,
  // or "no clear change" beside 33 % -> 61 % reads as a contradiction. (A control that stayed put leaves the text as it is:
  // the net change is unclear for its noise, not for its move.)
  const testMoved = f.after - f.before;
  const controlMoved = f.did ? testMoved - f.did.estimate : 0;
  if (f.did && v.verdict === "no clear change" && testMoved * controlMoved > 0 && Math.abs(controlMoved) >= 0.5 * Math.abs(testMoved)) {
    const alone = { ...common, before: f.before, after: f.after, interval: f.interval, ratio: f.ratio };
    const own = verdictOf(alone);
    if (own.verdict === "increase" || own.verdict === "decrease")
      v = {
        ...v,
        text: `${v.text}; the test stores' own ${own.verdict === "increase" ? "rise" : "fall"} (${formatChange(alone)}) was matched by the control stores, which moved the same way over the same periods, so it cannot be told from what moved every store alike (season, weather, chain-wide promotions)`,
      };
  }
  const change = f.after - f.before;
  return {
    metric: f.metric,
    unit: f.unit,
    before: f.before,
    after: f.after,
    change,
    relativeChange: f.before !== 0 ? change / f.before : null,
    interval: f.interval,
    relative: f.ratio,
    did: f.did,
    verdict: v.verdict,
    text: v.text,
    warning: v.warning,
    basis: f.did ? "difference-in-differences" : "before-after",
    sampleBefore: f.sampleBefore,
    sampleAfter: f.sampleAfter,
    adjusted: f.adjusted,
    unadjusted: f.unadjusted,
  };
}

/** A metric's figures with none: what {@link withoutFigures} sets. */
export interface NoFigures {
  before: null;
  after: null;
  change: null;
  relativeChange: null;
  interval: null;
  relative: null;
  did: null;
  unadjusted: null;
}

/**
 * `metric` without figures: before, after, change, relative change, interval, relative change with
 * its interval, difference in differences and the figures as counted beside adjusted ones all null,
 * with `verdict`, its `text` and `warning` (none by default: a warning said of the figures goes with
 * them); the rest (metric, unit, basis, samples, adjusted...) kept. The one shape of "a metric that
 * says nothing": too small to tell here, not comparable on the server (a zone missing from a
 * period, a zone that sells nothing), which may then give back the figure of a period it has.
 */
export function withoutFigures<M extends object, V extends string>(metric: M, verdict: V, text: string, warning: string | null = null): M & NoFigures & { verdict: V; text: string; warning: string | null } {
  return { ...metric, before: null, after: null, change: null, relativeChange: null, interval: null, relative: null, did: null, unadjusted: null, verdict, text, warning };
}

/** A metric that cannot be computed (no data in a period). */
function missing(
  metric: ExperimentMetric,
  unit: MetricUnit,
  words: Words,
  sampleBefore: number,
  sampleAfter: number,
  ctx: MetricContext,
  why?: string,
): MetricResult {
  return withoutFigures(
    { metric, unit, basis: "before-after" as const, sampleBefore, sampleAfter, adjusted: false },
    "too small to tell",
    why ?? `too few ${words.noun} to tell about ${words.aboutLabel}: no data`,
    why ? null : `too few ${words.noun} to tell: ${sampleBefore} before, ${sampleAfter} after (at least ${ctx.minSample} each needed)`,
  );
}

/** x per stratum over the trips per stratum; x is clamped to n for proportions (flagged). */
function strataCells(x: Readonly<CellCounts>, trips: Readonly<CellCounts>, ctx: MetricContext, clamp: boolean): Map<string, CellCount> {
  const out = new Map<string, CellCount>();
  const add = (cell: string, dx: number, dn: number): void => {
    const s = ctx.strata.get(cell) ?? "*";
    const c = out.get(s) ?? { x: 0, n: 0 };
    out.set(s, { x: c.x + dx, n: c.n + dn });
  };
  for (const [cell, n] of Object.entries(trips)) add(cell, 0, n);
  for (const [cell, v] of Object.entries(x)) {
    let dx = v;
    if (clamp && v > (trips[cell] ?? 0)) {
      dx = trips[cell] ?? 0;
      ctx.warnings.add("some cells count more trips reaching a zone than trips: those counts were cut to the trips (check the server's aggregation)");
    }
    add(cell, dx, 0);
  }
  return out;
}

const sum = (m: Readonly<CellCounts>): number => Object.values(m).reduce((s, n) => s + n, 0);
const asInput = (a: AdjustedProportion): ProportionInput => (a.n > 0 ? { p: a.p, variance: a.variance } : { x: 0, n: 0 });

/** a.p - b.p ± z √(var_b + var_a), clamped to [-1, 1] for shares. */
function waldDiff(b: { p: number; variance: number }, a: { p: number; variance: number }, level: number, share = false): Interval {
  const half = zFor(level) * Math.sqrt(b.variance + a.variance);
  const d = a.p - b.p;
  return share ? [Math.max(-1, d - half), Math.min(1, d + half)] : [d - half, d + half];
}

/** Share of trips reaching `zone`, adjusted for the weekday-hour mix (post-stratified on the before mix). */
export function reachMetric(zone: string, name: string, ctx: MetricContext): MetricResult {
  const words: Words = {
    label: `trips reached ${name}`,
    neutralLabel: `the share of trips reaching ${name}`,
    aboutLabel: `the share reaching ${name}`,
    noun: "trips",
    more: "a larger share of",
    fewer: "a smaller share of",
  };
  return perTripMetric(
    { metric: "reach", unit: "share", words, adjusted: true },
    (p) => adjustedProportion(strataCells(p.reachByZoneCell.get(zone) ?? {}, p.tripsByCell, ctx, true), ctx.weights),
    (p) => Math.min(1, sum(p.reachByZoneCell.get(zone) ?? {}) / p.trips),
    ctx,
  );
}

/**
 * Visits to `zone` per trip: per trip rather than per day, so that a busier season or a longer
 * period does not read as a layout effect (a layout moves where shoppers go, not how many enter).
 * Adjusted for the mix like reach when every store gives visits per cell, else raw. Variance:
 * Poisson counts over fixed trips (Σ w² V_c / T_c², or V / T²).
 */
export function visitsMetric(zone: string, name: string, ctx: MetricContext): MetricResult {
  const words: Words = { label: `visits to ${name} per trip`, neutralLabel: `visits to ${name} per trip`, aboutLabel: `visits to ${name}`, noun: "trips", relative: true };
  const { test, control } = ctx;
  const byCell = [test.before, test.after, ...(control ? [control.before, control.after] : [])].every((p) => p.visitsByZoneCell !== null);
  const rate = (p: PooledPeriod): AdjustedProportion => {
    if (byCell) return adjustedRate(strataCells(p.visitsByZoneCell!.get(zone) ?? {}, p.tripsByCell, ctx, false), ctx.weights);
    const v = p.visitsByZone.get(zone) ?? 0;
    return p.trips > 0 ? { p: v / p.trips, n: p.trips, variance: v / (p.trips * p.trips), coverage: 1 } : { p: 0, n: 0, variance: 0, coverage: 0 };
  };
  const raw = (p: PooledPeriod): number => (p.visitsByZone.get(zone) ?? 0) / p.trips;
  return perTripMetric({ metric: "visits", unit: "count", words, adjusted: byCell }, rate, byCell ? raw : null, ctx);
}

/**
 * The shape reach and visits share: an estimate per period whose sample is the trips, the test
 * stores' change with a Wald interval, and the difference in differences against the control
 * stores when there are any. `raw` gives the unadjusted figures shown beside adjusted ones.
 */
function perTripMetric(
  spec: { metric: "reach" | "visits"; unit: "share" | "count"; words: Words; adjusted: boolean },
  estimate: (p: PooledPeriod) => AdjustedProportion,
  raw: ((p: PooledPeriod) => number) | null,
  ctx: MetricContext,
): MetricResult {
  const { metric, unit, words } = spec;
  const { before: tb, after: ta } = ctx.test;
  if (tb.trips === 0 || ta.trips === 0) return missing(metric, unit, words, tb.trips, ta.trips, ctx);
  const b = estimate(tb);
  const a = estimate(ta);
  if (b.n === 0 || a.n === 0) return missing(metric, unit, words, tb.trips, ta.trips, ctx);
  const c = ctx.control;
  const did = c
    ? differenceInDifferences(
        { test: { before: asInput(b), after: asInput(a) }, control: { before: asInput(estimate(c.before)), after: asInput(estimate(c.after)) } },
        ctx.level,
      )
    : null;
  return finish(
    {
      metric,
      unit,
      before: b.p,
      after: a.p,
      interval: waldDiff(b, a, ctx.level),
      ratio: ratioChange(b, a, ctx.level),
      did,
      sampleBefore: tb.trips,
      sampleAfter: ta.trips,
      controlSampleBefore: c?.before.trips ?? 0,
      controlSampleAfter: c?.after.trips ?? 0,
      adjusted: spec.adjusted,
      unadjusted: raw ? { before: raw(tb), after: raw(ta) } : null,
    },
    words,
    ctx,
  );
}

/**
 * Median dwell of the zone's closed visits (test stores pooled), percentile bootstrap; not adjusted
 * for the mix. A period's samples are read as the server's quantiles read them (`servedDwellSeconds`:
 * past 500 visits, each at its sketch bin's value), so its median is the heatmap's for the same store
 * and period, to the bit, and its bootstrap resamples those same values.
 */
export function medianDwellMetric(zone: string, name: string, ctx: MetricContext): MetricResult {
  const words: Words = { label: `median dwell at ${name}`, neutralLabel: `median dwell at ${name}`, aboutLabel: `median dwell at ${name}`, noun: "visits", more: "longer", fewer: "shorter" };
  const samples = (p: PooledPeriod | undefined) => servedDwellSeconds(p?.dwellSecondsByZone.get(zone) ?? []);
  const b = samples(ctx.test.before);
  const a = samples(ctx.test.after);
  const opts = { seed: deriveSeed(ctx.seed, zone, "medianDwell"), iterations: ctx.iterations, level: ctx.level };
  const diff = bootstrapMedianDiff(b, a, opts);
  if (!diff) return missing("medianDwell", "seconds", words, b.length, a.length, ctx);
  const c = ctx.control;
  const cb = samples(c?.before);
  const ca = samples(c?.after);
  const did = c
    ? bootstrapMedianDiD({ before: b, after: a }, { before: cb, after: ca }, { ...opts, seed: deriveSeed(ctx.seed, zone, "medianDwell", "did") })
    : null;
  const before = medianOfSorted(sortedAscending(b));
  return finish(
    {
      metric: "medianDwell",
      unit: "seconds",
      before,
      after: before + diff.diff,
      interval: diff.interval,
      ratio: diff.ratio,
      did,
      sampleBefore: b.length,
      sampleAfter: a.length,
      controlSampleBefore: cb.length,
      controlSampleAfter: ca.length,
      adjusted: false,
      unadjusted: null,
    },
    words,
    ctx,
  );
}

/**
 * Conversion = transactions / visits of the zone (test stores pooled; not adjusted for the mix).
 * Interval: Newcombe's hybrid score interval; difference in differences: Newcombe's square-and-add
 * of Wilson limits. Where transactions exceed visits (sales attributed to a department whose
 * visits are undercounted) conversion is a rate, not a share, and Poisson-variance normal
 * intervals are used instead, with a warning.
 */
export function conversionMetric(zone: string, name: string, ctx: MetricContext): MetricResult {
  const words: Words = { label: `conversion at ${name}`, neutralLabel: `conversion at ${name}`, aboutLabel: `conversion at ${name}`, noun: "visits", more: "higher", fewer: "lower" };
  const count = (p: PooledPeriod): { x: number; n: number } => ({ x: p.transactionsByZone.get(zone) ?? 0, n: p.visitsByZone.get(zone) ?? 0 });
  const b = count(ctx.test.before);
  const a = count(ctx.test.after);
  const sales = [ctx.test.before, ctx.test.after].some((p) => [...p.transactionsByZone.values()].some((t) => t > 0));
  // Without any visit there is nothing a sale could have been recorded against: say so, not "needs imported sales".
  if (!sales && b.n + a.n > 0) {
    ctx.warnings.add("no sales recorded in the zones of interest of the test stores: conversion needs imported sales that name these zones or their departments");
    return missing("conversion", "share", words, b.n, a.n, ctx, `conversion at ${name}: no sales recorded`);
  }
  if (b.n === 0 || a.n === 0) return missing("conversion", "share", words, b.n, a.n, ctx);
  const c = ctx.control;
  const groups = [b, a, ...(c ? [count(c.before), count(c.after)] : [])];
  const isShare = groups.every((g) => g.x <= g.n);
  const poisson = (g: { x: number; n: number }): ProportionInput => (g.n > 0 ? { p: g.x / g.n, variance: g.x / (g.n * g.n) } : { x: 0, n: 0 });
  let interval: Interval;
  let ratio: RelativeChange | null;
  let did: DiDEstimate | null = null;
  if (isShare) {
    interval = newcombeDiffInterval(b.x, b.n, a.x, a.n, ctx.level);
    // Katz's log relative risk: variance p (1 - p) / n on the log scale.
    const binomial = (g: { x: number; n: number }) => ({ p: g.x / g.n, variance: (g.x / g.n) * (1 - g.x / g.n) / g.n });
    ratio = ratioChange(binomial(b), binomial(a), ctx.level);
    if (c)
      did = differenceInDifferences({ test: { before: b, after: a }, control: { before: count(c.before), after: count(c.after) } }, ctx.level, {
        method: "newcombe",
      });
  } else {
    ctx.warnings.add(`more transactions than visits at ${name}: its conversion is a rate, not a share, and uses a Poisson approximation`);
    interval = waldDiff(poisson(b) as { p: number; variance: number }, poisson(a) as { p: number; variance: number }, ctx.level);
    ratio = ratioChange(poisson(b) as { p: number; variance: number }, poisson(a) as { p: number; variance: number }, ctx.level);
    if (c)
      did = differenceInDifferences(
        { test: { before: poisson(b), after: poisson(a) }, control: { before: poisson(count(c.before)), after: poisson(count(c.after)) } },
        ctx.level,
      );
  }
  return finish(
    {
      metric: "conversion",
      unit: "share",
      before: b.x / b.n,
      after: a.x / a.n,
      interval,
      ratio,
      did,
      sampleBefore: b.n,
      sampleAfter: a.n,
      controlSampleBefore: c ? count(c.before).n : 0,
      controlSampleAfter: c ? count(c.after).n : 0,
      adjusted: false,
      unadjusted: null,
    },
    words,
    ctx,
  );
}
