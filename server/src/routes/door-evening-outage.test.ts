/**
 * A door counter cut off from the broker that kept counting delivers its counts later (its outbox):
 * the hours of its offline span it counted in were counted, no outage (core zonesNotCounted, the one
 * rule). In the evening people only leave: the rule read "counted" as a door counter's `in`, so the
 * hour after the last one in, in which it counted the last people out, was "not counted". A store
 * with opening hours was closed then (no outage while closed); a store without hours, open at every
 * hour, had its evening flagged on /traffic, the chain view (its day left out of every comparison),
 * the digests, the store's screens and its experiments. Now an hour a door counter counted anyone
 * cross, in or out, is counted. In-process server, SQLite file.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { WEEKDAYS } from "@footfall/core";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { periodData } from "./experiment-data.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Wednesday 2 December 2026, 15:00 UTC; the outage on Monday 30 November, 14:00 to 21:00 UTC.
const TODAY = Date.UTC(2026, 11, 2);
const NOW = TODAY + 15 * HOUR;
const OUT_DAY = TODAY - 2 * DAY;
const OUTAGE = { from: OUT_DAY + 14 * HOUR, to: OUT_DAY + 21 * HOUR };

const t = useTestServer({ now: () => NOW, maxAgeMs: 30 * DAY });

beforeAll(async () => {
  // Each day: 10 in at every hour from 09:00 to 19:00, 9 out in each of those hours, the last 11 out at 20:15.
  for (const [store, delivered] of [
    ["evening", true],
    ["evening-hours", true],
    ["evening-off", false],
  ] as const) {
    await t.putLayout(store, smallLayout({ name: store, timezone: "UTC" }));
    const f = new EventFactory("door-1");
    const events = [];
    for (let d = TODAY - 5 * DAY; d < TODAY; d += DAY) {
      for (let h = 9; h < 20; h++) events.push(f.count("entrance", d + h * HOUR + 20 * 60_000, 10, 0), f.count("entrance", d + h * HOUR + 40 * 60_000, 0, 9));
      events.push(f.count("entrance", d + 20 * HOUR + 15 * 60_000, 0, 11));
    }
    // Switched off, it counted nothing from 14:00 to 21:00; cut off from the broker, it delivered them on its return.
    await t.ingest(store, "door-1", delivered ? events : events.filter((e) => !(e.ts >= OUTAGE.from && e.ts < OUTAGE.to)));
    await t.server.services.storage.offlineSpans.wentOffline(store, "door-1", OUTAGE.from);
    await t.server.services.storage.offlineSpans.cameOnline(store, "door-1", OUTAGE.to);
  }
  const put = await t.request("PUT", "/api/v1/stores/evening-hours/hours", {
    hours: { weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "09:00", close: "20:00" }]])), exceptions: [] },
  });
  expect(put.status).toBe(200);
});

const trafficOutages = async (store: string) => {
  const res = await t.get(`/api/v1/stores/${store}/traffic?from=${OUT_DAY}&to=${OUT_DAY + DAY}&bucket=hour`);
  expect(res.status).toBe(200);
  return res.body.outages;
};

describe("a door counter offline one afternoon and evening, its counts delivered later", () => {
  it("is no outage in a store without opening hours: the evening hour it counted the last people out was counted", async () => {
    // Old rule (a door counter's `in` only): { hours: 1, zones: ["entrance"], spans: [20:00-21:00] }.
    expect(await trafficOutages("evening")).toBeNull();
    // With hours the store was closed then: no outage, as before.
    expect(await trafficOutages("evening-hours")).toBeNull();
  });

  it("the chain view compares that day with the day before, no outage", async () => {
    const res = await t.get(`/api/v1/overview?from=${OUT_DAY}&to=${OUT_DAY + DAY}`);
    expect(res.status).toBe(200);
    const row = (res.body.stores as { id: string; outages: { range: unknown }; notLikeForLike: { previous: string | null } }[]).find((s) => s.id === "evening")!;
    expect(row.outages.range).toBeNull();
    expect(row.notLikeForLike.previous).toBeNull();
  });

  it("an experiment's period keeps that evening in its figures; the switched-off counter's 7 hours are left out", async () => {
    const day = { from: OUT_DAY, to: OUT_DAY + DAY };
    // Old rule: { hours: 1, zones: ["entrance"], spans: [20:00-21:00] }, that hour left out of the period's figures.
    expect((await periodData(t.server.services, "evening", day, ["entrance"])).notCounted).toBeNull();
    expect((await periodData(t.server.services, "evening-off", day, ["entrance"])).notCounted).toMatchObject({ hours: 7, spans: [OUTAGE] });
  });

  it("the forecast keeps that evening in its history; the switched-off counter's 7 hours are left out", async () => {
    const notes = async (store: string) => {
      const res = await t.get(`/api/v1/stores/${store}/forecast?horizon=24h`);
      expect(res.status).toBe(200);
      return (res.body.model.notes as string[]).filter((n) => n.includes("not counted"));
    };
    // Old rule: "the store's entrance was not counted in 1 h of the history (...)".
    expect(await notes("evening")).toEqual([]);
    expect(await notes("evening-off")).toEqual([expect.stringContaining("not counted in 7 h of the history")]);
  });

  it("a door counter switched off those hours is still an outage, of every hour it counted nothing in (the evening too, without hours)", async () => {
    expect(await trafficOutages("evening-off")).toEqual({ hours: 7, zones: ["entrance"], spans: [OUTAGE] });
  });
});
