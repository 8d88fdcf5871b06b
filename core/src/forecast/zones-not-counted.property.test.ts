/**
 * `zonesNotCounted`, the one rule of what an outage left uncounted (experiments, the chain overview,
 * the digests, GET .../traffic), against a reference that looks at every minute: a minute of the
 * period is uncounted for a zone when it lies in one of the zone's outages, the store is open then,
 * and no hour of that outage that counted someone (a camera's visits or a door counter's `in`,
 * delivered later) ends after it; an hour is left out when 5 or more of its minutes are for one zone
 * (SHORT_OUTAGE_MS: fewer, a restart's seconds, leave it counted), its minutes counted over the whole
 * local hour even where the period cuts it (an hour's verdict does not depend on where a screen's period
 * starts or ends), and the hours are the minutes of the hours left out within the period, rounded up,
 * of those with an uncounted minute in the period. Everything falls on whole minutes, so the minutes
 * are exact.
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
  // The whole local hours the period touches: from its first hour's start to the start of the hour after its last.
  const end = bucketStarts({ from: starts[starts.length - 1]!, to: starts[starts.length - 1]! + 2 * H }, "hour", timeZone)[1]!;
  for (const z of zones) {
    // Each hour's minutes nobody counted the zone in: under SHORT_OUTAGE_MS of them, the hour was counted.
    const minutesIn = new Map<number, number>();
    const inPeriod = new Set<number>();
    for (let m = starts[0]!; m < end; m += MIN) {
      const uncounted = z.offline.some(
        (g) =>
          g.from <= m &&
          m < g.to &&
          starts.every((s, i) => !((z.counts[i] ?? 0) > 0 && s + H > g.from && s < g.to && m < s + H)),
      );
      if (!uncounted || (opening && !isOpen(opening, m, timeZone))) continue;
      minutesIn.set(hourOf(m), (minutesIn.get(hourOf(m)) ?? 0) + 1);
      if (m >= range.from && m < range.to) inPeriod.add(hourOf(m));
    }
    let any = false;
    for (const [i, minutes] of minutesIn) {
      if (minutes * MIN < SHORT_OUTAGE_MS || !inPeriod.has(i)) continue;
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

  it("judges an hour cut by the period (the chain overview's whole UTC hours: half past in Kolkata, on Lord Howe Island in winter) on all its minutes", () => {
    // Each time zone at a stretch of its own: Kolkata's half-hour offset, Lord Howe's 30-minute DST going back (5 April
    // 2026) and forward (4 October 2026), Paris's hour back (25 October 2026).
    const places = [
      ["Asia/Kolkata", Date.UTC(2026, 2, 27)],
      ["Australia/Lord_Howe", Date.UTC(2026, 3, 4, 10)],
      ["Australia/Lord_Howe", Date.UTC(2026, 9, 3, 10)],
      ["Europe/Paris", Date.UTC(2026, 9, 24, 22)],
    ] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...places),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.record({ near: fc.boolean(), at: fc.integer({ min: -40, max: 40 }).map((m) => m * MIN), long: minute(MIN, 12 * MIN) }), { minLength: 1, maxLength: 4 }),
        openingHours,
        ([timeZone, base], k, hours, raw, opening) => {
          const range = { from: base + k * H, to: base + (k + hours) * H };
          const starts = bucketStarts(range, "hour", timeZone);
          // Short outages around the period's start and end, sorted and disjoint as allOffline gives them.
          const offline: Gap[] = [];
          for (const { at, long } of raw.map((r) => ({ at: (r.near ? range.from : range.to) + r.at, long: r.long })).sort((x, y) => x.at - y.at)) {
            const last = offline[offline.length - 1];
            if (last && at <= last.to) last.to = Math.max(last.to, at + long);
            else offline.push({ from: at, to: at + long });
          }
          const zones = [{ zone: "entrance", offline, counts: starts.map(() => 0) }];
          expect(zonesNotCounted(range, starts, zones, opening, timeZone)).toEqual(reference(range, starts, zones, opening, timeZone));
        },
      ),
      { numRuns: 200 },
    );
    // Kolkata: 05:27-05:33 IST, 6 minutes of hour 05, is not counted on the store's day (from local midnight) and in the
    // chain overview from 00:00 UTC (05:30 IST) alike; that overview said the store counted throughout.
    const base = Date.UTC(2026, 2, 27);
    const outage = [{ zone: "entrance", offline: [{ from: base - 3 * MIN, to: base + 3 * MIN }], counts: [] as number[] }];
    const day = { from: base - 5 * H - 30 * MIN, to: base + 18 * H + 30 * MIN };
    const dayStarts = bucketStarts(day, "hour", "Asia/Kolkata");
    expect(zonesNotCounted(day, dayStarts, [{ ...outage[0]!, counts: dayStarts.map(() => 0) }], null, "Asia/Kolkata")).toEqual({
      hours: 1,
      zones: ["entrance"],
      spans: [{ from: base - 30 * MIN, to: base + 30 * MIN }],
    });
    const overview = { from: base, to: base + 6 * H };
    const overviewStarts = bucketStarts(overview, "hour", "Asia/Kolkata");
    expect(zonesNotCounted(overview, overviewStarts, [{ ...outage[0]!, counts: overviewStarts.map(() => 0) }], null, "Asia/Kolkata")).toEqual({
      hours: 1,
      zones: ["entrance"],
      spans: [{ from: base, to: base + 30 * MIN }],
    });
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
