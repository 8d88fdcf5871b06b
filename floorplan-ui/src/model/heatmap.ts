/**
 * The heatmap scene: each zone of the layout with the chosen metric's value, its colour on a
 * perceptually uniform scale (viridis, from 0 to the largest value shown), its label and, when
 * comparing, the change from the previous period. Drawing reads this and nothing else.
 */
import { interpolateViridis } from "d3-scale-chromatic";
import { formatPoints, pointsChange, polygonCentroid, type FloorPoint, type Layout, type ZoneDwell, type ZoneKind } from "@footfall/core";
import type { ZoneConversion } from "../api/types.js";
import { formatChange, formatCount, formatDuration, formatDurationShort, formatMoney, formatRate } from "./format.js";

export const METRICS = [
  { id: "visits", label: "Visits", unit: "visits" },
  { id: "visitors", label: "Visitors", unit: "visitors" },
  { id: "median", label: "Median dwell", unit: "seconds" },
  { id: "p90", label: "P90 dwell", unit: "seconds" },
  { id: "conversion", label: "Conversion", unit: "ratio" },
  { id: "salesPerVisit", label: "Sales per visit", unit: "money" },
] as const;
export type Metric = (typeof METRICS)[number]["id"];

/** Metrics read from `/conversion` (sales) rather than `/dwell`. */
export function isSalesMetric(metric: Metric): metric is "conversion" | "salesPerVisit" {
  return metric === "conversion" || metric === "salesPerVisit";
}

export function isMetric(value: unknown): value is Metric {
  return METRICS.some((m) => m.id === value);
}

/** The outline and badge of zones flagged "long dwell, low conversion" (reads on every viridis colour). */
export const FLAG_COLOUR = "#e11d48";

/** The colour of zones with nothing to show. */
export const NO_DATA_FILL = "#e2e8f0";

export interface HeatZone {
  id: string;
  name: string;
  kind: ZoneKind;
  polygon: FloorPoint[];
  centroid: [number, number];
  value: number | null;
  /** The figure drawn on the zone (`–` when none). */
  label: string;
  fill: string;
  /** Black or white, whichever reads on `fill`. */
  ink: string;
  previous: number | null;
  /**
   * The change from the previous period as the screens write it: relative for counts, times and
   * money; for conversion, a share, the difference in percentage points (core's pointsChange).
   * Null when there is nothing to compare with (or no comparison).
   */
  change: number | null;
  dwell: ZoneDwell | null;
  /** Sales figures of the zone, when the conversion report was loaded. */
  sales: ZoneConversion | null;
  /** The zone keeps shoppers long but few of them buy (the server's flag). */
  longDwellLowConversion: boolean;
  /** People counted in by a door counter on this zone (its enters beyond its visits); null without one. */
  doorIn: number | null;
  /**
   * The zone's visits, one definition everywhere (plan, ranking, tooltip, CSV): the visits tracked
   * in it plus the people a door counter on it counted in (DESIGN §7: its enters). Null: no data.
   */
  visits: number | null;
  /** Visits tracked in the zone (people followed in and out); null: no data. */
  tracked: number | null;
}

export interface HeatScene {
  zones: HeatZone[];
  /** Top of the colour scale (the largest value shown; 0 when there is none). */
  max: number;
  /** Zones with figures that are not on this layout (e.g. removed by a later version). */
  unplaced: ZoneDwell[];
  /** The range holds no data at all (before the store's first figures): every value is "no data", not 0. */
  noData: boolean;
  /** Comparing, and the previous period holds no data: changes are "no data", not "new". */
  previousNoData: boolean;
}

/** Whether each period holds data (see `coverage.ts`); both by default. */
export interface SceneCoverage {
  now?: boolean;
  previous?: boolean;
}

/**
 * People a door counter counted in on each zone: its enters (from `/traffic`, DESIGN §7: visits plus
 * door `in`) beyond its visits. Only zones with a door counter appear.
 */
export function doorInByZone(enters: ReadonlyMap<string, number>, dwell: readonly ZoneDwell[]): Map<string, number> {
  const visits = new Map(dwell.map((d) => [d.zone as string, d.visits]));
  const out = new Map<string, number>();
  for (const [zone, n] of enters) if (n > (visits.get(zone) ?? 0)) out.set(zone, n - (visits.get(zone) ?? 0));
  return out;
}

/** Each zone's enters over all buckets of a `/traffic` report. */
export function zoneEnters(buckets: readonly { zones: Readonly<Record<string, number>> }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const b of buckets) for (const [zone, n] of Object.entries(b.zones)) out.set(zone, (out.get(zone) ?? 0) + n);
  return out;
}

/**
 * A zone's figure for the metric. A door counter's people count as the zone's visits (they came
 * in through it); it cannot tell visitors or dwell, so a zone known only by its door shows none.
 */
export function metricValue(d: ZoneDwell | null | undefined, metric: Metric, c?: ZoneConversion | null, doorIn = 0): number | null {
  if (metric === "conversion") return c?.conversion ?? null;
  if (metric === "salesPerVisit") return c?.salesPerVisit ?? null;
  if (metric === "visits" && doorIn > 0) return (d?.visits ?? 0) + doorIn;
  if (!d || (doorIn > 0 && d.visits === 0)) return null;
  switch (metric) {
    case "visits":
      return d.visits;
    case "visitors":
      return d.visitors;
    case "median":
      return d.dwell_s?.median ?? null;
    case "p90":
      return d.dwell_s?.p90 ?? null;
  }
}

/** The figure as a person reads it: counts as integers, dwell as durations. */
export function formatMetric(value: number | null, metric: Metric, short = false, currency?: string): string {
  if (value === null) return "–";
  if (metric === "visits" || metric === "visitors") return formatCount(value);
  if (metric === "conversion") return formatRate(value);
  if (metric === "salesPerVisit") return formatMoney(value, currency);
  return short ? formatDurationShort(value) : formatDuration(value);
}

/** viridis(value / max); the low end for max 0. */
export function heatColour(value: number, max: number): string {
  return interpolateViridis(max > 0 ? Math.min(1, Math.max(0, value / max)) : 0);
}

/** Black or white text on a `#rrggbb` fill, by relative luminance. */
export function inkOn(fill: string): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(fill);
  if (!m) return "#0f172a";
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => {
    const c = parseInt(h!, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return lum > 0.22 ? "#0f172a" : "#ffffff";
}

/** Sales figures of the range and, when comparing, of the previous period. */
export interface SalesFigures {
  now?: readonly ZoneConversion[] | undefined;
  previous?: readonly ZoneConversion[] | undefined;
}
/** People in through door counters per zone (see `doorInByZone`), for the range and the previous period. */
export interface DoorFigures {
  now?: ReadonlyMap<string, number> | undefined;
  previous?: ReadonlyMap<string, number> | undefined;
}

export function heatScene(
  layout: Pick<Layout, "zones">,
  dwell: readonly ZoneDwell[],
  metric: Metric,
  previous?: readonly ZoneDwell[],
  sales: SalesFigures = {},
  door: DoorFigures = {},
  coverage: SceneCoverage = {},
  currency?: string,
): HeatScene {
  const noData = coverage.now === false;
  const previousNoData = !!previous && coverage.previous === false;
  const byZone = new Map(noData ? [] : dwell.map((d) => [d.zone as string, d]));
  const prevByZone = previous ? new Map(previousNoData ? [] : previous.map((d) => [d.zone as string, d])) : null;
  const salesBy = new Map((noData ? [] : (sales.now ?? [])).map((c) => [c.zone, c]));
  const prevSalesBy = new Map((previousNoData ? [] : (sales.previous ?? [])).map((c) => [c.zone, c]));
  const doorNow = (noData ? null : door.now) ?? new Map<string, number>();
  const doorBefore = (previousNoData ? null : door.previous) ?? new Map<string, number>();
  const values = layout.zones.map((z) => metricValue(byZone.get(z.id), metric, salesBy.get(z.id), doorNow.get(z.id)));
  const max = Math.max(0, ...values.map((v) => v ?? 0));
  const zones = layout.zones.map((z, i): HeatZone => {
    const value = values[i] ?? null;
    const prev = prevByZone ? metricValue(prevByZone.get(z.id), metric, prevSalesBy.get(z.id), doorBefore.get(z.id)) : null;
    return {
      ...colouredZone(z, value, max, formatMetric(value, metric, true, currency)),
      previous: prev,
      change: metric === "conversion" ? pointsChange(value, prev) : relativeChange(value, prev),
      dwell: byZone.get(z.id) ?? null,
      sales: salesBy.get(z.id) ?? null,
      longDwellLowConversion: salesBy.get(z.id)?.longDwellLowConversion === true,
      doorIn: doorNow.get(z.id) ?? null,
      visits: noData ? null : metricValue(byZone.get(z.id), "visits", null, doorNow.get(z.id)),
      tracked: noData ? null : (byZone.get(z.id)?.visits ?? (doorNow.has(z.id) ? 0 : null)),
    };
  });
  const placed = new Set(layout.zones.map((z) => z.id as string));
  return { zones, max, unplaced: noData ? [] : dwell.filter((d) => !placed.has(d.zone)), noData, previousNoData };
}

/**
 * A zone placed on the colour scale [0, max]: its geometry, fill, readable ink and label, with no
 * comparison, dwell or sales attached. With nothing above zero there is no scale: every zone is grey.
 */
export function colouredZone(z: Layout["zones"][number], value: number | null, max: number, label: string): HeatZone {
  const fill = value === null || max === 0 ? NO_DATA_FILL : heatColour(value, max);
  return {
    id: z.id,
    name: z.name,
    kind: z.kind,
    polygon: z.polygon,
    centroid: polygonCentroid(z.polygon),
    value,
    label,
    fill,
    ink: value === null || max === 0 ? "#475569" : inkOn(fill),
    previous: null,
    change: null,
    dwell: null,
    sales: null,
    longDwellLowConversion: false,
    doorIn: null,
    visits: null,
    tracked: null,
  };
}

/**
 * A zone's change as the ranking and the tooltip write it: "no data" when the previous period has
 * none (not "new"), "new" when it had data but nothing for the zone, "–" when the zone has no value now;
 * conversion in percentage points ("+1.0 pts", as the chain view and the digests), the rest relative.
 */
export function changeText(z: Pick<HeatZone, "value" | "previous" | "change">, previousNoData: boolean, metric: Metric): string {
  if (previousNoData) return "no data";
  if (z.value === null) return "–";
  if (z.change === null) return z.previous === 0 && z.value === 0 ? formatChange(0) : formatChange(null);
  return metric === "conversion" ? formatPoints(z.change) : formatChange(z.change);
}

/** (now - before) / before; null when before is missing or zero. */
export function relativeChange(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before === 0) return null;
  return (now - before) / before;
}

export interface LegendStop {
  offset: number;
  colour: string;
}
/** Gradient stops for the legend bar (CSS `linear-gradient`). */
export function legendGradient(steps = 10): LegendStop[] {
  return Array.from({ length: steps + 1 }, (_, i) => ({ offset: i / steps, colour: interpolateViridis(i / steps) }));
}

/** Tick values along the legend: 0, max/4, ... max (integers for counts). */
export function legendTicks(max: number, metric: Metric, n = 4, currency?: string): { value: number; label: string }[] {
  if (max <= 0) return [{ value: 0, label: formatMetric(0, metric, false, currency) }];
  const counts = metric === "visits" || metric === "visitors";
  const ticks: { value: number; label: string }[] = [];
  for (let i = 0; i <= n; i++) {
    const value = counts ? Math.round((max * i) / n) : (max * i) / n;
    if (ticks.at(-1)?.value === value) continue;
    ticks.push({ value, label: formatMetric(value, metric, true, currency) });
  }
  return ticks;
}

/** Rows for the ranked list and the CSV export, largest value first, zones with no data last. */
export function rankZones(scene: HeatScene): HeatZone[] {
  return [...scene.zones].sort((a, b) => (b.value ?? -1) - (a.value ?? -1) || a.name.localeCompare(b.name));
}

/**
 * The times whose layouts name the zones of a range `[from, to)`: its start, and each version's
 * `validFrom` inside it (the layouts in force at some time of the range), newest first.
 */
export function layoutTimesIn(versions: readonly { validFrom: number }[], range: { from: number; to: number }): number[] {
  const inside = versions.map((v) => v.validFrom).filter((t) => t > range.from && t < range.to);
  return [...new Set(inside)].sort((a, b) => b - a).concat(range.from);
}

/**
 * The zones of older layouts (`layouts`, e.g. those in force during a range) that `current` no longer
 * has: each once, as the newest of `layouts` that has it holds it (its name then), so a view can name
 * a zone a later version removed as it was named, not by the id its agents reported.
 */
export function zonesOnlyBefore<Z extends { id: string }>(current: readonly { id: string }[], layouts: readonly { validFrom: number; zones: readonly Z[] }[]): Z[] {
  const seen = new Set(current.map((z) => z.id));
  const out: Z[] = [];
  for (const l of [...layouts].sort((a, b) => b.validFrom - a.validFrom))
    for (const z of l.zones)
      if (!seen.has(z.id)) {
        seen.add(z.id);
        out.push(z);
      }
  return out;
}

/**
 * What to call zones that have figures but are not on the layout shown (removed by a later
 * version): their name on the newest of `layouts` (the older versions) that has them, else their id.
 */
export function unplacedNames(zones: readonly string[], layouts: readonly { validFrom: number; zones: readonly { id: string; name: string }[] }[]): string[] {
  const newestFirst = [...layouts].sort((a, b) => b.validFrom - a.validFrom);
  return zones.map((id) => newestFirst.map((l) => l.zones.find((z) => z.id === id)).find((z) => z !== undefined)?.name || id);
}
