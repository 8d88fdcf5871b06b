/**
 * Property tests: the domain equals a deliberately naive reference written from DESIGN.md's
 * "Event semantics" (plain loops, O(n^2)), and arrival order, duplicates and batching never change
 * a figure. Time zone math in the reference uses Intl.DateTimeFormat directly, scanning in 15-minute
 * steps (every offset change and local hour of Europe/Paris lies on that grid).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CountEvent, FootfallEvent, Range, Trip, Visit, VisitorId, ZoneId, ZoneKind } from "../index.js";
import { dwellByZone } from "./dwell.js";
import { occupancyOf } from "./occupancy.js";
import { pathReport } from "./paths.js";
import { trafficOf } from "./traffic.js";
import { tripsOf, tripsOfVisitor } from "./trips.js";
import { visitsOf, visitsOfVisitor } from "./visits.js";

const MIN = 60_000;
const DAY = 86_400_000;
const TZ = "Europe/Paris";
const T0 = Date.parse("2026-03-28T22:00:00Z"); // 23:00 local: the streams cross local midnight and the DST change
const TIMEOUT = 30 * MIN;
const opts = { visitTimeoutMs: TIMEOUT };
const RUNS = { numRuns: 200 };
const ZONES = ["door", "z1", "z2", "z3"] as ZoneId[];
const KINDS: Record<string, ZoneKind> = { door: "entrance", z1: "entrance", z2: "zone", z3: "checkout" };
const kindOf = (zone: ZoneId): ZoneKind | undefined => KINDS[zone];
const zoneList = ZONES.map((id) => ({ id, capacity: 5 }));

// ---- generators ------------------------------------------------------------------------------

const rawEvent = fc.record({
  type: fc.constantFrom("enter", "enter", "enter", "exit", "exit", "position", "count"),
  visitor: fc.constantFrom("a", "b", "c"),
  zone: fc.constantFrom(...ZONES),
  minute: fc.integer({ min: 0, max: 240 }),
  second: fc.constantFrom(0, 0, 0, 17),
  agent: fc.constantFrom("cam-1", "door-1") as fc.Arbitrary<string>, // visitPair takes the exit from "cam-2"
  in: fc.nat(3),
  out: fc.nat(3),
});
type Raw = typeof rawEvent extends fc.Arbitrary<infer R> ? R : never;
function toEvent(r: Raw, i: number): FootfallEvent {
  const base = { id: `${r.agent}:${String(i).padStart(4, "0")}`, ts: T0 + r.minute * MIN + r.second * 1000 };
  if (r.type === "count") return { ...base, type: "count", zone: "door" as ZoneId, in: r.in, out: r.out };
  if (r.type === "position") return { ...base, type: "position", visitor: r.visitor as VisitorId, x: 1, y: 1 };
  return { ...base, type: r.type as "enter" | "exit", zone: r.zone, visitor: r.visitor as VisitorId };
}
/** An enter and, `dwell` minutes later, the exit of the same visitor and zone. */
const visitPair = fc.tuple(rawEvent, fc.integer({ min: 0, max: 40 })).map(([r, dwell]): Raw[] => [
  { ...r, type: "enter" },
  { ...r, type: "exit", minute: r.minute + dwell, agent: "cam-2" },
]);
const stream = fc
  .array(fc.oneof(rawEvent.map((r) => [r]), visitPair), { maxLength: 25 })
  .map((groups) => groups.flat().map(toEvent));
const instant = fc.integer({ min: -60, max: 300 }).map((m) => T0 + m * MIN + 7_000);
const range = fc.tuple(instant, fc.integer({ min: 0, max: 300 })).map(([from, m]): Range => ({ from, to: from + m * MIN }));
/** The same events shuffled, some repeated, cut in batches taken in any order. */
const rearranged = (events: FootfallEvent[]) =>
  fc.tuple(fc.shuffledSubarray(events), fc.infiniteStream(fc.nat()), fc.integer({ min: 1, max: 5 })).map(([dups, rnd, batches]) => {
    const all = [...events, ...dups];
    const r = (): number => rnd.next().value as number;
    for (let i = all.length - 1; i > 0; i--) {
      const j = r() % (i + 1);
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    const cut = Array.from({ length: batches }, (_, b) => all.filter((_, i) => i % batches === b));
    return cut.sort(() => (r() % 2 ? -1 : 1));
  });

// ---- the naive reference ---------------------------------------------------------------------

function refAccepted<T extends FootfallEvent>(events: readonly T[]): T[] {
  const unique = events.filter((e, i) => !events.slice(0, i).some((o) => o.id === e.id));
  const out: T[] = [];
  for (const e of unique) {
    let k = out.length;
    while (k > 0 && (out[k - 1]!.ts > e.ts || (out[k - 1]!.ts === e.ts && out[k - 1]!.id > e.id))) k--;
    out.splice(k, 0, e);
  }
  return out;
}
type Act = Exclude<FootfallEvent, CountEvent>;
const activity = (events: readonly FootfallEvent[], visitor: string): Act[] => refAccepted(events).filter((e): e is Act => e.type !== "count" && e.visitor === visitor);
const visitorsIn = (events: readonly FootfallEvent[]): string[] => [...new Set(events.flatMap((e) => (e.type === "count" ? [] : [e.visitor])))];

function refVisits(events: readonly FootfallEvent[], now?: number): Visit[] {
  const out: Visit[] = [];
  for (const visitor of visitorsIn(events)) {
    const mine = activity(events, visitor);
    const tripEnd = (i: number): number => {
      while (i + 1 < mine.length && mine[i + 1]!.ts - mine[i]!.ts < TIMEOUT) i++;
      return mine[i]!.ts;
    };
    const make = (i: number, exitTs: number | null, status: Visit["status"]): Visit => ({ visitor: visitor as VisitorId, zone: (mine[i] as { zone: ZoneId }).zone, enterTs: mine[i]!.ts, enterId: mine[i]!.id, exitTs, status, lastSeenTs: tripEnd(i) });
    for (const zone of ZONES) {
      let open: number | null = null;
      mine.forEach((e, i) => {
        if (i > 0 && e.ts - mine[i - 1]!.ts >= TIMEOUT && open !== null) {
          out.push(make(open, null, "abandoned"));
          open = null;
        }
        if (e.type === "position" || e.zone !== zone) return;
        if (e.type === "enter" && open === null) open = i;
        else if (e.type === "exit" && open !== null) {
          out.push(make(open, e.ts, "closed"));
          open = null;
        }
      });
      if (open !== null) out.push(make(open, null, now !== undefined && now - mine[mine.length - 1]!.ts >= TIMEOUT ? "abandoned" : "open"));
    }
  }
  return out.sort((a, b) => a.enterTs - b.enterTs || (a.enterId < b.enterId ? -1 : 1));
}

function refTrips(events: readonly FootfallEvent[]): Trip[] {
  const out: Trip[] = [];
  for (const visitor of visitorsIn(events)) {
    const mine = activity(events, visitor);
    const visits = refVisits(events).filter((v) => v.visitor === visitor);
    let start = 0;
    for (let i = 0; i < mine.length; i++) {
      if (i + 1 < mine.length && mine[i + 1]!.ts - mine[i]!.ts < TIMEOUT) continue;
      const inTrip = visits.filter((v) => v.enterTs >= mine[start]!.ts && v.enterTs <= mine[i]!.ts);
      const zones = inTrip.map((v) => v.zone).filter((z, k, all) => k === 0 || all[k - 1] !== z);
      if (zones.length > 0) out.push({ visitor: visitor as VisitorId, startTs: inTrip[0]!.enterTs, zones });
      start = i + 1;
    }
  }
  return out.sort((a, b) => a.startTs - b.startTs || (a.visitor < b.visitor ? -1 : a.visitor > b.visitor ? 1 : 0));
}

function refPaths(trips: readonly Trip[], r: Range, limit: number) {
  const paths: { zones: ZoneId[]; count: number }[] = [];
  const transitions: { from: ZoneId; to: ZoneId; count: number }[] = [];
  for (const t of trips.filter((t) => t.startTs >= r.from && t.startTs < r.to)) {
    const p = paths.find((p) => p.zones.join(",") === t.zones.join(","));
    if (p) p.count++;
    else paths.push({ zones: t.zones, count: 1 });
    for (let i = 1; i < t.zones.length; i++) {
      const x = transitions.find((x) => x.from === t.zones[i - 1] && x.to === t.zones[i]);
      if (x) x.count++;
      else transitions.push({ from: t.zones[i - 1]!, to: t.zones[i]!, count: 1 });
    }
  }
  const lex = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  paths.sort((a, b) => b.count - a.count || lex(a.zones.join(","), b.zones.join(",")));
  transitions.sort((a, b) => b.count - a.count || lex(a.from, b.from) || lex(a.to, b.to));
  return { paths: paths.slice(0, limit), transitions, trips: paths.reduce((n, p) => n + p.count, 0) };
}

function refDwell(visits: readonly Visit[], r: Range) {
  const inRange = visits.filter((v) => v.enterTs >= r.from && v.enterTs < r.to);
  return [...new Set(inRange.map((v) => v.zone))].sort().map((zone) => {
    const here = inRange.filter((v) => v.zone === zone);
    const d = here.filter((v) => v.status === "closed").map((v) => v.exitTs! - v.enterTs).sort((a, b) => a - b);
    const n = d.length;
    const stats = n === 0 ? null : { mean: d.reduce((s, x) => s + x, 0) / n / 1000, median: (n % 2 ? d[(n - 1) / 2]! : (d[n / 2 - 1]! + d[n / 2]!) / 2) / 1000, p90: d[Math.ceil((9 * n) / 10) - 1]! / 1000 };
    return { zone, visits: here.length, visitors: new Set(here.map((v) => v.visitor)).size, dwell_s: stats };
  });
}

const parts = new Intl.DateTimeFormat("en-CA", { timeZone: TZ, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "longOffset" });
function wall(t: number): Record<string, string> {
  return Object.fromEntries(parts.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
}
const offsetOf = (w: Record<string, string>): string => (w.timeZoneName === "GMT" ? "+00:00" : w.timeZoneName!.slice(3));
function refBucketStarts(r: Range, bucket: "hour" | "day"): number[] {
  if (r.to <= r.from) return [];
  const key = (t: number): string => {
    const w = wall(t);
    return bucket === "day" ? `${w.year}-${w.month}-${w.day}` : `${w.year}-${w.month}-${w.day} ${w.hour} ${offsetOf(w)}`;
  };
  const step = 15 * MIN;
  const starts: number[] = [];
  let t = Math.floor((r.from - 2 * DAY) / step) * step;
  let prev = key(t - step);
  for (; t < r.to; t += step) {
    const k = key(t);
    if (k !== prev) starts.push(t);
    prev = k;
  }
  return starts.filter((s, i) => s < r.to && (starts[i + 1] === undefined || starts[i + 1]! > r.from));
}
function refFormat(t: number): string {
  const w = wall(t);
  return `${w.year}-${w.month}-${w.day}T${w.hour}:${w.minute}:${w.second}${offsetOf(w)}`;
}

function refTraffic(visits: readonly Visit[], counts: readonly CountEvent[], r: Range, bucket: "hour" | "day") {
  const starts = refBucketStarts(r, bucket);
  const items = [...visits.map((v) => ({ zone: v.zone, ts: v.enterTs, n: 1 })), ...refAccepted(counts).map((c) => ({ zone: c.zone, ts: c.ts, n: c.in }))].filter((x) => x.ts >= r.from && x.ts < r.to);
  return starts.map((start, i) => {
    const mine = items.filter((x) => x.ts >= start && (i + 1 === starts.length || x.ts < starts[i + 1]!));
    const zones: Record<string, number> = {};
    for (const z of [...ZONES].sort()) {
      const n = mine.filter((x) => x.zone === z).reduce((s, x) => s + x.n, 0);
      if (n > 0) zones[z] = n;
    }
    const enters = mine.filter((x) => KINDS[x.zone] === "entrance").reduce((s, x) => s + x.n, 0);
    return { start: refFormat(start), enters, zones };
  });
}

function refOccupancy(events: readonly FootfallEvent[], now: number) {
  const open = refVisits(events, now).filter((v) => v.status === "open");
  const counts = refAccepted(events).filter((e): e is CountEvent => e.type === "count");
  const midnight = refBucketStarts({ from: now, to: now + 1 }, "day")[0]!;
  const today = counts.filter((c) => c.ts >= midnight && c.ts <= now);
  const total = counts.length > 0 ? Math.max(0, today.reduce((s, c) => s + c.in - c.out, 0)) : new Set(open.map((v) => v.visitor)).size;
  return { ts: now, total, zones: zoneList.map((z) => ({ zone: z.id, occupancy: new Set(open.filter((v) => v.zone === z.id).map((v) => v.visitor)).size, capacity: 5 })) };
}

const countsIn = (events: readonly FootfallEvent[]): CountEvent[] => events.filter((e): e is CountEvent => e.type === "count");

// ---- properties ------------------------------------------------------------------------------

describe("the domain equals the naive reference", () => {
  it("visitsOf, with and without now", () => {
    fc.assert(fc.property(stream, fc.option(instant, { nil: undefined }), (events, now) => {
      expect(visitsOf(events, { ...opts, now })).toEqual(refVisits(events, now));
    }), RUNS);
  });

  it("visitsOfVisitor and tripsOfVisitor give each visitor's part", () => {
    fc.assert(fc.property(stream, (events) => {
      for (const v of ["a", "b", "c"] as VisitorId[]) {
        expect(visitsOfVisitor(v, events, opts)).toEqual(visitsOf(events, opts).filter((x) => x.visitor === v));
        expect(tripsOfVisitor(v, events, opts)).toEqual(tripsOf(events, opts).filter((x) => x.visitor === v));
      }
    }), RUNS);
  });

  it("tripsOf and pathReport", () => {
    fc.assert(fc.property(stream, range, fc.integer({ min: 0, max: 6 }), (events, r, limit) => {
      expect(tripsOf(events, opts)).toEqual(refTrips(events));
      expect(pathReport(tripsOf(events, opts), r, limit)).toEqual(refPaths(refTrips(events), r, limit));
    }), RUNS);
  });

  it("dwellByZone", () => {
    fc.assert(fc.property(stream, range, instant, (events, r, now) => {
      expect(dwellByZone(visitsOf(events, { ...opts, now }), r)).toEqual(refDwell(refVisits(events, now), r));
    }), RUNS);
  });

  it("trafficOf, by hour and by day", () => {
    fc.assert(fc.property(stream, range, fc.constantFrom("hour" as const, "day" as const), (events, r, bucket) => {
      expect(trafficOf(visitsOf(events, opts), countsIn(events), r, bucket, TZ, kindOf)).toEqual(refTraffic(refVisits(events), countsIn(events), r, bucket));
    }), RUNS);
  });

  it("occupancyOf", () => {
    fc.assert(fc.property(stream, instant, (events, now) => {
      expect(occupancyOf(events, zoneList, now, TZ, opts)).toEqual(refOccupancy(events, now));
    }), RUNS);
  });
});

describe("arrival order, duplicates and batches never change a figure", () => {
  it("dwell, paths, traffic and occupancy", () => {
    const arb = stream.chain((events) => fc.tuple(fc.constant(events), rearranged(events), range, instant));
    fc.assert(fc.property(arb, ([events, batches, r, now]) => {
      const again = batches.flat();
      const figures = (evs: FootfallEvent[]) => ({
        dwell: dwellByZone(visitsOf(evs, { ...opts, now }), r),
        paths: pathReport(tripsOf(evs, opts), r),
        traffic: trafficOf(visitsOf(evs, opts), countsIn(evs), r, "hour", TZ, kindOf),
        occupancy: occupancyOf(evs, zoneList, now, TZ, opts),
      });
      expect(figures(again)).toEqual(figures(events));
    }), RUNS);
  });
});
