/**
 * For tests only: a reference of local dates and wall clocks that reads nothing but Intl's wall
 * clock, minute by minute (no offsets, no arithmetic on zones), to check the UI's local days, slots
 * and wall-clock times (range.ts, traffic.ts: core's calendar) against.
 */
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const formats = new Map<string, Intl.DateTimeFormat>();
/** The local wall clock of `t`: its date, and the wall clock as if UTC (ms, whole seconds). */
export function wall(t: number, zone: string): { date: string; ms: number } {
  let f = formats.get(zone);
  if (!f) formats.set(zone, (f = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })));
  const m = /^(\d\d)\/(\d\d)\/(\d{4}), (\d\d):(\d\d):(\d\d)$/.exec(f.format(t));
  if (!m) throw new Error(`unexpected Intl output ${f.format(t)}`);
  const [, mo, d, y, h, mi, s] = m.map(Number) as number[];
  return { date: `${m[3]}-${m[1]}-${m[2]}`, ms: Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) };
}

/** The date `n` days after `date` (`YYYY-MM-DD`). */
export const shiftDate = (date: string, n: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

/**
 * The first whole minute whose local wall clock reads at least `wallMs`: by hours from 30 h before
 * while the clock is 3 h short of it (a clock put back goes back less than that), then by minutes.
 */
export function firstAtLeast(wallMs: number, zone: string): number {
  let t = wallMs - 30 * HOUR;
  while (wall(t + HOUR, zone).ms < wallMs - 3 * HOUR) t += HOUR;
  while (wall(t, zone).ms < wallMs) t += MINUTE;
  return t;
}

/** The start of a local date: the first minute whose date is it (01:00 where midnight is skipped). */
export const dateStart = (date: string, zone: string): number => firstAtLeast(Date.parse(`${date}T00:00:00Z`), zone);
