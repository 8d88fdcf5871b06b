import { join } from "node:path";
import type { Layout } from "@footfall/core";
import { bootIdAt } from "../ids.js";
import { errorMessage } from "../log.js";
import { backfillTurns } from "./sim/loop-turns.js";
import type { Source, SourceContext } from "../source.js";
import { SimClock, atHourOfDay, firstOpenInstant } from "./sim/clock.js";
import { DEMO_LAYOUT } from "./sim/demo-layout.js";
import { SimEngine, arrivalMultiplier } from "./sim/engine.js";
import { simOpenAt, simStateLine } from "./sim/quiet.js";
import { SalesUploader } from "./sim/sales-upload.js";
import type { SimSettings } from "./sim/settings.js";
import type { SimLayout } from "./sim/store-model.js";

export { DEMO_LAYOUT, DEMO_ATTRACTION, DEMO_BASKET, DEMO_DWELL, DEMO_TRANSITIONS } from "./sim/demo-layout.js";
export { drawBasket, type BasketSetting, type SimSale } from "./sim/basket.js";
export { SalesUploader } from "./sim/sales-upload.js";
export { SimSettingsSchema, checkSimSettings, DEFAULT_HOURLY_CURVE, type SimSettings } from "./sim/settings.js";
export { SimEngine, type SimEngineOptions, type SimStats } from "./sim/engine.js";
export { SimClock } from "./sim/clock.js";
export { mulberry32, Random } from "./sim/prng.js";

/** A back-fill waits while the runtime holds more events than this not yet settled by the server. */
export const BACKFILL_BACKLOG = 20_000;
/** A back-fill gives the event loop a turn (signals, receipts, the connection) at least this often (ms). */
const BACKFILL_SLICE_MS = 50;
/** A back-fill makes this much history between two looks at the clock, the backlog and a stop (ms). */
const BACKFILL_STEP_MS = 10 * 60_000;
/** On stop, the till transactions still waiting get this long to reach the sales import (ms). */
const SALES_STOP_GRACE_MS = 2000;
/** Live, till transactions a flush left waiting for their store's events to be settled are tried again this soon (ms), not at the next upload. */
const SALES_RECHECK_MS = 1000;
/**
 * The most simulated time one live step covers (at least an hour, or four of its usual steps): a
 * wall clock that jumps (a laptop waking, NTP setting an edge box's clock) is caught up over the
 * next steps, at four times its speed or more, instead of days simulated in one call.
 */
export const catchUpPerStep = (speed: number, tickMs: number) => Math.max(3_600_000, 4 * speed * tickMs);

/** Where a run's history starts (epoch ms): `backfillHours` before `realStart`, or `backfillFrom` when later; at or after `realStart`, there is none. */
function historyFrom(settings: SimSettings, realStart: number): number {
  return Math.max(realStart - settings.backfillHours * 3_600_000, settings.backfillFrom ?? 0);
}

function waitForLayout(ctx: SourceContext<SimSettings>, ms: number): Promise<Layout | null> {
  const current = ctx.layout();
  if (current || ms <= 0 || !ctx.layoutsExpected) return Promise.resolve(current);
  return new Promise((resolve) => {
    const done = (layout: Layout | null): void => {
      clearTimeout(timer);
      unsubscribe();
      ctx.signal.removeEventListener("abort", onAbort);
      resolve(layout);
    };
    const onAbort = (): void => done(null);
    const timer = setTimeout(() => done(null), ms);
    const unsubscribe = ctx.onLayout((layout) => done(layout));
    ctx.signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * The `sim` source: a believable store (see {@link SimEngine}) run against the wall clock.
 *
 * Time: the simulated clock starts at the real time of day (or `startHour`; with `startOpen`, at the
 * next opening hour when the store is closed then) and runs `speed`
 * times faster, deciding the hour of the arrival curve (with `followClock`, the real instant of
 * the events decides it instead: the store keeps its hours by the wall clock); but every event is stamped with the real
 * instant it is emitted at, so simulated durations (dwell, gaps between arrivals, walks) are
 * divided by `speed` in the data. A 2-minute dwell shows as 2 s at speed 60. Stamping simulated
 * time instead would run ahead of the wall clock and the server rejects events more than 5 minutes
 * in the future; compressing durations keeps every `ts` real, "now" and accepted.
 *
 * History (`backfillHours`): simulated at real speed and sent with past ts at start; when the
 * simulated day starts now, the same store goes on live, so nobody is left inside.
 *
 * Layout: the server's retained layout when there is one (waiting `layoutWaitMs` for it at start),
 * else `settings.layout`, else the built-in demo layout. A new layout is used from the next move on.
 *
 * Sales: with `sales`, every paying visitor's till transaction (back-filled ones too) goes to the
 * server's sales import every `sales.everySeconds`, stamped like the events, once the server has
 * committed every event of the store before it (`ctx.settledBefore`; in a back-fill, also once the
 * history has been made up to it): the import never holds a sale whose visit is not stored yet, so
 * the store's conversion never runs above 100 % while a back-fill's entries wait in the outbox. Live,
 * that is within a second or so; a transaction a flush leaves waiting is tried again
 * {@link SALES_RECHECK_MS} later. What is still waiting is sent (as far as settled) when the source
 * stops, and the rest is kept on disk (`sales.stateFile`, else the agent's `dataDir`) and sent first
 * at the next start.
 */
export class SimSource implements Source<SimSettings> {
  /** Its input is its clock's tick (`ctx.input()` at each step, and at each hour of a back-fill). */
  readonly input = "tick";
  private timer: ReturnType<typeof setInterval> | null = null;
  private salesTimer: ReturnType<typeof setInterval> | null = null;
  /** The next try of till transactions the last flush left waiting for their events (live only). */
  private salesRecheck: ReturnType<typeof setTimeout> | null = null;
  /** The back-fill has made its history up to this instant (no later sale is judged yet); Infinity when none is under way. */
  private historyUntil = Infinity;
  private engine: SimEngine | null = null;
  private sales: SalesUploader | null = null;
  /** Set by `stop` (or a chain store's halt): a back-fill under way ends at its next step. */
  private stopped = false;
  /** The back-fill under way (`start` awaits it), for `stop` to wait out its last step. */
  private backfilling: Promise<unknown> | null = null;
  /** Ends the back-fill's current wait (for the server to take its backlog, or the event loop's turn) at once. */
  private wake: (() => void) | null = null;
  /** The simulation under way (the back-fill's, then the live store's), with how its instants are stamped: what {@link closing} empties. */
  private current: { ctx: SourceContext<SimSettings>; engine: SimEngine; stamp: (ts: number) => number } | null = null;

  /** Whether the people a killed run left inside (`leftInside`) were sent out. */
  private leftOut = false;

  /** `backfillBacklog`: the back-fill waits while the runtime holds more events than this unsettled ({@link BACKFILL_BACKLOG}). */
  constructor(private readonly opts: { backfillBacklog?: number } = {}) {}

  async start(ctx: SourceContext<SimSettings>): Promise<void> {
    this.stopped = false;
    const s = ctx.settings;
    if (s.leftInside && !this.leftOut) {
      // Once per process (a source restarted after a failure does not send them again): they go first.
      this.leftOut = true;
      this.walkOutLeft(ctx, s.leftInside);
    }
    const fromBroker = await waitForLayout(ctx, s.layoutWaitMs);
    if (ctx.signal.aborted || this.stopped) return;
    const layout: SimLayout = fromBroker ?? s.layout ?? DEMO_LAYOUT;
    const origin = fromBroker ? `the server's layout v${fromBroker.version}` : s.layout ? "the layout in the settings" : "the built-in demo layout";
    const seed = s.seed ?? Math.floor(Math.random() * 4_294_967_296);
    const realStart = ctx.now();
    const from = historyFrom(s, realStart);
    this.historyUntil = s.backfillHours > 0 && from < realStart ? from : Infinity;
    const sales = s.sales ? this.salesUploader(ctx, s.sales, realStart) : null;
    this.sales = sales;
    if (sales && s.sales) {
      // What an earlier run could not send goes first, then the history's as the server commits its events.
      if (sales.waiting > 0) this.flushSales(sales);
      this.salesTimer = setInterval(() => this.flushSales(sales), s.sales.everySeconds * 1000);
    }
    // Following the clock, the simulated day is the real one: it starts now, open or closed.
    const asked = s.startHour !== undefined && !s.followClock ? atHourOfDay(realStart, layout.timezone, s.startHour) : realStart;
    const simStart = s.startOpen && !s.followClock ? firstOpenInstant(asked, layout.timezone, (ms) => arrivalMultiplier(s, ms, layout.timezone)) : asked;
    if (simStart !== asked) ctx.log.info({ closedAt: new Date(asked).toISOString(), opensAt: new Date(simStart).toISOString() }, "the store is closed now: the simulated day starts when it opens");
    const clock = new SimClock(realStart, simStart, s.speed);
    const backfill = s.backfillHours > 0 ? this.backfill(ctx, layout, seed, realStart, clock) : null;
    this.backfilling = backfill;
    const history = await backfill;
    this.backfilling = null;
    // Stopped during the back-fill: what it emitted is queued; the rest is for the next start (`backfillFrom`).
    if (this.stopped || ctx.signal.aborted) return;
    // The history's store goes on live when the simulated day starts now: the people inside at the
    // end of the history walk on and out (else the door would count them in for the day and never
    // out). A day that starts elsewhere (the store closed now, or `startHour`) starts afresh.
    const engine =
      history && simStart === realStart
        ? history
        : new SimEngine({
            settings: s,
            layout,
            seed,
            startMs: simStart,
            idSalt: bootIdAt(realStart),
            ...(sales ? { onSale: (sale) => sales.add({ ...sale, ts: clock.realAt(sale.ts), arrived: clock.realAt(sale.arrived) }) } : {}),
          });
    // A lost visitor's open visit stands until the server's visit timeout, in real time: at `speed`
    // it would stand for `speed` times as long in the simulated store and crowd the live view with
    // ghosts, so the live store loses `speed` times fewer (the history, at real speed, loses the
    // whole `vanishRate`).
    engine.setVanishRate(s.vanishRate / s.speed);
    // `followClock`: the curve at the real instant of each simulated one (the history's, before
    // the clock's start, are real already), so the store keeps its hours at any speed.
    if (s.followClock) engine.setCurveClock((sim) => (sim < clock.simStart ? sim : clock.realAt(sim)));
    this.engine = engine;
    this.current = { ctx, engine, stamp: (ts) => (ts < clock.simStart ? ts : clock.realAt(ts)) };
    ctx.log.info({ zones: layout.zones.length, seed, speed: s.speed, door: engine.doorZone ?? "none", simStart: new Date(simStart).toISOString() }, `simulating ${origin}`);
    if (s.door.enabled && s.door.zone !== undefined && engine.doorZone === null) ctx.log.warn(`door.zone "${s.door.zone}" is not in the layout; no door counter`);
    // One line now and one each time the store moves between closed and open (by the curve's clock), so a sim
    // started at night says why it sends nobody, until when, and what to set to see traffic now.
    let timeZone = layout.timezone;
    const curveAt = (now: number) => (s.followClock ? now : engine.time);
    let wasOpen = false;
    const sayState = (now: number) => {
      const { open, line } = simStateLine(s, curveAt(now), timeZone);
      wasOpen = open;
      ctx.log.info(line);
    };
    sayState(realStart);
    ctx.onLayout((next) => {
      timeZone = next.timezone;
      engine.setLayout(next);
      ctx.log.info({ version: next.version, zones: next.zones.length }, "simulating the new layout from the next move on");
    });
    let lastLog = realStart;
    const catchUp = catchUpPerStep(s.speed, s.tickMs);
    this.timer = setInterval(() => {
      try {
        const now = ctx.now();
        const until = Math.min(clock.simAt(now), engine.time + catchUp);
        for (const event of engine.advance(until)) ctx.emit({ ...event, ts: clock.realAt(event.ts) });
        ctx.input?.();
        if (simOpenAt(s, curveAt(now), timeZone) !== wasOpen) sayState(now);
        if (now - lastLog >= 600_000) {
          lastLog = now;
          const st = engine.stats();
          ctx.log.info({ inStore: st.inStore, arrivals: st.arrivals, simTime: new Date(engine.time).toISOString() }, "simulated store");
        }
      } catch (err) {
        ctx.fail(new Error(`simulation step failed: ${errorMessage(err)}`, { cause: err }));
      }
    }, s.tickMs);
    // The history's last transactions, as soon as their events are settled.
    if (sales) this.flushSales(sales);
  }

  /**
   * One upload of the tills' transactions. After the back-fill, when it left some waiting for their
   * store's events to be settled (a live sale waits for its visit's receipt, well under a second), it
   * tries again {@link SALES_RECHECK_MS} later instead of at the next upload.
   */
  private flushSales(sales: SalesUploader): void {
    void sales.flush().then(() => {
      if (this.salesRecheck || this.stopped || this.sales !== sales || this.historyUntil !== Infinity || sales.heldBack === 0) return;
      this.salesRecheck = setTimeout(() => {
        this.salesRecheck = null;
        this.flushSales(sales);
      }, SALES_RECHECK_MS);
    });
  }

  /**
   * The tills' link to the sales import. What waits is kept in `sales.stateFile`, else in
   * `<dataDir>/<agent>.sales.jsonl`, so that a stop or a crash loses none. The kept sales of customers
   * who came in from the back-fill's start on are dropped: their events were not stored, and the
   * history makes that stretch's customers again, with their own sales (those who came in before it
   * were counted, and their sales stay).
   */
  private salesUploader(ctx: SourceContext<SimSettings>, s: NonNullable<SimSettings["sales"]>, realStart: number): SalesUploader {
    const file = s.stateFile ?? (ctx.dataDir ? join(ctx.dataDir, `${ctx.agent ?? "sim"}.sales.jsonl`) : undefined);
    if (!file) ctx.log.info("no dataDir or settings.sales.stateFile: till transactions the sales import has not taken when the simulator stops are lost");
    // A transaction goes once every event of its store before it is committed, and the history is made up to it.
    const settledBefore = () => Math.min(this.historyUntil, ctx.settledBefore?.() ?? Infinity);
    const sales = new SalesUploader({ url: s.url, token: s.token, log: ctx.log, file, settledBefore });
    const from = historyFrom(ctx.settings, realStart);
    if (sales.kept > 0 && ctx.settings.backfillHours > 0 && from < realStart) {
      const gone = sales.forgetFrom(from);
      if (gone > 0) ctx.log.info({ dropped: gone, from: new Date(from).toISOString() }, "kept till transactions of customers who came in during the stretch the back-fill makes again: dropped, the history has its own");
    }
    return sales;
  }

  /**
   * History: a separate engine run at real speed from `backfillHours` ago (or from `backfillFrom`,
   * the newest event already stored, when later) to now, its events sent with their own (past) ts.
   * Returns that engine (null without history to send, or when stopped meanwhile), which may go on
   * as the live store: its sales from `clock`'s start on are then stamped by `clock`.
   *
   * Paced, {@link BACKFILL_STEP_MS} of history at a time: while the runtime holds more than {@link BACKFILL_BACKLOG}
   * events not yet settled (`ctx.backlog`) it waits for the server to take them, so the history
   * never fills the outbox (a full one refuses events: a hole in the history), and it gives the
   * event loop a turn at least every {@link BACKFILL_SLICE_MS}, so a stop (Ctrl-C) is heard at once
   * and ends it at the next step (the back-fills of a process, one per store in the chain simulator,
   * take their slices one per turn: `backfillTurns`). Events go out in time order and the live store starts after the
   * last one, so the newest event the server holds says where a restart's back-fill begins.
   */
  private async backfill(ctx: SourceContext<SimSettings>, layout: SimLayout, seed: number, realStart: number, clock: SimClock): Promise<SimEngine | null> {
    const from = historyFrom(ctx.settings, realStart);
    if (from >= realStart) {
      ctx.log.info("no history to back-fill: the server holds events up to now");
      return null;
    }
    const sales = this.sales;
    const real = (sim: number) => (sim < realStart ? sim : clock.realAt(sim));
    const engine = new SimEngine({
      settings: ctx.settings,
      layout,
      seed: (seed + 1) >>> 0,
      startMs: from,
      idSalt: bootIdAt(from),
      // Simulated instants from the clock's start on are stamped by it; the history's are real already.
      ...(sales ? { onSale: (sale) => sales.add({ ...sale, ts: real(sale.ts), arrived: real(sale.arrived) }) } : {}),
    });
    // The past versions (`backfillLayouts`): each hour of history on the layout in force then, so a
    // zone moved in those hours draws the visitors its place drew before and after; the live store
    // goes on with the layout at start.
    const versions = [...(ctx.settings.backfillLayouts ?? [])].sort((a, b) => a.validFrom - b.validFrom);
    const inForce = (at: number) => versions.filter((v) => v.validFrom <= at).at(-1);
    let current = inForce(from);
    if (current) engine.setLayout(current);
    // Its events carry their own (past) instants.
    this.current = { ctx, engine, stamp: (ts) => ts };
    let n = 0;
    let turn = ctx.now();
    const halted = () => this.stopped || ctx.signal.aborted;
    for (let t = from; t < realStart; ) {
      const most = Math.min(this.opts.backfillBacklog ?? BACKFILL_BACKLOG, Math.floor((ctx.outboxCapacity ?? Infinity) / 2));
      // Its clock ticks on while it waits for the server to take its backlog (a slow server is "backlog", not a stalled simulator).
      ctx.input?.();
      if (ctx.backlog)
        while (!halted() && ctx.backlog() > most) {
          ctx.input?.();
          await this.pause((r) => void setTimeout(r, 20));
          // Back from the wait, it queues for a slice like the others (not the rest of its last one).
          turn = -Infinity;
        }
      if (!halted() && ctx.now() - turn >= BACKFILL_SLICE_MS) {
        await this.pause((r) => backfillTurns.wait(r));
        turn = ctx.now();
      }
      if (halted()) {
        ctx.log.info({ from: new Date(from).toISOString(), until: new Date(t).toISOString(), events: n }, "stopped during the back-fill: the rest of the history is back-filled at the next start");
        return null;
      }
      // A step on (an hour of a busy store took 0.75 s here: the slices were no shorter), or to the next version's start (that instant on the new layout).
      const change = versions.find((v) => v.validFrom > t && v.validFrom < realStart);
      const until = Math.min(realStart, t + BACKFILL_STEP_MS, change?.validFrom ?? Infinity);
      for (const event of engine.advance(until - 1)) {
        ctx.emit(event);
        n++;
      }
      t = until;
      // Every event and sale before `until` is made (and the events queued): those sales may go once their events are settled.
      this.historyUntil = until;
      const next = inForce(t);
      if (next && next !== current && t < realStart) {
        current = next;
        engine.setLayout(next);
      }
    }
    if (current) engine.setLayout(layout);
    this.historyUntil = Infinity;
    ctx.log.info({ from: new Date(from).toISOString(), hours: Math.round(((realStart - from) / 3_600_000) * 10) / 10, events: n }, "back-filled simulated history");
    return engine;
  }

  /** A back-fill's wait, until `schedule` calls back or `stop` comes (which calls what `schedule` returned: it leaves the line). */
  private pause(schedule: (resume: () => void) => void | (() => void)): Promise<void> {
    let cancel: void | (() => void);
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      cancel = schedule(resolve);
    }).finally(() => {
      this.wake = null;
      if (cancel) cancel();
    });
  }

  /**
   * The people a killed run of this agent left inside (`settings.leftInside`, as the server holds
   * them): each open visit's exit and each door counter's count out, at `leftInside.ts`, under this
   * run's own event ids, as the graceful stop ({@link closing}) would have sent them.
   */
  private walkOutLeft(ctx: SourceContext<SimSettings>, left: NonNullable<SimSettings["leftInside"]>): void {
    for (const e of left.exits) ctx.emit({ type: "exit", ts: left.ts, zone: e.zone, visitor: e.visitor });
    for (const d of left.doors) ctx.emit({ type: "count", ts: left.ts, zone: d.zone, in: 0, out: d.out });
    const counted = left.doors.reduce((n, d) => n + d.out, 0);
    if (left.exits.length > 0 || counted > 0)
      ctx.log.info({ exits: left.exits.length, countedOut: counted, at: new Date(left.ts).toISOString() }, "the people a killed run of this simulator left inside walk out (their zones' exits and the door's count out)");
  }

  /**
   * A graceful stop's last events, sent before the agent disconnects: the people still in the
   * simulated store (the live one, or the history where a stop cut the back-fill) walk out now (the
   * engine's `leaveAll`), so the server keeps no open visit of a simulator that is gone and its door
   * count nets to zero. Without it, a stopped demo's shoppers stayed in their zones until the visit
   * timeout, and the door's "in the store" counted them in for the rest of the day, beside the crowd
   * of the demo started again (which back-fills from here on, its store empty).
   */
  async closing(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.backfilling?.catch(() => {});
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const run = this.current;
    this.current = null;
    if (!run) return;
    const events = run.engine.leaveAll();
    for (const event of events) run.ctx.emit({ ...event, ts: run.stamp(event.ts) });
    const people = events.filter((e) => e.type === "exit").length;
    run.ctx.log.info({ exits: people }, "stopping: the people still in the simulated store walk out now (their exits and the door's count out are sent before it disconnects)");
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current = null;
    this.wake?.();
    await this.backfilling?.catch(() => {});
    if (this.timer) clearInterval(this.timer);
    if (this.salesTimer) clearInterval(this.salesTimer);
    if (this.salesRecheck) clearTimeout(this.salesRecheck);
    this.timer = null;
    this.salesTimer = null;
    this.salesRecheck = null;
    this.engine = null;
    // The till transactions still waiting, sent once more; what the server does not take is kept for the next start (with a file).
    const sales = this.sales;
    this.sales = null;
    if (sales) {
      if (sales.waiting > 0) await sales.flush(SALES_STOP_GRACE_MS);
      sales.close();
    }
  }
}
