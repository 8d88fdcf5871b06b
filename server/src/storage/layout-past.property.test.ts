/**
 * pastVersionRefusal (a save at a past version's very instant, refused in the save's transaction) against a walk of the
 * clock: refused exactly when some version starts at the save's instant (after 0, by now); the version named is in force at
 * every instant from its validFrom until `until` (or now), and `until`, the first instant after it at which another is.
 * And storeTimeWords, the 409's instants in words, against the ISO time it names in the store's zone.
 */
import fc from "fast-check";
import { layoutAt } from "@footfall/core";
import { describe, expect, it } from "vitest";
import { storeTimeWords } from "../time-words.js";
import { laterInstant, pastVersionRefusal } from "./layout-past.js";
import type { LayoutVersion } from "./types.js";

const versions = fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 8 }).map((froms): LayoutVersion[] => froms.map((validFrom, i) => ({ version: i + 1, validFrom })));
const ordered = (vs: readonly LayoutVersion[]) => [...vs].sort((a, b) => a.validFrom - b.validFrom || a.version - b.version);

describe("pastVersionRefusal", () => {
  it("refuses a save exactly at a started version's instant, naming the version in force from then and when another took over", () => {
    fc.assert(
      fc.property(versions, fc.integer({ min: -2, max: 42 }), fc.integer({ min: 0, max: 42 }), (vs, validFrom, now) => {
        const res = pastVersionRefusal(vs, validFrom, now);
        const refused = validFrom > 0 && validFrom <= now && vs.some((v) => v.validFrom === validFrom);
        expect(res !== undefined).toBe(refused);
        if (!res) return;
        const sorted = ordered(vs);
        expect(res.past).toEqual(layoutAt(sorted, validFrom));
        // In force at every instant from its own validFrom up to `until` (or now), and not at `until`.
        const end = res.until ? res.until.validFrom : now + 1;
        for (let t = res.past.validFrom; t < end; t++) expect(layoutAt(sorted, t)?.version).toBe(res.past.version);
        if (res.until) {
          expect(res.until.validFrom).toBeLessThanOrEqual(now);
          expect(layoutAt(sorted, res.until.validFrom)).toEqual(res.until);
        } else for (const v of vs) expect(v.validFrom <= res.past.validFrom || v.validFrom > now).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("laterInstant (the instant a 409 'past version' suggests)", () => {
  // Instants within three minutes, many on whole minutes and seconds, so that versions begin less than a minute apart.
  const instant = fc.oneof(
    fc.integer({ min: 0, max: 3 }).map((m) => m * 60_000),
    fc.integer({ min: 0, max: 180 }).map((s) => s * 1_000),
    fc.integer({ min: 0, max: 180_000 }),
  );
  const times = fc.array(instant, { minLength: 1, maxLength: 6 }).map((froms): LayoutVersion[] => froms.map((validFrom, i) => ({ version: i + 1, validFrom })));
  it("is accepted, in the time the refused version was in force, and the first whole minute (else second, else millisecond) there", () => {
    fc.assert(
      fc.property(times, fc.nat(), instant, (vs, pick, now) => {
        const validFrom = vs[pick % vs.length]!.validFrom;
        const refusal = pastVersionRefusal(vs, validFrom, now);
        if (!refusal) return;
        const later = laterInstant(refusal, now);
        // The reference: every instant after the refused version's, in force by now, at which no version begins.
        const end = Math.min(now + 1, ...vs.filter((v) => v.validFrom > refusal.past.validFrom).map((v) => v.validFrom));
        const free: number[] = [];
        for (let at = refusal.past.validFrom + 1; at < end; at++) if (!vs.some((v) => v.validFrom === at)) free.push(at);
        const first = (step: number) => free.find((at) => at % step === 0);
        expect(later).toBe(first(60_000) ?? first(1_000) ?? first(1) ?? null);
        if (later === null) return;
        // Following it: a save there is not refused, and the refused version stays in force until it.
        expect(pastVersionRefusal(vs, later, now)).toBeUndefined();
        expect(layoutAt(ordered(vs), later - 1)?.version).toBe(refusal.past.version);
      }),
      { numRuns: 300 },
    );
  });
  it("two versions begun less than a minute apart, the later on the whole minute: not that minute (the old suggestion, refused again)", () => {
    const vs: LayoutVersion[] = [
      { version: 1, validFrom: 20_000 },
      { version: 2, validFrom: 60_000 },
    ];
    const refusal = pastVersionRefusal(vs, 20_000, 600_000)!;
    expect(laterInstant(refusal, 600_000)).toBe(21_000);
    expect(laterInstant(pastVersionRefusal([{ version: 1, validFrom: 5 }, { version: 2, validFrom: 6 }], 5, 600_000)!, 600_000)).toBeNull();
  });
});

describe("storeTimeWords", () => {
  it("names the store's local date and minute with its zone's short name", () => {
    expect(storeTimeWords(Date.UTC(2026, 10, 3, 8, 0), "Europe/Paris")).toBe("Tue 3 Nov 2026 09:00 CET");
    expect(storeTimeWords(Date.UTC(2026, 9, 1, 8, 0, 59), "Europe/Paris")).toBe("Thu 1 Oct 2026 10:00 CEST");
    expect(storeTimeWords(Date.UTC(2026, 11, 31, 23, 30), "America/New_York")).toBe("Thu 31 Dec 2026 18:30 GMT-5");
  });
  it("agrees with the local time the ISO form of the zone's offset gives", () => {
    const zones = ["Europe/Paris", "America/New_York", "Asia/Kolkata", "UTC", "Australia/Lord_Howe"];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }), fc.constantFrom(...zones), (ms, tz) => {
        const parts = Object.fromEntries(
          new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(ms).map((p) => [p.type, p.value]),
        );
        const local = new Date(Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!));
        const words = storeTimeWords(ms, tz).split(" ");
        expect(words.slice(1, 5)).toEqual([String(local.getUTCDate()), local.toLocaleString("en-GB", { month: "short", timeZone: "UTC" }), String(local.getUTCFullYear()), `${parts.hour}:${parts.minute}`]);
        expect(words[0]).toBe(local.toLocaleString("en-GB", { weekday: "short", timeZone: "UTC" }));
      }),
      { numRuns: 500 },
    );
  });
});
