import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dayIntervalProblems, nextInterval, type DayInterval } from "./hours-editor.js";

const fmt = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const arbInterval = fc.tuple(fc.integer({ min: 0, max: 24 * 60 }), fc.integer({ min: 0, max: 24 * 60 })).map(([a, b]) => ({ open: fmt(Math.min(a, 23 * 60 + 59)), close: fmt(b) }));

/** Reference: fine when every interval is non-empty, they start in order and no minute is open twice. */
function fine(ivs: readonly DayInterval[]): boolean {
  const m = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  const minutes = new Uint8Array(24 * 60);
  for (let i = 0; i < ivs.length; i++) {
    const { open, close } = ivs[i]!;
    if (m(close) <= m(open)) return false;
    if (i > 0 && m(open) < m(ivs[i - 1]!.open)) return false;
    for (let t = m(open); t < m(close); t++) if (minutes[t]!++) return false;
  }
  return true;
}

describe("dayIntervalProblems", () => {
  it("finds no problem exactly when the intervals are non-empty, in order and disjoint (reference: a minute map)", () => {
    fc.assert(
      fc.property(fc.array(arbInterval, { maxLength: 4 }), (ivs) => {
        expect(dayIntervalProblems("Monday", ivs).length === 0).toBe(fine(ivs));
      }),
    );
  });
  it("says what is wrong, naming the day and the intervals", () => {
    expect(dayIntervalProblems("Monday", [{ open: "09:00", close: "12:30" }, { open: "12:30", close: "19:00" }])).toEqual([]);
    expect(dayIntervalProblems("Monday", [{ open: "09:00", close: "13:00" }, { open: "12:30", close: "19:00" }])).toEqual(["Monday: 09:00-13:00 and 12:30-19:00 overlap"]);
    expect(dayIntervalProblems("Monday", [{ open: "14:00", close: "19:00" }, { open: "09:00", close: "12:30" }])).toEqual([
      "Monday: 09:00-12:30 is listed after 14:00-19:00: put the intervals in time order",
    ]);
    expect(dayIntervalProblems("Friday", [{ open: "20:00", close: "02:00" }])[0]).toMatch(/^Friday: 20:00-02:00 closes before it opens/);
    expect(dayIntervalProblems("Friday", [{ open: "", close: "02:00" }])).toEqual(["Friday: interval 1 needs an opening and a closing time (HH:MM)"]);
  });
});

describe("nextInterval", () => {
  it("adds an interval that fits after the last one", () => {
    fc.assert(
      fc.property(fc.array(arbInterval, { maxLength: 3 }), (ivs) => {
        if (!fine(ivs)) return;
        const n = nextInterval(ivs);
        if (n) expect(fine([...ivs, n])).toBe(true);
      }),
    );
    expect(nextInterval([])).toEqual({ open: "09:00", close: "19:00" });
    expect(nextInterval([{ open: "09:00", close: "12:30" }])).toEqual({ open: "13:30", close: "17:30" });
    expect(nextInterval([{ open: "09:00", close: "24:00" }])).toBeNull();
  });
});
