/**
 * `zonesNotCounted`, the one rule of what an outage left uncounted (experiments, the chain overview,
 * the digests, GET .../traffic), against a reference that looks at every minute: a minute of the
 * period is uncounted for a zone when it lies in one of the zone's outages, the store is open then,
 * and no hour of that outage that counted someone (a camera's visits or a door counter's `in`,
 * delivered later) ends after it; an hour is left out when 5 or more of its minutes are for one zone
 * (SHORT_OUTAGE_MS: fewer, a restart's seconds, leave it counted), and the hours are the minutes of
 * the hours left out, rounded up. Everything falls on whole minutes, so the minutes are exact.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketStarts } from "../domain/calendar.js";
import { isOpen, WEEKDAYS, type OpeningHours } from "../alerts/hours.js";
import { SHORT_OUTAGE_MS, zonesNotCounted, type Gap } from "./series.js";

const MIN = 60_000;
const H = 3_600_000;
const T0 = Date.UTC(2026, 2, 27); // a Friday: Paris springs forward on Sunday 29 March

function reference(
  range: Gap,
  starts: readonly number[],
  zones: readonly { zone: string; offline: readonly Gap[]; counts: readonly number[] }[],
  opening: OpeningHours | null,
  timeZone: string,
) {
  const hourOf = (m: number) => {
    let i = 0;
    while (i + 1 < starts.length && starts[i + 1]! <= m) i++;
    return i;
  };
  const left = new Set<number>();
  const names: string[] = [];
  for (const z of zones) {
    // Each hour's minutes nobody counted the zone in: under SHORT_OUTAGE_MS of them, the hour was counted.
    const minutesIn = new Map<number, number>();
    for (let m = range.from; m < range.to; m += MIN) {
      const uncounted = z.offline.some(
        (g) =>
          g.from <= m &&
          m < g.to &&
          starts.every((s, i) => !((z.counts[i] ?? 0) > 0 && s + H > g.from && s < g.to && m < s + H)),
      );
      if (uncounted && (!opening || isOpen(opening, m, timeZone))) minutesIn.set(hourOf(m), (minutesIn.get(hourOf(m)) ?? 0) + 1);
    }
    let any = false;
    for (const [i, minutes] of minutesIn) {
      if (minutes * MIN < SHORT_OUTAGE_MS) continue;
      any = true;
      left.add(i);
    }
    if (any) names.push(z.zone);
  }
  if (left.size === 0) return null;
  let minutes = 0;
  const spans: Gap[] = [];
  for (const i of [...left].sort((a, b) => a - b)) {
    const from = Math.max(starts[i]!, range.from);
    const to = Math.min(starts[i + 1] ?? range.to, range.to);
    minutes += (to - from) / MIN;
    if (spans.length > 0 && spans[spans.length - 1]!.to === from) spans[spans.length - 1]!.to = to;
    else spans.push({ from, to });
  }
  return { hours: Math.ceil(minutes / 60), zones: names, spans };
}

const minute = (lo: number, hi: number) => fc.integer({ min: lo / MIN, max: hi / MIN }).map((m) => m * MIN);
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const openingHours: fc.Arbitrary<OpeningHours | null> = fc.oneof(
  fc.constant(null),
  fc
    .tuple(fc.integer({ min: 0, max: 23 * 60 }), fc.integer({ min: 1, max: 8 * 60 }), fc.boolean())
    .map(([open, long, sundayClosed]) => ({
      weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, d === "sun" && sundayClosed ? [] : [{ open: hhmm(open), close: hhmm(Math.min(open + long, 24 * 60 - 1)) }]])) as OpeningHours["weekly"],
      exceptions: [],
    })),
);

describe("zonesNotCounted: the hours an outage left uncounted", () => {
  it("agrees with a minute-by-minute reference, on local hours of whole and half-hour offsets", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("UTC", "Europe/Paris", "Asia/Kolkata"),
        minute(T0, T0 + 24 * H),
        minute(30 * MIN, 60 * H),
        fc.array(
          fc.record({
            offline: fc.array(fc.tuple(minute(T0 - 6 * H, T0 + 90 * H), minute(MIN, 30 * H)), { maxLength: 3 }),
            counted: fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 6 }),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        openingHours,
        (timeZone, from, long, zs, opening) => {
          const range = { from, to: from + long };
          const starts = bucketStarts(range, "hour", timeZone);
          const zones = zs.map((z, k) => {
            // Sorted, disjoint outages, as allOffline gives them.
            const offline: Gap[] = [];
            for (const [a, l] of [...z.offline].sort((x, y) => x[0] - y[0])) {
              const last = offline[offline.length - 1];
              if (last && a <= last.to) last.to = Math.max(last.to, a + l);
              else offline.push({ from: a, to: a + l });
            }
            const counts = starts.map((_, i) => (z.counted.some((c) => c % Math.max(starts.length, 1) === i) ? 1 + (i % 3) : 0));
            return { zone: `z${k}`, offline, counts };
          });
          expect(zonesNotCounted(range, starts, zones, opening, timeZone)).toEqual(reference(range, starts, zones, opening, timeZone));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("reads an outage a door counter delivered its counts of later as counted, and one it counted nothing in as not", () => {
    const range = { from: T0, to: T0 + 24 * H };
    const starts = bucketStarts(range, "hour", "UTC");
    const offline = [{ from: T0 + 14 * H, to: T0 + 18 * H }];
    const delivered = starts.map((s) => (s >= T0 + 9 * H && s < T0 + 19 * H ? 10 : 0));
    expect(zonesNotCounted(range, starts, [{ zone: "entrance", offline, counts: delivered }], null, "UTC")).toBeNull();
    const lost = delivered.map((n, i) => (i >= 14 && i < 18 ? 0 : n));
    expect(zonesNotCounted(range, starts, [{ zone: "entrance", offline, counts: lost }], null, "UTC")).toEqual({ hours: 4, zones: ["entrance"], spans: offline });
  });
});
