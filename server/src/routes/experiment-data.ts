/**
 * What an experiment's statistics need from one store over one period, gathered from the
 * in-memory rollups (trips' paths, zone visits) and the sales table.
 */
import { allOffline, bucketStarts, cellOf, conversionSpan, zonesNotCounted, type Gap, type PeriodData } from "@footfall/core";
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

/**
 * The hours (indices of `starts`) of [from, to) in which a zone of interest or the store's entrance
 * (its trips begin there) was counted by no agent: every agent that counts it offline by the recorded
 * offline spans (agent_offline_spans; an open one read to now), less the hours up to the last one
 * within a span that counted someone there, by its visits or a door counter's crossings, in or out
 * (StoreAnalytics countedPerHour; an agent cut off from the broker that kept counting, a camera or a door counter,
 * delivered those hours later), and only while the store was open by its opening hours (a closed
 * hour nobody counted is closed: 0 trips is right there, and an edge box switched off every night
 * leaves nothing out), an hour partly so left out whole: core zonesNotCounted, the one rule the chain
 * view, the digests and the store's screens read outages by too.
 */
async function hoursNotCounted(services: Services, store: string, range: { from: number; to: number }, starts: readonly number[], zones: readonly string[], timeZone: string): Promise<{ hours: Set<number>; info: NotCounted | null }> {
  const storage = services.storage;
  const spans = await storage.offlineSpans.list(store, range.from, range.to);
  if (spans.length === 0) return { hours: new Set(), info: null };
  const opening = (await services.hours?.historyNow(store)) ?? null;
  const a = await services.analytics.get(store);
  const entrances = (services.layouts.at(store, range.from)?.zones ?? []).filter((z) => z.kind === "entrance").map((z) => z.id);
  const now = services.now();
  /** Each zone's times every agent counting it was offline, within the period. */
  const offlineOf: [string, Gap[]][] = [];
  for (const zone of new Set([...zones, ...entrances])) {
    const agents = (await storage.agents.zoneAgents(store, zone)).map((x) => x.agent);
    const offline = allOffline(agents, spans, now).filter((g) => g.from < range.to && g.to > range.from);
    if (offline.length > 0) offlineOf.push([zone, offline]);
  }
  if (offlineOf.length === 0) return { hours: new Set(), info: null };
  // What each zone counted per local hour of `starts` (visits opened plus a door counter's crossings, in and out, which
  // make no visits: countedPerHour): an agent cut off from the broker that kept counting delivered them later, no outage. Read once.
  const perHour = await a.countedPerHour(range, timeZone);
  const info = zonesNotCounted(range, starts, offlineOf.map(([zone, offline]) => ({ zone, offline, counts: starts.map((_, i) => perHour[i]?.[zone] ?? 0) })), opening, timeZone, now);
  const hours = new Set<number>();
  starts.forEach((start, i) => {
    const from = Math.max(start, range.from);
    const to = Math.min(starts[i + 1] ?? range.to, range.to);
    if (info?.spans.some((g) => g.from < to && g.to > from)) hours.add(i);
  });
  return { hours, info };
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
