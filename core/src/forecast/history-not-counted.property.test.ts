/**
 * `historyNotCounted`, what the forecast leaves out of its history, against a reference that looks at every minute: a
 * minute of the history is uncounted for a zone when it lies in one of the zone's outages (ended ones, one still going
 * on read to now, and the live view's "not counted since" read to now), the store is open then, and no hour of that
 * outage that counted someone ends after it; an hour of the history is left out when 5 or more of its minutes are so for
 * one zone (SHORT_OUTAGE_MS), whether the outage has ended or goes on: every hour of a history is over at now, and the
 * screens (zonesNotCounted) judge it so. Whole minutes, so the minutes are exact; days of DST changes, store hours.
 * Before, the forecast took an outage going on out from its first minute (an agent off at 10:57, read at 11:30, took
 * hour 10 out, which the screens count).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isOpen, WEEKDAYS, type OpeningHours } from "../alerts/hours.js";
import { bucketStarts } from "../domain/calendar.js";
import { historyNotCounted, SHORT_OUTAGE_MS, withoutGaps, zonesNotCounted, type Gap } from "./series.js";

const MIN = 60_000;
const H = 3_600_000;

interface Zone {
  zone: string;
  offline: Gap[];
  counts: number[];
  downSince: number | null;
}

/** A zone's outages as one list, as allOffline gives them: the recorded ones and the live one read to now, joined where they touch. */
function outagesOf(z: Zone, now: number): Gap[] {
  const all = [...z.offline, ...(z.downSince !== null && z.downSince < now ? [{ from: z.downSince, to: now }] : [])].sort((a, b) => a.from - b.from);
  const outages: Gap[] = [];
  for (const g of all) {
    const last = outages[outages.length - 1];
    if (last && g.from <= last.to) last.to = Math.max(last.to, g.to);
    else outages.push({ ...g });
  }
  return outages;
}

/** The indices of the history's hours (`starts`, ending at `end`) the minute-by-minute rule leaves out. */
function reference(starts: readonly number[], end: number, zones: readonly Zone[], opening: OpeningHours | null, timeZone: string, now: number): number[] {
  const hourOf = (m: number) => {
    let i = 0;
    while (i + 1 < starts.length && starts[i + 1]! <= m) i++;
    return i;
  };
  const left = new Set<number>();
  for (const z of zones) {
    const outages = outagesOf(z, now);
    const minutesIn = new Map<number, number>();
    for (let m = starts[0]!; m < end; m += MIN) {
      const uncounted = outages.some(
        (g) => g.from <= m && m < g.to && starts.every((s, i) => !((z.counts[i] ?? 0) > 0 && s + H > g.from && s < g.to && m < s + H)),
      );
      if (!uncounted || (opening && !isOpen(opening, m, timeZone))) continue;
      minutesIn.set(hourOf(m), (minutesIn.get(hourOf(m)) ?? 0) + 1);
    }
    for (const [i, minutes] of minutesIn) if (minutes * MIN >= SHORT_OUTAGE_MS) left.add(i);
  }
  return [...left].sort((a, b) => a - b);
}

const nulled = (starts: readonly number[], gaps: readonly Gap[]) =>
  withoutGaps(starts, starts.map(() => 0), gaps).flatMap((v, i) => (v === null ? [i] : []));

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const openingHours: fc.Arbitrary<OpeningHours | null> = fc.oneof(
  fc.constant(null),
  fc
    .tuple(fc.integer({ min: 0, max: 23 * 60 }), fc.integer({ min: 1, max: 10 * 60 }), fc.boolean())
    .map(([open, long, sundayClosed]) => ({
      weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, d === "sun" && sundayClosed ? [] : [{ open: hhmm(open), close: hhmm(Math.min(open + long, 24 * 60 - 1)) }]])) as OpeningHours["weekly"],
      exceptions: [],
    })),
);

/** Days of a DST change (and one without) in each zone: the history runs over them. */
const places = [
  ["Europe/Paris", Date.UTC(2026, 2, 28, 20)], // springs forward Sunday 29 March, 01:00 UTC
  ["Europe/Paris", Date.UTC(2026, 9, 24, 20)], // falls back Sunday 25 October, 01:00 UTC
  ["America/New_York", Date.UTC(2026, 2, 8, 0)], // springs forward 8 March, 07:00 UTC
  ["America/New_York", Date.UTC(2026, 10, 1, 0)], // falls back 1 November, 06:00 UTC
  ["Asia/Kolkata", Date.UTC(2026, 2, 27, 0)], // half-hour offset, no DST
  ["UTC", Date.UTC(2026, 11, 7, 0)],
] as const;

describe("historyNotCounted: the forecast's history leaves out the hours the screens call not counted", () => {
  it("agrees with a minute-by-minute reference, for outages ended and still going on, and with zonesNotCounted", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...places),
        fc.integer({ min: 1, max: 14 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.array(
          fc.record({
            ended: fc.array(fc.tuple(fc.integer({ min: -3 * 60, max: 15 * 60 }), fc.integer({ min: 1, max: 4 * 60 })), { maxLength: 3 }),
            // An outage going on: an open span from then (read to now), the live view's since, or both.
            going: fc.option(fc.tuple(fc.integer({ min: -3 * 60, max: 16 * 60 }), fc.constantFrom("span", "live", "both", "live-later"))),
            counted: fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 4 }),
          }),
          { minLength: 1, maxLength: 2 },
        ),
        openingHours,
        ([timeZone, base], k, into, zs, opening) => {
          const all = bucketStarts({ from: base, to: base + 18 * H }, "hour", timeZone);
          const cut = Math.min(k, all.length - 2);
          const starts = all.slice(0, cut);
          const end = all[cut]!;
          // Now: within the current hour (its minutes so far), the history ending at its start.
          const now = end + Math.floor(((all[cut + 1]! - end) * into) / MIN) * MIN;
          const zones: Zone[] = zs.map((z, n) => {
            const offline: Gap[] = [];
            for (const [a, l] of [...z.ended].sort((x, y) => x[0] - y[0])) {
              const from = base + a * MIN;
              const to = Math.min(from + l * MIN, now - MIN);
              if (to <= from) continue;
              const last = offline[offline.length - 1];
              if (last && from <= last.to) last.to = Math.max(last.to, to);
              else offline.push({ from, to });
            }
            let downSince: number | null = null;
            if (z.going) {
              const since = Math.min(base + z.going[0] * MIN, now);
              if (z.going[1] !== "live") {
                // An open span, read to now as allOffline reads it: joined with the ended ones it overlaps.
                const kept = offline.filter((g) => g.to < since);
                const from = Math.min(since, ...offline.filter((g) => g.to >= since).map((g) => g.from));
                offline.splice(0, offline.length, ...kept, ...(now > from ? [{ from, to: now }] : []));
              }
              if (z.going[1] !== "span") downSince = z.going[1] === "live-later" ? Math.min(since + 7 * MIN, now) : since;
            }
            const counts = starts.map((_, i) => (z.counted.some((c) => c % Math.max(starts.length, 1) === i) ? 1 + (i % 3) : 0));
            return { zone: `z${n}`, offline, counts, downSince };
          });
          const expected = reference(starts, end, zones, opening, timeZone, now);
          const gaps = historyNotCounted(starts, zones, opening, timeZone, now);
          expect(nulled(starts, gaps)).toEqual(expected);
          // The screens' answer over the history's hours (a store's zones, its live outage an open span read to now) says the same hours.
          const screens = zonesNotCounted(
            { from: starts[0]!, to: end },
            starts,
            zones.map((z) => ({ zone: z.zone, offline: outagesOf(z, now), counts: z.counts })),
            opening,
            timeZone,
            now,
          );
          expect(nulled(starts, screens?.spans ?? [])).toEqual(expected);
          // Sorted, disjoint, within the history.
          for (let i = 1; i < gaps.length; i++) expect(gaps[i]!.from).toBeGreaterThan(gaps[i - 1]!.to);
          for (const g of gaps) expect([g.from >= starts[0]!, g.to <= end]).toEqual([true, true]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("keeps hour 10 of an agent off since 10:57 and still off at 11:30 (3 minutes: counted, as on the screens); off since 10:50, leaves it out", () => {
    const timeZone = "Europe/Paris";
    const day = Date.UTC(2026, 11, 7, 23) - 24 * H; // Monday 7 December 2026, 00:00 in Paris (UTC+1)
    const starts = bucketStarts({ from: day, to: day + 11 * H }, "hour", timeZone);
    const at = (h: number, m = 0) => day + h * H + m * MIN;
    const zone = (since: number) => ({ zone: "entrance", offline: [{ from: since, to: at(11, 30) }], counts: starts.map((_, i) => (i >= 9 && i < 10 ? 12 : 0)), downSince: since });
    // The agent counted 12 in hour 9 and nobody since: off at 10:57, hour 10 held 3 minutes of the outage.
    expect(historyNotCounted(starts, [zone(at(10, 57))], null, timeZone, at(11, 30))).toEqual([]);
    expect(nulled(starts, historyNotCounted(starts, [zone(at(10, 50))], null, timeZone, at(11, 30)))).toEqual([10]);
    // The live view alone (no span recorded, an agent gone silent): the same.
    expect(historyNotCounted(starts, [{ ...zone(at(10, 57)), offline: [] }], null, timeZone, at(11, 30))).toEqual([]);
    // A box off at 20:57 in a store closing at 21:00, read at 23:10: hour 20 counted.
    const evening = bucketStarts({ from: day, to: day + 23 * H }, "hour", timeZone);
    const hours: OpeningHours = { weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "08:00", close: "21:00" }]])) as OpeningHours["weekly"], exceptions: [] };
    const box = { zone: "entrance", offline: [{ from: at(20, 57), to: at(23, 10) }], counts: evening.map(() => 0), downSince: at(20, 57) };
    expect(historyNotCounted(evening, [box], hours, timeZone, at(23, 10))).toEqual([]);
  });
});
