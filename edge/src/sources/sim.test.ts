import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DEMO_CLOSING_GRACE_MINUTES, hoursCoveringCurve, isOpen, type Layout, type StoreId, type ZoneId } from "@footfall/core";
import { LayoutHub } from "../layout.js";
import { silentLogger } from "../log.js";
import type { EventDraft, SourceContext } from "../source.js";
import { catchUpPerStep, SimSource } from "./sim.js";
import { checkSimSettings, DEFAULT_HOURLY_CURVE, type SimSettings } from "./sim/settings.js";

const START = Date.UTC(2025, 2, 4, 11, 0, 0); // 12:00 in Paris

function context(settings: SimSettings, hub = new LayoutHub(), layoutsExpected = false) {
  const emitted: Array<EventDraft & { emittedAt: number }> = [];
  const controller = new AbortController();
  let failure: unknown = null;
  const ctx: SourceContext<SimSettings> = {
    settings,
    emit: (e) => emitted.push({ ...e, emittedAt: Date.now() }),
    log: silentLogger,
    signal: controller.signal,
    layout: () => hub.current(),
    layoutsExpected,
    onLayout: (l) => hub.subscribe(l),
    now: () => Date.now(),
    fail: (err) => (failure = err),
  };
  return { ctx, emitted, controller, failure: () => failure };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});
// A test that timed out (a loaded machine) leaves its simulation running: the fake clock's advance goes on
// after the test, and with the real clock back its tick reads today's instant and simulates the whole gap
// since START at once (a worker at full CPU, gigabytes of events, the run never ends). Drop its timers first.
afterEach(() => {
  vi.clearAllTimers();
  vi.useRealTimers();
});

describe("SimSource", () => {
  it("stamps events with real time: never in the future, durations divided by speed", async () => {
    const settings = checkSimSettings({ speed: 60, seed: 1, arrivalsPerHour: 300 }).value;
    const { ctx, emitted, failure } = context(settings);
    const sim = new SimSource();
    await sim.start(ctx);
    await vi.advanceTimersByTimeAsync(10 * 60_000); // 10 real minutes = 10 simulated hours
    await sim.stop();
    expect(failure()).toBeNull();
    expect(emitted.length).toBeGreaterThan(500);
    for (const e of emitted) {
      expect(e.ts).toBeLessThanOrEqual(e.emittedAt);
      expect(e.ts).toBeGreaterThanOrEqual(START);
    }
    // Fruit & veg's simulated median dwell is 110 s: about 1.8 s of real time at speed 60.
    const open = new Map<string, number>();
    const dwell: number[] = [];
    for (const e of emitted) {
      if (e.type === "enter" && e.zone === "fruit-veg") open.set(e.visitor, e.ts);
      if (e.type === "exit" && e.zone === "fruit-veg" && open.has(e.visitor)) dwell.push(e.ts - open.get(e.visitor)!);
    }
    dwell.sort((a, b) => a - b);
    const median = dwell[Math.floor(dwell.length / 2)]!;
    expect(median).toBeGreaterThan(1200);
    expect(median).toBeLessThan(2700);
  });

  it("back-fills only the history after backfillFrom, so a restarted demo never sends an hour twice", async () => {
    const past = (settings: Partial<SimSettings>) => {
      const { ctx, emitted } = context(checkSimSettings({ seed: 3, arrivalsPerHour: 300, backfillHours: 6, startHour: 12, ...settings }).value);
      return { ctx, emitted, history: () => emitted.filter((e) => e.ts < START) };
    };
    const sims: SimSource[] = [];
    const start = async (ctx: SourceContext<SimSettings>) => {
      const sim = new SimSource();
      sims.push(sim);
      await sim.start(ctx);
    };
    const all = past({});
    await start(all.ctx);
    expect(all.history().length).toBeGreaterThan(100);
    expect(Math.min(...all.history().map((e) => e.ts))).toBeGreaterThanOrEqual(START - 6 * 3_600_000);

    const newest = START - 90 * 60_000; // the server already holds events up to 90 minutes ago
    const rest = past({ backfillFrom: newest + 1 });
    await start(rest.ctx);
    expect(rest.history().length).toBeGreaterThan(0);
    expect(Math.min(...rest.history().map((e) => e.ts))).toBeGreaterThan(newest);

    const none = past({ backfillFrom: START });
    await start(none.ctx);
    expect(none.history()).toEqual([]);
    for (const sim of sims) await sim.stop();
  });

  it("paces its back-fill to what the runtime holds unsettled (never fills the outbox), and a stop ends it at once", async () => {
    const { ctx, emitted } = context(checkSimSettings({ seed: 8, arrivalsPerHour: 150, backfillHours: 24, startHour: 12 }).value);
    // The runtime's outbox: what was emitted and not yet settled; the "server" settles 300 events every 100 ms.
    let settled = 0;
    let most = 0;
    const emit = ctx.emit;
    const paced: SourceContext<SimSettings> = {
      ...ctx,
      emit: (e) => {
        emit(e);
        most = Math.max(most, emitted.length - settled);
      },
      backlog: () => emitted.length - settled,
    };
    const server = setInterval(() => (settled = Math.min(emitted.length, settled + 300)), 100);
    const sim = new SimSource({ backfillBacklog: 1000 });
    const starting = sim.start(paced);
    await vi.advanceTimersByTimeAsync(2000);
    const history = () => emitted.filter((e) => e.ts < START).length;
    // The most events of one hour of history: the back-fill looks at the backlog between hours.
    const hourly = (events: readonly EventDraft[]) => {
      const per = new Map<number, number>();
      for (const e of events) if (e.ts < START) per.set(Math.floor((START - e.ts) / 3_600_000), (per.get(Math.floor((START - e.ts) / 3_600_000)) ?? 0) + 1);
      return Math.max(...per.values());
    };
    // Under way after 2 s: about what the server took (20 x 300), not the whole day.
    const after2s = history();
    expect(after2s).toBeGreaterThan(1000);
    expect(after2s).toBeLessThanOrEqual(20 * 300 + 1000 + hourly(emitted));
    // Held back to the backlog allowed, give or take one hour of history.
    expect(most).toBeLessThanOrEqual(1000 + hourly(emitted));
    // Stopped mid-way: it ends at once, nothing live after it, and its events are in time order (a restart goes on from the newest).
    await sim.stop();
    await starting;
    const n = emitted.length;
    await vi.advanceTimersByTimeAsync(5000);
    clearInterval(server);
    expect(emitted.length).toBe(n);
    expect(emitted.every((e) => e.ts < START)).toBe(true);
    expect(emitted.every((e, i) => i === 0 || e.ts >= emitted[i - 1]!.ts)).toBe(true);

    // Without a stop it gets through the whole day, still paced, and only then goes on live.
    const whole = context(checkSimSettings({ seed: 8, arrivalsPerHour: 150, backfillHours: 24, startHour: 12, speed: 60 }).value);
    let settledAll = 0;
    let mostAll = 0;
    const all = new SimSource({ backfillBacklog: 1000 });
    const allCtx: SourceContext<SimSettings> = {
      ...whole.ctx,
      emit: (e) => {
        whole.ctx.emit(e);
        mostAll = Math.max(mostAll, whole.emitted.length - settledAll);
      },
      backlog: () => whole.emitted.length - settledAll,
    };
    const drain = setInterval(() => (settledAll = whole.emitted.length), 50);
    const started = all.start(allCtx);
    await vi.advanceTimersByTimeAsync(60_000);
    await started;
    await all.stop();
    clearInterval(drain);
    const firstLive = whole.emitted.findIndex((e) => e.ts >= START);
    expect(firstLive).toBeGreaterThan(after2s);
    expect(whole.emitted.slice(firstLive).every((e) => e.ts >= START)).toBe(true);
    expect(mostAll).toBeLessThanOrEqual(1000 + hourly(whole.emitted));
  });

  it("keeps its back-fill's backlog under half the outbox a small outbox holds (a full in-memory outbox refuses events: a hole in the history)", async () => {
    const { ctx, emitted } = context(checkSimSettings({ seed: 8, arrivalsPerHour: 150, backfillHours: 24, startHour: 12 }).value);
    let settled = 0;
    let most = 0;
    const small: SourceContext<SimSettings> = {
      ...ctx,
      emit: (e) => {
        ctx.emit(e);
        most = Math.max(most, emitted.length - settled);
      },
      backlog: () => emitted.length - settled,
      outboxCapacity: 2000,
    };
    const server = setInterval(() => (settled = Math.min(emitted.length, settled + 300)), 100);
    const sim = new SimSource();
    const starting = sim.start(small);
    await vi.advanceTimersByTimeAsync(3000);
    await sim.stop();
    await starting;
    clearInterval(server);
    const perHour = new Map<number, number>();
    for (const e of emitted) if (e.ts < START) perHour.set(Math.floor((START - e.ts) / 3_600_000), (perHour.get(Math.floor((START - e.ts) / 3_600_000)) ?? 0) + 1);
    expect(emitted.length).toBeGreaterThan(1000);
    // Half the outbox, give or take the one hour of history made between two looks at the backlog.
    expect(most).toBeLessThanOrEqual(1000 + Math.max(...perHour.values()));
  });

  it("back-fills each hour on the layout version in force then (backfillLayouts), and goes on live with the layout at start", async () => {
    const { DEMO_LAYOUT } = await import("./sim.js");
    const change = START - 3 * 3_600_000;
    // Before the change the store had no Promotions zone; the change added it.
    const without = { ...DEMO_LAYOUT, validFrom: 0, zones: DEMO_LAYOUT.zones.filter((z) => z.id !== "promo") };
    const settings = checkSimSettings({ seed: 4, arrivalsPerHour: 300, backfillHours: 6, startHour: 12, backfillLayouts: [{ ...DEMO_LAYOUT, validFrom: change }, without] });
    expect(settings.problems).toEqual([]);
    const { ctx, emitted } = context(settings.value);
    const sim = new SimSource();
    await sim.start(ctx);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    await sim.stop();
    const zoneOf = (e: EventDraft) => ("zone" in e ? e.zone : null);
    const promo = (from: number, to: number) => emitted.filter((e) => zoneOf(e) === "promo" && e.ts >= from && e.ts < to).length;
    const others = emitted.filter((e) => e.ts < change && e.type === "enter" && zoneOf(e) !== "promo").length;
    expect(others).toBeGreaterThan(100);
    expect(promo(0, change)).toBe(0);
    expect(promo(change, START)).toBeGreaterThan(20);
    // Live, the layout at start (the built-in one, with Promotions).
    expect(promo(START, Infinity)).toBeGreaterThan(0);
  });

  it("goes on live with the history's store: the people inside when it ends walk on and out", async () => {
    // No visitor lost by the tracking here, so every enter must meet its exit.
    const { ctx, emitted } = context(checkSimSettings({ seed: 5, speed: 60, arrivalsPerHour: 400, vanishRate: 0, backfillHours: 2 }).value);
    const sim = new SimSource();
    await sim.start(ctx);
    await vi.advanceTimersByTimeAsync(3 * 60_000); // 3 simulated hours: long enough for anyone inside at the start to leave
    await sim.stop();
    const inside = new Map<string, string>(); // visitor -> zone with an open visit
    const exitedLive = new Set<string>();
    for (const e of [...emitted].sort((a, b) => a.ts - b.ts)) {
      if (e.type === "enter") inside.set(e.visitor, e.zone);
      if (e.type === "exit" && inside.get(e.visitor) === e.zone) {
        inside.delete(e.visitor);
        if (e.ts >= START) exitedLive.add(e.visitor);
      }
    }
    const fromHistory = new Set(emitted.filter((e) => e.ts < START && "visitor" in e).map((e) => (e as { visitor: string }).visitor));
    expect(fromHistory.size).toBeGreaterThan(100);
    // Some of the history's visitors were inside when it ended and left in the live run...
    expect([...exitedLive].filter((v) => fromHistory.has(v)).length).toBeGreaterThan(3);
    // ...and none of them is left behind in a zone.
    expect([...inside.keys()].filter((v) => fromHistory.has(v))).toEqual([]);
    // The door counter counted out everyone it counted in, but those inside now.
    const door = emitted.filter((e) => e.type === "count").reduce((n, e) => n + (e as { in: number }).in - (e as { out: number }).out, 0);
    expect(door).toBeGreaterThanOrEqual(0);
    expect(door).toBeLessThanOrEqual(inside.size + 5);
  });

  it("loses speed times fewer visitors live than in the history, so lost visits do not pile up in the live view", async () => {
    const { ctx, emitted } = context(checkSimSettings({ seed: 6, speed: 60, arrivalsPerHour: 400, vanishRate: 0.6, backfillHours: 3 }).value);
    const sim = new SimSource();
    await sim.start(ctx);
    await vi.advanceTimersByTimeAsync(4 * 60_000);
    const last = new Map<string, EventDraft>();
    for (const e of [...emitted].sort((a, b) => a.ts - b.ts)) if ("visitor" in e && e.type !== "position") last.set(e.visitor, e);
    await vi.advanceTimersByTimeAsync(60_000); // anyone still walking about has moved on by now
    await sim.stop();
    const first = new Map<string, number>();
    for (const e of emitted) if ("visitor" in e && !first.has(e.visitor)) first.set(e.visitor, e.ts);
    const lostShare = (inHistory: boolean) => {
      const who = [...last.keys()].filter((v) => (first.get(v)! < START) === inHistory && first.get(v)! < START + 3 * 60_000);
      const lost = who.filter((v) => last.get(v)!.type === "enter" && !emitted.some((e) => "visitor" in e && e.visitor === v && e.ts > last.get(v)!.ts));
      return lost.length / who.length;
    };
    expect(lostShare(true)).toBeGreaterThan(0.4);
    expect(lostShare(false)).toBeLessThan(0.05);
  });

  it("with followClock keeps to the store's hours by the wall clock at speed 60: a night start stays empty until it opens, and closing empties it", async () => {
    const hours = hoursCoveringCurve(DEFAULT_HOURLY_CURVE, DEMO_CLOSING_GRACE_MINUTES); // 08:00-21:30 in Paris, as the demo's
    const showsSomeone = (e: EventDraft) => e.type !== "count" || (e as { in: number }).in + (e as { out: number }).out > 0;
    const run = async (startUtc: number, realHours: number, settings: object) => {
      vi.setSystemTime(startUtc);
      const { ctx, emitted, failure } = context(checkSimSettings({ seed: 7, speed: 60, tickMs: 1000, followClock: true, ...settings }).value);
      const sim = new SimSource();
      await sim.start(ctx);
      await vi.advanceTimersByTimeAsync(realHours * 3_600_000);
      await sim.stop();
      expect(failure()).toBeNull();
      return emitted.filter(showsSomeone);
    };
    const closed = (events: EventDraft[]) => events.filter((e) => !isOpen(hours, e.ts, "Europe/Paris")).map((e) => `${e.type} at ${new Date(e.ts).toISOString()}`);
    // Started at 03:00 in Paris (02:00 UTC), as the demo asks (startOpen too, which following the clock leaves aside): nobody until 08:00, then the morning's crowd.
    const night = await run(Date.UTC(2025, 2, 8, 2, 0), 7, { startOpen: true, backfillHours: 0 });
    expect(closed(night)).toEqual([]);
    expect(night.filter((e) => e.ts >= Date.UTC(2025, 2, 8, 7, 0)).length).toBeGreaterThan(500);
    // Started at 20:00 with two hours of history: the evening goes on, nobody comes in from 21:00, all out by 21:30.
    const evening = await run(Date.UTC(2025, 2, 8, 19, 0), 3, { backfillHours: 2 });
    expect(evening.filter((e) => e.ts >= Date.UTC(2025, 2, 8, 19, 0) && e.ts < Date.UTC(2025, 2, 8, 20, 0)).length).toBeGreaterThan(500);
    expect(closed(evening)).toEqual([]);
  });

  it("catches up a wall clock that jumped (a laptop waking) over its next steps, an hour of simulated time at most in each, never days at once", async () => {
    const settings = checkSimSettings({ speed: 60, seed: 1, arrivalsPerHour: 30 }).value;
    const { ctx, emitted, failure } = context(settings);
    const sim = new SimSource();
    await sim.start(ctx);
    await vi.advanceTimersByTimeAsync(60_000);
    // The lid closes for 4 hours: no step runs, then the clock reads 4 hours later (240 simulated hours at speed 60).
    vi.setSystemTime(Date.now() + 4 * 3_600_000);
    const before = emitted.length;
    await vi.advanceTimersByTimeAsync(settings.tickMs);
    const step = emitted.slice(before);
    expect(step.length).toBeGreaterThan(0);
    // One step: at most an hour simulated, a real minute at speed 60 (old code: all 240 hours, 4 real hours of events).
    expect(step.at(-1)!.ts - step[0]!.ts).toBeLessThanOrEqual(catchUpPerStep(60, settings.tickMs) / 60);
    // Caught up within 30 real seconds (240 steps of an hour each at a step per 100 ms: 24 s), stamped never ahead of the clock.
    await vi.advanceTimersByTimeAsync(30_000);
    expect(emitted.at(-1)!.ts).toBeGreaterThan(Date.now() - 10_000);
    for (const e of emitted) expect(e.ts).toBeLessThanOrEqual(e.emittedAt);
    await sim.stop();
    expect(failure()).toBeNull();
  });

  it("emits nothing after stop", async () => {
    const { ctx, emitted } = context(checkSimSettings({ seed: 2, arrivalsPerHour: 600 }).value);
    const sim = new SimSource();
    await sim.start(ctx);
    await vi.advanceTimersByTimeAsync(60_000);
    await sim.stop();
    const n = emitted.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(emitted.length).toBe(n);
  });

  it("waits for the server's retained layout and simulates its zones", async () => {
    const hub = new LayoutHub();
    const { ctx, emitted } = context(checkSimSettings({ seed: 3, arrivalsPerHour: 600 }).value, hub, true);
    const sim = new SimSource();
    const started = sim.start(ctx);
    const square = (x: number): Array<readonly [number, number]> => [[x, 0], [x + 4, 0], [x + 4, 4], [x, 4]];
    const layout: Layout = {
      store: "demo" as StoreId,
      version: 3,
      validFrom: 0,
      timezone: "Europe/Paris",
      floor: { width: 20, height: 5 },
      zones: [
        { id: "door" as ZoneId, name: "Door", kind: "entrance", polygon: square(0) },
        { id: "shelves" as ZoneId, name: "Shelves", kind: "zone", polygon: square(5) },
        { id: "till" as ZoneId, name: "Till", kind: "checkout", polygon: square(10) },
      ],
    };
    await vi.advanceTimersByTimeAsync(500);
    hub.set(layout);
    await started;
    await vi.advanceTimersByTimeAsync(60_000);
    await sim.stop();
    const zones = new Set(emitted.flatMap((e) => ("zone" in e ? [e.zone] : [])));
    expect([...zones].sort()).toEqual(["door", "shelves", "till"]);
  });

  it("falls back to the demo layout when no layout arrives in time", async () => {
    const { ctx, emitted } = context(checkSimSettings({ seed: 4, arrivalsPerHour: 600, layoutWaitMs: 1000 }).value, new LayoutHub(), true);
    const sim = new SimSource();
    const started = sim.start(ctx);
    await vi.advanceTimersByTimeAsync(1000);
    await started;
    await vi.advanceTimersByTimeAsync(60_000);
    await sim.stop();
    expect(emitted.some((e) => "zone" in e && e.zone === "fruit-veg")).toBe(true);
  });
});
