/**
 * Checks of one day's opening intervals as the hours editors hold them (Admin > Store, Alerts):
 * each "HH:MM" to "HH:MM" with close after open, listed in time order, none overlapping the next
 * (touching is fine: 12:30 to 14:00 then 14:00 to 19:00). The server checks the same
 * (core's hoursProblems); this says it before saving, naming the day and the intervals.
 */
export interface DayInterval {
  open: string;
  close: string;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
export const minutesOfDay = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** What is wrong with a day's intervals, in words naming `day`; empty when they can be saved. */
export function dayIntervalProblems(day: string, intervals: readonly DayInterval[]): string[] {
  const out: string[] = [];
  intervals.forEach((iv, i) => {
    if (!HHMM.test(iv.open) || !HHMM.test(iv.close)) {
      out.push(`${day}: interval ${i + 1} needs an opening and a closing time (HH:MM)`);
      return;
    }
    if (minutesOfDay(iv.close) <= minutesOfDay(iv.open)) out.push(`${day}: ${iv.open}-${iv.close} closes before it opens (a night opening ends at 24:00 and starts again at 00:00 the next day)`);
    const prev = intervals[i - 1];
    if (!prev || !HHMM.test(prev.open) || !HHMM.test(prev.close)) return;
    if (minutesOfDay(iv.open) < minutesOfDay(prev.open)) out.push(`${day}: ${iv.open}-${iv.close} is listed after ${prev.open}-${prev.close}: put the intervals in time order`);
    else if (minutesOfDay(iv.open) < minutesOfDay(prev.close)) out.push(`${day}: ${prev.open}-${prev.close} and ${iv.open}-${iv.close} overlap`);
  });
  return out;
}

/** A new interval to add after `intervals`: an hour after the last one closes, 4 hours long (within the day), or 09:00-19:00. */
export function nextInterval(intervals: readonly DayInterval[]): DayInterval | null {
  const last = intervals.at(-1);
  if (!last) return { open: "09:00", close: "19:00" };
  if (!HHMM.test(last.close)) return null;
  const open = Math.min(minutesOfDay(last.close) + 60, 23 * 60);
  if (open <= minutesOfDay(last.close)) return null;
  const close = Math.min(open + 240, 24 * 60);
  const fmt = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  return { open: fmt(open), close: fmt(close) };
}
