/**
 * Whether the simulated store is open (its arrival curve above 0) and the one log line that says so: a sim
 * started at night sends nobody until its curve opens, and without a word IT took it for broken. The line says
 * until when (the store's local time), how long that is in real time, and what to set to see traffic now.
 */
import { firstOpenInstant, secondsOfDay } from "./clock.js";
import { arrivalMultiplier } from "./engine.js";
import type { SimSettings } from "./settings.js";

type Curve = Pick<SimSettings, "weeklyCurve" | "hourlyCurve">;

/** Whether visitors arrive at instant `ms` (of the curve's clock: simulated, or real with `followClock`). */
export function simOpenAt(s: Curve, ms: number, timeZone: string): boolean {
  return arrivalMultiplier(s, ms, timeZone) > 0;
}

/** The first hour boundary after `ms` where the store's open/closed state differs from `ms`'s; null when none within a week. */
export function nextSimChange(s: Curve, ms: number, timeZone: string): number | null {
  const open = simOpenAt(s, ms, timeZone);
  const at = firstOpenInstant(ms, timeZone, (t) => (simOpenAt(s, t, timeZone) !== open ? 1 : 0));
  return at === ms ? null : at;
}

/** `08:00`, or `Sat 08:00` when more than 20 hours after `from`, in `timeZone`. */
function localTime(ms: number, from: number, timeZone: string): string {
  const s = secondsOfDay(ms, timeZone);
  const hhmm = `${String(Math.floor(s / 3600)).padStart(2, "0")}:${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}`;
  if (ms - from <= 20 * 3_600_000) return hhmm;
  return `${new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short" }).format(ms)} ${hhmm}`;
}

/** A real duration as people say it: "under a minute", "10 min", "9 h 58 min". */
export function realWait(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 1) return "under a minute";
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ""}`;
}

/**
 * The line for the store's state at curve instant `at`: closed, until when and what to do about it; or open, until when.
 * `speed` turns a simulated wait into a real one (the curve's clock is the real one with `followClock`).
 */
export function simStateLine(s: Curve & Pick<SimSettings, "speed" | "followClock">, at: number, timeZone: string): { open: boolean; line: string } {
  const open = simOpenAt(s, at, timeZone);
  const next = nextSimChange(s, at, timeZone);
  if (open) {
    const until = next === null ? "" : ` until ${localTime(next, at, timeZone)}`;
    return { open, line: `simulated store open${until} (${timeZone}): visitors coming in` };
  }
  if (next === null)
    return { open, line: `simulated store closed (${timeZone}): its arrival curve is 0 for the whole week, so no visitors ever; give the opening hours a value above 0 in "hourlyCurve" (or "weeklyCurve")` };
  const wait = next - at;
  const when = s.followClock
    ? `in ${realWait(wait)} ("followClock" keeps the store's real hours); to see traffic now set "followClock": false and "startOpen": true in the config's settings`
    : `${realWait(wait / s.speed)} from now at speed ${s.speed}; to see traffic now set "startOpen": true (or "startHour": 12, or a higher "speed") in the config's settings`;
  return { open, line: `simulated store closed until ${localTime(next, at, timeZone)} (${timeZone}): no visitors until then, ${when}` };
}
