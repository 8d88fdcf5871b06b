/**
 * A door counter's tally between two `count` reports, pure. Counts come either as crossings
 * ("3 people in") or as the device's cumulative totals ("in=1234 out=1200"); the tally turns both
 * into the protocol's "crossings since the previous report", never negative.
 *
 * Totals: the first reading only sets the baseline (a device's lifetime total is not today's
 * traffic); later ones add their increase; a total lower than the baseline means the device
 * restarted from zero, and the new total is the increase.
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
}

export const emptyTally = (): DoorTally => ({ pendingIn: 0, pendingOut: 0, totalIn: null, totalOut: null, resets: 0 });

const nonNegInt = (n: number): number => (Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);

/** Add crossings (negative or fractional inputs are clamped to whole, non-negative numbers). */
export function addCrossings(t: DoorTally, nIn: number, nOut: number): DoorTally {
  return { ...t, pendingIn: t.pendingIn + nonNegInt(nIn), pendingOut: t.pendingOut + nonNegInt(nOut) };
}

function step(last: number | null, total: number): { delta: number; reset: boolean } {
  if (last === null) return { delta: 0, reset: false };
  if (total < last) return { delta: total, reset: true };
  return { delta: total - last, reset: false };
}

/** Add a reading of the device's cumulative totals (either may be undefined when the device reports one direction). */
export function addTotals(t: DoorTally, totalIn: number | undefined, totalOut: number | undefined): DoorTally {
  let next = { ...t };
  if (totalIn !== undefined) {
    const total = nonNegInt(totalIn);
    const s = step(t.totalIn, total);
    next = { ...next, pendingIn: next.pendingIn + s.delta, totalIn: total, resets: next.resets + (s.reset ? 1 : 0) };
  }
  if (totalOut !== undefined) {
    const total = nonNegInt(totalOut);
    const s = step(t.totalOut, total);
    next = { ...next, pendingOut: next.pendingOut + s.delta, totalOut: total, resets: next.resets + (s.reset ? 1 : 0) };
  }
  return next;
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
  return { pendingIn: v.pendingIn, pendingOut: v.pendingOut, totalIn: v.totalIn, totalOut: v.totalOut, resets: int(v.resets) ? v.resets : 0 };
}
