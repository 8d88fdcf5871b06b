import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { FootfallEvent } from "@footfall/core";
import { EventFactory, chunks, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { createLogger } from "../log.js";
import { Retention } from "../aggregates/retention.js";

/**
 * An outage older than the raw events kept (FOOTFALL_RETENTION_DAYS, 90 days) is still inside the
 * 57 weeks of hour figures the forecast reads: its hours must stay unknown after the retention pass,
 * not read again as a day nobody came. Twenty weeks of the same days, the door counter offline on the
 * second Monday (July, about 134 days before now), the retention pass of a default server (raw events
 * 90 days, hour figures for ever), then the forecast.
 */
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Monday 13 July 2026, 00:00 in Paris (UTC+2). */
const FROM = Date.parse("2026-07-12T22:00:00Z");
/** Monday 20 July, 00:00 in Paris: the door counter goes offline for the day. */
const OUTAGE = FROM + 7 * DAY;
const BACK = OUTAGE + DAY;
/** Wednesday 2 December, 00:20 in Paris (UTC+1). */
const NOW = Date.parse("2026-12-01T23:20:00Z");

// Baselines only (no model trains meanwhile), for this file alone: unit test files share their worker's
// process.env (isolate: false), and a later file's server would train no model (forecast-restart waited out its guard in CI).
vi.stubEnv("FOOTFALL_FORECAST_TRAINING", "off");
afterAll(() => {
  vi.unstubAllEnvs();
});
let clock = FROM;
const t = useTestServer({ now: () => clock, maxAgeMs: 200 * DAY });
type Answer = { model: { notes: string[] } };

beforeAll(async () => {
  await t.putLayout("shop", smallLayout({ validFrom: 0 }));
  await t.server.services.storage.agents.add("shop", "door-1", "door", FROM);
  await t.server.services.storage.offlineSpans.wentOffline("shop", "door-1", OUTAGE);
  await t.server.services.storage.offlineSpans.cameOnline("shop", "door-1", BACK);
  const door = new EventFactory("door-1");
  const counts: FootfallEvent[] = [];
  for (let ts = FROM; ts < NOW - HOUR; ts += HOUR) {
    const hour = new Date(ts).getUTCHours();
    if (hour >= 8 && hour < 18 && (ts < OUTAGE || ts >= BACK)) counts.push(door.count("entrance", ts + 1000, 4 + (hour % 5), 0));
  }
  clock = NOW;
  for (const batch of chunks(counts, 1000)) await t.ingest("shop", "door-1", batch);
}, 120_000);

describe("an ended outage older than the raw events kept", () => {
  it("survives the retention pass and its hours stay out of the forecast's history", async () => {
    const storage = t.server.services.storage;
    const before = await storage.events.total("shop");
    await new Retention(storage, { rawDays: 90, aggregateDays: 0, now: () => clock, log: createLogger("silent") }).pass();
    expect(await storage.events.total("shop")).toBeLessThan(before); // the raw events of July are gone
    expect(await storage.offlineSpans.list("shop", 0, NOW)).toEqual([{ agent: "door-1", from: OUTAGE, to: BACK }]);
    const res = await t.get<Answer>("/api/v1/stores/shop/forecast?horizon=14d");
    expect(res.status).toBe(200);
    expect(res.body.model.notes).toContain(
      "the store's entrance was not counted in 24 h of the history (its agents offline, the last outage from 2026-07-19T22:00:00.000Z to 2026-07-20T22:00:00.000Z): those hours are left out, not read as no visitors",
    );
  });
});
