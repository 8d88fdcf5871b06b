/**
 * What an experiment's statistics need from one store over one period, gathered from the
 * in-memory rollups (trips' paths, zone visits) and the sales table.
 */
import { allOffline, bucketStarts, cellOf, conversionSpan, gapsNotCounted, gapsWhileOpen, type Gap, type PeriodData } from "@footfall/core";
import { firstFigures } from "../analytics/first-figures.js";
import type { Services } from "../services.js";

/** The hours of a period an outage left uncounted: how many, the zones nobody counted in them, and the spans. */
export interface NotCounted {
  hours: number;
  zones: string[];
  spans: Gap[];
}

/** A store's period data, with the hours left out for an outage (null: none). */
export type StorePeriodData = PeriodData & { notCounted: NotCounted | null };

const HOUR = 3_600_000;

/**
 * The hours (indices of `starts`) of [from, to) in which a zone of interest or the store's entrance
 * (its trips begin there) was counted by no agent: every agent that counts it offline by the recorded
 * offline spans (agent_offline_spans; an open one read to now), less the hours up to the last one
 * within a span that counted someone there, by its visits or a door counter's `in` as traffic counts
 * the zone (an agent cut off from the broker that kept counting, a camera or a door counter,
 * delivered those hours later), and only while the store was open by its opening hours (a closed
 * hour nobody counted is closed: 0 trips is right there, and an edge box switched off every night
 * leaves nothing out), as the forecast reads them (core allOffline, gapsNotCounted, gapsWhileOpen).
 */
async function hoursNotCounted(services: Services, store: string, range: { from: number; to: number }, starts: readonly number[], zones: readonly string[], timeZone: string): Promise<{ hours: Set<number>; info: NotCounted | null }> {
  const storage = services.storage;
  const spans = await storage.offlineSpans.list(store, range.from, range.to);
  if (spans.length === 0) return { hours: new Set(), info: null };
  const opening = (await services.hours?.historyNow(store)) ?? null;
  const a = await services.analytics.get(store);
  const entrances = (services.layouts.at(store, range.from)?.zones ?? []).filter((z) => z.kind === "entrance").map((z) => z.id);
  const now = services.now();
  const hours = new Set<number>();
  const gaps: Gap[] = [];
  const names: string[] = [];
  /** Enters per zone and local hour of `starts`, as traffic counts them (visits opened plus a door counter's `in`), read once. */
  let perHour: { zones: Record<string, number> }[] | null = null;
  for (const zone of new Set([...zones, ...entrances])) {
    const agents = (await storage.agents.zoneAgents(store, zone)).map((x) => x.agent);
    const offline = allOffline(agents, spans, now).filter((g) => g.from < range.to && g.to > range.from);
    if (offline.length === 0) continue;
    // A door counter makes no visits: one cut off from the broker that kept counting delivered its `in` later, no outage.
    perHour ??= await a.traffic(range, "hour", timeZone, (z, ts) => services.layouts.zoneKindAt(store, z, ts), services.layouts.changes(store));
    const counts = starts.map((_, i) => perHour![i]?.zones[zone] ?? 0);
    const own = gapsWhileOpen(
      gapsNotCounted(starts, counts, offline).map((g) => ({ from: Math.max(g.from, range.from), to: Math.min(g.to, range.to) })).filter((g) => g.to > g.from),
      opening,
      timeZone,
    );
    if (own.length === 0) continue;
    names.push(zone);
    gaps.push(...own);
    starts.forEach((start, i) => {
      const end = Math.min(starts[i + 1] ?? range.to, range.to);
      if (own.some((g) => g.from < end && g.to > start)) hours.add(i);
    });
  }
  if (hours.size === 0) return { hours, info: null };
  // The spans as whole hours left out, merged.
  const merged: Gap[] = [];
  for (const i of [...hours].sort((x, y) => x - y)) {
    const from = Math.max(starts[i]!, range.from);
    const to = Math.min(starts[i + 1] ?? range.to, range.to);
    const last = merged[merged.length - 1];
    if (last && last.to === from) last.to = to;
    else merged.push({ from, to });
  }
  // A part of an hour (a period that begins or ends within one) is an hour left out, as the chain view counts it, not 0 h.
  const length = merged.reduce((s, g) => s + (g.to - g.from), 0);
  return { hours, info: { hours: Math.ceil(length / HOUR), zones: names, spans: merged } };
}

/**
 * The period data of `store` over [from, to) for `zones`. Cells are the store's local weekday and
 * hour (its own time zone, so a control store abroad is binned by its own clock). The period is cut
 * at local hour boundaries, which the rollups answer exactly even where the offset is not whole hours.
 * Trips and reach count a trip in the cell of its first enter; visits are counted in the cell of
 * each visit's enter, and a trip's later visits may fall in the next hour: the visits per trip of a
 * cell are then a little off, which the weekday-hour standardisation tolerates. Transactions count
 * from the store's first figures on (core's `conversionSpan`), as the conversion view counts them.
 * The hours in which an outage left a zone of interest or the store's entrance uncounted
 * while it was open (`hoursNotCounted`) are left out of every figure (trips, reach, visits, dwell and the sales set
 * against them), not read as nobody there, and `notCounted` says which.
 */
export async function periodData(services: Services, store: string, range: { from: number; to: number }, zones: readonly string[]): Promise<StorePeriodData> {
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
  const { hours: leftOut, info: notCounted } = await hoursNotCounted(services, store, range, starts, zones, timeZone);
  /** The period's parts that are counted: its hours but those left out, consecutive ones merged. */
  const kept: { from: number; to: number }[] = [];
  for (const [i, start] of starts.entries()) {
    const part = { from: Math.max(start, range.from), to: Math.min(starts[i + 1] ?? range.to, range.to) };
    if (leftOut.has(i)) continue;
    const last = kept[kept.length - 1];
    if (last && last.to === part.from) last.to = part.to;
    else kept.push({ ...part });
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
  // Sales before the store's first figures have no visits to be set against, nor those of hours left out.
  const span = conversionSpan(range, await firstFigures(services, store, timeZone), timeZone);
  const sales = new Map<string, number>();
  if (span)
    for (const k of kept) {
      const from = Math.max(k.from, span.from);
      const to = Math.min(k.to, span.to);
      if (to > from) for (const z of await services.storage.sales.byZone(store, from, to)) sales.set(z.zone, (sales.get(z.zone) ?? 0) + z.transactions);
    }
  const visitsByZone: Record<string, number> = {};
  const dwellSecondsByZone: Record<string, number[]> = {};
  const transactionsByZone: Record<string, number> = {};
  for (const zone of zones) {
    visitsByZone[zone] = Object.values(visitsByZoneCell[zone]!).reduce((s, n) => s + n, 0);
    if (notCounted) {
      const samples: number[] = [];
      for (const k of kept) samples.push(...(await a.dwellSamples(zone, k)));
      dwellSecondsByZone[zone] = samples;
    } else dwellSecondsByZone[zone] = await a.dwellSamples(zone, range);
    transactionsByZone[zone] = sales.get(zone) ?? 0;
  }
  return { tripsByCell, reachByZoneCell, visitsByZone, dwellSecondsByZone, transactionsByZone, visitsByZoneCell, notCounted };
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
