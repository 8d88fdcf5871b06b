/**
 * What an experiment's statistics need from one store over one period, gathered from the
 * in-memory rollups (trips' paths, zone visits) and the sales table.
 */
import { bucketStarts, cellOf, conversionSpan, type PeriodData } from "@footfall/core";
import { firstFigures } from "../analytics/first-figures.js";
import type { Services } from "../services.js";

/**
 * The period data of `store` over [from, to) for `zones`. Cells are the store's local weekday and
 * hour (its own time zone, so a control store abroad is binned by its own clock). The period is cut
 * at local hour boundaries, which the rollups answer exactly even where the offset is not whole hours.
 * Trips and reach count a trip in the cell of its first enter; visits are counted in the cell of
 * each visit's enter, and a trip's later visits may fall in the next hour: the visits per trip of a
 * cell are then a little off, which the weekday-hour standardisation tolerates. Transactions count
 * from the store's first figures on (core's `conversionSpan`), as the conversion view counts them.
 */
export async function periodData(services: Services, store: string, range: { from: number; to: number }, zones: readonly string[]): Promise<PeriodData> {
  const a = await services.analytics.get(store);
  await services.layouts.load(store);
  const timeZone = services.layouts.at(store, range.from)?.timezone ?? "UTC";
  const tripsByCell: Record<string, number> = {};
  const reachByZoneCell: Record<string, Record<string, number>> = {};
  const visitsByZoneCell: Record<string, Record<string, number>> = {};
  for (const zone of zones) {
    reachByZoneCell[zone] = {};
    visitsByZoneCell[zone] = {};
  }
  const starts = bucketStarts(range, "hour", timeZone);
  for (const [i, start] of starts.entries()) {
    const part = { from: Math.max(start, range.from), to: Math.min(starts[i + 1] ?? range.to, range.to) };
    const cell = cellOf(start, timeZone);
    for (const p of await a.pathCounts(part)) {
      tripsByCell[cell] = (tripsByCell[cell] ?? 0) + p.count;
      for (const zone of zones) if (p.zones.includes(zone)) reachByZoneCell[zone]![cell] = (reachByZoneCell[zone]![cell] ?? 0) + p.count;
    }
    for (const zone of zones) {
      const n = await a.zoneVisits(zone, part);
      if (n > 0) visitsByZoneCell[zone]![cell] = (visitsByZoneCell[zone]![cell] ?? 0) + n;
    }
  }
  // Sales before the store's first figures have no visits to be set against.
  const span = conversionSpan(range, await firstFigures(services, store, timeZone), timeZone);
  const sales = new Map((span ? await services.storage.sales.byZone(store, span.from, span.to) : []).map((z) => [z.zone, z.transactions]));
  const visitsByZone: Record<string, number> = {};
  const dwellSecondsByZone: Record<string, number[]> = {};
  const transactionsByZone: Record<string, number> = {};
  for (const zone of zones) {
    visitsByZone[zone] = Object.values(visitsByZoneCell[zone]!).reduce((s, n) => s + n, 0);
    dwellSecondsByZone[zone] = await a.dwellSamples(zone, range);
    transactionsByZone[zone] = sales.get(zone) ?? 0;
  }
  return { tripsByCell, reachByZoneCell, visitsByZone, dwellSecondsByZone, transactionsByZone, visitsByZoneCell };
}

/** A 32-bit seed from an experiment id (FNV-1a): the same experiment always gives the same figures. */
export function seedOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
