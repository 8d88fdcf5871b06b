import { describe, expect, it } from "vitest";
import { openIntervals, WEEKDAYS, type OpeningHours } from "@footfall/core";
import { busyOutlook, closedForecastRuns, forecastSource, occupancyOutlook, openingOutlook, outlookOrder, slotForecastText, withForecast } from "./forecast.js";

const TZ = "Europe/Paris";
const HOUR = 3_600_000;
/** Hourly buckets from 14:00 Paris time (UTC+1) on 16 Nov 2026 with these expected visitors. */
function forecast(expected: (number | null)[], method: "mlp" | "none" = "mlp") {
  const start = Date.parse("2026-11-16T13:00:00Z");
  return {
    bucket: "hour" as const,
    method,
    buckets: expected.map((e, i) => ({ start: new Date(start + i * 3_600_000).toISOString(), expected: e, low: e, high: e, method })),
  };
}
const at = (hhmm: string) => Date.parse(`2026-11-16T${hhmm}:00+01:00`);

describe("busyOutlook", () => {
  it("names the next busy stretch and its busiest hour", () => {
    // 14:00 20, 15:00 40, 16:00 90, 17:00 120, 18:00 100, 19:00 30
    const o = busyOutlook(forecast([20, 40, 90, 120, 100, 30]), at("14:20"), TZ)!;
    expect(o.text).toBe("Busy from 16:00 to 19:00 · about 120 visitors an hour around 17:00");
    expect([o.from, o.to, o.now]).toEqual([at("16:00"), at("19:00"), false]);
  });

  it("says busy now when the stretch has begun", () => {
    const o = busyOutlook(forecast([110, 120, 50]), at("14:45"), TZ)!;
    expect(o.text).toBe("Busy now until 16:00 · about 120 visitors an hour around 15:00");
    expect(o.now).toBe(true);
  });

  it("leaves out the hours already past", () => {
    const o = busyOutlook(forecast([500, 10, 80, 20]), at("15:10"), TZ)!;
    expect(o.text).toBe("Busy from 16:00 to 17:00 · about 80 visitors an hour around 16:00");
  });

  it("says tomorrow when the busy stretch is on the next day (read in the evening, \"from 11:00\" meant this evening)", () => {
    // 14:00 today .. 13:00 tomorrow; today's evening quiet, tomorrow 11:00-13:00 busy.
    const f = forecast(Array.from({ length: 24 }, (_, i) => (i >= 21 ? 100 + i : 10)));
    const o = busyOutlook(f, at("19:30"), TZ)!;
    expect(o.text).toBe("Busy tomorrow from 11:00 · about 123 visitors an hour around 13:00");
    // Today's stretch stays as it was.
    expect(busyOutlook(forecast([20, 40, 90, 120, 100, 30]), at("14:20"), TZ)!.text).not.toContain("tomorrow");
    // A stretch that runs past midnight names the day of its peak when that is the next one.
    const late = forecast(Array.from({ length: 24 }, (_, i) => (i === 9 ? 90 : i === 10 ? 120 : 10))); // 23:00 90, 00:00 120
    expect(busyOutlook(late, at("20:00"), TZ)!.text).toBe("Busy from 23:00 to 01:00 · about 120 visitors an hour around tomorrow 00:00");
  });

  it("says nothing when the hours ahead are quiet or nothing is known", () => {
    expect(busyOutlook(forecast([1, 2, 1]), at("14:00"), TZ)).toBeNull();
    expect(busyOutlook(forecast([null, null], "none"), at("14:00"), TZ)).toBeNull();
  });
});

describe("withForecast", () => {
  const slot = (hhmm: string, value: number | null) => ({ start: at(hhmm), end: at(hhmm) + 3_600_000, label: hhmm, value });
  it("continues today's hourly chart with the forecast to midnight, and puts it on the current hour", () => {
    const slots = [slot("12:00", 30), slot("13:00", 40), slot("14:00", 12)]; // today so far, at 14:20
    const f = forecast(Array.from({ length: 24 }, (_, i) => 10 + i)); // 14:00 today .. 13:00 tomorrow
    const r = withForecast(slots, f, at("14:20"), TZ, false);
    expect(r.slots.map((s) => s.label)).toEqual(["12:00", "13:00", "14:00", ...Array.from({ length: 9 }, (_, i) => `${15 + i}:00`)]);
    expect(r.slots.slice(3).every((s) => s.value === null)).toBe(true);
    expect(r.forecast.slice(0, 4)).toEqual([null, null, { expected: 10, low: 10, high: 10 }, { expected: 11, low: 11, high: 11 }]);
    expect(r.forecast.at(-1)).toEqual({ expected: 19, low: 19, high: 19 }); // 23:00
  });
  it("draws no interval where the forecast has none (too little history), and says so in whole visitors", () => {
    const slots = [slot("14:00", 12)];
    const f = forecast([41.2, 52.6]);
    f.buckets[0] = { ...f.buckets[0]!, low: null, high: null };
    f.buckets[1] = { ...f.buckets[1]!, low: 40.5, high: 66.4 };
    const r = withForecast(slots, f, at("14:20"), TZ, false);
    expect(r.forecast).toEqual([{ expected: 41.2, low: null, high: null }, { expected: 52.6, low: 40.5, high: 66.4 }]);
    expect(slotForecastText(r.forecast[0]!)).toBe("forecast <b>41</b> (no 80 % interval yet: too little history to measure one)");
    expect(slotForecastText(r.forecast[1]!)).toBe("forecast <b>53</b> (80 %: 41–66)");
  });
  it("leaves the chart as it is without an hourly forecast", () => {
    const slots = [slot("13:00", 4)];
    expect(withForecast(slots, undefined, at("13:30"), TZ, false)).toEqual({ slots, forecast: [null] });
    expect(withForecast(slots, { ...forecast([1]), bucket: "day" }, at("13:30"), TZ, false)).toEqual({ slots, forecast: [null] });
  });
});

describe("closed hours ahead (opening hours)", () => {
  const withClosed = (expected: number[], closed: number[]) => {
    const f = forecast(expected);
    return { ...f, buckets: f.buckets.map((b, i) => (closed.includes(i) ? { ...b, expected: 0, low: 0, high: 0, closed: true } : b)) };
  };
  it("says when the store closes, and when it opens while closed, to the minute of its hours", () => {
    const open = [
      { from: at("08:00") - 24 * HOUR, to: at("21:30") - 24 * HOUR },
      { from: at("08:00"), to: at("21:30") },
      { from: at("08:00") + 24 * HOUR, to: at("21:30") + 24 * HOUR },
    ];
    expect(openingOutlook(open, at("14:20"), TZ)).toEqual({ text: "Closes at 21:30", closedNow: false, at: at("21:30") });
    // After closing at 21:30, within the hour that a forecast would count as open (its 21:00-22:00 is not closed throughout).
    expect(openingOutlook(open, at("21:49"), TZ)).toEqual({ text: "Closed now · opens at 08:00", closedNow: true, at: at("08:00") + 24 * HOUR });
    expect(openingOutlook(open, at("21:30"), TZ)!.closedNow).toBe(true);
    expect(openingOutlook(open, at("07:59"), TZ)!.text).toBe("Closed now · opens at 08:00");
    expect(openingOutlook([], at("14:20"), TZ)).toEqual({ text: "Closed now", closedNow: true, at: at("14:20") });
    expect(openingOutlook(null, at("14:20"), TZ)).toBeNull();
  });
  it("reads a night opening split at midnight as one, and says nothing of a closing past the horizon", () => {
    // As GET /hours/open answers it (core's openIntervals): 18:00-24:00 and the next day's 00:00-02:00, merged into one.
    const evenings = [{ open: "00:00", close: "02:00" }, { open: "18:00", close: "24:00" }];
    const nightHours = { weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, evenings])) as OpeningHours["weekly"], exceptions: [] };
    const night = openIntervals(nightHours, { from: at("14:00"), to: at("14:00") + 49 * HOUR }, TZ);
    expect(openingOutlook(night, at("23:00"), TZ)!.text).toBe("Closes at 02:00");
    expect(openingOutlook([{ from: at("00:00"), to: at("00:00") + 3 * 24 * HOUR }], at("14:20"), TZ)).toBeNull();
  });
  it("keeps the closed flag on the chart's slots and groups them into runs", () => {
    expect(closedForecastRuns([null, { expected: 0, low: 0, high: 0, closed: true }, { expected: 0, low: 0, high: 0, closed: true }, { expected: 3, low: 1, high: 5 }, { expected: 0, low: 0, high: 0, closed: true }])).toEqual([
      [1, 2],
      [4, 4],
    ]);
    const f = withClosed([10, 0], [1]);
    const slots = [{ start: at("14:00"), end: at("15:00"), label: "14:00", value: 3 }];
    expect(withForecast(slots, f, at("14:20"), TZ, false).forecast).toEqual([{ expected: 10, low: 10, high: 10 }, { expected: 0, low: 0, high: 0, closed: true }]);
  });
});

describe("occupancyOutlook", () => {
  const occ = (expected: (number | null)[], capacity: number | null, closed: number[] = []) => ({
    zone: null,
    capacity,
    buckets: expected.map((e, i) => ({ start: new Date(Date.parse("2026-11-16T13:00:00Z") + i * 3_600_000).toISOString(), expected: e, low: e, high: e, share: null, ...(closed.includes(i) ? { closed: true } : {}) })),
  });
  it("warns of the first hour over capacity", () => {
    expect(occupancyOutlook(occ([5, 12, 22.4, 30], 18), at("14:20"), TZ)!.text).toBe("Expected over capacity at 16:00 (about 22 for 18)");
  });
  it("else names the peak of the hours ahead, closed hours left out", () => {
    expect(occupancyOutlook(occ([5, 12, 9, 40], 100, [3]), at("14:20"), TZ)!.text).toBe("Up to about 12 in the store around 15:00");
    expect(occupancyOutlook(occ([30, 5, 9, 4], 100), at("14:20"), TZ)!.text).toBe("Up to about 30 in the store this hour, fewer later");
    expect(occupancyOutlook(occ([30, 5, 9, 4], 100, [1, 2, 3]), at("14:20"), TZ)!.text).toBe("Up to about 30 in the store this hour");
    expect(occupancyOutlook(occ([null, null], 10), at("14:20"), TZ)).toBeNull();
    expect(occupancyOutlook(occ([0.2, 0.4], 10), at("14:20"), TZ)).toBeNull();
  });
  it("counts its hours ahead among the open ones, so the closed hours before opening do not hide the peak", () => {
    // 14:00 .. ; the store closed until 16:00 (as a tablet read at 06:30 sees 06:00-08:00), then the
    // demo store's morning: 3.4, 5.6, 6.6, 9.8, then 16.5 twice at 20:00 and 21:00, 13.2 at 22:00.
    const e = [0, 0, 3.4, 5.6, 6.6, 9.8, 16.5, 16.5, 13.2];
    expect(occupancyOutlook(occ(e, 100, [0, 1]), at("14:20"), TZ)!.text).toBe("Up to about 17 in the store around 20:00");
    expect(occupancyOutlook(occ(e, 15, [0, 1]), at("14:20"), TZ)!.text).toBe("Expected over capacity at 20:00 (about 17 for 15)");
  });
  it("reads up to the end of the busy stretch the line above names, so its peak is not before that stretch", () => {
    // 14:00 .. ; read at 14:20 as the demo store at 21:26: 14:00 open, then closed until 17:00 (the night), then
    // the morning 11.1, 11.1, 13.2, 13.2, 18.5 (six open hours, to 22:00), the busy stretch to 00:00 (48.9 at 23:00).
    const e = [0.1, 0, 0, 11.1, 11.1, 13.2, 13.2, 18.5, 32.8, 48.9, 48.9, 34.7];
    expect(occupancyOutlook(occ(e, 386, [1, 2]), at("14:20"), TZ)!.text).toBe("Up to about 19 in the store around 21:00");
    expect(occupancyOutlook(occ(e, 386, [1, 2]), at("14:20"), TZ, 6, at("00:00") + 24 * 3_600_000)!.text).toBe("Up to about 49 in the store around 23:00");
    // The warning over capacity too, and nothing past the stretch's end.
    expect(occupancyOutlook(occ(e, 40, [1, 2]), at("14:20"), TZ, 6, at("00:00") + 24 * 3_600_000)!.text).toBe("Expected over capacity at 23:00 (about 49 for 40)");
    expect(occupancyOutlook(occ(e, 386, [1, 2]), at("14:20"), TZ, 6, at("23:00"))!.text).toBe("Up to about 33 in the store around 22:00");
  });
  it("says tomorrow for an hour after midnight", () => {
    // 14:00 .. ; read at 21:10: 21:00 5, 22:00 6, 23:00 7, 00:00 30 (over 18), 01:00 9.
    const e = Array.from({ length: 12 }, (_, i) => [5, 6, 7, 30, 9][i - 7] ?? 1);
    expect(occupancyOutlook(occ(e, 18), at("21:10"), TZ)!.text).toBe("Expected over capacity tomorrow at 00:00 (about 30 for 18)");
    expect(occupancyOutlook(occ(e, 100), at("21:10"), TZ)!.text).toBe("Up to about 30 in the store around tomorrow 00:00");
  });
});

describe("outlookOrder", () => {
  const busy = { text: "Busy from 12:00 to 14:00" };
  it("puts 'Closed now · opens at …' first while the store is closed, the closing ahead after the busy stretch", () => {
    expect(outlookOrder(busy, { text: "Closed now · opens at 08:00", closedNow: true }).map((p) => p.part.text)).toEqual(["Closed now · opens at 08:00", "Busy from 12:00 to 14:00"]);
    expect(outlookOrder(busy, { text: "Closes at 21:30", closedNow: false }).map((p) => p.part.text)).toEqual(["Busy from 12:00 to 14:00", "Closes at 21:30"]);
    expect(outlookOrder(null, { text: "Closed now", closedNow: true }).map((p) => p.kind)).toEqual(["closed"]);
    expect(outlookOrder(busy, null).map((p) => p.kind)).toEqual(["busy"]);
  });
});

describe("forecastSource", () => {
  it("says a recent-days forecast is the last day's hours, not an average of 4 weeks (a demo's one day at --speed 60 read as '2189 visitors an hour' under 'the last 4 weeks')", () => {
    expect(forecastSource("recent-days")).toBe("forecast: the same hours of the last day with figures (less than a week of history; the model is not ready)");
    expect(forecastSource("recent-days")).not.toMatch(/4 weeks/);
    expect(forecastSource("seasonal-mean")).toMatch(/last 4 weeks/);
    expect(forecastSource("seasonal-naive")).toMatch(/a week ago/);
    expect(forecastSource("mlp")).toBe("forecast from this store's history");
    expect(forecastSource("none")).toBeUndefined();
  });
});
