import { describe, expect, it } from "vitest";
import { bucketStarts } from "../domain/calendar.js";
import { localGrid, type Series } from "./series.js";
import { dayFlags, specialDaysProblems } from "./special-days.js";

const H = 3_600_000;
function hours(fromIso: string, n: number, tz: string): Series {
  const from = Date.parse(fromIso);
  const starts = bucketStarts({ from, to: from + n * H }, "hour", tz);
  return { grain: "hour", timeZone: tz, starts, values: starts.map(() => 0) };
}

describe("dayFlags", () => {
  it("flags every hour of a holiday's local date, in the store's zone", () => {
    // Melbourne is UTC+10 in June: local 13 June 2016 runs from 12 June 14:00Z to 13 June 14:00Z
    const s = hours("2016-06-12T12:00:00Z", 30, "Australia/Melbourne");
    const { holiday } = dayFlags(s, localGrid(s), { holidays: ["2016-06-13"] });
    expect(Array.from(holiday.slice(0, 4))).toEqual([0, 0, 1, 1]);
    expect(holiday.reduce((a, b) => a + b, 0)).toBe(24);
  });
  it("flags the hours an event overlaps, [from, to)", () => {
    const s = hours("2005-08-01T00:00:00Z", 6, "UTC");
    const { event } = dayFlags(s, localGrid(s), { events: [{ from: Date.parse("2005-08-01T01:30:00Z"), to: Date.parse("2005-08-01T03:00:00Z") }] });
    expect(Array.from(event)).toEqual([0, 1, 1, 0, 0, 0]);
  });
  it("carries each hour's largest event weight (default 1), and on the hour before a start", () => {
    const s = hours("2005-08-01T00:00:00Z", 6, "UTC");
    const at = (h: number, m = 0) => Date.parse(`2005-08-01T0${h}:${m ? "30" : "00"}:00Z`);
    const { eventWeight, eventStartWeight } = dayFlags(s, localGrid(s), {
      events: [
        { from: at(1, 30), to: at(3), weight: 1 / 3 },
        { from: at(2), to: at(4), weight: 1 },
        { from: at(5), to: at(5, 30) },
      ],
    });
    expect(Array.from(eventWeight)).toEqual([0, Math.fround(1 / 3), 1, 1, 0, 1]);
    // a start flags the buckets overlapping the hour before it, the start included
    expect(Array.from(eventStartWeight)).toEqual([Math.fround(1 / 3), 1, 1, 0, 1, 1]);
    expect(specialDaysProblems({ events: [{ from: 1, to: 2, weight: -1 }] })).toEqual(["/events/0/weight: needs a number >= 0"]);
  });
  it("names each bad entry and refuses to guess", () => {
    expect(specialDaysProblems({ holidays: ["2016-13-01"], events: [{ from: 5, to: 5 }] })).toEqual([
      '/holidays/0: "2016-13-01" is not a date YYYY-MM-DD',
      "/events/0: needs from < to (epoch ms)",
    ]);
    const s = hours("2005-08-01T00:00:00Z", 2, "UTC");
    expect(() => dayFlags(s, localGrid(s), { holidays: ["tomorrow"] })).toThrow(/holidays\/0/);
  });
});
