import { describe, expect, it } from "vitest";
import { bucketStarts, formatBucketStart, type TrafficBucket } from "@footfall/core";
import { localParts, noEntersWords, notCountedHours, notCountedRuns, outageChange, zoneOutageChange, slotsTotal, trafficOutageNote, trafficSlots, weekGridNotCounted, weekHourGrid, zonesOutageNote } from "./traffic.js";
import { clockIn2026 } from "./clock-year.testing.js";

// Its fixtures are dated in 2026, and dates of another year than now's say their year.
clockIn2026();

const b = (start: string, enters: number, zones: Record<string, number> = {}): TrafficBucket => ({ start, enters, zones });

describe("localParts", () => {
  it("reads the store's local hour and weekday from the offset timestamp", () => {
    // 2026-11-22 is a Sunday; the hour is local (UTC+1), not UTC.
    expect(localParts("2026-11-22T09:00:00+01:00")).toEqual({ day: "2026-11-22", hour: 9, weekday: 6 });
    expect(localParts("2026-11-23T00:00:00+01:00")?.weekday).toBe(0);
  });
});

describe("weekHourGrid", () => {
  it("adds up the same hour of the same weekday across weeks", () => {
    const grid = weekHourGrid([b("2026-11-16T10:00:00+01:00", 3), b("2026-11-23T10:00:00+01:00", 4), b("2026-11-17T18:00:00+01:00", 1)]);
    expect(grid.cells.find(([h, d]) => h === 10 && d === 0)![2]).toBe(7);
    expect(grid.max).toBe(7);
    expect(grid.total).toBe(8);
    expect(grid.cells).toHaveLength(7 * 24);
  });
  it("falls back to all zones' enters for a layout without an entrance", () => {
    expect(weekHourGrid([b("2026-11-16T10:00:00+01:00", 0, { a: 2, b: 5 })], true).total).toBe(7);
  });
});

describe("trafficSlots around offset changes", () => {
  /** The server's buckets of the range (core bucketStarts), each with one enter. */
  const serverBuckets = (from: number, to: number, bucket: "hour" | "day", zone: string) => bucketStarts({ from, to }, bucket, zone).map((t) => b(formatBucketStart(t, zone), 1));
  it.each([
    ["America/Santiago", "2024-09-06T04:00:00Z", 5, "day"], // 8 Sep starts at 01:00
    ["America/Havana", "2026-03-06T05:00:00Z", 5, "day"],
    ["Australia/Adelaide", "2029-03-30T13:30:00Z", 5, "day"], // 1 Apr lasts 25 h
    ["Australia/Lord_Howe", "2026-04-04T13:00:00Z", 1, "hour"], // 02:00 +11 -> 01:30 +10:30
    ["Europe/Paris", "2026-10-24T22:00:00Z", 1, "hour"], // 03:00 +02 -> 02:00 +01
    ["America/Santiago", "2024-09-07T04:00:00Z", 1, "hour"],
  ] as const)("%s from %s (%i days, %s): one slot per server bucket, each ending where the next starts", (zone, start, days, bucket) => {
    const from = Date.parse(start);
    const to = from + days * 86_400_000;
    const buckets = serverBuckets(from, to, bucket, zone);
    const slots = trafficSlots(buckets, { from, to, days }, bucket, zone);
    expect(slots.map((s) => s.start)).toEqual(buckets.map((x) => Date.parse(x.start)));
    expect(slots.every((s) => s.value === 1)).toBe(true);
    for (let i = 0; i + 1 < slots.length; i++) expect(slots[i]!.end).toBe(slots[i + 1]!.start);
  });
});

describe("trafficSlots", () => {
  const PARIS = "Europe/Paris";
  it("fills every hour of a day, zeros where no bucket came", () => {
    const from = Date.parse("2026-11-21T23:00:00Z");
    const slots = trafficSlots([b("2026-11-22T09:00:00+01:00", 5)], { from, to: from + 86_400_000, days: 1 }, "hour", PARIS);
    expect(slots).toHaveLength(24);
    expect(slots[9]).toMatchObject({ label: "09:00", value: 5 });
    expect(slotsTotal(slots)).toBe(5);
  });
  it("names the hour the clocks go back over twice by its zone, so the chart and its tooltip show 02:00 CEST then 02:00 CET", () => {
    const from = Date.parse("2026-10-24T22:00:00Z"); // Sun 25 Oct in Paris: 25 hours
    const slots = trafficSlots([b("2026-10-25T02:00:00+02:00", 3), b("2026-10-25T02:00:00+01:00", 4)], { from, to: Date.parse("2026-10-25T23:00:00Z"), days: 1 }, "hour", PARIS);
    expect(slots).toHaveLength(25);
    expect(slots.slice(1, 5).map((s) => [s.label, s.value])).toEqual([["01:00", 0], ["02:00 CEST", 3], ["02:00 CET", 4], ["03:00", 0]]);
    expect(new Set(slots.map((s) => s.label)).size).toBe(25);
  });
  it("walks local days across a DST change", () => {
    const from = Date.parse("2026-03-27T23:00:00Z");
    const slots = trafficSlots([b("2026-03-30T00:00:00+02:00", 2)], { from, to: Date.parse("2026-03-30T22:00:00Z"), days: 3 }, "day", PARIS);
    expect(slots.map((s) => s.value)).toEqual([0, 0, 2]);
  });
});

describe("trafficSlots in a half-hour zone", () => {
  it("aligns hours to local hours", () => {
    const from = Date.parse("2026-11-21T18:30:00Z"); // midnight in Kolkata (UTC+05:30)
    const slots = trafficSlots([b("2026-11-22T01:00:00+05:30", 1)], { from, to: from + 3 * 3_600_000, days: null }, "hour", "Asia/Kolkata");
    expect(slots.map((s) => s.value)).toEqual([0, 1, 0]);
  });
});

describe("no data is not zero", () => {
  const PARIS = "Europe/Paris";
  const from = Date.parse("2026-11-15T23:00:00Z"); // Mon 16 Nov 00:00 in Paris
  const days = { from, to: from + 7 * 86_400_000, days: 7 };
  const dataFrom = Date.parse("2026-11-20T08:00:00Z"); // the store's first figures: Fri 09:00 local
  const coverage = { from: dataFrom, now: from + 7 * 86_400_000 };
  it("leaves the days before the store's first figures empty, and keeps real zeros after", () => {
    const slots = trafficSlots([b("2026-11-20T00:00:00+01:00", 40)], days, "day", PARIS, false, coverage);
    expect(slots.map((s) => s.value)).toEqual([null, null, null, null, 40, 0, 0]);
    expect(slotsTotal(slots)).toBe(40);
  });
  it("has no total at all for a range before any figure", () => {
    const slots = trafficSlots([], days, "day", PARIS, false, { from: null, now: days.to });
    expect(slots.every((s) => s.value === null)).toBe(true);
    expect(slotsTotal(slots)).toBeNull();
  });
  it("leaves the slots after now empty", () => {
    const slots = trafficSlots([], { from, to: from + 86_400_000, days: 1 }, "hour", PARIS, false, { from: 0, now: from + 10 * 3_600_000 + 1 });
    expect(slots.filter((s) => s.value !== null)).toHaveLength(11);
  });
  it("paints only the grid cells an hour with data falls in", () => {
    // One day of hourly buckets (a Friday), zeros included: the other six weekdays are "no data".
    const hours = Array.from({ length: 24 }, (_, h) => b(`2026-11-20T${String(h).padStart(2, "0")}:00:00+01:00`, h === 12 ? 5 : 0));
    const g = weekHourGrid(hours, false, { from: dataFrom, now: Date.parse("2026-11-21T00:00:00Z") });
    expect(g.covered).toBe(15); // 09:00 to 23:00 on Friday
    expect(g.cells.find(([h, d]) => h === 12 && d === 4)![2]).toBe(5);
    expect(g.cells.find(([h, d]) => h === 20 && d === 4)![2]).toBe(0);
    expect(g.cells.find(([h, d]) => h === 8 && d === 4)![2]).toBeNull();
    expect(g.cells.find(([h, d]) => h === 12 && d === 0)![2]).toBeNull();
  });
});

describe("the hours a store's entrance was counted by no agent (GET .../traffic's outages)", () => {
  // The entrance camera of a Paris store offline 14:00-18:00 CET on Mon 30 Nov: those hours read as nobody there.
  const outage = { hours: 4, zones: ["entrance"], spans: [{ from: Date.UTC(2026, 10, 30, 13), to: Date.UTC(2026, 10, 30, 17) }] };
  const day = { from: Date.UTC(2026, 10, 29, 23), to: Date.UTC(2026, 10, 30, 23), days: 1 };

  it("marks the hours of the chart nobody counted, and says which", () => {
    const slots = trafficSlots([], day, "hour", "Europe/Paris");
    const hours = notCountedHours(slots, outage);
    expect(slots.filter((_, i) => hours[i]).map((s) => s.label)).toEqual(["14:00", "15:00", "16:00", "17:00"]);
    expect(notCountedRuns(hours)).toEqual([[14, 17]]);
    expect(trafficOutageNote(outage, "Europe/Paris")).toBe("Not counted 4 h (Mon 30 Nov, 14:00–18:00 CET)");
    // By day: the day holds the 4 hours.
    expect(notCountedHours(trafficSlots([], { from: day.from - 86_400_000, to: day.to + 86_400_000, days: 3 }, "day", "Europe/Paris"), outage)).toEqual([0, 4, 0]);
    expect(notCountedHours(trafficSlots([], day, "hour", "Europe/Paris"), null).every((h) => h === 0)).toBe(true);
    expect(trafficOutageNote(null, "UTC")).toBeNull();
  });

  it("gives no change where either period has an outage, '— not counted' with the hours of each in its title", () => {
    expect(outageChange(null, null, "Europe/Paris")).toBeNull();
    expect(outageChange(outage, null, "Europe/Paris")).toEqual({
      text: "— not counted",
      title: "The store's entrance was counted by no agent (offline) for 4 h (Mon 30 Nov, 14:00–18:00 CET) of this range: a change would read the outage as a change in traffic, so none is shown",
      note: "Not compared: this store's entrance was counted by no agent (offline) for 4 h (Mon 30 Nov, 14:00–18:00 CET) of this range. Those hours are short by what nobody counted, so no change is shown (\"— not counted\").",
    });
    // The day after: its previous day is the one with the outage, which would read as growth.
    expect(outageChange(undefined, outage, "Europe/Paris")?.title).toContain("for 4 h (Mon 30 Nov, 14:00–18:00 CET) of the previous period:");
  });
});

describe("the store manager's other screens and the hours a zone was counted by no agent", () => {
  // Mon 30 Nov 2026 in Paris: 14:00-18:00 nobody counted.
  const at = (h: number) => Date.parse(`2026-11-30T${String(h).padStart(2, "0")}:00:00+01:00`);
  const spans = [{ from: at(14), to: at(18) }];
  it("marks the week grid's Monday 14:00-17:00 cells, one hour each, summed over the weeks of the range", () => {
    const hours = Array.from({ length: 24 }, (_, h) => b(`2026-11-30T${String(h).padStart(2, "0")}:00:00+01:00`, 5));
    const cells = weekGridNotCounted(hours, { hours: 4, zones: ["entrance"], spans });
    expect([...cells]).toEqual([["0|14", 1], ["0|15", 1], ["0|16", 1], ["0|17", 1]]);
    expect(weekGridNotCounted(hours, null).size).toBe(0);
    // The grid's sums are as before: the marks say which of them are short.
    expect(weekHourGrid(hours).total).toBe(120);
  });
  it("names the zones nobody counted in the zone screens' note, with their hours, as the traffic chart's", () => {
    const fruit = { hours: 4, zones: ["fruit"], spans };
    expect(zonesOutageNote(fruit, "Europe/Paris", (z) => (z === "fruit" ? "Fruit & veg" : z))).toBe(
      "Not counted 4 h (Mon 30 Nov, 14:00–18:00 CET): Fruit & veg was counted by no agent (offline) in those open hours: its visits, dwell and trips in them are not known, not none",
    );
    expect(zonesOutageNote({ ...fruit, zones: ["entrance", "fruit", "bakery"] }, "Europe/Paris")).toMatch(/: entrance, fruit and bakery were counted by no agent \(offline\) in those open hours: their visits/);
    expect(zonesOutageNote(null, "Europe/Paris")).toBeNull();
  });
  it("gives no change for a zone nobody counted in either period, and the zones counted in both theirs", () => {
    const fruit = { hours: 4, zones: ["fruit"], spans };
    const before = { hours: 1, zones: ["fruit", "bakery"], spans: [{ from: at(14) - 86_400_000, to: at(15) - 86_400_000 }] };
    expect(zoneOutageChange("fruit", fruit, null, "Europe/Paris")).toEqual({
      text: "— not counted",
      title: "This zone was counted by no agent (offline) in open hours of this range (4 h (Mon 30 Nov, 14:00–18:00 CET)): a change would read the outage as a change in its figures, so none is shown",
    });
    // The previous period's outage only: its drop would read as growth now.
    expect(zoneOutageChange("bakery", fruit, before, "Europe/Paris")?.title).toBe(
      "This zone was counted by no agent (offline) in open hours of the previous period (1 h (Sun 29 Nov, 14:00–15:00 CET)): a change would read the outage as a change in its figures, so none is shown",
    );
    expect(zoneOutageChange("fruit", fruit, before, "Europe/Paris")?.title).toContain("of this range (4 h (Mon 30 Nov, 14:00–18:00 CET)) and in open hours of the previous period (1 h");
    // Zones counted throughout both keep their change.
    expect(zoneOutageChange("drinks", fruit, before, "Europe/Paris")).toBeNull();
    expect(zoneOutageChange("fruit", null, undefined, "Europe/Paris")).toBeNull();
  });
  it("says a range whose enters are 0 with hours nobody counted the entrance was not counted, not that nobody came", () => {
    expect(noEntersWords(null, "Europe/Paris")).toEqual({ title: "No enters in this range", text: null });
    expect(noEntersWords({ hours: 4, zones: ["entrance"], spans }, "Europe/Paris")).toEqual({
      title: "No enters counted in this range",
      text: "Not counted 4 h (Mon 30 Nov, 14:00–18:00 CET): the store's entrance was counted by no agent (offline) in those open hours, so their enters are not known, not none.",
    });
  });
});
