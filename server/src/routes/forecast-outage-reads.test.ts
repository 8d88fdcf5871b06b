import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

/**
 * The forecast's history is read once, then extended by the hours since at the first request of each hour. 22e769d made
 * its ended outages' counts (StoreAnalytics countedPerHour: a door counter's `out` too) a read of their own at every
 * request, from the first recorded offline span to now: a door counter offline once five weeks ago (up to the 57 weeks of
 * the history) read five weeks of every zone's hour rows again at each GET .../forecast. Now they are read with the
 * history, and a request reads nothing more. The door counter that counted people out only, late in an outage, still
 * counted (forecast-ended-outage.integration says so end to end).
 */
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Wednesday 2 December 2026, 10:20 in Paris (UTC+1). */
const NOW = Date.parse("2026-12-02T09:20:00Z");
const OUTAGE = NOW - 35 * DAY;

vi.stubEnv("FOOTFALL_FORECAST_TRAINING", "off");
afterAll(() => {
  vi.unstubAllEnvs();
});
const t = useTestServer({ now: () => NOW, maxAgeMs: 60 * DAY });

beforeAll(async () => {
  await t.putLayout("shop", smallLayout({ validFrom: 0 }));
  const storage = t.server.services.storage;
  await storage.agents.add("shop", "door-1", "door", OUTAGE - 7 * DAY);
  await storage.offlineSpans.wentOffline("shop", "door-1", OUTAGE);
  await storage.offlineSpans.cameOnline("shop", "door-1", OUTAGE + 10 * HOUR);
  const door = new EventFactory("door-1");
  // Counted in and out before and after; within the outage, only out at its last hour (delivered later).
  await t.ingest("shop", "door-1", [
    door.count("entrance", OUTAGE - 2 * HOUR, 5, 1),
    door.count("entrance", OUTAGE + 9 * HOUR + 50 * 60_000, 0, 4),
    door.count("entrance", NOW - 2 * HOUR, 3, 2),
  ]);
});

describe("the forecast's outage counts", () => {
  it("are read with the history, not again at each request", async () => {
    const analytics = await t.server.services.analytics.get("shop");
    const counted = analytics.countedPerHour;
    const reads: number[] = [];
    analytics.countedPerHour = (range, ...rest) => (reads.push(Math.round((range.to - range.from) / HOUR)), counted.call(analytics, range, ...rest));
    try {
      const first = await t.get<{ model: { notes: string[] } }>("/api/v1/stores/shop/forecast?horizon=24h");
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      const once = reads.length;
      for (const horizon of ["14d", "24h", "14d"]) expect((await t.get(`/api/v1/stores/shop/forecast?horizon=${horizon}`)).status).toBe(200);
      expect(reads.length, `hours read: ${reads.join(", ")}`).toBe(once);
      // The outage's hours up to the one the door counter counted people out in were counted: none left out.
      expect(first.body.model.notes.filter((n) => n.includes("was not counted"))).toEqual([]);
    } finally {
      analytics.countedPerHour = counted;
    }
  });
});
