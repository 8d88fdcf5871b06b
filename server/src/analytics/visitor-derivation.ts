import { foldSteps, replayVisitor, type DomainOptions, type VisitorEvent } from "@footfall/core";

/** Separator of zone ids in a path key: ids never hold it, and it sorts below every id character, so keys sort as core's compareZoneSequences. */
export const PATH_SEP = ",";

/** What the aggregates keep of one visit. */
export interface VisitItem {
  enterTs: number;
  /** exit - enter in ms for a closed visit, else null. */
  dwellMs: number | null;
  /** enterTs of the same visitor's previous visit to the same zone, or null: counts distinct visitors exactly. */
  prevEnterTs: number | null;
}

/** What one visitor's events contribute to the store's rollups. */
export interface VisitorDerivation {
  visits: { zone: string; enterId: string; item: VisitItem }[];
  /**
   * `steps`: when each step of the path began, in ms after `startTs`, joined by "," (core foldSteps: the enter of the
   * run's first visit); the queue figures count a join in the hour of its step (analytics/queues.ts).
   */
  trips: { startTs: number; key: string; steps: string }[];
  /** Open visits at the end of the visitor's events, with the visitor's last activity. */
  open: { zone: string; lastSeenTs: number }[];
  lastActivityTs: number;
}

/**
 * Replay one visitor's accepted events (deduplicated, sorted by `compareEvents`) with the domain of
 * `@footfall/core`, and turn its visits and trips into index entries.
 */
export function deriveVisitor(events: readonly VisitorEvent[], opts: DomainOptions): VisitorDerivation {
  const { visits, trips } = replayVisitor(events, opts);
  const out: VisitorDerivation = { visits: [], trips: [], open: [], lastActivityTs: -Infinity };
  if (visits.length === 1) addZoneVisits(out, visits[0]!.zone, visits); // the common case: no grouping to build
  else if (visits.length > 1) {
    const byZone = new Map<string, typeof visits>();
    for (const v of visits) {
      let list = byZone.get(v.zone);
      if (!list) byZone.set(v.zone, (list = []));
      list.push(v);
    }
    for (const [zone, list] of byZone) addZoneVisits(out, zone, sortSmall(list, byEnter));
  }
  // A trip's visits are a run of `visits` (both are pushed in event order, and trips are apart by a visit timeout of silence).
  let p = 0;
  for (let k = 0; k < trips.length; k++) {
    const t = trips[k]!;
    const next = trips[k + 1]?.startTs ?? Number.POSITIVE_INFINITY;
    const run: { zone: string; enterTs: number }[] = [];
    while (p < visits.length && visits[p]!.enterTs < next) run.push(visits[p++]!);
    out.trips.push({ startTs: t.startTs, key: t.zones.join(PATH_SEP), steps: stepsOf(t.startTs, t.zones, run) });
  }
  for (const e of events) if (e.ts > out.lastActivityTs) out.lastActivityTs = e.ts;
  return out;
}

/** A trip's step offsets (see VisitorDerivation.trips); every step at the trip's start should its visits not fold to its path. */
function stepsOf(startTs: number, zones: readonly string[], run: readonly { zone: string; enterTs: number }[]): string {
  const f = foldSteps(run);
  const same = f.zones.length === zones.length && f.zones.every((z, i) => z === zones[i]);
  return (same ? f.enters.map((e) => e - startTs) : zones.map(() => 0)).join(PATH_SEP);
}

type ReplayedVisit = ReturnType<typeof replayVisitor>["visits"][number];
const byEnter = (a: ReplayedVisit, b: ReplayedVisit) => a.enterTs - b.enterTs || (a.enterId < b.enterId ? -1 : 1);

/** One zone's visits of a visitor, in enter order, into `out` (each knows the enter of the one before). */
function addZoneVisits(out: VisitorDerivation, zone: string, list: readonly ReplayedVisit[]): void {
  let prev: number | null = null;
  for (const v of list) {
    const item: VisitItem = { enterTs: v.enterTs, dwellMs: v.status === "closed" && v.exitTs !== null ? v.exitTs - v.enterTs : null, prevEnterTs: prev };
    out.visits.push({ zone, enterId: v.enterId, item });
    prev = v.enterTs;
    if (v.status === "open") out.open.push({ zone, lastSeenTs: v.lastSeenTs });
  }
}

/**
 * Sorts `list` in place, stably, as `Array.prototype.sort` does; short lists (a visitor's few
 * events, a zone's one or two visits: the hot path of ingest) by insertion, without the work array
 * V8's sort allocates at every call (a tenth of all the memory ingest allocated).
 */
export function sortSmall<T>(list: T[], compare: (a: T, b: T) => number): T[] {
  if (list.length > 16) return list.sort(compare);
  for (let i = 1; i < list.length; i++) {
    const x = list[i]!;
    let j = i - 1;
    while (j >= 0 && compare(list[j]!, x) > 0) {
      list[j + 1] = list[j]!;
      j--;
    }
    list[j + 1] = x;
  }
  return list;
}

/**
 * A visit's identity for {@link diffByKey}: every field the aggregates keep of it. Built only when a
 * visitor is derived again (not kept in the derivation: the cache holds tens of thousands of them).
 */
export const visitKey = (v: VisitorDerivation["visits"][number]): string => `${v.zone}|${v.enterId}|${v.item.enterTs}|${v.item.dwellMs}|${v.item.prevEnterTs}`;

/** Entries of `before` missing from `after` (removed) and the reverse (added), as multisets by `keyOf`. */
export function diffByKey<T>(before: readonly T[], after: readonly T[], keyOf: (x: T) => string): { removed: T[]; added: T[] } {
  const counts = new Map<string, number>();
  for (const x of before) {
    const k = keyOf(x);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const added: T[] = [];
  for (const x of after) {
    const k = keyOf(x);
    const n = counts.get(k) ?? 0;
    if (n > 0) counts.set(k, n - 1);
    else added.push(x);
  }
  // What is left in `counts` is in `before` only.
  const removed: T[] = [];
  for (const x of before) {
    const k = keyOf(x);
    const n = counts.get(k) ?? 0;
    if (n > 0) {
      removed.push(x);
      counts.set(k, n - 1);
    }
  }
  return { removed, added };
}
