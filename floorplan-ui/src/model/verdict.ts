/**
 * An experiment's result as people read it: the verdict table (one row per zone and metric, the
 * figures formatted for their unit) and the two plans, before and after, coloured by reach on one
 * shared scale so the same colour means the same share on both.
 */
import { changeFigures, DEFAULT_MIN_SAMPLE, experimentStage, verdictsProvisional, type Layout, type RelativeChange } from "@footfall/core";
import type { ExperimentMetricId, ExperimentResult, MetricResult, Verdict } from "../api/types.js";
import { formatCount, formatDate, formatDuration, formatRate } from "./format.js";
import { colouredZone, type HeatZone } from "./heatmap.js";
import { BOM } from "./csv.js";

export const EXPERIMENT_METRICS: readonly { id: ExperimentMetricId; label: string; hint: string }[] = [
  { id: "reach", label: "Reach", hint: "share of the store's trips that reached the zone" },
  { id: "visits", label: "Visits per trip", hint: "visits to the zone per trip in the store" },
  { id: "medianDwell", label: "Median dwell", hint: "median time spent in the zone (closed visits)" },
  { id: "conversion", label: "Conversion", hint: "transactions per visit" },
];

export function metricLabel(metric: ExperimentMetricId): string {
  return EXPERIMENT_METRICS.find((m) => m.id === metric)?.label ?? metric;
}

/** A value of the metric in its unit: shares as percentages, visits per trip with two decimals and "per trip", dwell as a duration. */
export function formatMetricValue(metric: ExperimentMetricId, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  // "per trip" says what the figure is: a bare "0" beside "12 %" and "1 min" read as a count of nothing.
  if (metric === "visits") return `${Number.isInteger(value) ? formatCount(value) : value.toFixed(2)} per trip`;
  if (metric === "medianDwell") return formatDuration(value);
  return formatRate(value);
}

/** What each metric measures, as core's verdicts know it. */
const UNIT: Record<ExperimentMetricId, "share" | "seconds" | "count"> = { reach: "share", visits: "count", medianDwell: "seconds", conversion: "share" };

/**
 * A change and its interval the way the verdict sentences write it (core's `changeFigures`, which
 * its `formatChange` writes them with): relative to before in % with the server's figures of the
 * ratio (`ratio`: after / before - 1 and the interval of that ratio, `+12 % [+4 %, +20 %]`; every
 * metric's verdict reads it so); when before is 0 or there is no ratio, the absolute change
 * (after - before) and its interval: shares in percentage points, durations in seconds and counts
 * as they are. The table's header says "relative to before", so the rows leave it out.
 */
export function formatEffect(
  metric: ExperimentMetricId,
  before: number | null | undefined,
  change: number | null | undefined,
  interval: readonly [number, number] | null | undefined,
  ratio?: { estimate: number; interval: readonly [number, number] } | null,
): string {
  if (change === null || change === undefined || !Number.isFinite(change)) return "–";
  const rel: RelativeChange | null = ratio ? { estimate: ratio.estimate, interval: [ratio.interval[0], ratio.interval[1]] } : null;
  return changeFigures({ unit: UNIT[metric], before: before ?? 0, change, interval: interval ? [interval[0], interval[1]] : null, relative: true, ratio: rel });
}

export interface VerdictRow {
  zone: string;
  zoneName: string;
  metric: ExperimentMetricId;
  metricLabel: string;
  before: string;
  after: string;
  /**
   * The figures as counted (the share of the period's trips for reach), where the shown ones are adjusted for the weekday-hour
   * mix and read differently once rounded; null otherwise (the before period is the standard, so it
   * mostly reads the same).
   */
  counted: { before: string; after: string } | null;
  change: string;
  /** Difference in differences against the control stores, when the server gives its figures. */
  did: string | null;
  /** The verdict is net of the control stores (a difference in differences). */
  net: boolean;
  verdict: Verdict;
  text: string;
  warning: string | null;
}

const ORDER: readonly ExperimentMetricId[] = ["reach", "visits", "medianDwell", "conversion"];

export function verdictRow(zone: string, zoneName: string, m: MetricResult): VerdictRow {
  const before = formatMetricValue(m.metric, m.before);
  const after = formatMetricValue(m.metric, m.after);
  const u = m.adjusted ? m.unadjusted : null;
  const counted = u ? { before: formatMetricValue(m.metric, u.before), after: formatMetricValue(m.metric, u.after) } : null;
  return {
    zone,
    zoneName,
    metric: m.metric,
    metricLabel: metricLabel(m.metric),
    before,
    after,
    counted: counted && (counted.before !== before || counted.after !== after) ? counted : null,
    change: formatEffect(m.metric, m.before, m.change, m.interval, m.relative),
    did: m.did && typeof m.did === "object" ? formatEffect(m.metric, m.before, m.did.estimate, m.did.interval, m.did.relative) : null,
    net: !!m.did,
    verdict: m.verdict,
    text: m.text,
    warning: m.warning ?? null,
  };
}

/** Rows zone by zone (in the experiment's order), metrics in a fixed order. */
export function verdictRows(result: ExperimentResult, zoneName: (zone: string) => string): VerdictRow[] {
  const order = result.experiment.zones ?? [];
  const zones = [...result.zones].sort((a, b) => rank(order, a.zone) - rank(order, b.zone));
  return zones.flatMap((z) => [...z.metrics].sort((a, b) => ORDER.indexOf(a.metric) - ORDER.indexOf(b.metric)).map((m) => verdictRow(z.zone, zoneName(z.zone), m)));
}
const rank = (order: readonly string[], zone: string) => {
  const i = order.indexOf(zone);
  return i < 0 ? order.length : i;
};

/** What "too small to tell" means, in the words of the verdicts (core's `minSample`, as the server uses it). */
const SAMPLE_RULE = `a verdict needs at least ${DEFAULT_MIN_SAMPLE} trips (for reach and visits per trip) or ${DEFAULT_MIN_SAMPLE} visits to the zone (for median dwell and conversion) in each period, in the control stores too where there are some`;

/**
 * What to say above the verdicts when none can say anything yet because the samples are too small:
 * the trips in each period, and how many a verdict takes. Null when some verdict stands, and when
 * the only other verdicts are "not comparable" ones (zones the change added or removed: waiting for
 * more data would not help them, and the warnings say why).
 */
export function sampleNotice(result: Pick<ExperimentResult, "zones" | "trips">): string | null {
  const verdicts = result.zones.flatMap((z) => z.metrics.map((m) => m.verdict));
  if (!verdicts.includes("too small to tell") || !verdicts.every((v) => v === "too small to tell" || v === "not comparable")) return null;
  const t = result.trips?.test;
  const counts = t ? ` (${formatCount(t.before)} ${t.before === 1 ? "trip" : "trips"} before, ${formatCount(t.after)} after)` : "";
  return `Too few trips and visits to tell anything yet${counts}: ${SAMPLE_RULE}. Wait for more data or take longer periods before deciding.`;
}

/**
 * How to read the verdicts on the page, one line for each kind present: a clear increase or
 * decrease is one whose whole interval lies on one side of 0; "no clear change" is not "no
 * effect" (every change inside its interval is still possible), the misreading a merchandiser
 * would act on; "too small to tell" names the sample it needs.
 */
export function verdictGuide(rows: readonly Pick<VerdictRow, "verdict">[]): string[] {
  const has = (...v: Verdict[]) => rows.some((r) => v.includes(r.verdict));
  const lines: string[] = [];
  if (has("increase", "decrease")) lines.push("Increase or decrease: the whole 95 % interval lies above or below 0, so a change this large is unlikely to be chance.");
  if (has("no clear change"))
    lines.push("No clear change: the interval includes 0, so these figures cannot tell a change from chance. It does not show that the layout made no difference: any change inside the interval is still possible, and longer periods narrow it.");
  if (has("too small to tell")) lines.push(`Too small to tell: no verdict is given, whatever the figures, since ${SAMPLE_RULE}.`);
  if (has("not conclusive"))
    lines.push("Not conclusive: the interval lies on one side of 0, but the periods fall mostly on different weekdays and hours, so a weekday's own pattern may explain the change. Compare a week or more on each side before acting on it.");
  return lines;
}

/**
 * What the verdicts rest on, in trips (visits to the store): "2,649 trips before and 2,958 after in
 * the test store; 6,198 and 7,090 in the control stores". Null without the counts.
 */
export function tripsBasis(result: Pick<ExperimentResult, "trips" | "experiment">): string | null {
  const t = result.trips;
  if (!t) return null;
  const plural = (n: number, one: string) => (n === 1 ? one : `${one}s`);
  const test = `${formatCount(t.test.before)} ${plural(t.test.before, "trip")} before and ${formatCount(t.test.after)} after in the ${plural(result.experiment.testStores.length, "test store")}`;
  if (!t.control) return test;
  return `${test}; ${formatCount(t.control.before)} and ${formatCount(t.control.after)} in the ${plural(result.experiment.controlStores.length, "control store")}`;
}

/**
 * The verdict card's hint: which figures are adjusted for the mix of weekdays and hours (those the
 * result marks `adjusted`, reach and visits per trip as the server computes them) and which are not,
 * as the mix warning words it: "Changes with 95 % intervals; reach and visits per trip adjusted for
 * the mix of weekdays and hours (median dwell and conversion are not)".
 */
export function adjustmentHint(result: Pick<ExperimentResult, "zones" | "level">): string {
  const level = `${Math.round(100 * (result.level ?? 0.95))} %`;
  const shown = ORDER.filter((id) => result.zones.some((z) => z.metrics.some((m) => m.metric === id)));
  const adjusted = shown.filter((id) => result.zones.some((z) => z.metrics.some((m) => m.metric === id && m.adjusted)));
  const not = shown.filter((id) => !adjusted.includes(id));
  const list = (ids: readonly ExperimentMetricId[]) => {
    const names = ids.map((id) => metricLabel(id).toLowerCase());
    return names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : names[0]!;
  };
  if (adjusted.length === 0) return `Changes with ${level} intervals`;
  const rest = not.length > 0 ? ` (${list(not)} ${not.length > 1 ? "are" : "is"} not)` : "";
  return `Changes with ${level} intervals; ${list(adjusted)} adjusted for the mix of weekdays and hours${rest}`;
}

/**
 * The experiment's CSV as the Export button saves it: the server's verdict table (`result.csv`)
 * with the BOM Excel needs to read it as UTF-8 (zone names with accents, the verdicts' quotes), as
 * every other export of the UI has.
 */
export function experimentCsvFile(text: string): string {
  return text.startsWith(BOM) ? text : BOM + text;
}

/**
 * What the "as counted" figure under an adjusted one is: the period's own count over its trips,
 * before the adjustment for the weekday-hour mix. (Funnels shows reached counts and step rates,
 * not a share of all trips, so it is not the place to look it up.)
 */
export function countedHint(metric: ExperimentMetricId): string {
  const what = metric === "visits" ? "visits to the zone over all the period's trips" : "trips that reached the zone over all the period's trips";
  return `As counted: ${what}, not adjusted. The figure above is adjusted for the mix of weekdays and hours, so that both periods weigh them alike.`;
}

/** Whether any row carries the figures of a difference in differences (the table then shows its column). */
export const hasControls = (rows: readonly VerdictRow[]) => rows.some((r) => r.did !== null);

/** The CSS tone of a verdict: green up, red down, grey for no clear change and not conclusive (no verdict to act on), amber otherwise. */
export function verdictTone(verdict: Verdict): "up" | "down" | "flat" | "unsure" {
  return verdict === "increase" ? "up" : verdict === "decrease" ? "down" : verdict === "no clear change" || verdict === "not conclusive" ? "flat" : "unsure";
}

/** Where a provisional result stands: the share of the after period passed (at computedAt) and the day it is final. */
export interface Provisional {
  passedPercent: number;
  /** `Tue, 15 Dec 2026`: the day the after period ends, in the result's zone. */
  finalOn: string;
}

/**
 * Whether the result's verdicts are provisional (the after period still runs, so they are the figures so far): the
 * server's `provisional`, else core's rule (verdictsProvisional) at `computedAt` for a server that did not say.
 */
export function provisionalOf(result: Pick<ExperimentResult, "experiment" | "computedAt" | "timeZone"> & { provisional?: boolean }): Provisional | null {
  const at = typeof result.computedAt === "number" ? result.computedAt : Date.parse(String(result.computedAt));
  if (!(result.provisional ?? verdictsProvisional(result.experiment, at))) return null;
  const s = experimentStage(result.experiment, at);
  return { passedPercent: s.stage === "after" ? s.passedPercent : 0, finalOn: formatDate(result.experiment.after.to, result.timeZone || "UTC") };
}

/** Verdicts that read the figures: while provisional they are said "so far" (too small to tell and not comparable stay as they are). */
const READS_FIGURES: readonly Verdict[] = ["increase", "decrease", "no clear change", "not conclusive"];

/**
 * A verdict as the table shows it: its word and tone, and while the result is provisional "increase so far" in the
 * neutral grey of "no clear change" (no green or red to act on yet) with "after period 64 % passed, final on Tue, 15 Dec 2026".
 */
export function verdictShown(verdict: Verdict, provisional: Provisional | null): { label: string; tone: ReturnType<typeof verdictTone>; note: string | null } {
  if (!provisional) return { label: verdict, tone: verdictTone(verdict), note: null };
  const reads = READS_FIGURES.includes(verdict);
  return {
    label: reads ? `${verdict} so far` : verdict,
    tone: reads ? "flat" : verdictTone(verdict),
    note: `after period ${provisional.passedPercent} % passed, final on ${provisional.finalOn}`,
  };
}

/** Reach of each zone before and after, and the top of the shared colour scale. */
export function reachValues(result: ExperimentResult): { before: Map<string, number | null>; after: Map<string, number | null>; max: number } {
  const before = new Map<string, number | null>();
  const after = new Map<string, number | null>();
  for (const z of result.zones) {
    const reach = z.metrics.find((m) => m.metric === "reach");
    before.set(z.zone, reach?.before ?? null);
    after.set(z.zone, reach?.after ?? null);
  }
  const max = Math.max(0, ...[...before.values(), ...after.values()].map((v) => v ?? 0));
  return { before, after, max };
}

/** One side's plan: zones of interest coloured by reach, the others grey. */
export function reachZones(layout: Pick<Layout, "zones">, values: ReadonlyMap<string, number | null>, max: number): HeatZone[] {
  return layout.zones.map((z) => {
    const value = values.get(z.id) ?? null;
    return colouredZone(z, value, max, value === null ? "" : formatRate(value));
  });
}

/**
 * A warning of the result as a sentence of its own, as the form's problems and notes read: the
 * server words its warnings as clauses ("the after period is not over yet (40 % of it has
 * passed): ...", "too few trips to tell: ..."), and a list of them mixed with capitalised ones read
 * unevenly. The first letter capitalised, a full stop added when none ends it.
 */
export function warningSentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const up = t.charAt(0).toLocaleUpperCase("en");
  return `${up.length === 1 ? up : t.charAt(0)}${t.slice(1)}${/[.!?]$/.test(t) ? "" : "."}`;
}
