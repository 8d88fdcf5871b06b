import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketStarts, calendarDay, formatBucketStart, localMidnight, localTime, offsetMs, zonesByClock } from "./calendar.js";

const H = 3_600_000;
const DAY = 86_400_000;
const labels = (from: number, to: number, bucket: "hour" | "day", tz: string): string[] => bucketStarts({ from, to }, bucket, tz).map((t) => formatBucketStart(t, tz));

describe("bucketStarts", () => {
  it("gives a 23-hour day on the spring-forward Sunday in Europe/Paris", () => {
    const [day, next] = bucketStarts({ from: Date.parse("2026-03-29T12:00:00Z"), to: Date.parse("2026-03-30T12:00:00Z") }, "day", "Europe/Paris");
    expect(next! - day!).toBe(23 * H);
    expect(formatBucketStart(day!, "Europe/Paris")).toBe("2026-03-29T00:00:00+01:00");
  });

  it("skips the missing local hour of a spring-forward night", () => {
    expect(labels(Date.parse("2026-03-28T23:30:00Z"), Date.parse("2026-03-29T02:00:00Z"), "hour", "Europe/Paris")).toEqual([
      "2026-03-29T00:00:00+01:00",
      "2026-03-29T01:00:00+01:00",
      "2026-03-29T03:00:00+02:00",
    ]);
  });

  it("lists the repeated local hour of a fall-back night twice, with each offset", () => {
    expect(labels(Date.parse("2026-10-25T00:00:00Z"), Date.parse("2026-10-25T02:00:00Z"), "hour", "Europe/Paris")).toEqual([
      "2026-10-25T02:00:00+02:00",
      "2026-10-25T02:00:00+01:00",
    ]);
  });

  it("gives a 25-hour day on the fall-back Sunday", () => {
    const starts = bucketStarts({ from: Date.parse("2026-10-25T00:00:00Z"), to: Date.parse("2026-10-25T12:00:00Z") }, "day", "Europe/Paris");
    const hours = bucketStarts({ from: starts[0]!, to: starts[0]! + 25 * H }, "hour", "Europe/Paris");
    expect(hours).toHaveLength(25);
    expect(formatBucketStart(starts[0]! + 25 * H, "Europe/Paris")).toBe("2026-10-26T00:00:00+01:00");
  });

  it("starts hours on the local clock in a +05:30 zone", () => {
    expect(labels(Date.parse("2026-01-10T03:00:00Z"), Date.parse("2026-01-10T04:00:00Z"), "hour", "Asia/Kolkata")).toEqual([
      "2026-01-10T08:00:00+05:30",
      "2026-01-10T09:00:00+05:30",
    ]);
  });

  it("starts hours on the local clock in a +05:45 zone", () => {
    expect(bucketStarts({ from: Date.parse("2026-01-10T03:00:00Z"), to: Date.parse("2026-01-10T03:30:00Z") }, "hour", "Asia/Kathmandu")).toEqual([
      Date.parse("2026-01-10T02:15:00Z"),
      Date.parse("2026-01-10T03:15:00Z"),
    ]);
  });

  it("starts a new hour at a half-hour offset change (Lord Howe falls back from +11 to +10:30)", () => {
    expect(labels(Date.parse("2026-04-04T14:00:00Z"), Date.parse("2026-04-04T16:00:00Z"), "hour", "Australia/Lord_Howe")).toEqual([
      "2026-04-05T01:00:00+11:00",
      "2026-04-05T01:30:00+10:30",
      "2026-04-05T02:00:00+10:30",
    ]);
  });

  it("starts with the bucket holding `from`, before it when `from` is mid-bucket", () => {
    expect(bucketStarts({ from: Date.parse("2026-03-02T10:20:00Z"), to: Date.parse("2026-03-02T10:21:00Z") }, "hour", "UTC")).toEqual([Date.parse("2026-03-02T10:00:00Z")]);
  });

  it("leaves out a bucket starting exactly at `to`", () => {
    expect(bucketStarts({ from: Date.parse("2026-03-02T10:00:00Z"), to: Date.parse("2026-03-02T12:00:00Z") }, "hour", "UTC")).toHaveLength(2);
  });

  it("is empty for an empty range", () => {
    expect(bucketStarts({ from: 10, to: 10 }, "day", "UTC")).toEqual([]);
  });

  it("rejects an unknown time zone", () => {
    expect(() => bucketStarts({ from: 0, to: 1 }, "day", "Mars/Olympus")).toThrow(/unknown time zone/);
  });
});

describe("bucketStarts around offset changes, against a minute-by-minute scan", () => {
  /** Every instant in (from, to), on the minute, whose local hour (or day) key differs from the minute before. */
  const scanned = (from: number, to: number, bucket: "hour" | "day", tz: string): number[] => {
    const key = (t: number) => {
      const o = offsetMs(t, tz);
      return bucket === "day" ? String(Math.floor((t + o) / (24 * H))) : `${Math.floor((t + o) / H)}${o}`;
    };
    const out: number[] = [];
    for (let t = from + 60_000; t < to; t += 60_000) if (key(t) !== key(t - 60_000)) out.push(t);
    return out;
  };
  const days: Array<[string, string]> = [
    ["Europe/Paris", "2026-03-29"],
    ["Europe/Paris", "2026-10-25"],
    ["America/St_Johns", "2026-03-08"], // at 02:00 -03:30 = 05:30 UTC: not on a whole UTC hour
    ["Australia/Adelaide", "2026-04-05"], // at 03:00 +10:30 = 16:30 UTC
    ["Australia/Lord_Howe", "2026-04-05"], // a 30-minute change
    ["Africa/Casablanca", "2026-02-15"], // Ramadan: back an hour, then forward again five weeks later
    ["Africa/Casablanca", "2026-03-22"],
    ["America/Havana", "2026-03-08"], // at local midnight
  ];
  it.each(days)("puts every hour and day start where the local clock says in %s on %s", (tz, day) => {
    const from = Date.parse(`${day}T00:00:00Z`) - 36 * H;
    const to = from + 72 * H;
    for (const bucket of ["hour", "day"] as const) {
      expect(bucketStarts({ from, to }, bucket, tz).filter((t) => t > from)).toEqual(scanned(from, to, bucket, tz));
    }
  });
});

describe("formatBucketStart", () => {
  it("writes the offset of the zone at that instant", () => {
    expect(formatBucketStart(Date.parse("2026-03-29T01:00:00Z"), "Europe/Paris")).toBe("2026-03-29T03:00:00+02:00");
  });

  it("writes +00:00 for UTC and a minus sign west of Greenwich", () => {
    expect(formatBucketStart(Date.parse("2026-01-01T00:00:00Z"), "UTC")).toBe("2026-01-01T00:00:00+00:00");
    expect(formatBucketStart(Date.parse("2026-01-01T00:00:00Z"), "America/St_Johns")).toBe("2025-12-31T20:30:00-03:30");
  });
});

describe("localMidnight", () => {
  it("is the start of the local day holding now", () => {
    expect(localMidnight(Date.parse("2026-03-02T22:59:00Z"), "Europe/Paris")).toBe(Date.parse("2026-03-01T23:00:00Z"));
    expect(localMidnight(Date.parse("2026-03-02T23:00:00Z"), "Europe/Paris")).toBe(Date.parse("2026-03-02T23:00:00Z"));
  });

  it("is the first instant of a day that skips midnight", () => {
    // America/Havana springs forward at 00:00 local to 01:00 (2026-03-08).
    expect(formatBucketStart(localMidnight(Date.parse("2026-03-08T12:00:00Z"), "America/Havana"), "America/Havana")).toBe("2026-03-08T01:00:00-04:00");
  });
});

describe("localTime", () => {
  it("gives the local wall clock with an ISO weekday", () => {
    expect(localTime(Date.parse("2026-03-29T01:30:00Z"), "Europe/Paris")).toEqual({ year: 2026, month: 3, day: 29, hour: 3, minute: 30, second: 0, weekday: 7, offsetMinutes: 120 });
  });
});

describe("calendarDay", () => {
  it("gives back the midnight of every real day it is given as YYYY-MM-DD, and null for days the calendar lacks (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1970, 0, 1) / DAY, max: Date.UTC(2200, 0, 1) / DAY }), (day) => {
        expect(calendarDay(new Date(day * DAY).toISOString().slice(0, 10))).toBe(day * DAY);
      }),
    );
    for (const bad of ["2026-02-29", "2026-02-30", "2026-13-01", "2026-00-10", "2026-4-01", "2026-04-31", "0050-12-25", ""]) expect(calendarDay(bad), bad).toBeNull();
    expect(calendarDay("2028-02-29")).toBe(Date.UTC(2028, 1, 29));
  });
});

describe("zonesByClock", () => {
  const from = Date.UTC(2026, 11, 1);
  const year = { from, to: from + 366 * 86_400_000 };
  it("puts Berlin, Madrid and Rome in one group: the same offsets and changes all year", () => {
    expect(zonesByClock(["Europe/Berlin", "Europe/Madrid", "Europe/Rome"], year.from, year.to)).toEqual([["Europe/Berlin", "Europe/Madrid", "Europe/Rome"]]);
  });
  it("keeps London apart from Paris (an hour behind) and New York from Paris (its clocks change on other Sundays)", () => {
    expect(zonesByClock(["Europe/Paris", "Europe/London", "Europe/Berlin"], year.from, year.to)).toEqual([["Europe/Paris", "Europe/Berlin"], ["Europe/London"]]);
    expect(zonesByClock(["America/New_York", "America/Toronto", "Europe/Paris"], year.from, year.to)).toEqual([["America/New_York", "America/Toronto"], ["Europe/Paris"]]);
  });
  it("agrees where clocks agree over the period only (Lisbon with London; Phoenix with Denver in December, not over the year)", () => {
    expect(zonesByClock(["Europe/Lisbon", "Europe/London"], year.from, year.to)).toEqual([["Europe/Lisbon", "Europe/London"]]);
    // Arizona keeps UTC-7 all year, Denver only in winter: the same in December, not over the year.
    expect(zonesByClock(["America/Phoenix", "America/Denver"], from, from + 30 * 86_400_000)).toEqual([["America/Phoenix", "America/Denver"]]);
    expect(zonesByClock(["America/Phoenix", "America/Denver"], year.from, year.to)).toEqual([["America/Phoenix"], ["America/Denver"]]);
  });
  it("refuses an unknown zone", () => {
    expect(() => zonesByClock(["Mars/Olympus"], year.from, year.to)).toThrow(RangeError);
  });
});
