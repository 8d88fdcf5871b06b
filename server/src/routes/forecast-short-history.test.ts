import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FootfallEvent } from "@footfall/core";
import { chunks, EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { syntheticTraffic } from "../../../test/support/traffic.js";

/**
 * A store in its first days: a baseline answers, and where its past errors cannot be measured yet
 * the answer gives the expected visitors without an interval (low and high null), never a
 * zero-width "80 %" interval that reads as certain; the people-inside forecast follows.
 */
const DAY = 86_400_000;
/** Monday 16 November 2026, 14:20 in Paris (UTC+1). */
const NOW = Date.parse("2026-11-16T13:20:00Z");
const HOUR_START = NOW - (NOW % 3_600_000);
/** Friday 13 November 2026, 00:00 in Paris. */
const FRIDAY = Date.parse("2026-11-12T23:00:00Z");
/** Visitors of a day open 9:00-19:00 with 4 + hour % 5 an hour. */
const OPEN_DAY = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18].reduce((a, h) => a + 4 + (h % 5), 0);

interface Bucket {
  start: string;
  expected: number | null;
  low: number | null;
  high: number | null;
  method?: string;
}

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ now: () => NOW, maxAgeMs: 30 * DAY });
  for (const store of ["day-one", "week-one", "new-store"]) await t.putLayout(store, smallLayout({ validFrom: 0 }));
  const doorless = smallLayout({ validFrom: 0 });
  await t.putLayout("no-entrance", { ...doorless, zones: doorless.zones.map((z) => (z.kind === "entrance" ? { ...z, kind: "zone" } : z)) });
  const ingest = async (store: string, days: number) => {
    const s = syntheticTraffic({ seed: 5, from: HOUR_START - days * DAY, days: days + 1, timeZone: "Europe/Paris", peak: 40 });
    const door = new EventFactory(`door-${store}`);
    const cam = new EventFactory(`cam-${store}`);
    const counts: FootfallEvent[] = [];
    const visits: FootfallEvent[] = [];
    s.starts.forEach((ts, i) => {
      const n = s.values[i]!;
      if (!(n > 0) || ts + 3_600_000 > HOUR_START) return;
      counts.push(door.count("entrance", ts + 1000, n, 0));
      // a visitor in four goes to the fruit for 10 minutes: a dwell to forecast the people inside from
      for (let k = 0; k < Math.floor(n / 4); k++) visits.push(...cam.visit(`v${i}-${k}`, "fruit", ts + 2000 + k * 30_000, 10 * 60_000));
    });
    for (const batch of chunks(counts, 1000)) await t.ingest(store, `door-${store}`, batch);
    for (const batch of chunks(visits, 1000)) await t.ingest(store, `cam-${store}`, batch);
  };
  // Door counts of a store open 9:00-19:00 from Friday 13 November on, 4 + hour % 5 visitors an hour;
  // one counted from its first opening at 9:00, one whose counter was installed at 14:00 that day
  for (const [store, fromHour] of [["opened-friday", 9], ["installed-friday", 14]] as const) {
    await t.putLayout(store, smallLayout({ validFrom: 0 }));
    const door = new EventFactory(`door-${store}`);
    const counts: FootfallEvent[] = [];
    for (let ts = FRIDAY; ts + 3_600_000 <= HOUR_START; ts += 3_600_000) {
      const hour = new Date(ts + 3_600_000).getUTCHours(); // Paris, UTC+1
      if (hour >= 9 && hour < 19 && (ts >= FRIDAY + DAY || hour >= fromHour)) counts.push(door.count("entrance", ts + 1000, 4 + (hour % 5), 0));
    }
    await t.ingest(store, `door-${store}`, counts);
  }
  await ingest("day-one", 1);
  await ingest("week-one", 7);
  // a redesign half an hour ago took the fruit zone out
  await t.putLayout("redesign", smallLayout({ validFrom: 0 }));
  await ingest("redesign", 7);
  const v1 = smallLayout({ validFrom: 0 });
  await t.putLayout("redesign", { ...v1, validFrom: NOW - 30 * 60_000, zones: v1.zones.filter((z) => z.id !== "fruit") });
}, 120_000);
afterAll(() => t?.close());

describe("forecasts of a store with a day or a week of history", () => {
  it("a single day: the same hours of yesterday, with no interval (nothing to measure one from)", async () => {
    const res = await t.get<{ method: string; buckets: Bucket[] }>("/api/v1/stores/day-one/forecast");
    expect(res.status).toBe(200);
    expect(res.body.method).toBe("recent-days");
    const open = res.body.buckets.filter((b) => b.expected !== null && b.expected > 0);
    expect(open.length).toBeGreaterThan(5);
    for (const b of res.body.buckets) expect([b.low, b.high]).toEqual([null, null]);
  });

  it("a single day: the people inside are forecast without an interval as well", async () => {
    const res = await t.get<{ notes: string[]; buckets: Bucket[] }>("/api/v1/stores/day-one/forecast/occupancy?zone=fruit");
    expect(res.status).toBe(200);
    expect(res.body.notes).toEqual([]);
    expect(res.body.buckets.some((b) => b.expected !== null && b.expected > 0)).toBe(true);
    for (const b of res.body.buckets) expect([b.low, b.high]).toEqual([null, null]);
  });

  it("a week exactly: last week's hours have no measured errors yet, so the last days answer, with their interval", async () => {
    const res = await t.get<{ method: string; buckets: Bucket[] }>("/api/v1/stores/week-one/forecast");
    expect(res.status).toBe(200);
    expect(res.body.buckets.map((b) => b.method)).toEqual(res.body.buckets.map(() => "recent-days"));
    for (const b of res.body.buckets) {
      expect(b.low! <= b.expected! && b.expected! <= b.high!).toBe(true);
      if (b.expected! >= 1) expect(b.high!).toBeGreaterThan(b.low!);
    }
    const occ = await t.get<{ buckets: Bucket[] }>("/api/v1/stores/week-one/forecast/occupancy?zone=fruit");
    for (const b of occ.body.buckets) expect(b.low! <= b.expected! && b.expected! <= b.high!).toBe(true);
  });
});

describe("a store or zone with nothing to forecast from says why", () => {
  type Answer = { method: string; model: { notes: string[] }; buckets: Bucket[] };
  it("a new store: no visitor counted at its entrances yet, first in the notes, the values null", async () => {
    const res = await t.get<Answer>("/api/v1/stores/new-store/forecast");
    expect(res.body.method).toBe("none");
    expect(res.body.buckets.every((b) => b.expected === null)).toBe(true);
    expect(res.body.model.notes[0]).toBe("no visitor counted at the store's entrances in the last 57 weeks: nothing to forecast from yet (the values are null until its first counted hour)");
    const daily = await t.get<Answer>("/api/v1/stores/new-store/forecast?horizon=14d");
    expect(daily.body.model.notes[0]).toMatch(/^no visitor counted at the store's entrances/);
  });

  it("a zone nobody visited yet", async () => {
    const res = await t.get<Answer>("/api/v1/stores/day-one/forecast?zone=bakery");
    expect(res.body.method).toBe("none");
    expect(res.body.model.notes[0]).toBe('no visitor counted in zone "bakery" in the last 57 weeks: nothing to forecast from yet (the values are null until its first counted hour)');
  });

  it("a layout without an entrance: the store's visitors are not counted, so a zone's forecast is the one to ask for", async () => {
    const res = await t.get<Answer>("/api/v1/stores/no-entrance/forecast");
    expect(res.body.method).toBe("none");
    expect(res.body.model.notes[0]).toMatch(/^the store's layout has no entrance zone.*ask for a zone's forecast \(zone=<id>\)/);
  });

  it("a zone the layout in force now no longer has: no visitors to forecast, not last week's", async () => {
    const res = await t.get<Answer>("/api/v1/stores/redesign/forecast?zone=fruit");
    expect(res.status).toBe(200);
    expect(res.body.method).toBe("none");
    expect(res.body.buckets.every((b) => b.expected === null && b.low === null && b.high === null)).toBe(true);
    expect(res.body.model.notes[0]).toBe('zone "fruit" is not in the layout in force now (version 2): it has no visitors to forecast (the values are null); GET /api/v1/stores/redesign/layout lists its zones');
    const occ = await t.get<{ buckets: Bucket[] }>("/api/v1/stores/redesign/forecast/occupancy?zone=fruit");
    expect(occ.body.buckets.every((b) => b.expected === null)).toBe(true);
    // the store's own forecast is unchanged by it
    const store = await t.get<Answer>("/api/v1/stores/redesign/forecast");
    expect(store.body.method).toBe("recent-days");
    expect(store.body.buckets.some((b) => b.expected! > 0)).toBe(true);
  });

  it("a store with counts has no such note", async () => {
    const res = await t.get<Answer>("/api/v1/stores/day-one/forecast");
    expect(res.body.model.notes.join(" ")).not.toMatch(/nothing to forecast/);
  });
});

describe("the 14-day forecast of a store in its first week", () => {
  type Answer = { buckets: Bucket[] };
  const fridays = (a: Answer) => a.buckets.filter((b) => b.start.startsWith("2026-11-20") || b.start.startsWith("2026-11-27"));
  it("forecasts its first Friday's visitors for the Fridays ahead when it began counting at its first opening (the night before was closed)", async () => {
    const res = await t.get<Answer>("/api/v1/stores/opened-friday/forecast?horizon=14d");
    expect(res.status).toBe(200);
    expect(fridays(res.body).map((b) => [b.expected, b.method])).toEqual([
      [OPEN_DAY, "seasonal-mean"],
      [OPEN_DAY, "seasonal-mean"],
    ]);
    // as its Saturday's and Sunday's, counted whole
    const saturday = res.body.buckets.find((b) => b.start.startsWith("2026-11-21"));
    expect(saturday?.expected).toBe(OPEN_DAY);
  });
  it("leaves the Fridays ahead unknown when its counting began at 14:00 that Friday: half a day is not a Friday", async () => {
    const res = await t.get<Answer>("/api/v1/stores/installed-friday/forecast?horizon=14d");
    expect(fridays(res.body).map((b) => [b.expected, b.method])).toEqual([
      [null, "none"],
      [null, "none"],
    ]);
    expect(res.body.buckets.find((b) => b.start.startsWith("2026-11-21"))?.expected).toBe(OPEN_DAY);
  });
});
