/**
 * The offline span of an agent that says since when it counted (countingSince), with the outage rule
 * (gapsNotCounted: a span's hours up to the last one it counted someone in were counted), against a
 * minute-by-minute reference: a minute of the span is not counted exactly when it comes before the
 * instant its counting began (every minute when it does not say) and after the end of the last hour
 * that counted someone before that instant (a count after it, the agent restarted, says nothing of
 * the time before its restart).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gapsNotCounted } from "../forecast/series.js";
import { countingSinceOf, spanEnd } from "./counting-since.js";

const M = 60_000;
const H = 60 * M;
const T0 = Date.UTC(2026, 10, 30);
const HOURS = 12;
const starts = Array.from({ length: HOURS }, (_, i) => T0 + i * H);

/** The reference: the minutes of [from, onlineAt) nobody is known to have counted in. */
function notCountedMinutes(from: number, onlineAt: number, countingSince: number | null, counts: readonly number[]): Set<number> {
  const before = countingSince === null ? onlineAt : Math.min(onlineAt, countingSince);
  let lastCounted = -Infinity;
  counts.forEach((c, i) => {
    const s = starts[i]!;
    if (c > 0 && s + H > from && s < before) lastCounted = Math.max(lastCounted, s + H);
  });
  const out = new Set<number>();
  for (let m = from; m < onlineAt; m += M) if (m >= lastCounted && (countingSince === null || m < countingSince)) out.add(m);
  return out;
}

const minutesOf = (gaps: readonly { from: number; to: number }[]): Set<number> => {
  const out = new Set<number>();
  for (const g of gaps) for (let m = g.from; m < g.to; m += M) out.add(m);
  return out;
};

describe("an offline span ended where the agent says its counting began (countingSince)", () => {
  it("leaves not counted exactly the minutes the reference does, with or without counts delivered from its outbox", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: HOURS * 60 - 1 }),
        fc.integer({ min: 1, max: HOURS * 60 }),
        fc.option(fc.integer({ min: -120, max: HOURS * 60 + 120 }), { nil: null }),
        fc.array(fc.nat({ max: 3 }), { minLength: HOURS, maxLength: HOURS }),
        (a, len, since, counts) => {
          const from = T0 + a * M;
          const onlineAt = Math.min(T0 + HOURS * H, from + len * M);
          const countingSince = since === null ? null : T0 + since * M;
          const end = spanEnd(from, onlineAt, countingSince);
          expect(end).toBeGreaterThanOrEqual(from);
          expect(end).toBeLessThanOrEqual(onlineAt);
          const rule = minutesOf(gapsNotCounted(starts, counts, end > from ? [{ from, to: end }] : []));
          expect([...rule].sort((x, y) => x - y)).toEqual([...notCountedMinutes(from, onlineAt, countingSince, counts)].sort((x, y) => x - y));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("says nothing for an older agent; refuses, in words, a value that is no time or lies in the status's future", () => {
    const ts = T0 + 5 * H;
    expect(countingSinceOf(ts, undefined)).toEqual({ ok: true, at: null });
    expect(countingSinceOf(ts, null)).toEqual({ ok: true, at: null });
    expect(countingSinceOf(ts, T0)).toEqual({ ok: true, at: T0 });
    expect(countingSinceOf(ts, ts)).toEqual({ ok: true, at: ts });
    expect(countingSinceOf(ts, ts + 1)).toMatchObject({ ok: false, error: expect.stringContaining("after the status's own ts") });
    for (const bad of ["0", 1.5, -1, 0, 4102444800000, Number.NaN, true]) expect(countingSinceOf(ts, bad)).toMatchObject({ ok: false, error: expect.stringContaining("is not a time") });
  });

  it("any value: the span never ends before it began nor after the agent came back", () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat(), fc.option(fc.integer(), { nil: null }), (from, len, since) => {
        const end = spanEnd(from, from + len, since);
        expect(end >= from && end <= from + len).toBe(true);
      }),
    );
  });
});
