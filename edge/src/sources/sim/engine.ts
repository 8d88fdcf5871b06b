import type { EventDraft } from "../../source.js";
import { hourOfDay, hourOfWeek } from "./clock.js";
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
}

type Action =
  | { kind: "arrival" }
  | { kind: "enter"; visitor: Visitor; zone: SimZone }
  | { kind: "leave"; visitor: Visitor; zone: SimZone }
  | { kind: "position"; visitor: Visitor; zone: SimZone; until: number }
  | { kind: "door-out" }
  | { kind: "door-report" };

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
}

/**
 * The simulated store, as a pure discrete-event simulation in simulated milliseconds: no clock,
 * no timers, no I/O, so a seed replays exactly and a day runs in milliseconds in a test.
 * Visitors arrive as a Poisson process whose rate follows the hourly curve, come in through the
 * entrance (the door counter counts them), browse zones picked on the zone graph with log-normal
 * dwell times per zone, pay at a checkout (unless they are among the `skipCheckoutRate` who do not)
 * and leave (the door counter counts them out). A `vanishRate` share is lost by the tracking: their
 * last zone gets an enter and no exit, and no later event names them.
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

  constructor(private readonly opts: SimEngineOptions) {
    const { settings } = opts;
    this.rng = new Random(opts.seed);
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

  /** Use a new layout from now on: visitors already in a zone finish their visit, later moves use the new zones. */
  setLayout(layout: SimLayout): void {
    this.model = new StoreModel(layout, this.opts.settings);
  }

  /** Run the simulation up to simulated instant `until` and return the events that happened, in `ts` order (`ts` in simulated ms). */
  advance(until: number): EventDraft[] {
    for (let t = this.queue.peekTime(); t !== null && t <= until; t = this.queue.peekTime()) {
      const item = this.queue.pop()!;
      this.now = Math.max(this.now, item.t);
      this.run(item.value);
    }
    this.now = Math.max(this.now, until);
    return this.out.splice(0);
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
    const curve = settings.weeklyCurve ? settings.weeklyCurve[hourOfWeek(this.now, this.model.timezone)] : settings.hourlyCurve[hourOfDay(this.now, this.model.timezone)];
    const rate = (settings.arrivalsPerHour * (curve ?? 0)) / 3_600_000;
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
      id: `v-${this.rng.base36(6)}${(this.visitorSeq++).toString(36)}${this.opts.idSalt}`,
      buys,
      vanishAtStep: this.rng.chance(settings.vanishRate) ? this.rng.int(steps) : -1,
      browseLeft,
      step: 0,
      visited: new Set(),
      position: null,
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
    if (this.tracked(zone)) this.out.push({ type: "enter", ts: this.ts(), zone: zone.id, visitor: visitor.id });
    visitor.visited.add(zone.id);
    const dwellMs = this.rng.logNormal(zone.dwell.medianS, zone.dwell.sigma) * 1000;
    const leaveAt = this.now + Math.max(1000, dwellMs);
    if (visitor.step === visitor.vanishAtStep) {
      // Lost by the tracking: no exit, no later event; the person still walks out through the door.
      this.counters.vanished++;
      this.depart(leaveAt, zone);
      return;
    }
    if (this.opts.settings.positions.enabled) this.onPosition(visitor, zone, leaveAt);
    this.queue.push(leaveAt, { kind: "leave", visitor, zone });
  }

  private onLeave(visitor: Visitor, zone: SimZone): void {
    if (this.tracked(zone)) this.out.push({ type: "exit", ts: this.ts(), zone: zone.id, visitor: visitor.id });
    visitor.step++;
    let next: SimZone | null = null;
    if (zone.kind !== "checkout") {
      if (visitor.browseLeft > 0) {
        visitor.browseLeft--;
        next = this.model.nextBrowse(zone, visitor.visited, this.rng);
      }
      if (!next && visitor.buys) next = this.model.checkout(zone, this.rng);
    }
    if (!next) {
      this.depart(this.now, zone);
      return;
    }
    this.queue.push(this.now + this.model.walkSeconds(zone, next) * 1000, { kind: "enter", visitor, zone: next });
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

  private onDoorReport(): void {
    const zone = this.doorZone;
    if (zone !== null && (this.door.in > 0 || this.door.out > 0)) {
      this.out.push({ type: "count", ts: this.ts(), zone, in: this.door.in, out: this.door.out });
    }
    this.door = { in: 0, out: 0 };
    this.queue.push(this.now + this.opts.settings.door.reportEverySeconds * 1000, { kind: "door-report" });
  }
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
