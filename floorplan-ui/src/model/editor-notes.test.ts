import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { savedText, supersededNote } from "./editor-notes.js";
import { supersededBy } from "./editor.js";
import { clockIn2026 } from "./clock-year.testing.js";

// Its fixtures are dated in 2026, and dates of another year than now's say their year.
clockIn2026();

const TZ = "Europe/Paris";
// The walk-through's store: version 2 started at 02:05:17 on Sun 6 Dec (CET), a few seconds after the minute the Versions list shows.
const V1 = { version: 1, validFrom: Date.UTC(2026, 11, 1, 8) };
const V2 = { version: 2, validFrom: Date.UTC(2026, 11, 6, 1, 5, 17) };
const NOW = Date.UTC(2026, 11, 7, 12, 39);
const TYPED = Date.UTC(2026, 11, 6, 1, 5); // "02:05" typed in “Valid from”

describe("the note when a later version would take over (supersededNote)", () => {
  it("says a version already in force has been in force since its start, with seconds when the minutes match, not 'takes effect later'", () => {
    const note = supersededNote([V1, V2], V2, TYPED, NOW, TZ);
    expect(note).toMatch(/^Version 2 has been in force since Sun 6 Dec, 02:05:17 CET, a few seconds after the time you typed \(Sun 6 Dec, 02:05:00 CET\): /);
    expect(note).not.toContain("later, from");
    expect(note).toContain("To make this the current layout, choose a later time (now, say).");
  });

  it("says a past version replaced since took effect then, and which version is in force now", () => {
    const v3 = { version: 3, validFrom: Date.UTC(2026, 11, 6, 17) };
    expect(supersededNote([V1, V2, v3], V2, Date.UTC(2026, 11, 5, 9, 1), NOW, TZ)).toMatch(/^Version 2 took effect on Sun 6 Dec, 02:05 CET, 16 h 04 min after the time you typed \(Sat 5 Dec, 10:01 CET\), and version 3 has been in force since Sun 6 Dec, 18:00 CET: /);
  });

  it("keeps 'takes effect later' for a version saved for later", () => {
    const later = { version: 3, validFrom: Date.UTC(2026, 11, 9, 7) };
    expect(supersededNote([V1, V2, later], later, NOW, NOW, TZ)).toBe("Version 3 takes effect later, from Wed 9 Dec, 08:00 CET: this version would be in force only until then, and the store would go back to version 3 after it. To make this the current layout, choose a time from then on.");
  });

  it("speaks of the future only for a version not in force yet, and never shows the two times alike when they differ", () => {
    const day = 86_400_000;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 * day }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 20 * day }), fc.integer({ min: 0, max: 20 * day }), (starts, typedOff, nowOff) => {
        const base = Date.UTC(2026, 2, 20); // across a DST change
        const versions = starts.map((s, i) => ({ version: i + 1, validFrom: base + s }));
        const typed = base + typedOff;
        const taken = supersededBy(versions, typed);
        if (taken === null) return;
        const note = supersededNote(versions, taken, typed, base + nowOff, TZ);
        expect(note.includes("takes effect later")).toBe(taken.validFrom > base + nowOff);
        if (taken.validFrom <= base + nowOff && Math.floor(taken.validFrom / 1000) !== Math.floor(typed / 1000)) {
          const [, at, typedShown] = /(?:since|on) (.+? [A-Z]+[+\d:]*), .*after the time you typed \((.+?)\)/.exec(note) ?? [];
          expect(at).toBeDefined();
          expect(at).not.toBe(typedShown);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("the message after a save (savedText)", () => {
  it("says a version saved from a past time is in force until the next one, not 'Saved as version 4.' alone", () => {
    const v3 = { version: 3, validFrom: Date.UTC(2026, 11, 6, 1, 5) };
    const v4 = { version: 4, validFrom: Date.UTC(2026, 11, 5, 9, 1) };
    expect(savedText([V1, v3, v4], v4, NOW, TZ)).toBe("Saved as version 4, in force from Sat 5 Dec, 10:01 CET until version 3 on Sun 6 Dec, 02:05 CET: a past span, whose figures are now read on it. The layout in force now is unchanged.");
  });

  it("says 'in force now' when no later version exists, and until when a version saved for later takes over", () => {
    const v4 = { version: 4, validFrom: Date.UTC(2026, 11, 7, 9) };
    expect(savedText([V1, V2, v4], v4, NOW, TZ)).toBe("Saved as version 4, in force now (from Mon 7 Dec, 10:00 CET).");
    const v5 = { version: 5, validFrom: Date.UTC(2026, 11, 9, 7) };
    expect(savedText([V1, V2, v4, v5], v4, NOW, TZ)).toBe("Saved as version 4, in force from Mon 7 Dec, 10:00 CET, now too, until version 5 takes effect on Wed 9 Dec, 08:00 CET.");
  });
});
