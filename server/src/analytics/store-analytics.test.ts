import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Bucket, FootfallEvent, ZoneKind } from "@footfall/core";
import type { VisitorId, ZoneId } from "@footfall/core";
import { EventFactory, prng, shuffled } from "../../../test/support/fixtures.js";
import { reference, visitedZones } from "../../../test/support/reference.js";
import { AnalyticsStore, withAnalyticsStore } from "../../../test/support/analytics-store.js";
import type { StoreAnalytics } from "./store-analytics.js";

/** Two days around the spring-forward of Europe/Paris (29 March 2026), so local days of 23 hours are crossed. */
const BASE = Date.UTC(2026, 2, 28, 9, 17);
const SPAN = 2 * 86_400_000;
const ZONES: readonly { id: string; kind: ZoneKind; capacity?: number }[] = [
  { id: "entrance", kind: "entrance", capacity: 20 },
  { id: "fruit", kind: "zone", capacity: 5 },
  { id: "bakery", kind: "zone" },
  { id: "checkout", kind: "checkout", capacity: 3 },
];
const ZONE_IDS = ZONES.map((z) => z.id);
const KINDS = Object.fromEntries(ZONES.map((z) => [z.id, z.kind])) as Record<string, ZoneKind>;
const kindOf = (zone: string) => KINDS[zone];
const TIME_ZONES = ["Europe/Paris", "Asia/Kolkata", "America/New_York", "UTC"];

// ---- generators: believable streams, with gaps shorter and longer than the visit timeout ----

const gapArb = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 90_000 }) },
  { weight: 2, arbitrary: fc.integer({ min: 90_000, max: 45 * 60_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 45 * 60_000, max: 20 * 3_600_000 }) },
  { weight: 1, arbitrary: fc.constant(0) },
);
const stepArb = fc.record({
  type: fc.constantFrom("enter", "enter", "exit", "exit", "position"),
  zone: fc.constantFrom(...ZONE_IDS),
  gap: gapArb,
});
const visitorArb = fc.record({ start: fc.integer({ min: BASE, max: BASE + SPAN }), steps: fc.array(stepArb, { maxLength: 12 }) });
const countArb = fc.record({ ts: fc.integer({ min: BASE, max: BASE + SPAN }), zone: fc.constantFrom("entrance", "fruit"), in: fc.nat(5), out: fc.nat(5) });

/** A stream of accepted events: unique ids (in an order unrelated to time), several visitors, door counts. */
const streamArb = fc
  .record({ visitors: fc.array(visitorArb, { maxLength: 7 }), counts: fc.array(countArb, { maxLength: 6 }), seed: fc.integer() })
  .map(({ visitors, counts, seed }) => {
    const f = new EventFactory("a");
    const events: FootfallEvent[] = [];
    visitors.forEach((v, i) => {
      let ts = v.start;
      for (const s of v.steps) {
        ts += s.gap;
        const visitor = `v${i}`;
        events.push(s.type === "enter" ? f.enter(visitor, s.zone, ts) : s.type === "exit" ? f.exit(visitor, s.zone, ts) : f.position(visitor, 1, 1, ts));
      }
    });
    for (const c of counts) events.push(f.count(c.zone, c.ts, c.in, c.out));
    // Re-label ids in a random order so that ties in ts are broken by ids unrelated to generation order.
    const ids = shuffled(
      events.map((e) => e.id),
      prng(seed),
    );
    return events.map((e, i) => ({ ...e, id: ids[i]! }));
  });

/** How the stream reaches the server: shuffled, with duplicates, cut into batches of random sizes. */
const deliveryArb = fc.record({
  seed: fc.integer(),
  duplicates: fc.nat(15),
  maxBatch: fc.integer({ min: 1, max: 25 }),
  maxCached: fc.constantFrom(1, 2, 3, 200_000),
});

const rangeArb = fc
  .tuple(
    fc.integer({ min: BASE - 3_600_000, max: BASE + SPAN }),
    fc.integer({ min: 1, max: SPAN + 2 * 3_600_000 }),
    fc.constantFrom<Bucket>("hour", "day"),
    fc.constantFrom(...TIME_ZONES),
  )
  .map(([from, len, bucket, timeZone]) => ({ from, to: from + len, bucket, timeZone }));

/** The batches as they reach the analytics: each event once (storage drops repeated ids), in arrival order. */
function deliveries(events: readonly FootfallEvent[], d: { seed: number; duplicates: number; maxBatch: number }): FootfallEvent[][] {
  const random = prng(d.seed);
  const stream = [...events];
  for (let i = 0; i < d.duplicates && events.length; i++) stream.push(events[Math.floor(random() * events.length)]!);
  const arrived = shuffled(stream, random);
  const batches: FootfallEvent[][] = [];
  for (let i = 0; i < arrived.length;) {
    const n = 1 + Math.floor(random() * d.maxBatch);
    batches.push(arrived.slice(i, i + n));
    i += n;
  }
  return batches;
}

async function feed(store: AnalyticsStore, events: readonly FootfallEvent[], d: { seed: number; duplicates: number; maxBatch: number }): Promise<StoreAnalytics> {
  for (const batch of deliveries(events, d)) await store.ingest(batch);
  return store.analytics;
}

/** Each property run on a fresh SQLite file. */
function withStore<T>(d: { maxCached: number }, visitTimeoutMs: number, fn: (s: AnalyticsStore) => Promise<T>, now = BASE + SPAN): Promise<T> {
  return withAnalyticsStore({ visitTimeoutMs, now: () => now, maxCachedVisitors: d.maxCached }, fn);
}

async function expectFiguresOfDomain(
  analytics: StoreAnalytics,
  events: readonly FootfallEvent[],
  r: { from: number; to: number; bucket: Bucket; timeZone: string },
  visitTimeoutMs: number,
) {
  const range = { from: r.from, to: r.to };
  expect(visitedZones(await analytics.dwell(range, ZONE_IDS))).toEqual(reference.dwell(events, range, visitTimeoutMs));
  expect(await analytics.pathReport(range, 1000)).toEqual(reference.paths(events, range, visitTimeoutMs, 1000));
  expect(await analytics.pathReport(range, 2)).toEqual(reference.paths(events, range, visitTimeoutMs, 2));
  expect(await analytics.traffic(range, r.bucket, r.timeZone, kindOf, [])).toEqual(reference.traffic(events, range, r.bucket, r.timeZone, KINDS, visitTimeoutMs));
}

const TIMEOUTS = fc.constantFrom(60_000, 30 * 60_000);

describe("StoreAnalytics", () => {
  it("equals the domain's dwell, paths and traffic however the stream is shuffled, duplicated and batched", async () => {
    await fc.assert(
      fc.asyncProperty(streamArb, deliveryArb, rangeArb, TIMEOUTS, async (events, d, r, timeout) => {
        await withStore(d, timeout, async (s) => expectFiguresOfDomain(await feed(s, events, d), events, r, timeout));
      }),
      { numRuns: 150 },
    );
  });

  it("orders the top paths' ties as the domain does when paths were made after an earlier report ranked the store's paths", async () => {
    await fc.assert(
      fc.asyncProperty(streamArb, deliveryArb, rangeArb, TIMEOUTS, fc.integer({ min: 0, max: 100 }), async (events, d, r, timeout, cutPct) => {
        const cut = Math.floor((events.length * cutPct) / 100);
        const range = { from: r.from, to: r.to };
        await withStore(d, timeout, async (s) => {
          const early = await feed(s, events.slice(0, cut), d);
          await early.pathReport(range, 1); // ranks the paths known so far
          const analytics = await feed(s, events.slice(cut), d);
          for (const limit of [1, 2, 3]) expect(await analytics.pathReport(range, limit)).toEqual(reference.paths(events, range, timeout, limit));
        });
      }),
      { numRuns: 100 },
    );
  });

  it("equals the domain's occupancy at any later time, as the live sweep expires abandoned visits", async () => {
    await fc.assert(
      fc.asyncProperty(
        streamArb,
        deliveryArb,
        fc.array(fc.integer({ min: 0, max: 3_600_000 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...TIME_ZONES),
        TIMEOUTS,
        async (events, d, steps, timeZone, timeout) => {
          await withStore(d, timeout, async (s) => {
            const analytics = await feed(s, events, d);
            let now = BASE + SPAN / 2;
            for (const step of steps) {
              now += step;
              analytics.expire(now);
              expect(await analytics.occupancy(now, timeZone, ZONES)).toEqual(reference.occupancy(events, ZONES, now, timeZone, timeout));
            }
          });
        },
      ),
    );
  });

  it("equals the domain's occupancy with the newest events pending (received, not committed yet), replayed over the committed open visits", async () => {
    await fc.assert(
      fc.asyncProperty(
        streamArb,
        deliveryArb,
        fc.integer({ min: BASE, max: BASE + SPAN + 3_600_000 }),
        fc.integer({ min: 0, max: 3_600_000 }),
        fc.constantFrom(...TIME_ZONES),
        TIMEOUTS,
        async (events, d, cut, after, timeZone, timeout) => {
          // What a server taking a shard over has: the events before `cut` committed, the newer ones only received (in any order, some twice).
          const committed = events.filter((e) => e.ts < cut);
          const random = prng(d.seed);
          const newer = events.filter((e) => e.ts >= cut);
          const pending = shuffled([...newer, ...newer.filter(() => random() < 0.2)], random);
          await withStore(d, timeout, async (s) => {
            const analytics = await feed(s, committed, d);
            const now = Math.max(BASE + SPAN, ...events.map((e) => e.ts)) + after;
            expect(await analytics.occupancy(now, timeZone, ZONES, pending)).toEqual(reference.occupancy(events, ZONES, now, timeZone, timeout));
            // Nothing pending: the committed figure alone.
            expect(await analytics.occupancy(now, timeZone, ZONES, [])).toEqual(reference.occupancy(committed, ZONES, now, timeZone, timeout));
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("equals the domain after a restart in the middle of the stream: the aggregates are in storage, memory starts empty", async () => {
    await fc.assert(
      fc.asyncProperty(
        streamArb,
        deliveryArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: BASE, max: BASE + SPAN + 86_400_000 }),
        rangeArb,
        TIMEOUTS,
        async (events, d, cut, restartAt, r, timeout) => {
          await withStore(d, timeout, async (s) => {
            const batches = deliveries(events, d);
            const before = Math.floor(cut * batches.length);
            for (const batch of batches.slice(0, before)) await s.ingest(batch);
            const analytics = await s.restart({ now: () => restartAt });
            for (const batch of batches.slice(before)) await s.ingest(batch);
            await expectFiguresOfDomain(analytics, events, r, timeout);
            const now = Math.max(restartAt, BASE + SPAN);
            expect(await analytics.occupancy(now, r.timeZone, ZONES)).toEqual(reference.occupancy(events, ZONES, now, r.timeZone, timeout));
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it("equals the domain after upgrading a data directory whose events predate the aggregates, then taking the rest live", async () => {
    await fc.assert(
      fc.asyncProperty(streamArb, deliveryArb, fc.double({ min: 0, max: 1, noNaN: true }), rangeArb, TIMEOUTS, async (events, d, cut, r, timeout) => {
        await withStore(d, timeout, async (s) => {
          const batches = deliveries(events, d);
          const before = Math.floor(cut * batches.length);
          for (const batch of batches.slice(0, before)) await s.insertOnly(batch);
          await s.storage.transaction((tx) => tx.aggregates.markForBuild(s.store));
          await s.storage.buildPendingAggregates({ visitTimeoutMs: timeout, pageSize: 7 });
          const analytics = await s.restart();
          for (const batch of batches.slice(before)) await s.ingest(batch);
          await expectFiguresOfDomain(analytics, events, r, timeout);
        });
      }),
      { numRuns: 60 },
    );
  });

  it("gives the dwell mean, median and p90 of core's dwellStats for any number of closed visits", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 600_000 }), { minLength: 1, maxLength: 250 }), async (dwells) => {
        const f = new EventFactory("a");
        const events = dwells.flatMap((ms, i) => f.visit(`v${i}`, "fruit", BASE + i * 1000, ms));
        await withStore({ maxCached: 200_000 }, 3_600_000, async (s) => {
          const analytics = await feed(s, events, { seed: 1, duplicates: 0, maxBatch: 1000 });
          const range = { from: BASE, to: BASE + SPAN };
          expect(visitedZones(await analytics.dwell(range, ZONE_IDS))).toEqual(reference.dwell(events, range, 3_600_000));
        });
      }),
      { numRuns: 60 },
    );
  });

  it("takes p90 at the nearest rank ceil(0.9 n): the 63rd of 70 closed visits", async () => {
    const f = new EventFactory("a");
    const events = Array.from({ length: 70 }, (_, i) => f.visit(`v${i}`, "fruit", BASE + i * 1000, (i + 1) * 1000)).flat();
    await withStore({ maxCached: 200_000 }, 3_600_000, async (s) => {
      const analytics = await feed(s, events, { seed: 1, duplicates: 0, maxBatch: 1000 });
      expect((await analytics.dwell({ from: BASE, to: BASE + SPAN }, ["fruit"]))[0]!.dwell_s!.p90).toBe(63);
    });
  });
});

describe("StoreAnalytics traffic across a layout change", () => {
  it("counts a zone's enters as store enters only while the layout in force made it an entrance", async () => {
    const change = Date.UTC(2026, 0, 10, 12);
    await withStore({ maxCached: 10 }, 60_000, async (s) => {
      await s.ingest([
        { type: "enter", id: "e1", ts: change - 3_600_000, zone: "side" as ZoneId, visitor: "v1" as VisitorId },
        { type: "enter", id: "e2", ts: change + 3_600_000, zone: "side" as ZoneId, visitor: "v2" as VisitorId },
      ]);
      const kindAt = (_zone: string, ts: number) => (ts < change ? "entrance" : "zone");
      const [day] = await (await s.analytics).traffic({ from: Date.UTC(2026, 0, 10), to: Date.UTC(2026, 0, 11) }, "day", "UTC", kindAt, [change]);
      expect(day).toEqual({ start: "2026-01-10T00:00:00+00:00", enters: 1, zones: { side: 2 } });
    });
  });
});
