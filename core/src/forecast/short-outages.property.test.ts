/**
 * `withoutShortOutages` and SHORT_OUTAGE_MS: an hour in which a zone was not counted for under 5
 * minutes of its open time (a restart of the demo's server and simulator, about 8 s) is counted; from
 * 5 minutes on it stays "not counted", and so does the hour not over yet of an outage still going on,
 * however short so far; an hour already over is judged on its own outage minutes, final. Against a
 * reference that looks at every second of a few local hours: a second is kept when it lies in a gap
 * and its hour holds SHORT_OUTAGE_MS or more of gap seconds, or its hour is not over at now and holds
 * a second of the outage going on. Then zonesNotCounted, the rule every screen and export reads, on
 * the restart itself and on a box switched off 3 minutes before closing (the night's answer is the
 * morning's).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WEEKDAYS, type OpeningHours } from "../alerts/hours.js";
import { bucketStarts } from "../domain/calendar.js";
import { SHORT_OUTAGE_MS, withoutShortOutages, zonesNotCounted, type Gap } from "./series.js";

const S = 1_000;
const MIN = 60_000;
const H = 3_600_000;
/** Sunday 29 March 2026, 00:00 UTC: Paris springs forward at 01:00 UTC. */
const T0 = Date.UTC(2026, 2, 29);

/** The seconds of `gaps` kept by the rule, one by one. */
function reference(starts: readonly number[], gaps: readonly Gap[], from: number, to: number, going: { since: number; now: number } | null): Set<number> {
  const inGap = (t: number) => gaps.some((g) => g.from <= t && t < g.to);
  const hourOf = (t: number) => starts.findIndex((s, i) => s <= t && t < (starts[i + 1] ?? s + H));
  /** Whether the hour of `t` is not over at now: it ends after now. */
  const notOver = (t: number, now: number) => {
    const i = hourOf(t);
    return i >= 0 && (starts[i + 1] ?? starts[i]! + H) > now;
  };
  const perHour = new Map<number, number>();
  const ongoing = new Set<number>();
  for (let t = from; t < to; t += S) {
    if (!inGap(t)) continue;
    perHour.set(hourOf(t), (perHour.get(hourOf(t)) ?? 0) + S);
    if (going !== null && t >= going.since && notOver(t, going.now)) ongoing.add(hourOf(t));
  }
  const kept = new Set<number>();
  for (let t = from; t < to; t += S) {
    if (!inGap(t)) continue;
    const i = hourOf(t);
    if (i < 0 || ongoing.has(i) || (perHour.get(i) ?? 0) >= SHORT_OUTAGE_MS) kept.add(t);
  }
  return kept;
}

function seconds(gaps: readonly Gap[]): Set<number> {
  const out = new Set<number>();
  for (const g of gaps) for (let t = g.from; t < g.to; t += S) out.add(t);
  return out;
}

const second = (lo: number, hi: number) => fc.integer({ min: lo / S, max: hi / S }).map((s) => s * S);
/** Mostly short gaps (seconds to 12 minutes), now and then a long one. */
const length = fc.oneof(second(S, 12 * MIN), second(S, 12 * MIN), second(S, 2 * H));

describe("withoutShortOutages: an hour not counted for under SHORT_OUTAGE_MS is counted", () => {
  it("agrees with a second-by-second reference, on local hours of whole and half-hour offsets and a DST change", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("UTC", "Europe/Paris", "Asia/Kolkata"),
        fc.array(fc.tuple(second(T0 - 30 * MIN, T0 + 4 * H), length), { maxLength: 5 }),
        fc.option(fc.tuple(second(T0 - 30 * MIN, T0 + 5 * H), second(T0 - 30 * MIN, T0 + 5 * H))),
        (timeZone, raw, pair) => {
          // An outage going on since `since`, read at `now` (not before it began).
          const going = pair && { since: Math.min(...pair), now: Math.max(...pair) };
          const range = { from: T0, to: T0 + 4 * H };
          const starts = bucketStarts(range, "hour", timeZone);
          const gaps = raw.map(([from, long]) => ({ from, to: from + long }));
          const lo = Math.min(T0 - 30 * MIN, ...gaps.map((g) => g.from));
          const hi = Math.max(T0, ...gaps.map((g) => g.to));
          const got = withoutShortOutages(starts, gaps, going);
          expect(seconds(got)).toEqual(reference(starts, gaps, lo, hi, going));
          // Sorted and disjoint, touching ones joined.
          for (let i = 1; i < got.length; i++) expect(got[i]!.from).toBeGreaterThan(got[i - 1]!.to);
        },
      ),
      { numRuns: 120 },
    );
  });
  it("an hour over is final: read while its outage goes on, it is what it is once the outage ended, whenever", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("UTC", "Europe/Paris", "Asia/Kolkata"),
        fc.array(fc.tuple(second(T0, T0 + 4 * H), second(S, 12 * MIN)), { maxLength: 3 }),
        second(T0, T0 + 4 * H),
        second(S, 3 * H),
        second(0, 2 * H),
        (timeZone, raw, since, soFar, later) => {
          const starts = bucketStarts({ from: T0, to: T0 + 8 * H }, "hour", timeZone);
          const now = since + soFar;
          // Ended outages before it, and the one going on read to now; then the same ended at now + later.
          const before = raw.map(([from, long]) => ({ from, to: Math.min(from + long, since) })).filter((g) => g.to > g.from);
          const atNow = withoutShortOutages(starts, [...before, { from: since, to: now }], { since, now });
          const ended = withoutShortOutages(starts, [...before, { from: since, to: now + later }]);
          // The hours over at now: those that end by it.
          const over = starts.filter((s, i) => (starts[i + 1] ?? s + H) <= now);
          const cut = over.length === 0 ? T0 : (starts[over.length] ?? over[over.length - 1]! + H);
          const upTo = (gs: readonly Gap[]) => gs.map((g) => ({ from: g.from, to: Math.min(g.to, cut) })).filter((g) => g.to > g.from);
          expect(upTo(atNow)).toEqual(upTo(ended));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("adds up an hour's short outages: two of 3 minutes make it not counted, one of 3 minutes does not", () => {
    const starts = bucketStarts({ from: T0, to: T0 + 3 * H }, "hour", "UTC");
    expect(withoutShortOutages(starts, [{ from: T0 + 10 * MIN, to: T0 + 13 * MIN }])).toEqual([]);
    expect(withoutShortOutages(starts, [{ from: T0 + 10 * MIN, to: T0 + 13 * MIN }, { from: T0 + 40 * MIN, to: T0 + 43 * MIN }])).toEqual([
      { from: T0 + 10 * MIN, to: T0 + 13 * MIN },
      { from: T0 + 40 * MIN, to: T0 + 43 * MIN },
    ]);
    // 6 minutes across an hour's end, 3 in each hour: both hours counted.
    expect(withoutShortOutages(starts, [{ from: T0 + H - 3 * MIN, to: T0 + H + 3 * MIN }])).toEqual([]);
    // A long outage keeps its hours; its last 3 minutes, in an hour of their own, are counted.
    expect(withoutShortOutages(starts, [{ from: T0 + 20 * MIN, to: T0 + 2 * H + 3 * MIN }])).toEqual([{ from: T0 + 20 * MIN, to: T0 + 2 * H }]);
  });
});

describe("zonesNotCounted after a restart: the same hour on every screen", () => {
  const range = { from: T0 + 9 * H, to: T0 + 12 * H };
  const starts = bucketStarts(range, "hour", "UTC");
  const quiet = starts.map(() => 0);
  it("an 8-second restart in an hour nobody crossed leaves it counted, a 10-minute one not counted", () => {
    const restart = { from: T0 + 10 * H + 15 * MIN, to: T0 + 10 * H + 15 * MIN + 8 * S };
    expect(zonesNotCounted(range, starts, [{ zone: "fruit", offline: [restart], counts: quiet }], null, "UTC")).toBeNull();
    const long = { from: T0 + 10 * H + 15 * MIN, to: T0 + 10 * H + 25 * MIN };
    expect(zonesNotCounted(range, starts, [{ zone: "fruit", offline: [long], counts: quiet }], null, "UTC")).toEqual({
      hours: 1,
      zones: ["fruit"],
      spans: [{ from: T0 + 10 * H, to: T0 + 11 * H }],
    });
    // Two zones each 3 minutes in the hour: each zone was counted all but 3 minutes, so the hour is counted.
    const a = { zone: "fruit", offline: [{ from: T0 + 10 * H, to: T0 + 10 * H + 3 * MIN }], counts: quiet };
    const b = { zone: "bakery", offline: [{ from: T0 + 10 * H + 30 * MIN, to: T0 + 10 * H + 33 * MIN }], counts: quiet };
    expect(zonesNotCounted(range, starts, [a, b], null, "UTC")).toBeNull();
  });
  it("an outage still going on is not short: 2 minutes so far leave its hour not counted", () => {
    const now = T0 + 10 * H + 17 * MIN;
    const soFar = { from: range.from, to: now };
    const off = { zone: "fruit", offline: [{ from: T0 + 10 * H + 15 * MIN, to: now }], counts: quiet };
    expect(zonesNotCounted(soFar, starts.slice(0, 2), [off], null, "UTC", now)).toEqual({ hours: 1, zones: ["fruit"], spans: [{ from: T0 + 10 * H, to: now }] });
    // Ended at that instant (read a minute later): 2 minutes, counted.
    expect(zonesNotCounted(soFar, starts.slice(0, 2), [off], null, "UTC", now + MIN)).toBeNull();
  });
  it("a box switched off at 20:57 in a store closing at 21:00: hour 20 is counted at the 07:00 digest and in the morning alike", () => {
    const open9to21: OpeningHours = {
      weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "09:00", close: "21:00" }]])) as OpeningHours["weekly"],
      exceptions: [],
    };
    const day = { from: T0, to: T0 + 24 * H };
    const hours = bucketStarts(day, "hour", "UTC");
    const none = hours.map(() => 0);
    const off = T0 + 20 * H + 57 * MIN;
    // 07:00 the next day, the digest of the day: the box is still off (its span read to now).
    const digest = T0 + 31 * H;
    const atDigest = zonesNotCounted(day, hours, [{ zone: "fruit", offline: [{ from: off, to: digest }], counts: none }], open9to21, "UTC", digest);
    // 08:30, the box back at 08:10: the outage ended, 3 minutes of hour 20.
    const morning = T0 + 32 * H + 30 * MIN;
    const atMorning = zonesNotCounted(day, hours, [{ zone: "fruit", offline: [{ from: off, to: T0 + 32 * H + 10 * MIN }], counts: none }], open9to21, "UTC", morning);
    expect(atDigest).toEqual(atMorning);
    expect(atDigest).toBeNull();
    // Still off at 09:02 when the store opens: today's hour 09, not over, is not counted after 2 minutes (59f429d's rule).
    const today = { from: T0 + 24 * H, to: T0 + 33 * H + 2 * MIN };
    const todayHours = bucketStarts(today, "hour", "UTC");
    const still = T0 + 33 * H + 2 * MIN;
    expect(zonesNotCounted(today, todayHours, [{ zone: "fruit", offline: [{ from: off, to: still }], counts: todayHours.map(() => 0) }], open9to21, "UTC", still)).toEqual({
      hours: 1,
      zones: ["fruit"],
      spans: [{ from: T0 + 33 * H, to: still }],
    });
  });
});
