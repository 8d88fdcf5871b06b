import { describe, expect, it } from "vitest";
import { EventFactory } from "../../../test/support/fixtures.js";
import { reference, visitedZones } from "../../../test/support/reference.js";
import { withAnalyticsStore } from "../../../test/support/analytics-store.js";
import { createLogger } from "../log.js";
import { RetentionError } from "../analytics/store-analytics.js";
import { Retention } from "./retention.js";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 30, 12);
const TIMEOUT = 30 * 60_000;

/** A visit a day to two zones, for the 60 days before NOW, and a door count a day. */
function history() {
  const f = new EventFactory("a");
  const events = [];
  for (let d = 60; d >= 1; d--) {
    const t = NOW - d * DAY + 17 * 60_000;
    events.push(...f.visit(`v${d}`, "fruit", t, 95_000 + d * 1000), ...f.visit(`v${d}`, "bakery", t + 200_000, 30_000), f.count("entrance", t, 2, 1));
  }
  return events;
}

describe("Retention", () => {
  it("keeps agents' offline spans as long as the hour rollups the forecast reads, not only as long as raw events; then deletes those that ended before", async () => {
    await withAnalyticsStore({ visitTimeoutMs: TIMEOUT, now: () => NOW }, async (s) => {
      const spans = s.storage.offlineSpans;
      await spans.wentOffline(s.store, "door-1", NOW - 70 * DAY);
      await spans.cameOnline(s.store, "door-1", NOW - 69 * DAY);
      await spans.wentOffline(s.store, "door-1", NOW - 40 * DAY);
      await spans.cameOnline(s.store, "door-1", NOW - 39 * DAY);
      await spans.wentOffline(s.store, "door-1", NOW - 31 * DAY);
      await spans.cameOnline(s.store, "door-1", NOW - 29 * DAY);
      await spans.wentOffline(s.store, "door-2", NOW - 65 * DAY);
      const retention = new Retention(s.storage, { rawDays: 30, aggregateDays: 60, now: () => NOW, log: createLogger("silent") });
      await retention.pass();
      expect((await spans.list(s.store, 0, NOW)).map((x) => [x.agent, x.from])).toEqual([
        ["door-1", NOW - 40 * DAY],
        ["door-1", NOW - 31 * DAY],
        ["door-2", NOW - 65 * DAY],
      ]);
      // with the rollups kept for ever, so are the spans
      await new Retention(s.storage, { rawDays: 1, aggregateDays: 0, now: () => NOW + 900 * DAY, log: createLogger("silent") }).pass();
      expect(await spans.list(s.store, 0, NOW)).toHaveLength(3);
      // raw events kept longer than the rollups (experiments read them): as long as those
      await new Retention(s.storage, { rawDays: 35, aggregateDays: 10, now: () => NOW, log: createLogger("silent") }).pass();
      expect((await spans.list(s.store, 0, NOW)).map((x) => x.from)).toEqual([NOW - 31 * DAY, NOW - 65 * DAY]);
    });
  });

  it("deletes raw events past the horizon in small batches while the aggregates keep answering", async () => {
    await withAnalyticsStore({ visitTimeoutMs: TIMEOUT, now: () => NOW }, async (s) => {
      const events = history();
      await s.ingest(events);
      const retention = new Retention(s.storage, { rawDays: 30, aggregateDays: 0, now: () => NOW, log: createLogger("silent"), batchRows: 7 });
      const analytics = await s.restart({ rawSince: () => retention.rawSince() });
      const wholeDays = { from: Date.UTC(2026, 4, 1), to: Date.UTC(2026, 5, 30) };
      const before = await analytics.dwell(wholeDays, ["fruit", "bakery"]);

      expect(await retention.pass()).toBeGreaterThan(0);
      const horizon = NOW - 30 * DAY;
      const oldest = await s.storage.events.total(s.store);
      expect(oldest).toBeLessThan(events.length);
      const kept = events.filter((e) => e.ts >= horizon).length;
      expect(oldest).toBe(kept);

      // Figures from the aggregates: the same after the raw rows went, and equal to the domain's.
      expect(await analytics.dwell(wholeDays, ["fruit", "bakery"])).toEqual(before);
      // Past the horizon the quantiles come from the sketch: within DESIGN v1.1's max(1 s, 1 %); the rest exact.
      const exact = visitedZones(reference.dwell(events, wholeDays, TIMEOUT));
      expect(before.map((z) => ({ ...z, dwell_s: { ...z.dwell_s!, median: 0, p90: 0 } }))).toEqual(exact.map((z) => ({ ...z, dwell_s: { ...z.dwell_s!, median: 0, p90: 0 } })));
      before.forEach((z, i) => {
        for (const q of ["median", "p90"] as const) expect(Math.abs(z.dwell_s![q] - exact[i]!.dwell_s![q])).toBeLessThanOrEqual(Math.max(1, 0.01 * exact[i]!.dwell_s![q]));
      });
      expect((await analytics.pathReport(wholeDays, 10)).trips).toBe(60);
      // Figures that need raw rows before the horizon say why they cannot be given.
      const unaligned = { from: Date.UTC(2026, 4, 1, 0, 30), to: Date.UTC(2026, 5, 30) };
      await expect(analytics.dwell(unaligned, ["fruit"])).rejects.toThrow(RetentionError);
      await expect(analytics.dwellSamples("fruit", wholeDays)).rejects.toThrow(/FOOTFALL_RETENTION_DAYS/);
      // A range that starts before the horizon on a whole hour and ends within it off the hour (the UI's "last 30 days so far"):
      // only its end is read from raw rows, and those are kept.
      const soFar = { from: Date.UTC(2026, 4, 1), to: NOW - 7 * 60_000 };
      const got = await analytics.dwell(soFar, ["fruit", "bakery"]);
      expect(got.map((z) => [z.zone, z.visits, z.visitors])).toEqual(visitedZones(reference.dwell(events, soFar, TIMEOUT)).map((z) => [z.zone, z.visits, z.visitors]));
      expect((await analytics.pathReport(soFar, 10)).trips).toBe(60);
      // Within the horizon, raw-row figures still work.
      expect(await analytics.dwellSamples("fruit", { from: horizon, to: NOW })).toHaveLength(30);
      expect(await retention.pass()).toBe(0); // nothing older is left
    });
  });

  it("keeps everything when the horizon is 0 (for ever)", async () => {
    await withAnalyticsStore({ visitTimeoutMs: TIMEOUT, now: () => NOW }, async (s) => {
      await s.ingest(history());
      const retention = new Retention(s.storage, { rawDays: 0, aggregateDays: 0, now: () => NOW, log: createLogger("silent") });
      expect(await retention.pass()).toBe(0);
      expect(retention.rawSince()).toBe(Number.NEGATIVE_INFINITY);
    });
  });

  it("drops rollups past the aggregate horizon", async () => {
    await withAnalyticsStore({ visitTimeoutMs: TIMEOUT, now: () => NOW }, async (s) => {
      await s.ingest(history());
      const retention = new Retention(s.storage, { rawDays: 10, aggregateDays: 20, now: () => NOW, log: createLogger("silent") });
      await retention.pass();
      const old = await (await s.analytics).dwell({ from: Date.UTC(2026, 4, 1), to: Date.UTC(2026, 5, 1) }, ["fruit"]);
      expect(old).toEqual([{ zone: "fruit", visits: 0, visitors: 0, dwell_s: null }]);
      expect((await (await s.analytics).dwell({ from: NOW - 5 * DAY - 12 * 3_600_000, to: NOW }, ["fruit"]))[0]!.visits).toBe(5);
    });
  });

  it("prunes the audit log past FOOTFALL_AUDIT_LOG_DAYS in small batches, and keeps it all with 0", async () => {
    await withAnalyticsStore({ visitTimeoutMs: TIMEOUT, now: () => NOW }, async (s) => {
      const actor = { tokenId: "aaaaaaaaaaaa", role: "admin", label: "ops" };
      for (let d = 0; d < 20; d++) await s.storage.audit.append({ ts: NOW - d * 30 * DAY, actor, action: "token.create", target: `t${d}`, store: null, details: null });
      const keepAll = new Retention(s.storage, { rawDays: 0, aggregateDays: 0, auditDays: 0, now: () => NOW, log: createLogger("silent"), batchRows: 3 });
      expect(await keepAll.pass()).toBe(0);
      const retention = new Retention(s.storage, { rawDays: 0, aggregateDays: 0, auditDays: 400, now: () => NOW, log: createLogger("silent"), batchRows: 3 });
      // Entries 0..13 are at most 390 days old; 14..19 (420..570 days) go, 3 per transaction.
      expect(await retention.pass()).toBe(6);
      const left = await s.storage.audit.list({ limit: 100 });
      expect(left.map((e) => e.target)).toEqual(Array.from({ length: 14 }, (_, d) => `t${13 - d}`)); // newest (by id) first
      expect(await retention.pass()).toBe(0);
    });
  });
});
