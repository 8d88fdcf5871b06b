import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketStarts } from "../domain/calendar.js";
import { localGrid, type Series } from "./series.js";
import { ARRIVE_AFTER, ARRIVE_BEFORE, dayFlags, LEAVE_AFTER, LEAVE_BEFORE, overlapShare, specialDaysProblems } from "./special-days.js";

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

  it("weighs arrivals and departures by the share of each hour inside the event's windows, to the minute", () => {
    const s = hours("2005-10-03T12:00:00Z", 8, "UTC"); // 12:00 .. 19:00
    const at = (hm: string) => Date.parse(`2005-10-03T${hm}:00Z`);
    const { eventArrive, eventLeave } = dayFlags(s, localGrid(s), { events: [{ from: at("15:30"), to: at("17:00"), weight: 0.5 }] });
    // arrivals 14:30-16:00: half of 14:00, all of 15:00; departures 16:30-18:00: half of 16:00, all of 17:00
    expect(Array.from(eventArrive)).toEqual([0, 0, 0.25, 0.5, 0, 0, 0, 0]);
    expect(Array.from(eventLeave)).toEqual([0, 0, 0, 0, 0.25, 0.5, 0, 0]);
  });
});

describe("overlapShare", () => {
  /** Reference: count the whole minutes of [start, end) inside [from, to). */
  const minutes = (start: number, end: number, from: number, to: number): number => {
    let n = 0;
    for (let m = start; m < end; m++) if (m >= from && m < to) n++;
    return end > start ? n / (end - start) : 0;
  };
  it("is the share of the bucket's minutes inside the window", () => {
    const t = fc.integer({ min: 0, max: 300 });
    fc.assert(
      fc.property(t, t, t, t, (start, end, from, to) => {
        expect(overlapShare(start, end, from, to)).toBeCloseTo(minutes(start, end, from, to), 12);
      }),
    );
  });
});

describe("event arrival and departure weights", () => {
  const M = 60_000;
  it("each hour carries the largest weight x share over the events (reference: minute by minute)", () => {
    const s = hours("2005-08-01T00:00:00Z", 12, "UTC");
    const t0 = s.starts[0]!;
    const event = fc
      .record({ from: fc.integer({ min: -90, max: 12 * 60 }), len: fc.integer({ min: 1, max: 300 }), weight: fc.option(fc.double({ min: 0, max: 2, noNaN: true }), { nil: undefined }) })
      .map(({ from, len, weight }) => ({ from: t0 + from * M, to: t0 + (from + len) * M, ...(weight === undefined ? {} : { weight }) }));
    fc.assert(
      fc.property(fc.array(event, { maxLength: 5 }), (events) => {
        const { eventArrive, eventLeave } = dayFlags(s, localGrid(s), { events });
        const ref = (i: number, window: (e: (typeof events)[number]) => [number, number]): number => {
          const start = s.starts[i]!;
          let best = 0;
          for (const e of events) {
            const [from, to] = window(e);
            let inside = 0;
            for (let m = start; m < start + 60 * M; m += M) if (m >= from && m < to) inside++;
            best = Math.max(best, (e.weight ?? 1) * (inside / 60));
          }
          return best;
        };
        for (let i = 0; i < s.starts.length; i++) {
          expect(eventArrive[i]).toBeCloseTo(Math.fround(ref(i, (e) => [e.from - ARRIVE_BEFORE, e.from + ARRIVE_AFTER])), 5);
          expect(eventLeave[i]).toBeCloseTo(Math.fround(ref(i, (e) => [e.to - LEAVE_BEFORE, e.to + LEAVE_AFTER])), 5);
        }
      }),
    );
  });
});
