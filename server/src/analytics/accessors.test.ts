/**
 * The read-only accessors that sales, funnels and experiments use (path counts, dwell samples,
 * visits, store enters) equal what the domain of `@footfall/core` computes from the events.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tripsOf, visitsOf, type FootfallEvent, type ZoneKind } from "@footfall/core";
import { EventFactory } from "../../../test/support/fixtures.js";
import { reference } from "../../../test/support/reference.js";
import { withAnalyticsStore } from "../../../test/support/analytics-store.js";
import type { StoreAnalytics } from "./store-analytics.js";

const BASE = Date.UTC(2026, 2, 28, 9, 17);
const SPAN = 2 * 86_400_000;
const ZONES = ["entrance", "fruit", "bakery", "checkout"] as const;
const KINDS: Record<string, ZoneKind> = { entrance: "entrance", fruit: "zone", bakery: "zone", checkout: "checkout" };
const TIMEOUT = 30 * 60_000;

const streamArb = fc
  .array(
    fc.record({
      start: fc.integer({ min: BASE, max: BASE + SPAN }),
      steps: fc.array(
        fc.record({
          exit: fc.boolean(),
          zone: fc.constantFrom(...ZONES),
          gap: fc.oneof(fc.integer({ min: 0, max: 600_000 }), fc.integer({ min: 0, max: 5 * 3_600_000 })),
        }),
        { maxLength: 10 },
      ),
    }),
    { maxLength: 8 },
  )
  .chain((visitors) =>
    fc.record({
      visitors: fc.constant(visitors),
      counts: fc.array(fc.record({ ts: fc.integer({ min: BASE, max: BASE + SPAN }), zone: fc.constantFrom("entrance", "fruit"), n: fc.nat(4) }), {
        maxLength: 5,
      }),
    }),
  )
  .map(({ visitors, counts }) => {
    const f = new EventFactory("a");
    const events: FootfallEvent[] = [];
    visitors.forEach((v, i) => {
      let ts = v.start;
      for (const s of v.steps) {
        ts += s.gap;
        events.push(s.exit ? f.exit(`v${i}`, s.zone, ts) : f.enter(`v${i}`, s.zone, ts));
      }
    });
    for (const c of counts) events.push(f.count(c.zone, c.ts, c.n, 0));
    return events;
  });
const rangeArb = fc
  .tuple(fc.integer({ min: BASE - 3_600_000, max: BASE + SPAN }), fc.integer({ min: 1, max: SPAN }))
  .map(([from, len]) => ({ from, to: from + len }));

/** Run `check` on the analytics of `events`, ingested into a fresh SQLite file. */
function withAnalyticsOf<T>(events: readonly FootfallEvent[], check: (a: StoreAnalytics) => Promise<T>): Promise<T> {
  return withAnalyticsStore({ visitTimeoutMs: TIMEOUT, now: () => BASE + SPAN }, async (s) => {
    await s.ingest(events);
    return check(await s.analytics);
  });
}

const sortedPaths = (paths: readonly { zones: readonly string[]; count: number }[]) => paths.map((p) => `${p.zones.join(">")}=${p.count}`).sort();

describe("StoreAnalytics accessors", () => {
  it("gives each path's trip count in a range as the domain's trips do", async () => {
    await fc.assert(
      fc.asyncProperty(streamArb, rangeArb, async (events, range) => {
        const got = await withAnalyticsOf(events, (a) => a.pathCounts(range));
        expect(sortedPaths(got)).toEqual(sortedPaths(reference.paths(events, range, TIMEOUT, Number.MAX_SAFE_INTEGER).paths));
        const trips = tripsOf(events, { visitTimeoutMs: TIMEOUT }).filter((t) => t.startTs >= range.from && t.startTs < range.to);
        expect(got.reduce((s, p) => s + p.count, 0)).toBe(trips.length);
      }),
      { numRuns: 150 },
    );
  });

  it("gives the dwell of each closed visit entered in a range, and the visits, per zone", async () => {
    await fc.assert(
      fc.asyncProperty(streamArb, rangeArb, async (events, range) => {
        const visits = visitsOf(events, { visitTimeoutMs: TIMEOUT }).filter((v) => v.enterTs >= range.from && v.enterTs < range.to);
        await withAnalyticsOf(events, async (a) => {
          for (const zone of ZONES) {
            const mine = visits.filter((v) => v.zone === zone);
            const closed = mine.filter((v) => v.status === "closed").map((v) => (v.exitTs! - v.enterTs) / 1000);
            expect((await a.dwellSamples(zone, range)).sort((x, y) => x - y)).toEqual(closed.sort((x, y) => x - y));
            expect(await a.zoneVisits(zone, range)).toBe(mine.length);
          }
        });
      }),
      { numRuns: 150 },
    );
  });

  it("gives the store's enters over a range as the sum of the domain's traffic buckets", async () => {
    await fc.assert(
      fc.asyncProperty(streamArb, rangeArb, async (events, range) => {
        const buckets = reference.traffic(events, range, "hour", "UTC", KINDS, TIMEOUT);
        const kindAt = (zone: string) => KINDS[zone];
        expect(await withAnalyticsOf(events, (a) => a.storeEnters(range, kindAt, []))).toBe(buckets.reduce((s, b) => s + b.enters, 0));
      }),
      { numRuns: 100 },
    );
  });

  it("counts a zone's enters as store enters only while the layout in force made it an entrance", async () => {
    const change = BASE + 3_600_000;
    const f = new EventFactory("a");
    const kindAt = (_zone: string, ts: number) => (ts < change ? "entrance" : "zone");
    const events = [f.enter("v1", "side", change - 60_000), f.enter("v2", "side", change + 60_000), f.count("side", change + 120_000, 3, 0)];
    expect(await withAnalyticsOf(events, (a) => a.storeEnters({ from: BASE, to: BASE + SPAN }, kindAt, [change]))).toBe(1);
  });
});
