import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hoursProblems, WEEKDAYS, type OpeningHours } from "@footfall/core";
import { dayIntervalProblems, draftOf, exceptionName, hoursOfDraft, MAX_INTERVALS, newException, nextInterval, readableDate, type DayInterval } from "./hours-editor.js";

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

/** Valid hours as the editor saves them: each day's intervals in time order and disjoint, one exception a date, sorted by date, notes trimmed and non-empty. */
const arbDay = fc
  .uniqueArray(fc.integer({ min: 0, max: 24 * 60 }), { maxLength: 12 })
  .map((ms) => [...ms].sort((a, b) => a - b))
  .map((ms) => {
    const out: DayInterval[] = [];
    for (let i = 0; i + 1 < ms.length && out.length < MAX_INTERVALS; i += 2) out.push({ open: fmt(ms[i]!), close: fmt(ms[i + 1]!) });
    return out;
  });
const arbDate = fc.date({ min: new Date(Date.UTC(2000, 0, 1)), max: new Date(Date.UTC(2099, 11, 31)), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const arbHours: fc.Arbitrary<OpeningHours> = fc
  .record({
    weekly: fc.record(Object.fromEntries(WEEKDAYS.map((d) => [d, arbDay])) as Record<(typeof WEEKDAYS)[number], typeof arbDay>),
    exceptions: fc.uniqueArray(
      fc.record({ date: arbDate, intervals: arbDay, note: fc.option(fc.string({ minLength: 1, maxLength: 20 }).map((s) => s.trim()), { nil: undefined }) }),
      { selector: (e) => e.date, maxLength: 8 },
    ),
  })
  .map((h) => ({
    weekly: h.weekly,
    exceptions: [...h.exceptions].sort((a, b) => a.date.localeCompare(b.date)).map((e) => ({ date: e.date, intervals: e.intervals, ...(e.note ? { note: e.note } : {}) })),
  }));

describe("the editor's draft and the API's hours", () => {
  it("round trip: hours -> draft -> hours is the identity for valid hours (which the server accepts too)", () => {
    fc.assert(
      fc.property(arbHours, (h) => {
        expect(hoursProblems(h)).toEqual([]);
        expect(hoursOfDraft(draftOf(h))).toEqual({ hours: h });
      }),
    );
  });
  it("sorts the exceptions by date on save, whatever order they were edited in, and trims notes", () => {
    fc.assert(
      fc.property(arbHours, fc.integer(), (h, seed) => {
        const draft = draftOf(h);
        const shuffled = [...draft.exceptions].sort((a, b) => ((a.key * 2654435761) ^ seed) % 97 - ((b.key * 2654435761) ^ seed) % 97);
        expect(hoursOfDraft({ ...draft, exceptions: shuffled })).toEqual({ hours: h });
      }),
    );
    const draft = draftOf(null);
    draft.exceptions.push({ ...newException(), date: "2026-12-25", note: "  Christmas " }, { ...newException(), date: "2026-12-24", intervals: [{ open: "09:00", close: "14:00" }], note: " " });
    expect(hoursOfDraft(draft).hours?.exceptions).toEqual([
      { date: "2026-12-24", intervals: [{ open: "09:00", close: "14:00" }] },
      { date: "2026-12-25", intervals: [], note: "Christmas" },
    ]);
  });
  it("no hours: every day closed in the form, no exception", () => {
    const d = draftOf(null);
    expect(WEEKDAYS.every((w) => d.weekly[w].length === 0)).toBe(true);
    expect(d.exceptions).toEqual([]);
  });
  it("a draft with a problem gives no hours, and each message names its day or row", () => {
    fc.assert(
      fc.property(arbHours, fc.nat(), fc.constantFrom("no date", "duplicate", "backwards", "overlap", "order", "empty time"), (h, at, kind) => {
        const draft = draftOf(h);
        const rows = draft.exceptions;
        const i = rows.length ? at % rows.length : 0;
        if (rows.length === 0) rows.push({ ...newException(), date: "2026-12-25" });
        const row = rows[i]!;
        const name = kind === "no date" ? `Exception ${i + 1}` : readableDate(row.date)!;
        if (kind === "no date") row.date = "";
        if (kind === "duplicate") rows.push({ ...newException(), date: row.date });
        if (kind === "backwards") row.intervals = [{ open: "20:00", close: "02:00" }];
        if (kind === "overlap") row.intervals = [{ open: "09:00", close: "13:00" }, { open: "12:00", close: "19:00" }];
        if (kind === "order") row.intervals = [{ open: "14:00", close: "19:00" }, { open: "09:00", close: "12:00" }];
        if (kind === "empty time") row.intervals = [{ open: "", close: "12:00" }];
        const out = hoursOfDraft(draft);
        expect(out.hours).toBeUndefined();
        expect(out.problems!.length).toBeGreaterThan(0);
        expect(out.problems!.every((p) => p.startsWith(`${name}: `))).toBe(true);
      }),
    );
  });
  it("says what is wrong with an exception in words, naming the row by its date", () => {
    const draft = draftOf(null);
    draft.weekly.mon = [{ open: "09:00", close: "19:00" }];
    draft.exceptions = [
      { ...newException(), date: "2026-12-25", intervals: [{ open: "20:00", close: "02:00" }] },
      { ...newException() },
      { ...newException(), date: "2026-12-24" },
      { ...newException(), date: "2026-12-24", note: "Christmas Eve" },
    ];
    expect(hoursOfDraft(draft).problems).toEqual([
      "25 Dec 2026: 20:00-02:00 closes before it opens (a night opening ends at 24:00 and starts again at 00:00 the next day)",
      "Exception 2: pick a date",
      "24 Dec 2026: rows 3 and 4 are both for this date: keep one",
    ]);
    draft.weekly.tue = [{ open: "19:00", close: "09:00" }];
    expect(hoursOfDraft(draft).problems?.[0]).toMatch(/^Tuesday: 19:00-09:00 closes before it opens/);
  });
  it("reads dates as people do, and knows a date that is not one", () => {
    expect(readableDate("2026-12-25")).toBe("25 Dec 2026");
    expect(readableDate("2026-02-30")).toBeNull();
    expect(readableDate("")).toBeNull();
    expect(exceptionName({ ...newException(), date: "2026-01-01" }, 4)).toBe("1 Jan 2026");
    expect(exceptionName(newException(), 4)).toBe("Exception 5");
  });
});
