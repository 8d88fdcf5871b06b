/**
 * The chain overview compares a range still running with the same stretch of the days before it, as
 * the heatmap compares a range "so far": today until 16:00 with yesterday until 16:00, the last 7
 * days so far with the 7 days before up to the same hour. On the in-process server's SQLite file.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { presetRange, previousPeriod } from "../../../floorplan-ui/src/model/range.js";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { DAY, HOUR, NOW, TODAY } from "../../../test/support/overview-week.js";
import { comparedPeriods, presetRequest } from "./overview-warm.js";

const t = useTestServer({ now: () => NOW, maxAgeMs: 400 * DAY });

beforeAll(async () => {
  // The same day every day for two weeks: 10 enters at 09:00 UTC and 30 at 20:00 UTC (the evening rush), today's evening still to come.
  await t.putLayout("shop", smallLayout({ name: "Shop", timezone: "UTC" }));
  const f = new EventFactory("cam-1");
  const events = [];
  for (let d = TODAY - 14 * DAY; d <= TODAY; d += DAY)
    for (const [hour, n] of [
      [9, 10],
      [20, 30],
    ] as const)
      for (let i = 0; i < n && d + hour * HOUR < NOW; i++) events.push(...f.visit(`v${hour}x${i}x${d}`, "entrance", d + hour * HOUR + i * 60_000, 10_000));
  for (let i = 0; i < events.length; i += 900) await t.ingest("shop", "cam-1", events.slice(i, i + 900));
});

interface Row {
  id: string;
  figures: { enters: number };
  previous: { enters: number };
}

async function enters(from: number, to: number): Promise<number> {
  const res = await t.get(`/api/v1/stores/shop/traffic?from=${from}&to=${to}&bucket=hour`);
  expect(res.status).toBe(200);
  return (res.body.buckets as { enters: number }[]).reduce((a, b) => a + b.enters, 0);
}

describe("GET /overview of a range still running", () => {
  it("compares today so far with yesterday up to the same hour, as the heatmap does (not with yesterday's busy evening)", async () => {
    const asked = presetRequest("today", NOW, "UTC");
    const res = await t.get(`/api/v1/overview?from=${asked.from}&to=${asked.to}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const row = (res.body.stores as Row[]).find((s) => s.id === "shop")!;
    // An ordinary day: 10 enters by 16:00, as yesterday by 16:00 (the 16 hours before midnight held 40: "-75 %").
    expect(row.figures.enters).toBe(10);
    expect(row.previous.enters).toBe(10);
    expect(res.body.range).toEqual({ from: TODAY, to: TODAY + 16 * HOUR });
    expect(res.body.previous).toEqual({ from: TODAY - DAY, to: TODAY - DAY + 16 * HOUR });
    // The heatmap's previous period of today so far (the UI's rule), in the same zone: the same enters.
    const heat = previousPeriod(presetRange("today", NOW, "UTC"), "UTC");
    expect(row.previous.enters).toBe(await enters(heat.from, heat.to));
  });

  it("compares the last 7 days so far with the 7 days before up to the same hour", async () => {
    const asked = presetRequest("last7", NOW, "UTC");
    const res = await t.get(`/api/v1/overview?from=${asked.from}&to=${asked.to}`);
    expect(res.status).toBe(200);
    const row = (res.body.stores as Row[]).find((s) => s.id === "shop")!;
    expect(row.figures.enters).toBe(6 * 40 + 10);
    expect(row.previous.enters).toBe(6 * 40 + 10);
    expect(res.body.previous).toEqual({ from: asked.from - 7 * DAY, to: asked.to - 7 * DAY });
  });

  it("still compares a past range with the period as long just before it", async () => {
    const res = await t.get(`/api/v1/overview?from=${TODAY - DAY + 6 * HOUR}&to=${TODAY - DAY + 12 * HOUR}`);
    expect(res.status).toBe(200);
    expect(res.body.previous).toEqual({ from: TODAY - DAY, to: TODAY - DAY + 6 * HOUR });
  });
});

describe("comparedPeriods", () => {
  it("gives the chain view's running presets the same stretch of the preset's days before, as long as the range, never overlapping it", () => {
    const days = { today: 1, last7: 7, last30: 30 } as const;
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.constantFrom("UTC", "Asia/Kolkata", "Europe/Paris", "America/New_York"),
        fc.constantFrom("today", "last7", "last30" as const),
        (now, tz, preset) => {
          const c = comparedPeriods(presetRequest(preset, now, tz), now);
          const back = c.range.from - c.previous.from;
          expect(c.previous.to - c.previous.from).toBe(c.range.to - c.range.from);
          expect(c.previous.to).toBeLessThanOrEqual(c.range.from);
          expect(back % DAY, `${tz} ${preset}`).toBe(0);
          // Days of 24 hours: in a zone without summer time, exactly the preset's days (in the minute a day begins, the range
          // is the whole days before it, as "yesterday": the period as long just before); beside a change of the clocks, or in a
          // zone off the hour (Kolkata's "today" at 23:30 is 25 whole hours), within one.
          const length = c.range.to - c.range.from;
          if (tz === "UTC") expect(back / DAY, `${tz} ${preset}`).toBe(length % DAY === 0 ? length / DAY : days[preset]);
          else expect(Math.abs(back / DAY - days[preset]), `${tz} ${preset}`).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 500 },
    );
  });
});
