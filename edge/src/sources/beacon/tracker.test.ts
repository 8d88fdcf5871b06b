import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BeaconTracker, type TrackerOptions, type ZoneChange } from "./tracker.js";

const BASE: TrackerOptions = {
  receivers: { r1: { zone: "fruit" }, r2: { zone: "bakery" }, r3: { zone: "checkout", offsetDb: 0 } },
  kalman: { q: 1.5, r: 40 },
  staleMs: 6000,
  lostAfterMs: 15_000,
  minRssi: -90,
  hysteresisDb: 3,
  minStayMs: 4000,
};

function run(tracker: BeaconTracker, sightings: Array<[number, string, number, string?]>, end?: number): ZoneChange[] {
  const out: ZoneChange[] = [];
  for (const [ts, receiver, rssi, beacon] of sightings) {
    out.push(...tracker.tick(ts));
    out.push(...tracker.see({ ts, receiver, rssi, beacon: beacon ?? "b1" }));
  }
  if (end !== undefined) out.push(...tracker.tick(end));
  return out;
}

/** A beacon heard by `receiver` every second from `from` to `to` at `rssi`. */
const steady = (receiver: string, rssi: number, from: number, to: number, beacon = "b1"): Array<[number, string, number, string]> =>
  Array.from({ length: Math.floor((to - from) / 1000) + 1 }, (_, i) => [from + i * 1000, receiver, rssi, beacon]);

describe.each([["hmm" as const], ["hysteresis" as const]])("BeaconTracker (%s decoder)", (decoder) => {
  const OPTS: TrackerOptions = { ...BASE, decoder };
  it("enters the zone of the only receiver once the stay (and the decoder's lag) has passed, dated from the first sighting", () => {
    const out = run(new BeaconTracker(OPTS), steady("r1", -60, 0, 40_000));
    expect(out).toEqual([{ type: "enter", beacon: "b1", zone: "fruit", ts: 0 }]);
  });

  it("reports nothing for a beacon seen for less than the minimum stay", () => {
    expect(run(new BeaconTracker(OPTS), steady("r1", -60, 0, 2000), 60_000)).toEqual([]);
  });

  it("exits at the last sighting when the signal is lost", () => {
    const out = run(new BeaconTracker(OPTS), steady("r1", -60, 0, 10_000), 40_000);
    expect(out.at(-1)).toEqual({ type: "exit", beacon: "b1", zone: "fruit", ts: 10_000, reason: "lost" });
  });

  it("moves to a clearly stronger zone: exit and enter at the same instant", () => {
    const t = new BeaconTracker(OPTS);
    const out = run(t, [...steady("r1", -60, 0, 20_000), ...steady("r2", -55, 21_000, 60_000)]);
    const moves = out.filter((c) => c.ts > 0);
    expect(moves).toHaveLength(2);
    expect(moves[0]).toMatchObject({ type: "exit", zone: "fruit", reason: "moved" });
    expect(moves[1]).toMatchObject({ type: "enter", zone: "bakery", ts: moves[0]!.ts });
  });

  it("stays put on a boundary where two receivers are within the hysteresis", () => {
    const sightings: Array<[number, string, number]> = [];
    for (let ts = 0; ts < 120_000; ts += 500) sightings.push([ts, ts % 1000 === 0 ? "r1" : "r2", ts % 1000 === 0 ? -70 : -68.5]);
    const out = run(new BeaconTracker(OPTS), sightings);
    expect(out).toHaveLength(1);
  });

  it("ignores receivers it does not know and applies receiver offsets", () => {
    const t = new BeaconTracker({ ...OPTS, receivers: { r1: { zone: "fruit" }, r2: { zone: "bakery", offsetDb: 20 } } });
    const sightings: Array<[number, string, number]> = [];
    for (let ts = 0; ts < 40_000; ts += 1000) sightings.push([ts, "r1", -60], [ts, "r2", -70], [ts, "rx", -30]);
    expect(run(t, sightings).map((c) => c.zone)).toEqual(["bakery"]);
  });

  it("tracks beacons independently and closes every open visit on flush", () => {
    const t = new BeaconTracker(OPTS);
    run(
      t,
      [...steady("r1", -60, 0, 40_000, "a"), ...steady("r2", -60, 0, 40_000, "b")].sort((x, y) => x[0] - y[0]),
    );
    expect(t.zoneOf("a")).toBe("fruit");
    expect(t.zoneOf("b")).toBe("bakery");
    expect(t.flush().map((c) => [c.beacon, c.type, c.zone])).toEqual([
      ["a", "exit", "fruit"],
      ["b", "exit", "bakery"],
    ]);
  });

  const sighting = fc.record({
    dt: fc.integer({ min: 0, max: 8000 }),
    receiver: fc.constantFrom("r1", "r2", "r3", "unknown"),
    rssi: fc.integer({ min: -110, max: -30 }),
    beacon: fc.constantFrom("a", "b", "c"),
  });

  it("always gives well-formed visits: per beacon enter then exit of the same zone, in time order", () => {
    fc.assert(
      fc.property(fc.array(sighting, { maxLength: 300 }), (raw) => {
        const t = new BeaconTracker(OPTS);
        let ts = 0;
        const out = run(
          t,
          raw.map((r) => [(ts += r.dt), r.receiver, r.rssi, r.beacon]),
          ts + 60_000,
        );
        out.push(...t.flush());
        for (const beacon of ["a", "b", "c"]) {
          const mine = out.filter((c) => c.beacon === beacon);
          let open: ZoneChange | null = null;
          let lastTs = -Infinity;
          for (const c of mine) {
            expect(c.ts).toBeGreaterThanOrEqual(lastTs);
            lastTs = c.ts;
            if (c.type === "enter") {
              expect(open).toBeNull();
              open = c;
            } else {
              expect(open?.zone).toBe(c.zone);
              open = null;
            }
          }
          expect(open).toBeNull();
        }
      }),
      { numRuns: 300 },
    );
  });

  it("gives each beacon the same visits whether or not other beacons are around", () => {
    fc.assert(
      fc.property(fc.array(sighting, { maxLength: 200 }), (raw) => {
        let ts = 0;
        const all = raw.map((r): [number, string, number, string] => [(ts += r.dt), r.receiver, r.rssi, r.beacon]);
        const together = run(new BeaconTracker(OPTS), all, ts + 60_000).filter((c) => c.beacon === "a");
        const alone = run(
          new BeaconTracker(OPTS),
          all.filter((s) => s[3] === "a"),
          ts + 60_000,
        );
        // Ticks happen at other beacons' sightings too: they never change what is reported, nor when.
        expect(together).toEqual(alone);
      }),
      { numRuns: 200 },
    );
  });
});

describe("BeaconTracker with the hmm decoder and a floor's adjacency", () => {
  // fruit - bakery - checkout in a row: fruit and checkout do not touch.
  const ROW: TrackerOptions = {
    ...BASE,
    decoder: "hmm",
    adjacency: [
      ["fruit", "bakery"],
      ["bakery", "checkout"],
    ],
  };
  const moves = (out: ZoneChange[]) => out.filter((c) => c.type === "exit" && c.reason === "moved").map((c) => [c.zone, out[out.indexOf(c) + 1]!.zone]);

  it("goes from fruit to checkout through bakery (or away), never in one step", () => {
    const t = new BeaconTracker(ROW);
    const out = run(t, [...steady("r1", -60, 0, 60_000), ...steady("r3", -60, 61_000, 150_000)], 200_000);
    for (const [from, to] of moves(out)) expect([from, to].sort()).not.toEqual(["checkout", "fruit"]);
    expect(out.filter((c) => c.type === "enter").map((c) => c.zone)).toContain("checkout");
  });

  it("property: every reported move is between zones that touch", () => {
    const sighting = fc.record({
      dt: fc.integer({ min: 0, max: 4000 }),
      receiver: fc.constantFrom("r1", "r2", "r3"),
      rssi: fc.integer({ min: -100, max: -40 }),
    });
    fc.assert(
      fc.property(fc.array(sighting, { maxLength: 300 }), (raw) => {
        let ts = 0;
        const out = run(
          new BeaconTracker(ROW),
          raw.map((r) => [(ts += r.dt), r.receiver, r.rssi]),
          ts + 60_000,
        );
        for (const [from, to] of moves(out)) expect([from, to].sort()).not.toEqual(["checkout", "fruit"]);
      }),
      { numRuns: 200 },
    );
  });
});
