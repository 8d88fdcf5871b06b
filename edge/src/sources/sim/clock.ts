import { offsetMs } from "@footfall/core";

const DAY_S = 86_400;

/** Zones the runtime knows (true) or not (false: the helpers read them as UTC), each asked of Intl once. */
const known = new Map<string, boolean>();

/**
 * The UTC offset (ms) of `timeZone` at `ms`, UTC's when the zone is unknown. Core's offsetMs keeps
 * each zone's offsets and the instants they change at in ~25-day spans, so an event costs a Map
 * read, not an Intl call (the chain simulator asked Intl for the hour of every event: ~16 % of its CPU).
 * A time Intl cannot format (NaN, beyond +-8.64e15) still throws a RangeError, as it did.
 */
function offsetOf(ms: number, timeZone: string): number {
  let ok = known.get(timeZone);
  if (ok === undefined) {
    try {
      offsetMs(0, timeZone);
      ok = true;
    } catch {
      ok = false;
    }
    known.set(timeZone, ok);
  }
  return offsetMs(ms, ok ? timeZone : "UTC");
}

/** Whole local seconds since 1970-01-01 00:00 local wall clock. */
const localSeconds = (ms: number, timeZone: string): number => Math.floor((ms + offsetOf(ms, timeZone)) / 1000);
const mod = (a: number, n: number): number => ((a % n) + n) % n;

/** Seconds since local midnight of `ms` in `timeZone` (an IANA name; falls back to UTC when unknown). */
export function secondsOfDay(ms: number, timeZone: string): number {
  return mod(localSeconds(ms, timeZone), DAY_S);
}

/** The hour of the day (0-23) of `ms` in `timeZone`. */
export function hourOfDay(ms: number, timeZone: string): number {
  return Math.floor(secondsOfDay(ms, timeZone) / 3600);
}

/** The hour of the week (0-167, Monday 00:00 first) of `ms` in `timeZone` (UTC when unknown). */
export function hourOfWeek(ms: number, timeZone: string): number {
  const s = localSeconds(ms, timeZone);
  // 1970-01-01 was a Thursday: day 0 is 3 days after a Monday.
  return mod(Math.floor(s / DAY_S) + 3, 7) * 24 + Math.floor(mod(s, DAY_S) / 3600);
}

/**
 * `ms` when `multiplierAt(ms)` is above 0 (the store is open then), else the start of the first local
 * hour after it whose multiplier is above 0, looking at most `maxHours` ahead (`ms` when none is).
 * The multiplier is constant within a local hour, so looking at each hour's start is enough.
 */
export function firstOpenInstant(ms: number, timeZone: string, multiplierAt: (ms: number) => number, maxHours = 168): number {
  if (multiplierAt(ms) > 0) return ms;
  let t = Math.floor(ms / 1000) * 1000 - (secondsOfDay(ms, timeZone) % 3600) * 1000;
  for (let i = 0; i < maxHours; i++) {
    t += 3_600_000;
    if (multiplierAt(t) > 0) return t;
  }
  return ms;
}

/** The instant of hour `hour` (fractional allowed) on the local day of `ms` in `timeZone`. */
export function atHourOfDay(ms: number, timeZone: string, hour: number): number {
  const midnight = Math.floor(ms / 1000) * 1000 - secondsOfDay(ms, timeZone) * 1000;
  return midnight + Math.round(hour * 3_600_000);
}

/**
 * The simulator's clock. Simulated time runs `speed` times faster than real time from
 * (`realStart`, `simStart`), but events are stamped with the real instant at which they happen
 * in the run: `ts = realStart + (simT - simStart) / speed`. So a simulated 5-minute dwell takes
 * 5 s at speed 60 and shows as 5 s in the data, and no `ts` is ever in the future (the server
 * rejects events more than 5 minutes ahead, which a clock running ahead would hit within seconds).
 * The simulated time only decides the hour of day (the arrival curve).
 */
export class SimClock {
  constructor(
    readonly realStart: number,
    readonly simStart: number,
    readonly speed: number,
  ) {}

  /** The simulated instant at real instant `real`. */
  simAt(real: number): number {
    return this.simStart + (real - this.realStart) * this.speed;
  }

  /** The real timestamp (integer ms, never later than the real instant it happens at) of simulated instant `sim`. */
  realAt(sim: number): number {
    return this.realStart + Math.floor((sim - this.simStart) / this.speed);
  }
}
