/**
 * Queue figures against naive references: the busy time by walking every millisecond, the wait
 * estimate by its definition, the wait quantiles by counting, the outcomes from explicit pairs,
 * the weekday-hour grid by grouping visit by visit. And the layout rule for `queueFor`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { layoutProblems, queuesOf, type Zone } from "../protocol/layout.js";
import { localTime } from "./calendar.js";
import { abandonmentRate, busyMs, estimateWait, foldSteps, queueJoinsOf, queueOutcomes, waitByWeekdayHour, waitStats, type QueueVisit } from "./queues.js";

const RUNS = { numRuns: 300 };

const visit = fc
  .record({ enter: fc.integer({ min: 0, max: 400 }), len: fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }) })
  .map(({ enter, len }): QueueVisit => ({ enterTs: enter, exitTs: len === null ? null : enter + len }));
const visits = fc.array(visit, { maxLength: 25 });

/** Milliseconds of [from, to) covered by some visit, one at a time. */
function naiveBusy(vs: readonly QueueVisit[], from: number, to: number): number {
  let n = 0;
  for (let t = from; t < to; t++) if (vs.some((v) => v.enterTs <= t && t < (v.exitTs ?? to))) n++;
  return n;
}

/** The p-th quantile by counting: the smallest wait with at least ceil(p n) waits at or below it. */
function countingQuantile(xs: readonly number[], p: number): number {
  const need = Math.max(1, Math.ceil(p * xs.length - 1e-9));
  return [...xs].sort((a, b) => a - b).find((x) => xs.filter((y) => y <= x).length >= need)!;
}

describe("busyMs", () => {
  it("is the measure of the union of the visits' intervals inside the window", () => {
    fc.assert(
      fc.property(visits, fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 }), (vs, from, span) => {
        expect(busyMs(vs, from, from + span)).toBe(naiveBusy(vs, from, from + span));
      }),
      RUNS,
    );
  });
});

describe("estimateWait", () => {
  const now = 500;
  const windowMs = 300;
  const minStaleMs = 150;
  const waitsWindowMs = 450;
  /** The definition, spelled out: ghosts, length, the methods in order. */
  function reference(vs: readonly QueueVisit[]) {
    const from = now - windowMs;
    const ended = (v: QueueVisit) => v.exitTs !== null && v.exitTs >= from && v.exitTs < now;
    const waits = vs.filter(ended).map((v) => v.exitTs! - v.enterTs);
    const staleMs = Math.max(minStaleMs, 2 * Math.max(0, ...waits));
    const isOpen = (v: QueueVisit) => v.exitTs === null || v.exitTs >= now;
    const known = vs.filter((v) => v.enterTs < now);
    const ghosts = known.filter((v) => isOpen(v) && v.enterTs < now - staleMs);
    const live = known.filter((v) => !ghosts.includes(v));
    const length = live.filter(isOpen).length;
    const arrivals = vs.filter((v) => v.enterTs >= from && v.enterTs < now).length;
    const busy = naiveBusy(live, from, now);
    const ahead = (r: QueueVisit) => live.filter((v) => v !== r && v.enterTs < r.enterTs && v.enterTs >= r.enterTs - staleMs && (v.exitTs === null || v.exitTs > r.enterTs)).length;
    const recent = live.filter((v) => v.exitTs !== null && v.exitTs >= now - waitsWindowMs && v.exitTs < now);
    const anyBehind = recent.filter((r) => ahead(r) > 0);
    const nearBehind = anyBehind.filter((r) => Math.abs(ahead(r) - length) <= 1);
    const behind = nearBehind.length >= 3 ? nearBehind : anyBehind;
    const empty = recent.filter((r) => ahead(r) === 0).map((r) => r.exitTs! - r.enterTs);
    let est: number | null;
    let method: string;
    if (length > 0 && behind.length >= 3) {
      method = "recent-waits";
      est = ((length + 1) * behind.reduce((a, r) => a + r.exitTs! - r.enterTs, 0)) / behind.reduce((a, r) => a + ahead(r) + 1, 0);
    } else if (length === 0 && empty.length >= 3) {
      method = "recent-waits";
      est = median(empty);
    } else if (waits.length >= 3 && busy > 0) {
      method = "throughput";
      const mu = waits.length / busy;
      est = length > 0 ? (length + 1) / mu : Math.min(0.5 / mu, median(waits));
    } else if (arrivals > 0) {
      method = "littles-law";
      est = length / (arrivals / windowMs);
    } else {
      method = "none";
      est = null;
    }
    return { length, stale: ghosts.length, departures: waits.length, arrivals, busy, method, est, behind: behind.map((x) => ({ enterTs: x.enterTs, ahead: ahead(x), wait: x.exitTs! - x.enterTs })), anyBehind: anyBehind.map((x) => ({ enterTs: x.enterTs, ahead: ahead(x), wait: x.exitTs! - x.enterTs })) };
  }
  function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  }

  it("follows its definition: ghosts left out, recent waits per person ahead (those who found about as many ahead first), else throughput, else Little's law, else nothing", () => {
    fc.assert(
      fc.property(visits, (vs) => {
        const e = estimateWait(now, vs, { windowMs, waitsWindowMs, minDepartures: 3, minStaleMs });
        const r = reference(vs);
        expect(e.length).toBe(r.length);
        expect(e.stale).toBe(r.stale);
        expect(e.departures).toBe(r.departures);
        expect(e.arrivalsPerMin).toBeCloseTo((r.arrivals / windowMs) * 60_000, 9);
        expect(e.busyShare).toBeCloseTo(r.busy / windowMs, 12);
        expect(e.method).toBe(r.method);
        if (r.est === null) expect(e.estimatedWaitS).toBeNull();
        else expect(e.estimatedWaitS!).toBeCloseTo(r.est / 1000, 9);
      }),
      RUNS,
    );
  });

  it("with the served zone's visits: counts the tills open and reads the interval per till, by the definition", () => {
    const RUNS_TILLS = { numRuns: 200 };
    const tillsWindowMs = 120;
    fc.assert(
      fc.property(visits, fc.array(visit, { maxLength: 12 }), (vs, served) => {
        const e = estimateWait(now, vs, { windowMs, waitsWindowMs, minDepartures: 3, minStaleMs, served, tillsWindowMs });
        const r = reference(vs);
        // The served zone as known at `now`; ghosts: open and entered before max(minStaleMs, 2 x the longest service ended in the waits window).
        const known = served.filter((v) => v.enterTs < now).map((v) => ({ enterTs: v.enterTs, exitTs: v.exitTs !== null && v.exitTs < now ? v.exitTs : null }));
        const longest = Math.max(0, ...known.filter((v) => v.exitTs !== null && v.exitTs >= now - waitsWindowMs).map((v) => v.exitTs! - v.enterTs));
        const staleMs = Math.max(minStaleMs, 2 * longest);
        const atTills = (t: number) => known.filter((v) => v.enterTs <= t && v.enterTs >= t - staleMs && (v.exitTs === null || v.exitTs > t)).length;
        let most = 0;
        for (let t = now - tillsWindowMs; t <= now; t++) most = Math.max(most, atTills(t));
        expect(e.tillsOpen).toBe(r.length > 0 ? atTills(now) : most);
        expect(e.length).toBe(r.length);
        expect(e.method).toBe(r.method);
        if (r.method === "recent-waits" && r.length > 0 && atTills(now) > 0) {
          // Per till: sum(w) / sum((a + 1) / c) times (length + 1) / c now, over those who found about the same
          // load per till ((a + 1) / c within 0.5 of (length + 1) / c now) when there are 3, else the same people as without tills.
          const c = (x: { enterTs: number }) => Math.max(1, atTills(x.enterTs));
          const load = (r.length + 1) / atTills(now);
          const alike = r.anyBehind.filter((x) => Math.abs((x.ahead + 1) / c(x) - load) <= 0.5);
          const used = alike.length >= 3 ? alike : r.behind;
          const perTill = used.reduce((a, x) => a + (x.ahead + 1) / c(x), 0);
          const ms = used.reduce((a, x) => a + x.wait, 0);
          expect(e.estimatedWaitS!).toBeCloseTo((((r.length + 1) / atTills(now)) * ms) / perTill / 1000, 9);
        } else if (r.est === null) expect(e.estimatedWaitS).toBeNull();
        else expect(e.estimatedWaitS!).toBeCloseTo(r.est / 1000, 9);
      }),
      RUNS_TILLS,
    );
  });

  it("behind 2 people with 2 tills busy (open) and the last hour's people waiting 60 s behind 1 with 1 till, estimates 45 s", () => {
    // Each earlier person: 1 ahead, 1 person at the till, a 60 s wait: 2 intervals of one till, 30 s each.
    const vs: QueueVisit[] = [];
    const served: QueueVisit[] = [];
    for (let i = 0; i < 6; i++) {
      const t0 = i * 300_000;
      vs.push({ enterTs: t0, exitTs: t0 + 30_000 }, { enterTs: t0 + 1_000, exitTs: t0 + 61_000 });
      served.push({ enterTs: t0 - 20_000, exitTs: t0 + 30_000 }, { enterTs: t0 + 30_000, exitTs: t0 + 61_000 }, { enterTs: t0 + 61_000, exitTs: t0 + 90_000 });
    }
    const now = 6 * 300_000 + 10_000;
    vs.push({ enterTs: now - 9_000, exitTs: null }, { enterTs: now - 5_000, exitTs: null });
    served.push({ enterTs: now - 20_000, exitTs: null }, { enterTs: now - 15_000, exitTs: null });
    const e = estimateWait(now, vs, { served });
    expect(e.tillsOpen).toBe(2);
    expect(e.length).toBe(2);
    expect(e.method).toBe("recent-waits");
    // 3 intervals of one till shared by 2 tills: 1.5 x 30 s.
    expect(e.estimatedWaitS).toBeCloseTo(45, 6);
    expect(estimateWait(now, vs).estimatedWaitS).toBeCloseTo(90, 6);
  });

  it("with steady service of one person every 30 s, each behind 3 others, and 4 waiting now, estimates 5 intervals: 150 s", () => {
    const vs: QueueVisit[] = [];
    for (let i = 0; i < 44; i++) vs.push({ enterTs: i * 30_000, exitTs: i * 30_000 + 120_000 });
    const e = estimateWait(40 * 30_000 + 1, vs);
    expect(e.length).toBe(4);
    expect(e.method).toBe("recent-waits");
    expect(e.estimatedWaitS).toBeCloseTo(150, 6);
    expect(e.servedPerMin).toBeCloseTo(2, 6);
  });

  it("leaves out a visit left open long ago (a person the tracking lost)", () => {
    const e = estimateWait(3_600_000, [{ enterTs: 0, exitTs: null }]);
    expect(e).toMatchObject({ length: 0, stale: 1, method: "none", estimatedWaitS: null });
  });
});

describe("waitStats", () => {
  it("gives the mean, the median and the nearest-rank p90 in seconds", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 60 }), (ms) => {
        const s = waitStats(ms);
        if (ms.length === 0) {
          expect(s).toBeNull();
          return;
        }
        const sorted = [...ms].sort((a, b) => a - b);
        const n = sorted.length;
        const median = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
        expect(s!.n).toBe(n);
        expect(s!.median).toBeCloseTo(median / 1000, 9);
        expect(s!.p90).toBe(countingQuantile(ms, 0.9) / 1000);
        expect(s!.mean).toBeCloseTo(ms.reduce((a, b) => a + b, 0) / n / 1000, 9);
      }),
      RUNS,
    );
  });
});

describe("queueOutcomes", () => {
  const queues = [
    { zone: "q1", queueFor: "till" },
    { zone: "q2", queueFor: "desk" },
  ];
  const zone = fc.constantFrom("q1", "q2", "till", "desk", "fruit", "entrance");
  const trip = fc.record({ zones: fc.array(zone, { minLength: 1, maxLength: 8 }), count: fc.integer({ min: 1, max: 5 }), ongoing: fc.boolean() });

  it("counts a join served when its queueFor zone comes next, pending at the end of an ongoing trip, else abandoned", () => {
    fc.assert(
      fc.property(fc.array(trip, { maxLength: 10 }), (trips) => {
        const got = queueOutcomes(trips, queues);
        for (const q of queues) {
          const ref = { joins: 0, served: 0, abandoned: 0, pending: 0 };
          for (const t of trips) {
            const pairs = t.zones.map((z, i) => [z, t.zones[i + 1]] as const);
            for (const [z, next] of pairs) {
              if (z !== q.zone) continue;
              ref.joins += t.count;
              if (next === q.queueFor) ref.served += t.count;
              else if (next === undefined && t.ongoing) ref.pending += t.count;
              else ref.abandoned += t.count;
            }
          }
          expect(got.get(q.zone)).toEqual(ref);
          const o = got.get(q.zone)!;
          expect(o.served + o.abandoned + o.pending).toBe(o.joins);
          const rate = abandonmentRate(o);
          if (o.served + o.abandoned === 0) expect(rate).toBeNull();
          else expect(rate).toBeCloseTo(o.abandoned / (o.served + o.abandoned), 12);
        }
      }),
      RUNS,
    );
  });
});

describe("waitByWeekdayHour", () => {
  it("groups visits by the local weekday and hour they were entered, waits of closed ones only", () => {
    const T0 = Date.parse("2026-03-27T00:00:00Z"); // a week across Paris's DST change
    const v = fc
      .record({ at: fc.integer({ min: 0, max: 7 * 24 * 60 }), len: fc.option(fc.integer({ min: 0, max: 20 * 60_000 }), { nil: null }) })
      .map(({ at, len }): QueueVisit => ({ enterTs: T0 + at * 60_000, exitTs: len === null ? null : T0 + at * 60_000 + len }));
    fc.assert(
      fc.property(fc.array(v, { maxLength: 40 }), (vs) => {
        const cells = waitByWeekdayHour(vs, "Europe/Paris");
        const keys = cells.map((c) => c.weekday * 24 + c.hour);
        expect(keys).toEqual([...keys].sort((a, b) => a - b));
        let joins = 0;
        for (const c of cells) {
          const inCell = vs.filter((x) => {
            const t = localTime(x.enterTs, "Europe/Paris");
            return t.weekday === c.weekday && t.hour === c.hour;
          });
          expect(c.joins).toBe(inCell.length);
          expect(c.wait_s).toEqual(waitStats(inCell.filter((x) => x.exitTs !== null).map((x) => x.exitTs! - x.enterTs)));
          joins += c.joins;
        }
        expect(joins).toBe(vs.length);
      }),
      RUNS,
    );
  });
});

describe("layout: queueFor", () => {
  const square = (x: number): Zone["polygon"] => [
    [x, 0],
    [x + 1, 0],
    [x + 1, 1],
    [x, 1],
  ];
  const z = (id: string, kind: Zone["kind"], x: number, queueFor?: string): Zone => ({ id, name: id, kind, polygon: square(x), ...(queueFor ? { queueFor } : {}) }) as Zone;
  const layout = (zones: Zone[]) => ({ timezone: "UTC", floor: { width: 20, height: 5 }, zones });

  it("accepts a queue naming an existing non-queue zone, and lists it", () => {
    const zones = [z("till", "checkout", 0), z("line", "queue", 2, "till")];
    expect(layoutProblems(layout(zones))).toEqual([]);
    expect(queuesOf(zones)).toEqual([{ zone: "line", queueFor: "till" }]);
  });
  it("refuses a queue without queueFor, one naming a missing zone or another queue, and queueFor on other kinds, naming the field", () => {
    expect(layoutProblems(layout([z("line", "queue", 0)]))).toEqual([expect.stringMatching(/^\/zones\/0\/queueFor: queue zone "line" must name/)]);
    expect(layoutProblems(layout([z("line", "queue", 0, "nowhere")]))).toEqual([expect.stringMatching(/^\/zones\/0\/queueFor: .*"nowhere", which is not a zone/)]);
    expect(layoutProblems(layout([z("a", "queue", 0, "b"), z("b", "queue", 2, "a")]))[0]).toMatch(/^\/zones\/0\/queueFor: .*itself a queue/);
    expect(layoutProblems(layout([z("till", "checkout", 0, "till")]))).toEqual([expect.stringMatching(/^\/zones\/0\/queueFor: zone "till" is of kind "checkout"/)]);
  });
});

describe("queueJoinsOf", () => {
  const HOUR = 3_600_000;
  const queues = [{ zone: "q", queueFor: "till" }];
  /** A shopper's visits in enter order: zones with repeats, minutes apart (so a trip spans hours). */
  const rawTrip = fc
    .record({
      start: fc.integer({ min: 0, max: 48 * 60 }),
      steps: fc.array(fc.record({ zone: fc.constantFrom("q", "till", "a", "b"), gapMin: fc.integer({ min: 0, max: 50 }) }), { minLength: 1, maxLength: 12 }),
      ongoing: fc.boolean(),
    })
    .map(({ start, steps, ongoing }) => {
      let t = start * 60_000;
      return { ongoing, visits: steps.map((s) => ({ zone: s.zone, enterTs: (t += s.gapMin * 60_000) })) };
    });

  /** The rule spelled out on the raw visits: each run of the queue is a join at its first visit's enter; the next other zone decides it. */
  function reference(trips: readonly { ongoing: boolean; visits: readonly { zone: string; enterTs: number }[] }[]) {
    const byHour = new Map<number, { served: number; abandoned: number; pending: number }>();
    for (const { ongoing, visits } of trips) {
      for (let i = 0; i < visits.length; i++) {
        if (visits[i]!.zone !== "q" || (i > 0 && visits[i - 1]!.zone === "q")) continue;
        let j = i;
        while (j < visits.length && visits[j]!.zone === "q") j++;
        const outcome = j < visits.length ? (visits[j]!.zone === "till" ? "served" : "abandoned") : ongoing ? "pending" : "abandoned";
        const hour = Math.floor(visits[i]!.enterTs / HOUR);
        const c = byHour.get(hour) ?? { served: 0, abandoned: 0, pending: 0 };
        c[outcome]++;
        byHour.set(hour, c);
      }
    }
    return byHour;
  }

  it("counts each join in the hour the shopper joined the queue, with the outcome the next zone gives", () => {
    fc.assert(
      fc.property(fc.array(rawTrip, { maxLength: 15 }), (trips) => {
        const joins = queueJoinsOf(
          trips.map((t) => ({ ...foldSteps(t.visits), ongoing: t.ongoing })),
          queues,
        );
        const byHour = new Map<number, { served: number; abandoned: number; pending: number }>();
        for (const j of joins) {
          const hour = Math.floor(j.joinTs / HOUR);
          const c = byHour.get(hour) ?? { served: 0, abandoned: 0, pending: 0 };
          c[j.outcome]++;
          byHour.set(hour, c);
        }
        expect(byHour).toEqual(reference(trips));
      }),
      RUNS,
    );
  });

  it("adds up to queueOutcomes over the same paths", () => {
    fc.assert(
      fc.property(fc.array(rawTrip, { maxLength: 15 }), (trips) => {
        const steps = trips.map((t) => ({ ...foldSteps(t.visits), ongoing: t.ongoing }));
        const joins = queueJoinsOf(steps, queues);
        const o = queueOutcomes(steps, queues).get("q")!;
        const n = (k: string) => joins.filter((j) => j.outcome === k).length;
        expect({ joins: joins.length, served: n("served"), abandoned: n("abandoned"), pending: n("pending") }).toEqual(o);
      }),
      RUNS,
    );
  });

  it("counts a trip begun at 10:50 that joins at 11:05 in 11:00, not 10:00", () => {
    const t0 = 10 * HOUR;
    const [j] = queueJoinsOf([foldSteps([{ zone: "a", enterTs: t0 + 50 * 60_000 }, { zone: "q", enterTs: t0 + 65 * 60_000 }, { zone: "till", enterTs: t0 + 70 * 60_000 }])], queues);
    expect(j).toEqual({ zone: "q", joinTs: t0 + 65 * 60_000, outcome: "served" });
  });
});
