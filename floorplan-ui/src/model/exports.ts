/**
 * CSV exports as pure functions: what a view shows, with the range it covers on every row (so
 * files from several exports can be pasted together), "no data" as an empty cell (never a 0), and
 * a BOM so Excel reads the file as UTF-8.
 */
import { isoLocal } from "./format.js";
import { type HeatScene, type Metric, rankZones } from "./heatmap.js";
import type { Slot } from "./traffic.js";
import { toCsvFile } from "./csv.js";

export interface ExportRange {
  from: number;
  to: number;
  timeZone: string;
}

type Cell = string | number | null | undefined;

/** The heatmap's zones, as the ranking shows them, with every figure of each zone. */
export function heatmapCsv(scene: HeatScene, range: ExportRange, opts: { metric: Metric; compare: boolean; withSales: boolean }): string {
  const withDoor = scene.zones.some((z) => z.doorIn !== null);
  const header = [
    "range_from", "range_to", "zone", "name", "kind", "visits", "visitors", "dwell_mean_s", "dwell_median_s", "dwell_p90_s",
    ...(withDoor ? ["visits_tracked", "door_in"] : []),
    ...(opts.withSales ? ["transactions", "sales", "conversion", "sales_per_visit", "long_dwell_low_conversion"] : []),
    ...(opts.compare ? [`${opts.metric}_previous`, `${opts.metric}_change`] : []),
  ];
  const from = isoLocal(range.from, range.timeZone);
  const to = isoLocal(range.to, range.timeZone);
  const rows = rankZones(scene).map((z): Cell[] => {
    // A zone known only by its door counter has no visitors or dwell: empty, not 0.
    const doorOnly = z.doorIn !== null && (z.tracked ?? 0) === 0;
    const d = doorOnly ? null : z.dwell;
    const noData = scene.noData;
    return [
      from, to, z.id, z.name, z.kind,
      z.visits,
      noData || doorOnly ? null : (d?.visitors ?? 0),
      d?.dwell_s?.mean, d?.dwell_s?.median, d?.dwell_s?.p90,
      ...(withDoor ? [z.tracked, z.doorIn ?? (noData ? null : 0)] : []),
      ...(opts.withSales ? [z.sales?.transactions ?? (noData ? null : 0), z.sales?.sales ?? (noData ? null : 0), z.sales?.conversion, z.sales?.salesPerVisit, noData ? null : z.longDwellLowConversion ? "yes" : "no"] : []),
      ...(opts.compare ? [z.previous, z.change] : []),
    ];
  });
  return toCsvFile(header, rows);
}

/** A traffic series (per hour or per day): each slot's start and end in the store's zone and its enters, empty where there is no data. */
export function trafficCsv(slots: readonly Slot[], bucket: "hour" | "day", timeZone: string, what: string): string {
  const header = [`${bucket}_start`, `${bucket}_end`, what];
  return toCsvFile(header, slots.map((s) => [isoLocal(s.start, timeZone), isoLocal(s.end, timeZone), s.value]));
}
