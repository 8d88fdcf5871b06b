/**
 * Live occupancy equals batch `occupancyOf` (itself checked against a naive reference in
 * domain.property.test.ts) whatever the arrival order, duplicates, batching and passing time,
 * as long as events arrive within `lateMs` of their ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FootfallEvent, Occupancy, VisitorId, ZoneId } from "../index.js";
import { occupancyApply, occupancyExpire, occupancyInit, occupancySnapshot, occupancyStep, type OccupancyState } from "./live-occupancy.js";
import { occupancyOf } from "./occupancy.js";

const MIN = 60_000;
const T0 = Date.parse("2026-03-28T22:00:00Z"); // crosses Paris local midnight and the DST change
const TZ = "Europe/Paris";
const LATE = 5 * MIN;
const opts = { visitTimeoutMs: 20 * MIN, timeZone: TZ, lateMs: LATE };
const ZONES = ["door", "z1", "z2"] as ZoneId[];
const zoneList = ZONES.map((id) => ({ id }));
const RUNS = { numRuns: 200 };

const raw = fc.record({
  type: fc.constantFrom("enter", "enter", "exit", "exit", "position", "count"),
  visitor: fc.constantFrom("a", "b", "c"),
  zone: fc.constantFrom(...ZONES),
  minute: fc.integer({ min: 0, max: 150 }),
  n: fc.nat(3),
  m: fc.nat(3),
});
const stream = fc.array(raw, { maxLength: 30 }).map((rs) =>
  rs.map((r, i): FootfallEvent => {
    const base = { id: `ag:${String(i).padStart(3, "0")}`, ts: T0 + r.minute * MIN };
    if (r.type === "count") return { ...base, type: "count", zone: "door" as ZoneId, in: r.n, out: r.m };
    if (r.type === "position") return { ...base, type: "position", visitor: r.visitor as VisitorId, x: 0, y: 0 };
    return { ...base, type: r.type as "enter" | "exit", zone: r.zone, visitor: r.visitor as VisitorId };
  }),
);
const figures = (o: Occupancy) => ({ total: o.total, zones: o.zones });
const batch = (events: readonly FootfallEvent[], now: number) => occupancyOf(events, zoneList, now, TZ, opts);

describe("live occupancy", () => {
  it("equals occupancyOf after events fed one by one in a shuffled order with duplicates", () => {
    const arb = stream.chain((events) => {
      const all = (dups: FootfallEvent[]) => [...events, ...dups];
      const fed = fc.shuffledSubarray(events).chain((dups) => fc.shuffledSubarray(all(dups), { minLength: all(dups).length }));
      return fc.tuple(fc.constant(events), fed, fc.nat(60));
    });
    let expiredSome = 0;
    fc.assert(fc.property(arb, ([events, fed, after]) => {
      const end = T0 + 150 * MIN;
      const wide = occupancyInit({ ...opts, lateMs: 200 * MIN });
      const state = fed.reduce((s, e) => occupancyStep(s, e, end).state, wide);
      const now = end + after * MIN;
      const expired = occupancyExpire(state, now);
      if (figures(occupancySnapshot(expired.state, zoneList, now)).total !== figures(occupancySnapshot(state, zoneList, end)).total) expiredSome++;
      expect(occupancySnapshot(expired.state, zoneList, now)).toEqual(batch(events, now));
    }), RUNS);
    // Up to an hour passes after the last event (visits time out after 20 min): expiry must have been exercised.
    expect(expiredSome).toBeGreaterThan(0);
  });

  it("equals occupancyOf at every step when events arrive up to lateMs late, in batches, with time passing", () => {
    const arrival = fc.record({ delay: fc.integer({ min: 0, max: LATE }), dup: fc.boolean(), dupDelay: fc.integer({ min: 0, max: LATE }), together: fc.boolean() });
    const arb = stream.chain((events) => fc.tuple(fc.constant(events), fc.array(arrival, { minLength: events.length, maxLength: events.length }), fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 5 })));
    fc.assert(fc.property(arb, ([events, arrivals, ticks]) => {
      type Delivery = { at: number; events: FootfallEvent[] };
      const deliveries: Delivery[] = ticks.map((m) => ({ at: T0 + m * MIN, events: [] }));
      events.forEach((e, i) => {
        const a = arrivals[i]!;
        const prev = deliveries[deliveries.length - 1];
        if (a.together && prev && prev.at <= e.ts + a.delay && prev.at >= e.ts) prev.events.push(e);
        else deliveries.push({ at: e.ts + a.delay, events: [e] });
        if (a.dup) deliveries.push({ at: e.ts + a.dupDelay, events: [e] });
      });
      deliveries.sort((x, y) => x.at - y.at);
      let state: OccupancyState = occupancyInit(opts);
      let shown = figures(occupancySnapshot(state, zoneList, T0));
      const arrived: FootfallEvent[] = [];
      for (const d of deliveries) {
        arrived.push(...d.events);
        const update = d.events.length === 1 ? occupancyStep(state, d.events[0]!, d.at) : occupancyApply(state, d.events, d.at);
        state = update.state;
        const now = figures(occupancySnapshot(state, zoneList, d.at));
        expect(now).toEqual(figures(batch(arrived, d.at)));
        expect(update.stale).toBe(0);
        expect(update.changed).toBe(JSON.stringify(now) !== JSON.stringify(shown));
        expect([...state.settled.values()].every((s) => s.open.length > 0)).toBe(true);
        shown = now;
      }
    }), RUNS);
  });

  it("ignores duplicates arriving however late", () => {
    fc.assert(fc.property(stream, fc.nat(300), (events, lateBy) => {
      const end = T0 + 150 * MIN;
      const state = occupancyApply(occupancyInit(opts), events, end).state;
      const now = end + lateBy * MIN;
      const again = occupancyApply(state, events, now).state;
      expect(occupancySnapshot(again, zoneList, now)).toEqual(batch(events, now));
    }), RUNS);
  });
});
