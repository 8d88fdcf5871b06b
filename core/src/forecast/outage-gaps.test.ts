import { describe, expect, it } from "vitest";
import { WEEKDAYS, type OpeningHours } from "../alerts/hours.js";
import { allOffline, gapsNotCounted, gapsWhileOpen, withoutGaps, zonesNotCounted } from "./series.js";

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 30);
const starts = Array.from({ length: 24 }, (_, i) => T0 + i * H);

describe("allOffline: when every agent of a zone was offline", () => {
  it("is the intersection of the agents' spans, an open span read up to now", () => {
    const spans = [
      { agent: "door-1", from: T0, to: T0 + 10 * H },
      { agent: "door-1", from: T0 + 20 * H, to: null },
      { agent: "door-2", from: T0 + 5 * H, to: T0 + 22 * H },
    ];
    expect(allOffline(["door-1", "door-2"], spans, T0 + 30 * H)).toEqual([
      { from: T0 + 5 * H, to: T0 + 10 * H },
      { from: T0 + 20 * H, to: T0 + 22 * H },
    ]);
    expect(allOffline(["door-1"], spans, T0 + 30 * H)).toEqual([
      { from: T0, to: T0 + 10 * H },
      { from: T0 + 20 * H, to: T0 + 30 * H },
    ]);
  });
  it("is nothing when one agent was never offline, or no agent is known to count the zone", () => {
    expect(allOffline(["door-1", "cam-1"], [{ agent: "door-1", from: T0, to: T0 + H }], T0 + 2 * H)).toEqual([]);
    expect(allOffline([], [{ agent: "door-1", from: T0, to: T0 + H }], T0 + 2 * H)).toEqual([]);
  });
});

describe("gapsNotCounted and withoutGaps: the hours nobody counted", () => {
  it("starts a gap after the last hour within it that counted someone (delivered later by store-and-forward)", () => {
    const counts = starts.map((_, i) => (i >= 9 && i < 16 ? 5 : 0));
    expect(gapsNotCounted(starts, counts, [{ from: T0, to: T0 + 24 * H }])).toEqual([{ from: T0 + 16 * H, to: T0 + 24 * H }]);
    expect(gapsNotCounted(starts, counts, [{ from: T0 + 10 * H, to: T0 + 12 * H }])).toEqual([]);
    expect(gapsNotCounted(starts, counts, [{ from: T0 + 17 * H, to: T0 + 19 * H }])).toEqual([{ from: T0 + 17 * H, to: T0 + 19 * H }]);
  });
  it("makes unknown every hour a gap touches, a partly counted hour too; the others are kept", () => {
    const values = starts.map(() => 3);
    const out = withoutGaps(starts, values, [{ from: T0 + 2 * H + 60_000, to: T0 + 4 * H }]);
    expect(out.map((v, i) => (v === null ? i : -1)).filter((i) => i >= 0)).toEqual([2, 3]);
    expect(withoutGaps(starts, values, [])).toEqual(values);
  });
});

describe("gapsWhileOpen: an outage's closed hours are closed hours, not unknown ones", () => {
  /** Open 9:00-20:00 every day but Sunday 29 November (closed); Monday 30 November 2026, 00:00 in Paris is T0 - 1 h. */
  const hours: OpeningHours = {
    weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "09:00", close: "20:00" }]])) as OpeningHours["weekly"],
    exceptions: [{ date: "2026-11-29", intervals: [] }],
  };
  const paris = (day: number, hour: number) => T0 - H + day * 24 * H + hour * H;
  it("keeps of a gap only the hours the store was open, in its time zone", () => {
    // switched off every night, 21:00 to 8:00: nothing was missed
    expect(gapsWhileOpen([{ from: paris(0, 21), to: paris(1, 8) }], hours, "Europe/Paris")).toEqual([]);
    // off on Monday at 21:00 and on again on Wednesday at 14:00: Tuesday's and Wednesday's open hours, not the nights
    expect(gapsWhileOpen([{ from: paris(0, 21), to: paris(2, 14) }], hours, "Europe/Paris")).toEqual([
      { from: paris(1, 9), to: paris(1, 20) },
      { from: paris(2, 9), to: paris(2, 14) },
    ]);
    // a closed day (the exception) inside the outage: only Saturday's and Monday's open hours
    expect(gapsWhileOpen([{ from: paris(-2, 15), to: paris(0, 10) }], hours, "Europe/Paris")).toEqual([
      { from: paris(-2, 15), to: paris(-2, 20) },
      { from: paris(0, 9), to: paris(0, 10) },
    ]);
  });
  it("leaves the gaps of a store without opening hours as they are (open at every hour)", () => {
    const gaps = [{ from: paris(0, 21), to: paris(1, 8) }];
    expect(gapsWhileOpen(gaps, null, "Europe/Paris")).toEqual(gaps);
    expect(gapsWhileOpen(gaps, undefined, "Europe/Paris")).toEqual(gaps);
  });
});

describe("zonesNotCounted: the open hours a screen's figures miss, every zone alike", () => {
  const range = { from: T0, to: T0 + 24 * H };
  const open9to20: OpeningHours = {
    weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "09:00", close: "20:00" }]])) as OpeningHours["weekly"],
    exceptions: [],
  };
  const counted = (but: number[] = []) => starts.map((_, h) => (h >= 9 && h < 20 && !but.includes(h) ? 5 : 0));
  it("names a zone other than the entrance whose agents were offline and counted nobody: its hours merged, whole", () => {
    const fruit = { zone: "fruit", offline: [{ from: T0 + 14 * H, to: T0 + 18 * H }], counts: counted([14, 15, 16, 17]) };
    expect(zonesNotCounted(range, starts, [fruit], open9to20, "UTC")).toEqual({ hours: 4, zones: ["fruit"], spans: [{ from: T0 + 14 * H, to: T0 + 18 * H }] });
    // Two zones, overlapping hours: both named, the hours merged once.
    const bakery = { zone: "bakery", offline: [{ from: T0 + 16 * H, to: T0 + 19 * H }], counts: counted([16, 17, 18]) };
    expect(zonesNotCounted(range, starts, [fruit, bakery], open9to20, "UTC")).toEqual({ hours: 5, zones: ["fruit", "bakery"], spans: [{ from: T0 + 14 * H, to: T0 + 19 * H }] });
    // A range cut 20 minutes into the first hour: 1 h, not 0.
    const soFar = { from: T0, to: T0 + 14 * H + 20 * 60_000 };
    expect(zonesNotCounted(soFar, starts.slice(0, 15), [fruit], open9to20, "UTC")).toEqual({ hours: 1, zones: ["fruit"], spans: [{ from: T0 + 14 * H, to: soFar.to }] });
  });
  it("is null for an agent that kept counting (delivered later), and for hours the store was closed", () => {
    // A door counter cut off from the broker that delivered its counts later: no outage.
    expect(zonesNotCounted(range, starts, [{ zone: "entrance", offline: [{ from: T0 + 14 * H, to: T0 + 18 * H }], counts: counted() }], open9to20, "UTC")).toBeNull();
    // Off all night while closed.
    expect(zonesNotCounted(range, starts, [{ zone: "fruit", offline: [{ from: T0 + 20 * H, to: T0 + 24 * H }], counts: counted() }], open9to20, "UTC")).toBeNull();
    expect(zonesNotCounted(range, starts, [], open9to20, "UTC")).toBeNull();
  });
});
