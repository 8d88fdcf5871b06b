import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { hourOfDay, hourOfWeek, secondsOfDay } from "./clock.js";

/**
 * The simulator's local clock (secondsOfDay, hourOfDay, hourOfWeek) against Intl asked at each
 * instant, as the helpers did before they read cached offsets: random instants in zones with DST
 * in either hemisphere and a half-hour zone, and instants within two hours of each of their changes.
 */
const ZONES = ["Europe/Paris", "America/New_York", "Australia/Melbourne", "Asia/Kolkata", "UTC"];
const FROM = Date.UTC(1990, 0, 1);
const TO = Date.UTC(2040, 0, 1);

const parts = (ms: number, timeZone: string) => {
  const f = new Intl.DateTimeFormat("en-GB", { timeZone, hourCycle: "h23", weekday: "short", hour: "numeric", minute: "numeric", second: "numeric" });
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  return { h: Number(p.hour), m: Number(p.minute), s: Number(p.second), weekday: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(p.weekday!) };
};
const refSeconds = (ms: number, tz: string) => {
  const p = parts(ms, tz);
  return p.h * 3600 + p.m * 60 + p.s;
};
const refHourOfWeek = (ms: number, tz: string) => {
  const p = parts(ms, tz);
  return p.weekday * 24 + p.h;
};

/** Intl's UTC offset at `ms` (minutes), from its wall clock. */
const intlOffset = (ms: number, tz: string) => {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" })
      .formatToParts(ms)
      .map((x) => [x.type, x.value]),
  );
  return (Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute)) - Math.floor(ms / 60_000) * 60_000) / 60_000;
};

/** Every instant 2022-2028 at which `tz`'s offset changes, found with Intl (daily samples, then bisected to the minute). */
function changesOf(tz: string): number[] {
  const out: number[] = [];
  const DAY = 86_400_000;
  for (let t = Date.UTC(2022, 0, 1); t < Date.UTC(2028, 0, 1); t += DAY) {
    if (intlOffset(t, tz) === intlOffset(t + DAY, tz)) continue;
    let lo = t;
    let hi = t + DAY;
    while (hi - lo > 60_000) {
      const mid = Math.floor((lo + hi) / 120_000) * 60_000;
      if (intlOffset(mid, tz) === intlOffset(t, tz)) lo = mid;
      else hi = mid;
    }
    out.push(hi);
  }
  return out;
}

const EDGES = ZONES.flatMap((tz) => changesOf(tz).map((at) => ({ tz, at })));

describe("the simulator's local clock without Intl per event", () => {
  it("finds the DST changes it is tested at (spring and autumn, 2022-2027, in Paris, New York and Melbourne)", () => {
    for (const tz of ["Europe/Paris", "America/New_York", "Australia/Melbourne"]) expect(EDGES.filter((e) => e.tz === tz)).toHaveLength(12);
    expect(EDGES.filter((e) => e.tz === "Asia/Kolkata")).toHaveLength(0);
  });

  it("gives Intl's seconds of the day, hour of the day and hour of the week at random instants", () => {
    fc.assert(
      fc.property(fc.integer({ min: FROM, max: TO }), fc.constantFrom(...ZONES), (ms, tz) => {
        expect(secondsOfDay(ms, tz)).toBe(refSeconds(ms, tz));
        expect(hourOfDay(ms, tz)).toBe(Math.floor(refSeconds(ms, tz) / 3600));
        expect(hourOfWeek(ms, tz)).toBe(refHourOfWeek(ms, tz));
      }),
      { numRuns: 2000 },
    );
  });

  it("gives Intl's answers within two hours of each DST change, to the millisecond", () => {
    fc.assert(
      fc.property(fc.constantFrom(...EDGES), fc.integer({ min: -2 * 3_600_000, max: 2 * 3_600_000 }), ({ tz, at }, d) => {
        const ms = at + d;
        expect(secondsOfDay(ms, tz)).toBe(refSeconds(ms, tz));
        expect(hourOfWeek(ms, tz)).toBe(refHourOfWeek(ms, tz));
      }),
      { numRuns: 3000 },
    );
  });

  it("steps at the change itself: the last millisecond before it and the change's own instant", () => {
    for (const { tz, at } of EDGES) {
      for (const ms of [at - 1, at, at + 999, at + 1000]) {
        expect(secondsOfDay(ms, tz), `${tz} ${new Date(ms).toISOString()}`).toBe(refSeconds(ms, tz));
        expect(hourOfWeek(ms, tz)).toBe(refHourOfWeek(ms, tz));
      }
    }
  });

  it("reads an unknown zone as UTC, and still refuses a time Intl cannot format", () => {
    const ms = Date.UTC(2026, 2, 29, 1, 30, 15);
    expect(secondsOfDay(ms, "Mars/Olympus")).toBe(5415);
    expect(hourOfWeek(ms, "Mars/Olympus")).toBe(6 * 24 + 1); // a Sunday
    expect(() => secondsOfDay(Number.NaN, "Europe/Paris")).toThrow(RangeError);
  });
});
