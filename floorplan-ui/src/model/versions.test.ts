import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { versionPeriods } from "./versions.js";
import { clockIn2026 } from "./clock-year.testing.js";

// Its fixtures are dated in 2026, and dates of another year than now's say their year.
clockIn2026();

const H = 3_600_000;
// Sat 5 Dec 2026, 12:00 UTC (13:00 in Paris).
const NOW = Date.UTC(2026, 11, 5, 12);
const v = (version: number, validFrom: number) => ({ version, validFrom });

describe("the layout editor's Versions list", () => {
  it("marks the version in force now, those saved for later and those past, with their periods", () => {
    const periods = versionPeriods([v(3, Date.UTC(2026, 11, 7, 8)), v(2, Date.UTC(2026, 11, 1, 8)), v(1, Date.UTC(2026, 10, 20, 8))], NOW, "Europe/Paris");
    expect(periods.map((p) => [p.version, p.state, p.text])).toEqual([
      [3, "scheduled", "from Mon 7 Dec, 09:00 CET"],
      [2, "in force", "from Tue 1 Dec, 09:00 CET, until Mon 7 Dec, 09:00 CET"],
      [1, "past", "from Fri 20 Nov, 09:00 CET until Tue 1 Dec, 09:00 CET"],
    ]);
  });

  it("puts a version saved with an earlier date than a scheduled one in force until that one", () => {
    // v2 scheduled for Thursday; v3 saved afterwards from Wednesday: v3 is in force now, v2 still to come.
    const periods = versionPeriods([v(1, NOW - 48 * H), v(2, NOW + 48 * H), v(3, NOW - H)], NOW, "UTC");
    expect(periods.map((p) => p.state)).toEqual(["past", "scheduled", "in force"]);
    expect(periods[2]!.until).toBe(NOW + 48 * H);
  });

  it("says a version replaced at its own time by a later one was never in force", () => {
    const periods = versionPeriods([v(1, NOW - 48 * H), v(2, NOW - H), v(3, NOW - H)], NOW, "UTC");
    expect(periods.map((p) => p.state)).toEqual(["past", "past", "in force"]);
    expect(periods[1]!.replacedBy).toBe(3);
    expect(periods[1]!.text).toMatch(/never in force, v3 takes effect at the same time$/);
  });

  it("says the store's first version is in force before its date too", () => {
    const [p] = versionPeriods([v(1, NOW + 2 * H)], NOW, "UTC");
    expect(p!.state).toBe("in force");
    expect(p!.text).toBe("dated Sat 5 Dec, 14:00 UTC: the store's first version, in force before its date too");
  });

  it("agrees with the layout in force at every hour (property, against a naive reference)", () => {
    const versions = fc.uniqueArray(
      fc.record({ version: fc.integer({ min: 1, max: 40 }), validFrom: fc.integer({ min: -30, max: 30 }).map((h) => NOW + h * H) }),
      { selector: (x) => x.version, minLength: 1, maxLength: 8 },
    );
    fc.assert(
      fc.property(versions, (layouts) => {
        const periods = versionPeriods(layouts, NOW, "UTC");
        // Naive reference: the version in force at `ts` is the one with the greatest (validFrom, version) at or before ts, else the first.
        const sorted = [...layouts].sort((a, b) => a.validFrom - b.validFrom || a.version - b.version);
        const at = (ts: number) => [...sorted].reverse().find((l) => l.validFrom <= ts) ?? sorted[0]!;
        expect(periods.filter((p) => p.state === "in force").map((p) => p.version)).toEqual([at(NOW).version]);
        for (const p of periods) {
          if (p.state === "scheduled") expect(p.validFrom).toBeGreaterThan(NOW);
          if (p.state === "past") expect(p.validFrom).toBeLessThanOrEqual(NOW);
          if (p.replacedBy !== null) {
            expect(at(p.validFrom).version).not.toBe(p.version);
            continue;
          }
          // In force from its validFrom (or before it: a first version) up to `until`, not at `until`.
          if (p.state !== "in force" || p.validFrom <= NOW) expect(at(p.validFrom).version).toBe(p.version);
          if (p.until !== null) {
            expect(at(p.until - 1).version).toBe(p.version);
            expect(at(p.until).version).not.toBe(p.version);
          } else expect(at(NOW + 100 * H).version).toBe(p.version);
        }
      }),
    );
  });
});
