import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketStarts, localTime } from "../domain/calendar.js";
import { dailyTotals, dateOfDay, dayOfDate, lagIndex, localGrid, seriesOf, weekdayOfDay, type Series } from "./series.js";

const H = 3_600_000;
const DAY = 86_400_000;

/** An hourly series over [from, to) in `tz` with value `f(i)` at bucket i. */
function hourly(from: string, to: string, tz: string, f: (i: number) => number | null = (i) => i): Series {
  const starts = bucketStarts({ from: Date.parse(from), to: Date.parse(to) }, "hour", tz);
  return { grain: "hour", timeZone: tz, starts, values: starts.map((_, i) => f(i)) };
}

describe("local days", () => {
  it("numbers local dates from 1970-01-01 and back", () => {
    expect(dayOfDate("1970-01-02")).toBe(1);
    expect(dateOfDay(dayOfDate("2026-03-29"))).toBe("2026-03-29");
  });
  it("rejects what is not a calendar date", () => {
    expect(dayOfDate("2026-02-30")).toBeNaN();
    expect(dayOfDate("29/03/2026")).toBeNaN();
    // Date.UTC reads years 0-99 as 1900-1999: "0050-12-25" is not Christmas 1950.
    expect(dayOfDate("0050-12-25")).toBeNaN();
  });
  it("gives ISO weekdays (1970-01-01 was a Thursday)", () => {
    expect(weekdayOfDay(0)).toBe(4);
    expect(weekdayOfDay(dayOfDate("2026-03-29"))).toBe(7);
    expect(weekdayOfDay(-1)).toBe(3);
  });
});

describe("localGrid and lagIndex", () => {
  const s = hourly("2026-03-20T00:00:00Z", "2026-04-10T00:00:00Z", "Europe/London");
  const g = localGrid(s);
  const at = (iso: string) => s.starts.indexOf(Date.parse(iso));

  it("reads the local hour and weekday in the store's zone", () => {
    const i = at("2026-04-01T08:00:00Z"); // 09:00 BST, a Wednesday
    expect([g.hour[i], g.weekday[i]]).toEqual([9, 3]);
  });

  it("finds the same local hour last week across the spring-forward night (167 hours back)", () => {
    const i = at("2026-04-01T08:00:00Z"); // Wed 1 Apr 09:00 BST
    const j = lagIndex(g, i, 7);
    expect(s.starts[j]).toBe(Date.parse("2026-03-25T09:00:00Z")); // Wed 25 Mar 09:00 GMT
    expect(i - j).toBe(167);
  });

  it("has no lag for an hour that did not exist a week before (01:00 on 29 March)", () => {
    const i = at("2026-04-05T00:00:00Z"); // Sun 5 Apr 01:00 BST
    expect(g.hour[i]).toBe(1);
    expect(lagIndex(g, i, 7)).toBe(-1);
  });

  it("maps the repeated hour of a fall-back night to its first occurrence", () => {
    const f = hourly("2026-10-24T00:00:00Z", "2026-11-02T00:00:00Z", "Europe/London");
    const fg = localGrid(f);
    const first = f.starts.indexOf(Date.parse("2026-10-25T00:00:00Z")); // 01:00 BST
    const second = f.starts.indexOf(Date.parse("2026-10-25T01:00:00Z")); // 01:00 GMT
    expect([fg.hour[first], fg.hour[second]]).toEqual([1, 1]);
    expect(fg.indexOf(fg.day[first]!, 1)).toBe(first);
  });

  it("reads each bucket's local date and hour as localTime does, over a whole year of DST changes", () => {
    for (const tz of ["Europe/London", "Australia/Lord_Howe", "America/Santiago", "Asia/Kathmandu"]) {
      const starts = bucketStarts({ from: Date.UTC(2026, 0, 1), to: Date.UTC(2027, 0, 1) }, "hour", tz);
      const grid = localGrid({ starts, timeZone: tz });
      starts.forEach((ts, i) => {
        const t = localTime(ts, tz);
        expect([grid.day[i], grid.hour[i]]).toEqual([Date.UTC(t.year, t.month - 1, t.day) / DAY, t.hour]);
      });
    }
  });

  it("finds the same local hour d days back in any zone (property)", () => {
    const zones = ["Europe/London", "Australia/Melbourne", "America/New_York", "Asia/Kolkata", "UTC"];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: 0, max: 360 }), fc.integer({ min: 1, max: 14 }), (tz, startDay, days) => {
        const from = Date.UTC(2026, 0, 1) + startDay * DAY;
        const starts = bucketStarts({ from, to: from + 20 * DAY }, "hour", tz);
        const grid = localGrid({ starts, timeZone: tz });
        for (let i = 0; i < starts.length; i += 7) {
          const j = lagIndex(grid, i, days);
          const a = localTime(starts[i]!, tz);
          if (j < 0) continue;
          const b = localTime(starts[j]!, tz);
          expect(b.hour).toBe(a.hour);
          expect(Date.UTC(a.year, a.month - 1, a.day) - Date.UTC(b.year, b.month - 1, b.day)).toBe(days * DAY);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe("seriesOf", () => {
  const range = { from: Date.parse("2026-05-04T00:00:00Z"), to: Date.parse("2026-05-04T04:00:00Z") };
  it("sums points into their local hour and leaves hours without any unknown", () => {
    const pts = [
      { ts: range.from + 10, value: 2 },
      { ts: range.from + H - 1, value: 3 },
      { ts: range.from + 2 * H, value: 0 },
      { ts: range.to, value: 99 }, // outside [from, to)
    ];
    expect(seriesOf(range, "hour", "UTC", pts).values).toEqual([5, null, 0, null]);
  });
  it("counts empty hours as zero when asked (counters were up, nobody came)", () => {
    expect(seriesOf(range, "hour", "UTC", [], { emptyIsZero: true }).values).toEqual([0, 0, 0, 0]);
  });
  it("keeps every point inside the range (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ ts: fc.integer({ min: -H, max: 5 * H }), value: fc.integer({ min: 0, max: 100 }) })), (raw) => {
        const pts = raw.map((p) => ({ ts: range.from + p.ts, value: p.value }));
        const s = seriesOf(range, "hour", "Europe/Paris", pts);
        const inside = pts.filter((p) => p.ts >= range.from && p.ts < range.to).reduce((a, p) => a + p.value, 0);
        expect(s.values.reduce<number>((a, v) => a + (v ?? 0), 0)).toBe(inside);
      }),
    );
  });
});

describe("dailyTotals", () => {
  it("sums a 23-hour spring-forward day and a 25-hour fall-back day", () => {
    const spring = dailyTotals(hourly("2026-03-28T00:00:00Z", "2026-03-30T23:00:00Z", "Europe/London", () => 1));
    expect(spring.values).toEqual([24, 23, 24]);
    const autumn = dailyTotals(hourly("2026-10-24T23:00:00Z", "2026-10-26T00:00:00Z", "Europe/London", () => 1));
    expect(autumn.values).toEqual([25]);
  });
  it("drops days cut by either end and gives null for a day with an unknown hour", () => {
    const s = hourly("2026-05-03T12:00:00Z", "2026-05-06T12:00:00Z", "UTC", (i) => (i === 20 ? null : 1));
    const d = dailyTotals(s);
    expect(d.starts).toEqual([Date.parse("2026-05-04T00:00:00Z"), Date.parse("2026-05-05T00:00:00Z")]);
    expect(d.values).toEqual([null, 24]);
  });
  it("treats hours from `before` on as unknown", () => {
    const s = hourly("2026-05-04T00:00:00Z", "2026-05-06T00:00:00Z", "UTC", () => 2);
    expect(dailyTotals(s, localGrid(s), 30).values).toEqual([48, null]);
  });
  it("gives each local day the sum of its hours (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom("Europe/London", "America/New_York", "Australia/Lord_Howe"), fc.integer({ min: 0, max: 300 }), (tz, d0) => {
        const from = Date.UTC(2026, 0, 1) + d0 * DAY;
        const s = hourly(new Date(from).toISOString(), new Date(from + 5 * DAY).toISOString(), tz, (i) => i % 7);
        const grid = localGrid(s);
        const days = dailyTotals(s, grid);
        days.starts.forEach((start, k) => {
          const i = s.starts.indexOf(start);
          let sum = 0;
          for (let j = i; j < s.starts.length && grid.day[j] === grid.day[i]; j++) sum += s.values[j]!;
          expect(days.values[k]).toBe(sum);
        });
      }),
      { numRuns: 30 },
    );
  });
});
