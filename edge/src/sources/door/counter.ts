import { LIMITS } from "@footfall/core";

/**
 * A door counter's tally between two `count` reports, pure. Counts come either as crossings
 * ("3 people in") or as the device's cumulative totals ("in=1234 out=1200"); the tally turns both
 * into the protocol's "crossings since the previous report", never negative.
 *
 * Totals: the first reading only sets the baseline (a device's lifetime total is not today's
 * traffic); later ones add their increase; a total lower than the baseline means the device
 * restarted from zero, and the new total is the increase.
 *
 * Bound: one report is one `count` event, which carries at most {@link MAX_CROSSINGS} of each
 * direction (protocol v1). A reading that would bring the crossings waiting for the next report
 * past it (a garbled line, a serial number taken for a count, a total that jumped) is refused and
 * counted in `refused`, so that it never takes the other crossings of the report down with it; a
 * refused total also clears that baseline (the next total is the new one: a glitch or a new
 * device costs at most one reading's crossings, never a lifetime total).
 */
export interface DoorTally {
  /** Crossings seen and not reported yet. */
  pendingIn: number;
  pendingOut: number;
  /** The device's last cumulative totals, or null before the first reading. */
  totalIn: number | null;
  totalOut: number | null;
  /** Times a device total went down (a device restart). */
  resets: number;
  /** Readings refused for going past {@link MAX_CROSSINGS} (see above). */
  refused: number;
  /**
   * Pushed totals (HTTP, mode "total"): each sensor's own last totals, least recently heard first,
   * at most {@link MAX_SENSORS}. Counters of different sensors are never added up before they are
   * compared: the sum drops when one sensor restarts or misses a push, and rises by a whole lifetime
   * total when it comes back.
   */
  sensors: SensorTotals[];
}

/** One sensor's last cumulative totals (null before its first reading, or after a refused one). */
export interface SensorTotals {
  sensor: string;
  in: number | null;
  out: number | null;
}

/** Sensors whose baselines are kept; the one heard from least recently goes beyond it. */
export const MAX_SENSORS = 256;

/** The most crossings of one direction a `count` event carries (core's event schema). */
export const MAX_CROSSINGS = LIMITS.maxCrossings;

export const emptyTally = (): DoorTally => ({ pendingIn: 0, pendingOut: 0, totalIn: null, totalOut: null, resets: 0, refused: 0, sensors: [] });

const nonNegInt = (n: number): number => (Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);

/**
 * Add crossings (negative or fractional inputs are clamped to whole, non-negative numbers); a
 * reading that would leave more than {@link MAX_CROSSINGS} of a direction waiting is refused whole
 * (counted in `refused`).
 */
export function addCrossings(t: DoorTally, nIn: number, nOut: number): DoorTally {
  const pendingIn = t.pendingIn + nonNegInt(nIn);
  const pendingOut = t.pendingOut + nonNegInt(nOut);
  if (pendingIn > MAX_CROSSINGS || pendingOut > MAX_CROSSINGS) return { ...t, refused: t.refused + 1 };
  return { ...t, pendingIn, pendingOut };
}

function step(last: number | null, total: number): { delta: number; reset: boolean } {
  if (last === null) return { delta: 0, reset: false };
  if (total < last) return { delta: total, reset: true };
  return { delta: total - last, reset: false };
}

/** One direction's reading against its baseline: the crossings waiting after it, its new baseline, and whether it was a reset or refused. */
function applyDirection(pending: number, last: number | null, reading: number | undefined): { pending: number; last: number | null; reset: boolean; refused: boolean } {
  if (reading === undefined) return { pending, last, reset: false, refused: false };
  const total = nonNegInt(reading);
  const s = step(last, total);
  if (pending + s.delta > MAX_CROSSINGS) return { pending, last: null, reset: false, refused: true };
  return { pending: pending + s.delta, last: total, reset: s.reset, refused: false };
}

/** Add one device's totals reading to `t` against its baseline; returns the tally (pending, resets, refused) and the new baseline. */
function applyTotals(t: DoorTally, base: { in: number | null; out: number | null }, totalIn: number | undefined, totalOut: number | undefined) {
  const a = applyDirection(t.pendingIn, base.in, totalIn);
  const b = applyDirection(t.pendingOut, base.out, totalOut);
  const tally = { ...t, pendingIn: a.pending, pendingOut: b.pending, resets: t.resets + Number(a.reset) + Number(b.reset), refused: t.refused + (a.refused || b.refused ? 1 : 0) };
  return { tally, base: { in: a.last, out: b.last } };
}

/**
 * Add a reading of the device's cumulative totals (either may be undefined when the device reports
 * one direction). A direction whose increase would leave more than {@link MAX_CROSSINGS} waiting
 * is refused (counted in `refused`) and its baseline cleared.
 */
export function addTotals(t: DoorTally, totalIn: number | undefined, totalOut: number | undefined): DoorTally {
  const r = applyTotals(t, { in: t.totalIn, out: t.totalOut }, totalIn, totalOut);
  return { ...r.tally, totalIn: r.base.in, totalOut: r.base.out };
}

/**
 * Add one sensor's cumulative totals (a pushed record): as {@link addTotals}, against that
 * sensor's own baseline, its first reading being its baseline.
 */
export function addSensorTotals(t: DoorTally, sensor: string, totalIn: number | undefined, totalOut: number | undefined): DoorTally {
  const known = t.sensors.find((x) => x.sensor === sensor);
  const r = applyTotals(t, known ?? { in: null, out: null }, totalIn, totalOut);
  return { ...r.tally, sensors: withSensor(t.sensors, { sensor, ...r.base }) };
}

/** `sensors` with `entry` as the one heard from last (replacing its earlier baseline), at most {@link MAX_SENSORS}. */
function withSensor(sensors: SensorTotals[], entry: SensorTotals): SensorTotals[] {
  const others = sensors.filter((x) => x.sensor !== entry.sensor);
  return [...others.slice(Math.max(0, others.length - MAX_SENSORS + 1)), entry];
}

/**
 * Whether `t` holds pushed totals as agents before per-sensor baselines kept them: the sum of a
 * push's records in `totalIn`/`totalOut`, and no sensor of its own yet (a tally file written by
 * such an agent, read by this one).
 */
export const hasSummedPushTotals = (t: DoorTally): boolean => t.sensors.length === 0 && (t.totalIn !== null || t.totalOut !== null);

/**
 * The first push read against a tally of {@link hasSummedPushTotals}: its records are summed and
 * compared with the summed baseline once more (as that agent would have done, so the crossings
 * since its last push are counted, not lost to a new baseline), then every record is its sensor's
 * baseline and the summed one is cleared; later pushes go through {@link addSensorTotals}.
 */
export function addFirstPushOverSummedTotals(t: DoorTally, records: ReadonlyArray<{ sensor: string; in: number; out: number }>): DoorTally {
  const sum = records.reduce((a, r) => ({ in: a.in + nonNegInt(r.in), out: a.out + nonNegInt(r.out) }), { in: 0, out: 0 });
  const r = applyTotals(t, { in: t.totalIn, out: t.totalOut }, sum.in, sum.out);
  const sensors = records.reduce((list, rec) => withSensor(list, { sensor: rec.sensor, in: nonNegInt(rec.in), out: nonNegInt(rec.out) }), t.sensors);
  return { ...r.tally, totalIn: null, totalOut: null, sensors };
}

/** Take the pending crossings as one report, leaving the totals baseline in place. */
export function takeReport(t: DoorTally): { report: { in: number; out: number }; tally: DoorTally } {
  return { report: { in: t.pendingIn, out: t.pendingOut }, tally: { ...t, pendingIn: 0, pendingOut: 0 } };
}

/** A tally read back from a state file, or an empty one when the value is not a tally. */
export function parseTally(value: unknown): DoorTally | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  const int = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x) && x >= 0;
  const intOrNull = (x: unknown): x is number | null => x === null || int(x);
  if (!int(v.pendingIn) || !int(v.pendingOut) || !intOrNull(v.totalIn) || !intOrNull(v.totalOut)) return null;
  return {
    pendingIn: v.pendingIn,
    pendingOut: v.pendingOut,
    totalIn: v.totalIn,
    totalOut: v.totalOut,
    resets: int(v.resets) ? v.resets : 0,
    refused: int(v.refused) ? v.refused : 0,
    sensors: Array.isArray(v.sensors)
      ? v.sensors.flatMap((x: unknown) => {
          const o = x as Record<string, unknown> | null;
          return o !== null && typeof o === "object" && typeof o.sensor === "string" && intOrNull(o.in) && intOrNull(o.out) ? [{ sensor: o.sensor, in: o.in, out: o.out }] : [];
        }).slice(-MAX_SENSORS)
      : [],
  };
}
