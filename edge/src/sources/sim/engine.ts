import type { EventDraft } from "../../source.js";
import { hourOfDay, hourOfWeek } from "./clock.js";
import { drawBasket, type BasketSetting, type SimSale } from "./basket.js";
import { Random } from "./prng.js";
import { TimeQueue } from "./queue.js";
import type { SimSettings } from "./settings.js";
import { StoreModel, type SimLayout, type SimZone } from "./store-model.js";

interface Visitor {
  id: string;
  /** Will pay at a checkout before leaving. */
  buys: boolean;
  /** Index of the zone visit at which the tracking loses this visitor (-1: never). */
  vanishAtStep: number;
  /** Zones still to browse before the checkout (or leaving). */
  browseLeft: number;
  step: number;
  visited: Set<string>;
  position: [number, number] | null;
  /** While waiting in a queue: when the person joined it. */
  joinedAt?: number;
  /** Served at a till of this checkout: the till frees when the visit there ends. */
  tillOf?: string;
  /** Never gives up (a benchmark's probe). */
  patient?: boolean;
  /** At a till: when the service began (its entry into the checkout zone). */
  tillSince?: number;
  /** When they came in (simulated ms). */
  arrivedAt: number;
}

/** The tills of one checkout that has a queue zone, and its line. */
interface Tills {
  open: number;
  busy: number;
  /** Waiting, first come first served. */
  line: Visitor[];
  opening: boolean;
}

/** One wait in a simulated queue, as it really happened (the truth a wait estimate is measured against). */
/**
 * The simulator's visitor id: `v-`, six random base36 characters, the visit's number in base36 and
 * the run's salt (its boot id: `bootIdAt`, 8 or 9 base36 characters). With the salt the part after
 * `v-` is at least 15 characters long and, for the times the protocol takes, begins its salt with a
 * letter (2000 to 2059) or is 16 or more digits long: never a bare MAC (12 hex digits) nor a phone
 * number (at most 15 digits), so ingest never rejects it as a personal id.
 */
export function simVisitorId(random: string, seq: number, salt: string): string {
  return `v-${random}${seq.toString(36)}${salt}`;
}

export interface QueueWait {
  visitor: string;
  queue: string;
  joinTs: number;
  leaveTs: number;
  /** Left the line for a till (else gave up). */
  served: boolean;
}

type Action =
  | { kind: "arrival" }
  | { kind: "enter"; visitor: Visitor; zone: SimZone }
  | { kind: "leave"; visitor: Visitor; zone: SimZone }
  | { kind: "position"; visitor: Visitor; zone: SimZone; until: number }
  | { kind: "door-out" }
  | { kind: "door-report" }
  | { kind: "give-up"; visitor: Visitor; queue: SimZone; checkout: string }
  | { kind: "till-open"; checkout: string }
  | { kind: "till-free"; checkout: string }
  | { kind: "pay"; visitor: Visitor };

/** Counters of a run, for logs and tests. */
export interface SimStats {
  arrivals: number;
  /** Visitors who left (including those the tracking lost). */
  departures: number;
  /** Visitors the tracking lost (an enter without exit). */
  vanished: number;
  /** Visitors in the store now. */
  inStore: number;
}

/** How to start a {@link SimEngine}. */
export interface SimEngineOptions {
  settings: SimSettings;
  layout: SimLayout;
  seed: number;
  /** Simulated start instant (epoch ms). */
  startMs: number;
  /** Appended to visitor ids so that runs with the same seed never share an id (e.g. the boot time in base36). */
  idSalt: string;
  /** Told of every wait in a queue when it ends (benchmarks compare wait estimates with it). */
  onQueueWait?: (wait: QueueWait) => void;
  /** Told the instant someone joins a queue, before they are in its line (benchmarks probe the expected wait then). */
  onQueueJoin?: (queue: string, visitor: string) => void;
  /**
   * Told of every till transaction when the customer has paid (the end of the service at a
   * checkout; also when the tracking lost them on the way). Baskets are drawn from a random stream
   * of their own, so the events of a seed are the same with and without it.
   */
  onSale?: (sale: SimSale) => void;
}

/** The arrival curve's multiplier at `ms` (the weekly curve when given, else the hourly one), in the store's time zone. */
export function arrivalMultiplier(settings: Pick<SimSettings, "weeklyCurve" | "hourlyCurve">, ms: number, timeZone: string): number {
  return (settings.weeklyCurve ? settings.weeklyCurve[hourOfWeek(ms, timeZone)] : settings.hourlyCurve[hourOfDay(ms, timeZone)]) ?? 0;
}

/**
 * The simulated store, as a pure discrete-event simulation in simulated milliseconds: no clock,
 * no timers, no I/O, so a seed replays exactly and a day runs in milliseconds in a test.
 * Visitors arrive as a Poisson process whose rate follows the hourly curve, come in through the
 * entrance (the door counter counts them), browse zones picked on the zone graph with log-normal
 * dwell times per zone, pay at a checkout (unless they are among the `skipCheckoutRate` who do not)
 * and leave (the door counter counts them out). A `vanishRate` share is lost by the tracking: their
 * last zone gets an enter and no exit, and no later event names them.
 * A checkout with a queue zone (kind `queue`, `queueFor` the checkout) has tills: buyers wait in
 * its line, first come first served, for a free till (service time: the checkout's dwell), give up
 * after their patience, and staff open another till when the line reaches `openAtLength` (after
 * `openDelaySeconds`) and close one when a till frees with nobody waiting.
 */
export class SimEngine {
  private readonly rng: Random;
  private readonly queue = new TimeQueue<Action>();
  private readonly out: EventDraft[] = [];
  private model: StoreModel;
  private now: number;
  private visitorSeq = 0;
  private door = { in: 0, out: 0 };
  private readonly counters: SimStats = { arrivals: 0, departures: 0, vanished: 0, inStore: 0 };
  private readonly peakRatePerMs: number;
  private readonly tills = new Map<string, Tills>();
  /** Set in a probe's copy: the probe's wait once it leaves the line. */
  private probeResult: number | null = null;
  /** Draws the baskets (apart from `rng`, so that adding `onSale` changes no event). */
  private readonly basketRng: Random;
  /** The share of new arrivals the tracking will lose (settings' `vanishRate` until {@link setVanishRate}). */
  private vanishRate: number;
  /** The instant the arrival curve is read at for a simulated instant (itself until {@link setCurveClock}). */
  private curveAt: (simMs: number) => number = (ms) => ms;

  constructor(private readonly opts: SimEngineOptions) {
    const { settings } = opts;
    this.rng = new Random(opts.seed);
    this.basketRng = new Random((opts.seed ^ 0x5a1e5) >>> 0);
    this.vanishRate = settings.vanishRate;
    this.model = new StoreModel(opts.layout, settings);
    this.now = opts.startMs;
    this.peakRatePerMs = (settings.arrivalsPerHour * Math.max(0, ...(settings.weeklyCurve ?? settings.hourlyCurve))) / 3_600_000;
    this.scheduleArrival(this.now);
    if (settings.door.enabled) this.queue.push(this.now + settings.door.reportEverySeconds * 1000, { kind: "door-report" });
  }

  /** The zone the door counter reports for, or null when there is none. */
  get doorZone(): string | null {
    if (!this.opts.settings.door.enabled) return null;
    const wanted = this.opts.settings.door.zone;
    if (wanted !== undefined) return this.model.zone(wanted) ? wanted : null;
    return this.model.entrance?.id ?? null;
  }

  /** The current store model (zone graph). */
  get store(): StoreModel {
    return this.model;
  }

  /** Counters so far. */
  stats(): SimStats {
    return { ...this.counters };
  }

  /** Lose this share of the visitors who arrive from now on (those inside keep their fate). */
  setVanishRate(rate: number): void {
    this.vanishRate = rate;
  }

  /**
   * Read the arrival curve (and closing time) at `curveAt(simulated instant)` from now on: the sim
   * source's `followClock` passes the real instant the events are stamped with, so the store opens
   * and closes by the wall clock at any speed.
   */
  setCurveClock(curveAt: (simMs: number) => number): void {
    this.curveAt = curveAt;
  }

  /** The arrival curve's multiplier now. */
  private multiplierNow(): number {
    return arrivalMultiplier(this.opts.settings, this.curveAt(this.now), this.model.timezone);
  }

  /** Use a new layout from now on: visitors already in a zone finish their visit, later moves use the new zones. */
  setLayout(layout: SimLayout): void {
    this.model = new StoreModel(layout, this.opts.settings);
  }

  /** Run the simulation up to simulated instant `until` and return the events that happened, in `ts` order (`ts` in simulated ms). */
  /** The simulated instant it has run to. */
  get time(): number {
    return this.now;
  }

  advance(until: number): EventDraft[] {
    for (let t = this.queue.peekTime(); t !== null && t <= until; t = this.queue.peekTime()) {
      const item = this.queue.pop()!;
      this.now = Math.max(this.now, item.t);
      this.run(item.value);
    }
    this.now = Math.max(this.now, until);
    return this.out.splice(0);
  }

  /**
   * The simulation ends now (a graceful stop): everyone still inside walks out at once, so the server
   * is left with no visit open and a door count that nets to zero, instead of people it would go on
   * counting in (the door's in without its out) after the simulator is gone, and beside the next run's
   * crowd after a restart. Answers the exits of the zones they are in (a checkout's line included;
   * people walking between zones are in none) and the door counter's last report: what it counted
   * since its previous one, with all of them out. Nothing happens in the simulation after it.
   */
  leaveAll(): EventDraft[] {
    const ts = this.ts();
    const inZones = new Map<string, string>();
    const inLines = new Map<string, string>();
    let doorOuts = 0;
    for (let it = this.queue.pop(); it !== null; it = this.queue.pop()) {
      const a = it.value;
      if (a.kind === "leave" && this.tracked(a.zone)) inZones.set(a.visitor.id, a.zone.id);
      else if (a.kind === "give-up" && this.tillsOf(a.checkout).line.includes(a.visitor)) inLines.set(a.visitor.id, a.queue.id);
      else if (a.kind === "door-out") doorOuts++;
      // Being served at a till: paid, as the till's service was under way.
      else if (a.kind === "pay") this.onPay(a.visitor);
    }
    for (const t of this.tills.values()) t.line.length = 0;
    for (const [visitor, zone] of [...inZones, ...inLines]) this.out.push({ type: "exit", ts, zone, visitor });
    const out = this.door.out + doorOuts + this.counters.inStore;
    if (this.doorZone !== null && (this.door.in > 0 || out > 0)) this.out.push({ type: "count", ts, zone: this.doorZone, in: this.door.in, out });
    this.door = { in: 0, out: 0 };
    this.counters.departures += this.counters.inStore;
    this.counters.inStore = 0;
    return this.out.splice(0);
  }

  /**
   * For benchmarks: the wait of one more person joining the line of `queue` now, in a copy of the
   * simulation continued with its own random stream `seed` (this one is left as it is), in
   * simulated ms; null when `queue` is no queue zone or the person is not served within `horizonMs`.
   * Averaged over seeds, it is the simulated true wait of someone joining now. With `redraw`, the
   * services under way at the tills get new durations in the copy, drawn from the checkout's dwell
   * and longer than what has elapsed (the copy's future is then only what is known now: averaged,
   * the expected wait given the present; without it, their end is already drawn and the probe
   * mostly replays it).
   */
  probeWait(queue: string, seed: number, horizonMs = 3 * 3_600_000, redraw = false): number | null {
    const zone = this.model.zone(queue);
    if (!zone || zone.kind !== "queue" || zone.queueFor === undefined) return null;
    const fork = cloneState(this, new Map()) as SimEngine;
    const w = fork as unknown as { rng: Random; opts: SimEngineOptions; out: EventDraft[] };
    w.rng = new Random(seed);
    w.opts = { ...this.opts };
    delete w.opts.onQueueWait;
    delete w.opts.onQueueJoin;
    delete w.opts.onSale;
    if (redraw) fork.redrawServices();
    const probe: Visitor = { id: "probe", buys: true, vanishAtStep: -1, browseLeft: 0, step: 0, visited: new Set(), position: null, patient: true, arrivedAt: this.ts() };
    fork.onJoin(probe, zone, zone.queueFor);
    for (let t = this.now; fork.probeResult === null && t < this.now + horizonMs; t += 60_000) {
      fork.advance(t + 60_000);
      w.out.length = 0;
    }
    return fork.probeResult;
  }

  /** New durations for the services under way (see `probeWait`): each longer than its elapsed part. */
  private redrawServices(): void {
    const items: { t: number; value: Action }[] = [];
    for (let it = this.queue.pop(); it !== null; it = this.queue.pop()) items.push(it);
    for (const { t, value } of items) {
      if (value.kind !== "leave" || value.zone.kind !== "checkout" || value.visitor.tillSince === undefined) {
        this.queue.push(t, value);
        continue;
      }
      const since = value.visitor.tillSince;
      const elapsed = this.now - since;
      let ms = elapsed;
      for (let k = 0; k < 1000; k++) {
        const d = Math.max(1000, this.rng.logNormal(value.zone.dwell.medianS, value.zone.dwell.sigma) * 1000);
        if (d > elapsed) {
          ms = d;
          break;
        }
      }
      this.queue.push(since + ms, value);
    }
  }

  private run(action: Action): void {
    switch (action.kind) {
      case "arrival":
        return this.onArrivalCandidate();
      case "enter":
        return this.onEnter(action.visitor, action.zone);
      case "leave":
        return this.onLeave(action.visitor, action.zone);
      case "position":
        return this.onPosition(action.visitor, action.zone, action.until);
      case "door-out":
        this.door.out++;
        return;
      case "door-report":
        return this.onDoorReport();
      case "give-up":
        return this.onGiveUp(action.visitor, action.queue, action.checkout);
      case "till-open": {
        const t = this.tillsOf(action.checkout);
        t.opening = false;
        t.open = Math.min(this.opts.settings.queues.maxTills, t.open + 1);
        return this.serve(action.checkout);
      }
      case "till-free":
        return this.freeTill(action.checkout);
      case "pay":
        return this.onPay(action.visitor);
    }
  }

  private ts(): number {
    return Math.round(this.now);
  }

  /** Thinning of a Poisson process at the peak rate: a candidate becomes a visitor with probability rate(hour) / peak. */
  private scheduleArrival(from: number): void {
    if (this.peakRatePerMs <= 0) return;
    this.queue.push(from + this.rng.exponential(1 / this.peakRatePerMs), { kind: "arrival" });
  }

  private onArrivalCandidate(): void {
    const { settings } = this.opts;
    const rate = (settings.arrivalsPerHour * this.multiplierNow()) / 3_600_000;
    if (this.rng.float() * this.peakRatePerMs < rate) this.arrive();
    this.scheduleArrival(this.now);
  }

  private arrive(): void {
    const { settings } = this.opts;
    const first = this.model.entrance ?? this.model.nextBrowse(null, new Set(), this.rng);
    if (!first) return; // a layout without zones: nowhere to go
    const browseLeft = Math.max(1, 1 + this.rng.poisson(settings.meanZonesPerVisit - 1));
    const buys = !this.rng.chance(settings.skipCheckoutRate) && this.model.checkouts.length > 0;
    const steps = 1 + browseLeft + (buys ? 1 : 0);
    const visitor: Visitor = {
      id: simVisitorId(this.rng.base36(6), this.visitorSeq++, this.opts.idSalt),
      buys,
      vanishAtStep: this.rng.chance(this.vanishRate) ? this.rng.int(steps) : -1,
      browseLeft,
      step: 0,
      visited: new Set(),
      position: null,
      arrivedAt: this.ts(),
    };
    this.counters.arrivals++;
    this.counters.inStore++;
    if (this.doorZone !== null) this.door.in++;
    this.onEnter(visitor, first);
  }

  /**
   * Whether tracking reports visits to `zone`: not the door counter's zone, which the counter
   * already reports (DESIGN: a zone's enters are its visits plus its door `in`, so both would count twice).
   */
  private tracked(zone: SimZone): boolean {
    return zone.id !== this.doorZone;
  }

  private onEnter(visitor: Visitor, zone: SimZone): void {
    if (zone.kind === "queue" && zone.queueFor !== undefined) return this.onJoin(visitor, zone, zone.queueFor);
    if (this.tracked(zone)) this.out.push({ type: "enter", ts: this.ts(), zone: zone.id, visitor: visitor.id });
    visitor.visited.add(zone.id);
    if (zone.kind === "checkout" && visitor.tillOf === zone.id) visitor.tillSince = this.now;
    const dwellMs = this.rng.logNormal(zone.dwell.medianS, zone.dwell.sigma) * 1000;
    const leaveAt = this.now + Math.max(1000, dwellMs);
    // Paid when the service ends, whether or not the tracking still follows the person.
    if (zone.kind === "checkout" && visitor.buys && this.opts.onSale) this.queue.push(leaveAt, { kind: "pay", visitor });
    if (visitor.step === visitor.vanishAtStep) {
      // Lost by the tracking: no exit, no later event; the person still walks out through the door (and frees the till).
      this.counters.vanished++;
      if (visitor.tillOf !== undefined) this.queue.push(leaveAt, { kind: "till-free", checkout: visitor.tillOf });
      this.depart(leaveAt, zone);
      return;
    }
    if (this.opts.settings.positions.enabled) this.onPosition(visitor, zone, leaveAt);
    this.queue.push(leaveAt, { kind: "leave", visitor, zone });
  }

  private onLeave(visitor: Visitor, zone: SimZone): void {
    if (this.tracked(zone)) this.out.push({ type: "exit", ts: this.ts(), zone: zone.id, visitor: visitor.id });
    visitor.step++;
    if (visitor.tillOf !== undefined && zone.id === visitor.tillOf) this.freeTill(visitor.tillOf);
    let next: SimZone | null = null;
    if (zone.kind !== "checkout") {
      // Closing time (no more arrivals): the people still browsing go to the tills and out.
      if (visitor.browseLeft > 0 && this.multiplierNow() === 0) visitor.browseLeft = 0;
      if (visitor.browseLeft > 0) {
        visitor.browseLeft--;
        next = this.model.nextBrowse(zone, visitor.visited, this.rng);
      }
      if (!next && visitor.buys) {
        const till = this.model.checkout(zone, this.rng);
        // A checkout with a queue zone: into its line first.
        next = till ? (this.model.queueOf(till) ?? till) : null;
      }
    }
    if (!next) {
      this.depart(this.now, zone);
      return;
    }
    this.queue.push(this.now + this.model.walkSeconds(zone, next) * 1000, { kind: "enter", visitor, zone: next });
  }

  private tillsOf(checkout: string): Tills {
    let t = this.tills.get(checkout);
    if (!t) this.tills.set(checkout, (t = { open: Math.min(this.opts.settings.queues.tills, this.opts.settings.queues.maxTills), busy: 0, line: [], opening: false }));
    return t;
  }

  /** Joins the line of `queue` (for `checkout`): an enter of the queue zone, served when a till is free. */
  private onJoin(visitor: Visitor, queue: SimZone, checkout: string): void {
    const q = this.opts.settings.queues;
    if (!visitor.patient && visitor.step !== visitor.vanishAtStep) this.opts.onQueueJoin?.(queue.id, visitor.id);
    this.out.push({ type: "enter", ts: this.ts(), zone: queue.id, visitor: visitor.id });
    visitor.visited.add(queue.id);
    if (visitor.step === visitor.vanishAtStep) {
      // Lost by the tracking in the line: it leaves the store unseen (and takes no till).
      this.counters.vanished++;
      this.depart(this.now + 60_000, queue);
      return;
    }
    visitor.joinedAt = this.now;
    const t = this.tillsOf(checkout);
    t.line.push(visitor);
    if (!visitor.patient) this.queue.push(this.now + Math.max(1000, this.rng.logNormal(q.patience.medianS, q.patience.sigma) * 1000), { kind: "give-up", visitor, queue, checkout });
    if (t.line.length >= q.openAtLength && t.open < q.maxTills && !t.opening) {
      t.opening = true;
      this.queue.push(this.now + q.openDelaySeconds * 1000, { kind: "till-open", checkout });
    }
    this.serve(checkout);
  }

  /** Moves people from the line to free tills. */
  private serve(checkout: string): void {
    const t = this.tillsOf(checkout);
    const till = this.model.zone(checkout);
    while (t.busy < t.open && t.line.length > 0) {
      const visitor = t.line.shift()!;
      t.busy++;
      const queue = this.model.queueOf(till ?? ({ id: checkout } as SimZone));
      this.leaveLine(visitor, queue?.id ?? null, true);
      visitor.tillOf = checkout;
      visitor.step++;
      if (!till || !queue) {
        // The checkout or its queue left the layout (a new layout): the person pays anyway and goes.
        t.busy--;
        this.counters.departures++;
        this.counters.inStore--;
        continue;
      }
      const walk = this.model.walkSeconds(queue, till) * 1000;
      this.queue.push(this.now + Math.min(walk, 3000), { kind: "enter", visitor, zone: till });
    }
  }

  private leaveLine(visitor: Visitor, queue: string | null, served: boolean): void {
    const joinTs = visitor.joinedAt ?? this.now;
    delete visitor.joinedAt;
    if (visitor.patient) this.probeResult = this.now - joinTs;
    if (queue === null) return;
    this.out.push({ type: "exit", ts: this.ts(), zone: queue, visitor: visitor.id });
    this.opts.onQueueWait?.({ visitor: visitor.id, queue, joinTs: Math.round(joinTs), leaveTs: this.ts(), served });
  }

  private onGiveUp(visitor: Visitor, queue: SimZone, checkout: string): void {
    const t = this.tillsOf(checkout);
    const i = t.line.indexOf(visitor);
    if (i < 0) return; // served already
    t.line.splice(i, 1);
    this.leaveLine(visitor, queue.id, false);
    visitor.step++;
    this.depart(this.now, queue);
  }

  /** A till's customer is done: the next in line, or staff close the till when nobody waits. */
  private freeTill(checkout: string): void {
    const t = this.tillsOf(checkout);
    t.busy = Math.max(0, t.busy - 1);
    if (t.line.length === 0 && t.open > this.opts.settings.queues.tills && t.busy < t.open) t.open--;
    this.serve(checkout);
  }

  private depart(at: number, from: SimZone): void {
    this.counters.departures++;
    this.counters.inStore--;
    if (this.doorZone === null) return;
    const door = this.model.zone(this.doorZone);
    const walk = door ? this.model.walkSeconds(from, door) * 1000 : 0;
    this.queue.push(at + walk, { kind: "door-out" });
  }

  private onPosition(visitor: Visitor, zone: SimZone, until: number): void {
    // A random walk inside the zone: small steps, a fresh random point when a step would leave it.
    const prev = visitor.position;
    let p = prev ? ([prev[0] + this.rng.normal() * 0.7, prev[1] + this.rng.normal() * 0.7] as [number, number]) : null;
    if (!p || !this.model.contains(zone, p)) p = this.model.randomPoint(zone, this.rng);
    visitor.position = p;
    this.out.push({ type: "position", ts: this.ts(), visitor: visitor.id, x: round2(p[0]), y: round2(p[1]) });
    const next = this.now + this.opts.settings.positions.everySeconds * 1000;
    if (next < until) this.queue.push(next, { kind: "position", visitor, zone, until });
  }

  /** The till transaction of a visitor who paid: the basket of the zones they browsed. */
  private onPay(visitor: Visitor): void {
    const browsed = [...visitor.visited].filter((id) => this.model.isBrowsable(id));
    const basket = drawBasket(browsed, (id) => this.basketOf(id), this.basketRng);
    if (basket) this.opts.onSale?.({ transaction: `t-${visitor.id}`, ts: this.ts(), arrived: visitor.arrivedAt, ...basket });
  }

  private basketOf(zone: string): BasketSetting {
    const { settings } = this.opts;
    return settings.basket[zone] ?? settings.basketByKind[this.model.zone(zone)?.kind ?? "other"] ?? NOTHING_SOLD;
  }

  private onDoorReport(): void {
    const zone = this.doorZone;
    if (zone !== null && (this.door.in > 0 || this.door.out > 0)) {
      this.out.push({ type: "count", ts: this.ts(), zone, in: this.door.in, out: this.door.out });
    }
    this.door = { in: 0, out: 0 };
    this.queue.push(this.now + this.opts.settings.door.reportEverySeconds * 1000, { kind: "door-report" });
  }
}

/** A deep copy keeping prototypes and shared references (the simulation's state for `probeWait`); functions are shared. */
function cloneState(x: unknown, memo: Map<object, unknown>): unknown {
  if (x === null || typeof x !== "object") return x;
  const seen = memo.get(x);
  if (seen !== undefined) return seen;
  if (x instanceof Map) {
    const m = new Map();
    memo.set(x, m);
    for (const [k, v] of x) m.set(cloneState(k, memo), cloneState(v, memo));
    return m;
  }
  if (x instanceof Set) {
    const c = new Set();
    memo.set(x, c);
    for (const v of x) c.add(cloneState(v, memo));
    return c;
  }
  if (Array.isArray(x)) {
    const a: unknown[] = [];
    memo.set(x, a);
    for (const v of x) a.push(cloneState(v, memo));
    return a;
  }
  const o = Object.create(Object.getPrototypeOf(x) as object) as Record<string, unknown>;
  memo.set(x, o);
  for (const k of Object.keys(x)) o[k] = cloneState((x as Record<string, unknown>)[k], memo);
  return o;
}

const NOTHING_SOLD: BasketSetting = { buyChance: 0, meanItems: 1, price: { median: 0, sigma: 0 } };

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
