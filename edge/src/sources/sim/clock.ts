import { localTime, type LocalTime } from "@footfall/core";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { timeZone, hourCycle: "h23", hour: "numeric", minute: "numeric", second: "numeric" });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Seconds since local midnight of `ms` in `timeZone` (an IANA name; falls back to UTC when unknown). */
export function secondsOfDay(ms: number, timeZone: string): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = formatter(timeZone).formatToParts(ms);
  } catch {
    parts = formatter("UTC").formatToParts(ms);
  }
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get("hour") * 3600 + get("minute") * 60 + get("second");
}

/** The hour of the day (0-23) of `ms` in `timeZone`. */
export function hourOfDay(ms: number, timeZone: string): number {
  return Math.floor(secondsOfDay(ms, timeZone) / 3600) % 24;
}

/** The hour of the week (0-167, Monday 00:00 first) of `ms` in `timeZone` (UTC when unknown). */
export function hourOfWeek(ms: number, timeZone: string): number {
  let t: LocalTime;
  try {
    t = localTime(ms, timeZone);
  } catch {
    t = localTime(ms, "UTC");
  }
  return (t.weekday - 1) * 24 + t.hour;
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
